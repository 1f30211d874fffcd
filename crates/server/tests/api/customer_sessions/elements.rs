//! What a CustomerSession's client secret opens (`/v1/elements/customer_session`): one
//! customer's redisplayable cards, removing one of them, and a saved card paying again; never
//! another customer's cards, nor anything after the session expires.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::{ELEMENTS, FEATURES, browse, customer, id, listed, saved_card, session};
use crate::helpers::{PUBLISHABLE_KEY, TestApp};

#[tokio::test]
async fn a_session_shows_only_its_customers_redisplayable_cards() {
    let app = TestApp::spawn_without_webhooks().await;
    let (alice, bob) = (customer(&app).await, customer(&app).await);
    let kept = saved_card(&app, &alice, "always", "4242424242424242").await;
    let _unspecified = saved_card(&app, &alice, "unspecified", "5555555555554444").await;
    let bobs = saved_card(&app, &bob, "always", "6011111111111117").await;
    let (for_alice, for_bob) = (
        session(&app, &alice, FEATURES).await,
        session(&app, &bob, FEATURES).await,
    );

    let seen = browse(&app, &for_alice).await;
    assert_eq!(listed(&seen), [kept]);
    let card = &seen.body["payment_methods"][0];
    assert_eq!(card["card"]["last4"], "4242");
    assert_eq!(card["card"]["brand"], "visa");
    assert_eq!(card["card"]["exp_month"], 12);
    assert_eq!(card["card"]["exp_year"], 2034);
    let text = seen.body.to_string();
    for secret in [
        alice.as_str(),
        bobs.as_str(),
        "fingerprint",
        "example.com",
        "4444",
        "1117",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert_eq!(seen.body["features"]["payment_method_save"], "enabled");
    assert_eq!(
        listed(&browse(&app, &for_bob).await),
        std::slice::from_ref(&bobs)
    );

    // The filters can show the unspecified card too; without redisplay, nothing shows.
    let all = session(
        &app,
        &alice,
        &format!(
            "{FEATURES}&components[payment_element][features][payment_method_allow_redisplay_filters][]=always\
             &components[payment_element][features][payment_method_allow_redisplay_filters][]=unspecified"
        ),
    )
    .await;
    assert_eq!(listed(&browse(&app, &all).await).len(), 2);
    let hidden = session(&app, &alice, "components[payment_element][enabled]=true").await;
    assert_eq!(listed(&browse(&app, &hidden).await), Vec::<String>::new());

    // Wrong, missing, altered or non-Payment-Element secrets open nothing.
    let table = session(&app, &alice, "components[pricing_table][enabled]=true").await;
    let mut altered = for_alice.clone();
    altered.pop();
    altered.push('_');
    for bad in [
        "customer_session_client_secret=cuss_secret_nope".to_owned(),
        format!("customer_session_client_secret={altered}"),
        format!("customer_session_client_secret={table}"),
        format!("customer_session_client_secret={}", &alice),
    ] {
        let refused = app
            .call_as(PUBLISHABLE_KEY, Method::GET, ELEMENTS, &bad, &[])
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(
            refused.error("param"),
            Some("customer_session_client_secret"),
            "{bad}"
        );
    }
    let missing = app
        .call_as(PUBLISHABLE_KEY, Method::GET, ELEMENTS, "", &[])
        .await;
    assert_eq!(missing.error("code"), Some("parameter_missing"));

    // Thirty minutes later the session is refused.
    let moved = app
        .post("/v1/test_helpers/tender_clock/advance", "seconds=1800")
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    let expired = browse(&app, &for_alice).await;
    assert_eq!(
        expired.status,
        StatusCode::BAD_REQUEST,
        "{:?}",
        expired.body
    );
    assert!(
        expired.error("message").unwrap().contains("expired"),
        "{:?}",
        expired.body
    );
    app.stop().await;
}

#[tokio::test]
async fn a_session_removes_only_its_customers_cards() {
    let app = TestApp::spawn_without_webhooks().await;
    let (alice, bob) = (customer(&app).await, customer(&app).await);
    let hers = saved_card(&app, &alice, "always", "4242424242424242").await;
    let his = saved_card(&app, &bob, "always", "4242424242424242").await;
    let for_alice = session(&app, &alice, FEATURES).await;
    let remove = |pm: String, secret: String| {
        let app = &app;
        async move {
            app.call_as(
                PUBLISHABLE_KEY,
                Method::POST,
                &format!("{ELEMENTS}/payment_methods/{pm}/detach"),
                &format!("customer_session_client_secret={secret}"),
                &[],
            )
            .await
        }
    };
    // Bob's card, a test id, nonsense: as if they did not exist.
    for other in [his.clone(), "pm_card_visa".into(), "cus_x".into()] {
        let refused = remove(other.clone(), for_alice.clone()).await;
        assert_eq!(
            refused.status,
            StatusCode::NOT_FOUND,
            "{other}: {:?}",
            refused.body
        );
        assert_eq!(refused.error("code"), Some("resource_missing"));
    }
    let still = app.get(&format!("/v1/payment_methods/{his}"), "").await;
    assert_eq!(still.body["customer"], bob.as_str());
    // Without the feature, nothing is removed.
    let plain = session(
        &app,
        &alice,
        "components[payment_element][enabled]=true\
         &components[payment_element][features][payment_method_redisplay]=enabled",
    )
    .await;
    let refused = remove(hers.clone(), plain).await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "{:?}",
        refused.body
    );
    // With it, Alice's card is detached.
    let removed = remove(hers.clone(), for_alice.clone()).await;
    assert_eq!(removed.status, StatusCode::OK, "{:?}", removed.body);
    assert_eq!(removed.body["id"], hers.as_str());
    assert_eq!(removed.body.get("customer"), None);
    let read = app.get(&format!("/v1/payment_methods/{hers}"), "").await;
    assert_eq!(read.body["customer"], Value::Null);
    assert_eq!(
        listed(&browse(&app, &for_alice).await),
        Vec::<String>::new()
    );
    let again = remove(hers.clone(), for_alice).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "{:?}", again.body);
    app.stop().await;
}

#[tokio::test]
async fn a_card_saved_at_checkout_is_shown_next_time_and_pays() {
    let app = TestApp::spawn_without_webhooks().await;
    let cus = customer(&app).await;
    let pk = |path: &'static str, form: String| {
        let app = &app;
        async move {
            app.call_as(PUBLISHABLE_KEY, Method::POST, path, &form, &[])
                .await
        }
    };
    // The Payment Element with "save" checked: allow_redisplay and setup_future_usage.
    let token = pk(
        "/v1/confirmation_tokens",
        "payment_method_data[type]=card&payment_method_data[card][number]=4242424242424242\
         &payment_method_data[card][exp_month]=12&payment_method_data[card][exp_year]=2034\
         &payment_method_data[allow_redisplay]=always&setup_future_usage=off_session"
            .into(),
    )
    .await;
    let paid = app
        .post(
            "/v1/payment_intents",
            &format!(
                "amount=1000&currency=usd&customer={cus}&confirm=true\
                 &automatic_payment_methods[enabled]=true&confirmation_token={}",
                id(&token)
            ),
        )
        .await;
    assert_eq!(paid.body["status"], "succeeded", "{:?}", paid.body);
    assert_eq!(paid.body["setup_future_usage"], "off_session");
    let pm = paid.body["payment_method"].as_str().unwrap().to_owned();
    let saved = app.get(&format!("/v1/payment_methods/{pm}"), "").await;
    assert_eq!(saved.body["allow_redisplay"], "always");
    assert_eq!(saved.body["customer"], cus.as_str());

    // Next visit: the card is listed, and a token made from it pays.
    let secret = session(&app, &cus, FEATURES).await;
    assert_eq!(
        listed(&browse(&app, &secret).await),
        std::slice::from_ref(&pm)
    );
    // Without the customer's session the browser cannot name the card (nor read its
    // preview): it is missing, as any object the key may not read.
    let unopened = pk("/v1/confirmation_tokens", format!("payment_method={pm}")).await;
    assert_eq!(
        unopened.status,
        StatusCode::BAD_REQUEST,
        "{:?}",
        unopened.body
    );
    assert_eq!(unopened.error("code"), Some("resource_missing"));
    assert_eq!(unopened.error("param"), Some("payment_method"));
    assert_eq!(
        unopened.error("message"),
        Some(format!("No such payment_method: '{pm}'").as_str())
    );
    let again = pk(
        "/v1/confirmation_tokens",
        format!("payment_method={pm}&customer_session_client_secret={secret}"),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{:?}", again.body);
    assert_eq!(
        again.body["payment_method_preview"]["card"]["last4"],
        "4242"
    );
    let repaid = app
        .post(
            "/v1/payment_intents",
            &format!(
                "amount=2000&currency=usd&customer={cus}&confirm=true\
                 &automatic_payment_methods[enabled]=true&confirmation_token={}",
                id(&again)
            ),
        )
        .await;
    assert_eq!(repaid.body["status"], "succeeded", "{:?}", repaid.body);
    assert_eq!(repaid.body["payment_method"], pm.as_str());
    // Someone else's order cannot use it: the card belongs to its customer.
    let other = customer(&app).await;
    let others_session = session(&app, &other, FEATURES).await;
    let borrowed = pk(
        "/v1/confirmation_tokens",
        format!("payment_method={pm}&customer_session_client_secret={others_session}"),
    )
    .await;
    assert_eq!(
        borrowed.status,
        StatusCode::BAD_REQUEST,
        "{:?}",
        borrowed.body
    );
    assert_eq!(borrowed.error("code"), Some("resource_missing"));
    let forged = pk(
        "/v1/confirmation_tokens",
        format!("payment_method={pm}&customer_session_client_secret=cuss_secret_nope"),
    )
    .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST, "{:?}", forged.body);
    assert_eq!(
        forged.error("param"),
        Some("customer_session_client_secret")
    );
    // The server (the secret key's test helper) may name any of its cards; the card still
    // pays only for its own customer.
    let stolen = app
        .post(
            "/v1/test_helpers/confirmation_tokens",
            &format!("payment_method={pm}"),
        )
        .await;
    assert_eq!(stolen.status, StatusCode::OK, "{:?}", stolen.body);
    let refused = app
        .post(
            "/v1/payment_intents",
            &format!(
                "amount=2000&currency=usd&customer={other}&confirm=true\
                 &automatic_payment_methods[enabled]=true&confirmation_token={}",
                id(&stolen)
            ),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "{:?}",
        refused.body
    );
    assert_eq!(refused.error("param"), Some("payment_method"));
    app.stop().await;
}
