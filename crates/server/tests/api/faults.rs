//! `/v1/test_helpers/faults`: arming, listing and disarming faults, each kind in each phase,
//! and the guarantee that survives them: an `after` fault's change is committed once, and the
//! retry with the same idempotency key is answered the saved response.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{Answer, SECRET_KEY, TestApp};

/// One request on a fresh connection; `Err` when the connection closed without an answer.
pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    form: &str,
    idempotency_key: Option<&str>,
) -> Result<Answer, reqwest::Error> {
    let client = reqwest::Client::new();
    let url = format!("{}{}", app.base, path);
    let mut request = if method == Method::POST {
        client
            .request(method, &url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_owned())
    } else {
        client.request(method, format!("{url}?{form}"))
    };
    request = request.bearer_auth(SECRET_KEY);
    if let Some(key) = idempotency_key {
        request = request.header("idempotency-key", key);
    }
    let response = request.send().await?;
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await?;
    Ok(Answer {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
    })
}

pub async fn arm(app: &TestApp, form: &str) -> Value {
    let armed = app.post("/v1/test_helpers/faults", form).await;
    assert_eq!(armed.status, StatusCode::OK, "{:?}", armed.body);
    armed.body
}

pub async fn customers(app: &TestApp) -> usize {
    let listed = app.get("/v1/customers", "limit=100").await;
    listed.body["data"].as_array().unwrap().len()
}

pub async fn events_of_type(app: &TestApp, kind: &str) -> usize {
    let listed = app
        .get("/v1/events", &format!("type={kind}&limit=100"))
        .await;
    listed.body["data"].as_array().unwrap().len()
}

#[tokio::test]
async fn arm_list_retrieve_delete_and_clear() {
    let app = TestApp::spawn().await;
    let fault = arm(
        &app,
        "match[method]=POST&match[path]=/v1/payment_intents/*/confirm&match[param]=metadata[o]=1\
         &kind=api_error&phase=after&count=2&expires_at=4102444800",
    )
    .await;
    let id = fault["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("fault_"), "{id}");
    assert_eq!(fault["object"], "test_helpers.fault");
    assert_eq!(fault["match"]["method"], "POST");
    assert_eq!(fault["match"]["path"], "/v1/payment_intents/*/confirm");
    assert_eq!(fault["match"]["param"], "metadata[o]=1");
    assert_eq!(fault["kind"], "api_error");
    assert_eq!(fault["phase"], "after");
    assert_eq!(fault["count"], 2);
    assert_eq!(fault["expires_at"], 4_102_444_800_i64);
    assert_eq!(fault["triggered"], 0);

    let second = arm(&app, "match[path]=/v1/customers&kind=rate_limit").await;
    let listed = app.get("/v1/test_helpers/faults", "").await;
    let ids: Vec<&str> = listed.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![second["id"].as_str().unwrap(), id.as_str()]);
    let fetched = app.get(&format!("/v1/test_helpers/faults/{id}"), "").await;
    assert_eq!(fetched.body, fault);

    let deleted = app
        .call(Method::DELETE, &format!("/v1/test_helpers/faults/{id}"), "")
        .await;
    assert_eq!(deleted.body["deleted"], true);
    let gone = app.get(&format!("/v1/test_helpers/faults/{id}"), "").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.error("code"), Some("resource_missing"));
    let cleared = app
        .call(Method::DELETE, "/v1/test_helpers/faults", "")
        .await;
    assert_eq!(cleared.body["deleted"], 1);
    assert_eq!(customers(&app).await, 0);

    let bad = app
        .post("/v1/test_helpers/faults", "match[path]=/v1/x&kind=meltdown")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.error("param"), Some("kind"));
    let other = app.other_account().await;
    let theirs = app
        .call_as(
            &other.secret_key,
            Method::GET,
            "/v1/test_helpers/faults",
            "",
            &[],
        )
        .await;
    assert_eq!(theirs.body["data"], serde_json::json!([]));
    app.stop().await;
}

#[tokio::test]
async fn api_error_before_changes_nothing_and_after_commits_once() {
    let app = TestApp::spawn().await;
    arm(
        &app,
        "match[method]=POST&match[path]=/v1/customers&kind=api_error",
    )
    .await;
    let struck = send(
        &app,
        Method::POST,
        "/v1/customers",
        "name=A",
        Some("k-before"),
    )
    .await
    .unwrap();
    assert_eq!(struck.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(struck.header("stripe-should-retry"), Some("true"));
    assert_eq!(struck.body["error"]["type"], "api_error");
    assert!(struck.header("request-id").is_some());
    assert_eq!(customers(&app).await, 0);
    // Spent: the retry goes through, and is not a replay (nothing was saved).
    let retried = send(
        &app,
        Method::POST,
        "/v1/customers",
        "name=A",
        Some("k-before"),
    )
    .await
    .unwrap();
    assert_eq!(retried.status, StatusCode::OK);
    assert_eq!(retried.header("idempotent-replayed"), Some("false"));
    assert_eq!(customers(&app).await, 1);

    arm(
        &app,
        "match[method]=POST&match[path]=/v1/customers&kind=api_error&phase=after",
    )
    .await;
    let struck = send(
        &app,
        Method::POST,
        "/v1/customers",
        "name=B",
        Some("k-after"),
    )
    .await
    .unwrap();
    assert_eq!(struck.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(customers(&app).await, 2);
    assert_eq!(events_of_type(&app, "customer.created").await, 2);
    let retried = send(
        &app,
        Method::POST,
        "/v1/customers",
        "name=B",
        Some("k-after"),
    )
    .await
    .unwrap();
    assert_eq!(retried.status, StatusCode::OK);
    assert_eq!(retried.header("idempotent-replayed"), Some("true"));
    assert_eq!(retried.body["name"], "B");
    assert_eq!(customers(&app).await, 2);
    assert_eq!(events_of_type(&app, "customer.created").await, 2);
    app.stop().await;
}

#[tokio::test]
async fn error_kinds_answer_as_stripe_does() {
    let app = TestApp::spawn().await;
    for (kind, status, code) in [
        ("rate_limit", StatusCode::TOO_MANY_REQUESTS, "rate_limit"),
        (
            "lock_timeout",
            StatusCode::TOO_MANY_REQUESTS,
            "lock_timeout",
        ),
        (
            "idempotency_key_in_use",
            StatusCode::CONFLICT,
            "idempotency_key_in_use",
        ),
    ] {
        arm(&app, &format!("match[path]=/v1/customers&kind={kind}")).await;
        let struck = send(&app, Method::POST, "/v1/customers", "", Some("k-1"))
            .await
            .unwrap();
        assert_eq!(struck.status, status, "{kind}");
        assert_eq!(struck.body["error"]["code"], code, "{kind}");
        // Reads are struck too (the path has no method): this one passes, the fault is spent.
        let read = send(&app, Method::GET, "/v1/customers", "", None)
            .await
            .unwrap();
        assert_eq!(read.status, StatusCode::OK, "{kind}");
    }
    assert_eq!(customers(&app).await, 0);
    app.stop().await;
}

#[tokio::test]
async fn connection_reset_before_and_after() {
    let app = TestApp::spawn().await;
    arm(
        &app,
        "match[path]=/v1/customers&match[method]=POST&kind=connection_reset",
    )
    .await;
    let lost = send(&app, Method::POST, "/v1/customers", "name=R", Some("r-1")).await;
    assert!(lost.is_err(), "{lost:?}");
    assert_eq!(customers(&app).await, 0);

    arm(
        &app,
        "match[path]=/v1/customers&match[method]=POST&kind=connection_reset&phase=after",
    )
    .await;
    let lost = send(&app, Method::POST, "/v1/customers", "name=R", Some("r-2")).await;
    assert!(lost.is_err(), "{lost:?}");
    assert_eq!(customers(&app).await, 1);
    let retried = send(&app, Method::POST, "/v1/customers", "name=R", Some("r-2"))
        .await
        .unwrap();
    assert_eq!(retried.header("idempotent-replayed"), Some("true"));
    assert_eq!(customers(&app).await, 1);
    app.stop().await;
}

#[tokio::test]
async fn timeout_holds_then_closes_and_latency_delays_the_answer() {
    let app = TestApp::spawn().await;
    arm(
        &app,
        "match[path]=/v1/customers&kind=timeout&duration_ms=300&phase=after",
    )
    .await;
    let started = Instant::now();
    let lost = send(&app, Method::POST, "/v1/customers", "name=T", Some("t-1")).await;
    assert!(lost.is_err(), "{lost:?}");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(customers(&app).await, 1);

    arm(
        &app,
        "match[path]=/v1/customers&kind=latency&duration_ms=250",
    )
    .await;
    let started = Instant::now();
    let slow = send(&app, Method::POST, "/v1/customers", "name=L", None)
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert_eq!(slow.status, StatusCode::OK);
    assert_eq!(slow.body["name"], "L");
    assert_eq!(customers(&app).await, 2);
    app.stop().await;
}

#[tokio::test]
async fn only_matching_requests_of_the_account_are_struck_as_often_as_counted() {
    let app = TestApp::spawn().await;
    let fault = arm(
        &app,
        "match[method]=POST&match[path]=/v1/customers&match[param]=metadata[order]=7\
         &kind=api_error&count=2",
    )
    .await;
    let id = fault["id"].as_str().unwrap();
    let other = app.other_account().await;
    let theirs = app
        .call_as(
            &other.secret_key,
            Method::POST,
            "/v1/customers",
            "metadata[order]=7",
            &[],
        )
        .await;
    assert_eq!(theirs.status, StatusCode::OK);
    let plain = send(
        &app,
        Method::POST,
        "/v1/customers",
        "metadata[order]=8",
        None,
    )
    .await
    .unwrap();
    assert_eq!(plain.status, StatusCode::OK);
    let statuses = [
        send(
            &app,
            Method::POST,
            "/v1/customers",
            "metadata[order]=7",
            None,
        )
        .await,
        send(
            &app,
            Method::POST,
            "/v1/customers",
            "metadata%5Border%5D=7",
            None,
        )
        .await,
        send(
            &app,
            Method::POST,
            "/v1/customers",
            "metadata[order]=7",
            None,
        )
        .await,
    ]
    .map(|answer| answer.unwrap().status.as_u16());
    assert_eq!(statuses, [500, 500, 200]);
    let spent = app.get(&format!("/v1/test_helpers/faults/{id}"), "").await;
    assert_eq!(spent.body["count"], 0);
    assert_eq!(spent.body["triggered"], 2);
    // The faults' own endpoints are never struck.
    arm(&app, "match[path]=/v1/test_helpers/faults&kind=api_error").await;
    let listed = app.get("/v1/test_helpers/faults", "").await;
    assert_eq!(listed.status, StatusCode::OK);
    app.stop().await;
}
