//! `/v1/subscriptions`: create (with the first invoice and its payment, see
//! `services::billing::create`), retrieve, update, cancel (`DELETE`) and list.

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use tender_core::billing::create::SubscriptionCreate;
use tender_core::billing::subscription::Subscription;
use tender_core::billing::subscription_status::{
    StatusFilter, SubscriptionStatus, check_cancelable,
};
use tender_core::billing::update::SubscriptionUpdate;
use tender_core::event_kind::EventKind;
use tender_store::{BodyFilter, TagFilter};
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::render::{self, expanded_effect};
use crate::resources::{Resource, to_value};
use crate::services::billing::create::create_subscription;
use crate::services::billing::update::update_subscription;
use crate::services::list::list;
use crate::services::test_clocks::at_subscription_time;
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/subscriptions", post(create).get(list_subscriptions))
        .route(
            "/v1/subscriptions/{id}",
            get(retrieve).post(update).delete(cancel),
        )
}

struct Create {
    create: SubscriptionCreate,
    expand: Expand,
}

impl Command for Create {
    type Path = ();
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, _: (), ctx: &Ctx) -> Result<Self, ApiError> {
        let create = Create {
            create: SubscriptionCreate::take(&mut p, ctx.now)?,
            expand: Expand::parse(&p.expand()?)?,
        };
        p.finish()?;
        Ok(create)
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        create_subscription(ctx, &self.create, &self.expand).await
    }
}

struct Update {
    id: String,
    update: SubscriptionUpdate,
    expand: Expand,
}

impl Command for Update {
    type Path = String;
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let update = Update {
            id,
            update: SubscriptionUpdate::take(&mut p)?,
            expand: Expand::parse(&p.expand()?)?,
        };
        p.finish()?;
        Ok(update)
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        update_subscription(ctx, &self.id, &self.update, &self.expand).await
    }
}

/// `DELETE /v1/subscriptions/:id`: ends the subscription now. `invoice_now` and `prorate`
/// are accepted and bill nothing (no prorations, see docs/COMPATIBILITY.md).
struct Cancel {
    id: String,
    comment: Option<String>,
    feedback: Option<String>,
    expand: Expand,
}

const FEEDBACK: &[&str] = &[
    "customer_service",
    "low_quality",
    "missing_features",
    "other",
    "switched_service",
    "too_complex",
    "too_expensive",
    "unused",
];

impl Command for Cancel {
    type Path = String;
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let (comment, feedback) = match p.object("cancellation_details")? {
            Some(mut details) => {
                let comment = details.string("comment")?;
                let feedback = details.enumeration("feedback", FEEDBACK)?;
                details.finish()?;
                (comment, feedback)
            }
            None => (None, None),
        };
        p.boolean("invoice_now")?;
        p.boolean("prorate")?;
        let cancel = Cancel {
            id,
            comment,
            feedback,
            expand: Expand::parse(&p.expand()?)?,
        };
        p.finish()?;
        Ok(cancel)
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut loaded = ctx
            .load::<Subscription>(&self.id, IdIn::Url("subscription"))
            .await?;
        check_cancelable(loaded.object.status, &self.id)?;
        loaded.object.end(
            SubscriptionStatus::Canceled,
            Some("cancellation_requested"),
            ctx.now,
        );
        loaded.object.cancellation_details.comment = self.comment.clone();
        loaded.object.cancellation_details.feedback = self.feedback.clone();
        let value = to_value(&loaded.object)?;
        let writes = vec![
            loaded.update(ctx.account_id())?,
            ctx.event(EventKind::CustomerSubscriptionDeleted, value.clone(), None)?,
        ];
        expanded_effect(ctx, value, &self.expand, writes).await
    }
}

async fn create(api: Api) -> Reply {
    mutate::<Create>(api.into(), ()).await
}

async fn update(Path(id): Path<String>, mut api: Api) -> Reply {
    if let Err(error) = at_subscription_time(&mut api.ctx, &id).await {
        return Reply::error(&error);
    }
    mutate::<Update>(api.into(), id).await
}

async fn cancel(Path(id): Path<String>, mut api: Api) -> Reply {
    if let Err(error) = at_subscription_time(&mut api.ctx, &id).await {
        return Reply::error(&error);
    }
    mutate::<Cancel>(api.into(), id).await
}

async fn retrieve(Path(id): Path<String>, api: Api) -> Reply {
    render::retrieve(&api.ctx, api.params, Subscription::OBJECT, &id)
        .await
        .into()
}

async fn list_subscriptions(api: Api) -> Reply {
    list(
        &api.ctx,
        api.params,
        Subscription::OBJECT,
        "/v1/subscriptions",
        |p, query| {
            query.customer = p.string("customer")?;
            // Subscriptions on a test clock are listed only for their clock or customer, as
            // on Stripe.
            let clock = p.string("test_clock")?;
            if clock.is_some() || query.customer.is_none() {
                query
                    .body
                    .push(BodyFilter::equals("test_clock", &clock.into()));
            }
            let status = p.string("status")?;
            let filter = StatusFilter::parse(status.as_deref()).ok_or_else(|| {
                ApiError::invalid_request(format!(
                    "Invalid status: must be one of active, all, canceled, ended, incomplete, \
                     incomplete_expired, past_due, paused, trialing or unpaid; got {}.",
                    status.unwrap_or_default()
                ))
                .with_param("status")
            })?;
            if filter != StatusFilter::All {
                let statuses = SubscriptionStatus::ALL
                    .into_iter()
                    .filter(|s| filter.matches(*s))
                    .map(|s| s.as_str().to_owned())
                    .collect();
                query.tag = Some(TagFilter::AnyOf(statuses));
            }
            if let Some(method) = p.enumeration(
                "collection_method",
                &["charge_automatically", "send_invoice"],
            )? {
                query
                    .body
                    .push(BodyFilter::equals("collection_method", &method.into()));
            }
            Ok(())
        },
    )
    .await
    .into()
}
