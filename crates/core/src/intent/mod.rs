//! What PaymentIntents and SetupIntents share: both confirm a payment method, may send the
//! customer through 3D Secure, and read the same parameters for it. Kept in one place so that
//! the two state machines cannot drift apart on the wire.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tender_wire::{ApiError, Params};

use crate::network::RequestThreeDSecure;
use crate::payment_intent::AutomaticPaymentMethods;
use crate::payment_method::PaymentMethodCreate;

mod create;
mod transition;
mod update;
pub use create::IntentCreate;
pub use transition::{EventSubject, Transition};
pub use update::IntentUpdate;

/// How a saved payment method will be used: a SetupIntent's `usage`, a PaymentIntent's (and a
/// ConfirmationToken's) `setup_future_usage`. `off_session` (a SetupIntent's default) asks the
/// network for an exemption from authentication on later merchant-initiated payments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Usage {
    #[default]
    OffSession,
    OnSession,
}

impl Usage {
    pub const VALUES: &[&str] = &["off_session", "on_session"];

    pub fn parse(value: &str) -> Usage {
        match value {
            "on_session" => Usage::OnSession,
            _ => Usage::OffSession,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Usage::OffSession => "off_session",
            Usage::OnSession => "on_session",
        }
    }
}

wire_enum! {
    /// An intent's `status`. A SetupIntent never reaches `requires_capture`: nothing is
    /// charged.
    pub enum Status {
        RequiresPaymentMethod = "requires_payment_method",
        RequiresConfirmation = "requires_confirmation",
        RequiresAction = "requires_action",
        Processing = "processing",
        RequiresCapture = "requires_capture",
        Canceled = "canceled",
        Succeeded = "succeeded",
    }
}

impl Status {
    /// Still open to a new payment method, a confirmation or a cancellation.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::RequiresPaymentMethod | Status::RequiresConfirmation | Status::RequiresAction
        )
    }
}

/// The update of a payment method's options after `payment_method_types` or
/// `payment_method_options[card][request_three_d_secure]` changed: `payment_method_options`
/// rendered again for `types`, keeping the current 3D Secure request unless `request`
/// replaces it.
pub fn render_payment_method_options_again(
    options: &Value,
    types: &[String],
    request: Option<&str>,
    installments: bool,
) -> Value {
    let current = options["card"]["request_three_d_secure"].as_str();
    let request = request.or(current).unwrap_or("automatic");
    payment_method_options(types, request, installments)
}

/// Values of `payment_method_options[card][request_three_d_secure]`.
pub const REQUEST_THREE_D_SECURE: &[&str] = &["automatic", "any", "challenge"];

/// Stripe.js fraud signals that ride along inside `payment_method_data`: accepted, not used.
const PAYMENT_METHOD_DATA_EXTRAS: &[&str] = &[
    "payment_user_agent",
    "time_on_page",
    "guid",
    "muid",
    "sid",
    "referrer",
    "pasted_fields",
];

/// Reads `payment_method_data`: a payment method to create for this confirmation.
pub fn take_payment_method_data(p: &mut Params) -> Result<Option<PaymentMethodCreate>, ApiError> {
    let Some(mut data) = p.object("payment_method_data")? else {
        return Ok(None);
    };
    let create = PaymentMethodCreate::take(&mut data)?;
    data.ignore(PAYMENT_METHOD_DATA_EXTRAS);
    data.finish()?;
    Ok(Some(create))
}

/// Reads `automatic_payment_methods[enabled|allow_redirects]`.
pub fn take_automatic_payment_methods(
    p: &mut Params,
) -> Result<Option<AutomaticPaymentMethods>, ApiError> {
    let Some(mut apm) = p.object("automatic_payment_methods")? else {
        return Ok(None);
    };
    let enabled = apm
        .boolean("enabled")?
        .ok_or_else(|| ApiError::missing_parameter("automatic_payment_methods[enabled]"))?;
    let allow_redirects = apm.enumeration("allow_redirects", &["always", "never"])?;
    apm.finish()?;
    Ok(Some(AutomaticPaymentMethods {
        allow_redirects,
        enabled,
    }))
}

/// A new intent's `automatic_payment_methods`: as given; otherwise on (since API 2023-08-16)
/// unless `payment_method_types` were given or `on_by_default` is false (a manually confirmed
/// PaymentIntent).
pub fn new_automatic_payment_methods(
    given: Option<&AutomaticPaymentMethods>,
    types_given: bool,
    on_by_default: bool,
) -> Option<AutomaticPaymentMethods> {
    match given {
        Some(apm) => Some(apm.clone()),
        None if !types_given && on_by_default => Some(AutomaticPaymentMethods {
            allow_redirects: None,
            enabled: true,
        }),
        None => None,
    }
}

/// Refuses an empty `payment_method_types` or one naming a type outside `supported`.
pub fn check_payment_method_types(types: &[String], supported: &[&str]) -> Result<(), ApiError> {
    for (i, kind) in types.iter().enumerate() {
        if !supported.contains(&kind.as_str()) {
            return Err(ApiError::invalid_request(format!(
                "The payment method type \"{kind}\" is invalid. Tender supports: {}.",
                supported.join(", ")
            ))
            .with_param(format!("payment_method_types[{i}]")));
        }
    }
    if types.is_empty() {
        return Err(
            ApiError::invalid_request("payment_method_types must not be empty.")
                .with_param("payment_method_types"),
        );
    }
    Ok(())
}

/// The 3D Secure request an intent's rendered `payment_method_options` carries.
pub fn request_three_d_secure(payment_method_options: &Value) -> RequestThreeDSecure {
    match payment_method_options["card"]["request_three_d_secure"].as_str() {
        Some("any") => RequestThreeDSecure::Any,
        Some("challenge") => RequestThreeDSecure::Challenge,
        _ => RequestThreeDSecure::Automatic,
    }
}

/// The `next_action` of an intent waiting for 3D Secure (spec §3.5): `use_stripe_sdk` when
/// the confirmation came from a client SDK (or a ConfirmationToken), which opens the page
/// itself; `redirect_to_url` when the server confirmed with a `return_url`, so a plain
/// browser can follow it. `source` names the authentication for Stripe.js.
pub fn three_d_secure_next_action(
    authenticate_url: &str,
    return_url: Option<&str>,
    use_stripe_sdk: bool,
    source: &str,
) -> Value {
    match (return_url, use_stripe_sdk) {
        (Some(return_url), false) => json!({
            "type": "redirect_to_url",
            "redirect_to_url": {"url": authenticate_url, "return_url": return_url},
        }),
        _ => json!({
            "type": "use_stripe_sdk",
            "use_stripe_sdk": {
                "type": "three_d_secure_redirect",
                "stripe_js": authenticate_url,
                "source": source,
            },
        }),
    }
}

/// The rendered `payment_method_options` for an intent's types. `installments` is a
/// PaymentIntent's card option: a SetupIntent pays nothing and has none.
pub fn payment_method_options(
    types: &[String],
    request_three_d_secure: &str,
    installments: bool,
) -> Value {
    let mut options = serde_json::Map::new();
    for kind in types {
        let value = match kind.as_str() {
            "card" if installments => json!({
                "installments": null,
                "mandate_options": null,
                "network": null,
                "request_three_d_secure": request_three_d_secure,
            }),
            "card" => json!({
                "mandate_options": null,
                "network": null,
                "request_three_d_secure": request_three_d_secure,
            }),
            _ => json!({}),
        };
        options.insert(kind.clone(), value);
    }
    Value::Object(options)
}

/// Sets `payment_method_options[card][request_three_d_secure]` on an intent that accepts
/// cards (a confirmation's `payment_method_options` override the intent's).
pub fn set_request_three_d_secure(payment_method_options: &mut Value, request: &str) {
    if let Some(card) = payment_method_options.get_mut("card") {
        card["request_three_d_secure"] = json!(request);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn next_action_follows_the_confirming_client() {
        let sdk = three_d_secure_next_action("https://t/a", None, false, "src_1");
        assert_eq!(sdk["type"], "use_stripe_sdk");
        assert_eq!(sdk["use_stripe_sdk"]["stripe_js"], "https://t/a");
        assert_eq!(sdk["use_stripe_sdk"]["source"], "src_1");
        let sdk = three_d_secure_next_action("https://t/a", Some("https://m/r"), true, "src_1");
        assert_eq!(sdk["type"], "use_stripe_sdk");
        let redirect = three_d_secure_next_action("https://t/a", Some("https://m/r"), false, "s");
        assert_eq!(
            redirect,
            json!({"type": "redirect_to_url",
                   "redirect_to_url": {"url": "https://t/a", "return_url": "https://m/r"}})
        );
    }

    #[test]
    fn reads_the_requested_three_d_secure() {
        let options = json!({"card": {"request_three_d_secure": "any"}});
        assert_eq!(request_three_d_secure(&options), RequestThreeDSecure::Any);
        assert_eq!(
            request_three_d_secure(&json!({})),
            RequestThreeDSecure::Automatic
        );
    }

    #[test]
    fn payment_method_types_must_be_supported_and_non_empty() {
        let err = check_payment_method_types(&["sofort".into()], &["card"]).unwrap_err();
        assert_eq!(err.param.as_deref(), Some("payment_method_types[0]"));
        let err = check_payment_method_types(&[], &["card"]).unwrap_err();
        assert_eq!(err.param.as_deref(), Some("payment_method_types"));
        assert!(check_payment_method_types(&["card".into()], &["card"]).is_ok());
    }
}
