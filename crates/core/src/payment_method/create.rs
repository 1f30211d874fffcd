//! `POST /v1/payment_methods`: the create parameters of every type, and the payment method
//! they make once validated (cards, card tokens, iDEAL and bank debits).
//!
//! Kept apart from the resource: reading and validating a request is the part that grows
//! with each type and each way of giving a card, while the stored payment method does not.

use tender_wire::{ApiError, Metadata, Params};

use super::ideal::take_ideal;
use super::{AllowRedisplay, PaymentMethod, PaymentMethodType, RadarOptions, bank};
use crate::Timestamp;
use crate::address::BillingDetails;
use crate::card::{self, Behavior, CardInput};

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
