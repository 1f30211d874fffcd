//! `POST /v1/customer_sessions`: the object and the errors. What its client secret opens in
//! the browser (`/v1/elements/customer_session`) is in [`elements`].

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{Answer, PUBLISHABLE_KEY, TestApp};

mod elements;

const ELEMENTS: &str = "/v1/elements/customer_session";
const CARD: &str = "type=card&card[number]=4242424242424242&card[exp_month]=12\
                    &card[exp_year]=2034&card[cvc]=123&billing_details[email]=a%40example.com";
const FEATURES: &str = "components[payment_element][enabled]=true\
    &components[payment_element][features][payment_method_redisplay]=enabled\
    &components[payment_element][features][payment_method_save]=enabled\
    &components[payment_element][features][payment_method_remove]=enabled";

fn id(answer: &Answer) -> String {
    assert!(answer.status.is_success(), "{:?}", answer.body);
    answer.body["id"].as_str().unwrap().to_owned()
}

async fn customer(app: &TestApp) -> String {
    id(&app.post("/v1/customers", "name=Jenny").await)
}

/// A card saved to `customer` with `allow_redisplay`, as the browser and the server make it.
async fn saved_card(app: &TestApp, customer: &str, allow: &str, number: &str) -> String {
    let form = CARD.replace("4242424242424242", number);
    let pm = app
        .call_as(
            PUBLISHABLE_KEY,
            Method::POST,
            "/v1/payment_methods",
            &format!("{form}&allow_redisplay={allow}"),
            &[],
        )
        .await;
    let pm = id(&pm);
    let attached = app
        .post(
            &format!("/v1/payment_methods/{pm}/attach"),
            &format!("customer={customer}"),
        )
        .await;
    assert_eq!(attached.status, StatusCode::OK, "{:?}", attached.body);
    pm
}

async fn session(app: &TestApp, customer: &str, features: &str) -> String {
    let made = app
        .post(
            "/v1/customer_sessions",
            &format!("customer={customer}&{features}"),
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{:?}", made.body);
    made.body["client_secret"].as_str().unwrap().to_owned()
}

async fn browse(app: &TestApp, secret: &str) -> Answer {
    app.call_as(
        PUBLISHABLE_KEY,
        Method::GET,
        ELEMENTS,
        &format!("customer_session_client_secret={secret}"),
        &[],
    )
    .await
}

fn listed(answer: &Answer) -> Vec<String> {
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    answer.body["payment_methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pm| pm["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_customer_session_has_stripes_shape() {
    let app = TestApp::spawn_without_webhooks().await;
    let cus = customer(&app).await;
    let made = app
        .post(
            "/v1/customer_sessions",
            &format!(
                "customer={cus}&{FEATURES}\
                 &components[payment_element][features][payment_method_save_usage]=on_session\
                 &components[pricing_table][enabled]=true"
            ),
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{:?}", made.body);
    let body = &made.body;
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "object",
            "client_secret",
            "components",
            "created",
            "customer",
            "customer_account",
            "expires_at",
            "livemode"
        ]
    );
    assert_eq!(body["object"], "customer_session");
    let secret = body["client_secret"].as_str().unwrap();
    assert!(secret.starts_with("cuss_secret_"), "{secret}");
    assert_eq!(secret.len(), "cuss_secret_".len() + 40);
    assert_eq!(body["customer"], cus.as_str());
    assert_eq!(body["customer_account"], Value::Null);
    assert_eq!(
        body["expires_at"].as_i64().unwrap(),
        body["created"].as_i64().unwrap() + 1800
    );
    assert_eq!(body["livemode"], false);
    let components = &body["components"];
    assert_eq!(components["pricing_table"]["enabled"], true);
    assert_eq!(components["buy_button"]["enabled"], false);
    assert_eq!(components["customer_sheet"]["enabled"], false);
    let features = &components["payment_element"]["features"];
    assert_eq!(components["payment_element"]["enabled"], true);
    assert_eq!(features["payment_method_redisplay"], "enabled");
    assert_eq!(features["payment_method_save"], "enabled");
    assert_eq!(features["payment_method_remove"], "enabled");
    assert_eq!(features["payment_method_save_usage"], "on_session");
    assert_eq!(features["payment_method_redisplay_limit"], 3);
    assert_eq!(
        features["payment_method_allow_redisplay_filters"],
        serde_json::json!(["always"])
    );
    // Each session has its own secret.
    assert_ne!(session(&app, &cus, FEATURES).await, secret);
    // `expand[]=customer` shows the customer.
    let expanded = app
        .post(
            "/v1/customer_sessions",
            &format!("customer={cus}&{FEATURES}&expand[]=customer"),
        )
        .await;
    assert_eq!(
        expanded.body["customer"]["name"], "Jenny",
        "{:?}",
        expanded.body
    );
    app.stop().await;
}

#[tokio::test]
async fn bad_requests_are_refused_with_their_param() {
    let app = TestApp::spawn_without_webhooks().await;
    let cus = customer(&app).await;
    let element = "components[payment_element][enabled]=true";
    let cases: Vec<(String, StatusCode, Option<&str>, &str)> = vec![
        (
            element.into(),
            StatusCode::BAD_REQUEST,
            Some("parameter_missing"),
            "customer",
        ),
        (
            format!("customer={cus}"),
            StatusCode::BAD_REQUEST,
            Some("parameter_missing"),
            "components",
        ),
        (
            format!("customer=cus_nope&{element}"),
            StatusCode::BAD_REQUEST,
            Some("resource_missing"),
            "customer",
        ),
        (
            format!("customer={cus}&components[payment_element][enabled]=false"),
            StatusCode::BAD_REQUEST,
            None,
            "components",
        ),
        (
            format!(
                "customer={cus}&{element}&components[payment_element][features][payment_method_remove]=on"
            ),
            StatusCode::BAD_REQUEST,
            None,
            "components[payment_element][features][payment_method_remove]",
        ),
        (
            format!(
                "customer={cus}&{element}&components[payment_element][features][payment_method_redisplay_limit]=0"
            ),
            StatusCode::BAD_REQUEST,
            None,
            "components[payment_element][features][payment_method_redisplay_limit]",
        ),
        (
            format!(
                "customer={cus}&{element}&components[payment_element][features][payment_method_allow_redisplay_filters][]=sometimes"
            ),
            StatusCode::BAD_REQUEST,
            None,
            "components[payment_element][features][payment_method_allow_redisplay_filters]",
        ),
        (
            format!("customer={cus}&{element}&components[customer_portal][enabled]=true"),
            StatusCode::BAD_REQUEST,
            Some("parameter_unknown"),
            "components[customer_portal]",
        ),
    ];
    for (form, status, code, param) in cases {
        let refused = app.post("/v1/customer_sessions", &form).await;
        assert_eq!(refused.status, status, "{form}: {:?}", refused.body);
        assert_eq!(
            refused.error("type"),
            Some("invalid_request_error"),
            "{form}"
        );
        assert_eq!(
            refused.error("param"),
            Some(param),
            "{form}: {:?}",
            refused.body
        );
        if code.is_some() {
            assert_eq!(refused.error("code"), code, "{form}");
        }
    }
    // A deleted customer gets no session.
    let gone = customer(&app).await;
    app.call(Method::DELETE, &format!("/v1/customers/{gone}"), "")
        .await;
    let refused = app
        .post(
            "/v1/customer_sessions",
            &format!("customer={gone}&{element}"),
        )
        .await;
    assert_eq!(refused.error("code"), Some("resource_missing"));
    // Only the secret key makes one.
    let publishable = app
        .call_as(
            PUBLISHABLE_KEY,
            Method::POST,
            "/v1/customer_sessions",
            &format!("customer={cus}&{element}"),
            &[],
        )
        .await;
    assert_eq!(publishable.status, StatusCode::UNAUTHORIZED);
    assert_eq!(publishable.error("code"), Some("secret_key_required"));
    // There is nothing to read back.
    let read = app.get("/v1/customer_sessions", "").await;
    assert_eq!(read.status, StatusCode::NOT_FOUND);
    app.stop().await;
}
