//! The outermost layer every request passes: it names the request (`Request-Id`), sets the
//! headers every Stripe response carries, and logs one line when the response is ready.

use std::time::Instant;

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use tender_wire::id::random_base62;
use tracing::Instrument;

use crate::API_VERSION;

/// The `Request-Id` of the request being served, available to handlers as an extension.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

pub async fn request_layer(mut request: Request, next: Next) -> Response {
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
    tracing::info!(
        request_id = %request_id,
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        latency_us = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}
