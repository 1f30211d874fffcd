//! An invoice's transitions that touch its PaymentIntent: paying it now (`/pay`, through the
//! confirmation engine, which settles the invoice) and voiding it (`/void`, and the expiry of
//! an incomplete subscription), which cancels the PaymentIntent and the InvoicePayment.

use tender_core::billing::documents::Invoice;
use tender_core::billing::invoice::{InvoiceStatus, check_payable, finalize, void};
use tender_core::billing::invoice_payment::InvoicePayment;
use tender_core::confirmation::OffSession;
use tender_core::customer::Customer;
use tender_core::event_kind::EventKind;
use tender_core::intent::{EventSubject, Status, Usage};
use tender_core::payment_intent::{self, ConfirmParams, PaymentIntent};
use tender_store::Write;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params, id};

use super::settle::default_payment;
use super::staged::Staged;
use crate::ctx::Ctx;
use crate::pipeline::Effect;
use crate::resources::{insert, new_id, to_json, to_value, unparsable};
use crate::services::confirmation;
use crate::services::customers::load_customer;

/// Finalizes a draft (`POST /v1/invoices/:id/finalize`, or `/pay` of a draft): `open` and
/// numbered, with its PaymentIntent and default InvoicePayment when something is due, or
/// `paid` at once when nothing is; its events join `writes`.
/// The PaymentIntent is pre-filled with `payment_method`, else the customer's default one.
pub async fn finalize_invoice(
    ctx: &Ctx,
    invoice: &mut Staged<Invoice>,
    payment_method: Option<String>,
    writes: &mut Vec<Write>,
) -> Result<(), ApiError> {
    let object = &mut invoice.object;
    finalize(object.status)?;
    let customer = load_customer(ctx, &object.customer, IdIn::Param("customer")).await?;
    object.finalize(invoice_number(&customer.object, &object.id), ctx.now);
    let intent = (object.amount_due > 0).then(|| {
        invoice_payment_intent(
            object,
            None,
            payment_method.or_else(|| {
                customer
                    .object
                    .invoice_settings
                    .default_payment_method
                    .clone()
            }),
            ctx.wall,
        )
    });
    if let Some(intent) = &intent {
        object.payment_intent = Some(intent.id.clone());
    }
    let json = invoice.write(ctx, writes)?;
    writes.push(ctx.event_json(EventKind::InvoiceFinalized, json.clone(), None)?);
    if invoice.object.status == InvoiceStatus::Paid {
        writes.push(ctx.event_json(EventKind::InvoicePaid, json.clone(), None)?);
        writes.push(ctx.event_json(EventKind::InvoicePaymentSucceeded, json, None)?);
    }
    if let Some(intent) = intent {
        let payment = InvoicePayment::new(&invoice.object, &intent.id, ctx.now);
        writes.push(insert(ctx.account_id(), &payment)?);
        writes.push(insert(ctx.account_id(), &intent)?);
        writes.push(ctx.event(EventKind::PaymentIntentCreated, to_value(&intent)?, None)?);
    }
    Ok(())
}

/// `POST /v1/invoices/:id/pay`: finalizes a draft, then confirms the invoice's PaymentIntent
/// now, off-session unless asked otherwise, with `payment_method` when given. Answers the
/// invoice as the payment leaves it, or the payment's card error (402) with the attempt
/// recorded.
pub async fn pay(
    ctx: &Ctx,
    invoice_id: &str,
    payment_method: Option<&str>,
    off_session: bool,
) -> Result<Effect, ApiError> {
    pay_within(ctx, invoice_id, payment_method, off_session, Vec::new()).await
}

/// [`pay`] in a unit of work that has already written `writes` (the invoice may be one of
/// them).
pub async fn pay_within(
    ctx: &Ctx,
    invoice_id: &str,
    payment_method: Option<&str>,
    off_session: bool,
    mut writes: Vec<Write>,
) -> Result<Effect, ApiError> {
    let mut invoice =
        Staged::<Invoice>::find(ctx, invoice_id, &writes, IdIn::Url("invoice")).await?;
    if invoice.object.status == InvoiceStatus::Paid {
        return Err(
            ApiError::invalid_request("Invoice is already paid").with_code("invoice_already_paid")
        );
    }
    if invoice.object.status == InvoiceStatus::Draft {
        finalize_invoice(ctx, &mut invoice, None, &mut writes).await?;
    }
    if invoice.object.status == InvoiceStatus::Paid {
        let json = to_json(&invoice.object)?;
        return Ok(Effect::ok_json(json.get().to_owned(), writes));
    }
    check_payable(invoice.object.status)?;
    let Some(intent_id) = invoice.object.payment_intent.clone() else {
        return Err(ApiError::invalid_request(
            "This invoice has nothing to collect through a PaymentIntent.",
        )
        .with_code("invoice_not_payable"));
    };
    // The PaymentIntent a finalization just made is confirmed as new; a stored one at its
    // version.
    let (intent, version) = match writes.iter().position(|w| w.record.id == intent_id) {
        Some(index) => {
            let write = writes.remove(index);
            let intent: PaymentIntent =
                serde_json::from_str(&write.record.body).map_err(|e| unparsable(&intent_id, &e))?;
            (intent, None)
        }
        None => {
            let loaded = ctx
                .load::<PaymentIntent>(&intent_id, IdIn::Param("invoice"))
                .await?;
            (loaded.object, Some(loaded.version))
        }
    };
    let params = invoice_confirmation(payment_method, off_session)?;
    let effect =
        confirmation::confirm(ctx, intent, version, &params, &Expand::default(), writes).await?;
    if effect.status != 200 {
        return Ok(effect);
    }
    let body = match effect.writes.iter().find(|w| w.record.id == invoice_id) {
        Some(write) => write.record.body.clone(),
        None => to_json(&invoice.object)?.get().to_owned(),
    };
    Ok(Effect::ok_json(body, effect.writes))
}

/// The confirmation of an invoice's PaymentIntent that Tender makes itself (the first payment
/// of a subscription, `/pay`, a renewal): with `payment_method` when one is named, and
/// off-session when the customer is not there.
pub fn invoice_confirmation(
    payment_method: Option<&str>,
    off_session: bool,
) -> Result<ConfirmParams, ApiError> {
    let mut params = ConfirmParams::take(&mut Params::from_form(b"")?)?;
    params.request.payment_method = payment_method.map(str::to_owned);
    if off_session {
        params.request.off_session = Some(OffSession::Yes);
    }
    Ok(params)
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
    let mut canceled = intent.with(transition.intent);
    let json = canceled.write(ctx, writes)?;
    for (kind, subject) in transition.events {
        if subject == EventSubject::Intent {
            writes.push(ctx.event_json(kind, json.clone(), None)?);
        }
    }
    Ok(())
}

/// The invoice's PaymentIntent: for the amount due, `description: "Subscription creation"`,
/// saving the payment method for the renewals (`setup_future_usage: off_session`), with the
/// subscription's or customer's default payment method pre-filled (then
/// `requires_confirmation`).
pub fn invoice_payment_intent(
    invoice: &Invoice,
    types: Option<Vec<String>>,
    payment_method: Option<String>,
    now: i64,
) -> PaymentIntent {
    let intent_id = new_id::<PaymentIntent>();
    let secret = id::client_secret(&intent_id);
    let mut intent = PaymentIntent::new(
        intent_id,
        secret,
        invoice.amount_due,
        &invoice.currency,
        now,
    );
    let types = types.unwrap_or_else(|| vec!["card".to_owned()]);
    intent.payment_method_options = payment_intent::payment_method_options(&types, "automatic");
    intent.payment_method_types = types;
    intent.customer = Some(invoice.customer.clone());
    intent.description = Some("Subscription creation".to_owned());
    intent.setup_future_usage = Some(Usage::OffSession);
    intent.invoice = Some(invoice.id.clone());
    if let Some(pm) = payment_method {
        intent.payment_method = Some(pm);
        intent.status = Status::RequiresConfirmation;
    }
    intent
}

/// The invoice's number: the customer's `invoice_prefix` and a sequence. Tender takes the
/// sequence from the invoice id's time-ordered part, unique without a counter to contend on.
pub fn invoice_number(customer: &Customer, invoice_id: &str) -> String {
    let digits: String = invoice_id
        .chars()
        .rev()
        .filter(char::is_ascii_alphanumeric)
        .take(4)
        .collect::<String>()
        .to_ascii_uppercase();
    format!("{}-{digits}", customer.invoice_prefix)
}
