//! The [`Api`] extractor: everything an API handler needs before it starts — the caller's
//! account (from the key), the decoded parameters, and the request's identity.

use std::marker::PhantomData;
use std::sync::Arc;

use axum::body::{Bytes, to_bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::Response;
use sha2::{Digest, Sha256};
use tender_wire::form::Node;
use tender_wire::{ApiError, Params};

use super::deadline::is_body_timeout;
use super::layer::RequestId;
use super::reply::error_response;
use crate::ctx::Ctx;
use crate::request_logs::{Captured, LogSlot};
use crate::state::AppState;

/// Largest request body accepted. Real requests are a few KiB.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// Longest `Idempotency-Key` accepted, as on Stripe.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// Which kind of key authenticated the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    Secret,
    Publishable,
}

/// Which keys an endpoint accepts.
pub trait KeyPolicy: Send + Sync + 'static {
    const ALLOW_PUBLISHABLE: bool;
}

/// Secret keys only: the default for every endpoint.
pub struct SecretKeys;
impl KeyPolicy for SecretKeys {
    const ALLOW_PUBLISHABLE: bool = false;
}

/// Endpoints Stripe.js calls with a publishable key (the handler checks `client_secret` where
/// Stripe requires one).
pub struct ClientKeys;
impl KeyPolicy for ClientKeys {
    const ALLOW_PUBLISHABLE: bool = true;
}

/// An authenticated API request with its parameters decoded.
pub struct Api<P: KeyPolicy = SecretKeys> {
    pub ctx: Ctx,
    pub params: Params,
    /// Identifies the request for idempotency: method, path and parameters.
    pub fingerprint: String,
    policy: PhantomData<P>,
}

/// What the write path takes of a request (`pipeline::mutate`).
impl<P: KeyPolicy> From<Api<P>> for crate::pipeline::Request {
    fn from(api: Api<P>) -> Self {
        crate::pipeline::Request {
            ctx: api.ctx,
            params: api.params,
            fingerprint: api.fingerprint,
        }
    }
}

impl<P: KeyPolicy> FromRequest<Arc<AppState>> for Api<P> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &Arc<AppState>) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let request_id = parts
            .extensions
            .get::<RequestId>()
            .map(|r| r.0.clone())
            .unwrap_or_default();
        let body = to_bytes(body, MAX_BODY_BYTES)
            .await
            .map_err(|error| body_error(&error, state))?;
        // Shared (not copied) with the request's log, which decodes it later off this path.
        let input = Bytes::from(request_input(&parts.method, parts.uri.query(), &body));
        let decoded = Params::from_form(&input);

        // The key comes from the Authorization header or, as Stripe.js sends it, `key=pk_…`.
        let mut params = decoded.as_ref().ok().cloned().unwrap_or_default();
        let key = match header_key(&parts.headers) {
            Some(key) => Some(key),
            None => match params.take("key") {
                Some(Node::Leaf(key)) => Some(key),
                _ => None,
            },
        };
        let key = key.ok_or_else(|| error_response(&missing_key()))?;
        let (account, kind) = state
            .accounts
            .resolve(&key)
            .await
            .map_err(|e| error_response(&e))?
            .ok_or_else(|| error_response(&invalid_key(&key)))?;
        if let Some(slot) = parts.extensions.get::<LogSlot>() {
            let _ = slot.0.set(Captured {
                account: account.id.clone(),
                input: input.clone(),
                idempotency_key: parts
                    .headers
                    .get("idempotency-key")
                    .and_then(|v| v.to_str().ok())
                    .map(|k| k.chars().take(MAX_IDEMPOTENCY_KEY_LEN + 1).collect()),
            });
        }
        // Before anything is looked up or saved: a refused request leaves no idempotency
        // record, as on Stripe.
        if let Some(limiter) = &state.rate_limiter
            && !limiter.allow(&account.id)
        {
            return Err(rate_limited());
        }
        if kind == KeyKind::Publishable && !P::ALLOW_PUBLISHABLE {
            return Err(error_response(&publishable_key_refused()));
        }
        if let Err(error) = decoded {
            return Err(error_response(&error));
        }
        params.ignore(&["key"]);
        check_stripe_version(&parts.headers).map_err(|e| error_response(&e))?;
        let idempotency_key =
            idempotency_key(&parts.method, &parts.headers).map_err(|e| error_response(&e))?;

        let fingerprint = fingerprint(&parts.method, parts.uri.path(), &input);
        Ok(Api {
            ctx: Ctx::new(
                state.clone(),
                account,
                kind,
                request_id,
                idempotency_key,
                origin(&parts.headers),
            )
            .with_client(client(&parts)),
            params,
            fingerprint,
            policy: PhantomData,
        })
    }
}

/// The sender's address and user agent, for mandates accepted with `infer_from_client`.
fn client(parts: &axum::http::request::Parts) -> tender_core::mandate::Client {
    tender_core::mandate::Client {
        ip_address: parts
            .extensions
            .get::<super::serve::PeerAddr>()
            .map(|p| p.0.ip().to_string()),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(512).collect()),
    }
}

/// `http://<Host>`: the address the client used to reach us, so links we hand out work from
/// where the client is.
pub fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or("127.0.0.1:12111");
    format!("http://{host}")
}

/// GET and DELETE carry parameters in the query; POST in the body (the query is read too).
fn request_input(method: &Method, query: Option<&str>, body: &Bytes) -> Vec<u8> {
    let query = query.unwrap_or("").as_bytes();
    if method == Method::GET || method == Method::DELETE || body.is_empty() {
        return query.to_vec();
    }
    if query.is_empty() {
        return body.to_vec();
    }
    [query, b"&", body].concat()
}

/// `Authorization: Bearer <key>` or HTTP Basic with the key as the user name.
pub(crate) fn header_key(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, credentials) = value.split_once(' ')?;
    let credentials = credentials.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(credentials.to_owned());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = decode_base64(credentials)?;
        let decoded = String::from_utf8(decoded).ok()?;
        let user = decoded.split_once(':').map_or(decoded.as_str(), |(u, _)| u);
        return Some(user.to_owned());
    }
    None
}

/// Base64 as HTTP clients write Basic credentials: the standard alphabet or the URL-safe one,
/// with or without padding.
fn decode_base64(input: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    use base64::alphabet::{STANDARD, URL_SAFE};
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    GeneralPurpose::new(&STANDARD, config)
        .decode(input)
        .or_else(|_| GeneralPurpose::new(&URL_SAFE, config).decode(input))
        .ok()
}

/// 408 when the body did not arrive within the body timeout, else 413 (the size limit).
pub(crate) fn body_error(error: &axum::Error, state: &AppState) -> Response {
    if is_body_timeout(error) {
        let seconds = state.limits.body_timeout.as_secs_f64();
        let mut response = error_response(
            &ApiError::invalid_request(format!(
                "Timed out reading the request body: it must arrive within {seconds} seconds."
            ))
            .with_status(408),
        );
        // The rest of the body may still be on its way: this connection cannot be reused.
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return response;
    }
    error_response(
        &ApiError::invalid_request(format!(
            "Request body too large: the limit is {MAX_BODY_BYTES} bytes."
        ))
        .with_status(413),
    )
}

/// Stripe's answer over the rate limit. No `Stripe-Should-Retry`: Stripe's SDKs do not retry
/// rate-limited requests on their own, so that retries do not add to the load.
pub(crate) fn rate_limited() -> Response {
    let mut response = error_response(
        &ApiError::invalid_request(
            "Too many requests hit the API too quickly. We recommend an exponential backoff of \
             your requests.",
        )
        .with_status(429)
        .with_code("rate_limit"),
    );
    response.headers_mut().insert(
        "stripe-rate-limited-reason",
        HeaderValue::from_static("global-rate"),
    );
    response
}

fn missing_key() -> ApiError {
    ApiError::authentication(
        "You did not provide an API key. You need to provide your API key in the Authorization \
         header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See \
         https://stripe.com/docs/api#authentication for details, or we can help at \
         https://support.stripe.com/.",
    )
}

/// Names the key as Stripe does, masked but for its last four characters.
fn invalid_key(key: &str) -> ApiError {
    let prefix = [
        "sk_test_", "pk_test_", "rk_test_", "sk_live_", "pk_live_", "rk_live_",
    ]
    .into_iter()
    .find(|p| key.starts_with(p))
    .unwrap_or("");
    let chars: Vec<char> = key.chars().collect();
    let last4: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    ApiError::authentication(format!("Invalid API Key provided: {prefix}****{last4}"))
        .with_code("api_key_invalid")
}

fn publishable_key_refused() -> ApiError {
    ApiError::authentication(
        "This API call cannot be made with a publishable API key. Please use a secret API key. \
         You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.",
    )
    .with_code("secret_key_required")
}

/// Any dated version (`2026-10-28.endive`, `2020-08-27`) is accepted: Tender renders one
/// superset shape that every version's SDK reads.
fn check_stripe_version(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get("stripe-version") else {
        return Ok(());
    };
    let version = value.to_str().unwrap_or("");
    let (date, name) = version.split_once('.').unwrap_or((version, "a"));
    let date_ok = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let name_ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase());
    if date_ok && name_ok {
        Ok(())
    } else {
        Err(ApiError::invalid_request(format!(
            "Invalid Stripe API version: {version}"
        )))
    }
}

fn idempotency_key(method: &Method, headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    // Keys on GET and DELETE have no effect: those are idempotent by definition.
    if method != Method::POST {
        return Ok(None);
    }
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .map_err(|_| ApiError::invalid_request("Invalid Idempotency-Key header."))?;
    if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_LEN {
        return Err(ApiError::invalid_request(format!(
            "Idempotency-Key must be between 1 and {MAX_IDEMPOTENCY_KEY_LEN} characters long."
        )));
    }
    Ok(Some(key.to_owned()))
}

fn fingerprint(method: &Method, path: &str, input: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method.as_str().as_bytes());
    hasher.update(b" ");
    hasher.update(path.as_bytes());
    hasher.update(b"\n");
    for (n, pair) in input.split(|b| *b == b'&').enumerate() {
        if n > 0 {
            hasher.update(b"&");
        }
        hasher.update(without_card_secret(pair));
    }
    hex::encode(hasher.finalize())
}

/// A `name=value` pair, with the value left out if it is a card number or CVC.
///
/// The fingerprint is stored with the idempotency key; a plain hash over a card number, next
/// to the brand, last four digits and expiry that the same row's response shows, could be
/// reversed by trying the few missing digits. So those two values never enter it: a retry
/// that changes only the card number replays instead of failing with a mismatch, a small price.
fn without_card_secret(pair: &[u8]) -> &[u8] {
    let name_end = pair.iter().position(|b| *b == b'=').unwrap_or(pair.len());
    let name = percent_encoding::percent_decode(&pair[..name_end]).collect::<Vec<u8>>();
    if name.ends_with(b"[number]") || name.ends_with(b"[cvc]") {
        &pair[..name_end]
    } else {
        pair
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_leave_out_card_numbers_and_cvcs() {
        let post = Method::POST;
        let with = |number: &str, cvc: &str, amount: &str| {
            fingerprint(
                &post,
                "/v1/payment_methods",
                format!("type=card&card%5Bnumber%5D={number}&card[cvc]={cvc}&amount={amount}")
                    .as_bytes(),
            )
        };
        assert_eq!(
            with("4242424242424242", "123", "1"),
            with("4000000000000002", "999", "1")
        );
        assert_ne!(
            with("4242424242424242", "123", "1"),
            with("4242424242424242", "123", "2")
        );
        assert_eq!(without_card_secret(b"card[number]=4242"), b"card[number]");
        assert_eq!(without_card_secret(b"number=4242"), b"number=4242");
        assert_eq!(without_card_secret(b"a%5Bcvc%5D=1"), b"a%5Bcvc%5D");
    }

    #[test]
    fn basic_auth_decodes_the_user() {
        let mut headers = HeaderMap::new();
        // "sk_test_abc:" in base64
        headers.insert(
            header::AUTHORIZATION,
            "Basic c2tfdGVzdF9hYmM6"
                .parse()
                .unwrap_or(header::HeaderValue::from_static("")),
        );
        assert_eq!(header_key(&headers).as_deref(), Some("sk_test_abc"));
    }

    #[test]
    fn invalid_keys_are_masked() {
        assert_eq!(
            invalid_key("sk_test_1234567890wxyz").message,
            "Invalid API Key provided: sk_test_****wxyz"
        );
    }

    #[test]
    fn versions() {
        let mut headers = HeaderMap::new();
        for (version, ok) in [
            ("2026-10-28.endive", true),
            ("2020-08-27", true),
            ("latest", false),
            ("2020-8-27", false),
        ] {
            headers.insert(
                "stripe-version",
                version
                    .parse()
                    .unwrap_or(header::HeaderValue::from_static("")),
            );
            assert_eq!(check_stripe_version(&headers).is_ok(), ok, "{version}");
        }
    }
}
