//! What creating and updating a price take, and Stripe's rules on them.
//!
//! [`PriceTerms`] is what every way of creating a price shares: `POST /v1/prices` and a
//! product's `default_price_data` (and, later, a subscription item's `price_data`).

use tender_wire::{ApiError, Field, MetadataUpdate, Params};

use super::amount::{Amount, take_amount};
use super::{Interval, Price, PriceType, Recurring};
use crate::Timestamp;
use crate::money;
use crate::product::Product;

/// Longest lookup key, in characters.
pub const MAX_LOOKUP_KEY_CHARS: usize = 200;

const TAX_BEHAVIORS: &[&str] = &["exclusive", "inclusive", "unspecified"];
const USAGE_TYPES: &[&str] = &["licensed", "metered"];

/// The terms of a new price: currency, amount, interval, tax behaviour, metadata.
#[derive(Clone, Debug)]
pub struct PriceTerms {
    pub currency: String,
    pub amount: Amount,
    pub recurring: Option<Recurring>,
    pub tax_behavior: Option<String>,
    pub metadata: Option<MetadataUpdate>,
}

/// What may be said about the price's product on `POST /v1/prices`.
#[derive(Clone, Debug)]
pub enum ProductSource {
    /// `product=prod_…`: an existing product of the account.
    Existing(String),
    /// `product_data[…]`: a new `service` product created with the price.
    New(ProductData),
}

/// `product_data`: the few product fields a price may create its product with.
#[derive(Clone, Debug, Default)]
pub struct ProductData {
    pub id: Option<String>,
    pub name: String,
    pub active: Option<bool>,
    pub metadata: Option<MetadataUpdate>,
    pub statement_descriptor: Option<String>,
    pub tax_code: Option<String>,
    pub unit_label: Option<String>,
}

/// `POST /v1/prices`.
#[derive(Clone, Debug)]
pub struct PriceCreate {
    pub product: ProductSource,
    pub terms: PriceTerms,
    pub active: bool,
    pub lookup_key: Option<String>,
    pub transfer_lookup_key: bool,
    pub nickname: Option<String>,
}

/// `POST /v1/prices/:id`: amounts, currency, interval and product never change.
#[derive(Clone, Debug, Default)]
pub struct PriceUpdate {
    pub active: Option<bool>,
    pub lookup_key: Option<Field<String>>,
    pub transfer_lookup_key: bool,
    pub metadata: Option<MetadataUpdate>,
    pub nickname: Option<Field<String>>,
    pub tax_behavior: Option<String>,
}

/// Parameters of Stripe's Price API that Tender does not simulate: refused by name rather
/// than as unknown, so that the answer says what is missing.
const UNSUPPORTED: &[&str] = &[
    "currency_options",
    "tiers",
    "tiers_mode",
    "transform_quantity",
];

/// Refuses a Stripe parameter Tender does not implement.
pub fn unsupported(param: &str) -> ApiError {
    ApiError::invalid_request(format!(
        "Tender does not support `{param}` on prices (see docs/COMPATIBILITY.md, \"Billing: \
         Products and Prices\")."
    ))
    .with_param(param)
}

impl PriceTerms {
    /// Takes the terms from `p`: the top level of `POST /v1/prices` (`full`: with
    /// `recurring[usage_type]` and `recurring[trial_period_days]`), or a `default_price_data`.
    pub fn take(p: &mut Params, full: bool) -> Result<PriceTerms, ApiError> {
        for key in UNSUPPORTED {
            if p.contains(key) {
                return Err(unsupported(&p.name(key)));
            }
        }
        let currency_param = p.name("currency");
        let currency = money::currency(&p.required_string("currency")?, &currency_param)?;
        let recurring = match p.object("recurring")? {
            Some(mut r) => Some(take_recurring(&mut r, full)?),
            None => None,
        };
        let amount = take_amount(p)?;
        if let (Amount::Custom(_), Some(_)) = (&amount, &recurring) {
            return Err(ApiError::invalid_request(
                "`custom_unit_amount` is only supported for one-time prices.",
            )
            .with_param(p.name("custom_unit_amount")));
        }
        Ok(PriceTerms {
            currency: currency.code.to_owned(),
            amount,
            recurring,
            tax_behavior: p.enumeration("tax_behavior", TAX_BEHAVIORS)?,
            metadata: p.metadata("metadata")?,
        })
    }

    /// The new price these terms describe.
    pub fn build(
        self,
        id: String,
        product: String,
        active: bool,
        now: Timestamp,
    ) -> Result<Price, ApiError> {
        let (unit_amount, unit_amount_decimal, custom_unit_amount) = match self.amount {
            Amount::Units(units) => (Some(units), Some(units.to_string()), None),
            Amount::Fraction(decimal) => (None, Some(decimal), None),
            Amount::Custom(custom) => (None, None, Some(custom)),
        };
        let mut price = Price {
            id,
            object: "price".to_owned(),
            active,
            billing_scheme: "per_unit".to_owned(),
            created: now,
            currency: self.currency,
            custom_unit_amount,
            livemode: false,
            lookup_key: None,
            metadata: Default::default(),
            nickname: None,
            product,
            kind: PriceType::of(self.recurring.as_ref()),
            recurring: self.recurring,
            tax_behavior: Some(
                self.tax_behavior
                    .unwrap_or_else(|| "unspecified".to_owned()),
            ),
            tiers_mode: None,
            transform_quantity: None,
            unit_amount,
            unit_amount_decimal,
        };
        if let Some(metadata) = self.metadata {
            metadata.apply(&mut price.metadata, "metadata")?;
        }
        Ok(price)
    }
}

impl PriceCreate {
    pub fn take(p: &mut Params) -> Result<PriceCreate, ApiError> {
        if let Some(scheme) = p.enumeration("billing_scheme", &["per_unit", "tiered"])?
            && scheme == "tiered"
        {
            return Err(unsupported("billing_scheme"));
        }
        let product = match (p.string("product")?, p.object("product_data")?) {
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid_request(
                    "You may only specify one of these parameters: product, product_data.",
                )
                .with_param("product"));
            }
            (Some(id), None) => ProductSource::Existing(id),
            (None, Some(mut data)) => {
                let source = ProductSource::New(ProductData::take(&mut data)?);
                data.finish()?;
                source
            }
            (None, None) => {
                return Err(ApiError::invalid_request(
                    "You must specify either `product` or `product_data` when creating a price.",
                ));
            }
        };
        let terms = PriceTerms::take(p, true)?;
        Ok(PriceCreate {
            product,
            terms,
            active: p.boolean("active")?.unwrap_or(true),
            lookup_key: take_lookup_key(p)?.and_then(Field::set),
            transfer_lookup_key: p.boolean("transfer_lookup_key")?.unwrap_or(false),
            nickname: p.string("nickname")?,
        })
    }

    /// The new price, for `product`, as created by this request.
    pub fn build(self, id: String, product: String, now: Timestamp) -> Result<Price, ApiError> {
        let mut price = self.terms.build(id, product, self.active, now)?;
        price.lookup_key = self.lookup_key;
        price.nickname = self.nickname;
        Ok(price)
    }
}

impl ProductData {
    fn take(p: &mut Params) -> Result<ProductData, ApiError> {
        let statement_descriptor = p.string("statement_descriptor")?;
        if let Some(descriptor) = &statement_descriptor {
            crate::product::check_statement_descriptor(
                descriptor,
                &p.name("statement_descriptor"),
            )?;
        }
        Ok(ProductData {
            id: p.string("id")?,
            name: p.required_string("name")?,
            active: p.boolean("active")?,
            metadata: p.metadata("metadata")?,
            statement_descriptor,
            tax_code: p.string("tax_code")?,
            unit_label: p.string("unit_label")?,
        })
    }
}

impl ProductData {
    /// The new `service` product, with id `id` (the one given, or a new one).
    pub fn build(self, id: String, now: Timestamp) -> Result<Product, ApiError> {
        let mut product = Product::new(id, self.name, now);
        if let Some(active) = self.active {
            product.active = active;
        }
        if let Some(metadata) = self.metadata {
            metadata.apply(&mut product.metadata, "product_data[metadata]")?;
        }
        product.statement_descriptor = self.statement_descriptor;
        product.tax_code = self.tax_code;
        product.unit_label = self.unit_label;
        Ok(product)
    }
}

impl PriceUpdate {
    pub fn take(p: &mut Params) -> Result<PriceUpdate, ApiError> {
        if p.contains("currency_options") {
            return Err(unsupported("currency_options"));
        }
        Ok(PriceUpdate {
            active: p.boolean("active")?,
            lookup_key: take_lookup_key(p)?,
            transfer_lookup_key: p.boolean("transfer_lookup_key")?.unwrap_or(false),
            metadata: p.metadata("metadata")?,
            nickname: present(p.string_field("nickname")?),
            tax_behavior: p.enumeration("tax_behavior", TAX_BEHAVIORS)?,
        })
    }

    /// Applies the update. The lookup key is applied as given: the caller has moved it (see
    /// [`super::lookup_key`]).
    pub fn apply(&self, price: &mut Price) -> Result<(), ApiError> {
        if let Some(behavior) = &self.tax_behavior {
            let fixed = price
                .tax_behavior
                .as_deref()
                .filter(|current| *current != "unspecified");
            if let Some(current) = fixed
                && current != behavior
            {
                return Err(ApiError::invalid_request(
                    "Once specified as either `inclusive` or `exclusive`, the price's \
                     `tax_behavior` cannot be changed.",
                )
                .with_param("tax_behavior"));
            }
            price.tax_behavior = Some(behavior.clone());
        }
        if let Some(active) = self.active {
            price.active = active;
        }
        if let Some(key) = &self.lookup_key {
            price.lookup_key = key.clone().set();
        }
        if let Some(metadata) = &self.metadata {
            metadata.apply(&mut price.metadata, "metadata")?;
        }
        if let Some(nickname) = &self.nickname {
            price.nickname = nickname.clone().set();
        }
        Ok(())
    }
}

fn take_lookup_key(p: &mut Params) -> Result<Option<Field<String>>, ApiError> {
    let key = p.string_field("lookup_key")?;
    if let Field::Set(key) = &key
        && key.chars().count() > MAX_LOOKUP_KEY_CHARS
    {
        return Err(ApiError::invalid_request(format!(
            "Invalid lookup_key: must be at most {MAX_LOOKUP_KEY_CHARS} characters"
        ))
        .with_param("lookup_key"));
    }
    Ok(present(key))
}

fn present<T>(field: Field<T>) -> Option<Field<T>> {
    (!field.is_absent()).then_some(field)
}

fn take_recurring(r: &mut Params, full: bool) -> Result<Recurring, ApiError> {
    if r.contains("meter") {
        return Err(unsupported(&r.name("meter")));
    }
    let interval = r
        .enumeration("interval", Interval::NAMES)?
        .and_then(|name| Interval::parse(&name))
        .ok_or_else(|| ApiError::missing_parameter(&r.name("interval")))?;
    let interval_count = r.integer("interval_count")?.unwrap_or(1);
    if interval_count < 1 {
        return Err(
            ApiError::invalid_request("This value must be greater than or equal to 1.")
                .with_param(r.name("interval_count")),
        );
    }
    if interval_count > interval.max_count() {
        return Err(ApiError::invalid_request(format!(
            "The maximum billing interval is three years (3 years, 36 months, 156 weeks or 1095 \
             days); {interval_count} {} is longer.",
            interval.as_str()
        ))
        .with_param(r.name("interval_count")));
    }
    let (usage_type, trial_period_days) = if full {
        (
            r.enumeration("usage_type", USAGE_TYPES)?,
            r.integer("trial_period_days")?,
        )
    } else {
        (None, None)
    };
    if usage_type.as_deref() == Some("metered") {
        return Err(ApiError::invalid_request(
            "Starting with Stripe version `2025-03-31.basil`, metered prices must be backed by \
             meters.",
        )
        .with_param(r.name("usage_type")));
    }
    if let Some(days) = trial_period_days
        && !(1..=730).contains(&days)
    {
        return Err(
            ApiError::invalid_request("trial_period_days must be between 1 and 730.")
                .with_param(r.name("trial_period_days")),
        );
    }
    Ok(Recurring {
        interval,
        interval_count,
        meter: None,
        trial_period_days,
        usage_type: "licensed".to_owned(),
    })
}
