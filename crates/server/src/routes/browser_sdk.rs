//! The browser SDK (`js/` at the repository root): a `Stripe()` global with Elements (the
//! Payment Element, the Card Element family and the Address Element), so that Stripe's guide code and Stripe's own
//! front-end libraries run against Tender with only the `<script src>` changed. Served at `/v3/` like `https://js.stripe.com/v3/`, without an API
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

/// The SDK: the files of `js/sdk/`, in this order, as one script inside one function, so
/// that they share their declarations and only `Stripe` reaches the page's globals. Each file
/// uses what the ones before it declare.
const STRIPE_JS: &str = concat!(
    "(function () {\n'use strict';\n",
    include_str!("../../../../js/sdk/base.js"),
    include_str!("../../../../js/sdk/api.js"),
    include_str!("../../../../js/sdk/challenge.js"),
    include_str!("../../../../js/sdk/frame-element.js"),
    include_str!("../../../../js/sdk/card-elements.js"),
    include_str!("../../../../js/sdk/address-element.js"),
    include_str!("../../../../js/sdk/elements.js"),
    include_str!("../../../../js/sdk/stripe.js"),
    include_str!("../../../../js/sdk/card-payments.js"),
    include_str!("../../../../js/sdk/export.js"),
    "})();\n",
);
/// What the iframes share (origin check, messages, card rules), loaded before their own, and
/// the API calls, which the SDK shares with them.
const FRAME_COMMON_JS: &str = include_str!("../../../../js/frame-common.js");
const API_JS: &str = include_str!("../../../../js/sdk/api.js");
const ELEMENT_HTML: &str = include_str!("../../../../js/payment-element.html");
const ELEMENT_JS: &str = include_str!("../../../../js/payment-element.js");
const ELEMENT_LAYOUT_JS: &str = include_str!("../../../../js/payment-element-layout.js");
const ELEMENT_DATA_JS: &str = include_str!("../../../../js/payment-element-data.js");
const ELEMENT_FIELDS_JS: &str = include_str!("../../../../js/payment-element-fields.js");
const ELEMENT_SAVED_JS: &str = include_str!("../../../../js/payment-element-saved.js");
const CARD_ELEMENT_HTML: &str = include_str!("../../../../js/card-element.html");
const CARD_ELEMENT_JS: &str = include_str!("../../../../js/card-element.js");
const ADDRESS_ELEMENT_HTML: &str = include_str!("../../../../js/address-element.html");
const ADDRESS_ELEMENT_JS: &str = include_str!("../../../../js/address-element.js");
const ADDRESS_COUNTRIES_JS: &str = include_str!("../../../../js/address-countries.js");
const TYPES: &str = include_str!("../../../../js/stripe.d.ts");

const JAVASCRIPT: &str = "application/javascript; charset=utf-8";

/// The Elements' pages hold card numbers: they may only talk to Tender itself (their own
/// origin), run only their own scripts, and may be framed by any merchant page.
const ELEMENT_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; \
     frame-ancestors *";

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v3", get(|| script(STRIPE_JS)))
        .route("/v3/", get(|| script(STRIPE_JS)))
        .route("/v3/frame-common.js", get(|| script(FRAME_COMMON_JS)))
        .route("/v3/api.js", get(|| script(API_JS)))
        .route("/v3/payment-element.html", get(|| frame_page(ELEMENT_HTML)))
        .route("/v3/payment-element.js", get(|| script(ELEMENT_JS)))
        .route(
            "/v3/payment-element-layout.js",
            get(|| script(ELEMENT_LAYOUT_JS)),
        )
        .route(
            "/v3/payment-element-data.js",
            get(|| script(ELEMENT_DATA_JS)),
        )
        .route(
            "/v3/payment-element-fields.js",
            get(|| script(ELEMENT_FIELDS_JS)),
        )
        .route(
            "/v3/payment-element-saved.js",
            get(|| script(ELEMENT_SAVED_JS)),
        )
        .route(
            "/v3/card-element.html",
            get(|| frame_page(CARD_ELEMENT_HTML)),
        )
        .route("/v3/card-element.js", get(|| script(CARD_ELEMENT_JS)))
        .route(
            "/v3/address-element.html",
            get(|| frame_page(ADDRESS_ELEMENT_HTML)),
        )
        .route("/v3/address-element.js", get(|| script(ADDRESS_ELEMENT_JS)))
        .route(
            "/v3/address-countries.js",
            get(|| script(ADDRESS_COUNTRIES_JS)),
        )
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

async fn script(source: &'static str) -> impl IntoResponse {
    (headers(JAVASCRIPT), source)
}

/// An Element's iframe page, with its CSP.
async fn frame_page(page: &'static str) -> impl IntoResponse {
    (
        headers("text/html; charset=utf-8"),
        [
            (header::CONTENT_SECURITY_POLICY, ELEMENT_CSP),
            // The page's URL names the merchant's origin; no need to tell anyone else.
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        page,
    )
}

async fn types() -> impl IntoResponse {
    (headers("application/typescript; charset=utf-8"), TYPES)
}
