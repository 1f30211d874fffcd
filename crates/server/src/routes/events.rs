//! `/v1/events`: what happened, newest first (spec §9.1); `POST /v1/events/:id/retry` sends
//! one again (`stripe events resend`, `tender events resend`; decision 0020).

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::Value;
use tender_core::event::Event;
use tender_core::webhook_endpoint::resend_targets;
use tender_store::TagFilter;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, Path, Reply};
use crate::render::expand;
use crate::resources::to_value;
use crate::services::list::list_rendered;
use crate::state::AppState;
use crate::webhooks::outbox::{endpoints, resend};

/// Most `types[]` values one list may ask for, as on Stripe.
const MAX_TYPES: usize = 20;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/events", get(list_events))
        .route("/v1/events/{id}", get(retrieve_event))
        .route("/v1/events/{id}/retry", post(retry_event))
}

async fn retry_event(Path(id): Path<String>, api: Api) -> Reply {
    retry(&api.ctx, api.params, &id).await.into()
}

/// Schedules a new delivery of the event to `webhook_endpoint`, or to every enabled endpoint
/// subscribed to its type; answers the event. Each call schedules anew (as on Stripe, a
/// resend is not a state to reach), so it is not saved under an idempotency key.
pub(crate) async fn retry(ctx: &Ctx, mut params: Params, id: &str) -> Result<Value, ApiError> {
    let named = params.string("webhook_endpoint")?;
    // What the Stripe CLI sends without --webhook-endpoint ("to the CLI"): here every
    // subscribed endpoint, `tender listen`'s included.
    params.boolean("for_stripecli")?;
    params.finish()?;
    let event = ctx.load::<Event>(id, IdIn::Url("id")).await?.object;
    let endpoints = endpoints(ctx).await?;
    let targets = resend_targets(&endpoints, &event.kind, named.as_deref()).ok_or_else(|| {
        ApiError::invalid_request(format!(
            "No such webhook endpoint: '{}'",
            named.as_deref().unwrap_or_default()
        ))
        .with_param("webhook_endpoint")
    })?;
    if targets.is_empty() {
        return Err(ApiError::invalid_request(format!(
            "No enabled webhook endpoint is subscribed to {}: name one with webhook_endpoint.",
            event.kind
        ))
        .with_param("webhook_endpoint"));
    }
    resend(ctx, &event.id, &targets).await?;
    let mut value = to_value(&event)?;
    with_pending_webhooks(ctx, std::slice::from_mut(&mut value)).await?;
    Ok(value)
}

async fn retrieve_event(Path(id): Path<String>, api: Api) -> Reply {
    retrieve(&api.ctx, api.params, &id).await.into()
}

async fn retrieve(ctx: &Ctx, mut params: Params, id: &str) -> Result<Value, ApiError> {
    let paths = Expand::parse(&params.expand()?)?;
    params.finish()?;
    let event = ctx.load::<Event>(id, IdIn::Url("id")).await?.object;
    let mut value = to_value(&event)?;
    expand(ctx, &mut value, &paths, &[]).await?;
    with_pending_webhooks(ctx, std::slice::from_mut(&mut value)).await?;
    Ok(value)
}

/// Sets each event's `pending_webhooks` to the endpoints that have not yet acknowledged it
/// (the stored value is the count at creation).
async fn with_pending_webhooks(ctx: &Ctx, events: &mut [Value]) -> Result<(), ApiError> {
    let ids: Vec<String> = events
        .iter()
        .filter_map(|e| e["id"].as_str().map(str::to_owned))
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let pending = ctx
        .store()
        .pending_webhooks(ctx.account_id(), &ids)
        .await
        .map_err(crate::store_error)?;
    for event in events.iter_mut() {
        let count = pending
            .iter()
            .find(|(id, _)| event["id"].as_str() == Some(id.as_str()))
            .map_or(0, |(_, count)| *count);
        event["pending_webhooks"] = Value::from(count);
    }
    Ok(())
}

async fn list_events(api: Api) -> Reply {
    list_with_pending(&api.ctx, api.params).await.into()
}

async fn list_with_pending(ctx: &Ctx, params: Params) -> Result<Value, ApiError> {
    // Each item's `pending_webhooks` is filled in below, so the page is built as values.
    let mut page = list_rendered(
        ctx,
        params,
        "event",
        "/v1/events",
        |p, query| {
            let kind = p.string("type")?;
            let types = p.string_list("types")?;
            p.ignore(&["delivery_success"]);
            query.tag = match (kind, types) {
                (Some(_), Some(_)) => {
                    return Err(ApiError::invalid_request(
                        "You may only specify one of these parameters: type, types.",
                    )
                    .with_param("types"));
                }
                (Some(kind), None) => Some(match kind.strip_suffix('*') {
                    Some(prefix) => TagFilter::Prefix(prefix.to_owned()),
                    None => TagFilter::Exact(kind),
                }),
                (None, Some(types)) if types.len() > MAX_TYPES => {
                    return Err(ApiError::invalid_request(format!(
                        "You may pass at most {MAX_TYPES} values in types."
                    ))
                    .with_param("types"));
                }
                (None, Some(types)) => Some(TagFilter::AnyOf(types)),
                (None, None) => None,
            };
            Ok(())
        },
        Ok,
    )
    .await?;
    if let Some(items) = page["data"].as_array_mut() {
        with_pending_webhooks(ctx, items).await?;
    }
    Ok(page)
}
