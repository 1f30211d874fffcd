//! `/v1/tokens` end to end: card Tokens created with the publishable key, read with the
//! secret key, redeemed once as `card[token]` (PaymentMethods, ConfirmationTokens).

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{PUBLISHABLE_KEY, TestApp};

const CARD: &str = "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&\
                    card[cvc]=123&card[name]=Jenny+Rosen&card[address_zip]=94111";

async fn tokenize(app: &TestApp, form: &str) -> crate::helpers::Answer {
    app.call_as(PUBLISHABLE_KEY, Method::POST, "/v1/tokens", form, &[])
        .await
}

/// A fresh token of [`CARD`], by its id.
async fn token_id(app: &TestApp) -> String {
    let created = tokenize(app, CARD).await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

/// A ConfirmationToken made in the browser from a card token.
async fn ctoken_from(app: &TestApp, token: &str) -> crate::helpers::Answer {
    app.call_as(
        PUBLISHABLE_KEY,
        Method::POST,
        "/v1/confirmation_tokens",
        &format!("payment_method_data[type]=card&payment_method_data[card][token]={token}"),
        &[],
    )
    .await
}

#[tokio::test]
async fn a_card_token_is_created_with_the_publishable_key_and_read_with_the_secret_key() {
    let app = TestApp::spawn().await;
    let created = tokenize(
        &app,
        &format!("{CARD}&payment_user_agent=tender.js%2Fv3&guid=x"),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("tok_"), "{id}");
    assert_eq!(created.body["object"], "token");
    assert_eq!(created.body["type"], "card");
    assert_eq!(created.body["used"], false);
    assert_eq!(created.body["livemode"], false);
    assert_eq!(created.body["client_ip"], Value::Null);
    let card = &created.body["card"];
    assert!(card["id"].as_str().unwrap().starts_with("card_"));
    assert_eq!(card["object"], "card");
    assert_eq!(card["brand"], "Visa");
    assert_eq!(card["last4"], "4242");
    assert_eq!(card["cvc_check"], "pass");
    assert_eq!(card["address_zip_check"], "pass");
    assert_eq!(card["name"], "Jenny Rosen");
    assert!(
        card.get("fingerprint").is_none(),
        "a publishable key never reads it"
    );
    assert!(!created.body.to_string().contains("4242424242424242"));

    let read = app.get(&format!("/v1/tokens/{id}"), "").await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body["card"]["fingerprint"].as_str().unwrap().len(), 16);
    assert_eq!(read.body["created"], created.body["created"]);

    let by_browser = app
        .call_as(
            PUBLISHABLE_KEY,
            Method::GET,
            &format!("/v1/tokens/{id}"),
            "",
            &[],
        )
        .await;
    assert_eq!(by_browser.status, StatusCode::UNAUTHORIZED);
    let missing = app.get("/v1/tokens/tok_nope", "").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error("code"), Some("resource_missing"));
    assert_eq!(missing.error("param"), Some("token"));
    app.stop().await;
}

#[tokio::test]
async fn card_errors_are_raised_at_tokenisation() {
    let app = TestApp::spawn().await;
    let bad = tokenize(
        &app,
        "card[number]=4242424242424241&card[exp_month]=12&card[exp_year]=2034",
    )
    .await;
    assert_eq!(bad.status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(bad.error("code"), Some("incorrect_number"));
    let missing = tokenize(&app, "card[number]=4242424242424242&card[exp_year]=2034").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.error("param"), Some("card[exp_month]"));
    let bank = tokenize(&app, "bank_account[account_number]=000123456789").await;
    assert_eq!(bank.status, StatusCode::BAD_REQUEST);
    assert_eq!(bank.error("param"), Some("bank_account"));
    app.stop().await;
}

#[tokio::test]
async fn a_token_is_redeemed_once_into_a_payment_method_that_pays() {
    let app = TestApp::spawn().await;
    let token = token_id(&app).await;
    let pm = app
        .post(
            "/v1/payment_methods",
            &format!("type=card&card[token]={token}&metadata[order]=7"),
        )
        .await;
    assert_eq!(pm.status, StatusCode::OK, "{:?}", pm.body);
    assert!(pm.body["id"].as_str().unwrap().starts_with("pm_"));
    assert_eq!(pm.body["card"]["last4"], "4242");
    assert_eq!(pm.body["card"]["checks"]["cvc_check"], "pass");
    assert_eq!(pm.body["billing_details"]["name"], "Jenny Rosen");
    assert_eq!(
        pm.body["billing_details"]["address"]["postal_code"],
        "94111"
    );
    assert_eq!(pm.body["metadata"]["order"], "7");
    let used = app.get(&format!("/v1/tokens/{token}"), "").await;
    assert_eq!(used.body["used"], true);

    let again = app
        .post(
            "/v1/payment_methods",
            &format!("type=card&card[token]={token}"),
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.error("code"), Some("token_already_used"));
    assert_eq!(again.error("param"), Some("card[token]"));
    assert_eq!(
        again.error("message"),
        Some(format!("You cannot use a Stripe token more than once: {token}.").as_str())
    );

    let pi = app
        .post(
            "/v1/payment_intents",
            &format!(
                "amount=1500&currency=usd&payment_method_types[]=card&confirm=true&\
                 payment_method={}",
                pm.body["id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(pi.body["status"], "succeeded", "{:?}", pi.body);

    let unknown = app
        .post("/v1/payment_methods", "type=card&card[token]=tok_nope")
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.error("code"), Some("resource_missing"));
    assert_eq!(unknown.error("param"), Some("card[token]"));
    app.stop().await;
}

#[tokio::test]
async fn test_tokens_work_everywhere_and_stored_tokens_are_redeemed_once() {
    let app = TestApp::spawn().await;
    // Stripe's test tokens need no lookup: in an intent's payment_method_data too.
    let pi = app
        .post(
            "/v1/payment_intents",
            "amount=1500&currency=usd&payment_method_types[]=card&confirm=true&\
             payment_method_data[type]=card&payment_method_data[card][token]=tok_visa",
        )
        .await;
    assert_eq!(pi.body["status"], "succeeded", "{:?}", pi.body);

    // A stored token in a ConfirmationToken (the browser's way), which then confirms.
    let token = token_id(&app).await;
    let ctoken = ctoken_from(&app, &token).await;
    assert_eq!(ctoken.status, StatusCode::OK, "{:?}", ctoken.body);
    assert_eq!(
        ctoken.body["payment_method_preview"]["card"]["last4"],
        "4242"
    );
    let paid = app
        .post(
            "/v1/payment_intents",
            &format!(
                "amount=1500&currency=usd&confirm=true&confirmation_token={}",
                ctoken.body["id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(paid.body["status"], "succeeded", "{:?}", paid.body);
    let reuse = ctoken_from(&app, &token).await;
    assert_eq!(reuse.error("code"), Some("token_already_used"));
    assert_eq!(
        reuse.error("param"),
        Some("payment_method_data[card][token]")
    );

    // Inside an intent's payment_method_data a stored token is redeemed by the
    // confirmation, in the same unit of work; a second use is refused.
    let fresh = token_id(&app).await;
    let confirm = format!(
        "amount=1500&currency=usd&payment_method_types[]=card&confirm=true&\
         payment_method_data[type]=card&payment_method_data[card][token]={fresh}"
    );
    let paid = app.post("/v1/payment_intents", &confirm).await;
    assert_eq!(paid.body["status"], "succeeded", "{:?}", paid.body);
    assert_eq!(
        app.get(&format!("/v1/tokens/{fresh}"), "").await.body["used"],
        true
    );
    let again = app.post("/v1/payment_intents", &confirm).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.error("code"), Some("token_already_used"));
    assert_eq!(
        again.error("param"),
        Some("payment_method_data[card][token]")
    );
    app.stop().await;
}

#[tokio::test]
async fn two_redemptions_at_once_mint_one_payment_method() {
    let app = TestApp::spawn().await;
    let token = token_id(&app).await;
    let form = format!("type=card&card[token]={token}");
    let (a, b) = tokio::join!(
        app.post("/v1/payment_methods", &form),
        app.post("/v1/payment_methods", &form)
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 400], "{:?} {:?}", a.body, b.body);
    let refused = if a.status == StatusCode::OK { &b } else { &a };
    assert_eq!(refused.error("code"), Some("token_already_used"));
    app.stop().await;
}
