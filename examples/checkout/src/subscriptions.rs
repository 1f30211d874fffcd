//! The membership plan and every subscription call the shop makes, through async-stripe with
//! the secret key: the "Create a subscription" tab of "Finalize payments on the server".
//!
//! The plan is a Price the shop owns, found by its `lookup_key` and created (with its Product,
//! through `product_data`) only when no price has that key yet, so starting the shop twice, or
//! against an account that already has the plan, creates nothing new.

use std::collections::HashMap;

use stripe::{RequestStrategy, StripeRequest};
use stripe_billing::subscription::{
    CreateSubscription, CreateSubscriptionItems, CreateSubscriptionPaymentBehavior,
    CreateSubscriptionPaymentSettings, CreateSubscriptionPaymentSettingsSaveDefaultPaymentMethod,
    RetrieveSubscription, UpdateSubscription,
};
use stripe_core::payment_intent::{ConfirmPaymentIntent, RetrievePaymentIntent};
use stripe_product::price::{
    CreatePrice, CreatePriceProductData, CreatePriceRecurring, CreatePriceRecurringInterval,
    ListPrice,
};
use stripe_shared::{PaymentIntent, Price, Subscription};
use stripe_types::Expandable;

use crate::payments::{Gateway, PaymentError, currency, idempotency_key};

/// The one plan the shop sells.
pub const PLAN_LOOKUP_KEY: &str = "tender_shop_membership_monthly";
pub const PLAN_NAME: &str = "Tender shop membership";
pub const PLAN_AMOUNT: i64 = 900;
pub const PLAN_CURRENCY: &str = "usd";

/// The plan as the pages show it and the server subscribes to it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Plan {
    pub price: String,
    pub name: String,
    pub amount: i64,
    pub currency: String,
    pub interval: String,
}

/// The first invoice's PaymentIntent of a subscription created with
/// `expand[]=latest_invoice.payments`: `latest_invoice.payments.data[0].payment.payment_intent`,
/// where Stripe's guides read it from API version `2025-03-31.basil` on.
pub fn first_payment_intent(subscription: &Subscription) -> Option<String> {
    let Some(Expandable::Object(invoice)) = &subscription.latest_invoice else {
        return None;
    };
    let payment = invoice.payments.as_ref()?.data.first()?;
    payment
        .payment
        .payment_intent
        .as_ref()
        .map(|pi| pi.id().to_string())
}

/// `items.data[0].current_period_end`: periods are on the items from `2025-03-31.basil` on.
pub fn current_period_end(subscription: &Subscription) -> Option<i64> {
    subscription
        .items
        .data
        .first()
        .map(|item| item.current_period_end)
}

impl Gateway {
    /// The plan's Price: the one with the shop's lookup key, else a new one (and its Product).
    pub async fn ensure_plan(&self) -> Result<Plan, PaymentError> {
        let found = ListPrice::new()
            .lookup_keys(vec![PLAN_LOOKUP_KEY.to_owned()])
            .limit(1)
            .send(&self.client)
            .await?;
        if let Some(price) = found.data.into_iter().next() {
            return Ok(plan(&price));
        }
        // A second shop starting at the same moment replays this answer instead of making a
        // second price (a lookup key is unique, so Stripe would refuse it anyway).
        let key = idempotency_key(&["plan", PLAN_LOOKUP_KEY])?;
        let price = CreatePrice::new(currency(PLAN_CURRENCY)?)
            .unit_amount(PLAN_AMOUNT)
            .recurring(CreatePriceRecurring::new(
                CreatePriceRecurringInterval::Month,
            ))
            .product_data(CreatePriceProductData::new(PLAN_NAME))
            .lookup_key(PLAN_LOOKUP_KEY)
            .nickname("Monthly")
            .customize()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await?;
        Ok(plan(&price))
    }

    /// An `incomplete` subscription whose first invoice is finalized with a PaymentIntent
    /// that nobody has tried to pay yet (`default_incomplete`); the payment method of the
    /// first payment becomes the subscription's default (`on_subscription`).
    pub async fn create_subscription(
        &self,
        customer: &str,
        price: &str,
        membership_id: &str,
    ) -> Result<Subscription, PaymentError> {
        let key = idempotency_key(&["subscribe", membership_id])?;
        let mut item = CreateSubscriptionItems::new();
        item.price = Some(price.to_owned());
        let mut settings = CreateSubscriptionPaymentSettings::new();
        settings.save_default_payment_method =
            Some(CreateSubscriptionPaymentSettingsSaveDefaultPaymentMethod::OnSubscription);
        Ok(CreateSubscription::new()
            .customer(customer)
            .items(vec![item])
            .payment_behavior(CreateSubscriptionPaymentBehavior::DefaultIncomplete)
            .payment_settings(settings)
            .metadata(HashMap::from([(
                "membership_id".to_owned(),
                membership_id.to_owned(),
            )]))
            .expand(expand_first_payment())
            .customize()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await?)
    }

    /// The subscription with its latest invoice's payments, to find the PaymentIntent again.
    pub async fn subscription(&self, id: &str) -> Result<Subscription, PaymentError> {
        Ok(RetrieveSubscription::new(id)
            .expand(expand_first_payment())
            .send(&self.client)
            .await?)
    }

    /// Confirms the first invoice's PaymentIntent with the browser's ConfirmationToken: there
    /// is no `confirmation_token` on `/v1/invoices/:id/pay`, so the guide confirms the intent.
    pub async fn confirm_invoice_payment(
        &self,
        payment_intent: &str,
        confirmation_token: &str,
        return_url: &str,
    ) -> Result<PaymentIntent, PaymentError> {
        let key = idempotency_key(&["confirm", payment_intent, confirmation_token])?;
        Ok(ConfirmPaymentIntent::new(payment_intent)
            .confirmation_token(confirmation_token)
            .return_url(return_url)
            .customize()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await?)
    }

    pub async fn invoice_payment_intent(&self, id: &str) -> Result<PaymentIntent, PaymentError> {
        Ok(RetrievePaymentIntent::new(id).send(&self.client).await?)
    }

    /// The member keeps what they paid for: the subscription ends when the period does.
    pub async fn cancel_at_period_end(&self, id: &str) -> Result<Subscription, PaymentError> {
        Ok(UpdateSubscription::new(id)
            .cancel_at_period_end(true)
            .send(&self.client)
            .await?)
    }
}

fn expand_first_payment() -> Vec<String> {
    vec![
        "latest_invoice.confirmation_secret".to_owned(),
        "latest_invoice.payments".to_owned(),
    ]
}

fn plan(price: &Price) -> Plan {
    Plan {
        price: price.id.to_string(),
        name: match &price.product {
            Expandable::Object(product) => product.name.clone(),
            Expandable::Id(_) => PLAN_NAME.to_owned(),
        },
        amount: price.unit_amount.unwrap_or(PLAN_AMOUNT),
        currency: price.currency.to_string(),
        interval: price
            .recurring
            .as_ref()
            .map_or("month", |r| r.interval.as_str())
            .to_owned(),
    }
}
