//! The middleware that strikes requests matching an armed fault. It runs inside the request
//! layer (so a struck request still has its `Request-Id` and log line) and outside the routes.
//!
//! Faults never bend Tender's guarantees: a `before` fault keeps the request from the
//! handler entirely; an `after` fault lets the handler run to its commit (writes, events,
//! the saved idempotent answer) and only then takes the answer away, so the client's retry
//! with the same `Idempotency-Key` is replayed the saved answer by the ordinary pipeline.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use percent_encoding::percent_decode_str;
use tender_core::fault::{FaultKind, Phase, Target};
use tender_wire::ApiError;

use crate::http::api::{MAX_BODY_BYTES, body_error, header_key, rate_limited};
use crate::http::{ConnectionAbort, error_response};
use crate::pipeline::{key_in_use, lock_timeout};
use crate::state::AppState;

/// The faults' own endpoints are never struck: a test can always disarm what it armed.
const EXEMPT: &str = "/v1/test_helpers/faults";

pub async fn strike(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if !state.faults.any() || !path.starts_with("/v1/") || path.starts_with(EXEMPT) {
        return next.run(request).await;
    }
    let header = header_key(request.headers());
    let (request, params) = match &header {
        Some(key) => match account_of(&state, key).await {
            Some(account) if state.faults.needs_params(&account) => {
                match with_params(request, &state).await {
                    Ok(read) => read,
                    Err(response) => return response,
                }
            }
            Some(_) => (request, Vec::new()),
            None => return next.run(request).await,
        },
        // Stripe.js sends its publishable key as the `key` parameter.
        None => match with_params(request, &state).await {
            Ok(read) => read,
            Err(response) => return response,
        },
    };
    let key = header.or_else(|| {
        params
            .iter()
            .find(|(name, _)| name == "key")
            .map(|(_, value)| value.clone())
    });
    let Some(account) = (match &key {
        Some(key) => account_of(&state, key).await,
        None => None,
    }) else {
        return next.run(request).await;
    };
    let method = request.method().as_str().to_owned();
    let target = Target {
        method: &method,
        path: &path,
        params: &params,
    };
    let Some(fault) = state.faults.strike(&account, &target, state.clock.now()) else {
        return next.run(request).await;
    };
    let (kind, phase) = (fault.spec.kind, fault.spec.phase);
    tracing::info!(fault = %fault.id, kind = kind.as_str(), phase = phase.as_str(), "fault injected");
    let duration = Duration::from_millis(fault.spec.duration_ms.unwrap_or(0));
    if kind == FaultKind::Latency {
        if phase == Phase::Before {
            tokio::time::sleep(duration).await;
            return next.run(request).await;
        }
        let response = next.run(request).await;
        tokio::time::sleep(duration).await;
        return response;
    }
    let abort = request.extensions().get::<ConnectionAbort>().cloned();
    let idempotency_key = request
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if phase == Phase::After {
        // The request is handled in full; its answer is what the client loses.
        drop(next.run(request).await);
    }
    match kind {
        FaultKind::ApiError => {
            let mut response = error_response(&ApiError::internal());
            response
                .headers_mut()
                .insert("stripe-should-retry", HeaderValue::from_static("true"));
            response
        }
        FaultKind::RateLimit => rate_limited(),
        FaultKind::LockTimeout => error_response(&lock_timeout()),
        FaultKind::IdempotencyKeyInUse => error_response(&key_in_use(&idempotency_key)),
        FaultKind::Timeout => {
            tokio::time::sleep(duration).await;
            close(abort).await
        }
        FaultKind::ConnectionReset | FaultKind::Latency => close(abort).await,
    }
}

async fn account_of(state: &AppState, key: &str) -> Option<String> {
    match state.accounts.resolve(key).await {
        Ok(Some((account, _))) => Some(account.id.clone()),
        _ => None,
    }
}

/// Closes the client's connection without an answer. The connection's task drops it; this
/// request's future is dropped with it, so it never answers.
async fn close(abort: Option<ConnectionAbort>) -> Response {
    match abort {
        Some(abort) => {
            abort.close();
            std::future::pending().await
        }
        // Served without the accept loop (no connection to close): the nearest answer.
        None => error_response(&ApiError::internal()),
    }
}

/// Reads the body (as the `Api` extractor would, same limits) to see the request's
/// parameters, and puts it back for the handler.
async fn with_params(
    request: Request,
    state: &AppState,
) -> Result<(Request, Vec<(String, String)>), Response> {
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|error| body_error(&error, state))?;
    let mut params = pairs(parts.uri.query().unwrap_or(""));
    params.extend(pairs(&String::from_utf8_lossy(&bytes)));
    Ok((Request::from_parts(parts, Body::from(bytes)), params))
}

/// `a=1&b%5Bc%5D=2` as decoded (name, value) pairs.
fn pairs(form: &str) -> Vec<(String, String)> {
    let decode = |text: &str| {
        percent_decode_str(&text.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    form.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::pairs;

    #[test]
    fn form_pairs_are_decoded() {
        assert_eq!(
            pairs("a=1&metadata%5Border%5D=4+2&flag&&x=%E2%82%AC"),
            vec![
                ("a".to_owned(), "1".to_owned()),
                ("metadata[order]".to_owned(), "4 2".to_owned()),
                ("flag".to_owned(), String::new()),
                ("x".to_owned(), "€".to_owned()),
            ]
        );
    }
}
