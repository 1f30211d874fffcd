//! Updating a subscription (`POST /v1/subscriptions/:id`) in one unit of work: the update,
//! its `customer.subscription.updated`, and the prorations of item changes (a price or
//! quantity changed, an item added or removed): pending invoice items (`create_prorations`),
//! or an invoice of them finalized and paid at once (`always_invoice`), whose payment settles
//! like any invoice's.

use tender_core::billing::documents::{Invoice, NewInvoice, Period};
use tender_core::billing::invoice::{Amounts, BillingReason};
use tender_core::billing::invoice_item::{InvoiceItem, NewInvoiceItem};
use tender_core::billing::item_changes::{Billed, ItemDiff, apply_item_changes};
use tender_core::billing::proration::{ProrationBehavior, Side, prorate};
use tender_core::billing::subscription::Subscription;
use tender_core::billing::subscription_status::SubscriptionStatus;
use tender_core::billing::update::SubscriptionUpdate;
use tender_core::event::previous_attributes;
use tender_core::event_kind::EventKind;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, Field, IdIn, Metadata};

use super::SubscriptionItemRecord;
use super::create::{answer, check_customers_payment_method, product_name, resolve_item_price};
use super::invoices::{finalize_invoice, pay_within};
use super::staged::Staged;
use super::wake::Subject;
use crate::ctx::Ctx;
use crate::pipeline::Effect;
use crate::render::expanded_effect;
use crate::resources::{insert, new_id, to_value};

pub async fn update_subscription(
    ctx: &Ctx,
    id: &str,
    update: &SubscriptionUpdate,
    expand: &Expand,
) -> Result<Effect, ApiError> {
    let mut writes = Vec::new();
    let mut subscription =
        Staged::<Subscription>::find(ctx, id, &writes, IdIn::Url("subscription")).await?;
    if let Some(Field::Set(pm)) = &update.default_payment_method {
        check_customers_payment_method(
            ctx,
            pm,
            &subscription.object.customer,
            "default_payment_method",
        )
        .await?;
    }
    let before = to_value(&subscription.object)?;
    update.apply(&mut subscription.object, ctx.now)?;
    let mut prices = Vec::with_capacity(update.items.len());
    for change in &update.items {
        prices.push(match &change.price {
            Some(price) => Some(resolve_item_price(ctx, price, &change.param, &mut writes).await?),
            None => None,
        });
    }
    let diffs = apply_item_changes(
        &mut subscription.object,
        &update.items,
        &prices,
        ctx.now,
        new_id::<SubscriptionItemRecord>,
    )?;
    let mut items = proration_items(ctx, &subscription.object, &diffs, update).await?;
    let invoice =
        if update.proration_behavior == ProrationBehavior::AlwaysInvoice && !items.is_empty() {
            let invoice = proration_invoice(&subscription.object, &items, ctx.now)?;
            subscription.object.latest_invoice = Some(invoice.id.clone());
            for item in &mut items {
                item.invoice = Some(invoice.id.clone());
            }
            Some(invoice)
        } else {
            None
        };
    let json = subscription.write(ctx, &mut writes)?;
    for diff in diffs.iter().filter(|d| d.before.is_none()) {
        writes.push(insert(
            ctx.account_id(),
            &SubscriptionItemRecord {
                id: diff.item.clone(),
                subscription: subscription.object.id.clone(),
                created: ctx.now,
            },
        )?);
    }
    let after = to_value(&subscription.object)?;
    if let Some(previous) = previous_attributes(&before, &after) {
        writes.push(ctx.event_json(
            EventKind::CustomerSubscriptionUpdated,
            json,
            Some(previous),
        )?);
    }
    for item in &items {
        writes.push(insert(ctx.account_id(), item)?);
        writes.push(ctx.event(EventKind::InvoiceitemCreated, to_value(item)?, None)?);
    }
    let Some(invoice) = invoice else {
        return expanded_effect(ctx, after, expand, writes).await;
    };
    // `always_invoice`: the invoice of the prorations, finalized and paid now.
    writes.push(insert(ctx.account_id(), &invoice)?);
    writes.push(ctx.event(EventKind::InvoiceCreated, to_value(&invoice)?, None)?);
    let mut staged = Staged::<Invoice>::find(ctx, &invoice.id, &writes, IdIn::Url("id")).await?;
    let default_pm = subscription.object.default_payment_method.clone();
    finalize_invoice(ctx, &mut staged, default_pm, &mut writes).await?;
    let effect = if staged.object.payment_intent.is_some() {
        pay_within(ctx, &invoice.id, None, true, writes).await?
    } else {
        Effect::ok_json(String::new(), writes)
    };
    if effect.status != 200 && update.error_if_incomplete {
        return Ok(Effect {
            writes: Vec::new(),
            ..effect
        });
    }
    answer(ctx, id, effect.writes, expand, Subject::Existing).await
}

/// The proration items of the item changes of an active subscription (none while it is
/// trialing, incomplete or ended, nor with `proration_behavior=none`), in the period of the
/// subscription's items.
async fn proration_items(
    ctx: &Ctx,
    subscription: &Subscription,
    diffs: &[ItemDiff],
    update: &SubscriptionUpdate,
) -> Result<Vec<InvoiceItem>, ApiError> {
    let prorating = matches!(
        subscription.status,
        SubscriptionStatus::Active | SubscriptionStatus::PastDue
    ) && update.proration_behavior != ProrationBehavior::None;
    if !prorating {
        return Ok(Vec::new());
    }
    let period = (
        subscription.current_period_start,
        subscription.current_period_end,
    );
    let mut items = Vec::new();
    for diff in diffs.iter().filter(|d| d.changes_billing()) {
        let before = named(ctx, diff.before.as_ref()).await?;
        let after = named(ctx, diff.after.as_ref()).await?;
        for proration in prorate(side(&before), side(&after), period, ctx.now) {
            let product = [&before, &after]
                .into_iter()
                .flatten()
                .find(|(billed, _)| billed.price.id == proration.price)
                .map(|(billed, _)| billed.price.product.clone())
                .unwrap_or_default();
            let new = NewInvoiceItem {
                id: new_id::<InvoiceItem>(),
                customer: subscription.customer.clone(),
                currency: subscription.currency.clone(),
                unit_amount: proration.amount,
                // The line reads the quantity it prorates; the amount is the prorated total.
                quantity: proration.quantity,
                amount: proration.amount,
                description: Some(proration.description),
                invoice: None,
                metadata: Metadata::new(),
                period: Period {
                    start: ctx.now,
                    end: period.1,
                },
                price: Some((proration.price, product)),
                proration: true,
                subscription: Some((subscription.id.clone(), diff.item.clone())),
            };
            items.push(InvoiceItem::new(new, ctx.now));
        }
    }
    Ok(items)
}

/// The proration side of what an item billed.
fn side(named: &Option<(Billed, String)>) -> Option<Side<'_>> {
    named.as_ref().map(|(billed, name)| Side {
        price: &billed.price.id,
        unit_amount: billed.price.unit_amount.unwrap_or(0),
        quantity: billed.quantity,
        product_name: name,
    })
}

/// What an item billed, with its product's name for the proration's description.
async fn named(ctx: &Ctx, billed: Option<&Billed>) -> Result<Option<(Billed, String)>, ApiError> {
    let Some(billed) = billed else {
        return Ok(None);
    };
    let name = product_name(ctx, &billed.price.product).await?;
    Ok(Some((billed.clone(), name)))
}

/// The draft invoice of `items` (`billing_reason: subscription_update`); the items are
/// marked as on it.
fn proration_invoice(
    subscription: &Subscription,
    items: &[InvoiceItem],
    now: i64,
) -> Result<Invoice, ApiError> {
    let id = new_id::<Invoice>();
    let mut invoice = Invoice::draft(
        NewInvoice {
            id: id.clone(),
            customer: subscription.customer.clone(),
            customer_email: None,
            customer_name: None,
            currency: subscription.currency.clone(),
            billing_reason: BillingReason::SubscriptionUpdate,
            collection_method: subscription.collection_method.clone(),
            days_until_due: subscription.days_until_due,
            subscription: Some(subscription.id.clone()),
            description: None,
            metadata: Metadata::new(),
            period: Period {
                start: now,
                end: now,
            },
            lines: Vec::new(),
            amounts: Amounts::default(),
        },
        now,
    );
    for item in items {
        invoice.add_line(item.line(tender_wire::id::generate("il")))?;
    }
    Ok(invoice)
}
