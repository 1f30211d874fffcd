//! The parameters every confirmation reads, on `POST …/confirm` or on create with
//! `confirm=true`, whichever intent it confirms.

use serde_json::Value;
use tender_wire::{ApiError, Params};

use super::IntentKind;
use crate::intent;
use crate::payment_method::PaymentMethodCreate;

/// `off_session`: `true`, or Stripe's finer `one_off` / `recurring`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OffSession {
    No,
    Yes,
}

/// What names the payment method of a confirmation and how the confirming client can take
/// the customer through an authentication.
#[derive(Clone, Debug, Default)]
pub struct ConfirmRequest {
    pub confirmation_token: Option<String>,
    pub payment_method: Option<String>,
    pub payment_method_data: Option<PaymentMethodCreate>,
    pub return_url: Option<String>,
    pub use_stripe_sdk: bool,
    pub mandate_data: Option<Value>,
    /// Sent by Stripe.js when confirming with a publishable key.
    pub client_secret: Option<String>,
    /// A PaymentIntent's: the customer is not present (a SetupIntent has no such parameter).
    pub off_session: Option<OffSession>,
    /// A PaymentIntent's: fail rather than ask for an authentication.
    pub error_on_requires_action: bool,
}

impl ConfirmRequest {
    /// Takes the parameters `kind`'s confirmation accepts.
    pub fn take(p: &mut Params, kind: IntentKind) -> Result<ConfirmRequest, ApiError> {
        let payment_method_data = intent::take_payment_method_data(p)?;
        let (off_session, error_on_requires_action) = match kind {
            IntentKind::Payment => (
                take_off_session(p)?,
                p.boolean("error_on_requires_action")?.unwrap_or(false),
            ),
            IntentKind::Setup => (None, false),
        };
        Ok(ConfirmRequest {
            confirmation_token: p.string("confirmation_token")?,
            payment_method: p.string("payment_method")?,
            payment_method_data,
            return_url: p.string("return_url")?,
            use_stripe_sdk: p.boolean("use_stripe_sdk")?.unwrap_or(false),
            mandate_data: p.opaque("mandate_data")?,
            client_secret: p.string("client_secret")?,
            off_session,
            error_on_requires_action,
        })
    }

    /// The first parameter Stripe only accepts together with `confirm=true`, if any.
    pub fn confirm_only(&self) -> Option<&'static str> {
        if self.return_url.is_some() {
            Some("return_url")
        } else if self.off_session.is_some() {
            Some("off_session")
        } else if self.error_on_requires_action {
            Some("error_on_requires_action")
        } else if self.mandate_data.is_some() {
            Some("mandate_data")
        } else if self.confirmation_token.is_some() {
            Some("confirmation_token")
        } else {
            None
        }
    }
}

fn take_off_session(p: &mut Params) -> Result<Option<OffSession>, ApiError> {
    match p.string("off_session")?.as_deref() {
        None => Ok(None),
        Some("true" | "one_off" | "recurring") => Ok(Some(OffSession::Yes)),
        Some("false") => Ok(Some(OffSession::No)),
        Some(other) => Err(ApiError::invalid_request(format!(
            "Invalid off_session: must be a boolean, `one_off` or `recurring` (received `{other}`)"
        ))
        .with_param("off_session")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn take(form: &str, kind: IntentKind) -> Result<ConfirmRequest, ApiError> {
        let mut p = Params::from_form(form.as_bytes()).unwrap();
        let request = ConfirmRequest::take(&mut p, kind)?;
        p.finish()?;
        Ok(request)
    }

    #[test]
    fn a_payment_reads_off_session_and_a_setup_refuses_it() {
        for (value, expected) in [
            ("true", OffSession::Yes),
            ("recurring", OffSession::Yes),
            ("one_off", OffSession::Yes),
            ("false", OffSession::No),
        ] {
            let request = take(&format!("off_session={value}"), IntentKind::Payment).unwrap();
            assert_eq!(request.off_session, Some(expected));
            assert_eq!(request.confirm_only(), Some("off_session"));
        }
        let bad = take("off_session=later", IntentKind::Payment).unwrap_err();
        assert_eq!(bad.param.as_deref(), Some("off_session"));
        let setup = take("off_session=true", IntentKind::Setup).unwrap_err();
        assert_eq!(setup.param.as_deref(), Some("off_session"));
    }

    #[test]
    fn names_the_first_confirm_only_parameter() {
        let request = take(
            "confirmation_token=ctoken_1&mandate_data[x]=1&return_url=https://m.io",
            IntentKind::Setup,
        )
        .unwrap();
        assert_eq!(request.confirm_only(), Some("return_url"));
        let request = take("confirmation_token=ctoken_1", IntentKind::Setup).unwrap();
        assert_eq!(request.confirm_only(), Some("confirmation_token"));
        let request = take(
            "payment_method=pm_1&use_stripe_sdk=true",
            IntentKind::Payment,
        )
        .unwrap();
        assert_eq!(request.confirm_only(), None);
        assert!(request.use_stripe_sdk);
        assert_eq!(request.payment_method.as_deref(), Some("pm_1"));
    }
}
