//! SetupIntent transitions: pure functions from the current intent (and the network's
//! answer) to the next intent, the events and the error to answer.
//!
//! Stripe's semantics (spec §5): confirming verifies the card with the network — the customer
//! is present, even when the card is being saved for off-session use, so cards that need
//! authentication ask for it now. A decline answers 402 and leaves the intent open in
//! `requires_payment_method` with `last_setup_error`; `succeeded` and `canceled` are terminal.

use serde_json::Value;
use tender_wire::ApiError;

use super::{SetupIntent, Status};
use crate::card::{AfterAuth, AuthFlow, Behavior, INSUFFICIENT_FUNDS};
use crate::event_kind::EventKind;
use crate::intent;
use crate::network::{self, Answer, Attempt, Processor};
use crate::payment_method::PaymentMethod;

pub use crate::confirmation::ConfirmContext;
use crate::confirmation::IntentKind;

/// The result of a SetupIntent's transition: it never has a charge.
pub type Transition = intent::Transition<SetupIntent>;

impl Transition {
    /// The payment method is now set up: the caller saves it to the intent's customer.
    pub fn succeeded(&self) -> bool {
        self.error.is_none() && self.intent.status == Status::Succeeded
    }
}

fn unexpected_state(action: &str, status: Status, allowed: &str) -> ApiError {
    IntentKind::Setup.unexpected_state(action, status.as_str(), allowed)
}

const OPEN_STATUSES: &str = "requires_payment_method, requires_confirmation, requires_action";

impl SetupIntent {
    /// Refuses to confirm a terminal or in-flight intent: checked before anything else about
    /// the confirmation, so the answer does not depend on its parameters.
    pub fn check_confirmable(&self) -> Result<(), ApiError> {
        if self.status.is_open() {
            return Ok(());
        }
        Err(unexpected_state(
            "confirm",
            self.status,
            &format!("confirmed: {OPEN_STATUSES}"),
        ))
    }

    /// Confirms with the payment method in `ctx`.
    pub fn confirm(
        &self,
        ctx: &ConfirmContext<'_>,
        network: &impl Processor,
    ) -> Result<Transition, ApiError> {
        self.check_confirmable()?;
        let mut next = self.clone();
        next.payment_method = Some(ctx.payment_method.id.clone());
        next.last_setup_error = None;
        next.next_action = None;
        Ok(verify(next, ctx, false, network))
    }

    /// The customer completed (or failed) the authentication of a `requires_action` intent.
    pub fn complete_authentication(
        &self,
        ctx: &ConfirmContext<'_>,
        succeeded: bool,
        network: &impl Processor,
    ) -> Result<Transition, ApiError> {
        IntentKind::Setup.check_awaiting_authentication(self.status.as_str())?;
        let mut next = self.clone();
        next.next_action = None;
        if succeeded {
            return Ok(verify(next, ctx, true, network));
        }
        let error = ApiError::invalid_request(
            "The latest attempt to set up the payment method has failed because authentication \
             failed. Provide a new payment method to attempt to set up again.",
        )
        .with_code("setup_intent_authentication_failure")
        .with_embedded("payment_method", to_value(ctx.payment_method));
        Ok(failed(next, error, false))
    }

    /// Cancels an open intent.
    pub fn cancel(&self, reason: Option<String>) -> Result<Transition, ApiError> {
        if !self.status.is_open() {
            return Err(unexpected_state(
                "cancel",
                self.status,
                &format!("canceled: {OPEN_STATUSES}"),
            ));
        }
        let mut next = self.clone();
        next.status = Status::Canceled;
        next.cancellation_reason = reason;
        next.next_action = None;
        Ok(Transition::with_event(next, EventKind::SetupIntentCanceled))
    }
}

fn to_value(pm: &PaymentMethod) -> Value {
    serde_json::to_value(pm).unwrap_or(Value::Null)
}

/// What the network does with a card on verification. A setup moves no money, so the
/// refusals that are about a charge do not apply: a card whose charges fail
/// (4000000000000341) and one short of funds after authentication (4000008260003178) set up
/// fine. Issuer declines, Radar blocks and authentication rules apply as to a payment.
fn verification_behavior(behavior: Behavior) -> Behavior {
    match behavior {
        Behavior::ChargeFails(_) => Behavior::Succeeds,
        Behavior::Authentication {
            rule,
            flow,
            then: AfterAuth::Declines(decline),
        } if decline == INSUFFICIENT_FUNDS => Behavior::Authentication {
            rule,
            flow,
            then: AfterAuth::Succeeds,
        },
        other => other,
    }
}

/// The intent back in `requires_payment_method` with `error` as its `last_setup_error`;
/// `answer` says whether the request itself fails with it (a decline is a 402, a failed
/// authentication on the hosted page is not an API error).
fn failed(mut intent: SetupIntent, error: ApiError, answer: bool) -> Transition {
    intent.status = Status::RequiresPaymentMethod;
    intent.payment_method = None;
    intent.last_setup_error = Some(error.to_object());
    let mut transition = Transition::with_event(intent, EventKind::SetupIntentSetupFailed);
    transition.error = answer.then_some(error);
    transition
}

/// One verification with the network; `authenticated` says the customer just authenticated.
fn verify(
    mut intent: SetupIntent,
    ctx: &ConfirmContext<'_>,
    authenticated: bool,
    network: &impl Processor,
) -> Transition {
    let pm = ctx.payment_method;
    let answer = network.authorize(&Attempt {
        behavior: verification_behavior(ctx.behavior),
        // The customer is present while setting up, whatever the later usage.
        off_session: false,
        set_up_for_off_session: false,
        authenticated,
        cvc_check_failed: network::cvc_failed(pm.card.as_ref().and_then(|c| c.checks.cvc_check)),
        request_three_d_secure: intent::request_three_d_secure(&intent.payment_method_options),
    });
    match answer {
        Answer::AuthenticationRequired(AuthFlow::Frictionless) => {
            verify(intent, ctx, true, network)
        }
        Answer::AuthenticationRequired(AuthFlow::Challenge) => {
            intent.status = Status::RequiresAction;
            intent.next_action = Some(intent::three_d_secure_next_action(
                &ctx.authenticate_url,
                ctx.return_url.as_deref(),
                ctx.use_stripe_sdk,
                &format!("src_{}", intent.id.trim_start_matches("seti_")),
            ));
            Transition::with_event(intent, EventKind::SetupIntentRequiresAction)
        }
        Answer::Approved { .. } => {
            intent.status = Status::Succeeded;
            Transition::with_event(intent, EventKind::SetupIntentSucceeded)
        }
        Answer::Declined(decline) => {
            let error = decline
                .to_error()
                .with_embedded("payment_method", to_value(pm));
            failed(intent, error, true)
        }
    }
}

#[cfg(test)]
mod tests;
