//! The filters of `GET /v1/prices`, as one predicate over a price. The server reads the
//! store through the list column ([`Price::list_tag`]) that narrows them most, then keeps
//! what [`PriceFilter::matches`].

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

    /// Whether `price` is in the list this filter asks for.
    pub fn matches(&self, price: &Price) -> bool {
        let recurring = price.recurring.as_ref();
        price.active == self.active
            && self.product.as_ref().is_none_or(|p| *p == price.product)
            && self.kind.is_none_or(|kind| kind == price.kind)
            && self.currency.as_ref().is_none_or(|c| *c == price.currency)
            && self
                .interval
                .is_none_or(|i| recurring.is_some_and(|r| r.interval == i))
            && self
                .usage_type
                .as_ref()
                .is_none_or(|u| recurring.is_some_and(|r| r.usage_type == *u))
            && self.lookup_keys.as_ref().is_none_or(|keys| {
                price
                    .lookup_key
                    .as_ref()
                    .is_some_and(|key| keys.contains(key))
            })
    }
}
