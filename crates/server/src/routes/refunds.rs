//! `/v1/refunds` (spec §7.2): refunding a charge, named directly or through its
//! PaymentIntent.
//!
//! A refund writes, in one unit of work: the refund, the charge's new `amount_refunded` /
//! `refunded` (guarded by the charge's version, so two concurrent refunds can never refund more
//! than was captured), `refund.created` and `charge.refunded`.

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::Value;
use serde_json::value::RawValue;
use tender_core::charge::Charge;
use tender_core::event::previous_attributes;
use tender_core::event_kind::EventKind;
use tender_core::refund::{Refund, RefundCreate, RefundUpdate};
use tender_core::refund_later;
use tender_store::Write;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::render::expand;
use crate::resources::{Loaded, Resource, insert, new_id, to_json, to_value};
use crate::services::list::list;
use crate::services::settle_later;
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/refunds", post(create).get(list_refunds))
        .route("/v1/refunds/{id}", get(retrieve).post(update))
        .route("/v1/refunds/{id}/cancel", post(cancel))
}

/// What a refund request names.
enum Target {
    Charge(String),
    PaymentIntent(String),
}

pub(crate) struct Create {
    target: Target,
    create: RefundCreate,
    expand: Expand,
}

impl Command for Create {
    type Path = ();
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, _: (), _: &Ctx) -> Result<Self, ApiError> {
        let target = match (p.string("charge")?, p.string("payment_intent")?) {
            (Some(charge), None) => Target::Charge(charge),
            (None, Some(intent)) => Target::PaymentIntent(intent),
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid_request(
                    "You may only specify one of these parameters: charge, payment_intent.",
                )
                .with_param("payment_intent"));
            }
            (None, None) => {
                return Err(ApiError::invalid_request(
                    "One of the following params should be provided for this request: \
                     payment_intent or charge.",
                )
                .with_param("charge")
                .with_code("parameter_missing"));
            }
        };
        let create = RefundCreate::take(&mut p)?;
        let expand = Expand::parse(&p.expand()?)?;
        p.finish()?;
        Ok(Create {
            target,
            create,
            expand,
        })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut charge = match &self.target {
            Target::Charge(id) => ctx.load::<Charge>(id, IdIn::Param("charge")).await?,
            Target::PaymentIntent(id) => charge_of_intent(ctx, id).await?,
        };
        let before = to_value(&charge.object)?;
        let mut refund = Refund::create(
            new_id::<Refund>(),
            &mut charge.object,
            &self.create,
            ctx.now,
        )?;
        // The test cards whose refunds end later: pending now, or failing later.
        let later = refund_later::refund_behavior(&charge.object, &ctx.fingerprint_key());
        if let Some(behavior) = later {
            refund_later::start(&mut refund, behavior);
        }
        let after = to_value(&charge.object)?;
        let mut value = to_value(&refund)?;
        let mut writes = vec![
            insert(ctx.account_id(), &refund)?,
            charge.update(ctx.account_id())?,
            ctx.event(EventKind::RefundCreated, value.clone(), None)?,
            ctx.event(
                EventKind::ChargeRefunded,
                after.clone(),
                previous_attributes(&before, &after),
            )?,
        ];
        if later.is_some() {
            let customer = charge.object.customer.as_deref();
            settle_later::schedule_refund(ctx, &refund.id, customer, &mut writes).await?;
        }
        expand(ctx, &mut value, &self.expand, &writes).await?;
        Ok(Effect::ok(value, writes))
    }
}

/// The charge a refund of PaymentIntent `id` refunds: its `latest_charge`, if that succeeded.
/// Read from the intent's stored JSON so that refunds only depend on the wire shape.
async fn charge_of_intent(ctx: &Ctx, id: &str) -> Result<Loaded<Charge>, ApiError> {
    let record = match ctx.find(id).await? {
        Some(record) if record.kind == "payment_intent" => record,
        _ => {
            return Err(ApiError::resource_missing(
                "payment_intent",
                id,
                IdIn::Param("payment_intent"),
            ));
        }
    };
    let intent: Value = serde_json::from_str(&record.body).map_err(|error| {
        tracing::error!(%id, %error, "stored payment intent does not parse");
        ApiError::internal()
    })?;
    let latest = match &intent["latest_charge"] {
        Value::String(charge) => Some(charge.as_str()),
        Value::Object(charge) => charge.get("id").and_then(Value::as_str),
        _ => None,
    };
    let no_charge = || {
        ApiError::invalid_request("This PaymentIntent does not have a successful charge to refund.")
    };
    let Some(latest) = latest else {
        return Err(no_charge());
    };
    match ctx.find(latest).await? {
        Some(record) if record.kind == Charge::OBJECT => {
            let charge = Loaded::<Charge>::from_record(&record)?;
            if charge.object.succeeded() {
                Ok(charge)
            } else {
                Err(no_charge())
            }
        }
        _ => Err(no_charge()),
    }
}

struct Update {
    id: String,
    update: RefundUpdate,
    expand: Expand,
}

impl Command for Update {
    type Path = String;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let update = RefundUpdate::take(&mut p)?;
        let expand = Expand::parse(&p.expand()?)?;
        p.finish()?;
        Ok(Update { id, update, expand })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut loaded = ctx.load::<Refund>(&self.id, IdIn::Url("id")).await?;
        let previous = self.update.apply(&mut loaded.object)?;
        let mut writes = Vec::new();
        if let Some(previous) = previous {
            writes.push(loaded.update(ctx.account_id())?);
            writes.push(ctx.event(
                EventKind::RefundUpdated,
                to_value(&loaded.object)?,
                Some(previous),
            )?);
        }
        respond(ctx, &loaded.object, &self.expand, writes).await
    }
}

struct Cancel {
    id: String,
    expand: Expand,
}

impl Command for Cancel {
    type Path = String;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let expand = Expand::parse(&p.expand()?)?;
        p.finish()?;
        Ok(Cancel { id, expand })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut loaded = ctx.load::<Refund>(&self.id, IdIn::Url("id")).await?;
        let before = to_value(&loaded.object)?;
        loaded.object.cancel()?;
        let after = to_value(&loaded.object)?;
        let previous = previous_attributes(&before, &after);
        let writes = vec![
            loaded.update(ctx.account_id())?,
            ctx.event(EventKind::RefundUpdated, after, previous)?,
        ];
        respond(ctx, &loaded.object, &self.expand, writes).await
    }
}

async fn respond(
    ctx: &Ctx,
    refund: &Refund,
    paths: &Expand,
    writes: Vec<Write>,
) -> Result<Effect, ApiError> {
    let mut value = to_value(refund)?;
    expand(ctx, &mut value, paths, &writes).await?;
    Ok(Effect::ok(value, writes))
}

async fn create(api: Api) -> Reply {
    mutate::<Create>(api.into(), ()).await
}

async fn update(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Update>(api.into(), id).await
}

async fn cancel(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Cancel>(api.into(), id).await
}

async fn retrieve(Path(id): Path<String>, api: Api) -> Reply {
    retrieve_refund(&api.ctx, api.params, &id).await.into()
}

async fn retrieve_refund(ctx: &Ctx, mut p: Params, id: &str) -> Result<Box<RawValue>, ApiError> {
    let paths = Expand::parse(&p.expand()?)?;
    p.finish()?;
    if paths.is_empty() {
        return ctx.load_stored::<Refund>(id, IdIn::Url("id")).await;
    }
    let refund = ctx.load::<Refund>(id, IdIn::Url("id")).await?.object;
    let mut value = to_value(&refund)?;
    expand(ctx, &mut value, &paths, &[]).await?;
    to_json(&value)
}

async fn list_refunds(api: Api) -> Reply {
    list(&api.ctx, api.params, "refund", "/v1/refunds", |p, query| {
        query.charge = p.string("charge")?;
        query.payment_intent = p.string("payment_intent")?;
        Ok(())
    })
    .await
    .into()
}
