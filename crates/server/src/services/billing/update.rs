//! Updating a subscription (`POST /v1/subscriptions/:id`) in one unit of work: the update,
//! its `customer.subscription.updated`, and the prorations of quantity changes: pending
//! invoice items (`create_prorations`), or an invoice of them finalized and paid at once
//! (`always_invoice`), whose payment settles like any invoice's.

use tender_core::billing::documents::{Invoice, NewInvoice, Period};
use tender_core::billing::invoice::{Amounts, BillingReason};
use tender_core::billing::invoice_item::{InvoiceItem, NewInvoiceItem};
use tender_core::billing::proration::{ProrationBehavior, prorate};
use tender_core::billing::subscription::Subscription;
use tender_core::billing::subscription_status::SubscriptionStatus;
use tender_core::billing::update::SubscriptionUpdate;
use tender_core::event::previous_attributes;
use tender_core::event_kind::EventKind;
use tender_core::product::Product;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, Field, IdIn, Metadata};

use super::create::{answer, check_customers_payment_method};
use super::invoices::{finalize_invoice, pay_within};
use super::staged::Staged;
use super::wake::Subject;
use crate::ctx::Ctx;
use crate::pipeline::Effect;
use crate::render::expanded_effect;
use crate::resources::{Loaded, insert, new_id, to_value};

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
    let old_quantities: Vec<(String, i64)> = subscription
        .object
        .items
        .data
        .iter()
        .map(|i| (i.id.clone(), i.quantity))
        .collect();
    update.apply(&mut subscription.object, ctx.now)?;
    let mut items = proration_items(ctx, &subscription.object, &old_quantities, update).await?;
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

/// The proration items of the quantity changes of an active subscription (none while it is
/// trialing, incomplete or ended, nor with `proration_behavior=none`).
async fn proration_items(
    ctx: &Ctx,
    subscription: &Subscription,
    old_quantities: &[(String, i64)],
    update: &SubscriptionUpdate,
) -> Result<Vec<InvoiceItem>, ApiError> {
    let prorating = matches!(
        subscription.status,
        SubscriptionStatus::Active | SubscriptionStatus::PastDue
    ) && update.proration_behavior != ProrationBehavior::None;
    if !prorating {
        return Ok(Vec::new());
    }
    let mut items = Vec::new();
    for item in &subscription.items.data {
        let Some((_, old)) = old_quantities.iter().find(|(id, _)| *id == item.id) else {
            continue;
        };
        if *old == item.quantity {
            continue;
        }
        let name = match ctx.find(&item.price.product).await? {
            Some(record) => Loaded::<Product>::from_record(&record)?.object.name,
            None => item.price.product.clone(),
        };
        let period = (item.current_period_start, item.current_period_end);
        let unit_amount = item.price.unit_amount.unwrap_or(0);
        for proration in prorate(unit_amount, *old, item.quantity, &name, period, ctx.now) {
            let mut new = NewInvoiceItem {
                id: new_id::<InvoiceItem>(),
                customer: subscription.customer.clone(),
                currency: subscription.currency.clone(),
                unit_amount: proration.amount,
                quantity: 1,
                amount: proration.amount,
                description: Some(proration.description),
                invoice: None,
                metadata: Metadata::new(),
                period: Period {
                    start: ctx.now,
                    end: item.current_period_end,
                },
                price: Some((item.price.id.clone(), item.price.product.clone())),
                proration: true,
                subscription: Some((subscription.id.clone(), item.id.clone())),
            };
            // The line reads the quantity it prorates; the amount is the prorated total.
            new.quantity = proration.quantity;
            items.push(InvoiceItem::new(new, ctx.now));
        }
    }
    Ok(items)
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
