//! PaymentIntent transitions: pure functions from the current intent (and the network's
//! answer) to the next intent, the charge touched, the events and the error to answer.
//!
//! Stripe's semantics (spec §3.4): a failed attempt returns the intent to
//! `requires_payment_method` with `last_payment_error` (never to `canceled`); `succeeded` and
//! `canceled` are terminal.

use serde_json::{Value, json};
use tender_wire::ApiError;

use super::{CaptureMethod, PaymentIntent, Status};
use crate::Timestamp;
use crate::card::{AUTHENTICATION_NOT_HANDLED, AUTHENTICATION_REQUIRED, AuthFlow, Decline};
use crate::charge::{AttemptResult, Charge, ChargeAttempt, ThreeDSecureDetails};
use crate::event_kind::EventKind;
use crate::intent::{self, EventSubject};
use crate::network::{Answer, Attempt, Processor};
use crate::payment_method::{PaymentMethod, PaymentMethodType};

pub use crate::confirmation::ConfirmContext;
use crate::confirmation::IntentKind;

/// The result of a PaymentIntent's transition.
pub type Transition = intent::Transition<PaymentIntent>;

fn unexpected_state(action: &str, status: Status, allowed: &str) -> ApiError {
    IntentKind::Payment.unexpected_state(action, status.as_str(), allowed)
}

impl PaymentIntent {
    /// Refuses to confirm a terminal or in-flight intent: checked before anything else about
    /// the confirmation, so the answer does not depend on its parameters.
    pub fn check_confirmable(&self) -> Result<(), ApiError> {
        if self.status == Status::Succeeded {
            return Err(ApiError::invalid_request(
                "You cannot confirm this PaymentIntent because it has already succeeded after \
                 being previously confirmed.",
            )
            .with_code("payment_intent_unexpected_state"));
        }
        match self.status {
            Status::RequiresPaymentMethod
            | Status::RequiresConfirmation
            | Status::RequiresAction => Ok(()),
            status => Err(unexpected_state(
                "confirm",
                status,
                "confirmed: requires_payment_method, requires_confirmation, requires_action",
            )),
        }
    }

    /// Confirms with the payment method in `ctx`.
    pub fn confirm(
        &self,
        ctx: &ConfirmContext<'_>,
        network: &impl Processor,
        now: Timestamp,
    ) -> Result<Transition, ApiError> {
        self.check_confirmable()?;
        let mut next = self.clone();
        next.payment_method = Some(ctx.payment_method.id.clone());
        next.last_payment_error = None;
        next.next_action = None;
        if ctx.payment_method.kind == PaymentMethodType::Ideal {
            return redirect_to_bank(next, ctx);
        }
        if crate::debit::settles_later(ctx.payment_method.kind) {
            return super::debit::submit(next, ctx, now);
        }
        let authenticated = ctx.authenticated.then_some(AuthFlow::Challenge);
        Ok(attempt(next, ctx, authenticated, network, now))
    }

    /// The customer completed (or failed) the authentication of a `requires_action` intent.
    pub fn complete_authentication(
        &self,
        ctx: &ConfirmContext<'_>,
        succeeded: bool,
        network: &impl Processor,
        now: Timestamp,
    ) -> Result<Transition, ApiError> {
        IntentKind::Payment.check_awaiting_authentication(self.status.as_str())?;
        let mut next = self.clone();
        next.next_action = None;
        if ctx.payment_method.kind == PaymentMethodType::Ideal {
            return Ok(bank_answered(next, ctx, succeeded, now));
        }
        if succeeded && self.confirmation_method == super::ConfirmationMethod::Manual {
            // With manual confirmation the server confirms again (spec §3.4).
            next.status = Status::RequiresConfirmation;
            let mut transition = Transition::new(next);
            transition.record_authentication = true;
            return Ok(transition);
        }
        if succeeded {
            return Ok(attempt(next, ctx, Some(AuthFlow::Challenge), network, now));
        }
        let error = ApiError::invalid_request(
            "The provided PaymentMethod has failed authentication. You can provide \
             payment_method_data or a new PaymentMethod to attempt to fulfill this \
             PaymentIntent again.",
        )
        .with_code("payment_intent_authentication_failure")
        .with_embedded("payment_method", to_value(ctx.payment_method));
        next.status = Status::RequiresPaymentMethod;
        next.payment_method = None;
        next.last_payment_error = Some(error.to_object());
        let mut transition = Transition::new(next);
        transition
            .events
            .push((EventKind::PaymentIntentPaymentFailed, EventSubject::Intent));
        Ok(transition)
    }

    /// Captures `amount_to_capture` (default: all) of an authorized intent, whose successful
    /// authorization is `charge`.
    pub fn capture(
        &self,
        charge: Option<&Charge>,
        amount_to_capture: Option<i64>,
    ) -> Result<Transition, ApiError> {
        if self.status != Status::RequiresCapture {
            return Err(ApiError::invalid_request(format!(
                "This PaymentIntent could not be captured because it has a status of {}. Only \
                 a PaymentIntent with one of the following statuses may be captured: \
                 requires_capture.",
                self.status.as_str()
            ))
            .with_code("payment_intent_unexpected_state"));
        }
        let amount = amount_to_capture.unwrap_or(self.amount_capturable);
        if amount < 1 || amount > self.amount_capturable {
            return Err(ApiError::invalid_request(format!(
                "The amount to capture ({amount}) must be at least 1 and at most the amount \
                 capturable ({}).",
                self.amount_capturable
            ))
            .with_param("amount_to_capture"));
        }
        let Some(charge) = charge.filter(|c| c.succeeded()) else {
            return Err(ApiError::invalid_request(
                "This PaymentIntent has no successful authorization to capture.",
            ));
        };
        let mut charge = charge.clone();
        charge.capture(amount)?;
        let mut next = self.clone();
        next.amount_received = amount;
        next.amount_capturable = 0;
        next.status = Status::Succeeded;
        let mut transition = Transition::new(next);
        transition.charge = Some(charge);
        transition.events = vec![
            (EventKind::ChargeCaptured, EventSubject::Charge),
            (EventKind::PaymentIntentSucceeded, EventSubject::Intent),
        ];
        Ok(transition)
    }

    /// Cancels the intent, releasing an uncaptured authorization.
    pub fn cancel(
        &self,
        charge: Option<&Charge>,
        reason: Option<String>,
        now: Timestamp,
    ) -> Result<Transition, ApiError> {
        match self.status {
            Status::RequiresPaymentMethod
            | Status::RequiresConfirmation
            | Status::RequiresAction
            | Status::RequiresCapture => {}
            status => {
                return Err(unexpected_state(
                    "cancel",
                    status,
                    "canceled: requires_payment_method, requires_capture, \
                     requires_confirmation, requires_action, processing",
                ));
            }
        }
        let mut next = self.clone();
        let mut transition_charge = None;
        let mut events = Vec::new();
        if self.status == Status::RequiresCapture
            && let Some(charge) = charge
        {
            let mut charge = charge.clone();
            charge.release();
            transition_charge = Some(charge);
            events.push((EventKind::ChargeRefunded, EventSubject::Charge));
        }
        next.status = Status::Canceled;
        next.canceled_at = Some(now);
        next.cancellation_reason = reason;
        next.amount_capturable = 0;
        next.next_action = None;
        events.push((EventKind::PaymentIntentCanceled, EventSubject::Intent));
        let mut transition = Transition::new(next);
        transition.charge = transition_charge;
        transition.events = events;
        Ok(transition)
    }
}

/// A redirect method (iDEAL) sends the customer to their bank: the intent waits in
/// `requires_action` with a `redirect_to_url`, whatever SDK confirmed it.
fn redirect_to_bank(
    mut intent: PaymentIntent,
    ctx: &ConfirmContext<'_>,
) -> Result<Transition, ApiError> {
    if intent.currency != "eur" {
        return Err(ApiError::invalid_request(format!(
            "The currency provided ({}) is invalid. Payments with ideal support the following \
             currencies: eur.",
            intent.currency
        ))
        .with_param("currency"));
    }
    if intent.capture_method == CaptureMethod::Manual {
        return Err(ApiError::invalid_request(
            "The payment method type `ideal` does not support manual capture.",
        )
        .with_param("capture_method"));
    }
    let Some(return_url) = &ctx.return_url else {
        return Err(ApiError::invalid_request(
            "A `return_url` must be specified because this PaymentIntent is confirmed with \
             ideal, which redirects the customer to their bank.",
        )
        .with_param("return_url"));
    };
    intent.status = Status::RequiresAction;
    intent.next_action = Some(json!({
        "type": "redirect_to_url",
        "redirect_to_url": {"url": ctx.authenticate_url, "return_url": return_url},
    }));
    let mut transition = Transition::new(intent);
    transition
        .events
        .push((EventKind::PaymentIntentRequiresAction, EventSubject::Intent));
    Ok(transition)
}

/// The customer authorized (or refused) the payment on the bank's page.
fn bank_answered(
    mut intent: PaymentIntent,
    ctx: &ConfirmContext<'_>,
    authorized: bool,
    now: Timestamp,
) -> Transition {
    if !authorized {
        let error = ApiError::invalid_request(
            "The customer did not authorize the payment with their bank. You can provide \
             payment_method_data or a new PaymentMethod to attempt to fulfill this \
             PaymentIntent again.",
        )
        .with_code("payment_intent_payment_attempt_failed")
        .with_embedded("payment_method", to_value(ctx.payment_method));
        intent.status = Status::RequiresPaymentMethod;
        intent.payment_method = None;
        intent.last_payment_error = Some(error.to_object());
        let mut transition = Transition::new(intent);
        transition
            .events
            .push((EventKind::PaymentIntentPaymentFailed, EventSubject::Intent));
        return transition;
    }
    let approved = AttemptResult::Approved {
        risk_level: crate::card::RiskLevel::Normal,
        risk_score: 20,
    };
    let charge = new_charge(&intent, ctx, approved, None, true, now);
    intent.latest_charge = Some(charge.id.clone());
    intent.status = Status::Succeeded;
    intent.amount_received = intent.amount;
    let mut transition = Transition::new(intent);
    transition.events = vec![
        (EventKind::ChargeSucceeded, EventSubject::Charge),
        (EventKind::PaymentIntentSucceeded, EventSubject::Intent),
    ];
    transition.save_payment_method = transition.intent.setup_future_usage.is_some();
    transition.charge = Some(charge);
    transition
}

fn to_value(pm: &PaymentMethod) -> Value {
    serde_json::to_value(pm).unwrap_or(Value::Null)
}

/// One authorization attempt; `authenticated` says how the customer authenticated, if so.
fn attempt(
    mut intent: PaymentIntent,
    ctx: &ConfirmContext<'_>,
    authenticated: Option<AuthFlow>,
    network: &impl Processor,
    now: Timestamp,
) -> Transition {
    let pm = ctx.payment_method;
    let answer = network.authorize(&Attempt {
        behavior: ctx.behavior,
        off_session: ctx.off_session,
        set_up_for_off_session: ctx.set_up_for_off_session,
        authenticated: authenticated.is_some(),
        cvc_check_failed: crate::network::cvc_failed(
            pm.card.as_ref().and_then(|c| c.checks.cvc_check),
        ),
        request_three_d_secure: intent::request_three_d_secure(&intent.payment_method_options),
    });
    let answer = match answer {
        // An invoice's payment made while the customer is away (a renewal, a retry) that the
        // bank wants authenticated: Billing asks the customer (`requires_action`, the
        // invoice's `invoice.payment_action_required`, the hosted page) rather than failing
        // it, as Stripe documents for subscriptions.
        Answer::Declined(decline)
            if decline == AUTHENTICATION_REQUIRED
                && ctx.off_session
                && intent.invoice.is_some() =>
        {
            Answer::AuthenticationRequired(AuthFlow::Challenge)
        }
        other => other,
    };
    match answer {
        Answer::AuthenticationRequired(AuthFlow::Frictionless) => {
            attempt(intent, ctx, Some(AuthFlow::Frictionless), network, now)
        }
        Answer::AuthenticationRequired(AuthFlow::Challenge) => {
            if ctx.error_on_requires_action {
                let error = decline_error(&AUTHENTICATION_NOT_HANDLED, pm, None);
                intent.status = Status::RequiresPaymentMethod;
                intent.payment_method = None;
                intent.last_payment_error = Some(error.to_object());
                let mut transition = Transition::new(intent);
                transition.error = Some(error);
                transition
                    .events
                    .push((EventKind::PaymentIntentPaymentFailed, EventSubject::Intent));
                return transition;
            }
            intent.status = Status::RequiresAction;
            intent.next_action = Some(next_action(ctx));
            let mut transition = Transition::new(intent);
            transition
                .events
                .push((EventKind::PaymentIntentRequiresAction, EventSubject::Intent));
            transition
        }
        Answer::Approved {
            risk_level,
            risk_score,
        } => {
            let capture = intent.capture_method != CaptureMethod::Manual;
            let charge = new_charge(
                &intent,
                ctx,
                AttemptResult::Approved {
                    risk_level,
                    risk_score,
                },
                authenticated,
                capture,
                now,
            );
            intent.latest_charge = Some(charge.id.clone());
            let mut transition;
            if capture {
                intent.status = Status::Succeeded;
                intent.amount_received = intent.amount;
                intent.amount_capturable = 0;
                transition = Transition::new(intent);
                transition.events = vec![
                    (EventKind::ChargeSucceeded, EventSubject::Charge),
                    (EventKind::PaymentIntentSucceeded, EventSubject::Intent),
                ];
            } else {
                intent.status = Status::RequiresCapture;
                intent.amount_capturable = intent.amount;
                transition = Transition::new(intent);
                transition.events = vec![
                    (EventKind::ChargeSucceeded, EventSubject::Charge),
                    (
                        EventKind::PaymentIntentAmountCapturableUpdated,
                        EventSubject::Intent,
                    ),
                ];
            }
            transition.save_payment_method = transition.intent.setup_future_usage.is_some();
            transition.charge = Some(charge);
            transition
        }
        Answer::Declined(decline) => {
            let charge = new_charge(
                &intent,
                ctx,
                AttemptResult::Declined(decline),
                authenticated,
                false,
                now,
            );
            let error = decline_error(&decline, pm, Some(&charge.id));
            intent.latest_charge = Some(charge.id.clone());
            intent.status = Status::RequiresPaymentMethod;
            intent.payment_method = None;
            intent.last_payment_error = Some(error.to_object());
            let mut transition = Transition::new(intent);
            transition.charge = Some(charge);
            transition.error = Some(error);
            transition.events = vec![
                (EventKind::ChargeFailed, EventSubject::Charge),
                (EventKind::PaymentIntentPaymentFailed, EventSubject::Intent),
            ];
            transition
        }
    }
}

fn decline_error(decline: &Decline, pm: &PaymentMethod, charge: Option<&str>) -> ApiError {
    let mut error = decline.to_error();
    if let Some(charge) = charge {
        error = error.with_embedded("charge", json!(charge));
    }
    error.with_embedded("payment_method", to_value(pm))
}

fn new_charge(
    intent: &PaymentIntent,
    ctx: &ConfirmContext<'_>,
    result: AttemptResult,
    authenticated: Option<AuthFlow>,
    capture: bool,
    now: Timestamp,
) -> Charge {
    let three_d_secure = authenticated.map(|flow| ThreeDSecureDetails {
        authentication_flow: match flow {
            AuthFlow::Challenge => "challenge",
            AuthFlow::Frictionless => "frictionless",
        },
        result: "authenticated",
        version: "2.2.0",
    });
    Charge::for_attempt(
        ctx.charge_id.clone(),
        &ChargeAttempt {
            payment_intent: &intent.id,
            payment_method: ctx.payment_method,
            customer: intent.customer.as_deref(),
            amount: intent.amount,
            currency: &intent.currency,
            capture,
            result,
            three_d_secure,
            description: intent.description.as_deref(),
            receipt_email: intent.receipt_email.as_deref(),
            shipping: intent.shipping.as_ref(),
            statement_descriptor: intent.statement_descriptor.as_deref(),
            statement_descriptor_suffix: intent.statement_descriptor_suffix.as_deref(),
            metadata: &intent.metadata,
        },
        now,
    )
}

/// The 3D Secure `next_action`; the charge's id names the authentication for Stripe.js.
fn next_action(ctx: &ConfirmContext<'_>) -> Value {
    intent::three_d_secure_next_action(
        &ctx.authenticate_url,
        ctx.return_url.as_deref(),
        ctx.use_stripe_sdk,
        &format!("src_{}", ctx.charge_id.trim_start_matches("ch_")),
    )
}
