//! The PaymentMethod resource (spec §6.1): type `card` for now.
//!
//! [`PaymentMethod`] serializes to exactly the JSON Stripe renders (API 2026-10-28) and is
//! stored as that JSON. It carries no hidden state: the card's number is never kept, and the
//! network recognises a stored test card from its `last4` and per-account `fingerprint`
//! ([`PaymentMethod::card_behavior`], see [`crate::card`]). So the stored body can be served,
//! embedded in errors and sent in events as is.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tender_wire::{ApiError, Field, Metadata, MetadataUpdate, Params};

use crate::Timestamp;
use crate::address::{BillingDetails, BillingDetailsUpdate};
use crate::card::{
    self, Behavior, Brand, CardInput, CheckResult, DisplayBrand, Funding, TestCard, ValidCard,
};
use crate::event::previous_attributes;

pub mod bank;

/// A customer's payment instrument.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaymentMethod {
    pub id: String,
    pub object: PaymentMethodObject,
    pub allow_redisplay: AllowRedisplay,
    pub billing_details: BillingDetails,
    /// Present exactly when `type` is `card`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<Card>,
    pub created: Timestamp,
    /// Present exactly when `type` is `ideal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ideal: Option<Ideal>,
    /// Expandable; `null` until attached and again after detaching.
    pub customer: Option<String>,
    pub customer_account: Option<String>,
    pub livemode: bool,
    pub metadata: Metadata,
    /// Stripe renders it only when the create request carried `radar_options` (Stripe.js
    /// always does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radar_options: Option<RadarOptions>,
    /// Present exactly when `type` is `sepa_debit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sepa_debit: Option<bank::SepaDebit>,
    #[serde(rename = "type")]
    pub kind: PaymentMethodType,
    /// Present exactly when `type` is `us_bank_account`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub us_bank_account: Option<bank::UsBankAccount>,
}

/// The constant `object` field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentMethodObject {
    #[default]
    #[serde(rename = "payment_method")]
    PaymentMethod,
}

/// `type`. One variant per supported type, each with its own hash on the object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethodType {
    Card,
    /// iDEAL, the Dutch bank redirect: EUR only, authorized on a page the customer is sent to.
    Ideal,
    /// SEPA Direct Debit: EUR, an IBAN and a mandate; settles later.
    SepaDebit,
    /// ACH Direct Debit from a US bank account: USD; settles later.
    UsBankAccount,
}

impl PaymentMethodType {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethodType::Card => "card",
            PaymentMethodType::Ideal => "ideal",
            PaymentMethodType::SepaDebit => "sepa_debit",
            PaymentMethodType::UsBankAccount => "us_bank_account",
        }
    }

    /// The type named in a request, or 400 naming `param` for one Tender does not support.
    pub fn parse(value: &str, param: &str) -> Result<PaymentMethodType, ApiError> {
        match value {
            "card" => Ok(PaymentMethodType::Card),
            "ideal" => Ok(PaymentMethodType::Ideal),
            "sepa_debit" => Ok(PaymentMethodType::SepaDebit),
            "us_bank_account" => Ok(PaymentMethodType::UsBankAccount),
            other => Err(ApiError::invalid_request(format!(
                "The payment method type `{other}` is not supported. Supported types: `card`, \
                 `ideal`, `sepa_debit`, `us_bank_account`."
            ))
            .with_param(param)),
        }
    }
}

/// `allow_redisplay`: whether checkout UIs may show the method again to its customer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllowRedisplay {
    Always,
    Limited,
    #[default]
    Unspecified,
}

impl AllowRedisplay {
    const VALUES: [&'static str; 3] = ["always", "limited", "unspecified"];

    fn take(p: &mut Params) -> Result<Option<AllowRedisplay>, ApiError> {
        Ok(
            match p
                .enumeration("allow_redisplay", &AllowRedisplay::VALUES)?
                .as_deref()
            {
                Some("always") => Some(AllowRedisplay::Always),
                Some("limited") => Some(AllowRedisplay::Limited),
                Some(_) => Some(AllowRedisplay::Unspecified),
                None => None,
            },
        )
    }
}

/// The `ideal` hash: the customer's bank, if chosen in the form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ideal {
    pub bank: Option<String>,
    pub bic: Option<String>,
}

/// iDEAL banks and their BICs, as Stripe lists them.
pub const IDEAL_BANKS: &[(&str, &str)] = &[
    ("abn_amro", "ABNANL2A"),
    ("asn_bank", "ASNBNL21"),
    ("bunq", "BUNQNL2A"),
    ("ing", "INGBNL2A"),
    ("knab", "KNABNL2H"),
    ("n26", "NTSBDEB1"),
    ("rabobank", "RABONL2U"),
    ("regiobank", "RBRBNL21"),
    ("revolut", "REVOLT21"),
    ("sns_bank", "SNSBNL2A"),
    ("triodos_bank", "TRIONL2U"),
    ("van_lanschot", "FVLBNL22"),
    ("yoursafe", "BITSNL2A"),
];

/// `radar_options`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RadarOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

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

    /// An iDEAL payment method, with the bank the customer chose (if any).
    pub fn ideal(
        id: String,
        bank: Option<String>,
        billing_details: BillingDetails,
        metadata: Metadata,
        now: Timestamp,
    ) -> PaymentMethod {
        let bic = bank.as_deref().and_then(|bank| {
            IDEAL_BANKS
                .iter()
                .find(|(name, _)| *name == bank)
                .map(|(_, bic)| (*bic).to_owned())
        });
        let mut pm = PaymentMethod::new(
            id,
            None,
            billing_details,
            metadata,
            AllowRedisplay::Unspecified,
            now,
        );
        pm.kind = PaymentMethodType::Ideal;
        pm.ideal = Some(Ideal { bank, bic });
        pm
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

    fn new(
        id: String,
        card: Option<Card>,
        billing_details: BillingDetails,
        metadata: Metadata,
        allow_redisplay: AllowRedisplay,
        now: Timestamp,
    ) -> PaymentMethod {
        PaymentMethod {
            id,
            object: PaymentMethodObject::PaymentMethod,
            allow_redisplay,
            billing_details,
            card,
            ideal: None,
            created: now,
            customer: None,
            customer_account: None,
            livemode: false,
            metadata,
            radar_options: None,
            sepa_debit: None,
            kind: PaymentMethodType::Card,
            us_bank_account: None,
        }
    }

    /// What the network does with this payment method's card (`None` for other types).
    /// `account_secret` is the one its fingerprint was made with.
    pub fn card_behavior(&self, account_secret: &[u8]) -> Option<Behavior> {
        self.card
            .as_ref()
            .map(|c| card::behavior_of_stored_card(account_secret, &c.last4, &c.fingerprint))
    }
}

/// The type-specific data of a create request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaymentMethodData {
    Card(CardInput),
    /// `card[token]`: a card Token (`tok_…`), and the parameter's full name
    /// (`payment_method_data[card][token]`…) for errors. A test token (`tok_visa`) mints here;
    /// a stored one is redeemed by the server, which loads it
    /// ([`crate::token::StoredToken::redeem`]).
    CardToken {
        token: String,
        param: String,
    },
    Ideal {
        bank: Option<String>,
    },
    /// `sepa_debit[iban]`, validated and normalised.
    SepaDebit {
        iban: String,
    },
    UsBankAccount(bank::UsBankAccountInput),
}

/// `POST /v1/payment_methods` parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct PaymentMethodCreate {
    pub data: PaymentMethodData,
    pub billing_details: BillingDetails,
    pub metadata: Metadata,
    pub allow_redisplay: AllowRedisplay,
    pub radar_options: Option<RadarOptions>,
}

impl PaymentMethodCreate {
    /// Takes the parameters it knows from `p`; the caller handles `expand`, Stripe.js's
    /// extras and then [`Params::finish`]. Nested objects are finished here, so
    /// `card[bogus]` is `parameter_unknown`.
    pub fn take(p: &mut Params) -> Result<PaymentMethodCreate, ApiError> {
        let kind = PaymentMethodType::parse(&p.required_string("type")?, "type")?;
        let data = match kind {
            PaymentMethodType::Card => take_card(p)?,
            PaymentMethodType::Ideal => PaymentMethodData::Ideal {
                bank: take_ideal(p)?,
            },
            PaymentMethodType::SepaDebit => PaymentMethodData::SepaDebit {
                iban: bank::take_sepa_debit(p)?,
            },
            PaymentMethodType::UsBankAccount => {
                PaymentMethodData::UsBankAccount(bank::take_us_bank_account(p)?)
            }
        };
        let billing_details = BillingDetails::take(p, "billing_details")?.unwrap_or_default();
        // A debit names its account holder (in the mandate, and to the bank).
        if matches!(
            kind,
            PaymentMethodType::SepaDebit | PaymentMethodType::UsBankAccount
        ) && billing_details.name.as_deref().is_none_or(str::is_empty)
        {
            return Err(ApiError::missing_parameter(&format!(
                "{}[name]",
                p.name("billing_details")
            )));
        }
        let mut metadata = Metadata::new();
        if let Some(update) = p.metadata("metadata")? {
            update.apply(&mut metadata, "metadata")?;
        }
        let allow_redisplay = AllowRedisplay::take(p)?.unwrap_or_default();
        let radar_options = match p.object("radar_options")? {
            None => None,
            Some(mut radar) => {
                let session = radar.string("session")?;
                // Stripe.js sends an hCaptcha token; Tender has no captcha to check it against.
                radar.ignore(&["hcaptcha_token"]);
                radar.finish()?;
                Some(RadarOptions { session })
            }
        };
        Ok(PaymentMethodCreate {
            data,
            billing_details,
            metadata,
            allow_redisplay,
            radar_options,
        })
    }

    /// Validates the card data (402 card errors) and builds the payment method.
    ///
    /// Test mode refuses a number outside the test card table here, at tokenisation, with
    /// `test_mode_live_card`, as Stripe does; test decline cards tokenise fine and fail later.
    pub fn into_payment_method(
        self,
        id: String,
        account_secret: &[u8],
        now: Timestamp,
    ) -> Result<PaymentMethod, ApiError> {
        let valid = match &self.data {
            PaymentMethodData::Card(input) => input.validate(account_secret, now)?,
            PaymentMethodData::CardToken { token, param } => {
                let (token, param) = (token.clone(), param.clone());
                return self.mint_test_token(&token, &param, id, account_secret, now);
            }
            PaymentMethodData::Ideal { bank } => {
                return Ok(PaymentMethod::ideal(
                    id,
                    bank.clone(),
                    self.billing_details,
                    self.metadata,
                    now,
                ));
            }
            PaymentMethodData::SepaDebit { iban } => {
                let mut pm = self.bank_debit(id, PaymentMethodType::SepaDebit, now);
                pm.sepa_debit = Some(bank::sepa_debit(iban, account_secret));
                return Ok(pm);
            }
            PaymentMethodData::UsBankAccount(input) => {
                let mut pm = self.bank_debit(id, PaymentMethodType::UsBankAccount, now);
                pm.us_bank_account = Some(bank::us_bank_account(input, account_secret));
                return Ok(pm);
            }
        };
        if valid.profile.behavior == Behavior::Declines(card::TEST_MODE_LIVE_CARD) {
            return Err(card::TEST_MODE_LIVE_CARD.to_error());
        }
        let mut pm = PaymentMethod::from_card(
            id,
            &valid,
            self.billing_details,
            self.metadata,
            self.allow_redisplay,
            now,
        );
        pm.radar_options = self.radar_options;
        Ok(pm)
    }
}

impl PaymentMethodCreate {
    /// A bank-debit payment method of `kind` with this request's common fields; the caller
    /// sets its type's hash.
    fn bank_debit(&self, id: String, kind: PaymentMethodType, now: Timestamp) -> PaymentMethod {
        let mut pm = PaymentMethod::new(
            id,
            None,
            self.billing_details.clone(),
            self.metadata.clone(),
            self.allow_redisplay,
            now,
        );
        pm.kind = kind;
        pm.radar_options = self.radar_options.clone();
        pm
    }

    /// The stored token `card[token]` names, which the server must load and redeem, with
    /// the parameter's full name; `None` for card data, other types and Stripe's test tokens
    /// (which mint without a lookup).
    pub fn stored_card_token(&self) -> Option<(&str, &str)> {
        match &self.data {
            PaymentMethodData::CardToken { token, param }
                if card::lookup_test_token(token).is_none() =>
            {
                Some((token, param))
            }
            _ => None,
        }
    }

    /// A test token's payment method (`tok_visa` as `pm_card_visa` mints it), with this
    /// request's billing details and metadata. A stored token reaching here was not loaded:
    /// only the routes that redeem tokens take them.
    fn mint_test_token(
        self,
        token: &str,
        param: &str,
        id: String,
        account_secret: &[u8],
        now: Timestamp,
    ) -> Result<PaymentMethod, ApiError> {
        let Some(test) = card::lookup_test_token(token) else {
            return Err(ApiError::invalid_request(format!(
                "The token {token} cannot be redeemed here: use it as `card[token]` when \
                 creating a PaymentMethod, or in a confirmation's `payment_method_data`."
            ))
            .with_param(param));
        };
        let mut pm = PaymentMethod::from_test_payment_method(id, test, account_secret, now);
        pm.billing_details = self.billing_details;
        pm.metadata = self.metadata;
        pm.allow_redisplay = self.allow_redisplay;
        pm.radar_options = self.radar_options;
        Ok(pm)
    }
}

/// `ideal[bank]`, optional: the Payment Element lets the customer choose on the bank's page.
fn take_ideal(p: &mut Params) -> Result<Option<String>, ApiError> {
    let Some(mut ideal) = p.object("ideal")? else {
        return Ok(None);
    };
    let names: Vec<&str> = IDEAL_BANKS.iter().map(|(name, _)| *name).collect();
    let bank = ideal.enumeration("bank", &names)?;
    ideal.finish()?;
    Ok(bank)
}

fn take_card(p: &mut Params) -> Result<PaymentMethodData, ApiError> {
    let mut card = p
        .object("card")?
        .ok_or_else(|| ApiError::missing_parameter("card"))?;
    // A token stands for the whole card: nothing else may come with it.
    if let Some(token) = card.string("token")? {
        let param = card.name("token");
        card.finish()?;
        return Ok(PaymentMethodData::CardToken { token, param });
    }
    let input = CardInput {
        number: card.required_string("number")?,
        exp_month: card.required_integer("exp_month")?,
        exp_year: card.required_integer("exp_year")?,
        cvc: card.string("cvc")?,
    };
    card.finish()?;
    Ok(PaymentMethodData::Card(input))
}

/// `card[…]` of an update: only the expiry may change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CardUpdate {
    pub exp_month: Option<i64>,
    pub exp_year: Option<i64>,
}

/// `POST /v1/payment_methods/:id` parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentMethodUpdate {
    pub allow_redisplay: Option<AllowRedisplay>,
    pub billing_details: Field<BillingDetailsUpdate>,
    pub card: Option<CardUpdate>,
    pub metadata: Option<MetadataUpdate>,
}

impl PaymentMethodUpdate {
    /// Takes the parameters it knows from `p`; the caller handles `expand` and finishes.
    pub fn take(p: &mut Params) -> Result<PaymentMethodUpdate, ApiError> {
        let card = match p.object("card")? {
            None => None,
            Some(mut card) => {
                let update = CardUpdate {
                    exp_month: card.integer("exp_month")?,
                    exp_year: card.integer("exp_year")?,
                };
                card.finish()?;
                Some(update)
            }
        };
        Ok(PaymentMethodUpdate {
            allow_redisplay: AllowRedisplay::take(p)?,
            billing_details: BillingDetailsUpdate::take(p, "billing_details")?,
            card,
            metadata: p.metadata("metadata")?,
        })
    }

    /// Applies the update, all or nothing, and returns the `previous_attributes` of the
    /// `payment_method.updated` event (`None` when nothing changed).
    ///
    /// Stripe only updates payment methods saved to a customer.
    pub fn apply(&self, pm: &mut PaymentMethod, now: Timestamp) -> Result<Option<Value>, ApiError> {
        if pm.customer.is_none() {
            return Err(ApiError::invalid_request(
                "You must save this PaymentMethod to a customer before you can update it.",
            ));
        }
        let mut next = pm.clone();
        if let Some(allow_redisplay) = self.allow_redisplay {
            next.allow_redisplay = allow_redisplay;
        }
        match &self.billing_details {
            Field::Absent => {}
            Field::Clear => next.billing_details = BillingDetails::default(),
            Field::Set(update) => update.apply(&mut next.billing_details),
        }
        if let Some(update) = &self.card {
            let Some(card) = next.card.as_mut() else {
                return Err(ApiError::invalid_request(format!(
                    "You cannot update `card` on a PaymentMethod of type `{}`.",
                    pm.kind.as_str()
                ))
                .with_param("card"));
            };
            let month = update.exp_month.unwrap_or(card.exp_month);
            let year = update.exp_year.unwrap_or(card.exp_year);
            (card.exp_month, card.exp_year) = card::validate_expiry(month, year, now)?;
        }
        if let Some(update) = &self.metadata {
            update.apply(&mut next.metadata, "metadata")?;
        }
        let before = serde_json::to_value(&*pm).map_err(|_| ApiError::internal())?;
        let after = serde_json::to_value(&next).map_err(|_| ApiError::internal())?;
        *pm = next;
        Ok(previous_attributes(&before, &after))
    }
}

#[cfg(test)]
mod tests;
