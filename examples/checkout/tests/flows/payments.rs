//! The headline path: deferred intent, ConfirmationToken, rules, create-and-confirm.

use reqwest::StatusCode;
use serde_json::json;
use tender_checkout::Rules;

use crate::harness::{Shop, cart};

#[tokio::test]
async fn a_4242_payment_is_paid_by_the_webhook() {
    let shop = Shop::start().await;
    let token = shop.token("4242424242424242").await;
    let answer = shop
        .pay(
            &token,
            json!({"items": [{"product": "tee", "quantity": 2}], "discount_code": "welcome10"}),
            None,
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["status"], "succeeded");
    let secret = answer.body["client_secret"].as_str().unwrap();
    assert!(secret.starts_with("pi_"), "{secret}");
    let order_id = answer.body["order_id"].as_str().unwrap();

    let order = shop.until_paid(order_id).await;
    assert_eq!(order["amount"], 4500, "two tees, 10% off");
    assert_eq!(order["flow"], "server-confirm");
    assert!(
        order["fulfilment"]["event_id"]
            .as_str()
            .unwrap()
            .starts_with("evt_")
    );

    let intent_id = order["payment_intent"].as_str().unwrap();
    let intent = shop
        .api_get(&format!("/v1/payment_intents/{intent_id}"))
        .await;
    assert_eq!(intent["amount"], 4500);
    assert_eq!(intent["metadata"]["order_id"], order_id);
    let used = shop
        .api_get(&format!("/v1/confirmation_tokens/{token}"))
        .await;
    assert_eq!(used["payment_intent"], intent_id);
    shop.stop().await;
}

#[tokio::test]
async fn three_d_secure_is_completed_on_the_hosted_page() {
    let shop = Shop::start().await;
    let token = shop.token("4000002500003155").await;
    let answer = shop.pay(&token, cart("mug", 1), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["status"], "requires_action");
    let order_id = answer.body["order_id"].as_str().unwrap();
    assert_eq!(shop.order(order_id).await["status"], "pending");

    // What stripe.handleNextAction does in the browser.
    shop.authenticate(answer.body["client_secret"].as_str().unwrap(), "complete")
        .await;
    let order = shop.until_paid(order_id).await;
    assert_eq!(order["amount"], 1200);
    shop.stop().await;
}

#[tokio::test]
async fn failed_authentication_leaves_the_order_pending_and_a_retry_pays_it() {
    let shop = Shop::start().await;
    let token = shop.token("4000002500003155").await;
    let first = shop.pay(&token, cart("mug", 1), None).await;
    assert_eq!(first.body["status"], "requires_action");
    let order_id = first.body["order_id"].as_str().unwrap();
    shop.authenticate(first.body["client_secret"].as_str().unwrap(), "fail")
        .await;
    // payment_intent.payment_failed reaches the shop: the order says why and stays pending.
    let order = shop
        .until_order(order_id, |o| o["last_error"].is_string())
        .await;
    assert_eq!(order["status"], "pending");
    assert!(order["fulfilment"].is_null());
    // The order page shows it to the shopper: Stripe.js's words, not the API's developer ones.
    assert_eq!(
        order["last_error"],
        "We are unable to authenticate your payment method. Please choose a different payment \
         method and try again."
    );

    // The page keeps the order id and tries again with another card: same order, same intent.
    let retry = shop.token("4242424242424242").await;
    let second = shop.pay(&retry, cart("mug", 1), Some(order_id)).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    assert_eq!(second.body["status"], "succeeded");
    assert_eq!(second.body["order_id"], order_id);
    let order = shop.until_paid(order_id).await;
    assert_eq!(
        order["payment_intent"].as_str().unwrap(),
        first.body["client_secret"]
            .as_str()
            .unwrap()
            .split("_secret_")
            .next()
            .unwrap()
    );
    assert_eq!(shop.payment_intents().await.len(), 1);
    shop.stop().await;
}

#[tokio::test]
async fn a_declined_card_is_shown_and_the_order_stays_pending() {
    let shop = Shop::start().await;
    let token = shop.token("4000000000000002").await;
    let declined = shop.pay(&token, cart("tee", 1), None).await;
    assert_eq!(declined.status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(declined.body["error"]["message"], "Your card was declined.");
    assert_eq!(declined.body["error"]["code"], "card_declined");
    assert_eq!(declined.body["error"]["decline_code"], "generic_decline");
    let order_id = declined.body["order_id"].as_str().unwrap();
    let order = shop.order(order_id).await;
    assert_eq!(order["status"], "pending");
    assert_eq!(order["last_error"], "Your card was declined.");

    // A cart changed between the attempts: the retry charges the new total.
    let retry = shop.token("4242424242424242").await;
    let paid = shop.pay(&retry, cart("tee", 2), Some(order_id)).await;
    assert_eq!(paid.body["status"], "succeeded", "{}", paid.body);
    let order = shop.until_paid(order_id).await;
    assert_eq!(order["amount"], 5000);
    let intents = shop.payment_intents().await;
    assert_eq!(intents.len(), 1);
    assert_eq!(intents[0]["amount"], 5000);
    assert_eq!(intents[0]["amount_received"], 5000);
    shop.stop().await;
}

#[tokio::test]
async fn a_prepaid_card_is_refused_before_any_payment_intent_exists() {
    let shop = Shop::start().await;
    let token = shop.token("5105105105105100").await;
    let refused = shop.pay(&token, cart("tee", 1), None).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.body["error"]["code"], "prepaid_card_refused");
    assert_eq!(
        refused.body["error"]["message"],
        "We don't accept prepaid cards. Please use another card."
    );
    assert!(refused.body["order_id"].is_null(), "no order either");
    assert!(shop.payment_intents().await.is_empty());
    // The token was never used: the card network was never asked.
    let unused = shop
        .api_get(&format!("/v1/confirmation_tokens/{token}"))
        .await;
    assert!(unused["payment_intent"].is_null());
    shop.stop().await;
}

#[tokio::test]
async fn card_countries_and_the_order_maximum_are_refused_too() {
    let shop = Shop::start_with(Rules {
        refused_countries: vec!["BR".into()],
        max_amount: 10_000,
        ..Rules::default()
    })
    .await;
    let brazil = shop.token("4000000760000002").await;
    let refused = shop.pay(&brazil, cart("tee", 1), None).await;
    assert_eq!(refused.body["error"]["code"], "card_country_refused");

    let visa = shop.token("4242424242424242").await;
    let too_much = shop.pay(&visa, cart("hoodie", 2), None).await;
    assert_eq!(too_much.status, StatusCode::BAD_REQUEST);
    assert_eq!(too_much.body["error"]["code"], "amount_over_limit");
    assert!(shop.payment_intents().await.is_empty());

    // The same card under the limit goes through.
    let fine = shop.pay(&visa, cart("hoodie", 1), None).await;
    assert_eq!(fine.body["status"], "succeeded", "{}", fine.body);
    shop.stop().await;
}

#[tokio::test]
async fn the_amount_comes_from_the_cart_never_from_the_request() {
    let shop = Shop::start().await;
    let token = shop.token("4242424242424242").await;
    let answer = shop
        .post(
            "/create-confirm-intent",
            json!({
                "confirmationTokenId": token,
                "cart": {"items": [{"product": "hoodie", "quantity": 1}]},
                "amount": 50,
                "total": 50,
                "currency": "jpy",
            }),
        )
        .await;
    assert_eq!(answer.body["status"], "succeeded", "{}", answer.body);
    let intents = shop.payment_intents().await;
    assert_eq!(intents.len(), 1);
    assert_eq!(intents[0]["amount"], 5500);
    assert_eq!(intents[0]["currency"], "usd");
    let order = shop
        .until_paid(answer.body["order_id"].as_str().unwrap())
        .await;
    assert_eq!(order["amount"], 5500);

    // A cart the shop cannot price is refused before anything else.
    let other = shop.token("4242424242424242").await;
    for bad in [
        json!({"items": [{"product": "yacht", "quantity": 1}]}),
        json!({"items": [{"product": "tee", "quantity": 99}]}),
        json!({"items": []}),
        json!({"items": [{"product": "tee", "quantity": 1}], "discount_code": "FREE"}),
    ] {
        let answer = shop.pay(&other, bad, None).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
        assert_eq!(answer.body["error"]["code"], "cart_invalid");
    }
    assert_eq!(shop.payment_intents().await.len(), 1);
    shop.stop().await;
}

#[tokio::test]
async fn quotes_follow_the_cart() {
    let shop = Shop::start().await;
    let quote = shop
        .post(
            "/api/quote",
            json!({"items": [{"product": "mug", "quantity": 3}], "discount_code": "FIVEOFF"}),
        )
        .await;
    assert_eq!(quote.status, StatusCode::OK);
    assert_eq!(quote.body["subtotal"], 3600);
    assert_eq!(quote.body["discount"]["amount"], 500);
    assert_eq!(quote.body["total"], 3100);
    let unknown = shop.post("/api/quote", cart("yacht", 1)).await;
    assert_eq!(unknown.body["error"]["message"], "We don't sell \"yacht\".");
    shop.stop().await;
}
