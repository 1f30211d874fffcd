//! Error bodies as async-stripe's client reads every non-2xx answer: `stripe_shared::Error`,
//! with the intent a card error embeds deserialized as a whole object.

use reqwest::{Method, StatusCode};
use stripe_shared::{ApiErrors, ApiErrorsType, PaymentIntentStatus, SetupIntentStatus};

use super::{Sdk, expanded};
use crate::helpers::{PUBLISHABLE_KEY, SECRET_KEY, TestApp};

/// `(type, code, param)` of an error, as strings.
fn kind(error: &ApiErrors) -> (String, Option<String>, Option<String>) {
    (
        error.type_.as_str().to_owned(),
        error.code.as_ref().map(|c| c.as_str().to_owned()),
        error.param.clone(),
    )
}

fn expect(
    type_: &str,
    code: &str,
    param: Option<&str>,
) -> (String, Option<String>, Option<String>) {
    (
        type_.to_owned(),
        Some(code.to_owned()),
        param.map(str::to_owned),
    )
}

#[tokio::test]
async fn invalid_requests_and_missing_objects_deserialize() {
    let app = TestApp::spawn().await;
    let sdk = Sdk { app: &app };
    let invalid = "invalid_request_error";

    let (status, error) = sdk
        .error(SECRET_KEY, Method::POST, "/v1/customers", "colour=blue")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        kind(&error),
        expect(invalid, "parameter_unknown", Some("colour"))
    );
    assert_eq!(error.type_, ApiErrorsType::InvalidRequestError);

    let (status, error) = sdk
        .error(SECRET_KEY, Method::GET, "/v1/payment_intents/pi_nope", "")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(kind(&error).1.as_deref(), Some("resource_missing"));
    assert!(error.message.unwrap().contains("pi_nope"));

    let pay = "amount=1500&currency=usd&payment_method_types[]=card";
    let (status, error) = sdk
        .error(
            SECRET_KEY,
            Method::POST,
            "/v1/payment_intents",
            &format!("{pay}&customer=cus_nope"),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        kind(&error),
        expect(invalid, "resource_missing", Some("customer"))
    );

    let (status, error) = sdk
        .error(SECRET_KEY, Method::POST, "/v1/payment_intents", "amount=-1")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error.type_, ApiErrorsType::InvalidRequestError);
    assert!(error.param.is_some());

    // An idempotency key reused with other parameters.
    let key = [("Idempotency-Key", "sdk-types-1")];
    let first = app
        .call_as(SECRET_KEY, Method::POST, "/v1/customers", "name=Jo", &key)
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let second = app
        .call_as(SECRET_KEY, Method::POST, "/v1/customers", "name=Al", &key)
        .await;
    let error: stripe_shared::Error = super::parse("idempotency", &second.body.to_string());
    assert_eq!(error.error.type_, ApiErrorsType::IdempotencyError);

    // Keys: a wrong one, and a publishable one where a secret key is required.
    let (status, error) = sdk
        .error("sk_test_wrong", Method::GET, "/v1/customers", "")
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error.type_, ApiErrorsType::InvalidRequestError);
    let (status, error) = sdk
        .error(PUBLISHABLE_KEY, Method::GET, "/v1/customers", "")
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(kind(&error).1.as_deref(), Some("secret_key_required"));

    // Errors from the HTTP layer, before any handler: a body over the limit.
    let big = format!("description={}", "x".repeat(1 << 20));
    let (status, error) = sdk
        .error(SECRET_KEY, Method::POST, "/v1/customers", &big)
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error.type_, ApiErrorsType::InvalidRequestError);

    let (status, error) = sdk.error(SECRET_KEY, Method::GET, "/v1/nope", "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        error
            .message
            .unwrap()
            .starts_with("Unrecognized request URL")
    );
    app.stop().await;
}

#[tokio::test]
async fn card_errors_embed_objects_that_deserialize() {
    let app = TestApp::spawn().await;
    let sdk = Sdk { app: &app };
    let pay = "amount=1500&currency=usd&payment_method_types[]=card&confirm=true";

    let (status, error) = sdk
        .error(
            SECRET_KEY,
            Method::POST,
            "/v1/payment_intents",
            &format!("{pay}&payment_method=pm_card_chargeDeclinedInsufficientFunds"),
        )
        .await;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(error.type_, ApiErrorsType::CardError);
    assert_eq!(kind(&error).1.as_deref(), Some("card_declined"));
    assert_eq!(error.decline_code.as_deref(), Some("insufficient_funds"));
    let intent = error.payment_intent.unwrap();
    assert_eq!(intent.status, PaymentIntentStatus::RequiresPaymentMethod);
    let last = intent.last_payment_error.unwrap();
    assert_eq!(last.decline_code.as_deref(), Some("insufficient_funds"));
    assert!(last.payment_method.is_some());
    assert!(error.charge.unwrap().starts_with("ch_"));

    // Off-session without a setup: authentication_required, the intent embedded.
    let customer: stripe_shared::Customer = sdk.post("/v1/customers", "name=Jo").await;
    let (status, error) = sdk
        .error(
            SECRET_KEY,
            Method::POST,
            "/v1/payment_intents",
            &format!(
                "{pay}&customer={}&payment_method=pm_card_authenticationRequired&off_session=true",
                customer.id.as_str()
            ),
        )
        .await;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(kind(&error).1.as_deref(), Some("authentication_required"));
    assert!(error.payment_intent.is_some());

    // A SetupIntent's decline embeds the SetupIntent.
    let (status, error) = sdk
        .error(
            SECRET_KEY,
            Method::POST,
            "/v1/setup_intents",
            "payment_method=pm_card_chargeDeclined&confirm=true&payment_method_types[]=card",
        )
        .await;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
    let setup = error.setup_intent.unwrap();
    assert_eq!(setup.status, SetupIntentStatus::RequiresPaymentMethod);
    assert!(setup.last_setup_error.is_some());

    // Card validation on a PaymentMethod.
    let (status, error) = sdk
        .error(
            SECRET_KEY,
            Method::POST,
            "/v1/payment_methods",
            "type=card&card[number]=4242424242424241&card[exp_month]=12&card[exp_year]=2034",
        )
        .await;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(
        kind(&error),
        expect("card_error", "incorrect_number", Some("number"))
    );
    app.stop().await;
}

/// One answer and one error through async-stripe's own client, end to end: its request
/// builders, its HTTP client and its parsing (the other tests parse bodies as it does).
#[tokio::test]
async fn the_sdks_client_reads_an_answer_and_an_error() {
    use stripe::{ClientBuilder, StripeError};
    use stripe_core::payment_intent::RetrievePaymentIntent;

    let app = TestApp::spawn().await;
    let sdk = Sdk { app: &app };
    let customer: stripe_shared::Customer = sdk.post("/v1/customers", "name=Jo").await;
    let intent: stripe_shared::PaymentIntent = sdk
        .post(
            "/v1/payment_intents",
            &format!(
                "amount=1500&currency=usd&payment_method_types[]=card&customer={}",
                customer.id.as_str()
            ),
        )
        .await;
    let client = ClientBuilder::new(SECRET_KEY)
        .url(format!("{}/", app.base))
        .build()
        .unwrap();

    let fetched = RetrievePaymentIntent::new(intent.id.clone())
        .expand(vec!["customer".to_owned()])
        .send(&client)
        .await
        .unwrap();
    assert_eq!(fetched.status, PaymentIntentStatus::RequiresPaymentMethod);
    assert_eq!(expanded(&fetched.customer).id, customer.id);

    match RetrievePaymentIntent::new("pi_nope").send(&client).await {
        Err(StripeError::Stripe(error, 404)) => {
            assert_eq!(kind(&error).1.as_deref(), Some("resource_missing"));
        }
        other => panic!("expected a 404 resource_missing, got {other:?}"),
    }
    app.stop().await;
}
