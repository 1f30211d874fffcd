//! A price's amount: `unit_amount`, `unit_amount_decimal` or `custom_unit_amount`, exactly one,
//! with Stripe's bounds.

use tender_wire::{ApiError, Params};

use super::CustomUnitAmount;

/// Stripe's largest unit amount: twelve digits.
pub const MAX_UNIT_AMOUNT: i64 = 999_999_999_999;
/// Most decimal places `unit_amount_decimal` may have.
pub const MAX_DECIMAL_PLACES: usize = 12;

/// The amount of a price, in one of the three ways it may be given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Amount {
    /// `unit_amount`, or a `unit_amount_decimal` that is a whole number of minor units.
    Units(i64),
    /// A `unit_amount_decimal` with a fraction of a minor unit, normalized (`"12.5"`).
    Fraction(String),
    /// `custom_unit_amount[enabled]=true`: the customer chooses.
    Custom(CustomUnitAmount),
}

/// Takes the one amount parameter of a price (named under `p`'s prefix).
pub(super) fn take_amount(p: &mut Params) -> Result<Amount, ApiError> {
    let units = p.integer("unit_amount")?;
    let decimal = p.string("unit_amount_decimal")?;
    let custom = p.object("custom_unit_amount")?;
    match (units, decimal, custom) {
        (Some(_), Some(_), _) => Err(ApiError::invalid_request(
            "You may only specify one of these parameters: unit_amount, unit_amount_decimal.",
        )
        .with_param(p.name("unit_amount"))),
        (Some(_), None, Some(_)) | (None, Some(_), Some(_)) => Err(ApiError::invalid_request(
            "You may only specify one of these parameters: custom_unit_amount, unit_amount, \
             unit_amount_decimal.",
        )
        .with_param(p.name("custom_unit_amount"))),
        (Some(units), None, None) => {
            check_units(units, &p.name("unit_amount"))?;
            Ok(Amount::Units(units))
        }
        (None, Some(decimal), None) => parse_decimal(&decimal, &p.name("unit_amount_decimal")),
        (None, None, Some(mut custom)) => {
            let amount = take_custom(&mut custom)?;
            custom.finish()?;
            Ok(Amount::Custom(amount))
        }
        (None, None, None) => Err(ApiError::missing_parameter(&p.name("unit_amount"))),
    }
}

fn check_units(units: i64, param: &str) -> Result<(), ApiError> {
    if units < 0 {
        return Err(
            ApiError::invalid_request("This value must be greater than or equal to 0.")
                .with_param(param),
        );
    }
    if units > MAX_UNIT_AMOUNT {
        return Err(ApiError::invalid_request(format!(
            "This value must be less than or equal to {MAX_UNIT_AMOUNT} (it currently is \
             '{units}')."
        ))
        .with_param(param));
    }
    Ok(())
}

/// `unit_amount_decimal`: a non-negative decimal with at most twelve places, normalized
/// (`"12.50"` → `"12.5"`); a whole number is also the price's `unit_amount`.
pub fn parse_decimal(text: &str, param: &str) -> Result<Amount, ApiError> {
    let invalid =
        || ApiError::invalid_request(format!("Invalid decimal: {text}")).with_param(param);
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || text.ends_with('.') || !digits(whole) || !digits(fraction) {
        return Err(invalid());
    }
    if fraction.len() > MAX_DECIMAL_PLACES {
        return Err(ApiError::invalid_request(format!(
            "Invalid decimal: {text}; must have at most {MAX_DECIMAL_PLACES} decimal places"
        ))
        .with_param(param));
    }
    let whole = whole.trim_start_matches('0');
    let units: i64 = if whole.is_empty() {
        0
    } else if whole.len() > 12 {
        return Err(invalid());
    } else {
        whole.parse().map_err(|_| invalid())?
    };
    check_units(units, param)?;
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        return Ok(Amount::Units(units));
    }
    Ok(Amount::Fraction(format!("{units}.{fraction}")))
}

fn take_custom(c: &mut Params) -> Result<CustomUnitAmount, ApiError> {
    let enabled = c
        .boolean("enabled")?
        .ok_or_else(|| ApiError::missing_parameter(&c.name("enabled")))?;
    if !enabled {
        return Err(ApiError::invalid_request(
            "custom_unit_amount[enabled] must be true to create a price whose amount the \
             customer chooses.",
        )
        .with_param(c.name("enabled")));
    }
    let mut bound = |key: &str| -> Result<Option<i64>, ApiError> {
        let value = c.integer(key)?;
        if let Some(value) = value {
            check_units(value, &c.name(key))?;
        }
        Ok(value)
    };
    let amount = CustomUnitAmount {
        maximum: bound("maximum")?,
        minimum: bound("minimum")?,
        preset: bound("preset")?,
    };
    let out_of_order =
        |low: Option<i64>, high: Option<i64>| matches!((low, high), (Some(l), Some(h)) if l > h);
    if out_of_order(amount.minimum, amount.maximum)
        || out_of_order(amount.minimum, amount.preset)
        || out_of_order(amount.preset, amount.maximum)
    {
        return Err(ApiError::invalid_request(
            "custom_unit_amount must satisfy minimum <= preset <= maximum.",
        )
        .with_param(c.name("preset")));
    }
    Ok(amount)
}
