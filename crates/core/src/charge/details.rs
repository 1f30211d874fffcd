//! `payment_method_details`: the snapshot of the payment method as charged, one hash per
//! payment method type, and how a charge derives it from its attempt.
//!
//! Kept apart from the charge itself to keep each file readable: it is the largest part of a
//! charge's rendering, and the part that grows with each payment method type.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::ChargeAttempt;
use crate::Timestamp;
use crate::card::{Brand, Funding};
use crate::payment_method::{Checks, PaymentMethodType, RegulatedStatus};

/// `payment_method_details`: a snapshot of the card as charged, so the charge still reads
/// right after the payment method changes or is detached.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaymentMethodDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ideal: Option<IdealDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sepa_debit: Option<SepaDebitDetails>,
    #[serde(rename = "type")]
    pub kind: PaymentMethodType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub us_bank_account: Option<UsBankAccountDetails>,
}

/// `payment_method_details.sepa_debit`: the debited account and the mandate it was debited
/// under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SepaDebitDetails {
    pub bank_code: Option<String>,
    pub branch_code: Option<String>,
    pub country: Option<String>,
    pub fingerprint: String,
    pub last4: String,
    pub mandate: Option<String>,
}

/// `payment_method_details.us_bank_account`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsBankAccountDetails {
    pub account_holder_type: Option<String>,
    pub account_type: Option<String>,
    pub bank_name: Option<String>,
    pub fingerprint: String,
    pub last4: String,
    pub mandate: Option<String>,
    pub payment_reference: Option<String>,
    pub routing_number: String,
}

/// The id of the mandate a debit of charge `charge_id` was made under: derived, so that the
/// charge names it without a mandate object of its own (decision 23).
pub fn mandate_id(charge_id: &str) -> String {
    format!(
        "mandate_{}",
        charge_id
            .trim_start_matches("ch_")
            .trim_start_matches("py_")
    )
}

/// `payment_method_details.ideal`: the paying bank account, as Stripe's test mode shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdealDetails {
    pub bank: Option<String>,
    pub bic: Option<String>,
    pub generated_sepa_debit: Option<String>,
    pub generated_sepa_debit_mandate: Option<String>,
    pub iban_last4: Option<String>,
    pub transferred_to: Option<String>,
    pub verified_name: Option<String>,
}

/// `payment_method_details.card`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CardDetails {
    /// The authorized amount; `null` when nothing was authorized.
    pub amount_authorized: Option<i64>,
    pub authorization_code: Option<String>,
    pub brand: Brand,
    /// Uncaptured authorizations only: when the authorization expires (seven days for cards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture_before: Option<Timestamp>,
    pub checks: Checks,
    pub country: Option<String>,
    /// `05` for a payment authenticated with 3D Secure, else `null`.
    pub electronic_commerce_indicator: Option<String>,
    pub exp_month: i64,
    pub exp_year: i64,
    pub extended_authorization: FeatureStatus,
    pub fingerprint: String,
    pub funding: Funding,
    pub incremental_authorization: FeatureStatus,
    pub installments: Option<Value>,
    pub last4: String,
    pub mandate: Option<String>,
    pub multicapture: FeatureStatus,
    pub network: Brand,
    pub network_token: NetworkToken,
    pub network_transaction_id: Option<String>,
    pub overcapture: Overcapture,
    pub regulated_status: RegulatedStatus,
    pub three_d_secure: Option<ChargeThreeDSecure>,
    pub wallet: Option<Value>,
}

/// `{status}` of a card feature Tender does not offer (`disabled` / `unavailable`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureStatus {
    pub status: String,
}

impl FeatureStatus {
    fn new(status: &str) -> FeatureStatus {
        FeatureStatus {
            status: status.to_owned(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkToken {
    pub used: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overcapture {
    pub maximum_amount_capturable: i64,
    pub status: String,
}

/// `payment_method_details.card.three_d_secure`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeThreeDSecure {
    pub authentication_flow: String,
    pub electronic_commerce_indicator: String,
    pub exemption_indicator: Option<String>,
    pub result: String,
    pub result_reason: Option<String>,
    pub transaction_id: String,
    pub version: String,
}

/// Card authorizations expire after seven days.
pub(super) const AUTHORIZATION_LIFETIME: Timestamp = 7 * 24 * 60 * 60;
/// The electronic commerce indicator of a fully authenticated 3DS payment (Visa's value;
/// Stripe renders it for every network in test mode).
const ECI_AUTHENTICATED: &str = "05";

impl PaymentMethodDetails {
    /// What charge `charge_id` records of `attempt`'s payment method; `approved` is whether
    /// the network approved the attempt.
    pub(super) fn for_attempt(
        charge_id: &str,
        attempt: &ChargeAttempt<'_>,
        approved: bool,
        now: Timestamp,
    ) -> PaymentMethodDetails {
        let pm = attempt.payment_method;
        let card = pm.card.as_ref().map(|card| {
            let three_d_secure = attempt.three_d_secure.map(|tds| ChargeThreeDSecure {
                authentication_flow: tds.authentication_flow.to_owned(),
                electronic_commerce_indicator: ECI_AUTHENTICATED.to_owned(),
                exemption_indicator: None,
                result: tds.result.to_owned(),
                result_reason: None,
                transaction_id: derived_uuid(charge_id),
                version: tds.version.to_owned(),
            });
            CardDetails {
                amount_authorized: approved.then_some(attempt.amount),
                authorization_code: None,
                brand: card.brand,
                capture_before: (approved && !attempt.capture)
                    .then_some(now + AUTHORIZATION_LIFETIME),
                checks: card.checks.clone(),
                country: card.country.clone(),
                electronic_commerce_indicator: three_d_secure
                    .as_ref()
                    .map(|tds| tds.electronic_commerce_indicator.clone()),
                exp_month: card.exp_month,
                exp_year: card.exp_year,
                extended_authorization: FeatureStatus::new("disabled"),
                fingerprint: card.fingerprint.clone(),
                funding: card.funding,
                incremental_authorization: FeatureStatus::new("unavailable"),
                installments: None,
                last4: card.last4.clone(),
                mandate: None,
                multicapture: FeatureStatus::new("unavailable"),
                network: card.networks.preferred.unwrap_or(card.brand),
                network_token: NetworkToken { used: false },
                network_transaction_id: approved.then(|| network_transaction_id(charge_id)),
                overcapture: Overcapture {
                    maximum_amount_capturable: attempt.amount,
                    status: "unavailable".to_owned(),
                },
                regulated_status: card.regulated_status,
                three_d_secure,
                wallet: None,
            }
        });
        let mandate = mandate_id(charge_id);
        PaymentMethodDetails {
            card,
            ideal: pm.ideal.as_ref().map(|ideal| IdealDetails {
                bank: ideal.bank.clone(),
                bic: ideal.bic.clone(),
                generated_sepa_debit: None,
                generated_sepa_debit_mandate: None,
                iban_last4: approved.then(|| "5264".to_owned()),
                transferred_to: None,
                verified_name: approved.then(|| "Jenny Rosen".to_owned()),
            }),
            sepa_debit: pm.sepa_debit.as_ref().map(|sepa| SepaDebitDetails {
                bank_code: sepa.bank_code.clone(),
                branch_code: sepa.branch_code.clone(),
                country: sepa.country.clone(),
                fingerprint: sepa.fingerprint.clone(),
                last4: sepa.last4.clone(),
                mandate: Some(mandate.clone()),
            }),
            kind: pm.kind,
            us_bank_account: pm.us_bank_account.as_ref().map(|ach| UsBankAccountDetails {
                account_holder_type: ach.account_holder_type.clone(),
                account_type: ach.account_type.clone(),
                bank_name: ach.bank_name.clone(),
                fingerprint: ach.fingerprint.clone(),
                last4: ach.last4.clone(),
                mandate: Some(mandate.clone()),
                payment_reference: None,
                routing_number: ach.routing_number.clone(),
            }),
        }
    }
}

/// A stable 15-digit network transaction id for a charge: derived from its id so that the
/// constructor stays pure and the value never changes on re-render.
fn network_transaction_id(charge_id: &str) -> String {
    digest(charge_id, b"network transaction id")
        .iter()
        .take(15)
        .map(|byte| char::from(b'0' + byte % 10))
        .collect()
}

/// A stable UUID-shaped 3DS transaction id derived from the charge id.
fn derived_uuid(charge_id: &str) -> String {
    let hex: String = digest(charge_id, b"3ds transaction id")[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

fn digest(charge_id: &str, label: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(label);
    hasher.update([0]);
    hasher.update(charge_id.as_bytes());
    hasher.finalize().into()
}
