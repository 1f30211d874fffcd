//! The filters of `GET /v1/prices`. The store answers them in one read: `active` and
//! `product` through the list column ([`Price::list_tag`]), the prices holding
//! `lookup_keys[]` by id, and the rest as conditions on the stored body
//! ([`PriceFilter::body_fields`]) that narrow that index range.

use serde_json::{Value, json};
use tender_wire::{ApiError, Params};

use super::{Interval, Price, PriceType};
use crate::money;

/// Most lookup keys one list may name.
pub const MAX_LOOKUP_KEYS: usize = 10;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PriceFilter {
    /// Stripe lists active prices unless `active=false` is asked for ("Returns a list of
    /// your active prices … For the list of inactive prices, set active to false").
    pub active: bool,
    pub product: Option<String>,
    pub kind: Option<PriceType>,
    pub currency: Option<String>,
    pub interval: Option<Interval>,
    pub usage_type: Option<String>,
    /// `lookup_keys[]`: only the prices holding these keys.
    pub lookup_keys: Option<Vec<String>>,
}

impl PriceFilter {
    pub fn take(p: &mut Params) -> Result<PriceFilter, ApiError> {
        let currency = match p.string("currency")? {
            Some(code) => Some(money::currency(&code, "currency")?.code.to_owned()),
            None => None,
        };
        let (interval, usage_type) = match p.object("recurring")? {
            Some(mut r) => {
                let interval = r
                    .enumeration("interval", Interval::NAMES)?
                    .and_then(|name| Interval::parse(&name));
                let usage_type = r.enumeration("usage_type", &["licensed", "metered"])?;
                r.finish()?;
                (interval, usage_type)
            }
            None => (None, None),
        };
        let lookup_keys = p.string_list("lookup_keys")?;
        if let Some(keys) = &lookup_keys
            && keys.len() > MAX_LOOKUP_KEYS
        {
            return Err(ApiError::invalid_request(format!(
                "Invalid array: lookup_keys must have at most {MAX_LOOKUP_KEYS} items."
            ))
            .with_param("lookup_keys"));
        }
        Ok(PriceFilter {
            active: p.boolean("active")?.unwrap_or(true),
            product: p.string("product")?,
            kind: p
                .enumeration("type", PriceType::NAMES)?
                .and_then(|name| PriceType::parse(&name)),
            currency,
            interval,
            usage_type,
            lookup_keys,
        })
    }

    /// The list column value (exact, with a product) or prefix (without) of the prices
    /// this filter lists.
    pub fn tag(&self) -> (String, bool) {
        match &self.product {
            Some(product) => (Price::tag_of(self.active, product), true),
            None => (Price::tag_prefix(self.active).to_owned(), false),
        }
    }

    /// The other filters, as (dotted path in the price's JSON, value it must equal).
    pub fn body_fields(&self) -> Vec<(&'static str, Value)> {
        let mut fields = Vec::new();
        if let Some(kind) = self.kind {
            fields.push(("type", json!(kind)));
        }
        if let Some(currency) = &self.currency {
            fields.push(("currency", json!(currency)));
        }
        if let Some(interval) = self.interval {
            fields.push(("recurring.interval", json!(interval)));
        }
        if let Some(usage_type) = &self.usage_type {
            fields.push(("recurring.usage_type", json!(usage_type)));
        }
        fields
    }
}
