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
    #[serde(rename = "type")]
    pub kind: PaymentMethodType,
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
}

impl PaymentMethodType {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethodType::Card => "card",
            PaymentMethodType::Ideal => "ideal",
        }
    }

    /// The type named in a request, or 400 naming `param` for one Tender does not support.
    pub fn parse(value: &str, param: &str) -> Result<PaymentMethodType, ApiError> {
        match value {
            "card" => Ok(PaymentMethodType::Card),
            "ideal" => Ok(PaymentMethodType::Ideal),
            other => Err(ApiError::invalid_request(format!(
                "The payment method type `{other}` is not supported. Supported types: `card`, \
                 `ideal`."
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
            kind: PaymentMethodType::Card,
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
    Ideal { bank: Option<String> },
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
            PaymentMethodType::Card => PaymentMethodData::Card(take_card(p)?),
            PaymentMethodType::Ideal => PaymentMethodData::Ideal {
                bank: take_ideal(p)?,
            },
        };
        let billing_details = BillingDetails::take(p, "billing_details")?.unwrap_or_default();
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
            PaymentMethodData::Ideal { bank } => {
                return Ok(PaymentMethod::ideal(
                    id,
                    bank.clone(),
                    self.billing_details,
                    self.metadata,
                    now,
                ));
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

fn take_card(p: &mut Params) -> Result<CardInput, ApiError> {
    let mut card = p
        .object("card")?
        .ok_or_else(|| ApiError::missing_parameter("card"))?;
    let input = CardInput {
        number: card.required_string("number")?,
        exp_month: card.required_integer("exp_month")?,
        exp_year: card.required_integer("exp_year")?,
        cvc: card.string("cvc")?,
    };
    card.finish()?;
    Ok(input)
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
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::collections::BTreeSet;

    use serde_json::json;

    use super::*;

    const SECRET: &[u8] = b"account secret";
    /// 2026-11-15T12:00:00Z.
    const NOW: Timestamp = 1_794_744_000;

    fn params(s: &str) -> Params {
        Params::from_form(s.as_bytes()).unwrap()
    }

    fn create(form: &str) -> Result<PaymentMethod, ApiError> {
        let mut p = params(form);
        let create = PaymentMethodCreate::take(&mut p)?;
        p.finish()?;
        create.into_payment_method("pm_123".into(), SECRET, NOW)
    }

    fn keys(value: &Value) -> BTreeSet<&str> {
        value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect()
    }

    const VISA: &str = "type=card&card[number]=4242424242424242&card[exp_month]=12&\
                        card[exp_year]=2034&card[cvc]=123";

    #[test]
    fn ideal_payment_methods_carry_the_bank_and_its_bic() {
        let pm = create("type=ideal&ideal[bank]=rabobank").unwrap();
        let json = serde_json::to_value(&pm).unwrap();
        assert_eq!(json["type"], "ideal");
        assert_eq!(
            json["ideal"],
            json!({"bank": "rabobank", "bic": "RABONL2U"})
        );
        assert!(json.get("card").is_none());
        assert_eq!(pm.card_behavior(SECRET), None);
        let err = create("type=ideal&ideal[bank]=nope").unwrap_err();
        assert_eq!(err.param.as_deref(), Some("ideal[bank]"));
    }

    #[test]
    fn renders_stripe_key_set() {
        let pm = create(VISA).unwrap();
        let json = serde_json::to_value(&pm).unwrap();
        assert_eq!(
            keys(&json),
            BTreeSet::from([
                "id",
                "object",
                "allow_redisplay",
                "billing_details",
                "card",
                "created",
                "customer",
                "customer_account",
                "livemode",
                "metadata",
                "type",
            ])
        );
        assert_eq!(
            keys(&json["card"]),
            BTreeSet::from([
                "brand",
                "checks",
                "country",
                "display_brand",
                "exp_month",
                "exp_year",
                "fingerprint",
                "funding",
                "generated_from",
                "last4",
                "networks",
                "regulated_status",
                "three_d_secure_usage",
                "wallet",
            ])
        );
        assert_eq!(json["object"], "payment_method");
        assert_eq!(json["type"], "card");
        assert_eq!(json["allow_redisplay"], "unspecified");
        assert_eq!(json["customer"], Value::Null);
        assert_eq!(json["customer_account"], Value::Null);
        assert_eq!(json["livemode"], false);
        assert_eq!(json["metadata"], json!({}));
        assert_eq!(json["created"], NOW);
        assert_eq!(json["billing_details"]["address"]["line1"], Value::Null);
        let card = &json["card"];
        assert_eq!(card["brand"], "visa");
        assert_eq!(card["display_brand"], "visa");
        assert_eq!(card["country"], "US");
        assert_eq!(card["funding"], "credit");
        assert_eq!(card["last4"], "4242");
        assert_eq!(card["exp_month"], 12);
        assert_eq!(card["exp_year"], 2034);
        assert_eq!(card["generated_from"], Value::Null);
        assert_eq!(card["wallet"], Value::Null);
        assert_eq!(card["regulated_status"], "unregulated");
        assert_eq!(
            card["networks"],
            json!({"available": ["visa"], "preferred": null})
        );
        assert_eq!(card["three_d_secure_usage"], json!({"supported": true}));
        assert_eq!(
            card["checks"],
            json!({"address_line1_check": null, "address_postal_code_check": null,
                   "cvc_check": "pass"})
        );
        assert!(!json.to_string().contains("4242424242424242"));
        assert!(!json.to_string().contains("\"123\""));
        let back: PaymentMethod = serde_json::from_value(json).unwrap();
        assert_eq!(back, pm);
    }

    #[test]
    fn checks_follow_the_provided_values_and_the_test_card() {
        let pm = create(
            "type=card&card[number]=4000000000000010&card[exp_month]=1&card[exp_year]=2030&\
             billing_details[address][line1]=1+Main&billing_details[address][postal_code]=1",
        )
        .unwrap();
        let checks = pm.card.as_ref().unwrap().checks.clone();
        assert_eq!(checks.address_line1_check, Some(CheckResult::Fail));
        assert_eq!(checks.address_postal_code_check, Some(CheckResult::Fail));
        assert_eq!(checks.cvc_check, None);
        let pm = create(
            "type=card&card[number]=4000000000000101&card[exp_month]=1&card[exp_year]=2030&\
             card[cvc]=999",
        )
        .unwrap();
        assert_eq!(pm.card.unwrap().checks.cvc_check, Some(CheckResult::Fail));
    }

    #[test]
    fn create_params_and_errors() {
        let pm = create(&format!(
            "{VISA}&billing_details[name]=Jenny&metadata[k]=v&allow_redisplay=always&\
             radar_options[hcaptcha_token]=x"
        ))
        .unwrap();
        assert_eq!(pm.billing_details.name.as_deref(), Some("Jenny"));
        assert_eq!(pm.metadata.get("k").map(String::as_str), Some("v"));
        assert_eq!(pm.allow_redisplay, AllowRedisplay::Always);
        let json = serde_json::to_value(&pm).unwrap();
        assert_eq!(json["radar_options"], json!({}));

        let err = create("card[number]=4242424242424242").unwrap_err();
        assert_eq!(
            (err.code.as_deref(), err.param.as_deref()),
            (Some("parameter_missing"), Some("type"))
        );
        let err = create("type=sepa_debit").unwrap_err();
        assert_eq!((err.status, err.param.as_deref()), (400, Some("type")));
        assert!(
            err.message.contains("`sepa_debit` is not supported"),
            "{}",
            err.message
        );
        let err = create("type=card").unwrap_err();
        assert_eq!(err.param.as_deref(), Some("card"));
        let err = create("type=card&card[exp_month]=12&card[exp_year]=2034").unwrap_err();
        assert_eq!(
            (err.code.as_deref(), err.param.as_deref()),
            (Some("parameter_missing"), Some("card[number]"))
        );
        let err =
            create("type=card&card[number]=4242424242424242&card[exp_year]=2034").unwrap_err();
        assert_eq!(err.param.as_deref(), Some("card[exp_month]"));
        let err = create(&format!("{VISA}&card[bogus]=1")).unwrap_err();
        assert_eq!(
            (err.code.as_deref(), err.param.as_deref()),
            (Some("parameter_unknown"), Some("card[bogus]"))
        );
        let err = create(&format!("{VISA}&billing_details[address][bogus]=1")).unwrap_err();
        assert_eq!(
            err.param.as_deref(),
            Some("billing_details[address][bogus]")
        );
        let err = create(&format!("{VISA}&allow_redisplay=sometimes")).unwrap_err();
        assert_eq!(err.param.as_deref(), Some("allow_redisplay"));
        // Card data errors are 402 card errors.
        let err = create(&VISA.replace("4242424242424242", "4242424242424241")).unwrap_err();
        assert_eq!(
            (err.status, err.code.as_deref()),
            (402, Some("incorrect_number"))
        );
        let err = create(&VISA.replace("4242424242424242", "4111111111111111")).unwrap_err();
        assert_eq!(err.status, 402);
        assert_eq!(err.decline_code.as_deref(), Some("test_mode_live_card"));
        assert!(create(&VISA.replace("4242424242424242", "4000000000000002")).is_ok());
        let err = create(&VISA.replace("card[exp_month]=12", "card[exp_month]=13")).unwrap_err();
        assert_eq!(
            (err.code.as_deref(), err.param.as_deref()),
            (Some("invalid_expiry_month"), Some("exp_month"))
        );
    }

    #[test]
    fn debug_of_create_params_hides_the_number() {
        let mut p = params(VISA);
        let create = PaymentMethodCreate::take(&mut p).unwrap();
        let debug = format!("{create:?}");
        assert!(!debug.contains("4242424242424242"), "{debug}");
        assert!(!debug.contains("\"123\""), "{debug}");
    }

    #[test]
    fn test_payment_methods_and_behavior_lookup() {
        let test = card::lookup_test_payment_method("pm_card_visa_chargeDeclined").unwrap();
        let pm = PaymentMethod::from_test_payment_method("pm_abc".into(), test, SECRET, NOW);
        let card = pm.card.as_ref().unwrap();
        assert_eq!(
            (card.last4.as_str(), card.exp_month, card.exp_year),
            ("0002", 12, 2027)
        );
        assert_eq!(card.checks.cvc_check, Some(CheckResult::Unchecked));
        assert_eq!(
            card.fingerprint,
            card::fingerprint(SECRET, "4000000000000002")
        );
        assert_eq!(
            pm.card_behavior(SECRET),
            Some(Behavior::Declines(card::GENERIC_DECLINE))
        );
        // The behaviour survives the store's JSON round trip.
        let stored = serde_json::to_string(&pm).unwrap();
        assert!(!stored.contains("4000000000000002"));
        let loaded: PaymentMethod = serde_json::from_str(&stored).unwrap();
        assert_eq!(
            loaded.card_behavior(SECRET),
            Some(Behavior::Declines(card::GENERIC_DECLINE))
        );

        let amex = card::lookup_test_payment_method("pm_card_amex").unwrap();
        let pm = PaymentMethod::from_test_payment_method("pm_x".into(), amex, SECRET, NOW);
        let json = serde_json::to_value(&pm).unwrap();
        assert_eq!(json["card"]["display_brand"], "american_express");
        assert_eq!(json["card"]["three_d_secure_usage"]["supported"], false);
        let cb = card::lookup_test_payment_method("pm_card_visa_cartesBancaires").unwrap();
        let pm = PaymentMethod::from_test_payment_method("pm_y".into(), cb, SECRET, NOW);
        let json = serde_json::to_value(&pm).unwrap();
        assert_eq!(
            json["card"]["networks"]["available"],
            json!(["cartes_bancaires", "visa"])
        );
        assert_eq!(json["card"]["country"], "FR");
    }

    #[test]
    fn update_merges_and_reports_previous_attributes() {
        let mut pm = create(&format!(
            "{VISA}&billing_details[name]=Old&billing_details[email]=a@b.c"
        ))
        .unwrap();
        let mut p = params(
            "billing_details[name]=New&metadata[purpose]=test&card[exp_month]=11&\
             card[exp_year]=2036",
        );
        let update = PaymentMethodUpdate::take(&mut p).unwrap();
        p.finish().unwrap();

        let err = update.apply(&mut pm.clone(), NOW).unwrap_err();
        assert_eq!(err.status, 400);

        pm.customer = Some("cus_1".into());
        let old = serde_json::to_value(&pm).unwrap();
        let previous = update.apply(&mut pm, NOW).unwrap().unwrap();
        assert_eq!(
            keys(&previous),
            BTreeSet::from(["billing_details", "card", "metadata"])
        );
        for key in ["billing_details", "card", "metadata"] {
            assert_eq!(previous[key], old[key], "{key}");
        }
        assert_eq!(pm.billing_details.name.as_deref(), Some("New"));
        assert_eq!(pm.billing_details.email.as_deref(), Some("a@b.c"));
        assert_eq!(pm.metadata.get("purpose").map(String::as_str), Some("test"));
        let card = pm.card.as_ref().unwrap();
        assert_eq!(
            (card.exp_month, card.exp_year, card.last4.as_str()),
            (11, 2036, "4242")
        );

        // Nothing changes: no previous attributes.
        assert_eq!(update.apply(&mut pm, NOW).unwrap(), None);

        // A bad expiry leaves the payment method untouched.
        let before = pm.clone();
        let mut p = params("card[exp_month]=13&metadata[x]=y");
        let bad = PaymentMethodUpdate::take(&mut p).unwrap();
        let err = bad.apply(&mut pm, NOW).unwrap_err();
        assert_eq!(
            (err.code.as_deref(), err.param.as_deref()),
            (Some("invalid_expiry_month"), Some("exp_month"))
        );
        assert_eq!(pm, before);

        let err =
            PaymentMethodUpdate::take(&mut params("card[number]=4242424242424242")).unwrap_err();
        assert_eq!(err.param.as_deref(), Some("card[number]"));
    }
}
