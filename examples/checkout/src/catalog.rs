//! What the shop sells and how a cart is priced. The server is the only place that prices:
//! the page shows the server's quote and the PaymentIntent's amount is recomputed here from
//! the cart, so a customer who edits the page's JavaScript changes nothing they are charged.

use serde::{Deserialize, Serialize};

/// The currency a cart is priced in when it names none.
pub const CURRENCY: &str = "usd";
/// The currencies the shop sells in. A product costs the same number in each (its
/// `unit_amount` is in the smallest unit of the cart's currency: cents).
pub const CURRENCIES: &[&str] = &["usd", "eur"];

/// The payment method types offered for a currency, where the shop names them instead of
/// leaving them to automatic payment methods: euros add SEPA Direct Debit, which neither
/// Tender nor a Stripe account without it enabled in the Dashboard offers by default. The
/// page's Payment Element is given the same list, so it shows the tabs the intent accepts.
pub fn payment_method_types(currency: &str) -> Option<&'static [&'static str]> {
    match currency {
        "eur" => Some(&["card", "sepa_debit"]),
        _ => None,
    }
}
/// More than this many of one item is surely a typo.
pub const MAX_QUANTITY: u32 = 10;

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Product {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub unit_amount: i64,
}

pub const PRODUCTS: &[Product] = &[
    Product {
        id: "tee",
        name: "Tender T-shirt",
        description: "Organic cotton, a crab on the front.",
        unit_amount: 2500,
    },
    Product {
        id: "mug",
        name: "Ferris mug",
        description: "Holds 350 ml of coffee, dishwasher safe.",
        unit_amount: 1200,
    },
    Product {
        id: "stickers",
        name: "Sticker pack",
        description: "Ten vinyl stickers for your laptop.",
        unit_amount: 500,
    },
    Product {
        id: "hoodie",
        name: "Hoodie",
        description: "Warm, with a zip and deep pockets.",
        unit_amount: 5500,
    },
];

/// A discount code: a percentage or a fixed amount off the subtotal.
#[derive(Clone, Copy, Debug)]
pub enum Discount {
    Percent(i64),
    Fixed(i64),
}

pub const DISCOUNT_CODES: &[(&str, Discount)] = &[
    ("WELCOME10", Discount::Percent(10)),
    ("FIVEOFF", Discount::Fixed(500)),
];

/// What the browser sends: product ids and quantities, maybe a code and a currency. No
/// prices.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Cart {
    #[serde(default)]
    pub items: Vec<CartItem>,
    #[serde(default)]
    pub discount_code: Option<String>,
    /// `usd` (the default) or `eur`.
    #[serde(default)]
    pub currency: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct CartItem {
    pub product: String,
    pub quantity: u32,
}

/// A priced cart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub currency: String,
    pub lines: Vec<Line>,
    pub subtotal: i64,
    pub discount: Option<AppliedDiscount>,
    pub total: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub product: String,
    pub name: String,
    pub unit_amount: i64,
    pub quantity: u32,
    pub amount: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedDiscount {
    pub code: String,
    pub amount: i64,
}

/// Why a cart cannot be priced; the message is shown to the customer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CartError {
    #[error("Your cart is empty.")]
    Empty,
    #[error("We don't sell {0:?}.")]
    UnknownProduct(String),
    #[error("You can buy at most {MAX_QUANTITY} of each item.")]
    TooMany,
    #[error("The discount code {0:?} is not valid.")]
    UnknownCode(String),
    #[error("We don't sell in {0:?}.")]
    UnknownCurrency(String),
}

/// Prices a cart. Lines with quantity 0 are dropped; the same product twice is merged.
pub fn price(cart: &Cart) -> Result<Quote, CartError> {
    let currency = match cart.currency.as_deref().map(str::trim) {
        None | Some("") => CURRENCY.to_owned(),
        Some(code) => {
            let code = code.to_ascii_lowercase();
            if !CURRENCIES.contains(&code.as_str()) {
                return Err(CartError::UnknownCurrency(code));
            }
            code
        }
    };
    let mut lines: Vec<Line> = Vec::new();
    for item in &cart.items {
        let product = PRODUCTS
            .iter()
            .find(|p| p.id == item.product)
            .ok_or_else(|| CartError::UnknownProduct(item.product.clone()))?;
        if item.quantity == 0 {
            continue;
        }
        match lines.iter_mut().find(|l| l.product == product.id) {
            Some(line) => line.quantity = line.quantity.saturating_add(item.quantity),
            None => lines.push(Line {
                product: product.id.to_owned(),
                name: product.name.to_owned(),
                unit_amount: product.unit_amount,
                quantity: item.quantity,
                amount: 0,
            }),
        }
    }
    if lines.is_empty() {
        return Err(CartError::Empty);
    }
    for line in &mut lines {
        if line.quantity > MAX_QUANTITY {
            return Err(CartError::TooMany);
        }
        line.amount = line.unit_amount * i64::from(line.quantity);
    }
    let subtotal: i64 = lines.iter().map(|l| l.amount).sum();
    let discount = match cart.discount_code.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(discount(code, subtotal)?),
    };
    let total = subtotal - discount.as_ref().map_or(0, |d| d.amount);
    Ok(Quote {
        currency,
        lines,
        subtotal,
        discount,
        total,
    })
}

fn discount(code: &str, subtotal: i64) -> Result<AppliedDiscount, CartError> {
    let (name, rule) = DISCOUNT_CODES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(code))
        .ok_or_else(|| CartError::UnknownCode(code.to_owned()))?;
    let amount = match rule {
        // Rounded up: the customer never gets less than the advertised percentage.
        Discount::Percent(percent) => (subtotal * percent + 99) / 100,
        Discount::Fixed(amount) => *amount,
    };
    Ok(AppliedDiscount {
        code: (*name).to_owned(),
        // A discount never makes the order free: card payments have a minimum amount.
        amount: amount.min(subtotal - 50).max(0),
    })
}

/// `1234, "usd"` → `$12.34`; other currencies as `12.34 EUR`.
pub fn format_amount(amount: i64, currency: &str) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    let (units, cents) = (amount.abs() / 100, amount.abs() % 100);
    if currency.eq_ignore_ascii_case("usd") {
        format!("{sign}${units}.{cents:02}")
    } else {
        format!("{sign}{units}.{cents:02} {}", currency.to_ascii_uppercase())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn cart(items: &[(&str, u32)], code: Option<&str>) -> Cart {
        Cart {
            items: items
                .iter()
                .map(|(product, quantity)| CartItem {
                    product: (*product).to_owned(),
                    quantity: *quantity,
                })
                .collect(),
            discount_code: code.map(str::to_owned),
            currency: None,
        }
    }

    #[test]
    fn prices_lines_and_merges_repeated_products() {
        let quote = price(&cart(&[("tee", 2), ("mug", 1), ("tee", 1)], None)).unwrap();
        assert_eq!(quote.lines.len(), 2);
        assert_eq!(quote.lines[0].quantity, 3);
        assert_eq!(quote.subtotal, 3 * 2500 + 1200);
        assert_eq!(quote.total, quote.subtotal);
    }

    #[test]
    fn discount_codes_are_case_insensitive() {
        let quote = price(&cart(&[("tee", 2)], Some("welcome10"))).unwrap();
        assert_eq!(quote.discount.as_ref().unwrap().code, "WELCOME10");
        assert_eq!(quote.total, 5000 - 500);
        let fixed = price(&cart(&[("stickers", 1)], Some("FIVEOFF"))).unwrap();
        assert_eq!(fixed.total, 50, "never below the card minimum");
    }

    #[test]
    fn refuses_what_it_cannot_price() {
        assert_eq!(price(&cart(&[], None)), Err(CartError::Empty));
        assert_eq!(price(&cart(&[("tee", 0)], None)), Err(CartError::Empty));
        assert_eq!(
            price(&cart(&[("yacht", 1)], None)),
            Err(CartError::UnknownProduct("yacht".into()))
        );
        assert_eq!(price(&cart(&[("tee", 11)], None)), Err(CartError::TooMany));
        assert_eq!(
            price(&cart(&[("tee", 1)], Some("FREE"))),
            Err(CartError::UnknownCode("FREE".into()))
        );
    }

    #[test]
    fn prices_in_euros_when_asked_and_offers_sepa_debit_there() {
        let mut euros = cart(&[("tee", 1)], Some("FIVEOFF"));
        euros.currency = Some("EUR".into());
        let quote = price(&euros).unwrap();
        assert_eq!(quote.currency, "eur");
        assert_eq!(quote.total, 2000);
        assert_eq!(price(&cart(&[("tee", 1)], None)).unwrap().currency, "usd");
        euros.currency = Some("gbp".into());
        assert_eq!(price(&euros), Err(CartError::UnknownCurrency("gbp".into())));
        assert_eq!(
            payment_method_types("eur"),
            Some(&["card", "sepa_debit"][..])
        );
        assert_eq!(payment_method_types("usd"), None);
    }

    #[test]
    fn formats_amounts() {
        assert_eq!(format_amount(1234, "usd"), "$12.34");
        assert_eq!(format_amount(5, "usd"), "$0.05");
        assert_eq!(format_amount(1000, "eur"), "10.00 EUR");
    }
}
