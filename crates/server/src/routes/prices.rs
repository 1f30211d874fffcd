//! `/v1/prices` (Billing catalog). Stripe has no price delete: prices are archived with
//! `active=false`.

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::value::RawValue;
use tender_core::event::previous_attributes;
use tender_core::event_kind::EventKind;
use tender_core::price::Price;
use tender_core::price::filter::PriceFilter;
use tender_core::price::params::{PriceCreate, PriceUpdate, ProductSource};
use tender_core::product::Product;
use tender_store::{BodyFilter, TagFilter};
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::render::{self, expanded_effect};
use crate::resources::{Resource, insert, new_id, to_value, unparsable};
use crate::services::catalog::{
    create_price, load_live_product, load_price, price_with_lookup_key, refuse_taken_product_id,
    release_lookup_key, take_lookup_key,
};
use crate::services::list::list;
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/prices", post(create).get(list_prices))
        .route("/v1/prices/{id}", get(retrieve).post(update))
}

struct Create {
    create: PriceCreate,
    expand: Expand,
}

impl Command for Create {
    type Path = ();
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, _: (), _: &Ctx) -> Result<Self, ApiError> {
        let create = Create {
            create: PriceCreate::take(&mut p)?,
            expand: Expand::parse(&p.expand()?)?,
        };
        p.finish()?;
        Ok(create)
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut writes = Vec::new();
        let product = match &self.create.product {
            ProductSource::Existing(id) => {
                let loaded = load_live_product(ctx, id, IdIn::Param("product")).await?;
                // Written unchanged, at the version read: a concurrent delete of the product
                // (which checks it has no prices) and this price cannot both commit.
                writes.push(loaded.update(ctx.account_id())?);
                loaded.object.id
            }
            ProductSource::New(data) => {
                let id = match &data.id {
                    Some(id) => {
                        refuse_taken_product_id(ctx, id, "product_data[id]").await?;
                        id.clone()
                    }
                    None => new_id::<Product>(),
                };
                let product = data.clone().build(id, ctx.now)?;
                writes.push(insert(ctx.account_id(), &product)?);
                writes.push(ctx.event(EventKind::ProductCreated, to_value(&product)?, None)?);
                product.id
            }
        };
        let price = self
            .create
            .clone()
            .build(new_id::<Price>(), product, ctx.now)?;
        writes.extend(create_price(ctx, &price, self.create.transfer_lookup_key).await?);
        expanded_effect(ctx, to_value(&price)?, &self.expand, writes).await
    }
}

struct Update {
    id: String,
    update: PriceUpdate,
    expand: Expand,
}

impl Command for Update {
    type Path = String;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let update = Update {
            id,
            update: PriceUpdate::take(&mut p)?,
            expand: Expand::parse(&p.expand()?)?,
        };
        p.finish()?;
        Ok(update)
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut loaded = load_price(ctx, &self.id, IdIn::Url("id")).await?;
        let before = to_value(&loaded.object)?;
        let old_key = loaded.object.lookup_key.clone();
        self.update.apply(&mut loaded.object)?;
        if loaded.object.active != before["active"] && !loaded.object.active {
            refuse_archiving_default(ctx, &loaded.object).await?;
        }
        let mut writes = Vec::new();
        let new_key = loaded.object.lookup_key.clone();
        if new_key != old_key {
            if let Some(old) = &old_key {
                writes.extend(release_lookup_key(ctx, old, &self.id).await?);
            }
            if let Some(new) = &new_key {
                let transfer = self.update.transfer_lookup_key;
                writes.extend(take_lookup_key(ctx, new, &self.id, transfer).await?);
            }
        }
        let after = to_value(&loaded.object)?;
        if let Some(previous) = previous_attributes(&before, &after) {
            writes.push(loaded.update(ctx.account_id())?);
            writes.push(ctx.event(EventKind::PriceUpdated, after.clone(), Some(previous))?);
        }
        expanded_effect(ctx, after, &self.expand, writes).await
    }
}

/// A product's default price stays active: archiving it is refused until the product has
/// another default.
async fn refuse_archiving_default(ctx: &Ctx, price: &Price) -> Result<(), ApiError> {
    let Some(record) = ctx.find(&price.product).await? else {
        return Ok(());
    };
    if record.kind != Product::OBJECT || record.deleted {
        return Ok(());
    }
    let product: Product =
        serde_json::from_str(&record.body).map_err(|e| unparsable(&record.id, &e))?;
    if product.default_price.as_deref() == Some(price.id.as_str()) {
        return Err(ApiError::invalid_request(format!(
            "This price cannot be archived because it is the default price of its product \
             (`{}`). Set another default price on the product first.",
            product.id
        ))
        .with_param("active"));
    }
    Ok(())
}

async fn create(api: Api) -> Reply {
    mutate::<Create>(api.into(), ()).await
}

async fn update(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Update>(api.into(), id).await
}

async fn retrieve(Path(id): Path<String>, api: Api) -> Reply {
    render::retrieve(&api.ctx, api.params, Price::OBJECT, &id)
        .await
        .into()
}

async fn list_prices(api: Api) -> Reply {
    list_matching(&api.ctx, api.params).await.into()
}

/// One store read: the tag picks the index range (active or archived, of one product or
/// all), the prices holding `lookup_keys[]` are matched by id, and the other filters are
/// conditions on the stored body within that range.
async fn list_matching(ctx: &Ctx, mut params: Params) -> Result<Box<RawValue>, ApiError> {
    let filter = PriceFilter::take(&mut params)?;
    let ids = match &filter.lookup_keys {
        Some(keys) => {
            let mut ids = Vec::new();
            for key in keys {
                ids.extend(price_with_lookup_key(ctx, key).await?);
            }
            Some(ids)
        }
        None => None,
    };
    list(ctx, params, Price::OBJECT, "/v1/prices", |_, query| {
        query.tag = Some(match filter.tag() {
            (tag, true) => TagFilter::Exact(tag),
            (prefix, false) => TagFilter::Prefix(prefix),
        });
        query.ids = ids;
        query.body = filter
            .body_fields()
            .iter()
            .map(|(path, value)| BodyFilter::equals(path, value))
            .collect();
        Ok(())
    })
    .await
}
