//! The other paths of "Design an integration": client confirmation (intent first, deferred),
//! two-step confirmation, saving a card for later; and the pages themselves.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{PUBLISHABLE_KEY, Shop, cart};

/// What `stripe.confirmPayment` sends: the publishable key, the client secret, the card.
async fn confirm_in_browser(shop: &Shop, client_secret: &str, number: &str) -> (StatusCode, Value) {
    let id = client_secret.split("_secret_").next().unwrap();
    let response = shop
        .http
        .post(format!("{}/v1/payment_intents/{id}/confirm", shop.tender))
        .form(&[
            ("key", PUBLISHABLE_KEY),
            ("client_secret", client_secret),
            ("payment_method_data[type]", "card"),
            ("payment_method_data[card][number]", number),
            ("payment_method_data[card][exp_month]", "12"),
            ("payment_method_data[card][exp_year]", "2034"),
            ("payment_method_data[card][cvc]", "123"),
            ("return_url", "http://shop.invalid/orders/x"),
            ("use_stripe_sdk", "true"),
        ])
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn intent_first_creates_the_intent_the_browser_confirms() {
    let shop = Shop::start().await;
    let intent = shop
        .post(
            "/api/create-intent",
            json!({"cart": cart("hoodie", 1), "flow": "intent-first"}),
        )
        .await;
    assert_eq!(intent.status, StatusCode::OK, "{}", intent.body);
    assert_eq!(intent.body["quote"]["total"], 5500);
    let order_id = intent.body["order_id"].as_str().unwrap();
    assert_eq!(
        intent.body["return_url"],
        format!("{}/orders/{order_id}", shop.url)
    );
    let secret = intent.body["client_secret"].as_str().unwrap();
    let (status, confirmed) = confirm_in_browser(&shop, secret, "4242424242424242").await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    assert_eq!(confirmed["status"], "succeeded");
    let order = shop.until_paid(order_id).await;
    assert_eq!(order["flow"], "intent-first");
    shop.stop().await;
}

#[tokio::test]
async fn deferred_client_confirmation_retries_on_the_same_order() {
    let shop = Shop::start().await;
    let body = json!({"cart": cart("mug", 2), "flow": "deferred-client"});
    let first = shop.post("/api/create-intent", body).await;
    let order_id = first.body["order_id"].as_str().unwrap().to_owned();
    let secret = first.body["client_secret"].as_str().unwrap().to_owned();
    let (status, declined) = confirm_in_browser(&shop, &secret, "4000000000000002").await;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED, "{declined}");
    assert_eq!(shop.order(&order_id).await["status"], "pending");

    // Pay again: the page sends its order, the shop hands back the same intent.
    let again = shop
        .post(
            "/api/create-intent",
            json!({"cart": cart("mug", 2), "flow": "deferred-client", "orderId": order_id}),
        )
        .await;
    assert_eq!(again.body["order_id"], order_id.as_str());
    assert_eq!(again.body["client_secret"], secret.as_str());
    let (_, paid) = confirm_in_browser(&shop, &secret, "4242424242424242").await;
    assert_eq!(paid["status"], "succeeded", "{paid}");
    let order = shop.until_paid(&order_id).await;
    assert_eq!(order["amount"], 2400);

    let unknown = shop
        .post(
            "/api/create-intent",
            json!({"cart": cart("mug", 1), "flow": "telepathy"}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    shop.stop().await;
}

#[tokio::test]
async fn two_step_reviews_the_card_before_confirming_on_the_server() {
    let shop = Shop::start().await;
    let token = shop.token("4242424242424242").await;
    let review = shop
        .post(
            "/api/review",
            json!({"confirmationTokenId": token, "cart": cart("tee", 1)}),
        )
        .await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    assert_eq!(review.body["card"]["brand"], "visa");
    assert_eq!(review.body["card"]["last4"], "4242");
    assert_eq!(review.body["quote"]["total"], 2500);
    assert!(review.body["refusal"].is_null());
    assert!(
        shop.payment_intents().await.is_empty(),
        "reviewing charges nothing"
    );

    let confirmed = shop
        .post(
            "/create-confirm-intent",
            json!({"confirmationTokenId": token, "cart": cart("tee", 1), "flow": "two-step"}),
        )
        .await;
    assert_eq!(confirmed.body["status"], "succeeded", "{}", confirmed.body);
    let order = shop
        .until_paid(confirmed.body["order_id"].as_str().unwrap())
        .await;
    assert_eq!(order["flow"], "two-step");

    // The review already says when the shop's rules will refuse the card.
    let prepaid = shop.token("5105105105105100").await;
    let review = shop
        .post(
            "/api/review",
            json!({"confirmationTokenId": prepaid, "cart": cart("tee", 1)}),
        )
        .await;
    assert_eq!(review.body["card"]["funding"], "prepaid");
    assert!(review.body["refusal"].as_str().unwrap().contains("prepaid"));
    shop.stop().await;
}

#[tokio::test]
async fn a_saved_card_is_charged_later_off_session() {
    let shop = Shop::start().await;
    // A card that wants 3D Secure once, when it is saved; later payments are exempt.
    let token = shop.token_for("4000002500003155", "setup").await;
    let saved = shop
        .post(
            "/create-confirm-setup",
            json!({"confirmationTokenId": token, "email": "jenny@example.com"}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.body["status"], "requires_action");
    let secret = saved.body["client_secret"].as_str().unwrap();
    assert!(secret.starts_with("seti_"));
    let card_id = saved.body["saved_card_id"].as_str().unwrap();

    // Charging before the card is saved is refused.
    let early = shop
        .post(
            &format!("/api/saved-cards/{card_id}/charge"),
            cart("mug", 1),
        )
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.body);

    let id = secret.split("_secret_").next().unwrap();
    let intent = shop.api_get(&format!("/v1/setup_intents/{id}")).await;
    let url = intent["next_action"]["use_stripe_sdk"]["stripe_js"]
        .as_str()
        .unwrap_or_else(|| panic!("{intent}"));
    let (path, _) = url.split_once('?').unwrap();
    let done = shop
        .http
        .post(format!("{path}/complete"))
        .form(&[("client_secret", secret), ("result", "complete")])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::OK);

    let charged = shop
        .post(
            &format!("/api/saved-cards/{card_id}/charge"),
            cart("mug", 1),
        )
        .await;
    assert_eq!(charged.status, StatusCode::OK, "{}", charged.body);
    assert_eq!(charged.body["status"], "succeeded");
    let order = shop
        .until_paid(charged.body["order_id"].as_str().unwrap())
        .await;
    assert_eq!(order["flow"], "saved-card");
    let intent = shop
        .api_get(&format!(
            "/v1/payment_intents/{}",
            order["payment_intent"].as_str().unwrap()
        ))
        .await;
    assert!(intent["customer"].as_str().unwrap().starts_with("cus_"));

    // The shop's rules apply to saved cards too.
    let prepaid = shop.token_for("5105105105105100", "setup").await;
    let refused = shop
        .post(
            "/create-confirm-setup",
            json!({"confirmationTokenId": prepaid}),
        )
        .await;
    assert_eq!(refused.body["error"]["code"], "prepaid_card_refused");
    shop.stop().await;
}

#[tokio::test]
async fn the_pages_load_stripe_js_from_the_configured_url() {
    let shop = Shop::start().await;
    for path in [
        "/",
        "/checkout",
        "/two-step",
        "/two-step/review",
        "/deferred-client",
        "/intent-first",
        "/save-card",
    ] {
        let page = shop
            .http
            .get(format!("{}{path}", shop.url))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        let html = page.text().await.unwrap();
        assert!(!html.contains("{{"), "{path}");
        assert!(html.contains(PUBLISHABLE_KEY), "{path}");
    }
    let checkout = shop
        .http
        .get(format!("{}/checkout", shop.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(checkout.contains(&format!(r#"<script src="{}/v3/"></script>"#, shop.tender)));
    let script = shop
        .http
        .get(format!("{}/static/checkout.js", shop.url))
        .send()
        .await
        .unwrap();
    assert_eq!(
        script.headers()["content-type"],
        "application/javascript; charset=utf-8"
    );
    assert!(
        script
            .text()
            .await
            .unwrap()
            .contains("createConfirmationToken")
    );
    let missing = shop
        .http
        .get(format!("{}/api/orders/ord_nope", shop.url))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    shop.stop().await;
}

#[tokio::test]
async fn an_order_page_exists_only_for_an_order_of_the_shop() {
    let shop = Shop::start().await;
    let token = shop.token("4242424242424242").await;
    let paid = shop.pay(&token, cart("mug", 1), None).await;
    let order_id = paid.body["order_id"].as_str().unwrap();
    let page = |path: String| {
        let request = shop.http.get(format!("{}{path}", shop.url));
        async move {
            let response = request.send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };

    let (status, html) = page(format!("/orders/{order_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Your order</h1>"), "{html}");
    assert!(html.contains(PUBLISHABLE_KEY));

    // Not an empty page that waits forever for an order that will never come.
    for missing in ["/orders/ord_nope", "/orders/", "/no-such-page"] {
        let (status, html) = page(missing.to_owned()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
        assert!(html.contains("<h1>Not found</h1>"), "{missing}: {html}");
        assert!(html.contains(r#"<a href="/" id="home">Back to the shop</a>"#));
    }
    shop.stop().await;
}
