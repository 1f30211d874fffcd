//! Writing a settlement: when an invoice's PaymentIntent succeeds, fails or asks for 3D
//! Secure, core's [`settle`] decides what becomes of the invoice, its default InvoicePayment
//! and its subscription; this writes it into the PaymentIntent's own unit of work, so a paid
//! PaymentIntent never sits next to an open invoice, even across a crash.

use tender_core::billing::documents::Invoice;
use tender_core::billing::invoice::BillingReason;
use tender_core::billing::invoice_payment::{InvoicePayment, default_payment_id};
use tender_core::billing::settlement::{
    BillingEvent, InvoiceView, PaymentOutcome, SubscriptionView, settle,
};
use tender_core::billing::subscription::Subscription;
use tender_core::event::previous_attributes;
use tender_core::intent::Status;
use tender_store::Write;
use tender_wire::{ApiError, IdIn};

use super::staged::Staged;
use crate::ctx::Ctx;
use crate::resources::to_value;

/// What an invoice's PaymentIntent in `status` means for the invoice (`failed`: the
/// confirmation was declined), or `None` when it settles nothing (canceled, uncaptured).
pub fn outcome_of(status: Status, failed: bool) -> Option<PaymentOutcome> {
    match status {
        Status::Succeeded => Some(PaymentOutcome::Succeeded),
        Status::RequiresAction => Some(PaymentOutcome::RequiresAction),
        Status::Processing => Some(PaymentOutcome::Processing),
        Status::RequiresPaymentMethod if failed => Some(PaymentOutcome::Failed),
        _ => None,
    }
}

/// Settles `invoice` after its PaymentIntent's `outcome`, paid with `payment_method`: its
/// writes and events join `writes`, after the PaymentIntent's.
pub async fn settle_invoice(
    ctx: &Ctx,
    invoice: &str,
    outcome: PaymentOutcome,
    payment_method: Option<&str>,
    writes: &mut Vec<Write>,
) -> Result<(), ApiError> {
    let mut invoice = Staged::<Invoice>::find(ctx, invoice, writes, IdIn::Param("invoice")).await?;
    let mut subscription = match invoice.object.subscription.clone() {
        Some(id) => {
            Some(Staged::<Subscription>::find(ctx, &id, writes, IdIn::Param("subscription")).await?)
        }
        None => None,
    };
    let view = InvoiceView {
        status: invoice.object.status,
        amounts: invoice.object.amounts(),
        first_of_subscription: invoice.object.billing_reason == BillingReason::SubscriptionCreate,
    };
    let subscription_view = subscription.as_ref().map(|s| SubscriptionView {
        status: s.object.status,
        default_payment_method: s.object.default_payment_method.clone(),
        save_default_payment_method: s.object.payment_settings.saves_default_payment_method(),
    });
    let settlement = settle(
        outcome,
        &view,
        subscription_view.as_ref(),
        payment_method,
        ctx.now,
    );
    if !settlement.changes_anything() {
        return Ok(());
    }
    let invoice_before = to_value(&invoice.object)?;
    invoice.object.status = settlement.invoice_status;
    invoice.object.set_amounts(settlement.amounts);
    if settlement.attempted {
        invoice.object.attempted = true;
        invoice.object.attempt_count += 1;
    }
    if let Some(paid_at) = settlement.paid_at {
        invoice.object.status_transitions.paid_at = Some(paid_at);
        // Paid: no retry is left to make.
        invoice.object.next_payment_attempt = None;
    }
    let invoice_json = invoice.write(ctx, writes)?;
    let mut payment_json = None;
    if let Some(paid_at) = settlement.paid_at
        && let Some(mut payment) = default_payment(ctx, &invoice.object.id, writes).await?
    {
        payment
            .object
            .mark_paid(invoice.object.amount_paid, paid_at);
        payment_json = Some(payment.write(ctx, writes)?);
    }
    let mut subscription_change = None;
    if let (Some(change), Some(subscription)) = (&settlement.subscription, &mut subscription) {
        let before = to_value(&subscription.object)?;
        subscription.object.status = change.status;
        subscription
            .object
            .default_payment_method
            .clone_from(&change.default_payment_method);
        let json = subscription.write(ctx, writes)?;
        let after = to_value(&subscription.object)?;
        subscription_change = Some((json, previous_attributes(&before, &after)));
    }
    let invoice_after = to_value(&invoice.object)?;
    for event in settlement.events {
        let write = match event {
            BillingEvent::InvoiceUpdated => ctx.event_json(
                event.kind(),
                invoice_json.clone(),
                previous_attributes(&invoice_before, &invoice_after),
            )?,
            BillingEvent::InvoicePaymentPaid => match &payment_json {
                Some(json) => ctx.event_json(event.kind(), json.clone(), None)?,
                None => continue,
            },
            BillingEvent::SubscriptionUpdated => match &subscription_change {
                Some((json, previous)) => {
                    ctx.event_json(event.kind(), json.clone(), previous.clone())?
                }
                None => continue,
            },
            _ => ctx.event_json(event.kind(), invoice_json.clone(), None)?,
        };
        writes.push(write);
    }
    Ok(())
}

/// The invoice's default InvoicePayment, as this unit of work leaves it so far (none for an
/// invoice paid without a PaymentIntent).
pub async fn default_payment(
    ctx: &Ctx,
    invoice: &str,
    pending: &[Write],
) -> Result<Option<Staged<InvoicePayment>>, ApiError> {
    Staged::try_find(ctx, &default_payment_id(invoice), pending).await
}
