//! The optional parts of objects, filled: shipping, future usage, Radar outcomes, card checks,
//! other brands, a ConfirmationToken with everything Stripe.js can send. Each is a nested type
//! of its own in the SDK, with required fields of its own.

use reqwest::{Method, StatusCode};
use stripe_payment::ConfirmationToken;
use stripe_shared::{
    ChargeStatus, Customer, PaymentIntent, PaymentIntentSetupFutureUsage, PaymentIntentStatus,
    PaymentMethod,
};

use super::{Sdk, expanded};
use crate::helpers::{PUBLISHABLE_KEY, SECRET_KEY, TestApp};

const SHIPPING: &str = "shipping[name]=Jo&shipping[address][line1]=Dam%201\
                        &shipping[address][city]=Amsterdam&shipping[address][country]=NL\
                        &shipping[phone]=%2B3120&shipping[carrier]=UPS&shipping[tracking_number]=1Z";

#[tokio::test]
async fn filled_in_details_deserialize() {
    let app = TestApp::spawn().await;
    let sdk = Sdk { app: &app };
    let customer: Customer = sdk.post("/v1/customers", "email=jo%40example.com").await;
    let pay = "amount=1500&currency=usd&payment_method_types[]=card&confirm=true";

    let intent: PaymentIntent = sdk
        .post(
            "/v1/payment_intents",
            &format!(
                "{pay}&payment_method=pm_card_visa&customer={}&setup_future_usage=off_session\
                 &{SHIPPING}&receipt_email=jo%40example.com&statement_descriptor_suffix=SOCKS\
                 &payment_method_options[card][request_three_d_secure]=any&transfer_group=g1\
                 &expand[]=latest_charge",
                customer.id.as_str()
            ),
        )
        .await;
    assert_eq!(
        intent.setup_future_usage,
        Some(PaymentIntentSetupFutureUsage::OffSession)
    );
    let shipping = intent.shipping.as_ref().unwrap();
    assert_eq!(shipping.carrier.as_deref(), Some("UPS"));
    let charge = expanded(&intent.latest_charge);
    assert_eq!(
        charge.shipping.as_ref().unwrap().name.as_deref(),
        Some("Jo")
    );
    assert_eq!(charge.receipt_email.as_deref(), Some("jo@example.com"));

    // Radar: a block (a failed charge whose outcome says so), an elevated risk.
    let (status, error) = sdk
        .error(
            SECRET_KEY,
            Method::POST,
            "/v1/payment_intents",
            &format!("{pay}&payment_method=pm_card_radarBlock"),
        )
        .await;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
    let blocked = error.payment_intent.unwrap();
    let blocked: PaymentIntent = sdk
        .get(
            &format!("/v1/payment_intents/{}", blocked.id.as_str()),
            "expand[]=latest_charge",
        )
        .await;
    let charge = expanded(&blocked.latest_charge);
    assert_eq!(charge.status, ChargeStatus::Failed);
    assert_eq!(charge.outcome.as_ref().unwrap().type_, "blocked");
    let risky: PaymentIntent = sdk
        .post(
            "/v1/payment_intents",
            &format!("{pay}&payment_method=pm_card_riskLevelElevated&expand[]=latest_charge"),
        )
        .await;
    let outcome = expanded(&risky.latest_charge).outcome.as_ref().unwrap();
    assert_eq!(outcome.risk_level.as_deref(), Some("elevated"));

    // Card checks that fail, on the payment method and on the charge.
    let unchecked: PaymentIntent = sdk
        .post(
            "/v1/payment_intents",
            &format!(
                "{pay}&payment_method=pm_card_avsFail&expand[]=latest_charge\
                 &expand[]=payment_method"
            ),
        )
        .await;
    assert_eq!(unchecked.status, PaymentIntentStatus::Succeeded);
    let checks = expanded(&unchecked.payment_method).card.as_ref().unwrap();
    assert!(checks.checks.is_some());

    // A manual capture canceled: the authorization released.
    let held: PaymentIntent = sdk
        .post(
            "/v1/payment_intents",
            &format!("{pay}&capture_method=manual&payment_method=pm_card_visa"),
        )
        .await;
    let released: PaymentIntent = sdk
        .post(
            &format!("/v1/payment_intents/{}/cancel", held.id.as_str()),
            "expand[]=latest_charge",
        )
        .await;
    assert_eq!(released.status, PaymentIntentStatus::Canceled);
    assert!(expanded(&released.latest_charge).refunded);

    // Other brands.
    for (number, cvc, brand) in [
        ("378282246310005", "1234", "amex"),
        ("5200828282828210", "123", "mastercard"),
        ("4000002760003184", "123", "visa"),
    ] {
        let card: PaymentMethod = sdk
            .post(
                "/v1/payment_methods",
                &format!(
                    "type=card&card[number]={number}&card[exp_month]=12&card[exp_year]=2034\
                     &card[cvc]={cvc}&billing_details[address][line1]=Dam%201\
                     &billing_details[email]=jo%40example.com&allow_redisplay=always"
                ),
            )
            .await;
        assert_eq!(card.card.unwrap().brand, brand);
    }

    // A ConfirmationToken with shipping, mandate data, options and client context.
    let token: ConfirmationToken = sdk
        .ok(
            PUBLISHABLE_KEY,
            Method::POST,
            "/v1/confirmation_tokens",
            &format!(
                "payment_method_data[type]=ideal&payment_method_data[ideal][bank]=ing\
                 &return_url=https%3A%2F%2Fshop.example%2Fr&{SHIPPING}\
                 &setup_future_usage=off_session\
                 &mandate_data[customer_acceptance][type]=online\
                 &mandate_data[customer_acceptance][online][ip_address]=192.0.2.1\
                 &mandate_data[customer_acceptance][online][user_agent]=Firefox\
                 &client_context[mode]=payment&client_context[currency]=eur"
            ),
        )
        .await;
    let token: ConfirmationToken = sdk
        .get(
            &format!("/v1/confirmation_tokens/{}", token.id.as_str()),
            "",
        )
        .await;
    assert_eq!(token.shipping.as_ref().unwrap().name, "Jo");
    assert!(token.mandate_data.is_some());
    let preview = token.payment_method_preview.as_ref().unwrap();
    assert!(preview.ideal.is_some());
    let paid: PaymentIntent = sdk
        .post(
            "/v1/payment_intents",
            &format!(
                "amount=1500&currency=eur&confirm=true&setup_future_usage=off_session\
                 &confirmation_token={}&customer={}",
                token.id.as_str(),
                customer.id.as_str()
            ),
        )
        .await;
    assert_eq!(paid.status, PaymentIntentStatus::RequiresAction);
    assert_eq!(paid.shipping.unwrap().carrier.as_deref(), Some("UPS"));
    let succeeded = [
        "payment_intent.created",
        "charge.succeeded",
        "payment_intent.succeeded",
    ];
    let events = [
        &["customer.created"][..],
        &succeeded,
        &["payment_method.attached"],
        &[
            "payment_intent.created",
            "charge.failed",
            "payment_intent.payment_failed",
        ],
        &succeeded,
        &succeeded,
        &[
            "payment_intent.created",
            "charge.succeeded",
            "payment_intent.amount_capturable_updated",
            "charge.refunded",
            "payment_intent.canceled",
        ],
        &["payment_intent.created", "payment_intent.requires_action"],
    ];
    assert_eq!(sdk.events().await, events.concat());
    app.stop().await;
}
