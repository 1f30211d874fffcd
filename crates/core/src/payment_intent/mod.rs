//! The PaymentIntent resource (spec §3) and its state machine.
//!
//! - this module: the object as the API renders it, and its enums;
//! - [`params`]: create, update and confirm parameters;
//! - [`decide`]: the transitions — confirm, authenticate, capture, cancel — as pure functions
//!   from the current intent (and what the network answers) to the next intent, the charge it
//!   touched, the events to record and the error to answer.

mod confirmable;
mod debit;
pub mod decide;
pub mod params;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tender_wire::{ApiError, Metadata};

use crate::Timestamp;
use crate::address::Shipping;
use crate::intent::Usage;

pub use crate::confirmation::OffSession;
pub use crate::intent::EventSubject;
pub use decide::{ConfirmContext, Transition};
pub use params::{ConfirmParams, PaymentIntentCreate, PaymentIntentUpdate};

/// `status` (spec §3.4).
pub use crate::intent::Status;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaptureMethod {
    Automatic,
    /// The default since API 2024-04-10: the same outcome as `automatic` for Tender, whose
    /// captures complete at once.
    #[default]
    AutomaticAsync,
    Manual,
}

impl CaptureMethod {
    pub const VALUES: &[&str] = &["automatic", "automatic_async", "manual"];

    pub fn parse(value: &str) -> CaptureMethod {
        match value {
            "automatic" => CaptureMethod::Automatic,
            "manual" => CaptureMethod::Manual,
            _ => CaptureMethod::AutomaticAsync,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CaptureMethod::Automatic => "automatic",
            CaptureMethod::AutomaticAsync => "automatic_async",
            CaptureMethod::Manual => "manual",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmationMethod {
    #[default]
    Automatic,
    Manual,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomaticPaymentMethods {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub allow_redirects: Option<String>,
    pub enabled: bool,
}

impl AutomaticPaymentMethods {
    /// Automatic payment methods are on and may redirect the customer: confirming an intent
    /// (Payment or Setup) then needs a `return_url`.
    pub fn allows_redirects(apm: Option<&AutomaticPaymentMethods>) -> bool {
        apm.is_some_and(|a| a.enabled && a.allow_redirects.as_deref() != Some("never"))
    }
}

/// A payment intent, rendered with the full key set of the API version Tender speaks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaymentIntent {
    pub id: String,
    pub object: String,
    pub amount: i64,
    pub amount_capturable: i64,
    pub amount_details: Value,
    pub amount_received: i64,
    pub application: Option<String>,
    pub application_fee_amount: Option<i64>,
    pub automatic_payment_methods: Option<AutomaticPaymentMethods>,
    pub canceled_at: Option<Timestamp>,
    pub cancellation_reason: Option<String>,
    pub capture_method: CaptureMethod,
    pub client_secret: String,
    pub confirmation_method: ConfirmationMethod,
    pub created: Timestamp,
    pub currency: String,
    pub customer: Option<String>,
    pub description: Option<String>,
    pub excluded_payment_method_types: Option<Value>,
    /// The invoice this intent pays. Removed from the answer in `2025-03-31.basil`; Tender
    /// shows it on an invoice's intent only (one superset for every version), and reads it to
    /// settle the invoice when the intent succeeds or fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice: Option<String>,
    pub last_payment_error: Option<Value>,
    pub latest_charge: Option<String>,
    pub livemode: bool,
    pub metadata: Metadata,
    pub next_action: Option<Value>,
    pub on_behalf_of: Option<String>,
    pub payment_method: Option<String>,
    pub payment_method_configuration_details: Option<Value>,
    pub payment_method_options: Value,
    pub payment_method_types: Vec<String>,
    pub processing: Option<Value>,
    pub receipt_email: Option<String>,
    pub review: Option<String>,
    pub setup_future_usage: Option<Usage>,
    pub shipping: Option<Shipping>,
    pub source: Option<String>,
    pub statement_descriptor: Option<String>,
    pub statement_descriptor_suffix: Option<String>,
    pub status: Status,
    pub transfer_data: Option<Value>,
    pub transfer_group: Option<String>,
}

/// Fields a publishable key (with the client secret) may read (spec §3.9).
pub const PUBLISHABLE_FIELDS: &[&str] = &[
    "id",
    "object",
    "amount",
    "amount_details",
    "automatic_payment_methods",
    "canceled_at",
    "cancellation_reason",
    "capture_method",
    "client_secret",
    "confirmation_method",
    "created",
    "currency",
    "description",
    "excluded_payment_method_types",
    "last_payment_error",
    "livemode",
    "next_action",
    "payment_method",
    "payment_method_configuration_details",
    "payment_method_types",
    "processing",
    "receipt_email",
    "setup_future_usage",
    "shipping",
    "status",
];

impl PaymentIntent {
    /// A new intent in `requires_payment_method`, before any parameter is applied.
    pub fn new(
        id: String,
        client_secret: String,
        amount: i64,
        currency: &str,
        now: Timestamp,
    ) -> Self {
        PaymentIntent {
            id,
            object: "payment_intent".to_owned(),
            amount,
            amount_capturable: 0,
            amount_details: json!({"tip": {}}),
            amount_received: 0,
            application: None,
            application_fee_amount: None,
            automatic_payment_methods: None,
            canceled_at: None,
            cancellation_reason: None,
            capture_method: CaptureMethod::default(),
            client_secret,
            confirmation_method: ConfirmationMethod::Automatic,
            created: now,
            currency: currency.to_owned(),
            customer: None,
            description: None,
            excluded_payment_method_types: None,
            invoice: None,
            last_payment_error: None,
            latest_charge: None,
            livemode: false,
            metadata: Metadata::new(),
            next_action: None,
            on_behalf_of: None,
            payment_method: None,
            payment_method_configuration_details: None,
            payment_method_options: json!({}),
            payment_method_types: vec!["card".to_owned()],
            processing: None,
            receipt_email: None,
            review: None,
            setup_future_usage: None,
            shipping: None,
            source: None,
            statement_descriptor: None,
            statement_descriptor_suffix: None,
            status: Status::RequiresPaymentMethod,
            transfer_data: None,
            transfer_group: None,
        }
    }

    /// Automatic payment methods are on and may redirect the customer: confirming then needs a
    /// `return_url`.
    pub fn allows_redirects(&self) -> bool {
        AutomaticPaymentMethods::allows_redirects(self.automatic_payment_methods.as_ref())
    }
}

/// Payment method types an account offers by default, by currency: cards everywhere, iDEAL
/// for euros.
pub fn eligible_payment_method_types(currency: &str) -> Vec<String> {
    let mut types = vec!["card".to_owned()];
    if currency == "eur" {
        types.push("ideal".to_owned());
    }
    types
}

/// `allowed_payment_method_types` (API versions from 2026-07-29.dahlia): the listed types
/// that can pay in `currency`, in the list's order. Unlike `payment_method_types`, which
/// refuses a type it cannot use, the others are dropped silently, as Stripe does; only a list
/// left empty is refused.
pub fn allowed_payment_method_types(
    allowed: &[String],
    currency: &str,
) -> Result<Vec<String>, ApiError> {
    let mut types: Vec<String> = Vec::new();
    for kind in allowed {
        let fits = match kind.as_str() {
            "card" => true,
            "ideal" | "sepa_debit" => currency == "eur",
            "us_bank_account" => currency == "usd",
            _ => false,
        };
        if fits && !types.contains(kind) {
            types.push(kind.clone());
        }
    }
    if types.is_empty() {
        return Err(ApiError::invalid_request(format!(
            "None of the payment method types in allowed_payment_method_types can be used \
             for a payment in {currency}."
        ))
        .with_param("allowed_payment_method_types"));
    }
    Ok(types)
}

/// The rendered `payment_method_options` for the intent's types.
pub fn payment_method_options(types: &[String], request_three_d_secure: &str) -> Value {
    crate::intent::payment_method_options(types, request_three_d_secure, true)
}

#[cfg(test)]
mod tests;
