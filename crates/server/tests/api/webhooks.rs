//! Webhooks end to end: endpoints, signed deliveries, retries, filters, restarts.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::Value;
use sha2::Sha256;

use crate::helpers::TestApp;

/// A webhook receiver that answers each request with the next scripted status (then 200),
/// optionally after a delay, and remembers what it got.
#[derive(Clone, Default)]
pub(crate) struct Receiver {
    got: Arc<Mutex<Vec<(HeaderMap, String)>>>,
    script: Arc<Mutex<Vec<(u16, Duration)>>>,
}

impl Receiver {
    pub(crate) async fn start(script: Vec<(u16, Duration)>) -> (Receiver, String) {
        let receiver = Receiver {
            got: Arc::default(),
            script: Arc::new(Mutex::new(script)),
        };
        let app = Router::new()
            .route("/hook", post(receive))
            .with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (receiver, url)
    }

    pub(crate) fn events(&self) -> Vec<Value> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .map(|(_, body)| serde_json::from_str(body).unwrap())
            .collect()
    }

    /// The `Stripe-Signature` header of each request, in order.
    pub(crate) fn signatures(&self) -> Vec<String> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .map(|(headers, _)| headers["stripe-signature"].to_str().unwrap().to_owned())
            .collect()
    }

    /// Waits (bounded) until `count` requests arrived.
    pub(crate) async fn wait_for(&self, count: usize) -> Vec<Value> {
        for _ in 0..200 {
            if self.got.lock().unwrap().len() >= count {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        self.events()
    }
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let body = String::from_utf8(body.to_vec()).unwrap();
    let (status, delay) = {
        let mut script = receiver.script.lock().unwrap();
        if script.is_empty() {
            (200, Duration::ZERO)
        } else {
            script.remove(0)
        }
    };
    tokio::time::sleep(delay).await;
    receiver.got.lock().unwrap().push((headers, body));
    StatusCode::from_u16(status).unwrap()
}

pub(crate) async fn endpoint(app: &TestApp, url: &str, events: &[&str]) -> (String, String) {
    let mut form = format!("url={}", url.replace(':', "%3A").replace('/', "%2F"));
    for event in events {
        form.push_str(&format!("&enabled_events[]={event}"));
    }
    let created = app.post("/v1/webhook_endpoints", &form).await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    (
        created.body["id"].as_str().unwrap().to_owned(),
        created.body["secret"].as_str().unwrap().to_owned(),
    )
}

/// Verifies a `Stripe-Signature` header the way the SDKs do.
pub(crate) fn verify(headers: &HeaderMap, body: &str, secret: &str) -> bool {
    let header = headers["stripe-signature"].to_str().unwrap();
    let mut timestamp = "";
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", t)) => timestamp = t,
            Some(("v1", v)) => signatures.push(v.to_owned()),
            _ => {}
        }
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    let expected = hex::encode(mac.finalize().into_bytes());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    signatures.contains(&expected) && (now - timestamp.parse::<i64>().unwrap()).abs() <= 300
}

#[tokio::test]
async fn endpoints_show_their_secret_once() {
    let app = TestApp::spawn().await;
    let (id, secret) = endpoint(&app, "https://shop.example/hook", &["*"]).await;
    assert!(secret.starts_with("whsec_"));
    let fetched = app.get(&format!("/v1/webhook_endpoints/{id}"), "").await;
    assert_eq!(fetched.body["status"], "enabled");
    assert_eq!(fetched.body.get("secret"), None);
    let list = app.get("/v1/webhook_endpoints", "").await;
    assert_eq!(list.body["data"][0]["id"], id.as_str());
    assert_eq!(list.body["data"][0].get("secret"), None);
    let updated = app
        .post(
            &format!("/v1/webhook_endpoints/{id}"),
            "disabled=true&enabled_events[]=charge.succeeded",
        )
        .await;
    assert_eq!(updated.body["status"], "disabled");
    assert_eq!(
        updated.body["enabled_events"],
        serde_json::json!(["charge.succeeded"])
    );
    let deleted = app
        .call(Method::DELETE, &format!("/v1/webhook_endpoints/{id}"), "")
        .await;
    assert_eq!(deleted.body["deleted"], true);
    let gone = app.get(&format!("/v1/webhook_endpoints/{id}"), "").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let bad = app
        .post("/v1/webhook_endpoints", "url=nope&enabled_events[]=*")
        .await;
    assert_eq!(bad.error("param"), Some("url"));
    app.stop().await;
}

#[tokio::test]
async fn events_are_delivered_signed_and_pending_count_drops() {
    let app = TestApp::spawn().await;
    let (receiver, url) = Receiver::start(Vec::new()).await;
    let (_, secret) = endpoint(&app, &url, &["customer.created"]).await;
    let customer = app.post("/v1/customers", "email=a%40b.io").await;
    app.post(
        &format!("/v1/customers/{}", customer.body["id"].as_str().unwrap()),
        "name=x",
    )
    .await;
    let events = receiver.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let events_after = receiver.events();
    assert_eq!(
        events_after.len(),
        1,
        "only the subscribed type: {events_after:?}"
    );
    assert_eq!(events[0]["type"], "customer.created");
    assert_eq!(events[0]["data"]["object"]["id"], customer.body["id"]);
    let (headers, body) = receiver.got.lock().unwrap()[0].clone();
    assert!(verify(&headers, &body, &secret));
    assert!(!verify(&headers, &body, "whsec_wrong"));
    assert_eq!(headers["content-type"], "application/json; charset=utf-8");
    let id = events[0]["id"].as_str().unwrap();
    let event = app.get(&format!("/v1/events/{id}"), "").await;
    assert_eq!(event.body["pending_webhooks"], 0);
    app.stop().await;
}

#[tokio::test]
async fn a_failing_receiver_is_retried_until_it_answers_2xx() {
    let app = TestApp::spawn().await;
    let (receiver, url) = Receiver::start(vec![(500, Duration::ZERO)]).await;
    endpoint(&app, &url, &["customer.created"]).await;
    app.post("/v1/customers", "").await;
    let events = receiver.wait_for(2).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        receiver.events().len(),
        2,
        "500 then 200: delivered twice in all"
    );
    assert_eq!(events[0]["id"], events[1]["id"]);
    let event = app
        .get(
            &format!("/v1/events/{}", events[0]["id"].as_str().unwrap()),
            "",
        )
        .await;
    assert_eq!(event.body["pending_webhooks"], 0);
    app.stop().await;
}

#[tokio::test]
async fn a_receiver_that_never_succeeds_gets_exactly_the_scheduled_attempts() {
    let app = TestApp::spawn().await;
    // The test schedule is 100ms,200ms: three attempts in all.
    let script = vec![(503, Duration::ZERO); 10];
    let (receiver, url) = Receiver::start(script).await;
    endpoint(&app, &url, &["customer.created"]).await;
    app.post("/v1/customers", "").await;
    receiver.wait_for(3).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let events = receiver.events();
    assert_eq!(events.len(), 3);
    let event = app
        .get(
            &format!("/v1/events/{}", events[0]["id"].as_str().unwrap()),
            "",
        )
        .await;
    assert_eq!(event.body["pending_webhooks"], 1);
    let account = app.store.accounts().await.unwrap().remove(0);
    let reports = app.store.deliveries(&account.id, None, 10).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].status, "failed");
    let codes: Vec<Option<u16>> = reports[0].attempts.iter().map(|a| a.status_code).collect();
    assert_eq!(codes, vec![Some(503), Some(503), Some(503)]);
    app.stop().await;
}

#[tokio::test]
async fn a_slow_receiver_is_cut_off_and_retried() {
    let app = TestApp::spawn().await;
    // The test dispatcher's timeout is 2 s.
    let (receiver, url) = Receiver::start(vec![(200, Duration::from_secs(3))]).await;
    endpoint(&app, &url, &["customer.created"]).await;
    app.post("/v1/customers", "").await;
    for _ in 0..160 {
        let account = app.store.accounts().await.unwrap().remove(0);
        let reports = app.store.deliveries(&account.id, None, 10).await.unwrap();
        if reports.first().is_some_and(|r| r.status == "delivered") {
            let attempts = &reports[0].attempts;
            assert_eq!(attempts.len(), 2);
            assert_eq!(attempts[0].status_code, None);
            assert_eq!(attempts[0].error.as_deref(), Some("timed out"));
            assert_eq!(attempts[1].status_code, Some(200));
            app.stop().await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the delivery never succeeded: {:?}",
        receiver.events().len()
    );
}

#[tokio::test]
async fn deliveries_pending_at_shutdown_are_sent_after_restart() {
    let mut app = TestApp::spawn_without_webhooks().await;
    let (receiver, url) = Receiver::start(Vec::new()).await;
    endpoint(&app, &url, &["*"]).await;
    let customer = app.post("/v1/customers", "").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        receiver.events().is_empty(),
        "no dispatcher on the first server"
    );
    app.restart_with_webhooks().await;
    let events = receiver.wait_for(1).await;
    assert_eq!(events[0]["data"]["object"]["id"], customer.body["id"]);
    app.stop().await;
}

#[tokio::test]
async fn two_nodes_never_send_an_attempt_twice() {
    let app = TestApp::spawn().await;
    let second = app.second_node().await;
    let (receiver, url) = Receiver::start(Vec::new()).await;
    endpoint(&app, &url, &["customer.created"]).await;
    // Requests alternate between the nodes, so both dispatchers are woken and race.
    let second_base = format!("http://{}", second.addr);
    for i in 0..30 {
        let base = if i % 2 == 0 { &app.base } else { &second_base };
        let response = app
            .client
            .post(format!("{base}/v1/customers"))
            .bearer_auth(crate::helpers::SECRET_KEY)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
    }
    let events = receiver.wait_for(30).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let events = if receiver.events().len() > events.len() {
        receiver.events()
    } else {
        events
    };
    let mut ids: Vec<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 30, "every event once");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 30, "no event twice");
    second.shutdown().await.unwrap();
    app.stop().await;
}

#[tokio::test]
async fn deliveries_carry_the_endpoints_api_version() {
    let app = TestApp::spawn().await;
    let (receiver, url) = Receiver::start(Vec::new()).await;
    let form = format!(
        "url={}&enabled_events[]=customer.created&api_version=2020-08-27",
        url.replace(':', "%3A").replace('/', "%2F")
    );
    let created = app.post("/v1/webhook_endpoints", &form).await;
    assert_eq!(created.body["api_version"], "2020-08-27");
    let secret = created.body["secret"].as_str().unwrap().to_owned();
    app.post("/v1/customers", "").await;
    let events = receiver.wait_for(1).await;
    assert_eq!(events[0]["api_version"], "2020-08-27");
    let (headers, body) = receiver.got.lock().unwrap()[0].clone();
    assert!(verify(&headers, &body, &secret), "signed as sent");
    // The API still shows the event at the account's version.
    let event = app
        .get(
            &format!("/v1/events/{}", events[0]["id"].as_str().unwrap()),
            "",
        )
        .await;
    assert_eq!(event.body["api_version"], "2026-10-28.endive");
    app.stop().await;
}
