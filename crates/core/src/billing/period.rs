//! Billing periods: where a subscription item's period ends and its next invoice falls.
//!
//! A period is `interval_count` `interval`s from the billing cycle anchor. Months and years
//! keep the anchor's day of the month and clamp it to the month's last day (an anchor on
//! January 31 renews on February 28 or 29, then on March 31: the anchor's day comes back),
//! as Stripe documents for `billing_cycle_anchor`. Days and weeks are exact multiples of
//! 86,400 seconds (Tender's clock is UTC; there is no daylight-saving shift to follow).

use crate::Timestamp;
use crate::price::Interval;

const DAY: i64 = 86_400;

/// The end of the `n`-th period after `anchor` (n = 1 is the end of the first period).
pub fn period_end(anchor: Timestamp, interval: Interval, count: i64, n: i64) -> Timestamp {
    let steps = count.saturating_mul(n);
    match interval {
        Interval::Day => anchor.saturating_add(steps.saturating_mul(DAY)),
        Interval::Week => anchor.saturating_add(steps.saturating_mul(7 * DAY)),
        Interval::Month => add_months(anchor, steps),
        Interval::Year => add_months(anchor, steps.saturating_mul(12)),
    }
}

/// The period `[start, end)` that contains `now`, for a subscription anchored at `anchor`:
/// what a scheduler reads to know the current period and when the next invoice is due
/// (`end`). Before the anchor, the first period.
pub fn current_period(
    anchor: Timestamp,
    interval: Interval,
    count: i64,
    now: Timestamp,
) -> (Timestamp, Timestamp) {
    let mut start = anchor;
    let mut n = 1;
    loop {
        let end = period_end(anchor, interval, count, n);
        if now < end || end <= start {
            return (start, end);
        }
        start = end;
        n += 1;
    }
}

/// `ts` as invoice lines write a date: "7 Dec 2026" (UTC).
pub fn format_date(ts: Timestamp) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (year, month, day) = civil_from_days(ts.div_euclid(DAY));
    let name = MONTHS[usize::try_from(month - 1).unwrap_or(0).min(11)];
    format!("{day} {name} {year}")
}

/// `ts` moved by `months` calendar months, the day clamped to the target month's length.
fn add_months(ts: Timestamp, months: i64) -> Timestamp {
    let days = ts.div_euclid(DAY);
    let seconds = ts.rem_euclid(DAY);
    let (year, month, day) = civil_from_days(days);
    let index = year * 12 + (month - 1) + months;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let day = day.min(days_in_month(year, month));
    days_from_civil(year, month, day) * DAY + seconds
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day count since 1970-01-01: the inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-01-31T12:00:00Z.
    const JAN_31: Timestamp = 1_769_860_800;

    fn date(ts: Timestamp) -> (i64, i64, i64) {
        civil_from_days(ts.div_euclid(DAY))
    }

    #[test]
    fn the_civil_calendar_round_trips() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(date(JAN_31), (2026, 1, 31));
        for days in [-800_000, -1, 0, 59, 11_016, 20_000, 800_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn a_month_keeps_the_anchor_day_clamped_to_the_month() {
        assert_eq!(
            date(period_end(JAN_31, Interval::Month, 1, 1)),
            (2026, 2, 28)
        );
        // The anchor's day comes back once the month is long enough.
        assert_eq!(
            date(period_end(JAN_31, Interval::Month, 1, 2)),
            (2026, 3, 31)
        );
        assert_eq!(
            date(period_end(JAN_31, Interval::Month, 1, 3)),
            (2026, 4, 30)
        );
        // A leap year's February.
        let jan_31_2028 = days_from_civil(2028, 1, 31) * DAY;
        assert_eq!(
            date(period_end(jan_31_2028, Interval::Month, 1, 1)),
            (2028, 2, 29)
        );
        // The time of day is kept.
        assert_eq!(
            period_end(JAN_31, Interval::Month, 1, 1).rem_euclid(DAY),
            12 * 3600
        );
        // Three months at a time, and across a year's end.
        assert_eq!(
            date(period_end(JAN_31, Interval::Month, 3, 4)),
            (2027, 1, 31)
        );
    }

    #[test]
    fn days_weeks_and_years() {
        assert_eq!(period_end(JAN_31, Interval::Day, 1, 1), JAN_31 + DAY);
        assert_eq!(period_end(JAN_31, Interval::Week, 2, 1), JAN_31 + 14 * DAY);
        let feb_29 = days_from_civil(2028, 2, 29) * DAY;
        assert_eq!(
            date(period_end(feb_29, Interval::Year, 1, 1)),
            (2029, 2, 28)
        );
        assert_eq!(
            date(period_end(feb_29, Interval::Year, 1, 4)),
            (2032, 2, 29)
        );
    }

    #[test]
    fn the_current_period_contains_now() {
        let first_end = period_end(JAN_31, Interval::Month, 1, 1);
        assert_eq!(
            current_period(JAN_31, Interval::Month, 1, JAN_31),
            (JAN_31, first_end)
        );
        assert_eq!(
            current_period(JAN_31, Interval::Month, 1, first_end - 1),
            (JAN_31, first_end)
        );
        let second_end = period_end(JAN_31, Interval::Month, 1, 2);
        assert_eq!(
            current_period(JAN_31, Interval::Month, 1, first_end),
            (first_end, second_end)
        );
        // Before the anchor (a trial's end in the future): the first period.
        assert_eq!(
            current_period(JAN_31, Interval::Day, 1, JAN_31 - 5),
            (JAN_31, JAN_31 + DAY)
        );
    }
}
