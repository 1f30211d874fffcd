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

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tender_wire::{ApiError, Field, Metadata, MetadataUpdate, Params};

use crate::Timestamp;
use crate::address::{BillingDetails, Shipping};
use crate::card::{Brand, Decline, Funding, OutcomeType, RiskLevel};
use crate::event::previous_attributes;
use crate::payment_method::{
    Checks, PaymentMethod, PaymentMethodType, RadarOptions, RegulatedStatus,
};

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

/// What Stripe's card networks have us print when the merchant sets no descriptor.
const DEFAULT_DESCRIPTOR: &str = "TENDER";
/// Card authorizations expire after seven days.
const AUTHORIZATION_LIFETIME: Timestamp = 7 * 24 * 60 * 60;
/// The electronic commerce indicator of a fully authenticated 3DS payment (Visa's value;
/// Stripe renders it for every network in test mode).
const ECI_AUTHENTICATED: &str = "05";

/// A plausible Radar score for a risk level, for attempts the network scored implicitly
/// (declines): Stripe's bands are normal < 65 ≤ elevated < 75 ≤ highest.
pub fn typical_risk_score(level: RiskLevel) -> i64 {
    match level {
        RiskLevel::Normal => 20,
        RiskLevel::Elevated => 70,
        RiskLevel::Highest => 85,
    }
}

impl Charge {
    /// One charge per confirmation attempt that reached the network (`ch_…` id given by caller).
    pub fn for_attempt(id: String, attempt: &ChargeAttempt<'_>, now: Timestamp) -> Charge {
        let pm = attempt.payment_method;
        let approved = matches!(attempt.result, AttemptResult::Approved { .. });
        let captured = approved && attempt.capture;
        let (outcome, failure) = outcome_of(&attempt.result);
        let card = pm.card.as_ref().map(|card| {
            let three_d_secure = attempt.three_d_secure.map(|tds| ChargeThreeDSecure {
                authentication_flow: tds.authentication_flow.to_owned(),
                electronic_commerce_indicator: ECI_AUTHENTICATED.to_owned(),
                exemption_indicator: None,
                result: tds.result.to_owned(),
                result_reason: None,
                transaction_id: derived_uuid(&id),
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
                network_transaction_id: approved.then(|| network_transaction_id(&id)),
                overcapture: Overcapture {
                    maximum_amount_capturable: attempt.amount,
                    status: "unavailable".to_owned(),
                },
                regulated_status: card.regulated_status,
                three_d_secure,
                wallet: None,
            }
        });
        let mandate = mandate_id(&id);
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
            payment_method_details: PaymentMethodDetails {
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
            },
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

    /// Captures `amount` (≤ amount) of an uncaptured, succeeded charge: captured=true,
    /// amount_captured=amount, and the uncaptured remainder counts as refunded
    /// (amount_refunded = amount - captured), as Stripe reports a partial capture.
    ///
    /// Errors are 400s naming `amount_to_capture`, the PaymentIntent parameter, since capture
    /// is only reachable through PaymentIntents.
    pub fn capture(&mut self, amount: i64) -> Result<(), ApiError> {
        if !self.succeeded() {
            return Err(ApiError::invalid_request(format!(
                "Charge {} has failed and cannot be captured.",
                self.id
            )));
        }
        if self.captured {
            return Err(ApiError::invalid_request(format!(
                "Charge {} has already been captured.",
                self.id
            ))
            .with_code("charge_already_captured"));
        }
        if self.refunded {
            return Err(already_refunded(&self.id));
        }
        if amount < 1 || amount > self.amount {
            return Err(ApiError::invalid_request(format!(
                "The amount to capture must be between 1 and the authorized amount ({}); got \
                 {amount}.",
                self.amount
            ))
            .with_param("amount_to_capture"));
        }
        self.captured = true;
        self.amount_captured = amount;
        self.amount_refunded = self.amount - amount;
        self.refunded = self.amount_refunded == self.amount;
        Ok(())
    }

    /// Releases an uncaptured authorization (PaymentIntent canceled): the whole amount counts
    /// as refunded and `captured` stays false. Does nothing to a captured or failed charge,
    /// which has no authorization left to release.
    pub fn release(&mut self) {
        if self.succeeded() && !self.captured {
            self.amount_refunded = self.amount;
            self.refunded = true;
        }
    }
}

/// `charge_already_refunded`, shared with refunds.
pub(crate) fn already_refunded(id: &str) -> ApiError {
    ApiError::invalid_request(format!("Charge {id} has already been refunded."))
        .with_code("charge_already_refunded")
}

/// The outcome of an attempt and, for a failed one, the decline behind it.
fn outcome_of(result: &AttemptResult) -> (Outcome, Option<&Decline>) {
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

/// `statement_descriptor` wins; a suffix is appended to the account's prefix as Stripe
/// composes dynamic descriptors.
fn calculated_descriptor(descriptor: Option<&str>, suffix: Option<&str>) -> String {
    match (descriptor, suffix) {
        (Some(descriptor), _) => descriptor.to_owned(),
        (None, Some(suffix)) => format!("{DEFAULT_DESCRIPTOR}* {suffix}"),
        (None, None) => DEFAULT_DESCRIPTOR.to_owned(),
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

/// `POST /v1/charges/:id` parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChargeUpdate {
    /// Only settable on a charge without a customer; the caller checks that it exists.
    pub customer: Option<String>,
    pub description: Field<String>,
    pub fraud_user_report: Field<String>,
    pub metadata: Option<MetadataUpdate>,
    pub receipt_email: Field<String>,
    pub shipping: Field<Shipping>,
    /// Only settable while unset.
    pub transfer_group: Option<String>,
}

const USER_REPORTS: &[&str] = &["fraudulent", "safe"];

impl ChargeUpdate {
    /// Takes the parameters it knows from `p`; the caller handles `expand` and finishes.
    pub fn take(p: &mut Params) -> Result<ChargeUpdate, ApiError> {
        let fraud_user_report = match p.object_field("fraud_details")? {
            Field::Absent => Field::Absent,
            Field::Clear => Field::Clear,
            Field::Set(mut nested) => {
                let report = nested.enumeration_field("user_report", USER_REPORTS)?;
                let missing = ApiError::missing_parameter(&nested.name("user_report"));
                nested.finish()?;
                if report.is_absent() {
                    return Err(missing);
                }
                report
            }
        };
        Ok(ChargeUpdate {
            customer: p.string("customer")?,
            description: p.string_field("description")?,
            fraud_user_report,
            metadata: p.metadata("metadata")?,
            receipt_email: p.string_field("receipt_email")?,
            shipping: Shipping::take_field(p, "shipping", false)?,
            transfer_group: p.string("transfer_group")?,
        })
    }

    /// Applies the update, all or nothing, and returns the `previous_attributes` of the
    /// `charge.updated` event (`None` when nothing changed).
    pub fn apply(&self, charge: &mut Charge) -> Result<Option<Value>, ApiError> {
        let mut next = charge.clone();
        if let Some(customer) = &self.customer {
            match &charge.customer {
                Some(current) if current != customer => {
                    return Err(ApiError::invalid_request(format!(
                        "Charge {} already belongs to customer {current}; its customer can only \
                         be set while it has none.",
                        charge.id
                    ))
                    .with_param("customer"));
                }
                _ => next.customer = Some(customer.clone()),
            }
        }
        if let Some(group) = &self.transfer_group {
            match &charge.transfer_group {
                Some(current) if current != group => {
                    return Err(ApiError::invalid_request(
                        "`transfer_group` may only be provided if it has not been set.",
                    )
                    .with_param("transfer_group"));
                }
                _ => next.transfer_group = Some(group.clone()),
            }
        }
        set(&mut next.description, &self.description);
        set(&mut next.receipt_email, &self.receipt_email);
        set(&mut next.fraud_details.user_report, &self.fraud_user_report);
        match &self.shipping {
            Field::Absent => {}
            Field::Clear => next.shipping = None,
            Field::Set(shipping) => next.shipping = Some(shipping.clone()),
        }
        if let Some(update) = &self.metadata {
            update.apply(&mut next.metadata, "metadata")?;
        }
        let before = serde_json::to_value(&*charge).map_err(|_| ApiError::internal())?;
        let after = serde_json::to_value(&next).map_err(|_| ApiError::internal())?;
        *charge = next;
        Ok(previous_attributes(&before, &after))
    }
}

fn set(slot: &mut Option<String>, field: &Field<String>) {
    match field {
        Field::Absent => {}
        Field::Clear => *slot = None,
        Field::Set(value) => *slot = Some(value.clone()),
    }
}

#[cfg(test)]
pub(crate) mod tests;
