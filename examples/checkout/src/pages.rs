//! The pages and their scripts, compiled into the binary. Pages carry two placeholders,
//! filled once at start: the Stripe.js `<script src>` (Stripe's or Tender's SDK) and the
//! publishable key.

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

/// Every page: its path and its HTML.
const PAGES: &[(&str, &str)] = &[
    ("/", include_str!("../static/index.html")),
    ("/checkout", include_str!("../static/checkout.html")),
    ("/intent-first", include_str!("../static/intent-first.html")),
    (
        "/deferred-client",
        include_str!("../static/deferred-client.html"),
    ),
    ("/two-step", include_str!("../static/two-step.html")),
    ("/two-step/review", include_str!("../static/review.html")),
    ("/save-card", include_str!("../static/save-card.html")),
    ("/subscribe", include_str!("../static/subscribe.html")),
];

/// Served by `routes` only for an order that exists; the rest get the not-found page.
const ORDER_PAGE: &str = include_str!("../static/order.html");
const MEMBERSHIP_PAGE: &str = include_str!("../static/membership.html");
const NOT_FOUND_PAGE: &str = include_str!("../static/not-found.html");

const JAVASCRIPT: &str = "application/javascript; charset=utf-8";

/// Scripts and styles under `/static/`.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "shop.css",
        "text/css; charset=utf-8",
        include_str!("../static/shop.css"),
    ),
    ("shop.js", JAVASCRIPT, include_str!("../static/shop.js")),
    (
        "checkout.js",
        JAVASCRIPT,
        include_str!("../static/checkout.js"),
    ),
    (
        "intent-first.js",
        JAVASCRIPT,
        include_str!("../static/intent-first.js"),
    ),
    (
        "deferred-client.js",
        JAVASCRIPT,
        include_str!("../static/deferred-client.js"),
    ),
    (
        "two-step.js",
        JAVASCRIPT,
        include_str!("../static/two-step.js"),
    ),
    ("review.js", JAVASCRIPT, include_str!("../static/review.js")),
    (
        "save-card.js",
        JAVASCRIPT,
        include_str!("../static/save-card.js"),
    ),
    ("order.js", JAVASCRIPT, include_str!("../static/order.js")),
    (
        "subscribe.js",
        JAVASCRIPT,
        include_str!("../static/subscribe.js"),
    ),
    (
        "membership.js",
        JAVASCRIPT,
        include_str!("../static/membership.js"),
    ),
];

/// The pages, rendered for one configuration.
pub struct Pages {
    rendered: Vec<(&'static str, String)>,
    /// `/orders/{id}` of an order the shop has.
    order: String,
    /// `/membership/{id}` of a membership the shop has.
    membership: String,
    /// Any other address: a page a shopper can find their way back from, with a 404.
    not_found: String,
}

impl Pages {
    pub fn render(js_url: &str, publishable_key: &str) -> Pages {
        let fill = |html: &str| {
            html.replace("{{STRIPE_JS_URL}}", &escape(js_url))
                .replace("{{PUBLISHABLE_KEY}}", &escape(publishable_key))
        };
        Pages {
            rendered: PAGES
                .iter()
                .map(|(path, html)| (*path, fill(html)))
                .collect(),
            order: fill(ORDER_PAGE),
            membership: fill(MEMBERSHIP_PAGE),
            not_found: fill(NOT_FOUND_PAGE),
        }
    }

    pub fn routes<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        let mut router = Router::new();
        for (path, page) in &self.rendered {
            let page = page.clone();
            router = router.route(path, get(move || async move { Html(page) }));
        }
        for (name, content_type, body) in ASSETS {
            router = router.route(
                &format!("/static/{name}"),
                get(move || async move { ([(header::CONTENT_TYPE, *content_type)], *body) }),
            );
        }
        router.route("/favicon.ico", get(|| async { ().into_response() }))
    }

    /// The order page, for an order that exists.
    pub fn order(&self) -> Response {
        Html(self.order.clone()).into_response()
    }

    /// The membership's manage page, for a membership that exists.
    pub fn membership(&self) -> Response {
        Html(self.membership.clone()).into_response()
    }

    /// The not-found page with its status, for the router's fallback and unknown orders.
    pub fn not_found(&self) -> Response {
        (StatusCode::NOT_FOUND, Html(self.not_found.clone())).into_response()
    }
}

/// For attribute values: the configured strings are not trusted to be HTML-safe.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn every_page_gets_the_script_url_and_key() {
        let pages = Pages::render("http://127.0.0.1:12111/v3/", "pk_test_x\"y");
        for (path, page) in &pages.rendered {
            assert!(!page.contains("{{"), "{path} has an unfilled placeholder");
        }
        assert!(!pages.order.contains("{{"));
        assert!(!pages.membership.contains("{{"));
        assert!(!pages.not_found.contains("{{"));
        let checkout = &pages.rendered[1].1;
        assert!(checkout.contains(r#"src="http://127.0.0.1:12111/v3/""#));
        assert!(checkout.contains("pk_test_x&quot;y"));
    }
}
