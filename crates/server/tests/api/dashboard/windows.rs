//! Filters few objects pass: a page filtering on the stored body (a payment's amount) looks
//! at a bounded window of objects (`data::WINDOW`, 2,000) and, when it does not fill up
//! within it, says so and links on from where it stopped; following the links finds every
//! match. A payment's status is an index (the record's tag): no window.

use tender_store::{IndexKeys, Record, RequestLog, UnitOfWork, Write};

use super::Browser;
use crate::helpers::{SECRET_KEY, TestApp};

const WINDOW: usize = 2_000;

/// `n` stored PaymentIntents, a second apart from `start`, with `status` and `amount`.
fn intents(
    account: &str,
    start: i64,
    n: usize,
    (status, amount): (&str, i64),
    tag: &str,
) -> Vec<Write> {
    (0..n)
        .map(|i| {
            let id = format!("pi_window{tag}{i:06}");
            let created = start + i64::try_from(i).unwrap();
            Write {
                record: Record {
                    account: account.to_owned(),
                    id: id.clone(),
                    kind: "payment_intent".to_owned(),
                    created,
                    version: 1,
                    deleted: false,
                    index: IndexKeys {
                        tag: Some(status.to_owned()),
                        ..IndexKeys::default()
                    },
                    body: serde_json::json!({
                        "id": id, "object": "payment_intent", "amount": amount,
                        "currency": "usd", "status": status, "created": created,
                        "customer": null, "payment_method": null, "metadata": {},
                    })
                    .to_string(),
                },
                expected_version: None,
            }
        })
        .collect()
}

/// The href of the page's `rel` link, unescaped.
fn link(body: &str, rel: &str) -> Option<String> {
    let marker = format!("<a rel=\"{rel}\" href=\"");
    let start = body.find(&marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].replace("&amp;", "&"))
}

#[tokio::test]
async fn a_rare_payment_amount_is_found_window_by_window_and_a_status_at_once() {
    let app = TestApp::spawn().await;
    let account = app.account_id().await;
    // Oldest first: 3 canceled ones of 12.34, then more succeeded ones of 20.00 than a window
    // holds.
    let mut writes = intents(&account, 1_700_000_000, 3, ("canceled", 1234), "c");
    writes.extend(intents(
        &account,
        1_700_001_000,
        WINDOW + 10,
        ("succeeded", 2000),
        "s",
    ));
    app.store
        .commit(UnitOfWork {
            writes,
            ..UnitOfWork::default()
        })
        .await
        .unwrap();
    let browser = Browser::signed_in(&app, SECRET_KEY).await;

    let first = browser.get("/dashboard/payments?amount=1234").await;
    assert!(
        !first.body.contains("pi_windowc"),
        "beyond the first window"
    );
    assert!(
        first.body.contains("Looked at 2000 objects"),
        "{}",
        first.body
    );
    // The window's last object is the 2,000th newest: succeeded #10.
    let older = link(&first.body, "next").expect("a link past the window");
    assert!(
        older.contains("starting_after=pi_windows000010") && older.contains("amount=1234"),
        "{older}"
    );
    let second = browser.get(&older).await;
    for i in 0..3 {
        assert!(second.body.contains(&format!("pi_windowc{i:06}")), "{i}");
    }
    assert!(!second.body.contains("Looked at"), "the range ended");
    assert_eq!(link(&second.body, "next"), None);

    // A status is an index: the three canceled ones on the first page, no window.
    let canceled = browser.get("/dashboard/payments?status=canceled").await;
    for i in 0..3 {
        assert!(canceled.body.contains(&format!("pi_windowc{i:06}")), "{i}");
    }
    assert!(!canceled.body.contains("pi_windows"));
    assert!(!canceled.body.contains("Looked at"));
    // A filter every object passes fills its page in the first window.
    let common = browser.get("/dashboard/payments?amount=2000").await;
    assert!(!common.body.contains("Looked at"));
    assert!(
        common
            .body
            .contains(&format!("pi_windows{:06}", WINDOW + 9))
    );
}

#[tokio::test]
async fn a_rare_log_status_is_found_window_by_window() {
    let app = TestApp::spawn().await;
    let account = app.account_id().await;
    // Recent: older ones would be pruned by the retention at once.
    let now_ms = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap();
    let log = |n: usize, status: i64| RequestLog {
        seq: 0,
        id: format!("req_window{n:06}"),
        account: account.clone(),
        created_ms: now_ms - 60_000 + i64::try_from(n).unwrap(),
        method: "POST".to_owned(),
        path: "/v1/customers".to_owned(),
        status,
        idempotency_key: None,
        replayed: false,
        latency_us: 100,
        source_ip: None,
        user_agent: None,
        object: None,
        params: "{}".to_owned(),
        response: "{}".to_owned(),
    };
    // Two failures, then more successes than a window holds.
    let mut logs: Vec<RequestLog> = (0..2).map(|n| log(n, 500)).collect();
    logs.extend((2..WINDOW + 12).map(|n| log(n, 200)));
    app.store.insert_request_logs(logs).await.unwrap();
    let browser = Browser::signed_in(&app, SECRET_KEY).await;

    let mut page = browser.get("/dashboard/logs?status=5xx").await;
    let mut pages = 1;
    while !page.body.contains("req_window000001") {
        assert!(
            page.body.contains("Looked at the 2000 requests"),
            "{}",
            page.body
        );
        let older = link(&page.body, "next").expect("a link past the window");
        page = browser.get(&older).await;
        pages += 1;
        assert!(pages <= 3, "two windows reach back to the failures");
    }
    assert!(page.body.contains("req_window000000"));
    assert!(
        !page.body.contains("req_window000002"),
        "a 200 is not shown"
    );
    assert_eq!(pages, 2);
}
