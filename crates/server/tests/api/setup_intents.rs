//! `/v1/setup_intents` end to end: saving cards (with and without 3D Secure on the hosted
//! page), declines, ConfirmationTokens, and the off-session payments a setup makes possible.
//! The rules — publishable-key access, cancel, spent cards, lists, parameters — are in
//! [`rules`].

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{Answer, PUBLISHABLE_KEY, TestApp, answer_hosted_page};

mod rules;

const CARD_ONLY: &str = "payment_method_types[]=card";

async fn customer(app: &TestApp) -> String {
    let created = app.post("/v1/customers", "email=jo%40example.com").await;
    created.body["id"].as_str().unwrap().to_owned()
}

async fn event_types(app: &TestApp) -> Vec<String> {
    let events = app.get("/v1/events", "limit=100").await;
    let mut types: Vec<String> = events.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    types.reverse();
    types
}

fn sdk_url(intent: &Answer) -> String {
    let action = &intent.body["next_action"];
    assert_eq!(action["type"], "use_stripe_sdk", "{:?}", intent.body);
    action["use_stripe_sdk"]["stripe_js"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A customer's card set up for off-session use through 3D Secure on the hosted page.
async fn set_up_with_authentication(app: &TestApp, customer: &str, test_pm: &str) -> String {
    let intent = app
        .post(
            "/v1/setup_intents",
            &format!(
                "customer={customer}&payment_method={test_pm}&confirm=true&use_stripe_sdk=true"
            ),
        )
        .await;
    assert_eq!(
        intent.body["status"], "requires_action",
        "{:?}",
        intent.body
    );
    let done = answer_hosted_page(&sdk_url(&intent), "complete").await;
    assert_eq!(done.status(), StatusCode::OK);
    let id = intent.body["id"].as_str().unwrap();
    let after = app.get(&format!("/v1/setup_intents/{id}"), "").await;
    assert_eq!(after.body["status"], "succeeded");
    after.body["payment_method"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn create_and_confirm_saves_the_card_to_the_customer() {
    let app = TestApp::spawn().await;
    let cus = customer(&app).await;
    let intent = app
        .post(
            "/v1/setup_intents",
            &format!("customer={cus}&payment_method=pm_card_visa&confirm=true&{CARD_ONLY}"),
        )
        .await;
    assert_eq!(intent.status, StatusCode::OK, "{:?}", intent.body);
    let body = &intent.body;
    let id = body["id"].as_str().unwrap();
    assert!(id.starts_with("seti_"));
    assert!(
        body["client_secret"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{id}_secret_"))
    );
    assert_eq!(body["object"], "setup_intent");
    assert_eq!(body["status"], "succeeded");
    assert_eq!(body["usage"], "off_session");
    assert_eq!(body["customer"], cus.as_str());
    assert_eq!(body["latest_attempt"], Value::Null);
    assert_eq!(body["next_action"], Value::Null);
    assert_eq!(
        body["payment_method_options"]["card"]["request_three_d_secure"],
        "automatic"
    );
    assert_eq!(body.as_object().unwrap().len(), 25, "{body:?}");
    let pm = body["payment_method"].as_str().unwrap();
    assert!(pm.starts_with("pm_") && pm != "pm_card_visa");

    let saved = app.get(&format!("/v1/payment_methods/{pm}"), "").await;
    assert_eq!(saved.body["customer"], cus.as_str());
    let listed = app
        .get(&format!("/v1/customers/{cus}/payment_methods"), "")
        .await;
    assert_eq!(listed.body["data"][0]["id"], pm);
    let fetched = app
        .get(
            &format!("/v1/setup_intents/{id}"),
            "expand[]=payment_method",
        )
        .await;
    assert_eq!(fetched.body["payment_method"]["card"]["last4"], "4242");

    assert_eq!(
        event_types(&app).await,
        vec![
            "customer.created",
            "setup_intent.created",
            "setup_intent.succeeded",
            "payment_method.attached"
        ]
    );
    let events = app.get("/v1/events", "type=setup_intent.succeeded").await;
    let snapshot = &events.body["data"][0]["data"]["object"];
    assert_eq!(snapshot["id"], id);
    assert_eq!(snapshot["status"], "succeeded");
    app.stop().await;
}

#[tokio::test]
async fn decline_answers_402_and_keeps_the_intent_open() {
    let app = TestApp::spawn().await;
    let declined = app
        .post(
            "/v1/setup_intents",
            &format!("payment_method=pm_card_visa_chargeDeclined&confirm=true&{CARD_ONLY}"),
        )
        .await;
    assert_eq!(declined.status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(declined.error("type"), Some("card_error"));
    assert_eq!(declined.error("code"), Some("card_declined"));
    assert_eq!(declined.error("decline_code"), Some("generic_decline"));
    let embedded = &declined.body["error"]["setup_intent"];
    assert_eq!(embedded["status"], "requires_payment_method");
    assert_eq!(embedded["payment_method"], Value::Null);
    assert_eq!(
        embedded["last_setup_error"]["decline_code"],
        "generic_decline"
    );
    let id = embedded["id"].as_str().unwrap();
    let stored = app.get(&format!("/v1/setup_intents/{id}"), "").await;
    assert_eq!(stored.body["status"], "requires_payment_method");

    // A card whose charges fail sets up fine; so does a retry on the same intent.
    let retried = app
        .post(
            &format!("/v1/setup_intents/{id}/confirm"),
            "payment_method=pm_card_chargeCustomerFail",
        )
        .await;
    assert_eq!(retried.body["status"], "succeeded", "{:?}", retried.body);
    assert_eq!(retried.body["last_setup_error"], Value::Null);
    assert_eq!(
        event_types(&app).await,
        vec![
            "setup_intent.created",
            "setup_intent.setup_failed",
            "setup_intent.succeeded"
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn three_d_secure_on_setup_through_the_hosted_page() {
    let app = TestApp::spawn().await;
    let cus = customer(&app).await;
    let form = format!(
        "customer={cus}&payment_method=pm_card_authenticationRequiredOnSetup&confirm=true\
         &use_stripe_sdk=true"
    );
    let intent = app.post("/v1/setup_intents", &form).await;
    assert_eq!(
        intent.body["status"], "requires_action",
        "{:?}",
        intent.body
    );
    let url = sdk_url(&intent);
    let id = intent.body["id"].as_str().unwrap();
    assert!(
        url.contains(&format!("/{id}?client_secret={id}_secret_")),
        "{url}"
    );
    let page = app.client.get(&url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Save your card") && html.contains("Complete authentication"));

    let done = answer_hosted_page(&url, "complete").await;
    assert_eq!(done.status(), StatusCode::OK);
    assert!(done.text().await.unwrap().contains("tender:3ds-complete"));
    let after = app.get(&format!("/v1/setup_intents/{id}"), "").await;
    assert_eq!(after.body["status"], "succeeded");
    assert_eq!(after.body["next_action"], Value::Null);
    let pm = after.body["payment_method"].as_str().unwrap();
    let saved = app.get(&format!("/v1/payment_methods/{pm}"), "").await;
    assert_eq!(saved.body["customer"], cus.as_str());

    // Failing the authentication reopens the intent.
    let failing = app.post("/v1/setup_intents", &form).await;
    let failed = answer_hosted_page(&sdk_url(&failing), "fail").await;
    assert_eq!(failed.status(), StatusCode::OK);
    let fid = failing.body["id"].as_str().unwrap();
    let after = app.get(&format!("/v1/setup_intents/{fid}"), "").await;
    assert_eq!(after.body["status"], "requires_payment_method");
    assert_eq!(
        after.body["last_setup_error"]["code"],
        "setup_intent_authentication_failure"
    );
    // The page refuses a wrong secret, and a second answer.
    let wrong = answer_hosted_page(&url.replace("_secret_", "_secret_x"), "complete").await;
    assert!(wrong.status().is_client_error());
    let again = answer_hosted_page(&url, "complete").await;
    assert!(again.status().is_client_error());

    // A server-side confirmation with a return_url redirects, then comes back to it.
    let redirect = app
        .post(
            "/v1/setup_intents",
            "payment_method=pm_card_threeDSecure2Required&confirm=true\
             &return_url=https%3A%2F%2Fshop.example%2Fsaved",
        )
        .await;
    let action = &redirect.body["next_action"];
    assert_eq!(action["type"], "redirect_to_url", "{:?}", redirect.body);
    assert_eq!(
        action["redirect_to_url"]["return_url"],
        "https://shop.example/saved"
    );
    let done = answer_hosted_page(
        action["redirect_to_url"]["url"].as_str().unwrap(),
        "complete",
    )
    .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let location = done.headers()["location"].to_str().unwrap();
    let rid = redirect.body["id"].as_str().unwrap();
    let secret = redirect.body["client_secret"].as_str().unwrap();
    assert_eq!(
        location,
        format!(
            "https://shop.example/saved?setup_intent={rid}&setup_intent_client_secret={secret}\
             &redirect_status=succeeded"
        )
    );

    let types = event_types(&app).await;
    let count = |kind: &str| types.iter().filter(|t| *t == kind).count();
    assert_eq!(count("setup_intent.requires_action"), 3, "{types:?}");
    assert_eq!(count("setup_intent.succeeded"), 2, "{types:?}");
    assert_eq!(count("setup_intent.setup_failed"), 1, "{types:?}");
    assert_eq!(count("payment_method.attached"), 1, "{types:?}");
    app.stop().await;
}

async fn token(app: &TestApp, extra: &str) -> String {
    let form = format!(
        "payment_method_data[type]=card&payment_method_data[card][number]=4242424242424242\
         &payment_method_data[card][exp_month]=12&payment_method_data[card][exp_year]=2034\
         &payment_method_data[card][cvc]=123{extra}"
    );
    let answer = app
        .call_as(
            PUBLISHABLE_KEY,
            Method::POST,
            "/v1/confirmation_tokens",
            &form,
            &[],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    answer.body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn confirmation_token_confirms_once() {
    let app = TestApp::spawn().await;
    let cus = customer(&app).await;
    let ctoken = token(
        &app,
        "&setup_future_usage=off_session&client_context[mode]=setup",
    )
    .await;
    let form = format!("customer={cus}&confirm=true&confirmation_token={ctoken}");
    let intent = app.post("/v1/setup_intents", &form).await;
    assert_eq!(intent.body["status"], "succeeded", "{:?}", intent.body);
    let pm = intent.body["payment_method"].as_str().unwrap();
    let saved = app.get(&format!("/v1/payment_methods/{pm}"), "").await;
    assert_eq!(saved.body["customer"], cus.as_str());
    let used = app
        .get(&format!("/v1/confirmation_tokens/{ctoken}"), "")
        .await;
    assert_eq!(used.body["setup_intent"], intent.body["id"]);
    assert_eq!(used.body["payment_intent"], Value::Null);

    let again = app.post("/v1/setup_intents", &form).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        again.error("code"),
        Some("payment_intent_confirmation_token_invalid")
    );

    // The token's Elements must have been set up like the intent.
    let on_session = token(&app, "&setup_future_usage=on_session").await;
    let mismatch = app
        .post(
            "/v1/setup_intents",
            &format!("confirm=true&confirmation_token={on_session}"),
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::BAD_REQUEST);
    assert_eq!(mismatch.error("param"), Some("setup_future_usage"));
    let payment_mode = token(&app, "&client_context[mode]=payment").await;
    let wrong_mode = app
        .post(
            "/v1/setup_intents",
            &format!("confirm=true&confirmation_token={payment_mode}"),
        )
        .await;
    assert_eq!(wrong_mode.error("param"), Some("confirmation_token"));
    // Without confirm, a token is refused.
    let unconfirmed = app
        .post(
            "/v1/setup_intents",
            &format!("confirmation_token={on_session}"),
        )
        .await;
    assert_eq!(unconfirmed.error("param"), Some("confirmation_token"));
    app.stop().await;
}

#[tokio::test]
async fn a_setup_exempts_later_off_session_payments() {
    let app = TestApp::spawn().await;
    let cus = customer(&app).await;
    let pay = |pm: String| {
        let form = format!(
            "amount=2000&currency=usd&customer={cus}&payment_method={pm}&off_session=true\
             &confirm=true&return_url=https%3A%2F%2Fshop.example%2Fdone"
        );
        let app = &app;
        async move { app.post("/v1/payment_intents", &form).await }
    };
    let unless_set_up =
        set_up_with_authentication(&app, &cus, "pm_card_authenticationRequiredOnSetup").await;
    let paid = pay(unless_set_up).await;
    assert_eq!(paid.status, StatusCode::OK, "{:?}", paid.body);
    assert_eq!(paid.body["status"], "succeeded");

    let always = set_up_with_authentication(&app, &cus, "pm_card_authenticationRequired").await;
    let refused = pay(always).await;
    assert_eq!(refused.status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(refused.error("code"), Some("authentication_required"));
    assert_eq!(
        refused.error("decline_code"),
        Some("authentication_required")
    );
    assert_eq!(
        refused.body["error"]["payment_intent"]["status"],
        "requires_payment_method"
    );

    // Saved for on-session use only: no exemption.
    let on_session = app
        .post(
            "/v1/setup_intents",
            &format!(
                "customer={cus}&usage=on_session&confirm=true&use_stripe_sdk=true\
                 &payment_method=pm_card_authenticationRequiredOnSetup"
            ),
        )
        .await;
    assert_eq!(on_session.body["usage"], "on_session");
    answer_hosted_page(&sdk_url(&on_session), "complete").await;
    let sid = on_session.body["id"].as_str().unwrap();
    let after = app.get(&format!("/v1/setup_intents/{sid}"), "").await;
    let pm = after.body["payment_method"].as_str().unwrap().to_owned();
    let refused = pay(pm).await;
    assert_eq!(refused.error("code"), Some("authentication_required"));
    app.stop().await;
}
