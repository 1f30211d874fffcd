//! Sign-in, sessions, CSRF, isolation between accounts, escaping, and a payment's timeline
//! and refund through the dashboard.

use std::time::Duration;

use reqwest::StatusCode;

use super::Browser;
use super::browser::session_cookie;
use crate::helpers::{PUBLISHABLE_KEY, SECRET_KEY, TestApp};

const CONFIRMED: &str = "amount=2000&currency=usd&confirm=true&payment_method=pm_card_visa\
                         &payment_method_types[]=card\
                         &description=Order%2042";

async fn paid_intent(app: &TestApp) -> String {
    let pi = app.post("/v1/payment_intents", CONFIRMED).await;
    assert_eq!(pi.status, StatusCode::OK, "{:?}", pi.body);
    assert_eq!(pi.body["status"], "succeeded");
    pi.body["id"].as_str().expect("id").to_owned()
}

/// Request logs are written in the background: waits until `path`'s page mentions `text`.
async fn eventually_contains(browser: &Browser, path: &str, text: &str) -> String {
    for _ in 0..100 {
        let page = browser.get(path).await;
        if page.body.contains(text) {
            return page.body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{path} never showed {text}");
}

#[tokio::test]
async fn sign_in_sets_a_strict_http_only_session_cookie() {
    let app = TestApp::spawn().await;
    let mut browser = Browser::new(&app);
    // Not signed in: every page sends to the sign-in form.
    let page = browser.get("/dashboard/payments").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/dashboard/sign_in");
    let form = browser.get("/dashboard/sign_in").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("<label for=\"secret_key\">"));

    // Neither a wrong key nor the publishable key signs in.
    for key in ["sk_test_nope", PUBLISHABLE_KEY] {
        let refused = browser.sign_in(key).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{key}");
        assert_eq!(session_cookie(&refused), None);
    }
    let signed = browser.sign_in(SECRET_KEY).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    assert_eq!(signed.location(), "/dashboard/payments");
    let cookie = signed.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("tender_dashboard="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Path=/dashboard"), "{cookie}");

    let payments = browser.get("/dashboard/payments").await;
    assert_eq!(payments.status, StatusCode::OK);
    let csp = payments.headers["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );

    // Signing out needs the token too, and ends the session.
    let refused = browser.post("/dashboard/sign_out", "csrf=wrong").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let out = browser
        .post("/dashboard/sign_out", &format!("csrf={}", payments.csrf()))
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        browser.get("/dashboard/payments").await.status,
        StatusCode::SEE_OTHER
    );
    app.stop().await;
}

#[tokio::test]
async fn the_front_page_links_the_dashboard_the_sdk_and_the_api() {
    let app = TestApp::spawn().await;
    let page = Browser::new(&app).get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    for link in ["href=\"/dashboard\"", "href=\"/v3/\"", "/v1/"] {
        assert!(page.body.contains(link), "{link}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_one_time_link_signs_in_once() {
    let app = TestApp::spawn().await;
    let server = app.server.as_ref().expect("server");
    let link = server.dashboard_sign_in_path(&server.account.id);
    let browser = Browser::new(&app);
    let first = browser.get(&link).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert!(
        first.headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("HttpOnly")
    );
    let again = browser.get(&link).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    assert_eq!(session_cookie(&again), None);
    app.stop().await;
}

#[tokio::test]
async fn a_payment_page_shows_its_timeline_and_refunds_with_the_csrf_token_only() {
    let app = TestApp::spawn().await;
    let pi = paid_intent(&app).await;
    let browser = Browser::signed_in(&app, SECRET_KEY).await;

    let list = browser.get("/dashboard/payments").await;
    assert!(list.body.contains(&format!("/dashboard/payments/{pi}")));
    assert!(list.body.contains("$20.00"));
    assert!(list.body.contains("visa •••• 4242"));
    let filtered = browser.get("/dashboard/payments?status=canceled").await;
    assert!(!filtered.body.contains(&pi));

    let path = format!("/dashboard/payments/{pi}");
    // The request that created it (logged in the background), its charge and events.
    let body = eventually_contains(&browser, &path, "POST /v1/payment_intents").await;
    assert!(
        body.contains("payment_intent.succeeded"),
        "events on the timeline"
    );
    assert!(body.contains("charge.succeeded"));
    assert!(body.contains("Charge attempt"));
    assert!(body.contains("Order 42"));
    let page = browser.get(&path).await;

    // Without the token (or with another), nothing is refunded.
    let refused = browser.post(&format!("{path}/refund"), "amount=500").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = browser
        .post(&format!("{path}/refund"), "amount=500&csrf=forged")
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refunds = app
        .get("/v1/refunds", &format!("payment_intent={pi}"))
        .await;
    assert_eq!(refunds.body["data"].as_array().unwrap().len(), 0);

    // A partial refund through the API's own refund command.
    let done = browser
        .post(
            &format!("{path}/refund"),
            &format!("amount=500&csrf={}", page.csrf()),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), path);
    let refunds = app
        .get("/v1/refunds", &format!("payment_intent={pi}"))
        .await;
    let data = refunds.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 1);
    assert_eq!(data[0]["amount"], 500);
    assert_eq!(data[0]["status"], "succeeded");
    let events = app.get("/v1/events", "type=charge.refunded").await;
    assert_eq!(events.body["data"].as_array().unwrap().len(), 1);
    let after = browser.get(&path).await;
    assert!(
        after.body.contains("Refund "),
        "the refund is on the timeline"
    );
    assert!(after.body.contains("$5.00"));

    // More than is left is refused with the API's own message.
    let too_much = browser
        .post(
            &format!("{path}/refund"),
            &format!("amount=999999&csrf={}", page.csrf()),
        )
        .await;
    assert_eq!(too_much.status, StatusCode::BAD_REQUEST);
    app.stop().await;
}

#[tokio::test]
async fn capture_and_cancel_from_the_dashboard() {
    let app = TestApp::spawn().await;
    let manual = app
        .post(
            "/v1/payment_intents",
            "amount=3000&currency=usd&confirm=true&payment_method=pm_card_visa\
             &payment_method_types[]=card&capture_method=manual",
        )
        .await;
    let manual = manual.body["id"].as_str().unwrap().to_owned();
    let open = app
        .post("/v1/payment_intents", "amount=100&currency=jpy")
        .await;
    let open = open.body["id"].as_str().unwrap().to_owned();
    let browser = Browser::signed_in(&app, SECRET_KEY).await;

    let page = browser.get(&format!("/dashboard/payments/{manual}")).await;
    assert!(page.body.contains("/capture"));
    let captured = browser
        .post(
            &format!("/dashboard/payments/{manual}/capture"),
            &format!("amount_to_capture=2000&csrf={}", page.csrf()),
        )
        .await;
    assert_eq!(captured.status, StatusCode::SEE_OTHER, "{}", captured.body);
    let pi = app.get(&format!("/v1/payment_intents/{manual}"), "").await;
    assert_eq!(pi.body["status"], "succeeded");
    assert_eq!(pi.body["amount_received"], 2000);

    let page = browser.get(&format!("/dashboard/payments/{open}")).await;
    // A zero-decimal currency is shown in whole units.
    assert!(page.body.contains("¥100"), "amount in yen");
    let canceled = browser
        .post(
            &format!("/dashboard/payments/{open}/cancel"),
            &format!("csrf={}", page.csrf()),
        )
        .await;
    assert_eq!(canceled.status, StatusCode::SEE_OTHER, "{}", canceled.body);
    let pi = app.get(&format!("/v1/payment_intents/{open}"), "").await;
    assert_eq!(pi.body["status"], "canceled");
    app.stop().await;
}

#[tokio::test]
async fn a_session_sees_nothing_of_another_account() {
    let app = TestApp::spawn().await;
    let pi = paid_intent(&app).await;
    let customer = app.post("/v1/customers", "email=a%40example.com").await;
    let customer = customer.body["id"].as_str().unwrap().to_owned();
    let event = app.get("/v1/events", "limit=1").await;
    let event = event.body["data"][0]["id"].as_str().unwrap().to_owned();
    let request_id = app
        .get(&format!("/v1/payment_intents/{pi}"), "")
        .await
        .header("request-id")
        .unwrap()
        .to_owned();
    // Our own session finds the request, so the other's not finding it means something.
    let own = Browser::signed_in(&app, SECRET_KEY).await;
    eventually_contains(&own, &format!("/dashboard/logs/{request_id}"), &request_id).await;

    let other = app.other_account().await;
    let browser = Browser::signed_in(&app, &other.secret_key).await;
    for list in [
        "/dashboard/payments",
        "/dashboard/customers",
        "/dashboard/events",
        "/dashboard/logs",
        "/dashboard/webhooks",
    ] {
        let page = browser.get(list).await;
        assert_eq!(page.status, StatusCode::OK, "{list}");
        for id in [&pi, &customer, &event, &request_id] {
            assert!(!page.body.contains(id.as_str()), "{list} shows {id}");
        }
    }
    for detail in [
        format!("/dashboard/payments/{pi}"),
        format!("/dashboard/customers/{customer}"),
        format!("/dashboard/events/{event}"),
        format!("/dashboard/logs/{request_id}"),
        format!("/dashboard/logs?request_id={request_id}"),
    ] {
        let page = browser.get(&detail).await;
        assert!(!page.body.contains("Order 42"), "{detail}");
        if !detail.contains('?') {
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{detail}");
        }
    }
    // Nor can it act on another account's payment.
    let page = browser.get("/dashboard/payments").await;
    let refused = browser
        .post(
            &format!("/dashboard/payments/{pi}/refund"),
            &format!("csrf={}", page.csrf()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
    let refunds = app
        .get("/v1/refunds", &format!("payment_intent={pi}"))
        .await;
    assert_eq!(refunds.body["data"].as_array().unwrap().len(), 0);
    // Its keys are its own.
    let keys = browser.get("/dashboard/developers").await;
    assert!(keys.body.contains(&other.publishable_key));
    assert!(!keys.body.contains(PUBLISHABLE_KEY));
    app.stop().await;
}

#[tokio::test]
async fn attacker_controlled_text_is_escaped_everywhere() {
    let app = TestApp::spawn().await;
    let script = "<script>alert(1)</script>";
    let img = "\"><img src=x onerror=alert(2)>";
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let customer = app
        .post(
            "/v1/customers",
            &format!(
                "name={}&description={}&metadata[{}]={}",
                enc(script),
                enc(img),
                enc(img),
                enc(script)
            ),
        )
        .await;
    let customer = customer.body["id"].as_str().unwrap().to_owned();
    let pi = app
        .post(
            "/v1/payment_intents",
            &format!(
                "amount=1000&currency=usd&confirm=true&payment_method=pm_card_visa\
                 &payment_method_types[]=card&customer={customer}\
                 &description={}&metadata[note]={}",
                enc(script),
                enc(img)
            ),
        )
        .await;
    let pi = pi.body["id"].as_str().unwrap().to_owned();
    // A failed request whose path and parameters carry the payloads too.
    let failed = app
        .get(
            &format!("/v1/customers/{}", enc(script)),
            &format!("q={}", enc(img)),
        )
        .await;
    assert!(failed.status.is_client_error(), "{:?}", failed.body);
    let failed = failed.header("request-id").unwrap().to_owned();
    let browser = Browser::signed_in(&app, SECRET_KEY).await;
    eventually_contains(&browser, "/dashboard/logs", &failed).await;
    let log = browser.get(&format!("/dashboard/logs/{failed}")).await;
    assert!(
        log.body
            .contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"),
        "the parameter, escaped"
    );
    for path in [
        format!("/dashboard/logs/{failed}"),
        "/dashboard/payments".to_owned(),
        format!("/dashboard/payments/{pi}"),
        "/dashboard/customers".to_owned(),
        format!("/dashboard/customers/{customer}"),
        "/dashboard/events".to_owned(),
        "/dashboard/logs".to_owned(),
    ] {
        let page = browser.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.body.contains(script), "{path} has a raw <script>");
        assert!(!page.body.contains("<img"), "{path} has a raw <img>");
        assert!(
            !page.body.contains("4242424242424242"),
            "{path} shows a card number"
        );
    }
    let detail = browser.get(&format!("/dashboard/payments/{pi}")).await;
    assert!(
        detail
            .body
            .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(
        detail
            .body
            .contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;")
    );
    app.stop().await;
}

#[tokio::test]
async fn webhook_endpoints_are_disabled_deleted_and_their_secret_revealed() {
    let app = TestApp::spawn_without_webhooks().await;
    let created = app
        .post(
            "/v1/webhook_endpoints",
            "url=https%3A%2F%2Fexample.com%2Fhook&enabled_events[]=*",
        )
        .await;
    let id = created.body["id"].as_str().unwrap().to_owned();
    let secret = created.body["secret"].as_str().unwrap().to_owned();
    let browser = Browser::signed_in(&app, SECRET_KEY).await;
    let path = format!("/dashboard/webhooks/{id}");
    let page = browser.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("https://example.com/hook"));
    assert!(!page.body.contains(&secret), "masked until revealed");
    let refused = browser.post(&format!("{path}/secret"), "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!refused.body.contains(&secret));
    let revealed = browser
        .post(&format!("{path}/secret"), &format!("csrf={}", page.csrf()))
        .await;
    assert!(revealed.body.contains(&secret));

    let disabled = browser
        .post(&format!("{path}/disable"), &format!("csrf={}", page.csrf()))
        .await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER, "{}", disabled.body);
    let endpoint = app.get(&format!("/v1/webhook_endpoints/{id}"), "").await;
    assert_eq!(endpoint.body["status"], "disabled");

    let refused = browser.post(&format!("{path}/delete"), "csrf=nope").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let deleted = browser
        .post(&format!("{path}/delete"), &format!("csrf={}", page.csrf()))
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);
    let gone = app.get(&format!("/v1/webhook_endpoints/{id}"), "").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    app.stop().await;
}
