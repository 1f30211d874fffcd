//! `tender listen --forward-to URL`: like `stripe listen`. It registers a temporary webhook
//! endpoint that points at a small relay inside this process, prints the endpoint's signing
//! secret, and relays every delivery — body and `Stripe-Signature` unchanged, so the receiver
//! verifies it with that secret — to the receiver, printing one line per event. The receiver's
//! status goes back to Tender, so a failing receiver gets Tender's retries.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;

use crate::client::{ApiClient, message};

struct Relay {
    forward_to: String,
    http: reqwest::Client,
}

pub async fn listen(client: &ApiClient, forward_to: &str, events: &[String]) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("cannot open the relay: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let relay = Arc::new(Relay {
        forward_to: forward_to.to_owned(),
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?,
    });
    let app = Router::new()
        .route("/", post(relay_delivery))
        .with_state(relay);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let url = format!("http://127.0.0.1:{port}/");
    let mut form: Vec<(String, String)> = vec![
        ("url".into(), url),
        ("description".into(), "tender listen".into()),
    ];
    if events.is_empty() {
        form.push(("enabled_events[]".into(), "*".into()));
    }
    for event in events {
        form.push(("enabled_events[]".into(), event.clone()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, endpoint) = client.post("/v1/webhook_endpoints", &form).await?;
    if status != 200 {
        return Err(format!(
            "cannot register the endpoint: {}",
            message(&endpoint)
        ));
    }
    let endpoint_id = endpoint["id"].as_str().unwrap_or_default().to_owned();
    println!(
        "Ready! Your webhook signing secret is {} (^C to quit)",
        endpoint["secret"].as_str().unwrap_or("?")
    );
    println!(
        "Forwarding {} to {forward_to}",
        if events.is_empty() {
            "all events".to_owned()
        } else {
            events.join(", ")
        }
    );

    let _ = tokio::signal::ctrl_c().await;
    server.abort();
    let (status, answer) = client
        .delete(&format!("/v1/webhook_endpoints/{endpoint_id}"))
        .await?;
    if status != 200 {
        eprintln!(
            "could not remove the temporary endpoint {endpoint_id}: {}",
            message(&answer)
        );
    }
    Ok(())
}

async fn relay_delivery(
    State(relay): State<Arc<Relay>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let event_type = event["type"].as_str().unwrap_or("?");
    let event_id = event["id"].as_str().unwrap_or("?");
    println!("{}  --> {event_type} [{event_id}]", clock());
    let mut request = relay
        .http
        .post(&relay.forward_to)
        .header("content-type", "application/json; charset=utf-8")
        .body(body);
    if let Some(signature) = headers.get("stripe-signature") {
        request = request.header("stripe-signature", signature.clone());
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status();
            println!(
                "{}  <-- [{}] POST {} [{event_id}]",
                clock(),
                status.as_u16(),
                relay.forward_to
            );
            StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY)
        }
        Err(error) => {
            println!(
                "{}  <-- [ERROR] POST {}: {error} [{event_id}]",
                clock(),
                relay.forward_to
            );
            StatusCode::BAD_GATEWAY
        }
    }
}

/// `HH:MM:SS` in UTC, for the log lines.
fn clock() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let day = secs % 86_400;
    format!("{:02}:{:02}:{:02}", day / 3600, day % 3600 / 60, day % 60)
}
