//! The lines a subscription bills for one period: one per item, `unit_amount × quantity`,
//! described as Stripe describes them ("1 × Gold (at $20.00 / month)"), or a $0 "Trial
//! period for Gold" line while the subscription is trialing.

use tender_wire::{ApiError, Metadata};

use super::documents::{LineSource, NewLine, Period};
use super::invoice::{Amounts, line_amount};
use super::subscription::SubscriptionItem;
use crate::money;

/// An item with what its line shows of its product.
pub struct BilledItem<'a> {
    pub item: &'a SubscriptionItem,
    pub product_name: &'a str,
    /// `items[i]`, for errors.
    pub param: String,
}

/// The lines and amounts of `subscription`'s invoice for `period`. `line_id` makes each
/// line's id.
pub fn subscription_lines(
    subscription: &str,
    items: &[BilledItem<'_>],
    trialing: bool,
    period: Period,
    mut line_id: impl FnMut() -> String,
) -> Result<(Vec<NewLine>, Amounts), ApiError> {
    let mut lines = Vec::with_capacity(items.len());
    for billed in items {
        let price = &billed.item.price;
        let unit_amount = price.unit_amount.unwrap_or(0);
        let quantity = billed.item.quantity;
        let (amount, description) = if trialing {
            (0, format!("Trial period for {}", billed.product_name))
        } else {
            let amount = line_amount(
                unit_amount,
                quantity,
                &format!("{}[quantity]", billed.param),
            )?;
            (amount, describe(quantity, billed.product_name, billed.item))
        };
        lines.push(NewLine {
            id: line_id(),
            source: LineSource::SubscriptionItem {
                subscription: subscription.to_owned(),
                item: billed.item.id.clone(),
            },
            price: price.id.clone(),
            product: price.product.clone(),
            unit_amount,
            quantity,
            amount,
            description,
            period,
            metadata: Metadata::new(),
        });
    }
    let amounts = Amounts::of_lines(&lines.iter().map(|l| l.amount).collect::<Vec<_>>())?;
    Ok((lines, amounts))
}

/// "2 × Gold (at $20.00 / month)", "1 × Gold (at $50.00 / every 3 months)".
fn describe(quantity: i64, product_name: &str, item: &SubscriptionItem) -> String {
    let price = &item.price;
    let unit = match money::currency(&price.currency, "currency") {
        Ok(currency) => currency.format(price.unit_amount.unwrap_or(0)),
        Err(_) => format!("{} {}", price.unit_amount.unwrap_or(0), price.currency),
    };
    let every = match item.recurring() {
        Some(r) if r.interval_count == 1 => r.interval.as_str().to_owned(),
        Some(r) => format!("every {} {}s", r.interval_count, r.interval.as_str()),
        None => "once".to_owned(),
    };
    format!("{quantity} × {product_name} (at {unit} / {every})")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]

    use serde_json::Value;

    use super::*;
    use crate::price::params::PriceTerms;
    use crate::price::{Interval, Price, Recurring};
    use tender_wire::Params;

    fn price(amount: i64, interval: Interval, count: i64) -> Price {
        let mut p = Params::from_form(format!("currency=usd&unit_amount={amount}").as_bytes())
            .expect("form");
        let mut terms = PriceTerms::take(&mut p, false).expect("terms");
        terms.recurring = Some(Recurring {
            interval,
            interval_count: count,
            meter: None,
            trial_period_days: None,
            usage_type: "licensed".to_owned(),
        });
        terms
            .build("price_1".into(), "prod_1".into(), true, 0)
            .expect("price")
    }

    fn item(price: Price, quantity: i64) -> SubscriptionItem {
        SubscriptionItem {
            id: "si_1".into(),
            object: "subscription_item".into(),
            billing_thresholds: None,
            created: 0,
            current_period_end: 0,
            current_period_start: 0,
            discounts: Vec::new(),
            metadata: Metadata::new(),
            plan: Value::Null,
            price,
            quantity,
            subscription: "sub_1".into(),
            tax_rates: Vec::new(),
        }
    }

    const PERIOD: Period = Period {
        start: 100,
        end: 200,
    };

    fn lines_of(items: &[SubscriptionItem], trialing: bool) -> (Vec<NewLine>, Amounts) {
        let billed: Vec<_> = items
            .iter()
            .enumerate()
            .map(|(i, item)| BilledItem {
                item,
                product_name: "Gold",
                param: format!("items[{i}]"),
            })
            .collect();
        let mut n = 0;
        subscription_lines("sub_1", &billed, trialing, PERIOD, || {
            n += 1;
            format!("il_{n}")
        })
        .expect("lines")
    }

    #[test]
    fn each_item_is_a_line_of_unit_amount_times_quantity() {
        let items = [
            item(price(2000, Interval::Month, 1), 2),
            item(price(500, Interval::Month, 1), 1),
        ];
        let (lines, amounts) = lines_of(&items, false);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].id, "il_1");
        assert_eq!(lines[0].amount, 4000);
        assert_eq!(lines[0].description, "2 × Gold (at $20.00 / month)");
        assert_eq!(lines[1].amount, 500);
        assert_eq!(lines[0].period, PERIOD);
        assert_eq!(amounts.total, 4500);
        assert_eq!(amounts.amount_due, 4500);
        assert_eq!(amounts.amount_remaining, 4500);
    }

    #[test]
    fn intervals_of_several_units_say_every() {
        let items = [item(price(5000, Interval::Month, 3), 1)];
        let (lines, _) = lines_of(&items, false);
        assert_eq!(
            lines[0].description,
            "1 × Gold (at $50.00 / every 3 months)"
        );
    }

    #[test]
    fn a_trial_bills_nothing() {
        let items = [item(price(2000, Interval::Month, 1), 3)];
        let (lines, amounts) = lines_of(&items, true);
        assert_eq!(lines[0].amount, 0);
        assert_eq!(lines[0].quantity, 3);
        assert_eq!(lines[0].description, "Trial period for Gold");
        assert_eq!(amounts.amount_due, 0);
    }

    #[test]
    fn a_line_too_large_names_the_quantity() {
        let items = [item(price(99_999_999, Interval::Month, 1), 2)];
        let billed = [BilledItem {
            item: &items[0],
            product_name: "Gold",
            param: "items[0]".into(),
        }];
        let refused = subscription_lines("sub_1", &billed, false, PERIOD, || "il".into())
            .expect_err("too large");
        assert_eq!(refused.param.as_deref(), Some("items[0][quantity]"));
    }
}
