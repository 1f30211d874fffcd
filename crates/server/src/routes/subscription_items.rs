//! `/v1/subscription_items`: read from the subscription that holds each item.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use serde_json::Value;
use tender_core::billing::subscription::Subscription;
use tender_wire::list::{ListParams, envelope};
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, Path, Reply};
use crate::resources::{Loaded, to_value};
use crate::services::billing::SubscriptionItemRecord;
use crate::services::list::page_of;
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/subscription_items", get(list_items))
        .route("/v1/subscription_items/{id}", get(retrieve))
}

async fn retrieve(Path(id): Path<String>, api: Api) -> Reply {
    read_item(&api.ctx, api.params, &id).await.into()
}

async fn read_item(ctx: &Ctx, mut p: Params, id: &str) -> Result<Value, ApiError> {
    p.expand()?;
    p.finish()?;
    let missing = || ApiError::resource_missing("subscription_item", id, IdIn::Url("id"));
    let record = match ctx.find(id).await? {
        Some(record) if record.kind == "subscription_item" => record,
        _ => return Err(missing()),
    };
    let pointer = Loaded::<SubscriptionItemRecord>::from_record(&record)?.object;
    let subscription = ctx
        .load::<Subscription>(&pointer.subscription, IdIn::Url("id"))
        .await?
        .object;
    let item = subscription.items.data.into_iter().find(|i| i.id == id);
    to_value(&item.ok_or_else(missing)?)
}

async fn list_items(api: Api) -> Reply {
    read_items(&api.ctx, api.params).await.into()
}

async fn read_items(ctx: &Ctx, mut p: Params) -> Result<Value, ApiError> {
    let page = ListParams::take(&mut p)?;
    let subscription = p.required_string("subscription")?;
    p.expand()?;
    p.finish()?;
    let items = ctx
        .load::<Subscription>(&subscription, IdIn::Param("subscription"))
        .await?
        .object
        .items
        .data;
    let (items, has_more) = page_of(items, |i| &i.id, &page, "subscription_item")?;
    let data = items.iter().map(to_value).collect::<Result<Vec<_>, _>>()?;
    let url = format!("/v1/subscription_items?subscription={subscription}");
    Ok(envelope(&url, data, has_more))
}
