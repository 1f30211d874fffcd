//! [`Path`]: axum's path extractor, refusing a malformed path segment (an id that is not
//! UTF-8, such as `/v1/customers/%FF`) with Stripe's JSON error instead of axum's plain text.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;
use serde::de::DeserializeOwned;
use tender_wire::ApiError;

use super::reply::error_response;

/// The path's parameters, as `axum::extract::Path` reads them.
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            // No route names an object this way: the URL is not one the API knows, which is
            // how Stripe answers a malformed id.
            Err(_) => Err(error_response(&ApiError::unrecognized_url(
                parts.method.as_str(),
                parts.uri.path(),
            ))),
        }
    }
}
