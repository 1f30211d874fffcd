//! The Charge resource (spec §7.1): one per PaymentIntent confirmation attempt that reached the
//! card network (or was blocked by Radar on its way there).
//!
//! Tender has no legacy Charges API: charges are only made by [`Charge::for_attempt`], called by
//! the PaymentIntent engine, and only changed by capture, release, refunds
//! ([`crate::refund`]) and [`ChargeUpdate`]. [`Charge`] serializes to exactly the JSON Stripe
//! renders (API 2026-10-28, stripe-mock's fixture as the model) and is stored as that JSON, so
//! it carries no hidden state: what a refund needs to know is in the rendered amounts.
//!
//! Amount bookkeeping follows Stripe: `amount_refunded` counts both refunds and the part of an
//! authorization that was never captured (a partial capture or a release), so
//! `amount - amount_refunded` is always what is left to refund, and `refunded` is true exactly
//! when nothing is.
//!
//! The parts of a charge live in submodules, whose types are re-exported here: `details`
//! renders `payment_method_details` (the snapshot of the payment method as charged),
//! `outcome` what the network and Radar said, and `update` every change made to a charge
//! after it was made (capture, release and [`ChargeUpdate`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tender_wire::Metadata;

use crate::Timestamp;
use crate::address::{BillingDetails, Shipping};
use crate::card::{Decline, RiskLevel};
use crate::payment_method::{PaymentMethod, RadarOptions};

mod details;
mod outcome;
mod update;

use outcome::outcome_of;

pub use details::{
    CardDetails, ChargeThreeDSecure, FeatureStatus, IdealDetails, NetworkToken, Overcapture,
    PaymentMethodDetails, SepaDebitDetails, UsBankAccountDetails, mandate_id,
};
pub use outcome::{NetworkStatus, Outcome, OutcomeKind, typical_risk_score};
pub use update::ChargeUpdate;
pub(crate) use update::already_refunded;

/// What the simulated network answered for one attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptResult {
    Approved {
        risk_level: RiskLevel,
        risk_score: i64,
    },
    /// Refused by the issuer (`outcome.type = issuer_declined`) or by Radar (`blocked`).
    Declined(Decline),
}

/// 3D Secure details of an attempt that was authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThreeDSecureDetails {
    /// `challenge` or `frictionless`.
    pub authentication_flow: &'static str,
    /// `authenticated`, `attempt_acknowledged`, …
    pub result: &'static str,
    /// `2.2.0`.
    pub version: &'static str,
}

/// Everything a charge records about one attempt, as the PaymentIntent engine knows it.
#[derive(Clone, Copy, Debug)]
pub struct ChargeAttempt<'a> {
    pub payment_intent: &'a str,
    pub payment_method: &'a PaymentMethod,
    pub customer: Option<&'a str>,
    pub amount: i64,
    pub currency: &'a str,
    /// false for capture_method=manual: an authorization only.
    pub capture: bool,
    pub result: AttemptResult,
    pub three_d_secure: Option<ThreeDSecureDetails>,
    pub description: Option<&'a str>,
    pub receipt_email: Option<&'a str>,
    pub shipping: Option<&'a Shipping>,
    pub statement_descriptor: Option<&'a str>,
    pub statement_descriptor_suffix: Option<&'a str>,
    /// Stripe copies the PaymentIntent's metadata onto the charge.
    pub metadata: &'a Metadata,
}

/// A charge, rendered with the full key set of the API version Tender speaks. `refunds` is
/// left out: newer API versions only include it when expanded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Charge {
    pub id: String,
    pub object: ChargeObject,
    pub amount: i64,
    pub amount_captured: i64,
    pub amount_refunded: i64,
    /// Connect fields: always `null`, Tender has no platforms.
    pub application: Option<String>,
    pub application_fee: Option<String>,
    pub application_fee_amount: Option<i64>,
    /// Always `null`: Tender keeps no balance (no `txn_…` objects) yet. Stripe itself renders
    /// `null` until the balance transaction lands, so SDKs accept it.
    pub balance_transaction: Option<String>,
    pub billing_details: BillingDetails,
    pub calculated_statement_descriptor: Option<String>,
    pub captured: bool,
    pub created: Timestamp,
    pub currency: String,
    pub customer: Option<String>,
    pub description: Option<String>,
    /// Always false: disputes are not simulated yet.
    pub disputed: bool,
    pub failure_balance_transaction: Option<String>,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub fraud_details: FraudDetails,
    pub livemode: bool,
    pub metadata: Metadata,
    pub on_behalf_of: Option<String>,
    pub outcome: Outcome,
    pub paid: bool,
    pub payment_intent: Option<String>,
    pub payment_method: Option<String>,
    pub payment_method_details: PaymentMethodDetails,
    pub radar_options: RadarOptions,
    pub receipt_email: Option<String>,
    pub receipt_number: Option<String>,
    /// `null`: Tender has no hosted receipts.
    pub receipt_url: Option<String>,
    pub refunded: bool,
    pub review: Option<String>,
    pub shipping: Option<Shipping>,
    /// Legacy sources: always `null`.
    pub source: Option<Value>,
    pub source_transfer: Option<String>,
    pub statement_descriptor: Option<String>,
    pub statement_descriptor_suffix: Option<String>,
    pub status: ChargeStatus,
    pub transfer_data: Option<Value>,
    pub transfer_group: Option<String>,
}

/// The constant `object` field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChargeObject {
    #[default]
    #[serde(rename = "charge")]
    Charge,
}

/// `status`. Card charges are never `pending` in Tender; the variant exists for the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeStatus {
    Succeeded,
    Pending,
    Failed,
}

/// `fraud_details`: `{}` until someone reports.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FraudDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stripe_report: Option<String>,
    /// `safe` or `fraudulent`, set by the merchant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_report: Option<String>,
}

/// What Stripe's card networks have us print when the merchant sets no descriptor.
const DEFAULT_DESCRIPTOR: &str = "TENDER";

impl Charge {
    /// One charge per confirmation attempt that reached the network (`ch_…` id given by caller).
    pub fn for_attempt(id: String, attempt: &ChargeAttempt<'_>, now: Timestamp) -> Charge {
        let pm = attempt.payment_method;
        let approved = matches!(attempt.result, AttemptResult::Approved { .. });
        let captured = approved && attempt.capture;
        let (outcome, failure) = outcome_of(&attempt.result);
        let payment_method_details = PaymentMethodDetails::for_attempt(&id, attempt, approved, now);
        let calculated_statement_descriptor = Some(calculated_descriptor(
            attempt.statement_descriptor,
            attempt.statement_descriptor_suffix,
        ));
        Charge {
            id,
            object: ChargeObject::Charge,
            amount: attempt.amount,
            amount_captured: if captured { attempt.amount } else { 0 },
            amount_refunded: 0,
            application: None,
            application_fee: None,
            application_fee_amount: None,
            balance_transaction: None,
            billing_details: pm.billing_details.clone(),
            calculated_statement_descriptor,
            captured,
            created: now,
            currency: attempt.currency.to_owned(),
            customer: attempt.customer.map(str::to_owned),
            description: attempt.description.map(str::to_owned),
            disputed: false,
            failure_balance_transaction: None,
            failure_code: failure.map(|d| d.code.to_owned()),
            failure_message: failure.map(|d| d.message.to_owned()),
            fraud_details: FraudDetails::default(),
            livemode: false,
            metadata: attempt.metadata.clone(),
            on_behalf_of: None,
            outcome,
            paid: approved,
            payment_intent: Some(attempt.payment_intent.to_owned()),
            payment_method: Some(pm.id.clone()),
            payment_method_details,
            radar_options: pm.radar_options.clone().unwrap_or_default(),
            receipt_email: attempt.receipt_email.map(str::to_owned),
            receipt_number: None,
            receipt_url: None,
            refunded: false,
            review: None,
            shipping: attempt.shipping.cloned(),
            source: None,
            source_transfer: None,
            statement_descriptor: attempt.statement_descriptor.map(str::to_owned),
            statement_descriptor_suffix: attempt.statement_descriptor_suffix.map(str::to_owned),
            status: if approved {
                ChargeStatus::Succeeded
            } else {
                ChargeStatus::Failed
            },
            transfer_data: None,
            transfer_group: None,
        }
    }

    pub fn succeeded(&self) -> bool {
        self.status == ChargeStatus::Succeeded
    }

    /// What is left to refund (or, before capture, to capture).
    pub fn unrefunded(&self) -> i64 {
        self.amount - self.amount_refunded
    }
}

/// `statement_descriptor` wins; a suffix is appended to the account's prefix as Stripe
/// composes dynamic descriptors.
fn calculated_descriptor(descriptor: Option<&str>, suffix: Option<&str>) -> String {
    match (descriptor, suffix) {
        (Some(descriptor), _) => descriptor.to_owned(),
        (None, Some(suffix)) => format!("{DEFAULT_DESCRIPTOR}* {suffix}"),
        (None, None) => DEFAULT_DESCRIPTOR.to_owned(),
    }
}

#[cfg(test)]
pub(crate) mod tests;
