//! Payments and refunds that settle later (issue #24, decision 23): scheduling their later
//! step in the unit of work that makes it due, and the steps the scheduler runs
//! (`JobAction::SettlePayment`, `JobAction::SettleRefund`).
//!
//! A step decides from the subject's current state (core's `settle_debit`, `refund_later`),
//! so a job that runs twice, or finds its subject moved on, does nothing.

use tender_core::Timestamp;
use tender_core::charge::Charge;
use tender_core::customer::Customer;
use tender_core::debit::Timing;
use tender_core::event_kind::EventKind;
use tender_core::payment_intent::PaymentIntent;
use tender_core::payment_method::PaymentMethod;
use tender_core::refund::Refund;
use tender_core::refund_later;
use tender_core::schedule::{JobAction, ScheduledJob};
use tender_store::Write;
use tender_wire::ApiError;
use tender_wire::expand::Expand;

use crate::ctx::Ctx;
use crate::pipeline::Effect;
use crate::resources::{Loaded, Resource, to_json};
use crate::scheduler::{self, Step};
use crate::services::confirmation::{Base, apply_transition};
use crate::services::test_clocks::customer_now;

/// The clock the objects of `customer` follow: its test clock's time and id, or the
/// request's time on the wall clock.
async fn clock_of(
    ctx: &Ctx,
    customer: Option<&str>,
) -> Result<(Timestamp, Option<String>), ApiError> {
    let Some(id) = customer else {
        return Ok((ctx.now, None));
    };
    let customer = match ctx.find(id).await? {
        Some(record) if record.kind == Customer::OBJECT && !record.deleted => {
            Loaded::<Customer>::from_record(&record)?.object
        }
        _ => return Ok((ctx.now, None)),
    };
    let now = customer_now(ctx, &customer).await?;
    Ok((now, customer.test_clock))
}

/// Schedules the bank's answer to PaymentIntent `intent`'s debit, submitted by this unit of
/// work.
pub async fn schedule_payment(
    ctx: &Ctx,
    intent: &str,
    customer: Option<&str>,
    timing: Timing,
    writes: &mut Vec<Write>,
) -> Result<(), ApiError> {
    let (now, clock) = clock_of(ctx, customer).await?;
    let due = now + ctx.state.settle.debit_delay(timing);
    let job = ScheduledJob::new(JobAction::SettlePayment, intent, due, clock);
    scheduler::schedule(ctx, writes, job).await
}

/// Schedules the later outcome of refund `refund`, made by this unit of work.
pub async fn schedule_refund(
    ctx: &Ctx,
    refund: &str,
    customer: Option<&str>,
    writes: &mut Vec<Write>,
) -> Result<(), ApiError> {
    let (now, clock) = clock_of(ctx, customer).await?;
    let due = now + ctx.state.settle.refund_delay();
    let job = ScheduledJob::new(JobAction::SettleRefund, refund, due, clock);
    scheduler::schedule_new(ctx, writes, job)
}

fn nothing() -> Step {
    Step {
        effect: Effect::ok_json("{}".to_owned(), Vec::new()),
        next: None,
    }
}

/// Loads `id` as an `R`, or `None` when it is missing, deleted or of another kind.
async fn load<R: Resource>(ctx: &Ctx, id: &str) -> Result<Option<Loaded<R>>, ApiError> {
    load_any(ctx, id, false).await
}

/// [`load`], also finding a deleted record when `deleted` (a payment method used once without
/// a customer is spent, its record deleted, yet still what the debit was made from).
async fn load_any<R: Resource>(
    ctx: &Ctx,
    id: &str,
    deleted: bool,
) -> Result<Option<Loaded<R>>, ApiError> {
    match ctx.find(id).await? {
        Some(record) if record.kind == R::OBJECT && (deleted || !record.deleted) => {
            Ok(Some(Loaded::from_record(&record)?))
        }
        _ => Ok(None),
    }
}

/// The bank answers PaymentIntent `id`'s debit: `succeeded`, or back to
/// `requires_payment_method`, with its charge, events and (for an invoice's payment) the
/// invoice's settlement.
pub async fn settle_payment(ctx: &Ctx, id: &str) -> Result<Step, ApiError> {
    let Some(intent) = load::<PaymentIntent>(ctx, id).await? else {
        return Ok(nothing());
    };
    let (Some(charge_id), Some(pm_id)) = (
        intent.object.latest_charge.as_deref(),
        intent.object.payment_method.as_deref(),
    ) else {
        return Ok(nothing());
    };
    let (Some(charge), Some(pm)) = (
        load::<Charge>(ctx, charge_id).await?,
        load_any::<PaymentMethod>(ctx, pm_id, true).await?,
    ) else {
        return Ok(nothing());
    };
    let Some(transition) = intent.object.settle_debit(&charge.object, &pm.object) else {
        return Ok(nothing());
    };
    let base = Base {
        intent_version: Some(intent.version),
        charge_version: Some(charge.version),
        prior: Vec::new(),
        mandate_data: None,
    };
    let effect = apply_transition(ctx, transition, base, &Expand::default()).await?;
    Ok(Step { effect, next: None })
}

/// Refund `id`'s later outcome: a pending refund succeeds, or a succeeded one fails and
/// gives its amount back to the charge.
pub async fn settle_refund(ctx: &Ctx, id: &str) -> Result<Step, ApiError> {
    let Some(mut refund) = load::<Refund>(ctx, id).await? else {
        return Ok(nothing());
    };
    let Some(charge_id) = refund.object.charge.clone() else {
        return Ok(nothing());
    };
    let Some(mut charge) = load::<Charge>(ctx, &charge_id).await? else {
        return Ok(nothing());
    };
    let key = ctx.fingerprint_key();
    let Some(behavior) = refund_later::refund_behavior(&charge.object, &key) else {
        return Ok(nothing());
    };
    let Some((next_refund, next_charge, events)) =
        refund_later::later(&refund.object, &charge.object, behavior)
    else {
        return Ok(nothing());
    };
    let before = serde_json::to_value(&refund.object).map_err(|_| ApiError::internal())?;
    let after = serde_json::to_value(&next_refund).map_err(|_| ApiError::internal())?;
    let previous = tender_core::event::previous_attributes(&before, &after);
    let changed_charge = next_charge != charge.object;
    refund.object = next_refund;
    charge.object = next_charge;
    let refund_json = to_json(&refund.object)?;
    let mut writes = vec![refund.update_json(ctx.account_id(), &refund_json)];
    if changed_charge {
        writes.push(charge.update(ctx.account_id())?);
    }
    for kind in events {
        let previous = (kind != EventKind::RefundFailed).then(|| previous.clone());
        writes.push(ctx.event_json(kind, refund_json.clone(), previous.flatten())?);
    }
    Ok(Step {
        effect: Effect::ok_json(refund_json.get().to_owned(), writes),
        next: None,
    })
}
