//! The outermost layer every request passes: it names the request (`Request-Id`), sets the
//! headers every Stripe response carries, logs one line when the response is ready, and hands
//! an API request's log to the request-log writer (`crate::request_logs`).

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use tender_wire::id::random_base62;
use tracing::Instrument;

use super::serve::PeerAddr;
use crate::API_VERSION;
use crate::request_logs::{Finished, LogSlot, now_ms};
use crate::state::AppState;

/// The `Request-Id` of the request being served, available to handlers as an extension.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

pub async fn request_layer(
    State(state): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let request_id = format!("req_{}", random_base62(14));
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let version = request
        .headers()
        .get("stripe-version")
        .cloned()
        .unwrap_or(HeaderValue::from_static(API_VERSION));
    request
        .extensions_mut()
        .insert(RequestId(request_id.clone()));
    // Only API requests are logged; the slot stays empty unless the key names an account.
    let logged = (state.request_logs.enabled() && path.starts_with("/v1/")).then(|| {
        let slot = LogSlot::default();
        request.extensions_mut().insert(slot.clone());
        let peer = request
            .extensions()
            .get::<PeerAddr>()
            .map(|p| p.0.ip().to_string());
        (slot, peer, user_agent(request.headers()), now_ms())
    });

    let span = tracing::info_span!("request", id = %request_id);
    let mut response = next.run(request).instrument(span).await;

    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert("request-id", value);
    }
    headers.insert("stripe-version", version);
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache, no-store"),
    );
    let latency_us = started.elapsed().as_micros() as i64;
    tracing::info!(
        request_id = %request_id,
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        latency_us,
        "request"
    );
    let Some((slot, source_ip, user_agent, created_ms)) = logged else {
        return response;
    };
    let Some(captured) = slot.0.get().cloned() else {
        return response;
    };
    let (parts, body) = response.into_parts();
    // API answers are whole JSON bodies already in memory: collecting them costs no wait.
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_else(|_| Bytes::new());
    let replayed = parts
        .headers
        .get("idempotent-replayed")
        .is_some_and(|v| v.as_bytes() == b"true");
    state.request_logs.record(Finished {
        captured,
        request_id,
        created_ms,
        method: method.to_string(),
        path,
        status: parts.status.as_u16(),
        replayed,
        latency_us,
        source_ip,
        user_agent,
        response: bytes.clone(),
    });
    Response::from_parts(parts, Body::from(bytes))
}

fn user_agent(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(512).collect())
}
