//! Test clocks as the rest of Tender sees them: which customers a clock holds (at most three,
//! each in a slot record so that two concurrent attachments cannot both take the last one),
//! the time an object bound to a clock lives at, and the end of an advance (run by the
//! scheduler once every job due by the target has run).

use serde::{Deserialize, Serialize};
use tender_core::Timestamp;
use tender_core::billing::subscription::Subscription;
use tender_core::billing::subscription_status::is_ended;
use tender_core::customer::Customer;
use tender_core::event_kind::EventKind;
use tender_core::price::Interval;
use tender_core::test_clock::{MAX_CUSTOMERS, TestClock, shorter, too_many_customers};
use tender_store::{BodyFilter, ListQuery, Record, Write};
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::pipeline::{Command, Effect, run_internal};
use crate::resources::{Loaded, Resource, insert, to_json};
use crate::services::list::every;

/// One of a clock's customer places: its id names the clock and the place, so the store
/// refuses a second customer in the same place. Never rendered.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClockSlot {
    pub id: String,
    pub customer: String,
    pub created: Timestamp,
}

/// Binds `customer` to `clock` in `writes`, in the clock's first free place; refuses a fourth
/// customer as Stripe does.
pub async fn attach_customer(
    ctx: &Ctx,
    clock: &str,
    customer: &str,
    writes: &mut Vec<Write>,
) -> Result<(), ApiError> {
    for place in 1..=MAX_CUSTOMERS {
        let id = format!("clockslot_{}_{place}", clock.trim_start_matches("clock_"));
        if ctx.find(&id).await?.is_none() {
            let slot = ClockSlot {
                id,
                customer: customer.to_owned(),
                created: ctx.now,
            };
            writes.push(insert(ctx.account_id(), &slot)?);
            return Ok(());
        }
    }
    Err(too_many_customers(clock))
}

/// Loads clock `id`, named by the parameter `param`; a deleted clock is missing.
pub async fn load_clock(
    ctx: &Ctx,
    id: &str,
    named: IdIn<'_>,
) -> Result<Loaded<TestClock>, ApiError> {
    match ctx.find(id).await? {
        Some(record) if record.kind == TestClock::OBJECT && !record.deleted => {
            Loaded::from_record(&record)
        }
        _ => Err(ApiError::resource_missing("test_clock", id, named)),
    }
}

/// The time objects of `customer` live at: its clock's frozen time, or the request's.
pub async fn customer_now(ctx: &Ctx, customer: &Customer) -> Result<Timestamp, ApiError> {
    match &customer.test_clock {
        Some(clock) => Ok(load_clock(ctx, clock, IdIn::Param("customer"))
            .await?
            .object
            .frozen_time),
        None => Ok(ctx.now),
    }
}

/// Moves `ctx` to the time of subscription `id`'s test clock, if it is bound to one: an update
/// or a cancellation of it happens at the clock's time (prorations, `canceled_at`). An unknown
/// id is left for the command to refuse.
pub async fn at_subscription_time(ctx: &mut Ctx, id: &str) -> Result<(), ApiError> {
    let Some(record) = ctx.find(id).await? else {
        return Ok(());
    };
    if record.kind != Subscription::OBJECT {
        return Ok(());
    }
    let subscription = Loaded::<Subscription>::from_record(&record)?.object;
    if let Some(clock) = &subscription.test_clock
        && let Ok(clock) = load_clock(ctx, clock, IdIn::Url("id")).await
    {
        ctx.now = clock.object.frozen_time;
    }
    Ok(())
}

/// The records of kind `R` bound to `clock` (their `test_clock`), deleted ones aside.
pub async fn bound_to<R: Resource>(ctx: &Ctx, clock: &str) -> Result<Vec<Record>, ApiError> {
    let query = ListQuery {
        account: ctx.account_id().to_owned(),
        kind: R::OBJECT.to_owned(),
        body: vec![BodyFilter::equals("test_clock", &clock.into())],
        ..ListQuery::default()
    };
    every(ctx.store(), query, 100).await
}

/// The interval of the shortest live subscription on `clock`, if it has any.
pub async fn shortest_interval(
    ctx: &Ctx,
    clock: &str,
) -> Result<Option<(Interval, i64)>, ApiError> {
    let mut shortest: Option<(Interval, i64)> = None;
    for record in bound_to::<Subscription>(ctx, clock).await? {
        let subscription = Loaded::<Subscription>::from_record(&record)?.object;
        if is_ended(subscription.status) {
            continue;
        }
        for item in &subscription.items.data {
            if let Some(recurring) = item.recurring() {
                let interval = (recurring.interval, recurring.interval_count);
                shortest = Some(shortest.map_or(interval, |s| shorter(s, interval)));
            }
        }
    }
    Ok(shortest)
}

/// Ends clock `id`'s advance, if one is in progress: it shows its target time and is
/// `ready` (`test_helpers.test_clock.ready`). A failure is logged; the next scheduler run
/// tries again.
pub async fn finish_advance(ctx: &Ctx, id: &str) {
    let reply = run_internal::<FinishAdvance>(ctx, id.to_owned()).await;
    if reply.status >= 400 {
        tracing::warn!(clock = id, status = reply.status, body = %reply.body, "cannot finish advancing a test clock");
    }
}

struct FinishAdvance {
    id: String,
}

impl Command for FinishAdvance {
    type Path = String;
    const WRITES_EVENTS: bool = true;

    fn parse(params: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        params.finish()?;
        Ok(FinishAdvance { id })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut clock = load_clock(ctx, &self.id, IdIn::Url("id")).await?;
        if !clock.object.finish_advance() {
            return Ok(Effect::ok_json("{}".to_owned(), Vec::new()));
        }
        let json = to_json(&clock.object)?;
        let writes = vec![
            clock.update_json(ctx.account_id(), &json),
            ctx.event_json(EventKind::TestClockReady, json, None)?,
        ];
        Ok(Effect::ok_json("{}".to_owned(), writes))
    }
}
