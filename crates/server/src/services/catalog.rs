//! Products and prices as other objects use them: loading them (subscriptions will look up
//! their items' prices here), writing a new price with its lookup key and event, and the
//! record that keeps a lookup key on one price.
//!
//! A lookup key is held by a [`LookupKeyHolder`] record whose id is derived from the account
//! and the key. Taking a key inserts that record or updates it at the version read, so two
//! requests racing for one key cannot both commit: the store refuses the second unit of work
//! (`Conflict`), which executes again, sees the holder, and is refused or transfers the key.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tender_core::event::previous_attributes;
use tender_core::event_kind::EventKind;
use tender_core::price::Price;
use tender_core::price::lookup_key::{Claim, claim};
use tender_core::product::Product;
use tender_store::{ListQuery, TagFilter, Write};
use tender_wire::{ApiError, IdIn};

use crate::ctx::Ctx;
use crate::resources::{Loaded, Resource, insert, persist, to_value};
use crate::store_error;

/// Which price holds a lookup key of an account (`None`: the key was released). Never
/// rendered, never listed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LookupKeyHolder {
    pub id: String,
    pub lookup_key: String,
    pub price: Option<String>,
    pub created: i64,
}

/// The id of the record holding `key` in `account`: ids are unique across accounts, so the
/// account is part of it; hashed, since a key may hold any character.
pub fn lookup_key_holder_id(account: &str, key: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(account.as_bytes());
    hasher.update([0]);
    hasher.update(key.as_bytes());
    let digest = hasher.finalize();
    format!("{}_{}", LookupKeyHolder::PREFIX, hex::encode(&digest[..16]))
}

/// A product that is not deleted, or `resource_missing` naming where the request named it.
pub async fn load_live_product(
    ctx: &Ctx,
    id: &str,
    named: IdIn<'_>,
) -> Result<Loaded<Product>, ApiError> {
    match ctx.find(id).await? {
        Some(record) if record.kind == Product::OBJECT && !record.deleted => {
            Loaded::from_record(&record)
        }
        _ => Err(ApiError::resource_missing(Product::OBJECT, id, named)),
    }
}

/// Refuses a custom product id (`param`) this account already uses.
pub async fn refuse_taken_product_id(ctx: &Ctx, id: &str, param: &str) -> Result<(), ApiError> {
    if ctx.find(id).await?.is_some() {
        return Err(ApiError::invalid_request("Product already exists.")
            .with_param(param)
            .with_code("resource_already_exists"));
    }
    Ok(())
}

/// A price of this account, archived or not, or `resource_missing`.
pub async fn load_price(ctx: &Ctx, id: &str, named: IdIn<'_>) -> Result<Loaded<Price>, ApiError> {
    ctx.load::<Price>(id, named).await
}

/// The price holding `key` in this account, if any.
pub async fn price_with_lookup_key(ctx: &Ctx, key: &str) -> Result<Option<String>, ApiError> {
    let id = lookup_key_holder_id(ctx.account_id(), key);
    match ctx.find(&id).await? {
        Some(record) => Ok(Loaded::<LookupKeyHolder>::from_record(&record)?
            .object
            .price),
        None => Ok(None),
    }
}

/// Whether any price (archived ones included) names `product`.
pub async fn product_has_prices(ctx: &Ctx, product: &str) -> Result<bool, ApiError> {
    let query = ListQuery {
        account: ctx.account_id().to_owned(),
        kind: Price::OBJECT.to_owned(),
        tag: Some(TagFilter::AnyOf(vec![
            Price::tag_of(true, product),
            Price::tag_of(false, product),
        ])),
        limit: 1,
        ..ListQuery::default()
    };
    let prices = ctx.store().list(&query).await.map_err(store_error)?;
    Ok(!prices.is_empty())
}

/// The writes that store a new `price`: its lookup key (taken from its holder with
/// `transfer`), the price and its `price.created` event.
pub async fn create_price(
    ctx: &Ctx,
    price: &Price,
    transfer: bool,
) -> Result<Vec<Write>, ApiError> {
    let mut writes = Vec::new();
    if let Some(key) = &price.lookup_key {
        writes.extend(take_lookup_key(ctx, key, &price.id, transfer).await?);
    }
    let value = to_value(price)?;
    writes.push(insert(ctx.account_id(), price)?);
    writes.push(ctx.event(EventKind::PriceCreated, value, None)?);
    Ok(writes)
}

/// The writes that give `key` to `price`: its holder record, and, when another price held it
/// and `transfer` allows, that price without its key and its `price.updated` event.
pub async fn take_lookup_key(
    ctx: &Ctx,
    key: &str,
    price: &str,
    transfer: bool,
) -> Result<Vec<Write>, ApiError> {
    let id = lookup_key_holder_id(ctx.account_id(), key);
    let held = match ctx.find(&id).await? {
        Some(record) => Some(Loaded::<LookupKeyHolder>::from_record(&record)?),
        None => None,
    };
    let holder = held.as_ref().and_then(|h| h.object.price.as_deref());
    let mut writes = Vec::new();
    match claim(holder, price, transfer)? {
        Claim::Held => return Ok(writes),
        Claim::Free => {}
        Claim::TakeFrom(previous) => {
            let mut loaded = load_price(ctx, &previous, IdIn::Param("lookup_key")).await?;
            let before = to_value(&loaded.object)?;
            loaded.object.lookup_key = None;
            let after = to_value(&loaded.object)?;
            writes.push(loaded.update(ctx.account_id())?);
            writes.push(ctx.event(
                EventKind::PriceUpdated,
                after.clone(),
                previous_attributes(&before, &after),
            )?);
        }
    }
    let record = LookupKeyHolder {
        id,
        lookup_key: key.to_owned(),
        price: Some(price.to_owned()),
        created: held.as_ref().map_or(ctx.now, |h| h.object.created),
    };
    writes.push(persist(ctx.account_id(), &record, held.map(|h| h.version))?);
    Ok(writes)
}

/// The write that frees `key`, if `price` holds it.
pub async fn release_lookup_key(
    ctx: &Ctx,
    key: &str,
    price: &str,
) -> Result<Option<Write>, ApiError> {
    let id = lookup_key_holder_id(ctx.account_id(), key);
    let Some(record) = ctx.find(&id).await? else {
        return Ok(None);
    };
    let mut held = Loaded::<LookupKeyHolder>::from_record(&record)?;
    if held.object.price.as_deref() != Some(price) {
        return Ok(None);
    }
    held.object.price = None;
    Ok(Some(held.update(ctx.account_id())?))
}
