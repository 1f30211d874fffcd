//! A webhook receiver that records every event delivered to it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;

/// Event id → (type, deliveries received).
#[derive(Clone, Default)]
pub struct Received {
    events: Arc<Mutex<HashMap<String, (String, u32)>>>,
}

impl Received {
    pub fn snapshot(&self) -> HashMap<String, (String, u32)> {
        self.events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// Serves the receiver on a free loopback port; returns its URL.
pub async fn start(received: Received) -> Result<String, String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("receiver: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let app = Router::new()
        .route("/webhook", post(receive))
        .with_state(received);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(format!("http://{addr}/webhook"))
}

async fn receive(State(received): State<Received>, headers: HeaderMap, body: Bytes) -> StatusCode {
    // Unsigned deliveries would be a defect of their own: refuse them so they show as missing.
    if !headers.contains_key("stripe-signature") {
        return StatusCode::BAD_REQUEST;
    }
    let Ok(event) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let (Some(id), Some(kind)) = (event["id"].as_str(), event["type"].as_str()) else {
        return StatusCode::BAD_REQUEST;
    };
    let mut events = received.events.lock().unwrap_or_else(|p| p.into_inner());
    events
        .entry(id.to_owned())
        .or_insert((kind.to_owned(), 0))
        .1 += 1;
    StatusCode::OK
}
