//! The simulated card network's knowledge of every card it is shown: brands, funding,
//! issuing country, Stripe's test card table and what each card does ([`Behavior`]), card
//! validation with Stripe's card errors, and per-account fingerprints.
//!
//! Card numbers never leave this module's functions: callers keep a [`ValidCard`] (last4,
//! expiry, fingerprint, profile) and drop the number and CVC.
//!
//! # Finding a stored card's behaviour without storing its number
//!
//! A stored payment method keeps only `last4` and `fingerprint`. The fingerprint is an HMAC
//! of the number under the account's fingerprint secret, so the network recognises a test
//! card by recomputing the fingerprints of the (few) table numbers with the same last four
//! digits: [`test_card_for_fingerprint`]. Nothing beyond Stripe's own fields is stored, so
//! nothing can leak into responses, events or webhooks. The secret must therefore stay the
//! same for the life of an account (derive it from a server secret and the account id, not
//! from a rollable API key): a new secret turns every stored test card into an unknown card.

mod behavior;
mod table;
mod validate;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

pub use behavior::*;
pub use table::TEST_CARDS;
pub use validate::{CardInput, ValidCard, validate_card, validate_expiry, year_month};

/// A card network, as in `card.brand` and `card.networks.available`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Brand {
    Amex,
    CartesBancaires,
    Diners,
    Discover,
    EftposAu,
    Jcb,
    Mastercard,
    #[serde(rename = "unionpay")]
    Unionpay,
    Visa,
    Unknown,
}

impl Brand {
    /// The `display_brand` Stripe shows for a card of this brand.
    pub fn display_brand(self) -> DisplayBrand {
        match self {
            Brand::Amex => DisplayBrand::AmericanExpress,
            Brand::CartesBancaires => DisplayBrand::CartesBancaires,
            Brand::Diners => DisplayBrand::DinersClub,
            Brand::Discover => DisplayBrand::Discover,
            Brand::EftposAu => DisplayBrand::EftposAustralia,
            Brand::Jcb => DisplayBrand::Jcb,
            Brand::Mastercard => DisplayBrand::Mastercard,
            Brand::Unionpay => DisplayBrand::UnionPay,
            Brand::Visa => DisplayBrand::Visa,
            Brand::Unknown => DisplayBrand::Other,
        }
    }

    /// The brand of a number outside the test table, from its issuer identification prefix.
    pub fn from_number(digits: &str) -> Brand {
        let prefix = |len: usize| digits.get(..len).and_then(|p| p.parse::<u32>().ok());
        if digits.starts_with('4') {
            Brand::Visa
        } else if matches!(prefix(2), Some(51..=55)) || matches!(prefix(4), Some(2221..=2720)) {
            Brand::Mastercard
        } else if matches!(prefix(2), Some(34 | 37)) {
            Brand::Amex
        } else if digits.starts_with("6011")
            || digits.starts_with("65")
            || matches!(prefix(3), Some(644..=649))
        {
            Brand::Discover
        } else if matches!(prefix(4), Some(3528..=3589)) {
            Brand::Jcb
        } else if digits.starts_with("36")
            || digits.starts_with("3095")
            || matches!(prefix(3), Some(300..=305))
            || matches!(prefix(2), Some(38 | 39))
        {
            Brand::Diners
        } else if digits.starts_with("62") {
            Brand::Unionpay
        } else {
            Brand::Unknown
        }
    }

    /// The CVC length the brand prints: four digits on American Express, three elsewhere.
    pub fn cvc_length(self) -> usize {
        match self {
            Brand::Amex => 4,
            _ => 3,
        }
    }
}

/// `card.display_brand`: the brand name to show, in Stripe's own spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisplayBrand {
    AmericanExpress,
    CartesBancaires,
    DinersClub,
    Discover,
    EftposAustralia,
    Interac,
    Jcb,
    Mastercard,
    UnionPay,
    Visa,
    Other,
}

/// `card.funding`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Funding {
    Credit,
    Debit,
    Prepaid,
    Unknown,
}

/// What the network knows about a card number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CardProfile {
    pub brand: Brand,
    /// The second network of a co-branded card (Cartes Bancaires, eftpos).
    pub co_brand: Option<Brand>,
    pub funding: Funding,
    /// ISO 3166-1 alpha-2 country of the issuer.
    pub country: &'static str,
    pub behavior: Behavior,
}

impl CardProfile {
    /// `card.networks.available`: the co-brand first, as Stripe lists it.
    pub fn networks(&self) -> Vec<Brand> {
        self.co_brand.into_iter().chain([self.brand]).collect()
    }
}

/// One row of Stripe's test card table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TestCard {
    /// A public test number, never a real card.
    pub number: &'static str,
    pub profile: CardProfile,
    /// The `pm_card_*` ids that mint a payment method with this card.
    pub payment_methods: &'static [&'static str],
    /// The `tok_*` test token ids for this card.
    pub tokens: &'static [&'static str],
}

impl TestCard {
    pub fn last4(&self) -> &'static str {
        &self.number[self.number.len().saturating_sub(4)..]
    }
}

/// The table row for a number (digits only).
pub fn test_card_by_number(digits: &str) -> Option<&'static TestCard> {
    TEST_CARDS.iter().find(|card| card.number == digits)
}

/// What the network knows about a number (digits only). Numbers outside the test table get a
/// brand from their prefix, `credit`, `US`, and are declined as live cards in test mode.
pub fn lookup_number(digits: &str) -> CardProfile {
    match test_card_by_number(digits) {
        Some(card) => card.profile,
        None => CardProfile {
            brand: Brand::from_number(digits),
            co_brand: None,
            funding: Funding::Credit,
            country: "US",
            behavior: Behavior::Declines(TEST_MODE_LIVE_CARD),
        },
    }
}

/// The test card a `pm_card_*` id names.
pub fn lookup_test_payment_method(id: &str) -> Option<&'static TestCard> {
    TEST_CARDS
        .iter()
        .find(|card| card.payment_methods.contains(&id))
}

/// The test card a `tok_*` test token names.
pub fn lookup_test_token(id: &str) -> Option<&'static TestCard> {
    TEST_CARDS.iter().find(|card| card.tokens.contains(&id))
}

/// A card's fingerprint in one account: 16 base62 characters of an HMAC-SHA256 of the number
/// keyed with the account's fingerprint secret. The same card has the same fingerprint
/// within an account and unrelated ones across accounts, and the number cannot be recovered
/// from it without the secret (the number space is small enough to search otherwise).
pub fn fingerprint(account_secret: &[u8], number: &str) -> String {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut mac = match Hmac::<Sha256>::new_from_slice(account_secret) {
        Ok(mac) => mac,
        // HMAC takes keys of any length, so this arm never runs; it only avoids a panic path.
        Err(_) => Hmac::<Sha256>::new(&Default::default()),
    };
    mac.update(b"tender card fingerprint v1\0");
    for byte in number.bytes().filter(u8::is_ascii_digit) {
        mac.update(&[byte]);
    }
    mac.finalize().into_bytes()[..16]
        .iter()
        .map(|byte| char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]))
        .collect()
}

/// The test card behind a stored card, found from what the store keeps (see the module
/// docs): the table rows ending in `last4` whose fingerprint in this account matches.
pub fn test_card_for_fingerprint(
    account_secret: &[u8],
    last4: &str,
    card_fingerprint: &str,
) -> Option<&'static TestCard> {
    TEST_CARDS.iter().find(|card| {
        card.last4() == last4 && fingerprint(account_secret, card.number) == card_fingerprint
    })
}

/// The behaviour of a stored card: its test card's, or a live-card decline.
pub fn behavior_of_stored_card(
    account_secret: &[u8],
    last4: &str,
    card_fingerprint: &str,
) -> Behavior {
    test_card_for_fingerprint(account_secret, last4, card_fingerprint)
        .map_or(Behavior::Declines(TEST_MODE_LIVE_CARD), |card| {
            card.profile.behavior
        })
}

#[cfg(test)]
mod tests;
