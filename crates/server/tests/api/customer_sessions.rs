//! `POST /v1/customer_sessions` and what its client secret opens in the browser
//! (`/v1/elements/customer_session`): one customer's redisplayable cards, and removing one.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{Answer, PUBLISHABLE_KEY, TestApp};

const ELEMENTS: &str = "/v1/elements/customer_session";
const CARD: &str = "type=card&card[number]=4242424242424242&card[exp_month]=12\
                    &card[exp_year]=2034&card[cvc]=123&billing_details[email]=a%40example.com";
const FEATURES: &str = "components[payment_element][enabled]=true\
    &components[payment_element][features][payment_method_redisplay]=enabled\
    &components[payment_element][features][payment_method_save]=enabled\
    &components[payment_element][features][payment_method_remove]=enabled";

fn id(answer: &Answer) -> String {
    assert!(answer.status.is_success(), "{:?}", answer.body);
    answer.body["id"].as_str().unwrap().to_owned()
}

async fn customer(app: &TestApp) -> String {
    id(&app.post("/v1/customers", "name=Jenny").await)
}

/// A card saved to `customer` with `allow_redisplay`, as the browser and the server make it.
async fn saved_card(app: &TestApp, customer: &str, allow: &str, number: &str) -> String {
    let form = CARD.replace("4242424242424242", number);
    let pm = app
        .call_as(
            PUBLISHABLE_KEY,
            Method::POST,
            "/v1/payment_methods",
            &format!("{form}&allow_redisplay={allow}"),
            &[],
        )
        .await;
    let pm = id(&pm);
    let attached = app
        .post(
            &format!("/v1/payment_methods/{pm}/attach"),
            &format!("customer={customer}"),
        )
        .await;
    assert_eq!(attached.status, StatusCode::OK, "{:?}", attached.body);
    pm
}

async fn session(app: &TestApp, customer: &str, features: &str) -> String {
    let made = app
        .post(
            "/v1/customer_sessions",
            &format!("customer={customer}&{features}"),
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{:?}", made.body);
    made.body["client_secret"].as_str().unwrap().to_owned()
}

async fn browse(app: &TestApp, secret: &str) -> Answer {
    app.call_as(
        PUBLISHABLE_KEY,
        Method::GET,
        ELEMENTS,
        &format!("customer_session_client_secret={secret}"),
        &[],
    )
    .await
}

fn listed(answer: &Answer) -> Vec<String> {
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    answer.body["payment_methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pm| pm["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_customer_session_has_stripes_shape() {
    let app = TestApp::spawn_without_webhooks().await;
    let cus = customer(&app).await;
    let made = app
        .post(
            "/v1/customer_sessions",
            &format!(
                "customer={cus}&{FEATURES}\
                 &components[payment_element][features][payment_method_save_usage]=on_session\
                 &components[pricing_table][enabled]=true"
            ),
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{:?}", made.body);
    let body = &made.body;
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "object",
            "client_secret",
            "components",
            "created",
            "customer",
            "customer_account",
            "expires_at",
            "livemode"
        ]
    );
    assert_eq!(body["object"], "customer_session");
    let secret = body["client_secret"].as_str().unwrap();
    assert!(secret.starts_with("cuss_secret_"), "{secret}");
    assert_eq!(secret.len(), "cuss_secret_".len() + 40);
    assert_eq!(body["customer"], cus.as_str());
    assert_eq!(body["customer_account"], Value::Null);
    assert_eq!(
        body["expires_at"].as_i64().unwrap(),
        body["created"].as_i64().unwrap() + 1800
    );
    assert_eq!(body["livemode"], false);
    let components = &body["components"];
    assert_eq!(components["pricing_table"]["enabled"], true);
    assert_eq!(components["buy_button"]["enabled"], false);
    assert_eq!(components["customer_sheet"]["enabled"], false);
    let features = &components["payment_element"]["features"];
    assert_eq!(components["payment_element"]["enabled"], true);
    assert_eq!(features["payment_method_redisplay"], "enabled");
    assert_eq!(features["payment_method_save"], "enabled");
    assert_eq!(features["payment_method_remove"], "enabled");
    assert_eq!(features["payment_method_save_usage"], "on_session");
    assert_eq!(features["payment_method_redisplay_limit"], 3);
    assert_eq!(
        features["payment_method_allow_redisplay_filters"],
        serde_json::json!(["always"])
    );
    // Each session has its own secret.
    assert_ne!(session(&app, &cus, FEATURES).await, secret);
    // `expand[]=customer` shows the customer.
    let expanded = app
        .post(
            "/v1/customer_sessions",
            &format!("customer={cus}&{FEATURES}&expand[]=customer"),
        )
        .await;
    assert_eq!(
        expanded.body["customer"]["name"], "Jenny",
        "{:?}",
        expanded.body
    );
    app.stop().await;
}

#[tokio::test]
async fn bad_requests_are_refused_with_their_param() {
    let app = TestApp::spawn_without_webhooks().await;
    let cus = customer(&app).await;
    let element = "components[payment_element][enabled]=true";
    let cases: Vec<(String, StatusCode, Option<&str>, &str)> = vec![
        (
            element.into(),
            StatusCode::BAD_REQUEST,
            Some("parameter_missing"),
            "customer",
        ),
        (
            format!("customer={cus}"),
            StatusCode::BAD_REQUEST,
            Some("parameter_missing"),
            "components",
        ),
        (
            format!("customer=cus_nope&{element}"),
            StatusCode::BAD_REQUEST,
            Some("resource_missing"),
            "customer",
        ),
        (
            format!("customer={cus}&components[payment_element][enabled]=false"),
            StatusCode::BAD_REQUEST,
            None,
            "components",
        ),
        (
            format!(
                "customer={cus}&{element}&components[payment_element][features][payment_method_remove]=on"
            ),
            StatusCode::BAD_REQUEST,
            None,
            "components[payment_element][features][payment_method_remove]",
        ),
        (
            format!(
                "customer={cus}&{element}&components[payment_element][features][payment_method_redisplay_limit]=0"
            ),
            StatusCode::BAD_REQUEST,
            None,
            "components[payment_element][features][payment_method_redisplay_limit]",
        ),
        (
            format!(
                "customer={cus}&{element}&components[payment_element][features][payment_method_allow_redisplay_filters][]=sometimes"
            ),
            StatusCode::BAD_REQUEST,
            None,
            "components[payment_element][features][payment_method_allow_redisplay_filters]",
        ),
        (
            format!("customer={cus}&{element}&components[customer_portal][enabled]=true"),
            StatusCode::BAD_REQUEST,
            Some("parameter_unknown"),
            "components[customer_portal]",
        ),
    ];
    for (form, status, code, param) in cases {
        let refused = app.post("/v1/customer_sessions", &form).await;
        assert_eq!(refused.status, status, "{form}: {:?}", refused.body);
        assert_eq!(
            refused.error("type"),
            Some("invalid_request_error"),
            "{form}"
        );
        assert_eq!(
            refused.error("param"),
            Some(param),
            "{form}: {:?}",
            refused.body
        );
        if code.is_some() {
            assert_eq!(refused.error("code"), code, "{form}");
        }
    }
    // A deleted customer gets no session.
    let gone = customer(&app).await;
    app.call(Method::DELETE, &format!("/v1/customers/{gone}"), "")
        .await;
    let refused = app
        .post(
            "/v1/customer_sessions",
            &format!("customer={gone}&{element}"),
        )
        .await;
    assert_eq!(refused.error("code"), Some("resource_missing"));
    // Only the secret key makes one.
    let publishable = app
        .call_as(
            PUBLISHABLE_KEY,
            Method::POST,
            "/v1/customer_sessions",
            &format!("customer={cus}&{element}"),
            &[],
        )
        .await;
    assert_eq!(publishable.status, StatusCode::UNAUTHORIZED);
    assert_eq!(publishable.error("code"), Some("secret_key_required"));
    // There is nothing to read back.
    let read = app.get("/v1/customer_sessions", "").await;
    assert_eq!(read.status, StatusCode::NOT_FOUND);
    app.stop().await;
}

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
    let again = pk("/v1/confirmation_tokens", format!("payment_method={pm}")).await;
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
    let stolen = pk("/v1/confirmation_tokens", format!("payment_method={pm}")).await;
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
