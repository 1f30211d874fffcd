//! The PaymentMethod resource (spec §6.1): type `card` for now.
//!
//! [`PaymentMethod`] serializes to exactly the JSON Stripe renders (API 2026-10-28) and is
//! stored as that JSON. It carries no hidden state: the card's number is never kept, and the
//! network recognises a stored test card from its `last4` and per-account `fingerprint`
//! ([`PaymentMethod::card_behavior`], see [`crate::card`]). So the stored body can be served,
//! embedded in errors and sent in events as is.
//!
//! Each type's own hash and constructors live in a submodule, and so do the create and update
//! parameters; their public items are re-exported here, so every path stays
//! `payment_method::…`: `card` ([`Card`], [`PaymentMethod::from_card`]), `ideal` ([`Ideal`]),
//! [`bank`] (SEPA Direct Debit and US bank accounts), `create` ([`PaymentMethodCreate`]) and
//! `update` ([`PaymentMethodUpdate`]).

use serde::{Deserialize, Serialize};
use tender_wire::{ApiError, Metadata, Params};

use crate::Timestamp;
use crate::address::BillingDetails;

pub mod bank;
mod card;
mod create;
mod ideal;
mod update;

pub use card::{Card, Checks, Networks, RegulatedStatus, ThreeDSecureUsage};
pub use create::{PaymentMethodCreate, PaymentMethodData};
pub use ideal::{IDEAL_BANKS, Ideal};
pub use update::{CardUpdate, PaymentMethodUpdate};

/// A customer's payment instrument.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaymentMethod {
    pub id: String,
    pub object: PaymentMethodObject,
    pub allow_redisplay: AllowRedisplay,
    pub billing_details: BillingDetails,
    /// Present exactly when `type` is `card`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<Card>,
    pub created: Timestamp,
    /// Present exactly when `type` is `ideal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ideal: Option<Ideal>,
    /// Expandable; `null` until attached and again after detaching.
    pub customer: Option<String>,
    pub customer_account: Option<String>,
    pub livemode: bool,
    pub metadata: Metadata,
    /// Stripe renders it only when the create request carried `radar_options` (Stripe.js
    /// always does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radar_options: Option<RadarOptions>,
    /// Present exactly when `type` is `sepa_debit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sepa_debit: Option<bank::SepaDebit>,
    #[serde(rename = "type")]
    pub kind: PaymentMethodType,
    /// Present exactly when `type` is `us_bank_account`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub us_bank_account: Option<bank::UsBankAccount>,
}

/// The constant `object` field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentMethodObject {
    #[default]
    #[serde(rename = "payment_method")]
    PaymentMethod,
}

/// `type`. One variant per supported type, each with its own hash on the object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethodType {
    Card,
    /// iDEAL, the Dutch bank redirect: EUR only, authorized on a page the customer is sent to.
    Ideal,
    /// SEPA Direct Debit: EUR, an IBAN and a mandate; settles later.
    SepaDebit,
    /// ACH Direct Debit from a US bank account: USD; settles later.
    UsBankAccount,
}

impl PaymentMethodType {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethodType::Card => "card",
            PaymentMethodType::Ideal => "ideal",
            PaymentMethodType::SepaDebit => "sepa_debit",
            PaymentMethodType::UsBankAccount => "us_bank_account",
        }
    }

    /// The type named in a request, or 400 naming `param` for one Tender does not support.
    pub fn parse(value: &str, param: &str) -> Result<PaymentMethodType, ApiError> {
        match value {
            "card" => Ok(PaymentMethodType::Card),
            "ideal" => Ok(PaymentMethodType::Ideal),
            "sepa_debit" => Ok(PaymentMethodType::SepaDebit),
            "us_bank_account" => Ok(PaymentMethodType::UsBankAccount),
            other => Err(ApiError::invalid_request(format!(
                "The payment method type `{other}` is not supported. Supported types: `card`, \
                 `ideal`, `sepa_debit`, `us_bank_account`."
            ))
            .with_param(param)),
        }
    }
}

/// `allow_redisplay`: whether checkout UIs may show the method again to its customer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllowRedisplay {
    Always,
    Limited,
    #[default]
    Unspecified,
}

impl AllowRedisplay {
    const VALUES: [&'static str; 3] = ["always", "limited", "unspecified"];

    fn take(p: &mut Params) -> Result<Option<AllowRedisplay>, ApiError> {
        Ok(
            match p
                .enumeration("allow_redisplay", &AllowRedisplay::VALUES)?
                .as_deref()
            {
                Some("always") => Some(AllowRedisplay::Always),
                Some("limited") => Some(AllowRedisplay::Limited),
                Some(_) => Some(AllowRedisplay::Unspecified),
                None => None,
            },
        )
    }
}

/// `radar_options`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RadarOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

impl PaymentMethod {
    fn new(
        id: String,
        card: Option<Card>,
        billing_details: BillingDetails,
        metadata: Metadata,
        allow_redisplay: AllowRedisplay,
        now: Timestamp,
    ) -> PaymentMethod {
        PaymentMethod {
            id,
            object: PaymentMethodObject::PaymentMethod,
            allow_redisplay,
            billing_details,
            card,
            ideal: None,
            created: now,
            customer: None,
            customer_account: None,
            livemode: false,
            metadata,
            radar_options: None,
            sepa_debit: None,
            kind: PaymentMethodType::Card,
            us_bank_account: None,
        }
    }
}

#[cfg(test)]
mod tests;
