//! `POST /v1/test_helpers/accounts/reset`: one account emptied, its keys kept, the others
//! untouched (decision 0020).

use reqwest::{Method, StatusCode};

use crate::helpers::{SECRET_KEY, TestApp};

/// A customer with a card, a paid PaymentIntent (so a charge and events), a webhook endpoint
/// (so deliveries) and a saved idempotency key, all made with `key`.
async fn populate(app: &TestApp, key: &str) -> String {
    let post = |path: &'static str, form: &'static str| async move {
        let answer = app.call_as(key, Method::POST, path, form, &[]).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {:?}", answer.body);
        answer.body["id"].as_str().unwrap().to_owned()
    };
    post(
        "/v1/webhook_endpoints",
        "url=http%3A%2F%2F127.0.0.1%3A9%2Fhook&enabled_events[]=*",
    )
    .await;
    let customer = post("/v1/customers", "email=reset%40example.com").await;
    let kept = app
        .call_as(
            key,
            Method::POST,
            "/v1/payment_intents",
            "amount=1000&currency=usd&confirm=true&payment_method=pm_card_visa&payment_method_types[]=card",
            &[("Idempotency-Key", "reset-me")],
        )
        .await;
    assert_eq!(kept.status, StatusCode::OK, "{:?}", kept.body);
    customer
}

#[tokio::test]
async fn reset_empties_the_account_and_keeps_its_keys_and_the_others() {
    let app = TestApp::spawn_without_webhooks().await;
    let other = app.other_account().await;
    let mine = populate(&app, SECRET_KEY).await;
    let theirs = populate(&app, &other.secret_key).await;
    let fault = app
        .post(
            "/v1/test_helpers/faults",
            "match[path]=/v1/products&kind=api_error",
        )
        .await;
    assert_eq!(fault.status, StatusCode::OK, "{:?}", fault.body);
    let account = app.store.accounts().await.unwrap()[0].id.clone();

    let reset = app.post("/v1/test_helpers/accounts/reset", "").await;
    assert_eq!(reset.status, StatusCode::OK, "{:?}", reset.body);
    assert_eq!(reset.body["object"], "test_helpers.account_reset");
    assert_eq!(reset.body["account"], account.as_str());
    let deleted = &reset.body["deleted"];
    // Endpoint, customer, PaymentIntent, charge, and their events.
    assert!(deleted["objects"].as_u64().unwrap() >= 6, "{deleted}");
    assert_eq!(deleted["idempotency_keys"], 1);
    assert!(
        deleted["webhook_deliveries"].as_u64().unwrap() >= 3,
        "{deleted}"
    );
    assert_eq!(deleted["faults"], 1);

    // Nothing of this account is left, and the same key still works.
    for list in [
        "/v1/customers",
        "/v1/payment_intents",
        "/v1/charges",
        "/v1/events",
        "/v1/webhook_endpoints",
    ] {
        let answer = app.get(list, "").await;
        assert_eq!(answer.status, StatusCode::OK, "{list}");
        assert_eq!(answer.body["data"], serde_json::json!([]), "{list}");
    }
    let gone = app.get(&format!("/v1/customers/{mine}"), "").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.error("code"), Some("resource_missing"));
    assert!(
        app.store
            .deliveries(&account, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        app.get("/v1/test_helpers/faults", "").await.body["data"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // The idempotency key is free again: the same request makes a new PaymentIntent.
    let again = app
        .call_as(
            SECRET_KEY,
            Method::POST,
            "/v1/payment_intents",
            "amount=1000&currency=usd&confirm=true&payment_method=pm_card_visa&payment_method_types[]=card",
            &[("Idempotency-Key", "reset-me")],
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.header("idempotent-replayed"), Some("false"));

    // The other account keeps everything.
    let theirs_now = app
        .call_as(
            &other.secret_key,
            Method::GET,
            &format!("/v1/customers/{theirs}"),
            "",
            &[],
        )
        .await;
    assert_eq!(theirs_now.status, StatusCode::OK);
    let their_events = app
        .call_as(&other.secret_key, Method::GET, "/v1/events", "", &[])
        .await;
    assert!(their_events.body["data"].as_array().unwrap().len() >= 3);
    let their_deliveries = app.store.deliveries(&other.id, None, 10).await.unwrap();
    assert!(!their_deliveries.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn reset_refuses_another_accounts_name_and_unknown_params() {
    let app = TestApp::spawn_without_webhooks().await;
    let other = app.other_account().await;
    app.post("/v1/customers", "name=kept").await;
    let refused = app
        .post(
            "/v1/test_helpers/accounts/reset",
            &format!("account={}", other.id),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.error("param"), Some("account"));
    let unknown = app
        .post("/v1/test_helpers/accounts/reset", "everything=1")
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.error("param"), Some("everything"));
    // Nothing was reset.
    let customers = app.get("/v1/customers", "").await;
    assert_eq!(customers.body["data"][0]["name"], "kept");
    // Naming its own account is accepted.
    let account = app.store.accounts().await.unwrap()[0].id.clone();
    let reset = app
        .post(
            "/v1/test_helpers/accounts/reset",
            &format!("account={account}"),
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{:?}", reset.body);
    assert_eq!(
        reset.body["deleted"]["objects"], 2,
        "customer and its event"
    );
    app.stop().await;
}
