//! A lookup key names at most one price of an account, archived ones included. A price that
//! asks for a key another price holds gets it only with `transfer_lookup_key=true`, which
//! clears the holder's key (the holder stays as it is otherwise).

use tender_wire::ApiError;

/// What becomes of a lookup key `claimant` asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// No price holds it: the claimant takes it.
    Free,
    /// The claimant already holds it: nothing changes.
    Held,
    /// Another price holds it and the request transfers it: that price loses it.
    TakeFrom(String),
}

/// Decides a claim on a key `holder` holds (if any).
pub fn claim(holder: Option<&str>, claimant: &str, transfer: bool) -> Result<Claim, ApiError> {
    match holder {
        None => Ok(Claim::Free),
        Some(holder) if holder == claimant => Ok(Claim::Held),
        Some(holder) if transfer => Ok(Claim::TakeFrom(holder.to_owned())),
        Some(holder) => Err(taken(holder)),
    }
}

/// Stripe's refusal of a key another price holds.
pub fn taken(holder: &str) -> ApiError {
    ApiError::invalid_request(format!(
        "A price (`{holder}`) already uses that lookup key."
    ))
    .with_param("lookup_key")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_key_is_free_held_transferred_or_refused() {
        assert_eq!(claim(None, "price_b", false).unwrap(), Claim::Free);
        assert_eq!(
            claim(Some("price_b"), "price_b", false).unwrap(),
            Claim::Held
        );
        assert_eq!(
            claim(Some("price_a"), "price_b", true).unwrap(),
            Claim::TakeFrom("price_a".into())
        );
        let refused = claim(Some("price_a"), "price_b", false).unwrap_err();
        assert_eq!(refused.status, 400);
        assert_eq!(refused.param.as_deref(), Some("lookup_key"));
        assert_eq!(
            refused.message,
            "A price (`price_a`) already uses that lookup key."
        );
    }
}
