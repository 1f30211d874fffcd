//! Prorations of a quantity change in the middle of a period (billing-spec §2.5): a credit for
//! the unused time at the old quantity and a charge for the remaining time at the new one,
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

/// One proration: its amount (negative for the credit), the quantity it is for, and how the
/// invoice line reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proration {
    pub amount: i64,
    pub quantity: i64,
    pub description: String,
}

/// The prorations of moving an item from `old` to `new` units at `now`, within the period
/// `[start, end)`. None when the quantity did not change or the period is over.
pub fn prorate(
    unit_amount: i64,
    old: i64,
    new: i64,
    product_name: &str,
    period: (Timestamp, Timestamp),
    now: Timestamp,
) -> Vec<Proration> {
    let (start, end) = period;
    if old == new || now >= end || end <= start {
        return Vec::new();
    }
    let remaining = i128::from(end - now.max(start));
    let length = i128::from(end - start);
    let share = |quantity: i64| -> i64 {
        let full = i128::from(unit_amount) * i128::from(quantity) * remaining;
        // Rounded half away from zero, to the unit.
        let rounded = (2 * full + length) / (2 * length);
        i64::try_from(rounded).unwrap_or(i64::MAX)
    };
    let after = format_date(now);
    let mut prorations = Vec::new();
    if old > 0 {
        prorations.push(Proration {
            amount: -share(old),
            quantity: old,
            description: format!("Unused time on {old} × {product_name} after {after}"),
        });
    }
    if new > 0 {
        prorations.push(Proration {
            amount: share(new),
            quantity: new,
            description: format!("Remaining time on {new} × {product_name} after {after}"),
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

    #[test]
    fn half_way_through_credits_half_and_charges_half() {
        let period = (START, START + 30 * DAY);
        let now = START + 15 * DAY;
        let lines = prorate(2000, 1, 3, "Gold", period, now);
        assert_eq!(
            lines,
            vec![
                Proration {
                    amount: -1000,
                    quantity: 1,
                    description: "Unused time on 1 × Gold after 16 Jan 2027".into(),
                },
                Proration {
                    amount: 3000,
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
        let lines = prorate(1000, 1, 2, "Gold", period, START + 2 * DAY);
        assert_eq!(lines[0].amount, -333);
        assert_eq!(lines[1].amount, 667);
    }

    #[test]
    fn nothing_when_nothing_changes_or_the_period_is_over() {
        let period = (START, START + DAY);
        assert!(prorate(1000, 2, 2, "Gold", period, START).is_empty());
        assert!(prorate(1000, 1, 2, "Gold", period, START + DAY).is_empty());
        // To zero: the credit only.
        let lines = prorate(1000, 2, 0, "Gold", period, START);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].amount, -2000);
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
