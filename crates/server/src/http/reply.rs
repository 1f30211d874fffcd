//! Turning results into responses: JSON bodies, Stripe errors, and the idempotency headers.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use serde_json::value::RawValue;
use tender_wire::ApiError;

/// A finished API answer: status, JSON body and the idempotency headers to add.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub idempotency_key: Option<String>,
    /// `Original-Request` on replays and first requests made with a key.
    pub original_request: Option<String>,
    pub replayed: bool,
}

impl Reply {
    pub fn json(status: u16, body: &Value) -> Reply {
        Reply::text(status, body.to_string())
    }

    fn text(status: u16, body: String) -> Reply {
        Reply {
            status,
            body,
            idempotency_key: None,
            original_request: None,
            replayed: false,
        }
    }

    pub fn ok(body: &Value) -> Reply {
        Reply::json(200, body)
    }

    /// A 200 whose body is JSON text already (a stored body, a page of them), sent as it is.
    pub fn ok_text(body: Box<RawValue>) -> Reply {
        Reply::text(200, String::from(Box::<str>::from(body)))
    }

    pub fn error(error: &ApiError) -> Reply {
        Reply::json(error.status, &error.to_body())
    }
}

impl From<Result<Value, ApiError>> for Reply {
    fn from(result: Result<Value, ApiError>) -> Reply {
        match result {
            Ok(body) => Reply::ok(&body),
            Err(error) => Reply::error(&error),
        }
    }
}

impl From<Result<Box<RawValue>, ApiError>> for Reply {
    fn from(result: Result<Box<RawValue>, ApiError>) -> Reply {
        match result {
            Ok(body) => Reply::ok_text(body),
            Err(error) => Reply::error(&error),
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, self.body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Some(key) = self
            .idempotency_key
            .and_then(|k| HeaderValue::from_str(&k).ok())
        {
            headers.insert("idempotency-key", key);
            headers.insert(
                "idempotent-replayed",
                HeaderValue::from_static(if self.replayed { "true" } else { "false" }),
            );
        }
        if let Some(original) = self
            .original_request
            .and_then(|r| HeaderValue::from_str(&r).ok())
        {
            headers.insert("original-request", original);
        }
        if self.status == 401 {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"Stripe\""),
            );
        }
        if self.status >= 500 {
            // Our 5xx are deterministic failures, not transient ones: tell SDKs not to retry.
            headers.insert("stripe-should-retry", HeaderValue::from_static("false"));
        }
        response
    }
}

/// A Stripe error as a response.
pub fn error_response(error: &ApiError) -> Response {
    Reply::error(error).into_response()
}
