//! PaymentIntents paid by a bank debit (SEPA Direct Debit, ACH), which settle later: the
//! confirmation leaves the intent `processing` with a `pending` charge, and the bank's answer,
//! scheduled by the server, moves it to `succeeded` or back to `requires_payment_method`.

use serde_json::json;
use tender_wire::ApiError;

use super::decide::Transition;
use super::{CaptureMethod, PaymentIntent, Status};
use crate::Timestamp;
use crate::card::RiskLevel;
use crate::charge::{
    AttemptResult, Charge, ChargeAttempt, ChargeStatus, NetworkStatus, OutcomeKind,
};
use crate::confirmation::ConfirmContext;
use crate::debit::{DebitOutcome, settlement_of};
use crate::event_kind::EventKind;
use crate::intent::EventSubject;
use crate::payment_method::{PaymentMethod, PaymentMethodType};

/// The currency a debit of `kind` is made in.
fn currency_of(kind: PaymentMethodType) -> &'static str {
    match kind {
        PaymentMethodType::UsBankAccount => "usd",
        _ => "eur",
    }
}

/// Confirms `intent` with a bank debit: the charge is submitted (`pending`), the intent
/// `processing`, and its settlement is due later.
pub fn submit(
    mut intent: PaymentIntent,
    ctx: &ConfirmContext<'_>,
    now: Timestamp,
) -> Result<Transition, ApiError> {
    let pm = ctx.payment_method;
    let currency = currency_of(pm.kind);
    if intent.currency != currency {
        return Err(ApiError::invalid_request(format!(
            "The currency provided ({}) is invalid. Payments with {} support the following \
             currencies: {currency}.",
            intent.currency,
            pm.kind.as_str()
        ))
        .with_param("currency"));
    }
    if intent.capture_method == CaptureMethod::Manual {
        return Err(ApiError::invalid_request(format!(
            "The payment method type `{}` does not support manual capture.",
            pm.kind.as_str()
        ))
        .with_param("capture_method"));
    }
    let Some(settlement) = settlement_of(pm) else {
        return Err(ApiError::internal());
    };
    let mut charge = Charge::for_attempt(
        ctx.charge_id.clone(),
        &ChargeAttempt {
            payment_intent: &intent.id,
            payment_method: pm,
            customer: intent.customer.as_deref(),
            amount: intent.amount,
            currency: &intent.currency,
            capture: true,
            result: AttemptResult::Approved {
                risk_level: RiskLevel::Normal,
                risk_score: 20,
            },
            three_d_secure: None,
            description: intent.description.as_deref(),
            receipt_email: intent.receipt_email.as_deref(),
            shipping: intent.shipping.as_ref(),
            statement_descriptor: intent.statement_descriptor.as_deref(),
            statement_descriptor_suffix: intent.statement_descriptor_suffix.as_deref(),
            metadata: &intent.metadata,
        },
        now,
    );
    // Submitted to the bank, not yet paid: Stripe shows a pending debit as captured but
    // unpaid.
    charge.status = ChargeStatus::Pending;
    charge.paid = false;
    intent.latest_charge = Some(charge.id.clone());
    intent.status = Status::Processing;
    let mut transition = Transition::new(intent);
    transition.events = vec![
        (EventKind::ChargePending, EventSubject::Charge),
        (EventKind::PaymentIntentProcessing, EventSubject::Intent),
    ];
    // A debit with `setup_future_usage` saves the account (and its mandate) at submission.
    transition.save_payment_method = transition.intent.setup_future_usage.is_some();
    transition.charge = Some(charge);
    transition.settles_later = Some(settlement.timing);
    Ok(transition)
}

impl PaymentIntent {
    /// The bank's answer to the debit of a `processing` intent, whose pending charge is
    /// `charge` and account `pm`. `None` when there is nothing to settle (the intent is no
    /// longer processing, or the charge is not its pending one): a retried or duplicate job
    /// settles nothing twice.
    pub fn settle_debit(&self, charge: &Charge, pm: &PaymentMethod) -> Option<Transition> {
        if self.status != Status::Processing
            || self.latest_charge.as_deref() != Some(charge.id.as_str())
            || charge.status != ChargeStatus::Pending
        {
            return None;
        }
        let settlement = settlement_of(pm)?;
        let mut intent = self.clone();
        let mut charge = charge.clone();
        let mut transition;
        match settlement.outcome {
            DebitOutcome::Succeeds => {
                charge.status = ChargeStatus::Succeeded;
                charge.paid = true;
                intent.status = Status::Succeeded;
                intent.amount_received = intent.amount;
                transition = Transition::new(intent);
                transition.events = vec![
                    (EventKind::ChargeSucceeded, EventSubject::Charge),
                    (EventKind::PaymentIntentSucceeded, EventSubject::Intent),
                ];
            }
            DebitOutcome::Fails(failure) => {
                charge.status = ChargeStatus::Failed;
                charge.paid = false;
                charge.captured = false;
                charge.amount_captured = 0;
                charge.failure_code = Some(failure.code.to_owned());
                charge.failure_message = Some(failure.message.to_owned());
                charge.outcome.network_status = NetworkStatus::DeclinedByNetwork;
                charge.outcome.kind = OutcomeKind::IssuerDeclined;
                charge.outcome.reason = None;
                charge.outcome.seller_message = failure.message.to_owned();
                intent.status = Status::RequiresPaymentMethod;
                intent.payment_method = None;
                intent.last_payment_error = Some(json!({
                    "charge": charge.id,
                    "code": failure.code,
                    "message": failure.message,
                    "payment_method": serde_json::to_value(pm).unwrap_or_default(),
                    "type": "card_error",
                }));
                transition = Transition::new(intent);
                transition.events = vec![
                    (EventKind::ChargeFailed, EventSubject::Charge),
                    (EventKind::PaymentIntentPaymentFailed, EventSubject::Intent),
                ];
            }
        }
        transition.charge = Some(charge);
        Some(transition)
    }
}

#[cfg(test)]
#[path = "tests/debit.rs"]
mod tests;
