//! The expiry of unpaid subscriptions: an `incomplete` subscription whose first invoice is
//! not paid 23 hours after its creation becomes `incomplete_expired`, its open invoice is
//! voided and the invoice's PaymentIntent canceled, in one unit of work: the step the
//! scheduler's job for the subscription runs then (`billing::wake`).

use tender_core::billing::documents::Invoice;
use tender_core::billing::invoice::InvoiceStatus;
use tender_core::billing::subscription::Subscription;
use tender_core::billing::subscription_status::{SubscriptionStatus, is_expired};
use tender_core::event::previous_attributes;
use tender_core::event_kind::EventKind;
use tender_wire::{ApiError, IdIn};

use super::invoices::void_invoice;
use super::staged::Staged;
use crate::ctx::Ctx;
use crate::pipeline::Effect;
use crate::resources::to_value;

/// Expires subscription `id`, if it is still unpaid and due.
pub async fn expire(ctx: &Ctx, id: &str) -> Result<Effect, ApiError> {
    let mut writes = Vec::new();
    let mut subscription =
        Staged::<Subscription>::find(ctx, id, &writes, IdIn::Url("subscription")).await?;
    let object = &subscription.object;
    if !is_expired(object.status, object.created, ctx.now) {
        return Ok(Effect::ok_json("{}".to_owned(), writes));
    }
    let before = to_value(&subscription.object)?;
    subscription
        .object
        .end(SubscriptionStatus::IncompleteExpired, None, ctx.now);
    let json = subscription.write(ctx, &mut writes)?;
    if let Some(invoice_id) = subscription.object.latest_invoice.clone() {
        let mut invoice =
            Staged::<Invoice>::find(ctx, &invoice_id, &writes, IdIn::Param("invoice")).await?;
        if invoice.object.status == InvoiceStatus::Open {
            void_invoice(ctx, &mut invoice, &mut writes).await?;
        }
    }
    let after = to_value(&subscription.object)?;
    writes.push(ctx.event_json(
        EventKind::CustomerSubscriptionUpdated,
        json,
        previous_attributes(&before, &after),
    )?);
    Ok(Effect::ok_json("{}".to_owned(), writes))
}
