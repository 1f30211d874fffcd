//! `POST /v1/events/:id/retry` (`stripe events resend`, `tender events resend`): a new
//! delivery of the event, to the named endpoint or to every subscribed one (decision 0020).

use reqwest::StatusCode;

use crate::helpers::TestApp;
use crate::webhooks::{Receiver, endpoint};

/// The id of the newest event of `kind`.
async fn event_of(app: &TestApp, kind: &str) -> String {
    let events = app.get("/v1/events", &format!("type={kind}")).await;
    events.body["data"][0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn resend_delivers_the_event_again_to_the_named_or_subscribed_endpoints() {
    let app = TestApp::spawn().await;
    let (customers, customers_url) = Receiver::start(Vec::new()).await;
    let (others, others_url) = Receiver::start(Vec::new()).await;
    let (to_customers, _) = endpoint(&app, &customers_url, &["customer.created"]).await;
    let (to_others, _) = endpoint(&app, &others_url, &["charge.succeeded"]).await;
    app.post("/v1/customers", "name=resent").await;
    let event = event_of(&app, "customer.created").await;
    assert_eq!(customers.wait_for(1).await.len(), 1);

    // To every endpoint subscribed to the type: the customers' one only.
    let resent = app.post(&format!("/v1/events/{event}/retry"), "").await;
    assert_eq!(resent.status, StatusCode::OK, "{:?}", resent.body);
    assert_eq!(resent.body["id"], event.as_str());
    assert_eq!(resent.body["object"], "event");
    let got = customers.wait_for(2).await;
    assert_eq!(got.len(), 2);
    assert_eq!(got[1]["id"], event.as_str());
    assert_eq!(got[1]["data"]["object"]["name"], "resent");

    // To a named endpoint, even one not subscribed to the type.
    let named = app
        .post(
            &format!("/v1/events/{event}/retry"),
            &format!("webhook_endpoint={to_others}"),
        )
        .await;
    assert_eq!(named.status, StatusCode::OK, "{:?}", named.body);
    let got = others.wait_for(1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["id"], event.as_str());
    // The Stripe CLI's flag for "to the CLI" is accepted.
    let cli = app
        .post(&format!("/v1/events/{event}/retry"), "for_stripecli=true")
        .await;
    assert_eq!(cli.status, StatusCode::OK, "{:?}", cli.body);
    assert_eq!(customers.wait_for(3).await.len(), 3);

    // Each resend is a delivery of its own.
    let account = app.store.accounts().await.unwrap()[0].id.clone();
    let deliveries = app
        .store
        .deliveries(&account, Some(&event), 10)
        .await
        .unwrap();
    let endpoints: Vec<&str> = deliveries.iter().map(|d| d.endpoint_id.as_str()).collect();
    assert_eq!(endpoints.len(), 4, "{endpoints:?}");
    assert_eq!(endpoints.iter().filter(|e| **e == to_customers).count(), 3);
    assert_eq!(endpoints.iter().filter(|e| **e == to_others).count(), 1);
    app.stop().await;
}

#[tokio::test]
async fn resend_errors_name_the_event_or_the_endpoint() {
    let app = TestApp::spawn_without_webhooks().await;
    let other = app.other_account().await;
    app.post("/v1/customers", "name=x").await;
    let event = event_of(&app, "customer.created").await;

    let missing = app.post("/v1/events/evt_nope/retry", "").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error("code"), Some("resource_missing"));
    assert_eq!(missing.error("param"), Some("id"));
    // Another account's event does not exist for this key.
    let theirs = app
        .call_as(
            &other.secret_key,
            reqwest::Method::POST,
            &format!("/v1/events/{event}/retry"),
            "",
            &[],
        )
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);

    let unknown = app
        .post(
            &format!("/v1/events/{event}/retry"),
            "webhook_endpoint=we_nope",
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.error("param"), Some("webhook_endpoint"));
    assert!(unknown.error("message").unwrap().contains("we_nope"));
    // No endpoint at all is subscribed: said, not silently nothing.
    let nowhere = app.post(&format!("/v1/events/{event}/retry"), "").await;
    assert_eq!(nowhere.status, StatusCode::BAD_REQUEST);
    assert_eq!(nowhere.error("param"), Some("webhook_endpoint"));
    let bad = app
        .post(&format!("/v1/events/{event}/retry"), "endpoint=we_x")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.error("param"), Some("endpoint"));
    app.stop().await;
}
