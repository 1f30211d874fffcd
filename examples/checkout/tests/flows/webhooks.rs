//! The webhook is the only thing that pays an order: signatures checked, events applied once.

use reqwest::StatusCode;
use serde_json::{Value, json};
use stripe_webhook::Webhook;

use crate::harness::{Shop, cart};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test]
async fn a_replayed_webhook_does_not_fulfil_twice() {
    let shop = Shop::start().await;
    let token = shop.token("4242424242424242").await;
    let answer = shop.pay(&token, cart("stickers", 3), None).await;
    let order_id = answer.body["order_id"].as_str().unwrap().to_owned();
    let paid = shop.until_paid(&order_id).await;

    // The event Tender delivered, signed again with the endpoint's secret, as a replay is.
    let events = shop
        .api_get("/v1/events?type=payment_intent.succeeded")
        .await;
    let event = events["data"][0].clone();
    assert_eq!(event["id"], paid["fulfilment"]["event_id"]);
    let payload = serde_json::to_string(&event).unwrap();
    for _ in 0..2 {
        let signature = Webhook::generate_test_header(&payload, &shop.webhook_secret, None);
        assert_eq!(
            shop.deliver(&payload, Some(&signature)).await,
            StatusCode::OK
        );
    }
    // Even a different event about the same payment ships nothing more.
    let mut copy = event.clone();
    copy["id"] = json!("evt_someotherid");
    let payload = serde_json::to_string(&copy).unwrap();
    let signature = Webhook::generate_test_header(&payload, &shop.webhook_secret, None);
    assert_eq!(
        shop.deliver(&payload, Some(&signature)).await,
        StatusCode::OK
    );

    let after = shop.order(&order_id).await;
    assert_eq!(after["status"], "paid");
    assert_eq!(after["fulfilment"], paid["fulfilment"], "fulfilled once");
    assert_eq!(after["paid_at"], paid["paid_at"]);
    shop.stop().await;
}

/// A `payment_intent.succeeded` event for `intent`, as someone without the secret would
/// write it.
fn forged_event(intent: &Value) -> String {
    let mut object = intent.clone();
    object["status"] = json!("succeeded");
    object["amount_received"] = object["amount"].clone();
    serde_json::to_string(&json!({
        "id": "evt_forged",
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": now(),
        "livemode": false,
        "pending_webhooks": 1,
        "request": {"id": null, "idempotency_key": null},
        "type": "payment_intent.succeeded",
        "data": {"object": object},
    }))
    .unwrap()
}

#[tokio::test]
async fn a_forged_signature_is_refused() {
    let shop = Shop::start().await;
    // A pending order: its card was declined.
    let token = shop.token("4000000000000002").await;
    let declined = shop.pay(&token, cart("hoodie", 1), None).await;
    let order_id = declined.body["order_id"].as_str().unwrap().to_owned();
    let order = shop.order(&order_id).await;
    let intent_id = order["payment_intent"].as_str().unwrap();
    let intent = shop
        .api_get(&format!("/v1/payment_intents/{intent_id}"))
        .await;
    let payload = forged_event(&intent);

    let wrong_secret = Webhook::generate_test_header(&payload, "whsec_guessed", None);
    let stale = Webhook::generate_test_header(&payload, &shop.webhook_secret, Some(now() - 3600));
    let (_, good_mac) = Webhook::generate_test_header(&payload, &shop.webhook_secret, None)
        .split_once(",v1=")
        .map(|(t, v)| (t.to_owned(), v.to_owned()))
        .unwrap();
    let tampered_time = format!("t={},v1={good_mac}", now() + 1);
    for signature in [
        None,
        Some("garbage"),
        Some("t=1,v1=00"),
        Some(wrong_secret.as_str()),
        Some(stale.as_str()),
        Some(tampered_time.as_str()),
    ] {
        assert_eq!(
            shop.deliver(&payload, signature).await,
            StatusCode::BAD_REQUEST,
            "{signature:?}"
        );
    }
    let still = shop.order(&order_id).await;
    assert_eq!(still["status"], "pending");
    assert!(still["fulfilment"].is_null());

    // The control: with the endpoint's secret the very same payload is believed — which is
    // why that secret stays on the server.
    let signed = Webhook::generate_test_header(&payload, &shop.webhook_secret, None);
    assert_eq!(shop.deliver(&payload, Some(&signed)).await, StatusCode::OK);
    assert_eq!(shop.order(&order_id).await["status"], "paid");
    shop.stop().await;
}
