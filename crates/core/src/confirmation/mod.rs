//! Confirmation: one engine for every intent. A PaymentIntent, a SetupIntent and (through the
//! same code) an invoice's PaymentIntent are confirmed alike:
//!
//! 1. the server refuses an intent that cannot be confirmed ([`Confirmable::check_confirmable`]),
//!    loads the ConfirmationToken the request names, and calls [`prepare`], which writes the
//!    request's and the token's values onto the intent;
//! 2. it loads the payment method that [`choose_payment_method`] picks, and the facts about
//!    it (set up for off-session use, already authenticated for this intent);
//! 3. [`confirm`] checks the payment method, asks the intent's state machine
//!    (`payment_intent::decide`, `setup_intent::decide`) what happens with the network's
//!    answer, and returns a [`Confirmation`]: the [`Transition`](crate::intent::Transition)
//!    (intent, charge, typed events) and the [`Effects`] around it (attach or spend the
//!    payment method, record facts, mark the token used);
//! 4. the server turns all of it into writes in one unit of work.
//!
//! Everything here is pure; what differs between the intents is the [`Confirmable`] trait.

mod effects;
mod engine;
mod request;
mod rules;

use tender_wire::ApiError;

pub use effects::{Effects, PaymentMethodEffects};
pub use engine::{
    ConfirmContext, Confirmable, Confirmation, Env, IntentView, Sources, complete_authentication,
    confirm, prepare,
};
pub use request::{ConfirmRequest, OffSession};
pub use rules::{
    PaymentMethodSource, check_payment_method, choose_payment_method, require_return_url,
};

/// Which intent a confirmation is about; it names the object in messages and error codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntentKind {
    Payment,
    Setup,
}

impl IntentKind {
    /// The object as Stripe's messages name it.
    pub fn name(self) -> &'static str {
        match self {
            IntentKind::Payment => "PaymentIntent",
            IntentKind::Setup => "SetupIntent",
        }
    }

    /// The object's `object` value, also the prefix of its error codes and redirect
    /// parameters.
    pub fn object(self) -> &'static str {
        match self {
            IntentKind::Payment => "payment_intent",
            IntentKind::Setup => "setup_intent",
        }
    }

    /// Stripe's `*_unexpected_state` error: the intent's `status` does not allow `action`;
    /// `allowed` says which statuses do ("confirmed: requires_payment_method, …").
    pub fn unexpected_state(self, action: &str, status: &str, allowed: &str) -> ApiError {
        let name = self.name();
        ApiError::invalid_request(format!(
            "You cannot {action} this {name} because it has a status of {status}. Only a \
             {name} with one of the following statuses may be {allowed}."
        ))
        .with_code(format!("{}_unexpected_state", self.object()))
    }

    /// Refuses to complete an authentication the intent (in `status`) is not waiting for.
    pub fn check_awaiting_authentication(self, status: &str) -> Result<(), ApiError> {
        if status == "requires_action" {
            return Ok(());
        }
        Err(self.unexpected_state("authenticate", status, "authenticated: requires_action"))
    }
}
