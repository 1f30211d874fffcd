//! API request logs: insertion order, filters, pages in both directions, account isolation
//! and retention.

use std::sync::Arc;

use tender_store::{RequestLog, RequestLogQuery, Store};

use crate::support::*;

fn log(
    account: &str,
    id: &str,
    created_ms: i64,
    method: &str,
    path: &str,
    status: i64,
) -> RequestLog {
    RequestLog {
        seq: 0,
        id: id.into(),
        account: account.into(),
        created_ms,
        method: method.into(),
        path: path.into(),
        status,
        idempotency_key: None,
        replayed: false,
        latency_us: 1_500,
        source_ip: Some("127.0.0.1".into()),
        user_agent: Some("Stripe/v1 PythonBindings".into()),
        object: None,
        params: "{}".into(),
        response: "{}".into(),
    }
}

fn page(account: &str, limit: usize) -> RequestLogQuery {
    RequestLogQuery {
        account: account.into(),
        limit,
        ..RequestLogQuery::default()
    }
}

async fn ids(store: &Arc<dyn Store>, query: &RequestLogQuery) -> Vec<String> {
    store
        .request_logs(query)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.id)
        .collect()
}

async fn seed(store: &Arc<dyn Store>) {
    let mut first = log(ACCT, "req_1", 1_000, "POST", "/v1/payment_intents", 200);
    first.object = Some("pi_1".into());
    first.idempotency_key = Some("key-1".into());
    first.params = r#"{"amount":"2000"}"#.into();
    let mut second = log(
        ACCT,
        "req_2",
        2_000,
        "POST",
        "/v1/payment_intents/pi_1/confirm",
        402,
    );
    second.object = Some("pi_1".into());
    let third = log(ACCT, "req_3", 3_000, "GET", "/v1/customers", 200);
    let mut fourth = log(ACCT, "req_4", 4_000, "POST", "/v1/refunds", 500);
    fourth.object = Some("re_1".into());
    fourth.replayed = true;
    let other = log(OTHER, "req_o", 2_500, "GET", "/v1/customers", 200);
    store
        .insert_request_logs(vec![first, second, other])
        .await
        .unwrap();
    store
        .insert_request_logs(vec![third, fourth])
        .await
        .unwrap();
}

pub async fn request_logs_newest_first_per_account(store: Arc<dyn Store>) {
    seed(&store).await;
    let all = store.request_logs(&page(ACCT, 10)).await.unwrap();
    let names: Vec<&str> = all.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(names, vec!["req_4", "req_3", "req_2", "req_1"]);
    assert!(all.windows(2).all(|w| w[0].seq > w[1].seq));
    let first = &all[3];
    assert_eq!(first.account, ACCT);
    assert_eq!(first.created_ms, 1_000);
    assert_eq!(first.method, "POST");
    assert_eq!(first.status, 200);
    assert_eq!(first.idempotency_key.as_deref(), Some("key-1"));
    assert_eq!(first.params, r#"{"amount":"2000"}"#);
    assert_eq!(first.source_ip.as_deref(), Some("127.0.0.1"));
    assert!(all[0].replayed && !first.replayed);
    assert_eq!(ids(&store, &page(OTHER, 10)).await, vec!["req_o"]);
    // limit + 1 at most, then the next page from the last seq.
    let head = store.request_logs(&page(ACCT, 2)).await.unwrap();
    assert_eq!(head.len(), 3);
    let mut next = page(ACCT, 2);
    next.before_seq = Some(head[1].seq);
    assert_eq!(ids(&store, &next).await, vec!["req_2", "req_1"]);
    let mut newer = page(ACCT, 10);
    newer.after_seq = Some(all[2].seq);
    assert_eq!(ids(&store, &newer).await, vec!["req_4", "req_3"]);
}

pub async fn request_logs_filter(store: Arc<dyn Store>) {
    seed(&store).await;
    let mut q = page(ACCT, 10);
    q.status_class = Some(4);
    assert_eq!(ids(&store, &q).await, vec!["req_2"]);
    q.status_class = Some(2);
    assert_eq!(ids(&store, &q).await, vec!["req_3", "req_1"]);
    let mut q = page(ACCT, 10);
    q.status = Some(500);
    assert_eq!(ids(&store, &q).await, vec!["req_4"]);
    let mut q = page(ACCT, 10);
    q.method = Some("get".into());
    assert_eq!(ids(&store, &q).await, vec!["req_3"]);
    let mut q = page(ACCT, 10);
    q.path_prefix = Some("/v1/payment_intents".into());
    assert_eq!(ids(&store, &q).await, vec!["req_2", "req_1"]);
    // The prefix is text, not a pattern.
    q.path_prefix = Some("/v1/%".into());
    assert_eq!(ids(&store, &q).await, Vec::<String>::new());
    let mut q = page(ACCT, 10);
    q.request_id = Some("req_3".into());
    assert_eq!(ids(&store, &q).await, vec!["req_3"]);
    // Another account's request is not found by id.
    q.request_id = Some("req_o".into());
    assert_eq!(ids(&store, &q).await, Vec::<String>::new());
    let mut q = page(ACCT, 10);
    q.objects = vec!["pi_1".into(), "re_1".into()];
    assert_eq!(ids(&store, &q).await, vec!["req_4", "req_2", "req_1"]);
    q.request_id = Some("req_\0".into());
    assert_eq!(ids(&store, &q).await, Vec::<String>::new());
}

pub async fn request_logs_store_nul_as_replacement(store: Arc<dyn Store>) {
    let mut odd = log(ACCT, "req_nul", 1, "GET", "/v1/customers/cus_\0", 404);
    odd.params = "{\"q\":\"a\u{0}b\"}".into();
    store.insert_request_logs(vec![odd]).await.unwrap();
    let stored = store.request_logs(&page(ACCT, 1)).await.unwrap();
    assert_eq!(stored[0].path, "/v1/customers/cus_\u{FFFD}");
    assert_eq!(stored[0].params, "{\"q\":\"a\u{FFFD}b\"}");
}

pub async fn request_logs_prune_by_age_and_count(store: Arc<dyn Store>) {
    let logs: Vec<RequestLog> = (0..10)
        .map(|n| {
            log(
                ACCT,
                &format!("req_{n}"),
                n * 100,
                "GET",
                "/v1/customers",
                200,
            )
        })
        .collect();
    store.insert_request_logs(logs).await.unwrap();
    // Older than 300 ms: req_0, req_1, req_2; at most 2 per call.
    assert_eq!(store.prune_request_logs(300, 1_000, 2).await.unwrap(), 2);
    assert_eq!(store.prune_request_logs(300, 1_000, 2).await.unwrap(), 1);
    assert_eq!(store.prune_request_logs(300, 1_000, 2).await.unwrap(), 0);
    // Keep the newest 4 of the 7 left.
    assert_eq!(store.prune_request_logs(0, 4, 100).await.unwrap(), 3);
    assert_eq!(
        ids(&store, &page(ACCT, 10)).await,
        vec!["req_9", "req_8", "req_7", "req_6"]
    );
    // Everything is older than the cutoff.
    assert_eq!(
        store
            .prune_request_logs(i64::MAX, 1_000, 100)
            .await
            .unwrap(),
        4
    );
    assert_eq!(ids(&store, &page(ACCT, 10)).await, Vec::<String>::new());
    assert_eq!(
        store
            .prune_request_logs(i64::MAX, 1_000, 100)
            .await
            .unwrap(),
        0
    );
}
