//! API request logs: captured for every authenticated `/v1` request, redacted, found by
//! `Request-Id`, and pruned by age and count.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use tender_store::{RequestLog, RequestLogQuery};

use super::Browser;
use crate::helpers::{SECRET_KEY, TestApp};

/// A declined payment (4000000000000002), with a card number, a CVC and a secret key in it.
const PAYMENT: &str = "amount=2000&currency=usd&confirm=true&payment_method_types[]=card\
                       &payment_method_data[type]=card\
                       &payment_method_data[card][number]=4000000000000002\
                       &payment_method_data[card][exp_month]=12\
                       &payment_method_data[card][exp_year]=2034\
                       &payment_method_data[card][cvc]=314&metadata[k]=sk_test_leaked";

async fn logged(app: &TestApp, request_id: &str) -> RequestLog {
    let account = app.server.as_ref().expect("server").account.id.clone();
    for _ in 0..100 {
        let found = app
            .store
            .request_logs(&RequestLogQuery {
                account: account.clone(),
                request_id: Some(request_id.to_owned()),
                limit: 1,
                ..RequestLogQuery::default()
            })
            .await
            .expect("logs");
        if let Some(log) = found.into_iter().next() {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{request_id} was never logged");
}

#[tokio::test]
async fn requests_are_logged_with_card_numbers_and_secrets_redacted() {
    let app = TestApp::spawn().await;
    let answer = app
        .call_as(
            SECRET_KEY,
            Method::POST,
            "/v1/payment_intents",
            PAYMENT,
            &[("idempotency-key", "order-7"), ("user-agent", "tests/1.0")],
        )
        .await;
    // 4000000000000002 is declined: a 402 with the intent named in the error.
    assert_eq!(
        answer.status,
        StatusCode::PAYMENT_REQUIRED,
        "{:?}",
        answer.body
    );
    let request_id = answer.header("request-id").unwrap().to_owned();
    let log = logged(&app, &request_id).await;
    assert_eq!(log.method, "POST");
    assert_eq!(log.path, "/v1/payment_intents");
    assert_eq!(log.status, 402);
    assert_eq!(log.idempotency_key.as_deref(), Some("order-7"));
    assert!(!log.replayed);
    assert_eq!(log.user_agent.as_deref(), Some("tests/1.0"));
    assert_eq!(log.source_ip.as_deref(), Some("127.0.0.1"));
    assert!(log.latency_us > 0);
    let params: serde_json::Value = serde_json::from_str(&log.params).unwrap();
    let card = &params["payment_method_data"]["card"];
    assert_eq!(card["number"], "••••••••••••0002");
    assert_eq!(card.get("cvc"), None, "a CVC is left out, key and all");
    assert_eq!(params["metadata"]["k"], "[redacted]");
    assert_eq!(params["amount"], "2000");
    assert!(!log.params.contains("4000000000000002") && !log.params.contains("314"));
    assert!(log.response.contains("card_declined"), "{}", log.response);
    // An error names no object of its own.
    assert_eq!(log.object, None);

    // The same key again is a replay, and is logged as one.
    let again = app
        .call_as(
            SECRET_KEY,
            Method::POST,
            "/v1/payment_intents",
            PAYMENT,
            &[("idempotency-key", "order-7")],
        )
        .await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    let replay = logged(&app, again.header("request-id").unwrap()).await;
    assert!(replay.replayed);

    // A request without a valid key belongs to no account and is not logged.
    let anonymous = app
        .call_as("sk_test_unknown", Method::GET, "/v1/customers", "", &[])
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    // The Logs page finds the failed request by its id, and shows it redacted.
    let browser = Browser::signed_in(&app, SECRET_KEY).await;
    let found = browser.get(&format!("/dashboard/go?id={request_id}")).await;
    assert_eq!(found.location(), format!("/dashboard/logs/{request_id}"));
    let page = browser.get(&format!("/dashboard/logs/{request_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("order-7"));
    assert!(page.body.contains("card_declined"));
    assert!(!page.body.contains("4000000000000002"));
    let failures = browser.get("/dashboard/logs?status=4xx").await;
    assert!(failures.body.contains(&request_id));
    let successes = browser.get("/dashboard/logs?status=2xx").await;
    assert!(!successes.body.contains(&request_id));
    let by_path = browser.get("/dashboard/logs?path=%2Fv1%2Fcustomers").await;
    assert!(!by_path.body.contains(&request_id));
    app.stop().await;
}

#[tokio::test]
async fn logs_can_be_turned_off() {
    let app = TestApp::spawn_configured(|config| config.request_logs.enabled = false).await;
    let answer = app.get("/v1/customers", "").await;
    assert_eq!(answer.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let account = app.server.as_ref().unwrap().account.id.clone();
    let logs = app
        .store
        .request_logs(&RequestLogQuery {
            account,
            limit: 10,
            ..RequestLogQuery::default()
        })
        .await
        .unwrap();
    assert!(logs.is_empty(), "{logs:?}");
    app.stop().await;
}

#[tokio::test]
async fn retention_prunes_by_age_and_by_count() {
    let app = TestApp::spawn_without_webhooks().await;
    let account = app.server.as_ref().unwrap().account.id.clone();
    // Recent enough that the server's own retention (7 days) leaves them alone.
    let base = tender_server::request_logs::now_ms() - 3_600_000;
    let log = |n: i64| RequestLog {
        seq: 0,
        id: format!("req_old{n}"),
        account: account.clone(),
        created_ms: base + n,
        method: "GET".into(),
        path: "/v1/customers".into(),
        status: 200,
        idempotency_key: None,
        replayed: false,
        latency_us: 10,
        source_ip: None,
        user_agent: None,
        object: None,
        params: "{}".into(),
        response: "{}".into(),
    };
    app.store
        .insert_request_logs((0..12_000).map(log).collect())
        .await
        .unwrap();
    // 10,000 are older than the cutoff: several chunks.
    let pruned =
        tender_server::request_logs::prune(app.store.as_ref(), base + 10_000, 1_000_000).await;
    assert_eq!(pruned, 10_000);
    // Of the 2,000 left, keep the newest 500.
    let pruned = tender_server::request_logs::prune(app.store.as_ref(), 0, 500).await;
    assert_eq!(pruned, 1_500);
    let left = app
        .store
        .request_logs(&RequestLogQuery {
            account: account.clone(),
            limit: 1_000,
            ..RequestLogQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(left.len(), 500);
    assert_eq!(left[0].id, "req_old11999");
    assert_eq!(left[499].id, "req_old11500");
    let defaults = tender_server::RequestLogConfig::default();
    assert_eq!(defaults.retention, Duration::from_secs(7 * 86_400));
    assert_eq!(defaults.max_rows, 1_000_000);
    app.stop().await;
}
