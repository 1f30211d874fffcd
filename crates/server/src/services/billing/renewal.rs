//! Renewals: when a subscription's period ends it is canceled (`cancel_at_period_end`) or
//! billed for the next period (`billing_reason: subscription_cycle`, with its pending
//! prorations) with a draft invoice; an hour later the invoice is finalized and paid
//! off-session with the default payment method, its payment settled like any invoice's (a
//! decline makes the subscription `past_due`, and is retried on Smart Retries' schedule).
//! Each step is one unit of work, run by the scheduler's job for the subscription
//! (`billing::wake`); a lost race is decided again on the new state, so a period is never
//! billed twice.

use tender_core::billing::documents::{Invoice, NewInvoice, Period};
use tender_core::billing::dunning::{after_all_retries, first_attempt_of, next_attempt};
use tender_core::billing::invoice::{BillingReason, InvoiceStatus};
use tender_core::billing::invoice_item::InvoiceItem;
use tender_core::billing::lines::{BilledItem, subscription_lines};
use tender_core::billing::renewal::{Renewal, due, enter_period, trial_reminder_due};
use tender_core::billing::subscription::Subscription;
use tender_core::billing::subscription_status::SubscriptionStatus;
use tender_core::billing::wake::{InvoiceFacts, finalization_due};
use tender_core::event::previous_attributes;
use tender_core::event_kind::EventKind;
use tender_core::payment_intent::PaymentIntent;
use tender_core::product::Product;
use tender_wire::{ApiError, IdIn, Metadata};

use super::TrialReminder;
use super::invoices::{finalize_invoice, pay_within};
use super::one_off::pending_items;
use super::staged::Staged;
use crate::ctx::Ctx;
use crate::pipeline::Effect;
use crate::resources::{Loaded, insert, new_id, to_value};
use crate::services::customers::load_customer;

/// Runs the step due for subscription `id` at `ctx.now`: its trial's reminder, the
/// finalization and payment of its draft renewal invoice, a retry, or its period's end (a
/// new draft invoice, or its cancellation). One step per unit of work; the scheduler asks
/// `billing::wake` when the next one is due.
pub async fn step(ctx: &Ctx, id: &str) -> Result<Effect, ApiError> {
    let mut writes = Vec::new();
    let mut subscription =
        Staged::<Subscription>::find(ctx, id, &writes, IdIn::Url("subscription")).await?;
    if trial_reminder_due(&subscription.object, ctx.now)
        && ctx.find(&TrialReminder::id_for(id)).await?.is_none()
    {
        let reminder = TrialReminder {
            id: TrialReminder::id_for(id),
            subscription: id.to_owned(),
            created: ctx.now,
        };
        writes.push(insert(ctx.account_id(), &reminder)?);
        writes.push(ctx.event(
            EventKind::CustomerSubscriptionTrialWillEnd,
            to_value(&subscription.object)?,
            None,
        )?);
        return Ok(Effect::ok_json("{}".to_owned(), writes));
    }
    if let Some(invoice_id) = subscription.object.latest_invoice.clone() {
        let invoice = Staged::<Invoice>::find(ctx, &invoice_id, &writes, IdIn::Url("id")).await?;
        if finalization_due(&invoice_facts(&invoice.object), ctx.now) {
            return finalize_and_pay(ctx, subscription.object, invoice_id, writes).await;
        }
    }
    let before = to_value(&subscription.object)?;
    let (start, end) = match due(&subscription.object, ctx.now) {
        Renewal::NotDue if subscription.object.status == SubscriptionStatus::PastDue => {
            return retry(ctx, subscription, writes).await;
        }
        Renewal::NotDue => return Ok(Effect::ok_json("{}".to_owned(), writes)),
        Renewal::Cancel { at } => {
            let object = &mut subscription.object;
            object.status = SubscriptionStatus::Canceled;
            object.ended_at = Some(at);
            let json = subscription.write(ctx, &mut writes)?;
            writes.push(ctx.event_json(EventKind::CustomerSubscriptionDeleted, json, None)?);
            return Ok(Effect::ok_json("{}".to_owned(), writes));
        }
        Renewal::Bill { start, end } => (start, end),
    };
    let mut invoice = cycle_invoice(ctx, &subscription.object, start, end).await?;
    enter_period(&mut subscription.object, start, end);
    let items = pending_items(ctx, &subscription.object.customer).await?;
    let currency = invoice.currency.clone();
    let of_this = |i: &Loaded<InvoiceItem>| {
        i.object.parent.as_ref().is_some_and(|p| {
            p["subscription_details"]["subscription"] == subscription.object.id.as_str()
        }) && i.object.currency == currency
    };
    let prorations: Vec<_> = items.into_iter().filter(of_this).collect();
    for mut item in prorations {
        invoice.add_line(item.object.line(tender_wire::id::generate("il")))?;
        item.object.invoice = Some(invoice.id.clone());
        writes.push(item.update(ctx.account_id())?);
    }
    subscription.object.latest_invoice = Some(invoice.id.clone());
    let json = subscription.write(ctx, &mut writes)?;
    let after = to_value(&subscription.object)?;
    writes.push(ctx.event_json(
        EventKind::CustomerSubscriptionUpdated,
        json,
        previous_attributes(&before, &after),
    )?);
    writes.push(insert(ctx.account_id(), &invoice)?);
    writes.push(ctx.event(EventKind::InvoiceCreated, to_value(&invoice)?, None)?);
    // The draft is finalized and charged an hour later (`billing::wake::FINALIZE_DELAY`).
    Ok(Effect::ok_json("{}".to_owned(), writes))
}

/// A renewal invoice's draft hour is over: it is finalized and, when the subscription charges
/// automatically, paid off-session with the default payment method; with nothing to pay
/// with, the subscription is past due.
async fn finalize_and_pay(
    ctx: &Ctx,
    subscription: Subscription,
    invoice_id: String,
    mut writes: Vec<tender_store::Write>,
) -> Result<Effect, ApiError> {
    let mut staged = Staged::<Invoice>::find(ctx, &invoice_id, &writes, IdIn::Url("id")).await?;
    let default_pm = subscription.default_payment_method.clone();
    finalize_invoice(ctx, &mut staged, default_pm, &mut writes).await?;
    let charges = subscription.collection_method == "charge_automatically";
    if !charges || staged.object.status != InvoiceStatus::Open {
        return Ok(Effect::ok_json("{}".to_owned(), writes));
    }
    let has_payment_method = match &staged.object.payment_intent {
        Some(intent) => Staged::<PaymentIntent>::find(ctx, intent, &writes, IdIn::Url("id"))
            .await?
            .object
            .payment_method
            .is_some(),
        None => false,
    };
    if has_payment_method {
        let effect = pay_within(ctx, &invoice_id, None, true, writes).await?;
        return schedule_retry(ctx, &invoice_id, effect).await;
    }
    // Nothing to pay with: the invoice stays open and the subscription is past due.
    let mut subscription =
        Staged::<Subscription>::find(ctx, &subscription.id, &writes, IdIn::Url("subscription"))
            .await?;
    let before = to_value(&subscription.object)?;
    subscription.object.status = SubscriptionStatus::PastDue;
    let json = subscription.write(ctx, &mut writes)?;
    let after = to_value(&subscription.object)?;
    writes.push(ctx.event_json(
        EventKind::CustomerSubscriptionUpdated,
        json,
        previous_attributes(&before, &after),
    )?);
    Ok(Effect::ok_json("{}".to_owned(), writes))
}

/// What schedules something about `invoice` (`billing::wake`).
pub fn invoice_facts(invoice: &Invoice) -> InvoiceFacts {
    InvoiceFacts {
        status: invoice.status,
        created: invoice.created,
        auto_advance: invoice.auto_advance,
        next_payment_attempt: invoice.next_payment_attempt,
    }
}

/// After an attempt on a renewal invoice: when it is still open, the next retry is set
/// (`next_payment_attempt`, Smart Retries' default of 8 attempts within 2 weeks).
async fn schedule_retry(ctx: &Ctx, invoice_id: &str, effect: Effect) -> Result<Effect, ApiError> {
    let Effect {
        mut writes,
        status,
        body,
    } = effect;
    let mut invoice = Staged::<Invoice>::find(ctx, invoice_id, &writes, IdIn::Url("id")).await?;
    if invoice.object.status == InvoiceStatus::Open && !awaits_customer(&invoice.object, &writes) {
        let first = invoice
            .object
            .status_transitions
            .finalized_at
            .unwrap_or(ctx.now);
        invoice.object.next_payment_attempt = next_attempt(invoice.object.attempt_count, first);
        invoice.write(ctx, &mut writes)?;
    }
    Ok(Effect {
        writes,
        status,
        body,
    })
}

/// Whether `invoice`'s PaymentIntent, as `writes` leave it, waits for the customer to
/// authenticate (`requires_action`): retrying it off-session would only ask again, so Tender
/// stops retrying and leaves it to the customer, as Stripe's Smart Retries do.
fn awaits_customer(invoice: &Invoice, writes: &[tender_store::Write]) -> bool {
    let Some(intent) = &invoice.payment_intent else {
        return false;
    };
    writes
        .iter()
        .rev()
        .find(|w| &w.record.id == intent)
        .and_then(|w| serde_json::from_str::<PaymentIntent>(&w.record.body).ok())
        .is_some_and(|pi| pi.status == tender_core::payment_intent::Status::RequiresAction)
}

/// A `past_due` subscription whose latest invoice is due for a retry: the invoice is paid
/// again off-session; when every attempt has failed the server's "if all retries fail"
/// choice applies (`tender serve --after-retries`): canceled (Stripe's default,
/// `cancellation_details.reason: payment_failed`), `unpaid`, or left `past_due`.
async fn retry(
    ctx: &Ctx,
    subscription: Staged<Subscription>,
    writes: Vec<tender_store::Write>,
) -> Result<Effect, ApiError> {
    let Some(invoice_id) = subscription.object.latest_invoice.clone() else {
        return Ok(Effect::ok_json("{}".to_owned(), writes));
    };
    let invoice = Staged::<Invoice>::find(ctx, &invoice_id, &writes, IdIn::Url("id")).await?;
    let due_now = invoice.object.status == InvoiceStatus::Open
        && invoice
            .object
            .next_payment_attempt
            .is_some_and(|at| at <= ctx.now);
    if !due_now {
        return Ok(Effect::ok_json("{}".to_owned(), writes));
    }
    let first = invoice
        .object
        .next_payment_attempt
        .and_then(|next| first_attempt_of(invoice.object.attempt_count, next))
        .unwrap_or(ctx.now);
    // Retried with the default payment method as it is now: the subscription's, else the
    // customer's (a customer may have fixed their card meanwhile).
    let payment_method = match subscription.object.default_payment_method.clone() {
        Some(pm) => Some(pm),
        None => {
            load_customer(ctx, &subscription.object.customer, IdIn::Url("id"))
                .await?
                .object
                .invoice_settings
                .default_payment_method
        }
    };
    let Some(payment_method) = payment_method else {
        return Ok(Effect::ok_json("{}".to_owned(), writes));
    };
    let effect = pay_within(ctx, &invoice_id, Some(&payment_method), true, writes).await?;
    let Effect {
        mut writes,
        status,
        body,
    } = effect;
    let mut invoice = Staged::<Invoice>::find(ctx, &invoice_id, &writes, IdIn::Url("id")).await?;
    if invoice.object.status != InvoiceStatus::Open {
        return Ok(Effect {
            writes,
            status,
            body,
        });
    }
    if awaits_customer(&invoice.object, &writes) {
        // No more retries: the customer authenticates on the hosted page, or not.
        invoice.object.next_payment_attempt = None;
        invoice.write(ctx, &mut writes)?;
        return Ok(Effect {
            writes,
            status,
            body,
        });
    }
    invoice.object.next_payment_attempt = next_attempt(invoice.object.attempt_count, first);
    let exhausted = invoice.object.next_payment_attempt.is_none();
    if exhausted {
        invoice.object.auto_advance = false;
    }
    invoice.write(ctx, &mut writes)?;
    if exhausted {
        let mut subscription =
            Staged::<Subscription>::find(ctx, &subscription.object.id, &writes, IdIn::Url("id"))
                .await?;
        match after_all_retries(ctx.state.after_retries) {
            (SubscriptionStatus::Canceled, reason) => {
                subscription
                    .object
                    .end(SubscriptionStatus::Canceled, reason, ctx.now);
                let json = subscription.write(ctx, &mut writes)?;
                writes.push(ctx.event_json(EventKind::CustomerSubscriptionDeleted, json, None)?);
            }
            (status, _) if status != subscription.object.status => {
                let before = to_value(&subscription.object)?;
                subscription.object.status = status;
                let json = subscription.write(ctx, &mut writes)?;
                let after = to_value(&subscription.object)?;
                writes.push(ctx.event_json(
                    EventKind::CustomerSubscriptionUpdated,
                    json,
                    previous_attributes(&before, &after),
                )?);
            }
            // Left past due: it is billed again at its period's end.
            _ => {}
        }
    }
    Ok(Effect {
        writes,
        status,
        body,
    })
}

/// The draft invoice of the period `[start, end)` of `subscription`.
async fn cycle_invoice(
    ctx: &Ctx,
    subscription: &Subscription,
    start: i64,
    end: i64,
) -> Result<Invoice, ApiError> {
    let mut names = Vec::with_capacity(subscription.items.data.len());
    for item in &subscription.items.data {
        names.push(match ctx.find(&item.price.product).await? {
            Some(record) => Loaded::<Product>::from_record(&record)?.object.name,
            None => item.price.product.clone(),
        });
    }
    let billed: Vec<BilledItem<'_>> = subscription
        .items
        .data
        .iter()
        .zip(&names)
        .enumerate()
        .map(|(i, (item, name))| BilledItem {
            item,
            product_name: name,
            param: format!("items[{i}]"),
        })
        .collect();
    let period = Period { start, end };
    let (lines, amounts) = subscription_lines(&subscription.id, &billed, false, period, || {
        tender_wire::id::generate("il")
    })?;
    let mut invoice = Invoice::draft(
        NewInvoice {
            id: new_id::<Invoice>(),
            customer: subscription.customer.clone(),
            customer_email: None,
            customer_name: None,
            currency: subscription.currency.clone(),
            billing_reason: BillingReason::SubscriptionCycle,
            collection_method: subscription.collection_method.clone(),
            days_until_due: subscription.days_until_due,
            subscription: Some(subscription.id.clone()),
            description: None,
            metadata: Metadata::new(),
            // A renewal invoice covers the period that just ended, as on Stripe; its lines
            // the period billed.
            period: Period {
                start: subscription.current_period_start,
                end: start,
            },
            lines,
            amounts,
        },
        ctx.now,
    );
    invoice.test_clock = subscription.test_clock.clone();
    Ok(invoice)
}
