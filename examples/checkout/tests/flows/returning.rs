//! Returning shoppers on the checkout: the shop's cookie, the CustomerSession it gives the
//! page, a card saved while paying that the next session lists and that pays again, and a
//! forged cookie or another browser that get none of it.

use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};

use crate::harness::{PUBLISHABLE_KEY, Shop, cart};

/// `POST /api/customer-session` with `cookie`: the status, the body, the `Set-Cookie`.
async fn session(shop: &Shop, cookie: Option<&str>) -> (StatusCode, Value, Option<String>) {
    let mut request = shop
        .http
        .post(format!("{}/api/customer-session", shop.url))
        .json(&json!({}));
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    let response = request.send().await.unwrap();
    let set = response
        .headers()
        .get(SET_COOKIE)
        .map(|v| v.to_str().unwrap().to_owned());
    (response.status(), response.json().await.unwrap(), set)
}

/// What the Payment Element reads with the session's client secret.
async fn saved_cards(shop: &Shop, secret: &str) -> Vec<Value> {
    let answer: Value = shop
        .http
        .get(format!("{}/v1/elements/customer_session", shop.tender))
        .query(&[
            ("key", PUBLISHABLE_KEY),
            ("customer_session_client_secret", secret),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["payment_methods"].as_array().unwrap().clone()
}

/// `POST /v1/confirmation_tokens` as the browser sends it, from `form`: the status and body.
async fn make_token(shop: &Shop, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let mut fields = vec![
        ("key", PUBLISHABLE_KEY),
        ("client_context[mode]", "payment"),
    ];
    fields.extend_from_slice(form);
    let response = shop
        .http
        .post(format!("{}/v1/confirmation_tokens", shop.tender))
        .form(&fields)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

/// A ConfirmationToken as the browser makes it, from `form`.
async fn token(shop: &Shop, form: &[(&str, &str)]) -> String {
    let (status, token) = make_token(shop, form).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    token["id"].as_str().unwrap().to_owned()
}

/// `POST /create-confirm-intent` with `cookie`.
async fn pay(shop: &Shop, token: &str, cookie: Option<&str>) -> (StatusCode, Value) {
    let mut request = shop
        .http
        .post(format!("{}/create-confirm-intent", shop.url))
        .json(&json!({"confirmationTokenId": token, "cart": cart("tee", 1)}));
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn a_returning_shopper_pays_with_the_card_saved_last_time() {
    let shop = Shop::start().await;
    let (status, first, set) = session(&shop, None).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let secret = first["customerSessionClientSecret"].as_str().unwrap();
    assert!(secret.starts_with("cuss_secret_"), "{secret}");
    let set = set.expect("a first visit gets the cookie");
    assert!(set.starts_with("shop_shopper=shopper_"), "{set}");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_owned();
    assert!(saved_cards(&shop, secret).await.is_empty());

    // The Payment Element with "Save payment details" ticked.
    let saving = token(
        &shop,
        &[
            ("payment_method_data[type]", "card"),
            ("payment_method_data[card][number]", "4242424242424242"),
            ("payment_method_data[card][exp_month]", "12"),
            ("payment_method_data[card][exp_year]", "2034"),
            ("payment_method_data[card][cvc]", "123"),
            ("payment_method_data[allow_redisplay]", "always"),
            ("setup_future_usage", "off_session"),
        ],
    )
    .await;
    let (status, paid) = pay(&shop, &saving, Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    assert_eq!(paid["status"], "succeeded");

    // Next visit: the same shopper (no new cookie), and the card is listed.
    let (_, second, set) = session(&shop, Some(&cookie)).await;
    assert_eq!(set, None);
    let secret = second["customerSessionClientSecret"].as_str().unwrap();
    let cards = saved_cards(&shop, secret).await;
    assert_eq!(cards.len(), 1, "{cards:?}");
    assert_eq!(cards[0]["card"]["last4"], "4242");
    let pm = cards[0]["id"].as_str().unwrap();
    // The Payment Element names the saved card with the session that listed it.
    let chosen = [
        ("payment_method", pm),
        ("customer_session_client_secret", secret),
    ];
    let (status, again) = pay(&shop, &token(&shop, &chosen).await, Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["status"], "succeeded");

    // Another browser cannot use it: the card is the shopper's Customer's, so neither that
    // browser's own session nor no session at all opens it.
    let (_, stranger, _) = session(&shop, None).await;
    let strangers = stranger["customerSessionClientSecret"].as_str().unwrap();
    for form in [
        vec![("payment_method", pm)],
        vec![
            ("payment_method", pm),
            ("customer_session_client_secret", strangers),
        ],
    ] {
        let (status, refused) = make_token(&shop, &form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
        assert_eq!(refused["error"]["code"], "resource_missing", "{refused}");
        assert_eq!(refused["error"]["param"], "payment_method", "{refused}");
    }
    // A forged cookie is a new shopper, who sees no card.
    let (_, forged, set) = session(&shop, Some("shop_shopper=shopper_forged")).await;
    assert!(set.is_some());
    let secret = forged["customerSessionClientSecret"].as_str().unwrap();
    assert!(saved_cards(&shop, secret).await.is_empty());
}
