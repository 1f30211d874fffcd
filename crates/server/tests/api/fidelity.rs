//! Differences from Stripe found by trying Tender from outside (issue: fidelity fixes): unknown
//! ids passed as parameters, string lengths, `enabled_events`, and text no backend can store.

use reqwest::{Method, StatusCode};

use crate::helpers::{Answer, PUBLISHABLE_KEY, TestApp};

/// `(status, type, code, param)` of an error answer.
fn error_of(answer: &Answer) -> (StatusCode, Option<&str>, Option<&str>, Option<&str>) {
    (
        answer.status,
        answer.error("type"),
        answer.error("code"),
        answer.error("param"),
    )
}

fn missing(param: &str) -> (StatusCode, Option<&str>, Option<&str>, Option<&str>) {
    (
        StatusCode::BAD_REQUEST,
        Some("invalid_request_error"),
        Some("resource_missing"),
        Some(param),
    )
}

#[tokio::test]
async fn an_unknown_id_passed_as_a_parameter_is_a_400_naming_it() {
    let app = TestApp::spawn().await;
    let pay = "amount=1000&currency=usd&payment_method_types[]=card";

    let answer = app
        .post("/v1/payment_intents", &format!("{pay}&customer=cus_nope"))
        .await;
    assert_eq!(error_of(&answer), missing("customer"));
    assert_eq!(
        answer.error("message"),
        Some("No such customer: 'cus_nope'")
    );

    let answer = app
        .post(
            "/v1/payment_intents",
            &format!("{pay}&payment_method=pm_card_nope"),
        )
        .await;
    assert_eq!(error_of(&answer), missing("payment_method"));

    let intent = app.post("/v1/payment_intents", pay).await;
    let pi = intent.body["id"].as_str().unwrap();
    let answer = app
        .post(
            &format!("/v1/payment_intents/{pi}/confirm"),
            "confirmation_token=ctoken_nope",
        )
        .await;
    assert_eq!(error_of(&answer), missing("confirmation_token"));

    let answer = app.post("/v1/refunds", "charge=ch_nope").await;
    assert_eq!(error_of(&answer), missing("charge"));
    let answer = app.post("/v1/refunds", "payment_intent=pi_nope").await;
    assert_eq!(error_of(&answer), missing("payment_intent"));

    let customer = app.post("/v1/customers", "name=Jo").await;
    let cus = customer.body["id"].as_str().unwrap();
    let answer = app
        .post(
            &format!("/v1/customers/{cus}"),
            "invoice_settings[default_payment_method]=pm_nope",
        )
        .await;
    assert_eq!(
        error_of(&answer),
        missing("invoice_settings[default_payment_method]")
    );
    let answer = app
        .post("/v1/setup_intents", "customer=cus_nope&usage=off_session")
        .await;
    assert_eq!(error_of(&answer), missing("customer"));
    let answer = app
        .get("/v1/payment_intents", "starting_after=pi_nope")
        .await;
    assert_eq!(error_of(&answer), missing("starting_after"));

    // The URL's own object is still a 404.
    let answer = app.get("/v1/customers/cus_nope", "").await;
    assert_eq!(
        error_of(&answer),
        (
            StatusCode::NOT_FOUND,
            Some("invalid_request_error"),
            Some("resource_missing"),
            Some("id")
        )
    );
    let answer = app.post("/v1/payment_intents/pi_nope/confirm", "").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.error("param"), Some("intent"));
    app.stop().await;
}

#[tokio::test]
async fn strings_over_their_limit_are_refused_on_every_endpoint() {
    let app = TestApp::spawn().await;
    let long = "x".repeat(5001);
    for (path, form, param) in [
        (
            "/v1/payment_intents",
            format!("amount=1000&currency=usd&description={long}"),
            "description",
        ),
        (
            "/v1/customers",
            format!("address[line1]={long}"),
            "address[line1]",
        ),
        ("/v1/customers", format!("name={long}"), "name"),
        (
            "/v1/webhook_endpoints",
            format!("url=https%3A%2F%2Fx.io&enabled_events[]=*&description={long}"),
            "description",
        ),
        (
            "/v1/setup_intents",
            format!("description={long}"),
            "description",
        ),
    ] {
        let answer = app.post(path, &form).await;
        assert_eq!(
            (answer.status, answer.error("param")),
            (StatusCode::BAD_REQUEST, Some(param)),
            "{path} {param}: {:?}",
            answer.body["error"]
        );
        assert_eq!(
            answer.error("message"),
            Some("Invalid string: xxxxxxxxxxxxxxxxxxxx...; must be at most 5000 characters")
        );
    }
    let answer = app
        .post(
            "/v1/payment_intents",
            "amount=1000&currency=usd&statement_descriptor=ABCDEFGHIJKLMNOPQRSTUVW",
        )
        .await;
    assert_eq!(
        (
            answer.status,
            answer.error("param"),
            answer.error("message")
        ),
        (
            StatusCode::BAD_REQUEST,
            Some("statement_descriptor"),
            Some("The statement descriptor must be at most 22 characters.")
        )
    );
    // At the limit is fine, and nothing refused was written.
    let ok = app
        .post(
            "/v1/payment_intents",
            &format!(
                "amount=1000&currency=usd&statement_descriptor=ABCDEFGHIJKLMNOPQRSTUV&description={}",
                "d".repeat(5000)
            ),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.body);
    let list = app.get("/v1/payment_intents", "").await;
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn enabled_events_must_be_documented_event_types() {
    let app = TestApp::spawn().await;
    let answer = app
        .post(
            "/v1/webhook_endpoints",
            "url=https%3A%2F%2Fx.io&enabled_events[]=not.an_event",
        )
        .await;
    assert_eq!(
        error_of(&answer),
        (
            StatusCode::BAD_REQUEST,
            Some("invalid_request_error"),
            None,
            Some("enabled_events[0]")
        )
    );
    // A documented type Tender does not emit yet is accepted.
    let ok = app
        .post(
            "/v1/webhook_endpoints",
            "url=https%3A%2F%2Fx.io&enabled_events[]=invoice.paid&enabled_events[]=charge.succeeded",
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.body);
    let we = ok.body["id"].as_str().unwrap();
    let answer = app
        .post(
            &format!("/v1/webhook_endpoints/{we}"),
            "enabled_events[0]=charge.succeeded&enabled_events[1]=charge.nope",
        )
        .await;
    assert_eq!(answer.error("param"), Some("enabled_events[1]"));
    app.stop().await;
}

#[tokio::test]
async fn nul_in_a_parameter_or_a_path_id_is_a_4xx_on_every_backend() {
    let app = TestApp::spawn().await;
    for path in [
        "/v1/customers/cus_%00",
        "/v1/payment_intents/pi_a%00b",
        "/v1/charges/ch_%00",
        "/v1/events/evt_%00",
    ] {
        let answer = app.get(path, "").await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{path}: {:?}",
            answer.body
        );
        assert_eq!(answer.error("code"), Some("resource_missing"), "{path}");
    }
    let answer = app.post("/v1/customers/cus_%00", "name=x").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let answer = app.post("/v1/customers", "name=a%00b").await;
    assert_eq!(
        (answer.status, answer.error("param")),
        (StatusCode::BAD_REQUEST, Some("name"))
    );
    let answer = app.post("/v1/customers", "metadata[k%00]=v").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let answer = app.get("/v1/customers", "starting_after=cus_%00").await;
    assert_eq!(
        (answer.status, answer.error("param")),
        (StatusCode::BAD_REQUEST, Some("starting_after"))
    );
    let answer = app.get("/v1/customers", "email=a%00b").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let answer = app
        .call_as(
            PUBLISHABLE_KEY,
            Method::GET,
            "/v1/payment_intents/pi_%00",
            "client_secret=pi_%00_secret_x",
            &[],
        )
        .await;
    assert!(answer.status.is_client_error(), "{:?}", answer.body);
    // The server is unharmed.
    let ok = app.post("/v1/customers", "name=after").await;
    assert_eq!(ok.status, StatusCode::OK);
    app.stop().await;
}
