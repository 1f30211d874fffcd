//! How deliveries to one endpoint go out: a few at a time on kept connections, and the
//! events of one request in the order they were created.

use std::collections::HashMap;
use std::time::Duration;

use crate::helpers::TestApp;
use crate::webhook_receivers::Recorder;
use crate::webhooks::endpoint;

#[tokio::test]
async fn the_events_of_one_request_arrive_in_creation_order() {
    let app = TestApp::spawn().await;
    // Requests that run side by side finish in any order: only sending them one after the
    // other keeps their order.
    let receiver = Recorder::new(Duration::ZERO, Duration::from_millis(30));
    let url = receiver.serve().await;
    endpoint(&app, &url, &["*"]).await;
    let payments = 6;
    for _ in 0..payments {
        let paid = app
            .post(
                "/v1/payment_intents",
                "amount=1000&currency=usd&confirm=true&payment_method_types[]=card\
                 &payment_method=pm_card_visa",
            )
            .await;
        assert_eq!(paid.body["status"], "succeeded", "{:?}", paid.body);
    }
    // The order the store keeps: the events list is newest first.
    let listed = app.get("/v1/events", "limit=100").await;
    let mut created: Vec<serde_json::Value> = listed.body["data"].as_array().unwrap().clone();
    created.reverse();
    let arrived = receiver.wait_for(created.len()).await;
    assert_eq!(arrived.len(), created.len(), "every event once");

    let by_request = |events: &[serde_json::Value]| {
        let mut grouped: HashMap<String, Vec<String>> = HashMap::new();
        for event in events {
            let request = event["request"]["id"].as_str().unwrap().to_owned();
            let kind = event["type"].as_str().unwrap().to_owned();
            grouped.entry(request).or_default().push(kind);
        }
        grouped
    };
    let expected = by_request(&created);
    assert_eq!(expected.len(), payments, "one request per payment");
    for kinds in expected.values() {
        assert_eq!(
            kinds.first().map(String::as_str),
            Some("payment_intent.created")
        );
        assert!(
            kinds.iter().any(|k| k == "payment_intent.succeeded"),
            "{kinds:?}"
        );
    }
    assert_eq!(by_request(&arrived), expected);
    app.stop().await;
}

#[tokio::test]
async fn at_most_four_deliveries_at_once_go_to_one_endpoint_on_kept_connections() {
    let mut app = TestApp::spawn_without_webhooks().await;
    let receiver = Recorder::new(Duration::from_millis(100), Duration::ZERO);
    let url = receiver.serve().await;
    endpoint(&app, &url, &["customer.created"]).await;
    let customers = 12;
    for _ in 0..customers {
        app.post("/v1/customers", "").await;
    }
    // All twelve are due when the dispatcher starts: it claims them in one go.
    app.restart_with_webhooks().await;
    let events = receiver.wait_for(customers).await;
    assert_eq!(events.len(), customers);
    assert_eq!(
        receiver.max_in_flight(),
        4,
        "the test dispatcher's per-endpoint bound"
    );
    assert!(
        receiver.connections() <= 4,
        "connections are kept and reused: {}",
        receiver.connections()
    );
    app.stop().await;
}
