//! The Price resource (Billing catalog): how much a product costs, once (`one_time`) or every
//! interval (`recurring`). Subscriptions read a price's [`Recurring`] to bill periods.
//!
//! - [`params`]: what create and update take, and their rules; [`amount`]: the amount's.
//! - [`lookup_key`]: the rule that keeps a lookup key on one price of an account.
//! - [`filter`]: the list filters, as one pure predicate.

pub mod amount;
pub mod filter;
pub mod lookup_key;
pub mod params;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tender_wire::Metadata;

use crate::Timestamp;

/// A price, rendered with every key Stripe renders (nulls included).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Price {
    pub id: String,
    pub object: String,
    pub active: bool,
    pub billing_scheme: String,
    pub created: Timestamp,
    pub currency: String,
    pub custom_unit_amount: Option<CustomUnitAmount>,
    pub livemode: bool,
    pub lookup_key: Option<String>,
    pub metadata: Metadata,
    pub nickname: Option<String>,
    /// The product's id (`expand[]=product` shows the Product).
    pub product: String,
    pub recurring: Option<Recurring>,
    pub tax_behavior: Option<String>,
    pub tiers_mode: Option<String>,
    pub transform_quantity: Option<Value>,
    #[serde(rename = "type")]
    pub kind: PriceType,
    pub unit_amount: Option<i64>,
    /// The amount in minor units as a decimal string (`"2000"`, `"12.5"`).
    pub unit_amount_decimal: Option<String>,
}

/// `one_time` or `recurring`: derived from whether the price has a [`Recurring`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceType {
    OneTime,
    Recurring,
}

impl PriceType {
    pub const NAMES: &[&str] = &["one_time", "recurring"];

    pub fn of(recurring: Option<&Recurring>) -> PriceType {
        match recurring {
            Some(_) => PriceType::Recurring,
            None => PriceType::OneTime,
        }
    }

    pub fn parse(name: &str) -> Option<PriceType> {
        match name {
            "one_time" => Some(PriceType::OneTime),
            "recurring" => Some(PriceType::Recurring),
            _ => None,
        }
    }
}

/// How often a recurring price bills: every `interval_count` `interval`s.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recurring {
    pub interval: Interval,
    pub interval_count: i64,
    pub meter: Option<String>,
    pub trial_period_days: Option<i64>,
    pub usage_type: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    Day,
    Week,
    Month,
    Year,
}

impl Interval {
    pub const NAMES: &[&str] = &["day", "week", "month", "year"];

    pub fn parse(name: &str) -> Option<Interval> {
        match name {
            "day" => Some(Interval::Day),
            "week" => Some(Interval::Week),
            "month" => Some(Interval::Month),
            "year" => Some(Interval::Year),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Day => "day",
            Interval::Week => "week",
            Interval::Month => "month",
            Interval::Year => "year",
        }
    }

    /// The most of this interval one billing period may span: three years (Stripe's limit,
    /// "3 years, 36 months, or 156 weeks"; 1095 days).
    pub fn max_count(self) -> i64 {
        match self {
            Interval::Day => 1095,
            Interval::Week => 156,
            Interval::Month => 36,
            Interval::Year => 3,
        }
    }
}

/// A price whose amount the customer chooses (one-time prices only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomUnitAmount {
    pub maximum: Option<i64>,
    pub minimum: Option<i64>,
    pub preset: Option<i64>,
}

impl Price {
    /// The list column of a price: whether it is active and its product, so the usual lists
    /// (the active prices, of one product or all) are one index range each.
    pub fn list_tag(&self) -> String {
        Price::tag_of(self.active, &self.product)
    }

    pub fn tag_of(active: bool, product: &str) -> String {
        format!("{}{product}", Price::tag_prefix(active))
    }

    /// What every [`Price::list_tag`] of active (or archived) prices starts with.
    pub fn tag_prefix(active: bool) -> &'static str {
        if active { "active:" } else { "inactive:" }
    }
}
