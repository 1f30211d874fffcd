//! `/v1/charges` (spec §7.1): reading and annotating the charges PaymentIntents make.
//!
//! Charges are created only by confirming PaymentIntents; the legacy `POST /v1/charges` answers
//! with an error that says so.

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::Value;
use serde_json::value::RawValue;
use tender_core::charge::{Charge, ChargeUpdate};
use tender_core::event_kind::EventKind;
use tender_core::refund::Refund;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::render::expand;
use crate::resources::{to_json, to_value};
use crate::services::customers::load_customer;
use crate::services::list::list;
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/charges", post(create).get(list_charges))
        .route("/v1/charges/{id}", get(retrieve).post(update))
        .route("/v1/charges/{id}/refunds", get(list_charge_refunds))
        .route(
            "/v1/charges/{charge}/refunds/{id}",
            get(retrieve_charge_refund),
        )
}

/// The legacy Charges API creates charges from sources and tokens without an intent; Tender
/// implements payments through PaymentIntents only, so it refuses with directions.
async fn create(_: Api) -> Reply {
    Reply::error(&ApiError::invalid_request(
        "Tender does not support creating charges directly with the legacy Charges API. Create \
         and confirm a PaymentIntent instead (POST /v1/payment_intents with confirm=true); it \
         creates the charge. See https://docs.stripe.com/payments/payment-intents/migration/charges.",
    ))
}

struct Update {
    id: String,
    update: ChargeUpdate,
    expand: Expand,
}

impl Command for Update {
    type Path = String;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let update = ChargeUpdate::take(&mut p)?;
        let expand = Expand::parse(&p.expand()?)?;
        p.finish()?;
        Ok(Update { id, update, expand })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut loaded = ctx.load::<Charge>(&self.id, IdIn::Url("id")).await?;
        if let Some(customer) = &self.update.customer
            && loaded.object.customer.is_none()
        {
            load_customer(ctx, customer, IdIn::Param("customer")).await?;
        }
        let previous = self.update.apply(&mut loaded.object)?;
        let mut value = to_value(&loaded.object)?;
        let mut writes = Vec::new();
        if let Some(previous) = previous {
            writes.push(loaded.update(ctx.account_id())?);
            writes.push(ctx.event(EventKind::ChargeUpdated, value.clone(), Some(previous))?);
        }
        expand(ctx, &mut value, &self.expand, &writes).await?;
        Ok(Effect::ok(value, writes))
    }
}

async fn update(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Update>(api.into(), id).await
}

async fn retrieve(Path(id): Path<String>, api: Api) -> Reply {
    retrieve_charge(&api.ctx, api.params, &id).await.into()
}

async fn retrieve_charge(ctx: &Ctx, mut p: Params, id: &str) -> Result<Box<RawValue>, ApiError> {
    let paths = Expand::parse(&p.expand()?)?;
    p.finish()?;
    if paths.is_empty() {
        return ctx.load_stored::<Charge>(id, IdIn::Url("id")).await;
    }
    let charge = ctx.load::<Charge>(id, IdIn::Url("id")).await?.object;
    let mut value = to_value(&charge)?;
    expand(ctx, &mut value, &paths, &[]).await?;
    to_json(&value)
}

async fn list_charges(api: Api) -> Reply {
    list(&api.ctx, api.params, "charge", "/v1/charges", |p, query| {
        query.customer = p.string("customer")?;
        query.payment_intent = p.string("payment_intent")?;
        // Transfers are not simulated: no charge has a transfer group to match.
        p.ignore(&["transfer_group"]);
        Ok(())
    })
    .await
    .into()
}

/// `GET /v1/charges/:id/refunds`: the refunds of one charge, newest first.
async fn list_charge_refunds(Path(charge): Path<String>, api: Api) -> Reply {
    let ctx = &api.ctx;
    if let Err(error) = ctx.load::<Charge>(&charge, IdIn::Url("charge")).await {
        return Reply::error(&error);
    }
    let url = format!("/v1/charges/{charge}/refunds");
    list(ctx, api.params, "refund", &url, |_, query| {
        query.charge = Some(charge.clone());
        Ok(())
    })
    .await
    .into()
}

/// `GET /v1/charges/:charge/refunds/:id`: a refund, only if it belongs to that charge.
async fn retrieve_charge_refund(Path((charge, id)): Path<(String, String)>, api: Api) -> Reply {
    retrieve_refund_of(&api.ctx, api.params, &charge, &id)
        .await
        .into()
}

async fn retrieve_refund_of(
    ctx: &Ctx,
    mut p: Params,
    charge: &str,
    id: &str,
) -> Result<Value, ApiError> {
    let paths = Expand::parse(&p.expand()?)?;
    p.finish()?;
    ctx.load::<Charge>(charge, IdIn::Url("charge")).await?;
    let refund = ctx.load::<Refund>(id, IdIn::Url("id")).await?.object;
    if refund.charge.as_deref() != Some(charge) {
        return Err(ApiError::resource_missing("refund", id, IdIn::Url("id")));
    }
    let mut value = to_value(&refund)?;
    expand(ctx, &mut value, &paths, &[]).await?;
    Ok(value)
}
