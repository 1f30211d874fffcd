//! Writing deliveries with the events that cause them.

use serde_json::Value;
use tender_core::webhook_endpoint::StoredWebhookEndpoint;
use tender_store::{ListQuery, NewDelivery, Write};
use tender_wire::{ApiError, id};

use crate::ctx::Ctx;
use crate::store_error;

/// Most endpoints an account may have (Stripe allows 16).
pub const MAX_ENDPOINTS: usize = 16;

/// The account's endpoints, enabled or not.
pub async fn endpoints(ctx: &Ctx) -> Result<Vec<StoredWebhookEndpoint>, ApiError> {
    let query = ListQuery {
        account: ctx.account_id().to_owned(),
        kind: "webhook_endpoint".to_owned(),
        limit: MAX_ENDPOINTS,
        ..ListQuery::default()
    };
    let records = ctx.store().list(&query).await.map_err(store_error)?;
    records
        .iter()
        .map(|record| {
            serde_json::from_str(&record.body).map_err(|error| {
                tracing::error!(id = %record.id, %error, "stored endpoint does not parse");
                ApiError::internal()
            })
        })
        .collect()
}

/// One delivery per (event in `writes`, endpoint subscribed to its type). Each event's
/// `pending_webhooks` is set to the number of its deliveries. `endpoints`: the account's
/// endpoints if already read during this request (else they are read here, if needed).
pub async fn plan(
    ctx: &Ctx,
    writes: &mut [Write],
    endpoints: Option<Result<Vec<StoredWebhookEndpoint>, ApiError>>,
) -> Result<Vec<NewDelivery>, ApiError> {
    if !writes.iter().any(|w| w.record.kind == "event") {
        return Ok(Vec::new());
    }
    let endpoints = match endpoints {
        Some(read) => read?,
        None => self::endpoints(ctx).await?,
    };
    let mut deliveries = Vec::new();
    if endpoints.is_empty() {
        return Ok(deliveries);
    }
    let now_ms = now_ms();
    let planned = deliveries.len();
    for write in writes.iter_mut().filter(|w| w.record.kind == "event") {
        let event_type = write.record.index.tag.clone().unwrap_or_default();
        let subscribed: Vec<&StoredWebhookEndpoint> = endpoints
            .iter()
            .filter(|e| e.subscribes_to(&event_type))
            .collect();
        if subscribed.is_empty() {
            continue;
        }
        for endpoint in &subscribed {
            deliveries.push(NewDelivery {
                id: id::generate("whdel"),
                account: ctx.account_id().to_owned(),
                event_id: write.record.id.clone(),
                endpoint_id: endpoint.endpoint.id.clone(),
                due_at_ms: now_ms,
            });
        }
        let mut event: Value =
            serde_json::from_str(&write.record.body).map_err(|_| ApiError::internal())?;
        event["pending_webhooks"] = Value::from(subscribed.len());
        write.record.body = event.to_string();
    }
    number_in_order(&mut deliveries[planned..]);
    Ok(deliveries)
}

/// Schedules `event` again for `targets` (`POST /v1/events/:id/retry`): one new delivery
/// each, due now, through the outbox like any other, in a unit of work of its own. The
/// dispatcher is woken; how many were scheduled is returned.
pub async fn resend(
    ctx: &Ctx,
    event_id: &str,
    targets: &[&StoredWebhookEndpoint],
) -> Result<usize, ApiError> {
    let now_ms = now_ms();
    let mut deliveries: Vec<NewDelivery> = targets
        .iter()
        .map(|endpoint| NewDelivery {
            id: id::generate("whdel"),
            account: ctx.account_id().to_owned(),
            event_id: event_id.to_owned(),
            endpoint_id: endpoint.endpoint.id.clone(),
            due_at_ms: now_ms,
        })
        .collect();
    number_in_order(&mut deliveries);
    let count = deliveries.len();
    let unit = tender_store::UnitOfWork {
        deliveries,
        ..tender_store::UnitOfWork::default()
    };
    ctx.store().commit(unit).await.map_err(store_error)?;
    ctx.state.webhooks.notify_one();
    Ok(count)
}

/// Gives `deliveries` ids that sort in their order, the order of the request's events.
/// Generated ids are time-ordered to the millisecond only: those of one request would
/// otherwise sort at random, and so be claimed (and sent) in any order.
fn number_in_order(deliveries: &mut [NewDelivery]) {
    let mut ids: Vec<String> = deliveries.iter().map(|d| d.id.clone()).collect();
    ids.sort_unstable();
    for (delivery, id) in deliveries.iter_mut().zip(ids) {
        delivery.id = id;
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
