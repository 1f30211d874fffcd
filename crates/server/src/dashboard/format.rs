//! How values are shown: amounts in their currency's units, times for the browser to put in
//! its own time zone, statuses as badges.

use maud::{Markup, html};

/// Three-decimal currencies (Stripe charges them in thousandths).
const THREE_DECIMAL: &[&str] = &["bhd", "jod", "kwd", "omr", "tnd"];

/// `amount` (minor units) in `currency`: `$1,234.56`, `¥1,235`, `12.345 KWD`.
pub fn amount(amount: i64, currency: &str) -> String {
    let code = currency.to_ascii_lowercase();
    let decimals = if THREE_DECIMAL.contains(&code.as_str()) {
        3
    } else {
        tender_core::money::currency(&code, "currency").map_or(2, |c| c.decimals)
    };
    let sign = if amount < 0 { "-" } else { "" };
    let units = amount.unsigned_abs();
    let scale = 10u64.pow(decimals);
    let major = group_thousands(units / scale);
    let number = if decimals == 0 {
        major
    } else {
        format!(
            "{major}.{:0width$}",
            units % scale,
            width = decimals as usize
        )
    };
    match code.as_str() {
        "usd" => format!("{sign}${number}"),
        "eur" => format!("{sign}€{number}"),
        "gbp" => format!("{sign}£{number}"),
        "jpy" => format!("{sign}¥{number}"),
        other => format!("{sign}{number} {}", other.to_ascii_uppercase()),
    }
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A time the browser shows in its own zone (`dashboard.js`); UTC until the script runs.
pub fn time(unix_seconds: i64) -> Markup {
    time_ms(unix_seconds.saturating_mul(1000))
}

pub fn time_ms(unix_ms: i64) -> Markup {
    let iso = iso8601(unix_ms);
    html! { time datetime=(iso) data-local { (iso.replace('T', " ").replace(".000Z", " UTC").replace('Z', " UTC")) } }
}

/// `2026-12-07T04:05:06.123Z` (proleptic Gregorian, from days since 1970).
pub fn iso8601(unix_ms: i64) -> String {
    let secs = unix_ms.div_euclid(1000);
    let ms = unix_ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `2026-12-07` → Unix seconds at 00:00 UTC (for date filters); `None` if malformed.
pub fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Days from civil (the inverse of `civil_from_days`).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400)
}

/// A status as a coloured badge; the colour class comes from a fixed list, never the text.
pub fn badge(status: &str) -> Markup {
    let tone = match status {
        "succeeded" | "delivered" | "paid" | "active" | "ready" => "good",
        "requires_capture" | "processing" | "pending" | "requires_action" | "open" | "past_due"
        | "incomplete" | "advancing" => "warn",
        "canceled"
        | "failed"
        | "requires_payment_method"
        | "unpaid"
        | "uncollectible"
        | "incomplete_expired"
        | "internal_failure" => "bad",
        "refunded" | "partially_refunded" | "trialing" => "info",
        _ => "neutral",
    };
    html! { span class={ "badge " (tone) } { (status.replace('_', " ")) } }
}

/// An HTTP status as a badge.
pub fn status_code(status: i64) -> Markup {
    let tone = match status {
        200..=299 => "good",
        400..=499 => "warn",
        _ => "bad",
    };
    html! { span class={ "badge " (tone) } { (status) } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_follow_their_currency() {
        assert_eq!(amount(123_456, "usd"), "$1,234.56");
        assert_eq!(amount(5, "eur"), "€0.05");
        assert_eq!(amount(1235, "jpy"), "¥1,235");
        assert_eq!(amount(500, "krw"), "500 KRW");
        assert_eq!(amount(12_345, "kwd"), "12.345 KWD");
        assert_eq!(amount(-250, "usd"), "-$2.50");
        assert_eq!(amount(100, "xyz"), "1.00 XYZ");
    }

    #[test]
    fn times_and_dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_796_616_306_123), "2026-12-07T04:05:06.123Z");
        assert_eq!(parse_date("2026-12-07"), Some(1_796_601_600));
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("nope"), None);
    }
}
