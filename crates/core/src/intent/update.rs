//! What the server needs of an intent's update (`POST /v1/{payment,setup}_intents/:id`) to
//! apply either intent's the same way.

use tender_wire::{ApiError, Field, Params};

use crate::payment_intent::{PaymentIntent, PaymentIntentUpdate};
use crate::payment_method::PaymentMethodCreate;
use crate::setup_intent::{SetupIntent, SetupIntentUpdate};

/// An update of an intent of type `I`.
pub trait IntentUpdate<I>: Clone + Sized {
    fn take(p: &mut Params) -> Result<Self, ApiError>;
    /// The customer it sets or unsets.
    fn customer(&self) -> Option<&Field<String>>;
    /// The payment method it names: by id (or test id), or as data to make one from.
    fn payment_method(&self) -> (Option<&str>, Option<&PaymentMethodCreate>);
    /// Names the payment method by the id of the stored one it resolved to.
    fn set_payment_method(&mut self, id: String);
    /// Applies it, refusing what the intent's status does not allow.
    fn apply(&self, intent: &mut I) -> Result<(), ApiError>;
}

impl IntentUpdate<PaymentIntent> for PaymentIntentUpdate {
    fn take(p: &mut Params) -> Result<Self, ApiError> {
        PaymentIntentUpdate::take(p)
    }
    fn customer(&self) -> Option<&Field<String>> {
        self.customer.as_ref()
    }
    fn payment_method(&self) -> (Option<&str>, Option<&PaymentMethodCreate>) {
        (self.payment_method.as_deref(), None)
    }
    fn set_payment_method(&mut self, id: String) {
        self.payment_method = Some(id);
    }
    fn apply(&self, intent: &mut PaymentIntent) -> Result<(), ApiError> {
        PaymentIntentUpdate::apply(self, intent)
    }
}

impl IntentUpdate<SetupIntent> for SetupIntentUpdate {
    fn take(p: &mut Params) -> Result<Self, ApiError> {
        SetupIntentUpdate::take(p)
    }
    fn customer(&self) -> Option<&Field<String>> {
        self.customer.as_ref()
    }
    fn payment_method(&self) -> (Option<&str>, Option<&PaymentMethodCreate>) {
        (
            self.payment_method.as_deref(),
            self.payment_method_data.as_ref(),
        )
    }
    fn set_payment_method(&mut self, id: String) {
        self.payment_method = Some(id);
    }
    fn apply(&self, intent: &mut SetupIntent) -> Result<(), ApiError> {
        SetupIntentUpdate::apply(self, intent)
    }
}
