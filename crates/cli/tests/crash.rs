//! Kill -9 the real `tender` binary with webhook deliveries pending; after a restart on the
//! same database every committed event is delivered, and what was delivered before the kill
//! is not reported as pending.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing;
use serde_json::Value;

const SECRET_KEY: &str = "sk_test_crashharness";

#[derive(Clone, Default)]
struct Receiver {
    up: Arc<AtomicBool>,
    events: Arc<Mutex<Vec<Value>>>,
}

async fn receive(State(receiver): State<Receiver>, body: Bytes) -> StatusCode {
    if !receiver.up.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let event: Value = serde_json::from_slice(&body).unwrap();
    receiver.events.lock().unwrap().push(event);
    StatusCode::OK
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs in `dir`, where it announces itself (`.tender/server.json`), not in the source tree.
fn start_tender(dir: &std::path::Path, port: u16, database: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_tender"))
        .current_dir(dir)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args([
            "--database",
            database,
            "--webhook-retries",
            "300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms",
        ])
        .env("TENDER_SECRET_KEY", SECRET_KEY)
        .env("TENDER_PUBLISHABLE_KEY", "pk_test_crashharness")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tender starts")
}

async fn wait_healthy(client: &reqwest::Client, base: &str) {
    for _ in 0..200 {
        if client.get(format!("{base}/healthz")).send().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("tender did not become healthy");
}

async fn post(client: &reqwest::Client, base: &str, path: &str, form: &str) -> Value {
    client
        .post(format!("{base}{path}"))
        .bearer_auth(SECRET_KEY)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn pending_deliveries_survive_sigkill() {
    let receiver = Receiver::default();
    receiver.up.store(true, Ordering::SeqCst);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/hook", routing::post(receive))
        .with_state(receiver.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let dir = std::env::temp_dir().join(format!("tender-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let database = format!("sqlite://{}/tender.db", dir.display());
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut tender = start_tender(&dir, port, &database);
    wait_healthy(&client, &base).await;
    let encoded = hook.replace(':', "%3A").replace('/', "%2F");
    post(
        &client,
        &base,
        "/v1/webhook_endpoints",
        &format!("url={encoded}&enabled_events[]=customer.created"),
    )
    .await;

    // Delivered before the kill.
    let first = post(&client, &base, "/v1/customers", "name=first").await;
    for _ in 0..200 {
        if !receiver.events.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(receiver.events.lock().unwrap().len(), 1);

    // Committed, but the receiver is down: pending when the server dies.
    receiver.up.store(false, Ordering::SeqCst);
    let mut pending = Vec::new();
    for i in 0..5 {
        let customer = post(&client, &base, "/v1/customers", &format!("name=c{i}")).await;
        pending.push(customer["id"].as_str().unwrap().to_owned());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    tender.kill().expect("SIGKILL");
    tender.wait().unwrap();

    receiver.up.store(true, Ordering::SeqCst);
    let mut tender = start_tender(&dir, port, &database);
    wait_healthy(&client, &base).await;
    for _ in 0..400 {
        if receiver.events.lock().unwrap().len() >= 6 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let delivered: Vec<String> = receiver
        .events
        .lock()
        .unwrap()
        .iter()
        .map(|e| e["data"]["object"]["id"].as_str().unwrap().to_owned())
        .collect();
    for id in &pending {
        assert!(
            delivered.contains(id),
            "{id} was committed before the kill and never delivered"
        );
    }
    let first_id = first["id"].as_str().unwrap();
    assert_eq!(delivered.iter().filter(|id| *id == first_id).count(), 1);

    let events: Value = client
        .get(format!("{base}/v1/events?type=customer.created&limit=100"))
        .bearer_auth(SECRET_KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for event in events["data"].as_array().unwrap() {
        assert_eq!(event["pending_webhooks"], 0, "{}", event["id"]);
    }
    tender.kill().unwrap();
    tender.wait().unwrap();
    let _ = std::fs::remove_dir_all(dir);
}
