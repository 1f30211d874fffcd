//! Currencies and the amount rules Stripe applies to charges (spec §3.3).

use tender_wire::ApiError;

/// A supported currency: its ISO code, how many minor units a major unit has, and the
/// smallest amount Stripe will charge in it (in minor units).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Currency {
    pub code: &'static str,
    pub decimals: u32,
    pub minimum: i64,
}

/// Zero-decimal currencies: amounts are whole units (¥100 is `amount=100`).
const ZERO_DECIMAL: &[&str] = &[
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
    "xaf", "xof", "xpf",
];

/// Minimum charge amounts Stripe documents; others use the equivalent of $0.50, approximated
/// as 50 minor units.
const MINIMUMS: &[(&str, i64)] = &[
    ("usd", 50),
    ("aed", 200),
    ("aud", 50),
    ("bgn", 100),
    ("brl", 50),
    ("cad", 50),
    ("chf", 50),
    ("czk", 1500),
    ("dkk", 250),
    ("eur", 50),
    ("gbp", 30),
    ("hkd", 400),
    ("huf", 17500),
    ("inr", 50),
    ("jpy", 50),
    ("mxn", 1000),
    ("myr", 200),
    ("nok", 300),
    ("nzd", 50),
    ("pln", 200),
    ("ron", 200),
    ("sek", 300),
    ("sgd", 50),
    ("thb", 1000),
];

/// Every currency Tender accepts (lowercase ISO 4217).
const SUPPORTED: &[&str] = &[
    "usd", "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd",
    "bdt", "bgn", "bif", "bmd", "bnd", "bob", "brl", "bsd", "bwp", "byn", "bzd", "cad", "cdf",
    "chf", "clp", "cny", "cop", "crc", "cve", "czk", "djf", "dkk", "dop", "dzd", "egp", "etb",
    "eur", "fjd", "fkp", "gbp", "gel", "gip", "gmd", "gnf", "gtq", "gyd", "hkd", "hnl", "htg",
    "huf", "idr", "ils", "inr", "isk", "jmd", "jpy", "kes", "kgs", "khr", "kmf", "krw", "kyd",
    "kzt", "lak", "lbp", "lkr", "lrd", "lsl", "mad", "mdl", "mga", "mkd", "mmk", "mnt", "mop",
    "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok", "npr", "nzd", "pab",
    "pen", "pgk", "php", "pkr", "pln", "pyg", "qar", "ron", "rsd", "rub", "rwf", "sar", "sbd",
    "scr", "sek", "sgd", "shp", "sle", "sos", "srd", "std", "szl", "thb", "tjs", "top", "try",
    "ttd", "twd", "tzs", "uah", "ugx", "uyu", "uzs", "vnd", "vuv", "wst", "xaf", "xcd", "xof",
    "xpf", "yer", "zar", "zmw",
];

/// Largest amount: eight digits.
pub const MAX_AMOUNT: i64 = 99_999_999;

/// Parses a currency parameter (case-insensitive, as Stripe accepts `USD`).
pub fn currency(code: &str, param: &str) -> Result<Currency, ApiError> {
    let lower = code.to_ascii_lowercase();
    let Some(code) = SUPPORTED.iter().find(|c| **c == lower) else {
        return Err(ApiError::invalid_request(format!(
            "Invalid currency: {lower}. Stripe currently supports these currencies: {}",
            SUPPORTED.join(", ")
        ))
        .with_param(param));
    };
    let decimals = if ZERO_DECIMAL.contains(code) { 0 } else { 2 };
    let minimum = MINIMUMS
        .iter()
        .find(|(c, _)| c == code)
        .map_or(50, |(_, m)| *m);
    Ok(Currency {
        code,
        decimals,
        minimum,
    })
}

impl Currency {
    /// `amount` in minor units as text: `$0.50`-style for USD, `0.50 eur` otherwise.
    pub fn format(&self, amount: i64) -> String {
        let major = if self.decimals == 0 {
            amount.to_string()
        } else {
            format!("{}.{:02}", amount / 100, amount % 100)
        };
        if self.code == "usd" {
            format!("${major}")
        } else {
            format!("{major} {}", self.code)
        }
    }

    /// Stripe's rules for a charge amount: positive, at least the currency's minimum, and at
    /// most eight digits.
    pub fn check_amount(&self, amount: i64, param: &str) -> Result<(), ApiError> {
        if amount < 1 {
            return Err(ApiError::invalid_request(
                "This value must be greater than or equal to 1.",
            )
            .with_param(param)
            .with_code("parameter_invalid_integer"));
        }
        if amount < self.minimum {
            return Err(ApiError::invalid_request(format!(
                "Amount must be at least {} {}",
                self.format(self.minimum),
                self.code
            ))
            .with_param(param)
            .with_code("amount_too_small"));
        }
        if amount > MAX_AMOUNT {
            return Err(ApiError::invalid_request(format!(
                "Amount must be no more than {}",
                self.format(MAX_AMOUNT)
            ))
            .with_param(param)
            .with_code("amount_too_large"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn amount_rules() {
        let usd = currency("USD", "currency").unwrap();
        assert_eq!(usd.code, "usd");
        assert!(usd.check_amount(50, "amount").is_ok());
        assert_eq!(
            usd.check_amount(49, "amount").unwrap_err().code.as_deref(),
            Some("amount_too_small")
        );
        assert_eq!(
            usd.check_amount(0, "amount").unwrap_err().param.as_deref(),
            Some("amount")
        );
        assert_eq!(
            usd.check_amount(-5, "amount").unwrap_err().param.as_deref(),
            Some("amount")
        );
        assert_eq!(
            usd.check_amount(100_000_000, "amount")
                .unwrap_err()
                .code
                .as_deref(),
            Some("amount_too_large")
        );
        let jpy = currency("jpy", "currency").unwrap();
        assert_eq!(jpy.decimals, 0);
        assert!(jpy.check_amount(50, "amount").is_ok());
        assert_eq!(
            currency("xyz", "currency").unwrap_err().param.as_deref(),
            Some("currency")
        );
    }
}
