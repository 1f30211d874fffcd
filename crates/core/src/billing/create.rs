//! What `POST /v1/subscriptions` takes (billing-spec §2.2), and the rules that need no stored
//! object: one trial parameter at most, `days_until_due` with `send_invoice` only, at most 20
//! items, the items' currencies and intervals alike.

use tender_wire::{ApiError, MetadataUpdate, Params};

use super::subscription_status::PaymentBehavior;
use crate::Timestamp;
use crate::price::params::PriceTerms;
use crate::price::{Price, PriceType};

/// The most items a subscription may have.
pub const MAX_ITEMS: usize = 20;
/// The longest trial: two years.
pub const MAX_TRIAL_DAYS: i64 = 730;
const DAY: i64 = 86_400;

const COLLECTION_METHODS: &[&str] = &["charge_automatically", "send_invoice"];
const SAVE_DEFAULT: &[&str] = &["off", "on_subscription"];
const PRORATION_BEHAVIORS: &[&str] = &["always_invoice", "create_prorations", "none"];

/// Stripe parameters of subscriptions Tender does not simulate: refused by name.
const UNSUPPORTED: &[&str] = &[
    "add_invoice_items",
    "application_fee_percent",
    "backdate_start_date",
    "billing_cycle_anchor",
    "billing_cycle_anchor_config",
    "billing_thresholds",
    "cancel_at",
    "coupon",
    "default_tax_rates",
    "discounts",
    "on_behalf_of",
    "pending_invoice_item_interval",
    "promotion_code",
    "transfer_data",
];

/// Refuses a Stripe parameter Tender does not implement.
pub fn unsupported(param: &str) -> ApiError {
    ApiError::invalid_request(format!(
        "Tender does not support `{param}` on subscriptions (see docs/COMPATIBILITY.md, \
         \"Billing: Subscriptions and Invoices\")."
    ))
    .with_param(param)
}

/// The full name of parameter `key` of item `item` (`items[0]` → `items[0][price]`; the
/// top-level `price` when `item` is empty, as on `/v1/subscription_items`).
pub fn item_field(item: &str, key: &str) -> String {
    if item.is_empty() {
        key.to_owned()
    } else {
        format!("{item}[{key}]")
    }
}

/// One of `items[]`: a price by id or described inline, and a quantity.
#[derive(Clone, Debug)]
pub struct ItemParams {
    pub price: ItemPrice,
    pub quantity: i64,
    pub metadata: Option<MetadataUpdate>,
    /// `items[i]`, for errors.
    pub param: String,
}

#[derive(Clone, Debug)]
pub enum ItemPrice {
    /// `items[i][price]`.
    Id(String),
    /// `items[i][price_data]`: a new price of an existing product, made with the item.
    Data { product: String, terms: PriceTerms },
}

/// How the subscription's trial is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trial {
    Days(i64),
    Until(Timestamp),
    /// `trial_end=now`: no trial.
    EndNow,
}

impl Trial {
    /// When the trial ends, or `None` for no trial.
    pub fn end(self, now: Timestamp) -> Option<Timestamp> {
        match self {
            Trial::Days(0) | Trial::EndNow => None,
            Trial::Days(days) => Some(now.saturating_add(days * DAY)),
            Trial::Until(end) => Some(end),
        }
    }
}

/// `POST /v1/subscriptions`.
#[derive(Clone, Debug)]
pub struct SubscriptionCreate {
    pub customer: String,
    pub items: Vec<ItemParams>,
    pub payment_behavior: PaymentBehavior,
    pub default_payment_method: Option<String>,
    pub save_default_payment_method: bool,
    pub payment_method_types: Option<Vec<String>>,
    pub trial: Option<Trial>,
    pub cancel_at_period_end: bool,
    pub collection_method: String,
    pub days_until_due: Option<i64>,
    pub metadata: Option<MetadataUpdate>,
    pub description: Option<String>,
    pub off_session: bool,
}

impl SubscriptionCreate {
    pub fn take(p: &mut Params, now: Timestamp) -> Result<SubscriptionCreate, ApiError> {
        for key in UNSUPPORTED {
            if p.contains(key) {
                return Err(unsupported(key));
            }
        }
        let customer = p
            .string("customer")?
            .ok_or_else(|| ApiError::missing_parameter("customer"))?;
        let items = take_items(p)?;
        let payment_behavior = p
            .enumeration("payment_behavior", PaymentBehavior::NAMES)?
            .and_then(|b| PaymentBehavior::parse(&b))
            .unwrap_or(PaymentBehavior::AllowIncomplete);
        if payment_behavior == PaymentBehavior::PendingIfIncomplete {
            return Err(ApiError::invalid_request(
                "`pending_if_incomplete` is only valid when updating a subscription.",
            )
            .with_param("payment_behavior"));
        }
        let (save_default_payment_method, payment_method_types) = take_payment_settings(p)?;
        let trial = take_trial(p, now)?;
        let collection_method = p
            .enumeration("collection_method", COLLECTION_METHODS)?
            .unwrap_or_else(|| "charge_automatically".to_owned());
        let days_until_due = p.integer("days_until_due")?;
        check_days_until_due(&collection_method, days_until_due)?;
        p.enumeration("proration_behavior", PRORATION_BEHAVIORS)?;
        p.ignore(&[
            "billing_mode",
            "automatic_tax",
            "trial_from_plan",
            "trial_settings",
        ]);
        Ok(SubscriptionCreate {
            customer,
            items,
            payment_behavior,
            default_payment_method: p.string("default_payment_method")?,
            save_default_payment_method,
            payment_method_types,
            trial,
            cancel_at_period_end: p.boolean("cancel_at_period_end")?.unwrap_or(false),
            collection_method,
            days_until_due,
            metadata: p.metadata("metadata")?,
            description: p.string("description")?,
            off_session: p.boolean("off_session")?.unwrap_or(false),
        })
    }
}

fn take_items(p: &mut Params) -> Result<Vec<ItemParams>, ApiError> {
    let Some(list) = p.object_list("items")? else {
        return Err(ApiError::missing_parameter("items"));
    };
    if list.is_empty() {
        return Err(ApiError::missing_parameter("items"));
    }
    if list.len() > MAX_ITEMS {
        return Err(ApiError::invalid_request(format!(
            "A subscription can have at most {MAX_ITEMS} items."
        ))
        .with_param("items"));
    }
    list.into_iter().map(take_item).collect()
}

/// One item's parameters (`items[i]`).
pub fn take_item(mut item: Params) -> Result<ItemParams, ApiError> {
    let param = item.name("");
    let param = param.trim_end_matches("[]").to_owned();
    for key in ["plan", "tax_rates", "discounts", "billing_thresholds"] {
        if item.contains(key) {
            return Err(unsupported(&item.name(key)));
        }
    }
    let price = match (item.string("price")?, item.object("price_data")?) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_request(
                "You may only specify one of these parameters: price, price_data.",
            )
            .with_param(item.name("price")));
        }
        (Some(id), None) => ItemPrice::Id(id),
        (None, Some(mut data)) => {
            let product = data.required_string("product")?;
            if !data.contains("recurring") {
                return Err(ApiError::missing_parameter(&data.name("recurring")));
            }
            let terms = PriceTerms::take(&mut data, false)?;
            data.finish()?;
            ItemPrice::Data { product, terms }
        }
        (None, None) => return Err(ApiError::missing_parameter(&item.name("price"))),
    };
    let quantity = item.integer("quantity")?.unwrap_or(1);
    if quantity < 0 {
        return Err(
            ApiError::invalid_request("This value must be greater than or equal to 0.")
                .with_param(item.name("quantity")),
        );
    }
    let metadata = item.metadata("metadata")?;
    item.finish()?;
    Ok(ItemParams {
        price,
        quantity,
        metadata,
        param,
    })
}

fn take_payment_settings(p: &mut Params) -> Result<(bool, Option<Vec<String>>), ApiError> {
    let Some(mut settings) = p.object("payment_settings")? else {
        return Ok((false, None));
    };
    let save = settings
        .enumeration("save_default_payment_method", SAVE_DEFAULT)?
        .is_some_and(|s| s == "on_subscription");
    let types = settings.string_list("payment_method_types")?;
    settings.ignore(&["payment_method_options"]);
    settings.finish()?;
    Ok((save, types))
}

fn take_trial(p: &mut Params, now: Timestamp) -> Result<Option<Trial>, ApiError> {
    let days = p.integer("trial_period_days")?;
    let end = match p.string("trial_end")? {
        None => None,
        Some(text) if text == "now" => Some(Trial::EndNow),
        Some(text) => match text.parse::<i64>() {
            Ok(ts) if ts <= now => {
                return Err(ApiError::invalid_request(
                    "Invalid timestamp: must be an integer Unix timestamp in the future.",
                )
                .with_param("trial_end"));
            }
            Ok(ts) if ts > now + MAX_TRIAL_DAYS * DAY => {
                return Err(ApiError::invalid_request(
                    "Invalid timestamp: can be no more than two years in the future.",
                )
                .with_param("trial_end"));
            }
            Ok(ts) => Some(Trial::Until(ts)),
            Err(_) => {
                return Err(ApiError::invalid_request(
                    "Invalid timestamp: must be an integer Unix timestamp in the future.",
                )
                .with_param("trial_end"));
            }
        },
    };
    match (days, end) {
        (Some(_), Some(_)) => Err(ApiError::invalid_request(
            "You may only specify one of these parameters: trial_end, trial_period_days.",
        )
        .with_param("trial_end")),
        (Some(days), None) if !(0..=MAX_TRIAL_DAYS).contains(&days) => {
            Err(ApiError::invalid_request(format!(
                "The trial period must be between 0 and {MAX_TRIAL_DAYS} days."
            ))
            .with_param("trial_period_days"))
        }
        (Some(days), None) => Ok(Some(Trial::Days(days))),
        (None, end) => Ok(end),
    }
}

/// `days_until_due` goes with `send_invoice`, which needs it.
pub fn check_days_until_due(collection_method: &str, days: Option<i64>) -> Result<(), ApiError> {
    match (collection_method, days) {
        ("send_invoice", None) => Err(ApiError::invalid_request(
            "Subscriptions with `collection_method=send_invoice` must specify `days_until_due`.",
        )
        .with_param("days_until_due")),
        ("send_invoice", Some(days)) if !(0..=730).contains(&days) => Err(
            ApiError::invalid_request("`days_until_due` must be between 0 and 730.")
                .with_param("days_until_due"),
        ),
        ("charge_automatically", Some(_)) => Err(ApiError::invalid_request(
            "`days_until_due` can only be set when `collection_method` is `send_invoice`.",
        )
        .with_param("days_until_due")),
        _ => Ok(()),
    }
}

/// Refuses a price a subscription item cannot bill: archived, or one-time. `param` is where
/// the request named it.
pub fn check_item_price(price: &Price, param: &str) -> Result<(), ApiError> {
    if price.kind != PriceType::Recurring {
        return Err(ApiError::invalid_request(
            "The price specified is set to `type=one_time` but this field only accepts prices \
             with `type=recurring`.",
        )
        .with_param(param));
    }
    if !price.active {
        return Err(ApiError::invalid_request(
            "The price specified is inactive. This field only accepts active prices.",
        )
        .with_param(param));
    }
    if price.unit_amount.is_none() {
        return Err(ApiError::invalid_request(
            "Tender bills subscription items with a whole `unit_amount` only.",
        )
        .with_param(param));
    }
    Ok(())
}

/// All items of one subscription share a currency and an interval (Tender bills one period
/// for the whole subscription; Stripe's flexible billing mode allows mixed intervals).
pub fn check_items_match(prices: &[&Price]) -> Result<(), ApiError> {
    let Some(first) = prices.first() else {
        return Ok(());
    };
    let interval = |p: &Price| p.recurring.as_ref().map(|r| (r.interval, r.interval_count));
    for price in &prices[1..] {
        let field = if price.currency != first.currency {
            "currency"
        } else if interval(price) != interval(first) {
            "interval"
        } else {
            continue;
        };
        return Err(ApiError::invalid_request(format!(
            "Currency and interval fields must match across all plans on this subscription. \
             Found mismatch in {field} field."
        ))
        .with_param("items"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
