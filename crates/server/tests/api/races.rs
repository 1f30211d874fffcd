//! Many clients racing on one object (issue #8, item 2): one idempotency key sent 200 times at
//! once, and concurrent confirms, captures and refunds of one payment. Every request goes out on
//! its own task over a real HTTP client with as many connections as requests in flight, and the
//! server runs on a multi-threaded runtime so the handlers truly overlap. The assertions hold
//! whatever the interleaving: they count outcomes and check the sums, never timings.
//!
//! `payments.rs` covers 20 racing confirms and `protocol.rs` 50 racing customer creates with one
//! key; these push the figures up and cover captures and refunds, on SQLite and (with
//! `TENDER_TEST_BACKEND=postgres`) PostgreSQL.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::helpers::{SECRET_KEY, TestApp};

/// One raw answer: status, headers and the body's exact bytes.
struct Raw {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Vec<u8>,
}

impl Raw {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Sends every `(path, form, idempotency key)` at once, each on its own task, and returns the
/// answers in the order given. A `429 lock_timeout` (Tender gave up re-executing a request that
/// kept losing races) is retried, as Stripe's SDKs retry it, so that every request ends in its
/// real outcome; how many were retried is printed.
async fn race(app: &TestApp, requests: Vec<(String, String, Option<String>)>) -> Vec<Raw> {
    // A pool that never makes a request wait for a free connection.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(requests.len())
        .build()
        .unwrap();
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|(path, form, key)| {
            let client = client.clone();
            let url = format!("{}{path}", app.base);
            tokio::spawn(async move {
                let mut retries = 0;
                loop {
                    let mut request = client
                        .post(&url)
                        .bearer_auth(SECRET_KEY)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(form.clone());
                    if let Some(key) = &key {
                        request = request.header("idempotency-key", key);
                    }
                    let response = request.send().await.unwrap();
                    let raw = Raw {
                        status: response.status(),
                        headers: response.headers().clone(),
                        bytes: response.bytes().await.unwrap().to_vec(),
                    };
                    if raw.status != StatusCode::TOO_MANY_REQUESTS || retries == 100 {
                        return (raw, retries);
                    }
                    assert_eq!(raw.json()["error"]["code"], "lock_timeout");
                    retries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(5 * retries)).await;
                }
            })
        })
        .collect();
    let mut answers = Vec::with_capacity(tasks.len());
    let mut retried = 0;
    for task in tasks {
        let (raw, retries) = task.await.unwrap();
        retried += usize::from(retries > 0);
        answers.push(raw);
    }
    eprintln!(
        "{retried} of {} requests were retried after lock_timeout",
        answers.len()
    );
    answers
}

fn count(list: &Value) -> usize {
    list["data"].as_array().unwrap().len()
}

/// A small deterministic generator: the same "random" amounts on every run.
fn amounts(n: usize, seed: u64, low: i64, high: i64) -> Vec<i64> {
    let mut state = seed;
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            low + ((state >> 33) % (high - low + 1) as u64) as i64
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_retries_with_one_key_pay_once() {
    let app = TestApp::spawn().await;
    let form = "amount=2500&currency=usd&confirm=true&payment_method=pm_card_visa\
                &payment_method_types[]=card";
    let requests = (0..200)
        .map(|_| {
            let key = Some("checkout-order-1".to_owned());
            ("/v1/payment_intents".to_owned(), form.to_owned(), key)
        })
        .collect();
    let answers = race(&app, requests).await;

    let mut originals = Vec::new();
    let mut replays = Vec::new();
    let mut in_use = 0;
    for answer in &answers {
        match answer.status.as_u16() {
            200 => match answer.header("idempotent-replayed") {
                Some("false") => originals.push(answer),
                Some("true") => replays.push(answer),
                other => panic!("200 without Idempotent-Replayed: {other:?}"),
            },
            409 => {
                let body = answer.json();
                assert_eq!(body["error"]["type"], "idempotency_error", "{body}");
                assert_eq!(body["error"]["code"], "idempotency_key_in_use", "{body}");
                in_use += 1;
            }
            other => panic!(
                "unexpected {other}: {}",
                String::from_utf8_lossy(&answer.bytes)
            ),
        }
    }
    assert_eq!(originals.len(), 1, "exactly one request executed");
    assert_eq!(originals.len() + replays.len() + in_use, 200);
    let original = originals[0];
    let body = original.json();
    assert_eq!(body["status"], "succeeded");
    assert_eq!(body["amount_received"], 2500);
    let request_id = original.header("request-id").unwrap();
    for replay in &replays {
        assert_eq!(replay.bytes, original.bytes, "a replay is byte-identical");
        assert_eq!(replay.header("original-request"), Some(request_id));
        assert_ne!(replay.header("request-id"), Some(request_id));
    }

    let intents = app.get("/v1/payment_intents", "limit=100").await;
    assert_eq!(count(&intents.body), 1, "{:?}", intents.body);
    assert_eq!(intents.body["data"][0]["id"], body["id"]);
    let charges = app.get("/v1/charges", "limit=100").await;
    assert_eq!(count(&charges.body), 1, "{:?}", charges.body);
    assert_eq!(charges.body["data"][0]["id"], body["latest_charge"]);
    let succeeded = app
        .get("/v1/events", "type=payment_intent.succeeded&limit=100")
        .await;
    assert_eq!(count(&succeeded.body), 1);

    // Once the first has finished, a late retry replays too.
    let late = race(
        &app,
        vec![(
            "/v1/payment_intents".into(),
            form.into(),
            Some("checkout-order-1".into()),
        )],
    )
    .await;
    assert_eq!(late[0].header("idempotent-replayed"), Some("true"));
    assert_eq!(late[0].bytes, original.bytes);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_confirms_of_one_intent_charge_once() {
    let app = TestApp::spawn().await;
    let created = app
        .post(
            "/v1/payment_intents",
            "amount=4200&currency=usd&payment_method=pm_card_visa&payment_method_types[]=card",
        )
        .await;
    assert_eq!(created.body["status"], "requires_confirmation");
    let id = created.body["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/payment_intents/{id}/confirm");
    let answers = race(&app, vec![(path, String::new(), None); 50]).await;

    let mut succeeded = 0;
    for answer in &answers {
        let body = answer.json();
        match answer.status.as_u16() {
            200 => {
                assert_eq!(body["status"], "succeeded");
                succeeded += 1;
            }
            400 => assert_eq!(
                body["error"]["code"], "payment_intent_unexpected_state",
                "{body}"
            ),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(succeeded, 1, "exactly one confirmation wins");
    let charges = app
        .get("/v1/charges", &format!("payment_intent={id}"))
        .await;
    assert_eq!(count(&charges.body), 1);
    assert_eq!(charges.body["data"][0]["amount_captured"], 4200);
    let intent = app.get(&format!("/v1/payment_intents/{id}"), "").await;
    assert_eq!(intent.body["amount_received"], 4200);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_captures_of_one_authorization_capture_once() {
    let app = TestApp::spawn().await;
    let intent = app
        .post(
            "/v1/payment_intents",
            "amount=10000&currency=usd&confirm=true&capture_method=manual\
             &payment_method=pm_card_visa&payment_method_types[]=card",
        )
        .await;
    assert_eq!(intent.body["status"], "requires_capture");
    let id = intent.body["id"].as_str().unwrap().to_owned();
    // Amounts from 1 to 12000: some above the 10000 authorized.
    let wanted = amounts(50, 7, 1, 12_000);
    let path = format!("/v1/payment_intents/{id}/capture");
    let requests = wanted
        .iter()
        .map(|amount| (path.clone(), format!("amount_to_capture={amount}"), None))
        .collect();
    let answers = race(&app, requests).await;

    let mut captured = Vec::new();
    for (answer, amount) in answers.iter().zip(&wanted) {
        let body = answer.json();
        match answer.status.as_u16() {
            200 => {
                assert_eq!(body["status"], "succeeded");
                assert_eq!(body["amount_received"], *amount);
                captured.push(*amount);
            }
            // Too much for the authorization (decided before or after the winner)...
            400 if body["error"]["param"] == "amount_to_capture" => {
                assert!(*amount > 10_000, "{amount} refused: {body}");
                assert!(body["error"]["code"].is_null(), "{body}");
            }
            // ...or too late: the winner already captured.
            400 => assert_eq!(
                body["error"]["code"], "payment_intent_unexpected_state",
                "{body}"
            ),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(captured.len(), 1, "exactly one capture wins: {captured:?}");
    let amount = captured[0];
    assert!(amount <= 10_000);
    let intent = app.get(&format!("/v1/payment_intents/{id}"), "").await;
    assert_eq!(intent.body["status"], "succeeded");
    assert_eq!(intent.body["amount_received"], amount);
    assert_eq!(intent.body["amount_capturable"], 0);
    let charges = app
        .get("/v1/charges", &format!("payment_intent={id}"))
        .await;
    assert_eq!(count(&charges.body), 1);
    let charge = &charges.body["data"][0];
    assert_eq!(charge["captured"], true);
    assert_eq!(charge["amount_captured"], amount);
    // The uncaptured rest is released, which Stripe shows as refunded.
    assert_eq!(charge["amount_refunded"], 10_000 - amount);
    let events = app
        .get("/v1/events", "type=charge.captured&limit=100")
        .await;
    assert_eq!(count(&events.body), 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_partial_refunds_never_refund_more_than_paid() {
    let app = TestApp::spawn().await;
    let intent = app
        .post(
            "/v1/payment_intents",
            "amount=10000&currency=usd&confirm=true&payment_method=pm_card_visa\
             &payment_method_types[]=card",
        )
        .await;
    assert_eq!(intent.body["status"], "succeeded");
    let charge_id = intent.body["latest_charge"].as_str().unwrap().to_owned();
    // 50 refunds of 1 to 600 cents: about 15000 asked of 10000 paid.
    let wanted = amounts(50, 42, 1, 600);
    assert!(wanted.iter().sum::<i64>() > 10_000);
    let requests = wanted
        .iter()
        .map(|amount| {
            let form = format!("charge={charge_id}&amount={amount}");
            ("/v1/refunds".to_owned(), form, None)
        })
        .collect();
    let answers = race(&app, requests).await;

    let mut refunded = 0;
    let mut succeeded = 0;
    let mut over = 0;
    for (answer, amount) in answers.iter().zip(&wanted) {
        let body = answer.json();
        match answer.status.as_u16() {
            200 => {
                assert_eq!(body["status"], "succeeded");
                assert_eq!(body["amount"], *amount);
                refunded += amount;
                succeeded += 1;
            }
            // Stripe's two refusals (spec Appendix B): more than what is left, on `amount`
            // without a code; or nothing left at all, `charge_already_refunded`.
            400 if body["error"]["code"] == "charge_already_refunded" => {
                assert!(body["error"]["param"].is_null(), "{body}");
                over += 1;
            }
            400 => {
                assert_eq!(body["error"]["type"], "invalid_request_error", "{body}");
                assert_eq!(body["error"]["param"], "amount", "{body}");
                assert!(body["error"]["code"].is_null(), "{body}");
                let message = body["error"]["message"].as_str().unwrap();
                let asked = format!("${}.{:02}", amount / 100, amount % 100);
                let prefix = format!(
                    "Refund amount ({asked}) is greater than unrefunded amount on charge ($"
                );
                assert!(message.starts_with(&prefix), "{message}");
                over += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert!(
        succeeded > 0 && over > 0,
        "{succeeded} refunded, {over} refused"
    );
    assert!(refunded <= 10_000, "refunded {refunded} of 10000");
    let charge = app.get(&format!("/v1/charges/{charge_id}"), "").await;
    assert_eq!(charge.body["amount_refunded"], refunded);
    assert_eq!(charge.body["refunded"], refunded == 10_000);
    let refunds = app
        .get("/v1/refunds", &format!("charge={charge_id}&limit=100"))
        .await;
    assert_eq!(count(&refunds.body), succeeded);
    let listed: i64 = refunds.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(listed, refunded);
    app.stop().await;
}
