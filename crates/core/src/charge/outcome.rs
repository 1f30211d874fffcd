//! `outcome`: what the network and Radar said about an attempt, as Stripe words it.
//!
//! Kept apart from the charge itself: it is the one place that turns the simulated network's
//! answer ([`AttemptResult`]) into Stripe's outcome fields and seller messages.

use serde::{Deserialize, Serialize};

use super::AttemptResult;
use crate::card::{Decline, OutcomeType, RiskLevel};

/// `outcome`: what the network and Radar said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub advice_code: Option<String>,
    pub network_advice_code: Option<String>,
    pub network_decline_code: Option<String>,
    pub network_status: NetworkStatus,
    pub reason: Option<String>,
    pub risk_level: RiskLevel,
    pub risk_score: i64,
    /// The Radar rule that matched; Tender's default rules have no ids, so it is left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    pub seller_message: String,
    #[serde(rename = "type")]
    pub kind: OutcomeKind,
}

/// `outcome.network_status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkStatus {
    ApprovedByNetwork,
    DeclinedByNetwork,
    NotSentToNetwork,
    ReversedAfterApproval,
}

/// `outcome.type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    Authorized,
    ManualReview,
    IssuerDeclined,
    Blocked,
    Invalid,
}

/// A plausible Radar score for a risk level, for attempts the network scored implicitly
/// (declines): Stripe's bands are normal < 65 ≤ elevated < 75 ≤ highest.
pub fn typical_risk_score(level: RiskLevel) -> i64 {
    match level {
        RiskLevel::Normal => 20,
        RiskLevel::Elevated => 70,
        RiskLevel::Highest => 85,
    }
}

/// The outcome of an attempt and, for a failed one, the decline behind it.
pub(super) fn outcome_of(result: &AttemptResult) -> (Outcome, Option<&Decline>) {
    match result {
        AttemptResult::Approved {
            risk_level,
            risk_score,
        } => (
            Outcome {
                advice_code: None,
                network_advice_code: None,
                network_decline_code: None,
                network_status: NetworkStatus::ApprovedByNetwork,
                reason: None,
                risk_level: *risk_level,
                risk_score: *risk_score,
                rule: None,
                seller_message: "Payment complete.".to_owned(),
                kind: OutcomeKind::Authorized,
            },
            None,
        ),
        AttemptResult::Declined(decline) => {
            let (network_status, reason, seller_message, kind) = match decline.outcome {
                OutcomeType::IssuerDeclined => (
                    NetworkStatus::DeclinedByNetwork,
                    decline.decline_code.map(str::to_owned),
                    issuer_seller_message(decline.decline_code),
                    OutcomeKind::IssuerDeclined,
                ),
                // Stripe documents `highest_risk_level` as the reason of a block by Radar's
                // default rule, the only rule Tender's network applies.
                OutcomeType::Blocked => (
                    NetworkStatus::NotSentToNetwork,
                    Some(blocked_reason(decline.risk_level).to_owned()),
                    "Stripe blocked this payment as too risky.".to_owned(),
                    OutcomeKind::Blocked,
                ),
            };
            (
                Outcome {
                    advice_code: decline.advice_code.map(str::to_owned),
                    network_advice_code: None,
                    network_decline_code: None,
                    network_status,
                    reason,
                    risk_level: decline.risk_level,
                    risk_score: typical_risk_score(decline.risk_level),
                    rule: None,
                    seller_message,
                    kind,
                },
                Some(decline),
            )
        }
    }
}

fn blocked_reason(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::Highest => "highest_risk_level",
        RiskLevel::Elevated => "elevated_risk_level",
        RiskLevel::Normal => "rule",
    }
}

/// Stripe's seller message names the issuer's decline code, except for a generic decline
/// where the bank gave none.
fn issuer_seller_message(decline_code: Option<&str>) -> String {
    match decline_code {
        None | Some("generic_decline") => {
            "The bank did not return any further details with this decline.".to_owned()
        }
        Some(code) => format!("The bank returned the decline code `{code}`."),
    }
}
