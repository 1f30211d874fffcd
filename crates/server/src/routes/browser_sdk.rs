//! The browser SDK (`js/` at the repository root): a `Stripe()` global with Elements and the
//! Payment Element, so that Stripe's guide code runs against Tender with only its
//! `<script src>` changed. Served at `/v3/` like `https://js.stripe.com/v3/`, without an API
//! key: the SDK is public, and it learns the API's address from its own URL.
//!
//! The files are compiled into the binary, so a Tender server always serves the SDK that
//! matches its API.

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderName, header};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::state::AppState;

const STRIPE_JS: &str = include_str!("../../../../js/stripe.js");
const ELEMENT_HTML: &str = include_str!("../../../../js/payment-element.html");
const ELEMENT_JS: &str = include_str!("../../../../js/payment-element.js");
const TYPES: &str = include_str!("../../../../js/stripe.d.ts");

const JAVASCRIPT: &str = "application/javascript; charset=utf-8";

/// The Payment Element page holds card numbers: it may only talk to Tender itself (its own
/// origin), runs only its own script, and may be framed by any merchant page.
const ELEMENT_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; \
     frame-ancestors *";

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v3", get(sdk))
        .route("/v3/", get(sdk))
        .route("/v3/payment-element.html", get(element_page))
        .route("/v3/payment-element.js", get(element_script))
        .route("/v3/stripe.d.ts", get(types))
}

/// The headers every file gets: its type, cached briefly (a new Tender version is picked up
/// within minutes), and no content sniffing.
fn headers(content_type: &'static str) -> [(HeaderName, &'static str); 3] {
    [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, "public, max-age=300"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ]
}

async fn sdk() -> impl IntoResponse {
    (headers(JAVASCRIPT), STRIPE_JS)
}

async fn element_page() -> impl IntoResponse {
    (
        headers("text/html; charset=utf-8"),
        [
            (header::CONTENT_SECURITY_POLICY, ELEMENT_CSP),
            // The page's URL names the merchant's origin; no need to tell anyone else.
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        ELEMENT_HTML,
    )
}

async fn element_script() -> impl IntoResponse {
    (headers(JAVASCRIPT), ELEMENT_JS)
}

async fn types() -> impl IntoResponse {
    (headers("application/typescript; charset=utf-8"), TYPES)
}
