//! ConfirmationTokens (spec §4): an immutable, single-use snapshot of the payment details a
//! customer entered, made in the browser and used by the merchant's server to confirm.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tender_wire::{ApiError, Params};

use crate::Timestamp;
use crate::address::Shipping;
use crate::intent::Usage;
use crate::payment_intent::{CaptureMethod, PaymentIntent};
use crate::payment_method::{PaymentMethod, PaymentMethodCreate};
use crate::setup_intent::SetupIntent;

/// How long a token can be used: 12 hours, as Stripe's API shows.
pub const LIFETIME_SECONDS: i64 = 12 * 60 * 60;

/// The token as the API renders it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfirmationToken {
    pub id: String,
    pub object: String,
    pub created: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub livemode: bool,
    pub mandate_data: Option<Value>,
    pub payment_intent: Option<String>,
    pub payment_method_options: Option<Value>,
    /// Not stored (null in the record; tokens stored before it was dropped still hold it):
    /// [`StoredConfirmationToken::rendered`] derives it from the stored payment method.
    pub payment_method_preview: Option<Value>,
    pub return_url: Option<String>,
    pub setup_future_usage: Option<Usage>,
    pub setup_intent: Option<String>,
    pub shipping: Option<Shipping>,
    pub use_stripe_sdk: bool,
}

/// What Stripe.js tells the server about the Elements that made the token, checked against
/// the intent at confirmation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientContext {
    pub mode: Option<String>,
    pub currency: Option<String>,
    pub setup_future_usage: Option<Usage>,
    pub capture_method: Option<String>,
}

/// The stored token: the rendered object (but for its preview, which is its payment method's
/// card again and would be written twice per payment: see [`Self::rendered`]), plus what
/// confirming needs and the API never shows — the payment method to mint, and the client
/// context.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredConfirmationToken {
    pub token: ConfirmationToken,
    /// The payment method confirmation mints (its id is replaced then), or the stored one
    /// named by `payment_method`.
    pub payment_method: PaymentMethod,
    /// Set when the token was made from a stored payment method, which is used as is.
    pub stored_payment_method: Option<String>,
    pub client_context: Option<ClientContext>,
}

/// `POST /v1/confirmation_tokens` (and the test helper) parameters.
#[derive(Clone, Debug)]
pub struct ConfirmationTokenCreate {
    pub payment_method_data: Option<PaymentMethodCreate>,
    pub payment_method: Option<String>,
    pub return_url: Option<String>,
    pub shipping: Option<Shipping>,
    pub setup_future_usage: Option<Usage>,
    pub mandate_data: Option<Value>,
    pub payment_method_options: Option<Value>,
    pub client_context: Option<ClientContext>,
}

/// Stripe.js fraud signals and client metadata: accepted, not used.
pub const CLIENT_EXTRAS: &[&str] = &[
    "guid",
    "muid",
    "sid",
    "payment_user_agent",
    "time_on_page",
    "referrer",
    "pasted_fields",
    "client_attribution_metadata",
    "set_as_default_payment_method",
];

impl ConfirmationTokenCreate {
    pub fn take(p: &mut Params) -> Result<ConfirmationTokenCreate, ApiError> {
        let payment_method_data = match p.object("payment_method_data")? {
            None => None,
            Some(mut data) => {
                let create = PaymentMethodCreate::take(&mut data)?;
                data.ignore(CLIENT_EXTRAS);
                data.finish()?;
                Some(create)
            }
        };
        let payment_method = p.string("payment_method")?;
        if payment_method.is_none() && payment_method_data.is_none() {
            return Err(ApiError::missing_parameter("payment_method_data"));
        }
        if payment_method.is_some() && payment_method_data.is_some() {
            return Err(ApiError::invalid_request(
                "You may only specify one of these parameters: payment_method, payment_method_data.",
            )
            .with_param("payment_method_data"));
        }
        let client_context = match p.object("client_context")? {
            None => None,
            Some(mut context) => {
                let parsed = ClientContext {
                    mode: context.enumeration("mode", &["payment", "setup", "subscription"])?,
                    currency: context.string("currency")?.map(|c| c.to_ascii_lowercase()),
                    setup_future_usage: context
                        .enumeration("setup_future_usage", &["on_session", "off_session"])?
                        .map(|usage| Usage::parse(&usage)),
                    capture_method: context.enumeration("capture_method", CaptureMethod::VALUES)?,
                };
                // The rest describes Elements' configuration; nothing to check it against.
                context.ignore(&[
                    "payment_method_types",
                    "on_behalf_of",
                    "payment_method_configuration",
                    "customer",
                    "payment_method_options",
                ]);
                context.finish()?;
                Some(parsed)
            }
        };
        Ok(ConfirmationTokenCreate {
            payment_method_data,
            payment_method,
            return_url: p.string("return_url")?,
            shipping: Shipping::take(p, "shipping", false)?,
            setup_future_usage: p
                .enumeration("setup_future_usage", &["on_session", "off_session"])?
                .map(|usage| Usage::parse(&usage)),
            mandate_data: p.opaque("mandate_data")?,
            payment_method_options: without_cvc(p.opaque("payment_method_options")?),
            client_context,
        })
    }

    /// The token for `payment_method` (already built or resolved by the caller).
    pub fn build(
        self,
        id: String,
        payment_method: PaymentMethod,
        stored_payment_method: Option<String>,
        now: Timestamp,
    ) -> StoredConfirmationToken {
        StoredConfirmationToken {
            token: ConfirmationToken {
                id,
                object: "confirmation_token".to_owned(),
                created: now,
                expires_at: Some(now + LIFETIME_SECONDS),
                livemode: false,
                mandate_data: self.mandate_data,
                payment_intent: None,
                payment_method_options: self.payment_method_options,
                payment_method_preview: None,
                return_url: self.return_url,
                setup_future_usage: self.setup_future_usage,
                setup_intent: None,
                shipping: self.shipping,
                use_stripe_sdk: true,
            },
            payment_method,
            stored_payment_method,
            client_context: self.client_context,
        }
    }
}

/// `payment_method_options` without `card[cvc]`, which the mobile SDKs send to recollect a
/// saved card's CVC. A CVC is sensitive authentication data: it may reach the issuer, never
/// storage (PCI DSS 3.3). Tender has no issuer to send it to, so it is dropped before the
/// token is stored; a card hash left empty goes too.
fn without_cvc(options: Option<Value>) -> Option<Value> {
    let mut options = options?;
    let Some(object) = options.as_object_mut() else {
        return Some(options);
    };
    if let Some(card) = object.get_mut("card").and_then(Value::as_object_mut) {
        card.remove("cvc");
        if card.is_empty() {
            object.remove("card");
        }
    }
    (!object.is_empty()).then_some(options)
}

/// The payment method as a preview: without the identity fields a new one will get.
fn preview(pm: &PaymentMethod) -> Value {
    let mut value = serde_json::to_value(pm).unwrap_or(Value::Null);
    if let Some(object) = value.as_object_mut() {
        for key in [
            "id",
            "object",
            "created",
            "livemode",
            "metadata",
            "radar_options",
        ] {
            object.remove(key);
        }
    }
    value
}

fn invalid_token(message: String) -> ApiError {
    ApiError::invalid_request(message).with_code("payment_intent_confirmation_token_invalid")
}

impl StoredConfirmationToken {
    /// The token as the API renders it, its preview made from the payment method it holds
    /// (the same snapshot a stored preview would be: that payment method is never changed
    /// once the token is made).
    pub fn rendered(&self) -> ConfirmationToken {
        let mut token = self.token.clone();
        if token.payment_method_preview.is_none() {
            token.payment_method_preview = Some(preview(&self.payment_method));
        }
        token
    }

    /// Refuses a token that was used or has expired.
    pub fn check_usable(&self, now: Timestamp) -> Result<(), ApiError> {
        let token = &self.token;
        if token.payment_intent.is_some() || token.setup_intent.is_some() {
            return Err(invalid_token(format!(
                "This ConfirmationToken ({}) has already been used to confirm a PaymentIntent \
                 or SetupIntent. Create a new ConfirmationToken.",
                token.id
            )));
        }
        if token.expires_at.is_some_and(|at| at <= now) {
            return Err(invalid_token(format!(
                "This ConfirmationToken ({}) has expired. Create a new ConfirmationToken.",
                token.id
            )));
        }
        Ok(())
    }

    /// Checks that the Elements that made the token were configured like the intent it
    /// confirms (spec §3.8), and writes the token's values onto the intent.
    pub fn apply_to_payment_intent(&self, intent: &mut PaymentIntent) -> Result<(), ApiError> {
        let token = &self.token;
        match (&intent.setup_future_usage, &token.setup_future_usage) {
            (Some(expected), Some(provided)) if expected != provided => {
                return Err(mismatch(
                    "setup_future_usage",
                    Some(provided.as_str()),
                    Some(expected.as_str()),
                ));
            }
            (None, Some(provided)) => intent.setup_future_usage = Some(*provided),
            _ => {}
        }
        if let Some(context) = &self.client_context {
            context.check_mode("payment", "PaymentIntent")?;
            if let Some(currency) = &context.currency
                && *currency != intent.currency
            {
                return Err(mismatch("currency", Some(currency), Some(&intent.currency)));
            }
            if let Some(capture) = &context.capture_method {
                let expected = intent.capture_method;
                if CaptureMethod::parse(capture) != expected
                    && !(capture == "automatic" && expected == CaptureMethod::AutomaticAsync)
                {
                    return Err(mismatch(
                        "capture_method",
                        Some(capture),
                        Some(expected.as_str()),
                    ));
                }
            }
        }
        if token.shipping.is_some() {
            intent.shipping = token.shipping.clone();
        }
        Ok(())
    }

    /// Checks that the Elements that made the token were set up like the SetupIntent it
    /// confirms: a token's `setup_future_usage`, when it has one, must be the intent's
    /// `usage`, and a client context must be in `setup` mode. A SetupIntent takes nothing
    /// else from the token beyond its payment method and `return_url` (the caller's).
    pub fn apply_to_setup_intent(&self, intent: &SetupIntent) -> Result<(), ApiError> {
        if let Some(provided) = self.token.setup_future_usage
            && provided != intent.usage
        {
            return Err(mismatch_on(
                "Setup Intent",
                "setup_future_usage",
                Some(provided.as_str()),
                Some(intent.usage.as_str()),
            ));
        }
        if let Some(context) = &self.client_context {
            context.check_mode("setup", "SetupIntent")?;
        }
        Ok(())
    }
}

fn mismatch(param: &str, provided: Option<&str>, expected: Option<&str>) -> ApiError {
    mismatch_on("Payment Intent", param, provided, expected)
}

/// The token's Elements were configured unlike the `intent` (`Payment Intent`, `Setup
/// Intent`) it confirms.
fn mismatch_on(
    intent: &str,
    param: &str,
    provided: Option<&str>,
    expected: Option<&str>,
) -> ApiError {
    let show = |v: Option<&str>| v.map_or("null".to_owned(), str::to_owned);
    ApiError::invalid_request(format!(
        "The provided {param} ({}) does not match the expected {param} ({}). Try confirming \
         with a {intent} that is configured to use the same parameters as the Stripe \
         Elements used to create the ConfirmationToken.",
        show(provided),
        show(expected)
    ))
    .with_param(param)
}

impl ClientContext {
    /// Refuses a token made by Elements in another mode than `mode` (`payment`, `setup`):
    /// it cannot confirm an `object`. Elements in `subscription` mode confirm either: a
    /// subscription's first invoice is paid through a PaymentIntent, and a subscription that
    /// starts with a trial sets its card up through a SetupIntent (its `setup_future_usage`
    /// is checked against the intent like any token's).
    fn check_mode(&self, mode: &str, object: &str) -> Result<(), ApiError> {
        match self.mode.as_deref() {
            Some("subscription") => Ok(()),
            Some(made_for) if made_for != mode => Err(ApiError::invalid_request(format!(
                "This ConfirmationToken was created for mode `{made_for}` and cannot confirm \
                 a {object}."
            ))
            .with_param("confirmation_token")),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::card;
    use crate::setup_intent::Usage;

    fn token(form: &str) -> StoredConfirmationToken {
        let mut p = Params::from_form(form.as_bytes()).unwrap();
        let create = ConfirmationTokenCreate::take(&mut p).unwrap();
        p.finish().unwrap();
        let test = card::lookup_test_payment_method("pm_card_visa").unwrap();
        let pm = PaymentMethod::from_test_payment_method("pm_1".into(), test, b"s", 100);
        create.build("ctoken_1".into(), pm, None, 100)
    }

    #[test]
    fn the_preview_is_rendered_from_the_payment_method_not_stored() {
        let made = token("payment_method=pm_card_visa");
        let stored = serde_json::to_value(&made).unwrap();
        assert_eq!(stored["token"]["payment_method_preview"], Value::Null);
        let preview = made.rendered().payment_method_preview.unwrap();
        assert_eq!(preview["type"], "card");
        assert_eq!(preview["card"]["last4"], "4242");
        assert_eq!(preview["card"]["brand"], "visa");
        for identity in ["id", "object", "created", "livemode", "metadata"] {
            assert!(preview.get(identity).is_none(), "{identity} in {preview}");
        }
        // A token stored with its preview (before it was dropped) shows the stored one.
        let mut old = made.clone();
        old.token.payment_method_preview = Some(serde_json::json!({"type": "card", "old": true}));
        assert_eq!(old.rendered().payment_method_preview.unwrap()["old"], true);
    }

    #[test]
    fn a_recollected_cvc_is_never_stored() {
        let cvc_only = token("payment_method=pm_card_visa&payment_method_options[card][cvc]=737");
        assert_eq!(cvc_only.token.payment_method_options, None);
        let with_plan = token(
            "payment_method=pm_card_visa&payment_method_options[card][cvc]=737\
             &payment_method_options[card][installments][plan][count]=3",
        );
        let stored = serde_json::to_string(&with_plan).unwrap();
        assert!(
            !stored.contains("737") && !stored.contains("\"cvc\""),
            "{stored}"
        );
        assert_eq!(
            with_plan.token.payment_method_options,
            Some(serde_json::json!({"card": {"installments": {"plan": {"count": "3"}}}}))
        );
    }

    #[test]
    fn setup_intent_usage_must_match_the_token() {
        let mut intent = SetupIntent::new("seti_1".into(), "seti_1_secret_x".into(), 100);
        let plain = token("payment_method=pm_card_visa");
        assert!(plain.apply_to_setup_intent(&intent).is_ok());
        let off = token("payment_method=pm_card_visa&setup_future_usage=off_session");
        assert!(off.apply_to_setup_intent(&intent).is_ok());
        intent.usage = Usage::OnSession;
        let err = off.apply_to_setup_intent(&intent).unwrap_err();
        assert_eq!(err.param.as_deref(), Some("setup_future_usage"));
        assert!(err.message.contains("(off_session)"), "{}", err.message);
        assert!(err.message.contains("Setup Intent"), "{}", err.message);
    }

    #[test]
    fn subscription_mode_tokens_confirm_either_intent() {
        let context = ClientContext {
            mode: Some("subscription".into()),
            ..ClientContext::default()
        };
        assert!(context.check_mode("payment", "PaymentIntent").is_ok());
        assert!(context.check_mode("setup", "SetupIntent").is_ok());
        let payment = ClientContext {
            mode: Some("payment".into()),
            ..ClientContext::default()
        };
        assert!(payment.check_mode("setup", "SetupIntent").is_err());
    }

    #[test]
    fn setup_intent_needs_a_setup_mode_token() {
        let intent = SetupIntent::new("seti_1".into(), "seti_1_secret_x".into(), 100);
        let setup = token("payment_method=pm_card_visa&client_context[mode]=setup");
        assert!(setup.apply_to_setup_intent(&intent).is_ok());
        let payment = token(
            "payment_method=pm_card_visa&client_context[mode]=payment&\
             client_context[currency]=usd",
        );
        let err = payment.apply_to_setup_intent(&intent).unwrap_err();
        assert_eq!(err.param.as_deref(), Some("confirmation_token"));
        assert!(err.message.contains("mode `payment`"), "{}", err.message);
        assert!(err.message.ends_with("a SetupIntent."), "{}", err.message);
    }
}
