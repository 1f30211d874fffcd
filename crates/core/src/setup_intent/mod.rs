//! The SetupIntent resource (spec §5) and its state machine: saving a payment method for
//! later payments, verifying it with the network (and the customer, through 3D Secure)
//! without moving money.
//!
//! - this module: the object as the API renders it, and its enums;
//! - [`params`]: create, update and confirm parameters;
//! - [`decide`]: the transitions — confirm, complete authentication, cancel — as pure
//!   functions from the current intent (and what the network answers) to the next intent,
//!   the events to record and the error to answer.
//!
//! Tender builds no SetupAttempts: `latest_attempt` stays `null`.

mod confirmable;
pub mod decide;
pub mod params;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tender_wire::Metadata;

use crate::Timestamp;
use crate::payment_intent::AutomaticPaymentMethods;

pub use decide::{ConfirmContext, Transition};
pub use params::{ConfirmParams, SetupIntentCreate, SetupIntentUpdate};

/// `status`: a PaymentIntent's; a SetupIntent never reaches `requires_capture` (nothing is
/// charged).
pub use crate::intent::Status;
pub use crate::intent::Usage;

/// A setup intent, rendered with the full key set of the API version Tender speaks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetupIntent {
    pub id: String,
    pub object: String,
    pub application: Option<String>,
    pub automatic_payment_methods: Option<AutomaticPaymentMethods>,
    pub cancellation_reason: Option<String>,
    pub client_secret: String,
    pub created: Timestamp,
    pub customer: Option<String>,
    pub description: Option<String>,
    pub excluded_payment_method_types: Option<Value>,
    pub flow_directions: Option<Vec<String>>,
    pub last_setup_error: Option<Value>,
    /// Always `null`: Tender does not build SetupAttempts.
    pub latest_attempt: Option<String>,
    pub livemode: bool,
    pub mandate: Option<String>,
    pub metadata: Metadata,
    pub next_action: Option<Value>,
    pub on_behalf_of: Option<String>,
    pub payment_method: Option<String>,
    pub payment_method_configuration_details: Option<Value>,
    pub payment_method_options: Value,
    pub payment_method_types: Vec<String>,
    pub single_use_mandate: Option<String>,
    pub status: Status,
    pub usage: Usage,
}

/// Fields a publishable key (with the client secret) may read: Stripe's "retrievable with
/// publishable key" set, which leaves out the customer, metadata and the rest.
pub const PUBLISHABLE_FIELDS: &[&str] = &[
    "id",
    "object",
    "cancellation_reason",
    "client_secret",
    "created",
    "description",
    "last_setup_error",
    "livemode",
    "next_action",
    "payment_method",
    "payment_method_types",
    "status",
    "usage",
];

impl SetupIntent {
    /// A new intent in `requires_payment_method`, before any parameter is applied.
    pub fn new(id: String, client_secret: String, now: Timestamp) -> Self {
        let types = vec!["card".to_owned()];
        SetupIntent {
            id,
            object: "setup_intent".to_owned(),
            application: None,
            automatic_payment_methods: None,
            cancellation_reason: None,
            client_secret,
            created: now,
            customer: None,
            description: None,
            excluded_payment_method_types: None,
            flow_directions: None,
            last_setup_error: None,
            latest_attempt: None,
            livemode: false,
            mandate: None,
            metadata: Metadata::new(),
            next_action: None,
            on_behalf_of: None,
            payment_method: None,
            payment_method_configuration_details: None,
            payment_method_options: payment_method_options(&types, "automatic"),
            payment_method_types: types,
            single_use_mandate: None,
            status: Status::RequiresPaymentMethod,
            usage: Usage::OffSession,
        }
    }

    /// Automatic payment methods are on and may redirect: confirming needs a `return_url`.
    pub fn allows_redirects(&self) -> bool {
        AutomaticPaymentMethods::allows_redirects(self.automatic_payment_methods.as_ref())
    }
}

/// The rendered `payment_method_options` for the intent's types: a SetupIntent's card hash
/// A SetupIntent's card hash has no `installments` (nothing is paid).
pub fn payment_method_options(types: &[String], request_three_d_secure: &str) -> Value {
    crate::intent::payment_method_options(types, request_three_d_secure, false)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::collections::BTreeSet;

    use serde_json::json;

    use super::*;

    #[test]
    fn renders_the_full_key_set() {
        let intent = SetupIntent::new("seti_1".into(), "seti_1_secret_x".into(), 100);
        let value = serde_json::to_value(&intent).unwrap();
        let keys: BTreeSet<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let expected = BTreeSet::from([
            "id",
            "object",
            "application",
            "automatic_payment_methods",
            "cancellation_reason",
            "client_secret",
            "created",
            "customer",
            "description",
            "excluded_payment_method_types",
            "flow_directions",
            "last_setup_error",
            "latest_attempt",
            "livemode",
            "mandate",
            "metadata",
            "next_action",
            "on_behalf_of",
            "payment_method",
            "payment_method_configuration_details",
            "payment_method_options",
            "payment_method_types",
            "single_use_mandate",
            "status",
            "usage",
        ]);
        assert_eq!(keys, expected);
        assert_eq!(value["object"], "setup_intent");
        assert_eq!(value["usage"], "off_session");
        assert_eq!(value["status"], "requires_payment_method");
        assert_eq!(value["metadata"], json!({}));
        assert_eq!(
            value["payment_method_options"],
            json!({"card": {"mandate_options": null, "network": null,
                            "request_three_d_secure": "automatic"}})
        );
        for field in PUBLISHABLE_FIELDS {
            assert!(keys.contains(field), "{field}");
        }
        let back: SetupIntent = serde_json::from_value(value).unwrap();
        assert_eq!(back, intent);
    }
}
