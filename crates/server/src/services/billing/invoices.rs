//! An invoice's transitions that touch its PaymentIntent: paying it now (`/pay`, through the
//! confirmation engine, which settles the invoice) and voiding it (`/void`, and the expiry of
//! an incomplete subscription), which cancels the PaymentIntent and the InvoicePayment.

use tender_core::billing::documents::Invoice;
use tender_core::billing::invoice::{check_payable, void};
use tender_core::event_kind::EventKind;
use tender_core::intent::{EventSubject, Status};
use tender_core::payment_intent::{ConfirmParams, PaymentIntent};
use tender_store::Write;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params};

use super::settle::default_payment;
use super::staged::Staged;
use crate::ctx::Ctx;
use crate::pipeline::Effect;
use crate::resources::{Loaded, to_json};
use crate::services::confirmation;

/// `POST /v1/invoices/:id/pay`: confirms the invoice's PaymentIntent now, off-session unless
/// asked otherwise, with `payment_method` when given. Answers the invoice as the payment
/// leaves it, or the payment's card error (402) with the attempt recorded.
pub async fn pay(
    ctx: &Ctx,
    invoice: Loaded<Invoice>,
    payment_method: Option<&str>,
    off_session: bool,
) -> Result<Effect, ApiError> {
    if invoice.object.status == tender_core::billing::invoice::InvoiceStatus::Paid {
        return Err(
            ApiError::invalid_request("Invoice is already paid").with_code("invoice_already_paid")
        );
    }
    check_payable(invoice.object.status)?;
    let Some(intent_id) = invoice.object.payment_intent.clone() else {
        return Err(ApiError::invalid_request(
            "This invoice has nothing to collect through a PaymentIntent.",
        )
        .with_code("invoice_not_payable"));
    };
    let intent = ctx
        .load::<PaymentIntent>(&intent_id, IdIn::Param("invoice"))
        .await?;
    let mut form = String::new();
    if off_session {
        form.push_str("off_session=true");
    }
    if let Some(pm) = payment_method {
        form.push_str(&format!("&payment_method={pm}"));
    }
    let mut p = Params::from_form(form.as_bytes())?;
    let params = ConfirmParams::take(&mut p)?;
    let effect = confirmation::confirm(
        ctx,
        intent.object,
        Some(intent.version),
        &params,
        &Expand::default(),
        Vec::new(),
    )
    .await?;
    if effect.status != 200 {
        return Ok(effect);
    }
    let body = effect
        .writes
        .iter()
        .find(|w| w.record.id == invoice.object.id)
        .map_or_else(
            || to_json(&invoice.object).map(|j| j.get().to_owned()),
            |w| Ok(w.record.body.clone()),
        )?;
    Ok(Effect::ok_json(body, effect.writes))
}

/// Voids `invoice` (`reason` for its PaymentIntent's `cancellation_reason`): the invoice and
/// its events, the canceled PaymentIntent and InvoicePayment, joined to `writes`.
pub async fn void_invoice(
    ctx: &Ctx,
    invoice: &mut Staged<Invoice>,
    writes: &mut Vec<Write>,
) -> Result<(), ApiError> {
    let object = &mut invoice.object;
    object.status = void(object.status)?;
    object.set_amounts(object.amounts().voided());
    object.status_transitions.voided_at = Some(ctx.now);
    object.auto_advance = false;
    let json = invoice.write(ctx, writes)?;
    if let Some(intent_id) = invoice.object.payment_intent.clone() {
        cancel_intent(ctx, &intent_id, writes).await?;
    }
    if let Some(mut payment) = default_payment(ctx, &invoice.object.id, writes).await?
        && payment.object.status == "open"
    {
        payment.object.mark_canceled(ctx.now);
        payment.write(ctx, writes)?;
    }
    writes.push(ctx.event_json(EventKind::InvoiceVoided, json.clone(), None)?);
    writes.push(ctx.event_json(EventKind::InvoiceUpdated, json, None)?);
    Ok(())
}

/// Cancels the invoice's PaymentIntent (`cancellation_reason: void_invoice`) when it can
/// still be canceled.
async fn cancel_intent(ctx: &Ctx, id: &str, writes: &mut Vec<Write>) -> Result<(), ApiError> {
    let intent = Staged::<PaymentIntent>::find(ctx, id, writes, IdIn::Param("invoice")).await?;
    if !matches!(
        intent.object.status,
        Status::RequiresPaymentMethod | Status::RequiresConfirmation | Status::RequiresAction
    ) {
        return Ok(());
    }
    let transition = intent
        .object
        .cancel(None, Some("void_invoice".to_owned()), ctx.now)?;
    let canceled = intent.with(transition.intent);
    let json = canceled.write(ctx, writes)?;
    for (kind, subject) in transition.events {
        if subject == EventSubject::Intent {
            writes.push(ctx.event_json(kind, json.clone(), None)?);
        }
    }
    Ok(())
}
