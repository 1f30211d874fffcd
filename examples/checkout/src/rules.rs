//! The shop's business rules, run on the server between "the customer pressed Pay" and "the
//! payment is confirmed" — the reason this integration confirms on the server at all. They
//! see the payment method through the ConfirmationToken's `payment_method_preview`, before
//! any money moves; a refused payment never reaches the card network.

use crate::catalog::format_amount;
use crate::config::ConfigError;

/// What the shop refuses. Configurable so the same code serves several shops.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    /// Refuse cards whose `funding` is `prepaid` (a common fraud-prevention rule).
    pub refuse_prepaid: bool,
    /// Refuse cards issued in these countries (ISO 3166-1 alpha-2, upper case).
    pub refused_countries: Vec<String>,
    /// The largest order total accepted online, in the smallest currency unit.
    pub max_amount: i64,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            refuse_prepaid: true,
            refused_countries: Vec::new(),
            max_amount: 50_000,
        }
    }
}

impl Rules {
    /// `CHECKOUT_REFUSE_PREPAID` (`true`/`false`), `CHECKOUT_REFUSED_COUNTRIES` (`BR,MX`),
    /// `CHECKOUT_MAX_AMOUNT` (cents); unset variables keep the defaults.
    pub fn from_env() -> Result<Rules, ConfigError> {
        let mut rules = Rules::default();
        if let Ok(value) = std::env::var("CHECKOUT_REFUSE_PREPAID") {
            rules.refuse_prepaid = match value.as_str() {
                "true" | "1" | "yes" => true,
                "false" | "0" | "no" => false,
                other => {
                    return Err(ConfigError::Invalid(
                        "CHECKOUT_REFUSE_PREPAID",
                        format!("expected true or false, got {other:?}"),
                    ));
                }
            };
        }
        if let Ok(value) = std::env::var("CHECKOUT_REFUSED_COUNTRIES") {
            rules.refused_countries = countries(&value);
        }
        if let Ok(value) = std::env::var("CHECKOUT_MAX_AMOUNT") {
            rules.max_amount = value.parse().map_err(|_| {
                ConfigError::Invalid("CHECKOUT_MAX_AMOUNT", format!("not an amount: {value:?}"))
            })?;
        }
        Ok(rules)
    }
}

/// `"br, mx"` → `["BR", "MX"]`.
pub fn countries(list: &str) -> Vec<String> {
    list.split(',')
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .collect()
}

/// What the rules need to know about the payment method (from the preview).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Instrument {
    /// `card`, `ideal`, …
    pub kind: String,
    /// Cards only: `credit`, `debit`, `prepaid`, `unknown`.
    pub funding: Option<String>,
    /// Cards only: the issuing country.
    pub country: Option<String>,
}

/// Why a payment was refused: a stable code for programs, a message for the customer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

/// The rules that do not need the payment method: checked before anything is created.
pub fn check_amount(rules: &Rules, amount: i64, currency: &str) -> Result<(), Refusal> {
    if amount > rules.max_amount {
        return Err(Refusal {
            code: "amount_over_limit",
            message: format!(
                "Orders over {} can't be paid online. Please remove some items or contact us.",
                format_amount(rules.max_amount, currency)
            ),
        });
    }
    Ok(())
}

/// All the rules, for a payment of `amount` with `instrument`.
pub fn check(
    rules: &Rules,
    instrument: &Instrument,
    amount: i64,
    currency: &str,
) -> Result<(), Refusal> {
    check_amount(rules, amount, currency)?;
    check_instrument(rules, instrument)
}

/// The rules about the payment method alone (also used when saving a card for later).
pub fn check_instrument(rules: &Rules, instrument: &Instrument) -> Result<(), Refusal> {
    if instrument.kind != "card" {
        return Ok(());
    }
    if rules.refuse_prepaid && instrument.funding.as_deref() == Some("prepaid") {
        return Err(Refusal {
            code: "prepaid_card_refused",
            message: "We don't accept prepaid cards. Please use another card.".to_owned(),
        });
    }
    if let Some(country) = &instrument.country
        && rules
            .refused_countries
            .iter()
            .any(|c| c.eq_ignore_ascii_case(country))
    {
        return Err(Refusal {
            code: "card_country_refused",
            message: format!("We can't accept cards issued in {country}. Please use another card."),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn card(funding: &str, country: &str) -> Instrument {
        Instrument {
            kind: "card".into(),
            funding: Some(funding.into()),
            country: Some(country.into()),
        }
    }

    #[test]
    fn prepaid_cards_are_refused_when_the_rule_is_on() {
        let rules = Rules::default();
        let refusal = check(&rules, &card("prepaid", "US"), 1000, "usd").unwrap_err();
        assert_eq!(refusal.code, "prepaid_card_refused");
        let lenient = Rules {
            refuse_prepaid: false,
            ..Rules::default()
        };
        assert!(check(&lenient, &card("prepaid", "US"), 1000, "usd").is_ok());
        assert!(check(&rules, &card("credit", "US"), 1000, "usd").is_ok());
    }

    #[test]
    fn refused_countries_match_case_insensitively() {
        let rules = Rules {
            refused_countries: countries("br, mx"),
            ..Rules::default()
        };
        assert_eq!(rules.refused_countries, vec!["BR", "MX"]);
        let refusal = check(&rules, &card("credit", "BR"), 1000, "usd").unwrap_err();
        assert_eq!(refusal.code, "card_country_refused");
        assert!(refusal.message.contains("BR"));
        assert!(check(&rules, &card("credit", "US"), 1000, "usd").is_ok());
    }

    #[test]
    fn the_maximum_amount_applies_to_every_payment_method() {
        let rules = Rules {
            max_amount: 10_000,
            ..Rules::default()
        };
        let ideal = Instrument {
            kind: "ideal".into(),
            ..Instrument::default()
        };
        let refusal = check(&rules, &ideal, 10_001, "usd").unwrap_err();
        assert_eq!(refusal.code, "amount_over_limit");
        assert!(refusal.message.contains("$100.00"), "{}", refusal.message);
        assert!(check(&rules, &ideal, 10_000, "usd").is_ok());
    }
}
