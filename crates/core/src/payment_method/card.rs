//! Card payment methods: the `card` hash and the constructors that make one, from validated
//! card data or from Stripe's test payment method ids (`pm_card_visa`), and what the network
//! does with a stored card.
//!
//! The card's knowledge itself (brands, checks, test cards, fingerprints) is [`crate::card`]'s;
//! this module only renders it on a payment method.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tender_wire::Metadata;

use super::{AllowRedisplay, PaymentMethod};
use crate::Timestamp;
use crate::address::BillingDetails;
use crate::card::{self, Behavior, Brand, CheckResult, DisplayBrand, Funding, TestCard, ValidCard};

/// The `card` hash.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Card {
    pub brand: Brand,
    pub checks: Checks,
    pub country: Option<String>,
    pub display_brand: DisplayBrand,
    pub exp_month: i64,
    pub exp_year: i64,
    /// Publishable-key responses leave it out; that is the renderer's job.
    pub fingerprint: String,
    pub funding: Funding,
    /// Always `null`: Tender does not generate cards from card-present payments.
    pub generated_from: Option<Value>,
    pub last4: String,
    pub networks: Networks,
    pub regulated_status: RegulatedStatus,
    pub three_d_secure_usage: ThreeDSecureUsage,
    /// Always `null`: no wallets.
    pub wallet: Option<Value>,
}

/// `card.checks`: `null` for a value that was not provided.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checks {
    pub address_line1_check: Option<CheckResult>,
    pub address_postal_code_check: Option<CheckResult>,
    pub cvc_check: Option<CheckResult>,
}

/// `card.networks`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Networks {
    pub available: Vec<Brand>,
    pub preferred: Option<Brand>,
}

/// `card.regulated_status` (Durbin-regulated US debit). Tender's test cards are unregulated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegulatedStatus {
    Regulated,
    Unregulated,
}

/// `card.three_d_secure_usage`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreeDSecureUsage {
    pub supported: bool,
}

impl Card {
    fn new(
        profile: &card::CardProfile,
        last4: String,
        exp: (i64, i64),
        fingerprint: String,
        checks: Checks,
    ) -> Card {
        Card {
            brand: profile.brand,
            checks,
            country: Some(profile.country.to_owned()),
            display_brand: profile.brand.display_brand(),
            exp_month: exp.0,
            exp_year: exp.1,
            fingerprint,
            funding: profile.funding,
            generated_from: None,
            last4,
            networks: Networks {
                available: profile.networks(),
                preferred: None,
            },
            regulated_status: RegulatedStatus::Unregulated,
            three_d_secure_usage: ThreeDSecureUsage {
                supported: profile.behavior.three_d_secure_supported(),
            },
            wallet: None,
        }
    }
}

impl PaymentMethod {
    /// A new, unattached card payment method from validated card data.
    ///
    /// Checks run at once, since the CVC is dropped right after: `pass` (or the test card's
    /// `fail`/`unavailable`) for each value provided, `null` for the others.
    pub fn from_card(
        id: String,
        valid: &ValidCard,
        billing_details: BillingDetails,
        metadata: Metadata,
        allow_redisplay: AllowRedisplay,
        now: Timestamp,
    ) -> PaymentMethod {
        let behavior = valid.profile.behavior;
        let address = &billing_details.address;
        let checks = Checks {
            address_line1_check: address
                .line1
                .is_some()
                .then(|| behavior.address_line1_check()),
            address_postal_code_check: address
                .postal_code
                .is_some()
                .then(|| behavior.address_postal_code_check()),
            cvc_check: valid.cvc_provided.then(|| behavior.cvc_check()),
        };
        let card = Card::new(
            &valid.profile,
            valid.last4.clone(),
            (valid.exp_month, valid.exp_year),
            valid.fingerprint.clone(),
            checks,
        );
        PaymentMethod::new(
            id,
            Some(card),
            billing_details,
            metadata,
            allow_redisplay,
            now,
        )
    }

    /// What a `pm_card_*` id mints: a fresh payment method for the table's card, expiring in
    /// December of next year, with `cvc_check: unchecked` as Stripe shows for these.
    pub fn from_test_payment_method(
        id: String,
        test: &TestCard,
        account_secret: &[u8],
        now: Timestamp,
    ) -> PaymentMethod {
        let (year, _) = card::year_month(now);
        let checks = Checks {
            cvc_check: Some(CheckResult::Unchecked),
            ..Checks::default()
        };
        let card = Card::new(
            &test.profile,
            test.last4().to_owned(),
            (12, year + 1),
            card::fingerprint(account_secret, test.number),
            checks,
        );
        PaymentMethod::new(
            id,
            Some(card),
            BillingDetails::default(),
            Metadata::new(),
            AllowRedisplay::Unspecified,
            now,
        )
    }

    /// What the network does with this payment method's card (`None` for other types).
    /// `account_secret` is the one its fingerprint was made with.
    pub fn card_behavior(&self, account_secret: &[u8]) -> Option<Behavior> {
        self.card
            .as_ref()
            .map(|c| card::behavior_of_stored_card(account_secret, &c.last4, &c.fingerprint))
    }
}
