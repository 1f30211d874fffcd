//! The guide's flow end to end: a ConfirmationToken made with the publishable key, then the
//! server's create-and-confirm, 3D Secure through the hosted page, declines, capture, cancel.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{Answer, PUBLISHABLE_KEY, TestApp, answer_hosted_page};

async fn token(app: &TestApp, number: &str, extra: &str) -> String {
    let form = format!(
        "payment_method_data[type]=card&payment_method_data[card][number]={number}\
         &payment_method_data[card][exp_month]=12&payment_method_data[card][exp_year]=2034\
         &payment_method_data[card][cvc]=123&return_url=https%3A%2F%2Fshop.example%2Fdone{extra}"
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

async fn pay(app: &TestApp, token: &str) -> Answer {
    app.post(
        "/v1/payment_intents",
        &format!(
            "amount=2000&currency=usd&confirm=true&automatic_payment_methods[enabled]=true\
             &confirmation_token={token}"
        ),
    )
    .await
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

#[tokio::test]
async fn guide_flow_succeeds_with_4242() {
    let app = TestApp::spawn().await;
    let ctoken = token(&app, "4242424242424242", "").await;
    let fetched = app
        .get(&format!("/v1/confirmation_tokens/{ctoken}"), "")
        .await;
    assert_eq!(
        fetched.body["payment_method_preview"]["card"]["last4"],
        "4242"
    );
    assert_eq!(fetched.body["use_stripe_sdk"], true);
    assert_eq!(
        fetched.body["expires_at"].as_i64().unwrap() - fetched.body["created"].as_i64().unwrap(),
        43_200
    );

    let intent = pay(&app, &ctoken).await;
    assert_eq!(intent.status, StatusCode::OK, "{:?}", intent.body);
    assert_eq!(intent.body["status"], "succeeded");
    assert_eq!(intent.body["amount_received"], 2000);
    let pm = intent.body["payment_method"].as_str().unwrap();
    assert!(pm.starts_with("pm_"));
    let charge = app
        .get(
            &format!(
                "/v1/charges/{}",
                intent.body["latest_charge"].as_str().unwrap()
            ),
            "",
        )
        .await;
    assert_eq!(charge.body["status"], "succeeded");
    assert_eq!(charge.body["captured"], true);
    assert_eq!(charge.body["payment_method"], pm);
    assert_eq!(
        charge.body["payment_method_details"]["card"]["last4"],
        "4242"
    );

    // Single use.
    let again = pay(&app, &ctoken).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        again.error("code"),
        Some("payment_intent_confirmation_token_invalid")
    );
    let used = app
        .get(&format!("/v1/confirmation_tokens/{ctoken}"), "")
        .await;
    assert_eq!(used.body["payment_intent"], intent.body["id"]);
    // The token's record was rewritten when it was used; its preview is still the card's
    // (made from the stored payment method, decision 0010).
    assert_eq!(
        used.body["payment_method_preview"],
        fetched.body["payment_method_preview"]
    );
    assert_eq!(used.body["payment_method_preview"]["card"]["last4"], "4242");

    assert_eq!(
        event_types(&app).await,
        vec![
            "payment_intent.created",
            "charge.succeeded",
            "payment_intent.succeeded"
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn three_d_secure_challenge_completes_through_the_hosted_page() {
    let app = TestApp::spawn().await;
    let ctoken = token(&app, "4000002500003155", "").await;
    let intent = pay(&app, &ctoken).await;
    assert_eq!(
        intent.body["status"], "requires_action",
        "{:?}",
        intent.body
    );
    let action = &intent.body["next_action"];
    assert_eq!(action["type"], "use_stripe_sdk");
    let url = action["use_stripe_sdk"]["stripe_js"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = app.client.get(&url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Complete authentication")
    );

    let done = answer_hosted_page(&url, "complete").await;
    assert_eq!(done.status(), StatusCode::OK);
    assert!(done.text().await.unwrap().contains("tender:3ds-complete"));

    let id = intent.body["id"].as_str().unwrap();
    let after = app.get(&format!("/v1/payment_intents/{id}"), "").await;
    assert_eq!(after.body["status"], "succeeded");
    let charge = app
        .get(
            &format!(
                "/v1/charges/{}",
                after.body["latest_charge"].as_str().unwrap()
            ),
            "",
        )
        .await;
    assert_eq!(
        charge.body["payment_method_details"]["card"]["three_d_secure"]["authentication_flow"],
        "challenge"
    );
    app.stop().await;
}

#[tokio::test]
async fn failed_authentication_returns_to_requires_payment_method() {
    let app = TestApp::spawn().await;
    let ctoken = token(&app, "4000002500003155", "").await;
    let intent = pay(&app, &ctoken).await;
    let url = intent.body["next_action"]["use_stripe_sdk"]["stripe_js"]
        .as_str()
        .unwrap();
    answer_hosted_page(url, "fail").await;
    let id = intent.body["id"].as_str().unwrap();
    let after = app.get(&format!("/v1/payment_intents/{id}"), "").await;
    assert_eq!(after.body["status"], "requires_payment_method");
    assert_eq!(
        after.body["last_payment_error"]["code"],
        "payment_intent_authentication_failure"
    );
    // A wrong secret is refused.
    let (page, _) = url.split_once('?').unwrap();
    let refused =
        answer_hosted_page(&format!("{page}?client_secret=pi_x_secret_y"), "complete").await;
    assert!(refused.status().is_client_error());
    app.stop().await;
}

#[tokio::test]
async fn decline_answers_402_with_the_intent_embedded() {
    let app = TestApp::spawn().await;
    let ctoken = token(&app, "4000000000000002", "").await;
    let declined = pay(&app, &ctoken).await;
    assert_eq!(declined.status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(declined.error("type"), Some("card_error"));
    assert_eq!(declined.error("code"), Some("card_declined"));
    assert_eq!(declined.error("decline_code"), Some("generic_decline"));
    let embedded = &declined.body["error"]["payment_intent"];
    assert_eq!(embedded["status"], "requires_payment_method");
    assert_eq!(
        embedded["last_payment_error"]["decline_code"],
        "generic_decline"
    );
    let id = embedded["id"].as_str().unwrap();
    let stored = app.get(&format!("/v1/payment_intents/{id}"), "").await;
    assert_eq!(stored.body["status"], "requires_payment_method");

    // A retry with a good card succeeds on the same intent.
    let good = token(&app, "4242424242424242", "").await;
    let retried = app
        .post(
            &format!("/v1/payment_intents/{id}/confirm"),
            &format!("confirmation_token={good}"),
        )
        .await;
    assert_eq!(retried.body["status"], "succeeded", "{:?}", retried.body);
    let types = event_types(&app).await;
    assert_eq!(
        types,
        vec![
            "payment_intent.created",
            "charge.failed",
            "payment_intent.payment_failed",
            "charge.succeeded",
            "payment_intent.succeeded"
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn manual_capture_partial_and_cancel() {
    let app = TestApp::spawn().await;
    let form = "amount=5000&currency=usd&confirm=true&capture_method=manual\
                &payment_method=pm_card_visa&payment_method_types[]=card";
    let intent = app.post("/v1/payment_intents", form).await;
    assert_eq!(
        intent.body["status"], "requires_capture",
        "{:?}",
        intent.body
    );
    assert_eq!(intent.body["amount_capturable"], 5000);
    let id = intent.body["id"].as_str().unwrap();
    let too_much = app
        .post(
            &format!("/v1/payment_intents/{id}/capture"),
            "amount_to_capture=6000",
        )
        .await;
    assert_eq!(too_much.error("param"), Some("amount_to_capture"));
    let captured = app
        .post(
            &format!("/v1/payment_intents/{id}/capture"),
            "amount_to_capture=3000",
        )
        .await;
    assert_eq!(captured.body["status"], "succeeded");
    assert_eq!(captured.body["amount_received"], 3000);
    assert_eq!(captured.body["amount_capturable"], 0);
    let cancel = app
        .post(&format!("/v1/payment_intents/{id}/cancel"), "")
        .await;
    assert_eq!(
        cancel.error("code"),
        Some("payment_intent_unexpected_state"),
        "{:?}",
        cancel.body
    );
    let confirm = app
        .post(&format!("/v1/payment_intents/{id}/confirm"), "")
        .await;
    assert_eq!(
        confirm.error("code"),
        Some("payment_intent_unexpected_state")
    );

    let second = app.post("/v1/payment_intents", form).await;
    let id2 = second.body["id"].as_str().unwrap();
    let canceled = app
        .post(
            &format!("/v1/payment_intents/{id2}/cancel"),
            "cancellation_reason=abandoned",
        )
        .await;
    assert_eq!(canceled.body["status"], "canceled");
    assert_eq!(canceled.body["cancellation_reason"], "abandoned");
    let charge = app
        .get(
            &format!(
                "/v1/charges/{}",
                canceled.body["latest_charge"].as_str().unwrap()
            ),
            "",
        )
        .await;
    assert_eq!(charge.body["captured"], false);
    assert_eq!(charge.body["refunded"], true, "{:?}", charge.body);
    app.stop().await;
}

#[tokio::test]
async fn server_side_confirm_needs_a_return_url_with_automatic_methods() {
    let app = TestApp::spawn().await;
    let missing = app
        .post(
            "/v1/payment_intents",
            "amount=1000&currency=usd&confirm=true&payment_method=pm_card_visa",
        )
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert!(missing.error("message").unwrap().contains("return_url"));
    let redirect = app
        .post(
            "/v1/payment_intents",
            "amount=1000&currency=usd&confirm=true&payment_method=pm_card_threeDSecure2Required\
             &return_url=https%3A%2F%2Fshop.example%2Fback",
        )
        .await;
    assert_eq!(
        redirect.body["status"], "requires_action",
        "{:?}",
        redirect.body
    );
    assert_eq!(redirect.body["next_action"]["type"], "redirect_to_url");
    let url = redirect.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap();
    let done = answer_hosted_page(url, "complete").await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let location = done.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("https://shop.example/back?payment_intent=pi_"),
        "{location}"
    );
    assert!(
        location.ends_with("&redirect_status=succeeded"),
        "{location}"
    );
    app.stop().await;
}

#[tokio::test]
async fn publishable_key_reads_the_reduced_intent_with_its_secret_only() {
    let app = TestApp::spawn().await;
    let created = app
        .post(
            "/v1/payment_intents",
            "amount=1000&currency=usd&metadata[order]=1",
        )
        .await;
    let id = created.body["id"].as_str().unwrap();
    let secret = created.body["client_secret"].as_str().unwrap();
    let read = app
        .call_as(
            PUBLISHABLE_KEY,
            Method::GET,
            &format!("/v1/payment_intents/{id}"),
            &format!("client_secret={secret}"),
            &[],
        )
        .await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body["status"], "requires_payment_method");
    assert_eq!(read.body.get("metadata"), None);
    assert_eq!(read.body.get("customer"), None);
    let wrong = app
        .call_as(
            PUBLISHABLE_KEY,
            Method::GET,
            &format!("/v1/payment_intents/{id}"),
            "client_secret=pi_nope_secret_nope",
            &[],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong.error("param"), Some("client_secret"));
    let _: Value = created.body;
    app.stop().await;
}

#[tokio::test]
async fn amount_and_currency_rules() {
    let app = TestApp::spawn().await;
    for (form, param, code) in [
        ("amount=10&currency=usd", "amount", Some("amount_too_small")),
        ("amount=0&currency=usd", "amount", None),
        ("amount=-100&currency=usd", "amount", None),
        (
            "amount=100000000&currency=usd",
            "amount",
            Some("amount_too_large"),
        ),
        ("amount=1000&currency=xyz", "currency", None),
        ("currency=usd", "amount", Some("parameter_missing")),
    ] {
        let answer = app.post("/v1/payment_intents", form).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{form}");
        assert_eq!(answer.error("param"), Some(param), "{form}");
        if let Some(code) = code {
            assert_eq!(answer.error("code"), Some(code), "{form}");
        }
    }
    let yen = app
        .post("/v1/payment_intents", "amount=500&currency=jpy")
        .await;
    assert_eq!(yen.body["amount"], 500);
    assert_eq!(yen.body["currency"], "jpy");
    let list = app.get("/v1/payment_intents", "").await;
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn ideal_redirects_to_the_bank_page_and_back() {
    let app = TestApp::spawn().await;
    let intent = app
        .post(
            "/v1/payment_intents",
            "amount=1500&currency=eur&confirm=true&payment_method_data[type]=ideal\
             &payment_method_data[ideal][bank]=ing&return_url=https%3A%2F%2Fshop.example%2Freturn",
        )
        .await;
    assert_eq!(
        intent.body["status"], "requires_action",
        "{:?}",
        intent.body
    );
    assert_eq!(
        intent.body["payment_method_types"],
        serde_json::json!(["card", "ideal"])
    );
    let redirect = &intent.body["next_action"]["redirect_to_url"];
    assert_eq!(redirect["return_url"], "https://shop.example/return");
    let url = redirect["url"].as_str().unwrap();
    let done = answer_hosted_page(url, "complete").await;
    let location = done.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.ends_with("redirect_status=succeeded"),
        "{location}"
    );
    let id = intent.body["id"].as_str().unwrap();
    let after = app
        .get(
            &format!("/v1/payment_intents/{id}"),
            "expand[]=latest_charge",
        )
        .await;
    assert_eq!(after.body["status"], "succeeded");
    let details = &after.body["latest_charge"]["payment_method_details"];
    assert_eq!(details["type"], "ideal");
    assert_eq!(details["ideal"]["bank"], "ing");
    assert_eq!(details["ideal"]["bic"], "INGBNL2A");

    let failed = app
        .post(
            "/v1/payment_intents",
            "amount=1500&currency=eur&confirm=true&payment_method_data[type]=ideal\
             &return_url=https%3A%2F%2Fshop.example%2Freturn",
        )
        .await;
    let url = failed.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap();
    let done = answer_hosted_page(url, "fail").await;
    let location = done.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("redirect_status=failed"), "{location}");
    let id = failed.body["id"].as_str().unwrap();
    let after = app.get(&format!("/v1/payment_intents/{id}"), "").await;
    assert_eq!(after.body["status"], "requires_payment_method");
    assert_eq!(
        after.body["last_payment_error"]["code"],
        "payment_intent_payment_attempt_failed"
    );

    let dollars = app
        .post(
            "/v1/payment_intents",
            "amount=1500&currency=usd&confirm=true&payment_method_types[]=ideal\
             &payment_method_data[type]=ideal&return_url=https%3A%2F%2Fshop.example%2Freturn",
        )
        .await;
    assert_eq!(dollars.status, StatusCode::BAD_REQUEST);
    assert_eq!(dollars.error("param"), Some("currency"));
    app.stop().await;
}

#[tokio::test]
async fn manual_confirmation_after_authentication_needs_the_server_to_confirm_again() {
    let app = TestApp::spawn().await;
    let intent = app
        .post(
            "/v1/payment_intents",
            "amount=2500&currency=usd&confirm=true&confirmation_method=manual\
             &payment_method_types[]=card&payment_method=pm_card_threeDSecure2Required\
             &return_url=https%3A%2F%2Fshop.example%2Fback",
        )
        .await;
    assert_eq!(
        intent.body["status"], "requires_action",
        "{:?}",
        intent.body
    );
    let url = intent.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap();
    let done = answer_hosted_page(url, "complete").await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let id = intent.body["id"].as_str().unwrap();
    let waiting = app.get(&format!("/v1/payment_intents/{id}"), "").await;
    assert_eq!(waiting.body["status"], "requires_confirmation");
    assert_eq!(waiting.body["latest_charge"], Value::Null);
    let confirmed = app
        .post(
            &format!("/v1/payment_intents/{id}/confirm"),
            "return_url=https%3A%2F%2Fshop.example%2Fback",
        )
        .await;
    assert_eq!(
        confirmed.body["status"], "succeeded",
        "{:?}",
        confirmed.body
    );
    app.stop().await;
}

#[tokio::test]
async fn descriptive_fields_change_after_payment_but_payment_fields_do_not() {
    let app = TestApp::spawn().await;
    let paid = app
        .post(
            "/v1/payment_intents",
            "amount=2000&currency=usd&confirm=true&payment_method=pm_card_visa\
             &payment_method_types[]=card",
        )
        .await;
    let id = paid.body["id"].as_str().unwrap();
    let labelled = app
        .post(
            &format!("/v1/payment_intents/{id}"),
            "metadata[order]=42&description=Order+42",
        )
        .await;
    assert_eq!(labelled.status, StatusCode::OK, "{:?}", labelled.body);
    assert_eq!(labelled.body["metadata"]["order"], "42");
    let refused = app
        .post(&format!("/v1/payment_intents/{id}"), "amount=3000")
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.error("param"), Some("amount"));
    assert_eq!(
        refused.error("code"),
        Some("payment_intent_unexpected_state")
    );
    app.stop().await;
}

#[tokio::test]
async fn concurrent_confirms_of_one_intent_charge_once() {
    let app = TestApp::spawn().await;
    let created = app
        .post(
            "/v1/payment_intents",
            "amount=4200&currency=usd&payment_method=pm_card_visa&payment_method_types[]=card",
        )
        .await;
    let id = created.body["id"].as_str().unwrap().to_owned();
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let client = app.client.clone();
        let url = format!("{}/v1/payment_intents/{id}/confirm", app.base);
        tasks.push(tokio::spawn(async move {
            let response = client
                .post(url)
                .bearer_auth(crate::helpers::SECRET_KEY)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            (status, body)
        }));
    }
    let mut succeeded = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            200 => {
                assert_eq!(body["status"], "succeeded");
                succeeded += 1;
            }
            400 => assert_eq!(body["error"]["code"], "payment_intent_unexpected_state"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(succeeded, 1, "exactly one confirmation wins");
    let charges = app
        .get("/v1/charges", &format!("payment_intent={id}"))
        .await;
    assert_eq!(charges.body["data"].as_array().unwrap().len(), 1);
    let intent = app.get(&format!("/v1/payment_intents/{id}"), "").await;
    assert_eq!(intent.body["amount_received"], 4200);
    app.stop().await;
}

/// The raw text of a GET with the secret key.
async fn get_text(app: &TestApp, path: &str) -> String {
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(crate::helpers::SECRET_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

#[tokio::test]
async fn secret_key_retrieves_and_lists_answer_the_stored_text() {
    let app = TestApp::spawn().await;
    let paid = pay(&app, &token(&app, "4242424242424242", "").await).await;
    assert_eq!(paid.status, StatusCode::OK, "{:?}", paid.body);
    let id = paid.body["id"].as_str().unwrap();
    let charge_id = paid.body["latest_charge"].as_str().unwrap();
    let account = app
        .store
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.secret_key == crate::helpers::SECRET_KEY)
        .unwrap()
        .id;
    let stored = |id: String| {
        let (store, account) = (app.store.clone(), account.clone());
        async move { store.get(&account, &id).await.unwrap().unwrap().body }
    };
    let intent_text = stored(id.to_owned()).await;
    assert_eq!(
        get_text(&app, &format!("/v1/payment_intents/{id}")).await,
        intent_text
    );
    assert_eq!(
        get_text(&app, &format!("/v1/charges/{charge_id}")).await,
        stored(charge_id.to_owned()).await
    );
    assert_eq!(
        get_text(&app, "/v1/payment_intents?limit=1").await,
        format!(
            r#"{{"object":"list","data":[{intent_text}],"has_more":false,"url":"/v1/payment_intents"}}"#
        )
    );
    // Expansions and the publishable key still render through the typed path.
    let expanded = app
        .get(
            &format!("/v1/payment_intents/{id}"),
            "expand[]=latest_charge",
        )
        .await;
    assert_eq!(expanded.body["latest_charge"]["id"], charge_id);
    let listed = app
        .get("/v1/payment_intents", "expand[]=data.latest_charge")
        .await;
    assert_eq!(listed.body["data"][0]["latest_charge"]["id"], charge_id);
    let secret = paid.body["client_secret"].as_str().unwrap();
    let public = app
        .call_as(
            PUBLISHABLE_KEY,
            Method::GET,
            &format!("/v1/payment_intents/{id}"),
            &format!("client_secret={secret}"),
            &[],
        )
        .await;
    assert_eq!(public.status, StatusCode::OK, "{:?}", public.body);
    assert_eq!(public.body["id"], id);
    assert!(public.body.get("metadata").is_none(), "{:?}", public.body);
    app.stop().await;
}

/// A request serializes the intent once and shares the text between its answer, its record
/// and its events: all three must be the same object, the one a later retrieve renders.
#[tokio::test]
async fn the_answer_the_stored_intent_and_its_events_agree() {
    let app = TestApp::spawn().await;
    let ctoken = token(&app, "4242424242424242", "").await;
    let paid = pay(&app, &ctoken).await;
    assert_eq!(paid.status, StatusCode::OK, "{:?}", paid.body);
    assert_eq!(paid.body["status"], "succeeded");
    let id = paid.body["id"].as_str().unwrap();
    let retrieved = app.get(&format!("/v1/payment_intents/{id}"), "").await;
    assert_eq!(retrieved.body, paid.body);
    let events = app.get("/v1/events", "limit=10").await;
    let object_of = |kind: &str| -> Value {
        events.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["type"] == kind)
            .map(|e| e["data"]["object"].clone())
            .unwrap()
    };
    assert_eq!(object_of("payment_intent.succeeded"), paid.body);
    let created = object_of("payment_intent.created");
    assert_eq!(created["id"], paid.body["id"]);
    assert_eq!(created["status"], "requires_payment_method");
    let charge_id = paid.body["latest_charge"].as_str().unwrap();
    let charge = app.get(&format!("/v1/charges/{charge_id}"), "").await;
    assert_eq!(object_of("charge.succeeded"), charge.body);
    // An expansion still renders through the general path.
    let ctoken = token(&app, "4242424242424242", "").await;
    let expanded = app
        .post(
            "/v1/payment_intents",
            &format!(
                "amount=2000&currency=usd&confirm=true&automatic_payment_methods[enabled]=true\
                 &confirmation_token={ctoken}&expand[]=latest_charge"
            ),
        )
        .await;
    assert_eq!(expanded.body["latest_charge"]["object"], "charge");
    assert_eq!(expanded.body["latest_charge"]["status"], "succeeded");
    app.stop().await;
}

/// The browser's token shows the card without its fingerprint; the server's view has it.
#[tokio::test]
async fn a_confirmation_token_hides_the_fingerprint_from_the_browser_only() {
    let app = TestApp::spawn().await;
    let form = "payment_method_data[type]=card&payment_method_data[card][number]=4242424242424242\
                &payment_method_data[card][exp_month]=12&payment_method_data[card][exp_year]=2034\
                &payment_method_data[card][cvc]=123";
    let made = app
        .call_as(
            PUBLISHABLE_KEY,
            Method::POST,
            "/v1/confirmation_tokens",
            form,
            &[],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{:?}", made.body);
    let card = &made.body["payment_method_preview"]["card"];
    assert_eq!(card["last4"], "4242");
    assert_eq!(card["brand"], "visa");
    assert_eq!(card.get("fingerprint"), None, "{card}");
    let id = made.body["id"].as_str().unwrap();
    let fetched = app.get(&format!("/v1/confirmation_tokens/{id}"), "").await;
    let fingerprint = &fetched.body["payment_method_preview"]["card"]["fingerprint"];
    assert_eq!(
        fingerprint.as_str().map(str::len),
        Some(16),
        "{fingerprint}"
    );
    let mut without = fetched.body.clone();
    without["payment_method_preview"]["card"]
        .as_object_mut()
        .unwrap()
        .remove("fingerprint");
    assert_eq!(without, made.body);
    app.stop().await;
}
