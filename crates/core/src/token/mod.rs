//! Card Tokens (`tok_…`), the legacy Tokens API that Stripe.js's `createToken` and the Card
//! Element's older integrations use: card data tokenised once, with a publishable key, and
//! redeemed once by the merchant's server (as `card[token]` when creating a PaymentMethod).
//!
//! A [`StoredToken`] keeps the rendered [`Token`] and the [`PaymentMethod`] that redeeming
//! it mints (the card is validated and checked at tokenisation, as Stripe does, so the
//! number and CVC are never stored). Redeeming marks the token `used`; a second redemption
//! is refused with `token_already_used`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tender_wire::{ApiError, Metadata, Params};

use crate::Timestamp;
use crate::address::{Address, BillingDetails};
use crate::card::{self, Behavior, Brand, CardInput, CheckResult, Funding};
use crate::payment_method::{AllowRedisplay, PaymentMethod};

/// The Token as the API renders it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Token {
    pub id: String,
    pub object: String,
    pub card: TokenCard,
    /// The address the token was created from; Tender does not see it (`null`).
    pub client_ip: Option<String>,
    pub created: Timestamp,
    pub livemode: bool,
    #[serde(rename = "type")]
    pub kind: String,
    pub used: bool,
}

/// The token's `card` hash: the legacy Card object (`card_…`), with the brand spelled as the
/// Tokens API spells it ("Visa", "American Express", …).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenCard {
    pub id: String,
    pub object: String,
    pub address_city: Option<String>,
    pub address_country: Option<String>,
    pub address_line1: Option<String>,
    pub address_line1_check: Option<CheckResult>,
    pub address_line2: Option<String>,
    pub address_state: Option<String>,
    pub address_zip: Option<String>,
    pub address_zip_check: Option<CheckResult>,
    pub brand: String,
    pub country: Option<String>,
    pub cvc_check: Option<CheckResult>,
    pub dynamic_last4: Option<String>,
    pub exp_month: i64,
    pub exp_year: i64,
    /// Publishable-key responses leave it out; that is the renderer's job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    pub funding: Funding,
    pub last4: String,
    pub metadata: Metadata,
    pub name: Option<String>,
    pub networks: Value,
    pub regulated_status: String,
    pub tokenization_method: Option<String>,
    pub wallet: Option<Value>,
}

/// The stored token: what the API shows, and the payment method redeeming it mints (its id
/// and `created` are replaced then).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredToken {
    pub token: Token,
    pub payment_method: PaymentMethod,
}

/// The Tokens API's spelling of a card brand.
pub fn legacy_brand_name(brand: Brand) -> &'static str {
    match brand {
        Brand::Amex => "American Express",
        Brand::CartesBancaires => "Cartes Bancaires",
        Brand::Diners => "Diners Club",
        Brand::Discover => "Discover",
        Brand::EftposAu => "Eftpos Australia",
        Brand::Jcb => "JCB",
        Brand::Mastercard => "MasterCard",
        Brand::Unionpay => "UnionPay",
        Brand::Visa => "Visa",
        Brand::Unknown => "Unknown",
    }
}

/// `POST /v1/tokens` parameters: `card[number|exp_month|exp_year|cvc|name|address_*]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenCreate {
    pub card: CardInput,
    pub name: Option<String>,
    pub address: Address,
}

impl TokenCreate {
    /// Takes `card` from `p`; the caller handles the rest and finishes. Stripe's other token
    /// kinds (bank accounts, PII, accounts) are refused naming their parameter.
    pub fn take(p: &mut Params) -> Result<TokenCreate, ApiError> {
        for other in [
            "bank_account",
            "pii",
            "account",
            "person",
            "cvc_update",
            "customer",
        ] {
            if p.contains(other) {
                return Err(ApiError::invalid_request(format!(
                    "Tender creates card tokens only; `{other}` tokens are not supported."
                ))
                .with_param(other));
            }
        }
        let mut c = p
            .object("card")?
            .ok_or_else(|| ApiError::missing_parameter("card"))?;
        let card = CardInput {
            number: c.required_string("number")?,
            exp_month: c.required_integer("exp_month")?,
            exp_year: c.required_integer("exp_year")?,
            cvc: c.string("cvc")?,
        };
        let name = c.string("name")?;
        let address = Address {
            city: c.string("address_city")?,
            country: c.string("address_country")?,
            line1: c.string("address_line1")?,
            line2: c.string("address_line2")?,
            postal_code: c.string("address_zip")?,
            state: c.string("address_state")?,
        };
        // Accepted as Stripe does, not used: Tender's cards have one currency-less network.
        c.ignore(&["currency", "networks"]);
        c.finish()?;
        Ok(TokenCreate {
            card,
            name,
            address,
        })
    }

    /// Validates the card (402 card errors, `test_mode_live_card` for a number outside the
    /// test table, as at PaymentMethod creation) and builds the token. `ids` are the token's
    /// and its card's.
    pub fn into_token(
        self,
        ids: (String, String),
        account_secret: &[u8],
        now: Timestamp,
    ) -> Result<StoredToken, ApiError> {
        let valid = self.card.validate(account_secret, now)?;
        if valid.profile.behavior == Behavior::Declines(card::TEST_MODE_LIVE_CARD) {
            return Err(card::TEST_MODE_LIVE_CARD.to_error());
        }
        let billing_details = BillingDetails {
            address: self.address.clone(),
            name: self.name.clone(),
            ..BillingDetails::default()
        };
        // The payment method redeeming mints, its checks run now while the CVC is known.
        let payment_method = PaymentMethod::from_card(
            String::new(),
            &valid,
            billing_details,
            Metadata::new(),
            AllowRedisplay::Unspecified,
            now,
        );
        let (checks, card_country) = match &payment_method.card {
            Some(c) => (c.checks.clone(), c.country.clone()),
            None => Default::default(),
        };
        let (token_id, card_id) = ids;
        let address = self.address;
        let card = TokenCard {
            id: card_id,
            object: "card".to_owned(),
            address_city: address.city,
            address_country: address.country,
            address_line1: address.line1,
            address_line1_check: checks.address_line1_check,
            address_line2: address.line2,
            address_state: address.state,
            address_zip: address.postal_code,
            address_zip_check: checks.address_postal_code_check,
            brand: legacy_brand_name(valid.profile.brand).to_owned(),
            country: card_country,
            cvc_check: checks.cvc_check,
            dynamic_last4: None,
            exp_month: valid.exp_month,
            exp_year: valid.exp_year,
            fingerprint: Some(valid.fingerprint.clone()),
            funding: valid.profile.funding,
            last4: valid.last4.clone(),
            metadata: Metadata::new(),
            name: self.name,
            networks: serde_json::json!({ "preferred": null }),
            regulated_status: "unregulated".to_owned(),
            tokenization_method: None,
            wallet: None,
        };
        Ok(StoredToken {
            token: Token {
                id: token_id,
                object: "token".to_owned(),
                card,
                client_ip: None,
                created: now,
                livemode: false,
                kind: "card".to_owned(),
                used: false,
            },
            payment_method,
        })
    }
}

/// What a redemption may add to the token's card: the create request's own values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Redemption {
    pub billing_details: Option<BillingDetails>,
    pub metadata: Metadata,
    pub allow_redisplay: AllowRedisplay,
}

impl StoredToken {
    /// Redeems the token: the payment method it mints (`id`, created `now`), and the token
    /// marked used. A used token is refused with `token_already_used`, naming `param`.
    ///
    /// Billing details given with the redemption replace the token's (Stripe keeps the
    /// request's `billing_details` over the card's name and address).
    pub fn redeem(
        &mut self,
        id: String,
        redemption: Redemption,
        param: &str,
        now: Timestamp,
    ) -> Result<PaymentMethod, ApiError> {
        if self.token.used {
            return Err(ApiError::invalid_request(format!(
                "You cannot use a Stripe token more than once: {}.",
                self.token.id
            ))
            .with_code("token_already_used")
            .with_param(param));
        }
        self.token.used = true;
        let mut pm = self.payment_method.clone();
        pm.id = id;
        pm.created = now;
        if let Some(billing_details) = redemption.billing_details {
            pm.billing_details = billing_details;
        }
        pm.metadata = redemption.metadata;
        pm.allow_redisplay = redemption.allow_redisplay;
        Ok(pm)
    }

    /// The token as a publishable key sees it: without the card's fingerprint.
    pub fn for_publishable_key(&self) -> Token {
        let mut token = self.token.clone();
        token.card.fingerprint = None;
        token
    }
}

#[cfg(test)]
mod tests;
