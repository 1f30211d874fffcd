//! The item changes of `POST /v1/subscriptions/:id` (billing-spec §2.5): `items[i]` with an
//! `id` changes that item (its `price` or `price_data`, `quantity`, `metadata`) or removes it
//! (`deleted=true`); without an `id` it adds an item. What each change did is returned as an
//! [`ItemDiff`], from which the prorations are made.

use tender_wire::{ApiError, MetadataUpdate, Params};

use super::create::{ItemPrice, MAX_ITEMS, check_items_match, item_field, take_item, unsupported};
use super::subscription::{Subscription, SubscriptionItem, plan_of};
use crate::Timestamp;
use crate::price::Price;

/// One of `items[]` on an update.
#[derive(Clone, Debug)]
pub struct ItemChange {
    /// The item changed or removed; `None` adds one.
    pub id: Option<String>,
    /// The new price, by id or inline (required when adding).
    pub price: Option<ItemPrice>,
    pub quantity: Option<i64>,
    pub metadata: Option<MetadataUpdate>,
    pub deleted: bool,
    /// `items[i]`, for errors.
    pub param: String,
}

impl ItemChange {
    /// Where the change names its price, for errors about that price.
    pub fn price_param(&self) -> String {
        match &self.price {
            Some(ItemPrice::Data { .. }) => self.field("price_data"),
            _ => self.field("price"),
        }
    }

    /// The full name of the change's parameter `key` (`items[0][price]`, or `price` on
    /// `/v1/subscription_items`).
    pub fn field(&self, key: &str) -> String {
        item_field(&self.param, key)
    }
}

/// `items[i]` of an update.
pub fn take_item_change(mut item: Params) -> Result<ItemChange, ApiError> {
    let id = item.string("id")?;
    take_change_of(item, id)
}

/// The change of item `id` (`None`: a new item) that `item`'s parameters describe: those of
/// `items[i]`, or of `/v1/subscription_items`, whose item id is in the path.
pub fn take_change_of(mut item: Params, id: Option<String>) -> Result<ItemChange, ApiError> {
    let Some(id) = id else {
        // Adding an item takes what creating one takes.
        let added = take_item(item)?;
        return Ok(ItemChange {
            id: None,
            price: Some(added.price),
            quantity: Some(added.quantity),
            metadata: added.metadata,
            deleted: false,
            param: added.param,
        });
    };
    let param = item.name("");
    let param = param.trim_end_matches("[]").to_owned();
    for key in ["plan", "tax_rates", "discounts", "billing_thresholds"] {
        if item.contains(key) {
            return Err(unsupported(&item.name(key)));
        }
    }
    let deleted = item.boolean("deleted")?.unwrap_or(false);
    let price = match (item.string("price")?, item.object("price_data")?) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_request(
                "You may only specify one of these parameters: price, price_data.",
            )
            .with_param(item.name("price")));
        }
        (Some(id), None) => Some(ItemPrice::Id(id)),
        (None, Some(mut data)) => {
            let product = data.required_string("product")?;
            if !data.contains("recurring") {
                return Err(ApiError::missing_parameter(&data.name("recurring")));
            }
            let terms = crate::price::params::PriceTerms::take(&mut data, false)?;
            data.finish()?;
            Some(ItemPrice::Data { product, terms })
        }
        (None, None) => None,
    };
    let quantity = item.integer("quantity")?;
    if quantity.is_some_and(|q| q < 0) {
        return Err(
            ApiError::invalid_request("This value must be greater than or equal to 0.")
                .with_param(item.name("quantity")),
        );
    }
    let metadata = item.metadata("metadata")?;
    // Usage records are not simulated: there is no usage to clear.
    item.ignore(&["clear_usage"]);
    item.finish()?;
    Ok(ItemChange {
        id: Some(id),
        price,
        quantity,
        metadata,
        deleted,
        param,
    })
}

/// What is billed for an item at one moment: its price and quantity.
#[derive(Clone, Debug, PartialEq)]
pub struct Billed {
    pub price: Price,
    pub quantity: i64,
}

/// One item before and after the update: `before` is `None` for an added item, `after` for a
/// removed one.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemDiff {
    pub item: String,
    pub before: Option<Billed>,
    pub after: Option<Billed>,
}

impl ItemDiff {
    /// Whether what is billed changed (a metadata change bills nothing).
    pub fn changes_billing(&self) -> bool {
        match (&self.before, &self.after) {
            (Some(before), Some(after)) => {
                before.price.id != after.price.id || before.quantity != after.quantity
            }
            _ => true,
        }
    }
}

/// Applies `changes` to the subscription's items at `now`. `prices[i]` is change `i`'s new
/// price, resolved and checked by the caller, when it names one; `new_item_id` makes the ids
/// of added items. Refuses, with nothing changed, a change of an item the subscription does
/// not have, two items of one price, no item left, more than [`MAX_ITEMS`], and prices whose
/// currency or interval differ from the subscription's (changing the billing interval, which
/// restarts the period on Stripe, is not simulated).
pub fn apply_item_changes(
    subscription: &mut Subscription,
    changes: &[ItemChange],
    prices: &[Option<Price>],
    now: Timestamp,
    mut new_item_id: impl FnMut() -> String,
) -> Result<Vec<ItemDiff>, ApiError> {
    let mut items = subscription.items.data.clone();
    let mut diffs: Vec<ItemDiff> = Vec::new();
    for (change, price) in changes.iter().zip(prices) {
        let Some(id) = &change.id else {
            let Some(price) = price else {
                return Err(ApiError::missing_parameter(&change.field("price")));
            };
            let item = new_item(subscription, change, price.clone(), now, new_item_id())?;
            diffs.push(ItemDiff {
                item: item.id.clone(),
                before: None,
                after: Some(billed(&item)),
            });
            items.push(item);
            continue;
        };
        let Some(position) = items.iter().position(|item| item.id == *id) else {
            return Err(ApiError::invalid_request(format!(
                "Subscription item {id} does not belong to this subscription."
            ))
            .with_param(change.field("id")));
        };
        let before = billed(&items[position]);
        if change.deleted {
            items.remove(position);
            diffs.push(ItemDiff {
                item: id.clone(),
                before: Some(before),
                after: None,
            });
            continue;
        }
        let item = &mut items[position];
        if let Some(price) = price {
            item.price = price.clone();
            item.plan = plan_of(price);
        }
        if let Some(quantity) = change.quantity {
            item.quantity = quantity;
        }
        if let Some(metadata) = &change.metadata {
            metadata.apply(&mut item.metadata, &change.field("metadata"))?;
        }
        let after = billed(item);
        diffs.push(ItemDiff {
            item: id.clone(),
            before: Some(before),
            after: Some(after),
        });
    }
    check_items(subscription, &items)?;
    subscription.items.data = items;
    Ok(diffs)
}

fn billed(item: &SubscriptionItem) -> Billed {
    Billed {
        price: item.price.clone(),
        quantity: item.quantity,
    }
}

fn new_item(
    subscription: &Subscription,
    change: &ItemChange,
    price: Price,
    now: Timestamp,
    id: String,
) -> Result<SubscriptionItem, ApiError> {
    let mut metadata = tender_wire::Metadata::new();
    if let Some(update) = &change.metadata {
        update.apply(&mut metadata, &change.field("metadata"))?;
    }
    // An added item joins the subscription's current period.
    let (start, end) = subscription
        .items
        .data
        .first()
        .map(|i| (i.current_period_start, i.current_period_end))
        .unwrap_or((
            subscription.current_period_start,
            subscription.current_period_end,
        ));
    Ok(SubscriptionItem {
        id,
        object: "subscription_item".to_owned(),
        billing_thresholds: None,
        created: now,
        current_period_end: end,
        current_period_start: start,
        discounts: Vec::new(),
        metadata,
        plan: plan_of(&price),
        price,
        quantity: change.quantity.unwrap_or(1),
        subscription: subscription.id.clone(),
        tax_rates: Vec::new(),
    })
}

/// The rules the items as updated must keep.
fn check_items(subscription: &Subscription, items: &[SubscriptionItem]) -> Result<(), ApiError> {
    if items.is_empty() {
        return Err(ApiError::invalid_request(
            "A subscription must have at least one item: you cannot delete all of its items.",
        )
        .with_param("items"));
    }
    if items.len() > MAX_ITEMS {
        return Err(ApiError::invalid_request(format!(
            "A subscription can have at most {MAX_ITEMS} items."
        ))
        .with_param("items"));
    }
    for (i, item) in items.iter().enumerate() {
        if items[..i]
            .iter()
            .any(|other| other.price.id == item.price.id)
        {
            return Err(ApiError::invalid_request(format!(
                "Cannot add multiple subscription items with the same plan: {}",
                item.price.id
            ))
            .with_param("items"));
        }
    }
    let prices: Vec<&Price> = items.iter().map(|i| &i.price).collect();
    check_items_match(&prices)?;
    // The items as they were set the subscription's currency and interval.
    let Some(old) = subscription.items.data.first() else {
        return Ok(());
    };
    let new = &items[0].price;
    if new.currency != old.price.currency {
        return Err(ApiError::invalid_request(
            "Currency and interval fields must match across all plans on this subscription. \
             Found mismatch in currency field.",
        )
        .with_param("items"));
    }
    let interval = |p: &Price| p.recurring.as_ref().map(|r| (r.interval, r.interval_count));
    if interval(new) != interval(&old.price) {
        return Err(ApiError::invalid_request(
            "Tender does not simulate changing a subscription's billing interval (which \
             restarts its period on Stripe): the new prices must have the subscription's \
             interval (see docs/COMPATIBILITY.md).",
        )
        .with_param("items"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
