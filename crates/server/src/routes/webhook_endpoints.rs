//! `/v1/webhook_endpoints` (spec §9.3). The signing secret is shown once, on create.

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::{Value, json};
use tender_core::webhook_endpoint::{StoredWebhookEndpoint, WebhookEndpointChanges};
use tender_wire::expand::Expand;
use tender_wire::id::random_base62;
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::resources::{Loaded, Resource, insert, new_id, to_value};
use crate::services::list::list_rendered;
use crate::state::AppState;
use crate::webhooks::outbox::{MAX_ENDPOINTS, endpoints};

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/webhook_endpoints", post(create).get(list_endpoints))
        .route(
            "/v1/webhook_endpoints/{id}",
            get(retrieve).post(update).delete(delete),
        )
}

/// A live endpoint of this account, or `resource_missing`.
async fn load_endpoint(ctx: &Ctx, id: &str) -> Result<Loaded<StoredWebhookEndpoint>, ApiError> {
    match ctx.find(id).await? {
        Some(record) if record.kind == StoredWebhookEndpoint::OBJECT && !record.deleted => {
            Loaded::from_record(&record)
        }
        _ => Err(ApiError::resource_missing(
            "webhook_endpoint",
            id,
            IdIn::Url("id"),
        )),
    }
}

pub(crate) struct Create {
    changes: WebhookEndpointChanges,
}

impl Command for Create {
    type Path = ();

    fn parse(mut p: Params, _: (), _: &Ctx) -> Result<Self, ApiError> {
        let changes = WebhookEndpointChanges::take_create(&mut p)?;
        Expand::parse(&p.expand()?)?;
        p.finish()?;
        Ok(Create { changes })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        if endpoints(ctx).await?.len() >= MAX_ENDPOINTS {
            return Err(ApiError::invalid_request(format!(
                "You have reached the maximum of {MAX_ENDPOINTS} test webhook endpoints."
            )));
        }
        let secret = format!("whsec_{}", random_base62(32));
        let stored = self.changes.clone().create(
            new_id::<StoredWebhookEndpoint>(),
            secret.clone(),
            ctx.now,
        )?;
        let mut shown = stored.endpoint.clone();
        shown.secret = Some(secret);
        Ok(Effect::ok(
            to_value(&shown)?,
            vec![insert(ctx.account_id(), &stored)?],
        ))
    }
}

pub(crate) struct Update {
    id: String,
    changes: WebhookEndpointChanges,
}

impl Command for Update {
    type Path = String;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let changes = WebhookEndpointChanges::take_update(&mut p)?;
        Expand::parse(&p.expand()?)?;
        p.finish()?;
        Ok(Update { id, changes })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut loaded = load_endpoint(ctx, &self.id).await?;
        self.changes.clone().apply(&mut loaded.object.endpoint)?;
        let body = to_value(&loaded.object.endpoint)?;
        Ok(Effect::ok(body, vec![loaded.update(ctx.account_id())?]))
    }
}

pub(crate) struct Delete {
    id: String,
}

impl Command for Delete {
    type Path = String;

    fn parse(p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        p.finish()?;
        Ok(Delete { id })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let loaded = load_endpoint(ctx, &self.id).await?;
        let mut write = loaded.update(ctx.account_id())?;
        write.record.deleted = true;
        let body = json!({"id": self.id, "object": "webhook_endpoint", "deleted": true});
        Ok(Effect::ok(body, vec![write]))
    }
}

async fn create(api: Api) -> Reply {
    mutate::<Create>(api.into(), ()).await
}

async fn update(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Update>(api.into(), id).await
}

async fn delete(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Delete>(api.into(), id).await
}

async fn retrieve(Path(id): Path<String>, api: Api) -> Reply {
    retrieve_endpoint(&api.ctx, api.params, &id).await.into()
}

async fn retrieve_endpoint(ctx: &Ctx, mut p: Params, id: &str) -> Result<Value, ApiError> {
    Expand::parse(&p.expand()?)?;
    p.finish()?;
    to_value(&load_endpoint(ctx, id).await?.object.endpoint)
}

/// The stored wrapper rendered without its secret.
fn shown(stored: Value) -> Result<Value, ApiError> {
    Ok(stored.get("endpoint").cloned().unwrap_or(Value::Null))
}

async fn list_endpoints(api: Api) -> Reply {
    list_rendered(
        &api.ctx,
        api.params,
        StoredWebhookEndpoint::OBJECT,
        "/v1/webhook_endpoints",
        |_, _| Ok(()),
        shown,
    )
    .await
    .into()
}
