//! `/v1/test_helpers/test_clocks`: Stripe's test clocks. Creating one, binding customers to it
//! (`POST /v1/customers` with `test_clock`), then advancing it runs, in time order, what falls
//! due for their subscriptions (renewals, retries, trial ends, expiries): the advance answers
//! at once with `status: advancing`, and the scheduler makes the clock `ready` once every
//! step due by the new time has run (`crate::scheduler`).

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use tender_core::billing::subscription::Subscription;
use tender_core::billing::subscription_status::{SubscriptionStatus, is_ended};
use tender_core::customer::Customer;
use tender_core::event_kind::EventKind;
use tender_core::schedule::ScheduledJob;
use tender_core::test_clock::{TestClock, check_advance};
use tender_store::{TagFilter, Write};
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::render;
use crate::resources::{Loaded, insert, job_tag, new_id, record, to_json};
use crate::services::customers::load_customer;
use crate::services::list::list;
use crate::services::test_clocks::{attach_customer, bound_to, load_clock, shortest_interval};
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/v1/test_helpers/test_clocks",
            post(create).get(list_clocks),
        )
        .route(
            "/v1/test_helpers/test_clocks/{id}",
            get(retrieve).delete(delete),
        )
        .route("/v1/test_helpers/test_clocks/{id}/advance", post(advance))
}

struct Create {
    frozen_time: i64,
    name: Option<String>,
    customer: Option<String>,
}

impl Command for Create {
    type Path = ();
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, _: (), _: &Ctx) -> Result<Self, ApiError> {
        let create = Create {
            frozen_time: p.required_integer("frozen_time")?,
            name: p.string("name")?,
            customer: p.string("customer")?,
        };
        p.finish()?;
        if create.frozen_time < 0 {
            return Err(ApiError::invalid_request(
                "`frozen_time` must be a Unix timestamp (seconds, not negative).",
            )
            .with_param("frozen_time"));
        }
        Ok(create)
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let clock = TestClock::new(
            new_id::<TestClock>(),
            self.frozen_time,
            self.name.clone(),
            ctx.now,
        );
        let json = to_json(&clock)?;
        let mut writes = vec![
            insert(ctx.account_id(), &clock)?,
            ctx.event_json(EventKind::TestClockCreated, json.clone(), None)?,
        ];
        if let Some(customer) = &self.customer {
            let mut customer = load_customer(ctx, customer, IdIn::Param("customer")).await?;
            if customer.object.test_clock.is_some() {
                return Err(ApiError::invalid_request(format!(
                    "The customer {} is already attached to a test clock; once attached, a \
                     customer cannot move to another.",
                    customer.object.id
                ))
                .with_param("customer"));
            }
            attach_customer(ctx, &clock.id, &customer.object.id, &mut writes).await?;
            customer.object.test_clock = Some(clock.id.clone());
            writes.push(customer.update(ctx.account_id())?);
        }
        Ok(Effect::ok_json(json.get().to_owned(), writes))
    }
}

pub(crate) struct Advance {
    id: String,
    frozen_time: i64,
}

impl Command for Advance {
    type Path = String;
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let frozen_time = p.required_integer("frozen_time")?;
        p.finish()?;
        Ok(Advance { id, frozen_time })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut clock = load_clock(ctx, &self.id, IdIn::Url("test_clock")).await?;
        let shortest = shortest_interval(ctx, &self.id).await?;
        check_advance(&clock.object, self.frozen_time, shortest)?;
        clock.object.begin_advance(self.frozen_time);
        let json = to_json(&clock.object)?;
        let writes = vec![
            clock.update_json(ctx.account_id(), &json),
            ctx.event_json(EventKind::TestClockAdvancing, json.clone(), None)?,
        ];
        Ok(Effect::ok_json(json.get().to_owned(), writes))
    }
}

/// Deleting a clock deletes its customers and cancels their subscriptions, as on Stripe, and
/// drops its scheduled jobs.
struct Delete {
    id: String,
}

impl Command for Delete {
    type Path = String;
    const WRITES_EVENTS: bool = true;

    fn parse(p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        p.finish()?;
        Ok(Delete { id })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let clock = load_clock(ctx, &self.id, IdIn::Url("test_clock")).await?;
        let mut writes = Vec::new();
        for found in bound_to::<Subscription>(ctx, &self.id).await? {
            let mut subscription = Loaded::<Subscription>::from_record(&found)?;
            if is_ended(subscription.object.status) {
                continue;
            }
            subscription
                .object
                .end(SubscriptionStatus::Canceled, None, ctx.now);
            let json = to_json(&subscription.object)?;
            writes.push(subscription.update_json(ctx.account_id(), &json));
            writes.push(ctx.event_json(EventKind::CustomerSubscriptionDeleted, json, None)?);
        }
        for found in bound_to::<Customer>(ctx, &self.id).await? {
            let customer = Loaded::<Customer>::from_record(&found)?;
            // Stored as `DELETE /v1/customers/:id` leaves it: its deleted form.
            let mut write = deleted(ctx, &customer.object, customer.version)?;
            write.record.body = to_json(&customer.object.deleted())?.get().to_owned();
            writes.push(write);
            let json = to_json(&customer.object)?;
            writes.push(ctx.event_json(EventKind::CustomerDeleted, json, None)?);
        }
        writes.extend(jobs_of(ctx, &self.id).await?);
        let json = to_json(&clock.object)?;
        writes.push(deleted(ctx, &clock.object, clock.version)?);
        writes.push(ctx.event_json(EventKind::TestClockDeleted, json, None)?);
        let answer = serde_json::to_string(&clock.object.deleted()).map_err(|error| {
            tracing::error!(%error, "deleted clock does not serialize");
            ApiError::internal()
        })?;
        Ok(Effect::ok_json(answer, writes))
    }
}

/// The write that deletes `object`, stored at `version`.
fn deleted<R: crate::resources::Resource>(
    ctx: &Ctx,
    object: &R,
    version: i64,
) -> Result<Write, ApiError> {
    Ok(Write {
        record: record(ctx.account_id(), object, version + 1, true)?,
        expected_version: Some(version),
    })
}

/// The writes that drop every job of `clock`.
async fn jobs_of(ctx: &Ctx, clock: &str) -> Result<Vec<Write>, ApiError> {
    let query = tender_store::ListQuery {
        account: ctx.account_id().to_owned(),
        kind: ScheduledJob::OBJECT.to_owned(),
        tag: Some(TagFilter::Exact(job_tag(Some(clock)).to_owned())),
        limit: 1000,
        ..tender_store::ListQuery::default()
    };
    let records = ctx.store().list(&query).await.map_err(crate::store_error)?;
    records
        .iter()
        .map(|found| {
            let job = Loaded::<ScheduledJob>::from_record(found)?;
            deleted(ctx, &job.object, job.version)
        })
        .collect()
}

async fn create(api: Api) -> Reply {
    mutate::<Create>(api.into(), ()).await
}

async fn advance(Path(id): Path<String>, api: Api) -> Reply {
    let state = api.ctx.state.clone();
    let reply = mutate::<Advance>(api.into(), id).await;
    if reply.status == 200 {
        // The scheduler runs the advance now rather than at its next poll.
        state.scheduler.wake.notify_one();
    }
    reply
}

async fn delete(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Delete>(api.into(), id).await
}

async fn retrieve(Path(id): Path<String>, api: Api) -> Reply {
    let ctx = &api.ctx;
    if let Err(error) = load_clock(ctx, &id, IdIn::Url("test_clock")).await {
        return Reply::error(&error);
    }
    render::retrieve(ctx, api.params, TestClock::OBJECT, &id)
        .await
        .into()
}

async fn list_clocks(api: Api) -> Reply {
    list(
        &api.ctx,
        api.params,
        TestClock::OBJECT,
        "/v1/test_helpers/test_clocks",
        |_, _| Ok(()),
    )
    .await
    .into()
}
