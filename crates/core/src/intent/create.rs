//! What the server needs of an intent's create request (`POST /v1/{payment,setup}_intents`)
//! to create either intent the same way.

use tender_wire::{ApiError, Params};

use crate::Timestamp;
use crate::confirmation::{Confirmable, IntentKind, check_payment_method};
use crate::event_kind::EventKind;
use crate::payment_intent::{PaymentIntent, PaymentIntentCreate};
use crate::payment_method::{PaymentMethod, PaymentMethodCreate};
use crate::setup_intent::{SetupIntent, SetupIntentCreate};

/// A create request of an intent of type `I`.
pub trait IntentCreate<I: Confirmable>: Sized {
    /// `payment_intent.created` or `setup_intent.created`.
    const CREATED: EventKind;
    fn take(p: &mut Params) -> Result<Self, ApiError>;
    fn customer(&self) -> Option<&str>;
    /// `confirm=true`: the intent is confirmed in the same request.
    fn confirms(&self) -> bool;
    fn confirm_params(&self) -> &I::Params;
    /// The new intent, before any confirmation.
    fn build(&self, id: String, client_secret: String, now: Timestamp) -> I;
    /// The payment method named for a later confirmation: by id (or test id), or as data.
    fn payment_method(&self) -> (Option<&str>, Option<&PaymentMethodCreate>);
    /// Puts the payment method named at creation on the new `intent`, refusing one it may
    /// not use.
    fn attach_payment_method(
        intent: &mut I,
        payment_method: &PaymentMethod,
        spent: bool,
    ) -> Result<(), ApiError>;
}

impl IntentCreate<PaymentIntent> for PaymentIntentCreate {
    const CREATED: EventKind = EventKind::PaymentIntentCreated;
    fn take(p: &mut Params) -> Result<Self, ApiError> {
        PaymentIntentCreate::take(p)
    }
    fn customer(&self) -> Option<&str> {
        self.customer.as_deref()
    }
    fn confirms(&self) -> bool {
        self.confirm
    }
    fn confirm_params(&self) -> &crate::payment_intent::ConfirmParams {
        &self.confirm_params
    }
    fn build(&self, id: String, client_secret: String, now: Timestamp) -> PaymentIntent {
        PaymentIntentCreate::build(self, id, client_secret, now)
    }
    /// Only an id: `payment_method_data` is for a confirmation.
    fn payment_method(&self) -> (Option<&str>, Option<&PaymentMethodCreate>) {
        (self.confirm_params.request.payment_method.as_deref(), None)
    }
    /// The payment method is checked when the intent is confirmed.
    fn attach_payment_method(
        intent: &mut PaymentIntent,
        payment_method: &PaymentMethod,
        _spent: bool,
    ) -> Result<(), ApiError> {
        intent.payment_method = Some(payment_method.id.clone());
        Ok(())
    }
}

impl IntentCreate<SetupIntent> for SetupIntentCreate {
    const CREATED: EventKind = EventKind::SetupIntentCreated;
    fn take(p: &mut Params) -> Result<Self, ApiError> {
        SetupIntentCreate::take(p)
    }
    fn customer(&self) -> Option<&str> {
        self.customer.as_deref()
    }
    fn confirms(&self) -> bool {
        self.confirm
    }
    fn confirm_params(&self) -> &crate::setup_intent::ConfirmParams {
        &self.confirm_params
    }
    fn build(&self, id: String, client_secret: String, now: Timestamp) -> SetupIntent {
        SetupIntentCreate::build(self, id, client_secret, now)
    }
    fn payment_method(&self) -> (Option<&str>, Option<&PaymentMethodCreate>) {
        let request = &self.confirm_params.request;
        (
            request.payment_method.as_deref(),
            request.payment_method_data.as_ref(),
        )
    }
    /// A SetupIntent refuses at once a payment method it could not set up.
    fn attach_payment_method(
        intent: &mut SetupIntent,
        payment_method: &PaymentMethod,
        spent: bool,
    ) -> Result<(), ApiError> {
        check_payment_method(
            IntentKind::Setup,
            payment_method,
            spent,
            intent.customer.as_ref(),
            &intent.payment_method_types,
        )?;
        intent.payment_method = Some(payment_method.id.clone());
        Ok(())
    }
}
