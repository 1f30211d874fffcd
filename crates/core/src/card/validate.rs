//! Card data validation at tokenisation, with Stripe's 402 card errors.
//!
//! Stripe raises these when card data is tokenised (Stripe.js, `POST /v1/payment_methods`),
//! not at confirm (spec §8). Card errors name the bare field (`number`, `exp_month`,
//! `exp_year`, `cvc`), not `card[number]`.

use std::fmt;

use tender_wire::ApiError;

use super::{Brand, CardProfile, fingerprint, lookup_number};
use crate::Timestamp;

/// Raw card data from a request. It holds the number and CVC, so `Debug` redacts them.
#[derive(Clone, PartialEq, Eq)]
pub struct CardInput {
    pub number: String,
    pub exp_month: i64,
    pub exp_year: i64,
    pub cvc: Option<String>,
}

impl CardInput {
    /// Validates the data; see [`validate_card`].
    pub fn validate(&self, account_secret: &[u8], now: Timestamp) -> Result<ValidCard, ApiError> {
        validate_card(
            &self.number,
            self.exp_month,
            self.exp_year,
            self.cvc.as_deref(),
            account_secret,
            now,
        )
    }
}

impl fmt::Debug for CardInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits: String = self.number.chars().filter(char::is_ascii_digit).collect();
        let last4 = digits
            .get(digits.len().saturating_sub(4)..)
            .unwrap_or_default();
        f.debug_struct("CardInput")
            .field("number", &format_args!("…{last4}"))
            .field("exp_month", &self.exp_month)
            .field("exp_year", &self.exp_year)
            .field(
                "cvc",
                &self.cvc.as_ref().map(|_| format_args!("<redacted>")),
            )
            .finish()
    }
}

/// A card that passed validation: only what may be stored. The number and CVC are gone;
/// `cvc_provided` remembers whether a CVC was checked (for `checks.cvc_check`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidCard {
    pub last4: String,
    pub exp_month: i64,
    /// Four digits (a two-digit year `34` means 2034).
    pub exp_year: i64,
    pub fingerprint: String,
    pub cvc_provided: bool,
    pub profile: CardProfile,
}

/// Lengths of card numbers in use: 14 (Diners), 15 (Amex), 16, and up to 19 (UnionPay).
const NUMBER_LENGTHS: std::ops::RangeInclusive<usize> = 12..=19;

/// Validates card data as Stripe's tokeniser does, in Stripe's order: number, expiry month,
/// expiry year, CVC.
///
/// - Spaces in the number are ignored (people paste `4242 4242 4242 4242`).
/// - Anything else than digits, or a length outside 12–19 → `invalid_number`; a Luhn failure
///   → `incorrect_number`.
/// - `exp_month` outside 1–12 → `invalid_expiry_month`.
/// - A two-digit `exp_year` means the year within 50 years of now (`34` is 2034, `95`
///   is 1995). A year before the current one, or above 9999 →
///   `invalid_expiry_year`. The current year with a past month is an invalid *month*
///   (`invalid_expiry_month`, param `exp_month`): the year itself is fine, and that is the
///   field the customer must fix.
/// - A CVC must be all digits, four on American Express and three on other brands
///   (either on an unknown brand) → else `invalid_cvc`.
pub fn validate_card(
    number: &str,
    exp_month: i64,
    exp_year: i64,
    cvc: Option<&str>,
    account_secret: &[u8],
    now: Timestamp,
) -> Result<ValidCard, ApiError> {
    let digits: String = number.chars().filter(|c| *c != ' ').collect();
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || !NUMBER_LENGTHS.contains(&digits.len())
    {
        return Err(card_error(
            "invalid_number",
            "The card number is not a valid credit card number.",
            "number",
        ));
    }
    if !luhn(&digits) {
        return Err(card_error(
            "incorrect_number",
            "Your card number is incorrect.",
            "number",
        ));
    }
    let (exp_month, exp_year) = validate_expiry(exp_month, exp_year, now)?;
    let profile = lookup_number(&digits);
    if let Some(cvc) = cvc {
        let length_ok = match profile.brand {
            Brand::Unknown => (3..=4).contains(&cvc.len()),
            brand => cvc.len() == brand.cvc_length(),
        };
        if !length_ok || !cvc.bytes().all(|b| b.is_ascii_digit()) {
            return Err(card_error(
                "invalid_cvc",
                "Your card's security code is invalid.",
                "cvc",
            ));
        }
    }
    Ok(ValidCard {
        last4: digits[digits.len() - 4..].to_owned(),
        exp_month,
        exp_year,
        fingerprint: fingerprint(account_secret, &digits),
        cvc_provided: cvc.is_some(),
        profile,
    })
}

/// Validates an expiry date as [`validate_card`] does (also for updates of a stored card)
/// and returns it with a four-digit year.
pub fn validate_expiry(
    exp_month: i64,
    exp_year: i64,
    now: Timestamp,
) -> Result<(i64, i64), ApiError> {
    if !(1..=12).contains(&exp_month) {
        return Err(invalid_month());
    }
    let (year, month) = year_month(now);
    let exp_year = match exp_year {
        // A two-digit year is the one within 50 years of now, so `95` is 1995 (expired),
        // as in Stripe's docs, and `34` is 2034.
        0..=99 if 2000 + exp_year > year + 50 => 1900 + exp_year,
        0..=99 => 2000 + exp_year,
        four_digits => four_digits,
    };
    if exp_year < year || exp_year > 9999 {
        return Err(card_error(
            "invalid_expiry_year",
            "Your card's expiration year is invalid.",
            "exp_year",
        ));
    }
    if exp_year == year && exp_month < month {
        return Err(invalid_month());
    }
    Ok((exp_month, exp_year))
}

fn card_error(code: &str, message: &str, param: &str) -> ApiError {
    ApiError::card(code, message).with_param(param)
}

fn invalid_month() -> ApiError {
    card_error(
        "invalid_expiry_month",
        "Your card's expiration month is invalid.",
        "exp_month",
    )
}

/// The Luhn checksum over a string of ASCII digits.
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                if d > 4 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The UTC calendar year and month (1–12) of a Unix time. Core has no clock and no date
/// library; this is Howard Hinnant's `civil_from_days`, exact for the proleptic Gregorian
/// calendar.
pub fn year_month(now: Timestamp) -> (i64, i64) {
    let z = now.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// 2026-11-15T12:00:00Z.
    const NOW: Timestamp = 1_794_744_000;
    const SECRET: &[u8] = b"acct secret";

    fn check(
        number: &str,
        month: i64,
        year: i64,
        cvc: Option<&str>,
    ) -> Result<ValidCard, ApiError> {
        validate_card(number, month, year, cvc, SECRET, NOW)
    }

    fn assert_card_error(result: Result<ValidCard, ApiError>, code: &str, param: &str, msg: &str) {
        let err = result.unwrap_err();
        assert_eq!(err.status, 402);
        assert_eq!(err.error_type.as_str(), "card_error");
        assert_eq!(err.code.as_deref(), Some(code));
        assert_eq!(err.param.as_deref(), Some(param));
        assert_eq!(err.message, msg);
        assert_eq!(err.decline_code, None);
    }

    #[test]
    fn calendar_conversion() {
        assert_eq!(year_month(0), (1970, 1));
        assert_eq!(year_month(NOW), (2026, 11));
        assert_eq!(year_month(951_782_400), (2000, 2)); // 2000-02-29
        assert_eq!(year_month(1_704_067_199), (2023, 12)); // 2023-12-31T23:59:59
        assert_eq!(year_month(1_704_067_200), (2024, 1));
        assert_eq!(year_month(-1), (1969, 12));
    }

    #[test]
    fn luhn_checksum() {
        assert!(luhn("4242424242424242"));
        assert!(luhn("378282246310005"));
        assert!(!luhn("4242424242424241"));
        assert!(!luhn("4000000000000003"));
    }

    #[test]
    fn accepts_a_good_card_and_keeps_only_storable_data() {
        let card = check("4242 4242 4242 4242", 12, 34, Some("123")).unwrap();
        assert_eq!(card.last4, "4242");
        assert_eq!(card.exp_year, 2034);
        assert!(card.cvc_provided);
        assert_eq!(card.fingerprint.len(), 16);
        assert!(!format!("{card:?}").contains("4242424242424242"));
        let amex = check("378282246310005", 1, 2027, Some("1234")).unwrap();
        assert_eq!(amex.profile.brand, Brand::Amex);
        // The current month is still valid.
        assert!(check("4242424242424242", 11, 2026, None).is_ok());
    }

    #[test]
    fn number_errors() {
        let invalid = "The card number is not a valid credit card number.";
        assert_card_error(
            check("4242-4242", 12, 2034, None),
            "invalid_number",
            "number",
            invalid,
        );
        assert_card_error(
            check("", 12, 2034, None),
            "invalid_number",
            "number",
            invalid,
        );
        assert_card_error(
            check("42424242", 12, 2034, None),
            "invalid_number",
            "number",
            invalid,
        );
        assert_card_error(
            check("4242424242424242424242", 12, 2034, None),
            "invalid_number",
            "number",
            invalid,
        );
        assert_card_error(
            check("4242424242424241", 12, 2034, None),
            "incorrect_number",
            "number",
            "Your card number is incorrect.",
        );
    }

    #[test]
    fn expiry_errors() {
        let month = "Your card's expiration month is invalid.";
        let year = "Your card's expiration year is invalid.";
        let good = "4242424242424242";
        assert_card_error(
            check(good, 13, 2034, None),
            "invalid_expiry_month",
            "exp_month",
            month,
        );
        assert_card_error(
            check(good, 0, 2034, None),
            "invalid_expiry_month",
            "exp_month",
            month,
        );
        assert_card_error(
            check(good, 12, 2020, None),
            "invalid_expiry_year",
            "exp_year",
            year,
        );
        assert_card_error(
            check(good, 12, 95, None),
            "invalid_expiry_year",
            "exp_year",
            year,
        );
        assert_card_error(
            check(good, 12, 10_000, None),
            "invalid_expiry_year",
            "exp_year",
            year,
        );
        assert_card_error(
            check(good, 10, 2026, None),
            "invalid_expiry_month",
            "exp_month",
            month,
        );
        // Number errors come first.
        assert_card_error(
            check("4242424242424241", 13, 2020, Some("1")),
            "incorrect_number",
            "number",
            "Your card number is incorrect.",
        );
    }

    #[test]
    fn cvc_errors() {
        let msg = "Your card's security code is invalid.";
        let good = "4242424242424242";
        assert_card_error(check(good, 12, 2034, Some("12")), "invalid_cvc", "cvc", msg);
        assert_card_error(
            check(good, 12, 2034, Some("1234")),
            "invalid_cvc",
            "cvc",
            msg,
        );
        assert_card_error(
            check(good, 12, 2034, Some("12a")),
            "invalid_cvc",
            "cvc",
            msg,
        );
        assert_card_error(
            check("378282246310005", 12, 2034, Some("123")),
            "invalid_cvc",
            "cvc",
            msg,
        );
        assert!(!check(good, 12, 2034, None).unwrap().cvc_provided);
    }

    #[test]
    fn debug_redacts_the_number_and_cvc() {
        let input = CardInput {
            number: "4000000000000002".into(),
            exp_month: 12,
            exp_year: 2034,
            cvc: Some("987".into()),
        };
        let debug = format!("{input:?}");
        assert!(!debug.contains("4000000000000002"), "{debug}");
        assert!(!debug.contains("987"), "{debug}");
        assert!(debug.contains("…0002"), "{debug}");
    }
}
