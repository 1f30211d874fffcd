//! Invoice items (`ii_…`, `/v1/invoiceitems`): a charge (or credit) for a customer, pending
//! until an invoice takes it. One-off invoices are made of them; subscription updates make
//! proration items. What creating one takes, and the line it becomes.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tender_wire::{ApiError, Metadata, MetadataUpdate, Params};

use super::documents::{LineSource, NewLine, Period};
use super::invoice::MAX_AMOUNT;
use crate::Timestamp;
use crate::money;

/// An invoice item as Stripe's API answers it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InvoiceItem {
    pub id: String,
    pub object: String,
    pub amount: i64,
    pub currency: String,
    pub customer: String,
    /// `date` on the wire: when the item was made (named `created` here, as every stored
    /// object's time is).
    #[serde(rename = "date")]
    pub created: Timestamp,
    pub description: Option<String>,
    pub discountable: bool,
    pub discounts: Vec<Value>,
    /// The invoice that took it; `null` while pending.
    pub invoice: Option<String>,
    pub livemode: bool,
    pub metadata: Metadata,
    pub net_amount: i64,
    pub parent: Option<Value>,
    pub period: Period,
    pub pricing: Option<Value>,
    pub proration: bool,
    pub quantity: i64,
    pub quantity_decimal: String,
    pub tax_rates: Vec<Value>,
    pub test_clock: Option<String>,
}

/// How the item's amount is given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemAmount {
    /// `amount` (with `currency`), possibly negative (a credit).
    Total(i64),
    /// `unit_amount` × `quantity`.
    PerUnit { unit_amount: i64, quantity: i64 },
    /// An existing price (`price` or `pricing[price]`) × `quantity`, read by the server.
    Price { price: String, quantity: i64 },
}

/// `POST /v1/invoiceitems`.
#[derive(Clone, Debug)]
pub struct InvoiceItemCreate {
    pub customer: String,
    pub amount: ItemAmount,
    pub currency: Option<String>,
    pub description: Option<String>,
    pub invoice: Option<String>,
    pub metadata: Option<MetadataUpdate>,
    pub period: Option<Period>,
    pub discountable: Option<bool>,
}

impl InvoiceItemCreate {
    pub fn take(p: &mut Params) -> Result<InvoiceItemCreate, ApiError> {
        for key in [
            "discounts",
            "tax_rates",
            "tax_code",
            "tax_behavior",
            "subscription",
        ] {
            if p.contains(key) {
                return Err(ApiError::invalid_request(format!(
                    "Tender does not support `{key}` on invoice items (see \
                     docs/COMPATIBILITY.md)."
                ))
                .with_param(key));
            }
        }
        let customer = p.required_string("customer")?;
        let quantity = p.integer("quantity")?;
        if quantity.is_some_and(|q| q < 0) {
            return Err(ApiError::invalid_request(
                "This value must be greater than or equal to 0.",
            )
            .with_param("quantity"));
        }
        let price = match (p.string("price")?, p.object("pricing")?) {
            (Some(price), _) => Some(price),
            (None, Some(mut pricing)) => {
                let price = pricing.string("price")?;
                pricing.finish()?;
                price
            }
            (None, None) => None,
        };
        let amount = match (p.integer("amount")?, p.integer("unit_amount")?, price) {
            (Some(amount), None, None) => {
                if quantity.is_some() {
                    return Err(ApiError::invalid_request(
                        "`quantity` goes with `unit_amount` or `price`, not with `amount`.",
                    )
                    .with_param("quantity"));
                }
                ItemAmount::Total(amount)
            }
            (None, Some(unit_amount), None) => ItemAmount::PerUnit {
                unit_amount,
                quantity: quantity.unwrap_or(1),
            },
            (None, None, Some(price)) => ItemAmount::Price {
                price,
                quantity: quantity.unwrap_or(1),
            },
            (None, None, None) => return Err(ApiError::missing_parameter("amount")),
            _ => {
                return Err(ApiError::invalid_request(
                    "You may only specify one of these parameters: amount, price, unit_amount.",
                )
                .with_param("amount"));
            }
        };
        let currency = match p.string("currency")? {
            Some(code) => Some(money::currency(&code, "currency")?.code.to_owned()),
            None => None,
        };
        if currency.is_none() && !matches!(amount, ItemAmount::Price { .. }) {
            return Err(ApiError::missing_parameter("currency"));
        }
        let period = match p.object("period")? {
            Some(mut period) => {
                let start = period.required_integer("start")?;
                let end = period.required_integer("end")?;
                period.finish()?;
                if end < start {
                    return Err(ApiError::invalid_request(
                        "The period's `end` must not be before its `start`.",
                    )
                    .with_param("period[end]"));
                }
                Some(Period { start, end })
            }
            None => None,
        };
        Ok(InvoiceItemCreate {
            customer,
            amount,
            currency,
            description: p.string("description")?,
            invoice: p.string("invoice")?,
            metadata: p.metadata("metadata")?,
            period,
            discountable: p.boolean("discountable")?,
        })
    }
}

/// What a new invoice item is, once its price (if any) is known.
#[derive(Clone, Debug)]
pub struct NewInvoiceItem {
    pub id: String,
    pub customer: String,
    pub currency: String,
    pub unit_amount: i64,
    pub quantity: i64,
    pub amount: i64,
    pub description: Option<String>,
    pub invoice: Option<String>,
    pub metadata: Metadata,
    pub period: Period,
    pub price: Option<(String, String)>,
    pub proration: bool,
    /// The subscription and item a proration is for.
    pub subscription: Option<(String, String)>,
}

/// `unit_amount × quantity`, within an invoice's limits.
pub fn item_amount(unit_amount: i64, quantity: i64) -> Result<i64, ApiError> {
    unit_amount
        .checked_mul(quantity)
        .filter(|a| a.abs() <= MAX_AMOUNT)
        .ok_or_else(|| {
            ApiError::invalid_request(format!(
                "The amount of this invoice item is larger than the maximum ({MAX_AMOUNT})."
            ))
            .with_param("amount")
        })
}

impl InvoiceItem {
    pub fn new(new: NewInvoiceItem, now: Timestamp) -> InvoiceItem {
        InvoiceItem {
            object: "invoiceitem".to_owned(),
            amount: new.amount,
            currency: new.currency,
            customer: new.customer,
            created: now,
            description: new.description,
            discountable: !new.proration,
            discounts: Vec::new(),
            invoice: new.invoice,
            livemode: false,
            metadata: new.metadata,
            net_amount: new.amount,
            parent: new.subscription.as_ref().map(|(subscription, item)| {
                json!({
                    "type": "subscription_details",
                    "subscription_details": {"subscription": subscription, "subscription_item": item},
                })
            }),
            period: new.period,
            pricing: new.price.as_ref().map(|(price, product)| {
                json!({
                    "type": "price_details",
                    "price_details": {"price": price, "product": product},
                    "unit_amount_decimal": new.unit_amount.to_string(),
                })
            }),
            proration: new.proration,
            quantity: new.quantity,
            quantity_decimal: new.quantity.to_string(),
            tax_rates: Vec::new(),
            test_clock: None,
            id: new.id,
        }
    }

    /// The line this item becomes on an invoice.
    pub fn line(&self, line_id: String) -> NewLine {
        let (price, product) = match &self.pricing {
            Some(pricing) => (
                pricing["price_details"]["price"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                pricing["price_details"]["product"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            ),
            None => (String::new(), String::new()),
        };
        NewLine {
            id: line_id,
            source: LineSource::InvoiceItem {
                invoice_item: self.id.clone(),
            },
            price,
            product,
            unit_amount: if self.quantity == 0 {
                0
            } else {
                self.amount / self.quantity
            },
            quantity: self.quantity,
            amount: self.amount,
            description: self.description.clone().unwrap_or_default(),
            period: self.period,
            metadata: self.metadata.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]

    use super::*;

    fn take(form: &str) -> Result<InvoiceItemCreate, ApiError> {
        let mut p = Params::from_form(form.as_bytes())?;
        let create = InvoiceItemCreate::take(&mut p)?;
        p.finish()?;
        Ok(create)
    }

    #[test]
    fn an_amount_needs_a_currency_and_excludes_quantity() {
        let item = take("customer=cus_1&amount=-500&currency=USD").expect("parses");
        assert_eq!(item.amount, ItemAmount::Total(-500));
        assert_eq!(item.currency.as_deref(), Some("usd"));
        let missing = take("customer=cus_1&amount=500").expect_err("no currency");
        assert_eq!(missing.param.as_deref(), Some("currency"));
        let both = take("customer=cus_1&amount=5&currency=usd&quantity=2").expect_err("both");
        assert_eq!(both.param.as_deref(), Some("quantity"));
    }

    #[test]
    fn unit_amount_or_a_price_times_quantity() {
        let item = take("customer=cus_1&unit_amount=250&quantity=4&currency=usd").expect("parses");
        assert_eq!(
            item.amount,
            ItemAmount::PerUnit {
                unit_amount: 250,
                quantity: 4
            }
        );
        let priced = take("customer=cus_1&pricing[price]=price_1").expect("parses");
        assert_eq!(
            priced.amount,
            ItemAmount::Price {
                price: "price_1".into(),
                quantity: 1
            }
        );
        let none = take("customer=cus_1&currency=usd").expect_err("no amount");
        assert_eq!(none.param.as_deref(), Some("amount"));
        let two = take("customer=cus_1&amount=1&unit_amount=1&currency=usd").expect_err("two");
        assert_eq!(two.param.as_deref(), Some("amount"));
    }

    #[test]
    fn a_line_keeps_the_amount_and_the_item() {
        let item = InvoiceItem::new(
            NewInvoiceItem {
                id: "ii_1".into(),
                customer: "cus_1".into(),
                currency: "usd".into(),
                unit_amount: 250,
                quantity: 4,
                amount: item_amount(250, 4).expect("fits"),
                description: Some("Setup".into()),
                invoice: None,
                metadata: Metadata::new(),
                period: Period { start: 1, end: 1 },
                price: None,
                proration: false,
                subscription: None,
            },
            1,
        );
        let line = item.line("il_1".into());
        assert_eq!(line.amount, 1000);
        assert_eq!(line.unit_amount, 250);
        assert_eq!(line.description, "Setup");
        assert!(
            matches!(line.source, LineSource::InvoiceItem { ref invoice_item } if invoice_item == "ii_1")
        );
    }
}
