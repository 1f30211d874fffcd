//! Webhooks in the dashboard: each delivery in full (the body and `Stripe-Signature` header as
//! sent, the answer, the latency), resending a failed delivery or an event, creating an
//! endpoint from the page, and the sign-in form's own CSRF protection.

use std::time::Duration;

use reqwest::StatusCode;

use super::Browser;
use crate::helpers::{SECRET_KEY, TestApp};
use crate::webhooks::{Receiver, endpoint};

/// Waits until `path` shows `text`.
async fn eventually(browser: &Browser, path: &str, text: &str) -> String {
    for _ in 0..200 {
        let page = browser.get(path).await;
        if page.body.contains(text) {
            return page.body;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{path} never showed {text}");
}

#[tokio::test]
async fn a_failed_delivery_shows_what_was_sent_and_is_resent_after_the_fix() {
    let app = TestApp::spawn().await;
    // The receiver is broken for the three attempts the test schedule makes, then fixed.
    let (receiver, url) = Receiver::start(vec![(500, Duration::ZERO); 3]).await;
    let (endpoint_id, _) = endpoint(&app, &url, &["customer.created"]).await;
    app.post("/v1/customers", "name=Ada").await;
    let events = app.get("/v1/events", "type=customer.created").await;
    let event = events.body["data"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(receiver.wait_for(3).await.len(), 3);
    let browser = Browser::signed_in(&app, SECRET_KEY).await;
    let path = format!("/dashboard/events/{event}");
    let page = eventually(&browser, &path, "data-status=\"failed\"").await;

    // Each attempt shows the header the receiver got, exactly, the body and the answer.
    let signatures = receiver.signatures();
    assert_eq!(signatures.len(), 3);
    for signature in &signatures {
        assert!(page.contains(signature.as_str()), "{signature} not shown");
    }
    assert!(page.contains(&format!("POST {url}")));
    assert!(page.contains("Stripe-Signature"));
    assert!(
        page.contains("&quot;name&quot;:&quot;Ada&quot;"),
        "the body as sent"
    );
    assert!(page.contains("<span class=\"badge bad\">500</span>"));
    assert!(page.contains(" ms</span>"), "latency");
    let endpoint_page = browser
        .get(&format!("/dashboard/webhooks/{endpoint_id}"))
        .await;
    assert!(endpoint_page.body.contains(signatures[0].as_str()));
    assert!(endpoint_page.body.contains("Resend"));

    // A resend needs the token.
    let resend = format!("/dashboard/events/{event}/resend");
    let form = format!("webhook_endpoint={endpoint_id}&back={endpoint_id}");
    let refused = browser.post(&resend, &form).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = browser.post(&resend, &format!("{form}&csrf=forged")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.events().len(), 3, "nothing was resent");

    // With it: delivered to the fixed receiver, back on the endpoint's page.
    let page = browser.get(&path).await;
    let resent = browser
        .post(&resend, &format!("{form}&csrf={}", page.csrf()))
        .await;
    assert_eq!(resent.status, StatusCode::SEE_OTHER, "{}", resent.body);
    assert_eq!(
        resent.location(),
        format!("/dashboard/webhooks/{endpoint_id}")
    );
    let got = receiver.wait_for(4).await;
    assert_eq!(got.len(), 4);
    assert_eq!(got[3]["id"], event.as_str());
    let page = eventually(&browser, &path, "data-status=\"delivered\"").await;
    assert!(page.contains(receiver.signatures()[3].as_str()));

    // The event's own button resends to every subscribed endpoint.
    let all = browser
        .post(
            &resend,
            &format!("csrf={}&back={event}", browser.get(&path).await.csrf()),
        )
        .await;
    assert_eq!(all.status, StatusCode::SEE_OTHER, "{}", all.body);
    assert_eq!(all.location(), path);
    assert_eq!(receiver.wait_for(5).await.len(), 5);
    // An endpoint that does not exist is refused with the API's message.
    let missing = browser
        .post(
            &resend,
            &format!(
                "csrf={}&webhook_endpoint=we_missing",
                page_csrf(&browser, &path).await
            ),
        )
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
    assert!(
        missing
            .body
            .contains("No such webhook endpoint: 'we_missing'")
    );
    app.stop().await;
}

/// Text as maud writes it into a page.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn page_csrf(browser: &Browser, path: &str) -> String {
    browser.get(path).await.csrf()
}

#[tokio::test]
async fn an_endpoint_is_created_from_the_page_and_its_secret_shown_once() {
    let app = TestApp::spawn_without_webhooks().await;
    let browser = Browser::signed_in(&app, SECRET_KEY).await;
    let list = browser.get("/dashboard/webhooks").await;
    assert!(list.body.contains("action=\"/dashboard/webhooks\""));
    let form = "url=https%3A%2F%2Fshop.example%2Fhooks\
                &enabled_events=payment_intent.succeeded%2C+invoice.paid&description=Shop";

    let refused = browser.post("/dashboard/webhooks", form).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let none = app.get("/v1/webhook_endpoints", "").await;
    assert_eq!(none.body["data"].as_array().unwrap().len(), 0);

    // The API's refusal, with its message.
    let bad = browser
        .post(
            "/dashboard/webhooks",
            &format!("url=&enabled_events=*&csrf={}", list.csrf()),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    let api = app
        .post("/v1/webhook_endpoints", "url=&enabled_events[]=*")
        .await;
    assert_eq!(api.status, StatusCode::BAD_REQUEST);
    let message = api.body["error"]["message"].as_str().unwrap();
    assert!(bad.body.contains(&escaped(message)), "{message}");

    let created = browser
        .post(
            "/dashboard/webhooks",
            &format!("{form}&csrf={}", list.csrf()),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let listed = app.get("/v1/webhook_endpoints", "").await;
    let endpoint = &listed.body["data"][0];
    assert_eq!(endpoint["url"], "https://shop.example/hooks");
    assert_eq!(endpoint["description"], "Shop");
    assert_eq!(
        endpoint["enabled_events"],
        serde_json::json!(["payment_intent.succeeded", "invoice.paid"])
    );
    let id = endpoint["id"].as_str().unwrap();
    // The secret is on the answer, and it is the endpoint's: deliveries verify with it.
    let marker = "id=\"new-signing-secret\">";
    let start = created.body.find(marker).expect("the secret") + marker.len();
    let secret = &created.body[start..start + created.body[start..].find('<').unwrap()];
    assert!(secret.starts_with("whsec_"), "{secret}");
    let page = browser.get(&format!("/dashboard/webhooks/{id}")).await;
    assert!(!page.body.contains(secret), "not shown again unasked");
    let revealed = browser
        .post(
            &format!("/dashboard/webhooks/{id}/secret"),
            &format!("csrf={}", page.csrf()),
        )
        .await;
    assert!(revealed.body.contains(secret));
    app.stop().await;
}

#[tokio::test]
async fn the_sign_in_form_refuses_a_post_without_its_own_token_or_from_another_origin() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = format!("{}/dashboard/sign_in", app.base);
    let form = Browser::new(&app).get("/dashboard/sign_in").await;
    let pre_session = form
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("tender_signin="))
        .expect("the pre-session cookie");
    assert!(pre_session.contains("HttpOnly") && pre_session.contains("SameSite=Strict"));
    let cookie = pre_session.split(';').next().unwrap().to_owned();
    let token = form.csrf();
    assert_eq!(cookie, format!("tender_signin={token}"));

    let post = |cookie: Option<String>, body: String, origin: Option<&str>| {
        let mut request = client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.send()
    };
    let key = format!("secret_key={SECRET_KEY}");
    // A cross-site form: no cookie (SameSite), or a token of its own.
    let cases = [
        (None, key.clone(), None),
        (None, format!("{key}&csrf={token}"), None),
        (Some(cookie.clone()), key.clone(), None),
        (Some(cookie.clone()), format!("{key}&csrf=forged"), None),
        (
            Some("tender_signin=forged".to_owned()),
            format!("{key}&csrf=forged0"),
            None,
        ),
        // A page of another origin that wrote the cookie itself.
        (
            Some(cookie.clone()),
            format!("{key}&csrf={token}"),
            Some("http://evil.localhost:9999"),
        ),
        // Or one that hides its origin.
        (
            Some(cookie.clone()),
            format!("{key}&csrf={token}"),
            Some("null"),
        ),
    ];
    for (cookie, body, origin) in cases {
        let answer = post(cookie.clone(), body.clone(), origin).await.unwrap();
        assert_eq!(
            answer.status(),
            StatusCode::FORBIDDEN,
            "{cookie:?} {body} {origin:?}"
        );
        let sets_session = answer
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("tender_dashboard="));
        assert!(!sets_session, "{cookie:?} {body}");
    }
    // The form as the browser posts it, from this server's own page.
    let origin = app.base.clone();
    let signed = post(
        Some(cookie),
        format!("{key}&csrf={token}"),
        Some(origin.as_str()),
    )
    .await
    .unwrap();
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    let cookies: Vec<String> = signed
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("tender_dashboard=")),
        "{cookies:?}"
    );
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("tender_signin=;") && c.contains("Max-Age=0")),
        "the pre-session token is dropped: {cookies:?}"
    );
    app.stop().await;
}
