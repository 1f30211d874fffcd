//! A euro order paid by SEPA Direct Debit: `processing` until the bank answers, then paid,
//! or failed, by the webhook.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::Shop;

fn euro_cart() -> Value {
    json!({"items": [{"product": "mug", "quantity": 2}], "currency": "eur"})
}

#[tokio::test]
async fn a_sepa_debit_is_processing_then_the_webhook_pays_the_order() {
    let shop = Shop::start().await;
    let token = shop.sepa_token("DE89370400440532013000").await;
    let answer = shop.pay(&token, euro_cart(), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["status"], "processing");
    let order_id = answer.body["order_id"].as_str().unwrap();

    // Read at once, before the bank's answer (a second later on `--settle fast`).
    let order = shop.order(order_id).await;
    assert_eq!(order["status"], "pending");
    assert_eq!(order["currency"], "eur");
    assert_eq!(order["amount"], 2400);
    assert_eq!(order["payment_status"], "processing");

    let order = shop.until_paid(order_id).await;
    assert_eq!(
        order["payment_status"],
        Value::Null,
        "only asked while pending"
    );
    let intent_id = order["payment_intent"].as_str().unwrap();
    let intent = shop
        .api_get(&format!("/v1/payment_intents/{intent_id}"))
        .await;
    assert_eq!(intent["status"], "succeeded");
    assert_eq!(intent["currency"], "eur");
    assert_eq!(
        intent["payment_method_types"],
        json!(["card", "sepa_debit"])
    );
    assert_eq!(intent["automatic_payment_methods"], Value::Null);
    shop.stop().await;
}

#[tokio::test]
async fn a_failed_debit_fails_the_order_and_a_card_pays_it_again() {
    let shop = Shop::start().await;
    let token = shop.sepa_token("DE62370400440532013001").await;
    let answer = shop.pay(&token, euro_cart(), None).await;
    assert_eq!(answer.body["status"], "processing", "{}", answer.body);
    let order_id = answer.body["order_id"].as_str().unwrap();

    let order = shop
        .until_order(order_id, |o| !o["last_error"].is_null())
        .await;
    assert_eq!(order["status"], "pending");
    assert_eq!(
        order["last_error"],
        "The customer's account has insufficient funds to cover this payment."
    );
    assert_eq!(order["payment_status"], "requires_payment_method");

    // "Try again" pays the same order, on the same PaymentIntent, with another method.
    let retry = shop.token_in("4242424242424242", "eur").await;
    let paid = shop.pay(&retry, euro_cart(), Some(order_id)).await;
    assert_eq!(paid.body["status"], "succeeded", "{}", paid.body);
    let order = shop.until_paid(order_id).await;
    assert_eq!(order["amount"], 2400);
    assert_eq!(shop.payment_intents().await.len(), 1);
    shop.stop().await;
}

#[tokio::test]
async fn the_shop_sells_in_dollars_and_euros_only() {
    let shop = Shop::start().await;
    let quote = shop
        .post(
            "/api/quote",
            json!({"items": [{"product": "tee", "quantity": 1}], "currency": "eur"}),
        )
        .await;
    assert_eq!(quote.body["currency"], "eur");
    assert_eq!(quote.body["total"], 2500);
    let refused = shop
        .post(
            "/api/quote",
            json!({"items": [{"product": "tee", "quantity": 1}], "currency": "gbp"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.body["error"]["code"], "cart_invalid");
    shop.stop().await;
}
