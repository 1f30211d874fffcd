//! Every call the shop makes to the payments API, through async-stripe with the secret key.
//! Nothing here knows it may be talking to Tender: the base URL comes from the config.

use std::collections::HashMap;
use std::str::FromStr;

use stripe::{Client, ClientBuilder, IdempotencyKey, RequestStrategy, StripeError, StripeRequest};
use stripe_core::customer::CreateCustomer;
use stripe_core::customer_session::{
    CreateCustomerSession, CreateCustomerSessionComponents,
    CreateCustomerSessionComponentsPaymentElement,
    CreateCustomerSessionComponentsPaymentElementFeatures,
    CreateCustomerSessionComponentsPaymentElementFeaturesPaymentMethodRedisplay as Redisplay,
    CreateCustomerSessionComponentsPaymentElementFeaturesPaymentMethodRemove as Remove,
    CreateCustomerSessionComponentsPaymentElementFeaturesPaymentMethodSave as Save,
};
use stripe_core::payment_intent::{
    CancelPaymentIntent, ConfirmPaymentIntent, CreatePaymentIntent,
    CreatePaymentIntentAutomaticPaymentMethods, CreatePaymentIntentOffSession,
    RetrievePaymentIntent, UpdatePaymentIntent,
};
use stripe_core::setup_intent::{
    CreateSetupIntent, CreateSetupIntentAutomaticPaymentMethods, CreateSetupIntentUsage,
    RetrieveSetupIntent,
};
use stripe_payment::ConfirmationToken;
use stripe_payment::confirmation_token::RetrieveConfirmationToken;
use stripe_shared::{
    ApiErrorsType, PaymentIntent, PaymentIntentAllowedPaymentMethodTypes, SetupIntent,
};
use stripe_types::Currency;

use crate::rules::Instrument;

/// Why a call failed, sorted by what the shop tells the customer.
#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    /// The card was declined or could not be authenticated (402 `card_error`): the customer
    /// can try another card. `payment_intent` is the intent the attempt was made on.
    #[error("{message}")]
    Declined {
        message: String,
        code: Option<String>,
        decline_code: Option<String>,
        payment_intent: Option<String>,
    },
    /// The API refused the request (a used or unknown ConfirmationToken, …).
    #[error("{message}")]
    Refused {
        status: u16,
        message: String,
        code: Option<String>,
    },
    /// The API could not be reached or answered something unreadable.
    #[error("payment service unavailable: {0}")]
    Unavailable(String),
}

impl From<StripeError> for PaymentError {
    fn from(error: StripeError) -> PaymentError {
        match error {
            StripeError::Stripe(api, status) => {
                let message = api
                    .message
                    .clone()
                    .unwrap_or_else(|| "The payment could not be completed.".to_owned());
                let code = api.code.as_ref().map(|c| c.as_str().to_owned());
                if matches!(api.type_, ApiErrorsType::CardError) {
                    PaymentError::Declined {
                        message,
                        code,
                        decline_code: api.decline_code.clone(),
                        payment_intent: api.payment_intent.as_ref().map(|pi| pi.id.to_string()),
                    }
                } else if status < 500 && status != 429 {
                    PaymentError::Refused {
                        status,
                        message,
                        code,
                    }
                } else {
                    PaymentError::Unavailable(format!("{status}: {message}"))
                }
            }
            // Includes answers async-stripe cannot deserialize: logged in full by the caller,
            // since against Tender that means a field is missing from its rendering.
            other => PaymentError::Unavailable(other.to_string()),
        }
    }
}

/// A server-side create-and-confirm, as in "Finalize payments on the server".
pub struct NewPayment<'a> {
    pub amount: i64,
    pub currency: &'a str,
    pub order_id: &'a str,
    pub confirmation_token: &'a str,
    pub return_url: &'a str,
    /// The returning shopper's Customer: a card saved at this payment is saved to it, and a
    /// card saved earlier may pay.
    pub customer: Option<&'a str>,
    /// The payment method types to offer, where automatic payment methods would not offer
    /// them (`catalog::payment_method_types`).
    pub payment_method_types: Option<&'a [&'a str]>,
}

/// An off-session payment with a saved card.
pub struct SavedPayment<'a> {
    pub customer: &'a str,
    pub payment_method: &'a str,
    pub order_id: &'a str,
    pub return_url: &'a str,
}

#[derive(Clone)]
pub struct Gateway {
    pub(crate) client: Client,
}

impl Gateway {
    pub fn new(secret_key: &str, api_base: &str) -> Result<Gateway, StripeError> {
        let client = ClientBuilder::new(secret_key)
            .url(api_base)
            .app_info(
                "tender-checkout",
                Some(env!("CARGO_PKG_VERSION").to_owned()),
                None,
            )
            .build()?;
        Ok(Gateway { client })
    }

    /// The token the browser made; its `payment_method_preview` is what the rules look at.
    pub async fn confirmation_token(&self, id: &str) -> Result<ConfirmationToken, PaymentError> {
        Ok(RetrieveConfirmationToken::new(id)
            .send(&self.client)
            .await?)
    }

    /// Creates and confirms a PaymentIntent in one request. The idempotency key makes a
    /// double-clicked Pay button (same order, same token) one payment.
    pub async fn create_and_confirm(
        &self,
        payment: &NewPayment<'_>,
    ) -> Result<PaymentIntent, PaymentError> {
        let request = CreatePaymentIntent::new(payment.amount, currency(payment.currency)?)
            .confirm(true)
            .confirmation_token(payment.confirmation_token)
            .metadata(order_metadata(payment.order_id))
            .return_url(payment.return_url);
        // The API version async-stripe speaks names a list with `allowed_payment_method_types`
        // (the intent keeps those of the list that fit its currency).
        let request = match payment.payment_method_types {
            Some(types) => request.allowed_payment_method_types(
                // Parsing cannot fail: a type async-stripe does not know is kept as `Unknown`.
                types
                    .iter()
                    .filter_map(|t| t.parse().ok())
                    .collect::<Vec<PaymentIntentAllowedPaymentMethodTypes>>(),
            ),
            None => request
                .automatic_payment_methods(CreatePaymentIntentAutomaticPaymentMethods::new(true)),
        };
        let request = match payment.customer {
            Some(customer) => request.customer(customer),
            None => request,
        };
        let key = idempotency_key(&[payment.order_id, payment.confirmation_token])?;
        Ok(request
            .customize()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await?)
    }

    /// A new attempt on an intent whose last attempt failed: new amount if the cart changed,
    /// then confirm with the new token.
    pub async fn reconfirm(
        &self,
        intent: &PaymentIntent,
        payment: &NewPayment<'_>,
    ) -> Result<PaymentIntent, PaymentError> {
        if intent.amount != payment.amount {
            UpdatePaymentIntent::new(intent.id.clone())
                .amount(payment.amount)
                .send(&self.client)
                .await?;
        }
        let key = idempotency_key(&[
            payment.order_id,
            intent.id.as_str(),
            payment.confirmation_token,
        ])?;
        Ok(ConfirmPaymentIntent::new(intent.id.clone())
            .confirmation_token(payment.confirmation_token)
            .return_url(payment.return_url)
            .customize()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await?)
    }

    pub async fn payment_intent(&self, id: &str) -> Result<PaymentIntent, PaymentError> {
        Ok(RetrievePaymentIntent::new(id).send(&self.client).await?)
    }

    pub async fn cancel(&self, id: &str) -> Result<PaymentIntent, PaymentError> {
        Ok(CancelPaymentIntent::new(id).send(&self.client).await?)
    }

    /// An unconfirmed intent whose client secret goes to the browser, which confirms it
    /// (the client-confirmation paths).
    pub async fn create_intent(
        &self,
        amount: i64,
        currency_code: &str,
        order_id: &str,
    ) -> Result<PaymentIntent, PaymentError> {
        let key = idempotency_key(&["intent", order_id])?;
        Ok(CreatePaymentIntent::new(amount, currency(currency_code)?)
            .automatic_payment_methods(CreatePaymentIntentAutomaticPaymentMethods::new(true))
            .metadata(order_metadata(order_id))
            .customize()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await?)
    }

    pub async fn create_customer(&self, email: Option<&str>) -> Result<String, PaymentError> {
        let mut request = CreateCustomer::new().description("tender-checkout saved card");
        if let Some(email) = email {
            request = request.email(email);
        }
        Ok(request.send(&self.client).await?.id.to_string())
    }

    /// A CustomerSession for the Payment Element: the customer's saved cards shown, a new
    /// one offered to save, a saved one removable. Its client secret goes to the browser.
    pub async fn customer_session(&self, customer: &str) -> Result<String, PaymentError> {
        let mut features = CreateCustomerSessionComponentsPaymentElementFeatures::new();
        features.payment_method_redisplay = Some(Redisplay::Enabled);
        features.payment_method_save = Some(Save::Enabled);
        features.payment_method_remove = Some(Remove::Enabled);
        let mut element = CreateCustomerSessionComponentsPaymentElement::new(true);
        element.features = Some(features);
        let mut components = CreateCustomerSessionComponents::new();
        components.payment_element = Some(element);
        let session = CreateCustomerSession::new(components)
            .customer(customer)
            .send(&self.client)
            .await?;
        Ok(session.client_secret)
    }

    /// Saves a card for later: a SetupIntent for `customer`, confirmed with the token.
    pub async fn create_and_confirm_setup(
        &self,
        customer: &str,
        confirmation_token: &str,
        return_url: &str,
    ) -> Result<SetupIntent, PaymentError> {
        Ok(CreateSetupIntent::new()
            .customer(customer)
            .confirm(true)
            .confirmation_token(confirmation_token)
            .automatic_payment_methods(CreateSetupIntentAutomaticPaymentMethods::new(true))
            .usage(CreateSetupIntentUsage::OffSession)
            .return_url(return_url)
            .send(&self.client)
            .await?)
    }

    pub async fn setup_intent(&self, id: &str) -> Result<SetupIntent, PaymentError> {
        Ok(RetrieveSetupIntent::new(id).send(&self.client).await?)
    }

    /// Charges a saved card with the customer away (`off_session`): no 3D Secure possible,
    /// a card that insists fails with `authentication_required`. The return URL is required
    /// by server-side confirmation with automatic payment methods (some redirect).
    pub async fn charge_saved_card(
        &self,
        saved: &SavedPayment<'_>,
        amount: i64,
        currency_code: &str,
    ) -> Result<PaymentIntent, PaymentError> {
        let key = idempotency_key(&["off-session", saved.order_id])?;
        Ok(CreatePaymentIntent::new(amount, currency(currency_code)?)
            .customer(saved.customer)
            .payment_method(saved.payment_method)
            .off_session(CreatePaymentIntentOffSession::Bool(true))
            .confirm(true)
            .return_url(saved.return_url)
            .metadata(order_metadata(saved.order_id))
            .customize()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await?)
    }
}

/// What the rules see of a token's payment method; `None` if it has no preview.
pub fn instrument(token: &ConfirmationToken) -> Option<Instrument> {
    let preview = token.payment_method_preview.as_ref()?;
    let card = preview.card.as_ref();
    Some(Instrument {
        kind: preview.type_.as_str().to_owned(),
        funding: card.map(|c| c.funding.clone()),
        country: card.and_then(|c| c.country.clone()),
    })
}

/// `Visa •••• 4242`, for the review page.
pub fn describe(token: &ConfirmationToken) -> Option<CardSummary> {
    let card = token.payment_method_preview.as_ref()?.card.as_ref()?;
    Some(CardSummary {
        brand: card.brand.clone(),
        last4: card.last4.clone(),
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        funding: card.funding.clone(),
        country: card.country.clone(),
    })
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct CardSummary {
    pub brand: String,
    pub last4: String,
    pub exp_month: i64,
    pub exp_year: i64,
    pub funding: String,
    pub country: Option<String>,
}

/// The link from a payment back to the order; the webhook reads it to find the order.
fn order_metadata(order_id: &str) -> HashMap<String, String> {
    HashMap::from([("order_id".to_owned(), order_id.to_owned())])
}

pub(crate) fn currency(code: &str) -> Result<Currency, PaymentError> {
    Currency::from_str(code)
        .map_err(|_| PaymentError::Unavailable(format!("unsupported currency {code:?}")))
}

pub(crate) fn idempotency_key(parts: &[&str]) -> Result<IdempotencyKey, PaymentError> {
    IdempotencyKey::new(parts.join(":"))
        .map_err(|e| PaymentError::Unavailable(format!("idempotency key: {e}")))
}
