//! `/v1/subscription_items`: read from the subscription that holds each item; created,
//! updated and deleted as an update of that subscription with one item change (the same
//! prorations and `customer.subscription.updated` as `POST /v1/subscriptions/:id`).

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};
use tender_core::billing::item_changes::{ItemChange, take_change_of};
use tender_core::billing::proration::ProrationBehavior;
use tender_core::billing::subscription::{Subscription, SubscriptionItem};
use tender_core::billing::update::{SubscriptionUpdate, take_behaviors};
use tender_wire::expand::Expand;
use tender_wire::list::{ListParams, envelope};
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::resources::{Loaded, to_value, unparsable};
use crate::services::billing::SubscriptionItemRecord;
use crate::services::billing::update::update_subscription;
use crate::services::list::page_of;
use crate::services::test_clocks::at_subscription_time;
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/subscription_items", get(list_items).post(create))
        .route(
            "/v1/subscription_items/{id}",
            get(retrieve).post(update).delete(delete),
        )
}

async fn retrieve(Path(id): Path<String>, api: Api) -> Reply {
    read_item(&api.ctx, api.params, &id).await.into()
}

async fn read_item(ctx: &Ctx, mut p: Params, id: &str) -> Result<Value, ApiError> {
    p.expand()?;
    p.finish()?;
    let subscription = holder(ctx, id).await?;
    let item = subscription.items.data.into_iter().find(|i| i.id == id);
    to_value(&item.ok_or_else(|| missing(id))?)
}

fn missing(id: &str) -> ApiError {
    ApiError::resource_missing("subscription_item", id, IdIn::Url("id"))
}

/// The subscription that holds (or held) item `id`.
async fn holder(ctx: &Ctx, id: &str) -> Result<Subscription, ApiError> {
    let record = match ctx.find(id).await? {
        Some(record) if record.kind == "subscription_item" => record,
        _ => return Err(missing(id)),
    };
    let pointer = Loaded::<SubscriptionItemRecord>::from_record(&record)?.object;
    Ok(ctx
        .load::<Subscription>(&pointer.subscription, IdIn::Url("id"))
        .await?
        .object)
}

/// The subscription an item route works on: the `subscription` parameter of a create, the
/// holder of the item in the path otherwise (found again, and refused, by the command).
async fn subscription_of(api: &Api, item: Option<&str>) -> Option<String> {
    match item {
        Some(id) => holder(&api.ctx, id).await.ok().map(|s| s.id),
        None => api.params.clone().string("subscription").ok().flatten(),
    }
}

async fn create(mut api: Api) -> Reply {
    if let Some(subscription) = subscription_of(&api, None).await
        && let Err(error) = at_subscription_time(&mut api.ctx, &subscription).await
    {
        return Reply::error(&error);
    }
    mutate::<ChangeItem>(api.into(), None).await
}

async fn update(Path(id): Path<String>, mut api: Api) -> Reply {
    if let Some(subscription) = subscription_of(&api, Some(&id)).await
        && let Err(error) = at_subscription_time(&mut api.ctx, &subscription).await
    {
        return Reply::error(&error);
    }
    mutate::<ChangeItem>(api.into(), Some(id)).await
}

async fn delete(Path(id): Path<String>, mut api: Api) -> Reply {
    if let Some(subscription) = subscription_of(&api, Some(&id)).await
        && let Err(error) = at_subscription_time(&mut api.ctx, &subscription).await
    {
        return Reply::error(&error);
    }
    mutate::<DeleteItem>(api.into(), id).await
}

/// `POST /v1/subscription_items` (no item id: adds one) and `POST /v1/subscription_items/:id`.
struct ChangeItem {
    /// `subscription` of a create; found from the item on an update.
    subscription: Option<String>,
    change: ItemChange,
    behaviors: (ProrationBehavior, bool),
}

impl Command for ChangeItem {
    type Path = Option<String>;
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, id: Option<String>, _: &Ctx) -> Result<Self, ApiError> {
        let subscription = match id {
            None => Some(p.required_string("subscription")?),
            Some(_) => None,
        };
        let behaviors = take_behaviors(&mut p)?;
        // Off-session is what an invoice of prorations always is here.
        p.boolean("off_session")?;
        p.expand()?;
        let change = take_change_of(p, id)?;
        Ok(ChangeItem {
            subscription,
            change,
            behaviors,
        })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let subscription = match (&self.subscription, &self.change.id) {
            (Some(id), _) => {
                ctx.load::<Subscription>(id, IdIn::Param("subscription"))
                    .await?
                    .object
            }
            (None, Some(item)) => holder(ctx, item).await?,
            (None, None) => return Err(ApiError::missing_parameter("subscription")),
        };
        let before: Vec<String> = subscription
            .items
            .data
            .iter()
            .map(|i| i.id.clone())
            .collect();
        let update = SubscriptionUpdate::of_item(self.change.clone(), self.behaviors);
        let effect = update_subscription(ctx, &subscription.id, &update, &Expand::default())
            .await
            .map_err(|e| rename_items_param(e, Some("price")))?;
        item_answer(effect, |item| match &self.change.id {
            Some(id) => item.id == *id,
            None => !before.contains(&item.id),
        })
    }
}

/// `DELETE /v1/subscription_items/:id`.
struct DeleteItem {
    change: ItemChange,
    behaviors: (ProrationBehavior, bool),
}

impl Command for DeleteItem {
    type Path = String;
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let behaviors = take_behaviors(&mut p)?;
        p.ignore(&["clear_usage"]);
        p.finish()?;
        let change = ItemChange {
            id: Some(id),
            price: None,
            quantity: None,
            metadata: None,
            deleted: true,
            param: String::new(),
        };
        Ok(DeleteItem { change, behaviors })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let id = self.change.id.clone().unwrap_or_default();
        let subscription = holder(ctx, &id).await?;
        if !subscription.items.data.iter().any(|i| i.id == id) {
            return Err(missing(&id));
        }
        let update = SubscriptionUpdate::of_item(self.change.clone(), self.behaviors);
        let effect = update_subscription(ctx, &subscription.id, &update, &Expand::default())
            .await
            .map_err(|e| rename_items_param(e, None))?;
        if effect.status != 200 {
            return Ok(effect);
        }
        let body = json!({"id": id, "object": "subscription_item", "deleted": true});
        Ok(Effect::ok_json(body.to_string(), effect.writes))
    }
}

/// An error about the subscription's `items` as a whole (a price twice, the last item
/// removed) names this endpoint's own parameter, which has no `items`.
fn rename_items_param(mut error: ApiError, param: Option<&str>) -> ApiError {
    if error.param.as_deref() == Some("items") {
        error.param = param.map(str::to_owned);
    }
    error
}

/// The item `pick` finds in the subscription an update answered, as the answer; an error
/// answer (a refused payment of the prorations) as it is.
fn item_answer(
    effect: Effect,
    pick: impl Fn(&SubscriptionItem) -> bool,
) -> Result<Effect, ApiError> {
    if effect.status != 200 {
        return Ok(effect);
    }
    let subscription: Subscription =
        serde_json::from_str(&effect.body).map_err(|e| unparsable("subscription", &e))?;
    let Some(item) = subscription.items.data.iter().find(|i| pick(i)) else {
        tracing::error!(subscription = %subscription.id, "the changed item is not in the answer");
        return Err(ApiError::internal());
    };
    let body = serde_json::to_string(item).map_err(|e| unparsable("subscription_item", &e))?;
    Ok(Effect::ok_json(body, effect.writes))
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
