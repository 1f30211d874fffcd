//! Prorations of an item change in the middle of a period (billing-spec §2.5): a credit for
//! the unused time at the old price and quantity and a charge for the remaining time at the
//! new ones (an added item has only the charge, a removed one only the credit),
//! each `unit_amount × quantity × remaining / period`, rounded to the unit, as Stripe
//! prorates by the second. `create_prorations` leaves them pending for the next invoice;
//! `always_invoice` invoices them at once; `none` makes none.

use crate::Timestamp;
use crate::billing::period::format_date;

/// `proration_behavior`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ProrationBehavior {
    #[default]
    CreateProrations,
    AlwaysInvoice,
    None,
}

impl ProrationBehavior {
    pub const NAMES: &[&str] = &["always_invoice", "create_prorations", "none"];

    pub fn parse(name: &str) -> ProrationBehavior {
        match name {
            "always_invoice" => ProrationBehavior::AlwaysInvoice,
            "none" => ProrationBehavior::None,
            _ => ProrationBehavior::CreateProrations,
        }
    }
}

/// One proration: its amount (negative for the credit), the price and quantity it is for,
/// and how the invoice line reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proration {
    pub amount: i64,
    pub price: String,
    pub quantity: i64,
    pub description: String,
}

/// What an item bills on one side of a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Side<'a> {
    pub price: &'a str,
    pub unit_amount: i64,
    pub quantity: i64,
    pub product_name: &'a str,
}

/// The prorations of moving an item from `before` to `after` at `now` (`None`: the item did
/// not exist, or was removed), within the period `[start, end)`. None when nothing billed
/// changed or the period is over.
pub fn prorate(
    before: Option<Side<'_>>,
    after: Option<Side<'_>>,
    period: (Timestamp, Timestamp),
    now: Timestamp,
) -> Vec<Proration> {
    let (start, end) = period;
    let unchanged = match (before, after) {
        (Some(b), Some(a)) => b.price == a.price && b.quantity == a.quantity,
        (None, None) => true,
        _ => false,
    };
    if unchanged || now >= end || end <= start {
        return Vec::new();
    }
    let remaining = i128::from(end - now.max(start));
    let length = i128::from(end - start);
    let share = |side: Side<'_>| -> i64 {
        let full = i128::from(side.unit_amount) * i128::from(side.quantity) * remaining;
        // Rounded half away from zero, to the unit.
        let rounded = (2 * full + length) / (2 * length);
        i64::try_from(rounded).unwrap_or(i64::MAX)
    };
    let after_date = format_date(now);
    let mut prorations = Vec::new();
    if let Some(old) = before.filter(|s| s.quantity > 0) {
        prorations.push(Proration {
            amount: -share(old),
            price: old.price.to_owned(),
            quantity: old.quantity,
            description: format!(
                "Unused time on {} × {} after {after_date}",
                old.quantity, old.product_name
            ),
        });
    }
    if let Some(new) = after.filter(|s| s.quantity > 0) {
        prorations.push(Proration {
            amount: share(new),
            price: new.price.to_owned(),
            quantity: new.quantity,
            description: format!(
                "Remaining time on {} × {} after {after_date}",
                new.quantity, new.product_name
            ),
        });
    }
    prorations
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;
    /// 1 Jan 2027 00:00 UTC.
    const START: Timestamp = 1_798_761_600;

    fn gold(unit_amount: i64, quantity: i64) -> Option<Side<'static>> {
        Some(Side {
            price: "price_gold",
            unit_amount,
            quantity,
            product_name: "Gold",
        })
    }

    #[test]
    fn half_way_through_credits_half_and_charges_half() {
        let period = (START, START + 30 * DAY);
        let now = START + 15 * DAY;
        let lines = prorate(gold(2000, 1), gold(2000, 3), period, now);
        assert_eq!(
            lines,
            vec![
                Proration {
                    amount: -1000,
                    price: "price_gold".into(),
                    quantity: 1,
                    description: "Unused time on 1 × Gold after 16 Jan 2027".into(),
                },
                Proration {
                    amount: 3000,
                    price: "price_gold".into(),
                    quantity: 3,
                    description: "Remaining time on 3 × Gold after 16 Jan 2027".into(),
                },
            ]
        );
    }

    #[test]
    fn amounts_round_to_the_unit() {
        // A third of the period left: 1000 × 1 / 3 = 333.33 → 333; × 2 = 666.67 → 667.
        let period = (START, START + 3 * DAY);
        let lines = prorate(gold(1000, 1), gold(1000, 2), period, START + 2 * DAY);
        assert_eq!(lines[0].amount, -333);
        assert_eq!(lines[1].amount, 667);
    }

    #[test]
    fn nothing_when_nothing_changes_or_the_period_is_over() {
        let period = (START, START + DAY);
        assert!(prorate(gold(1000, 2), gold(1000, 2), period, START).is_empty());
        assert!(prorate(gold(1000, 1), gold(1000, 2), period, START + DAY).is_empty());
        // To zero: the credit only.
        let lines = prorate(gold(1000, 2), gold(1000, 0), period, START);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].amount, -2000);
    }

    #[test]
    fn a_price_change_credits_the_old_price_and_charges_the_new_one() {
        // The doc's example: $100 a month, switched to $200 half way through.
        let period = (START, START + 30 * DAY);
        let platinum = Some(Side {
            price: "price_platinum",
            unit_amount: 20_000,
            quantity: 1,
            product_name: "Platinum",
        });
        let lines = prorate(gold(10_000, 1), platinum, period, START + 15 * DAY);
        let got: Vec<(i64, &str, &str)> = lines
            .iter()
            .map(|p| (p.amount, p.price.as_str(), p.description.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    -5000,
                    "price_gold",
                    "Unused time on 1 × Gold after 16 Jan 2027"
                ),
                (
                    10_000,
                    "price_platinum",
                    "Remaining time on 1 × Platinum after 16 Jan 2027"
                ),
            ]
        );
    }

    #[test]
    fn an_added_item_is_charged_and_a_removed_one_credited() {
        let period = (START, START + 4 * DAY);
        let added = prorate(None, gold(1000, 2), period, START + DAY);
        assert_eq!(added.len(), 1);
        assert_eq!((added[0].amount, added[0].quantity), (1500, 2));
        let removed = prorate(gold(1000, 2), None, period, START + DAY);
        assert_eq!(removed.len(), 1);
        assert_eq!(removed[0].amount, -1500);
        assert!(prorate(None, None, period, START).is_empty());
    }

    #[test]
    fn behaviours_parse_with_stripes_default() {
        assert_eq!(
            ProrationBehavior::parse("always_invoice"),
            ProrationBehavior::AlwaysInvoice
        );
        assert_eq!(ProrationBehavior::parse("none"), ProrationBehavior::None);
        assert_eq!(
            ProrationBehavior::default(),
            ProrationBehavior::CreateProrations
        );
    }
}
