//! The dashboard (`/dashboard`): server-rendered pages over the account a browser signed in
//! to, and the API's front page (`GET /`). See `docs/decisions/0018-dashboard.md`.
//!
//! - `session`: sessions, the cookie and CSRF tokens; `signin`: `GET /`, sign-in and out;
//! - `layout`: the page shell and the security headers (a strict CSP);
//! - `data`: reads the pages share; `format`: amounts, times, badges;
//! - `pages/*`: one module per section; `sections`: the billing sections' routes;
//! - `actions`, `commands`: the forms that change things;
//! - `assets/`: the stylesheet and the small script (live lists, local times, theme).

mod actions;
mod commands;
mod data;
mod format;
mod layout;
mod pages;
mod sections;
mod session;
mod signin;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::Markup;

pub use session::Sessions;

use crate::http::RequestId;
use crate::state::AppState;
use actions::{Action, csrf_refused};
use layout::{message, page};
use session::{Session, Signed, csrf_matches};

const CSS: &str = include_str!("assets/dashboard.css");
const JS: &str = include_str!("assets/dashboard.js");

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(signin::home))
        .route(
            "/dashboard",
            get(|| async { Redirect::to("/dashboard/payments") }),
        )
        .route(
            "/dashboard/",
            get(|| async { Redirect::to("/dashboard/payments") }),
        )
        .route("/dashboard/assets/dashboard.css", get(css))
        .route("/dashboard/assets/dashboard.js", get(js))
        .route(
            "/dashboard/sign_in",
            get(signin::sign_in_form).post(signin::sign_in),
        )
        .route("/dashboard/sign_in/{token}", get(signin::sign_in_link))
        .route("/dashboard/sign_out", post(signin::sign_out))
        .route("/dashboard/go", get(go))
        .route("/dashboard/payments", get(payments))
        .route("/dashboard/payments/{id}", get(payment))
        .route("/dashboard/payments/{id}/{action}", post(payment_action))
        .route("/dashboard/customers", get(customers))
        .route("/dashboard/customers/{id}", get(customer))
        .route("/dashboard/events", get(events))
        .route("/dashboard/events/{id}", get(event))
        .route(
            "/dashboard/webhooks",
            get(webhooks).post(commands::create_endpoint),
        )
        .route("/dashboard/webhooks/{id}", get(webhook))
        .route("/dashboard/webhooks/{id}/secret", post(webhook_secret))
        .route("/dashboard/webhooks/{id}/{action}", post(webhook_action))
        .route("/dashboard/logs", get(logs))
        .route("/dashboard/logs/{id}", get(log))
        .route("/dashboard/developers", get(developers))
        .route("/dashboard/developers/reveal", post(reveal))
        .merge(sections::routes())
}

async fn css() -> Response {
    asset(CSS, "text/css; charset=utf-8")
}

async fn js() -> Response {
    asset(JS, "text/javascript; charset=utf-8")
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    layout::secure(headers);
    response
}

/// "Go to": an object's page by its id (a `Request-Id` leads to its log).
async fn go(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    RawQuery(query): RawQuery,
) -> Response {
    let q = query_fields(query);
    let mut id = data::field(&q, "id").unwrap_or("").to_owned();
    if id.starts_with("ch_") {
        // A charge's page is its payment's.
        let charge = data::object(state.store.as_ref(), &session.account.id, &id).await;
        match charge.as_ref().and_then(|c| c["payment_intent"].as_str()) {
            Some(intent) => id = intent.to_owned(),
            None => return not_found(&session),
        }
    }
    let encoded = percent_encoding::utf8_percent_encode(&id, pages::COMPONENT);
    let section = match id.split('_').next().unwrap_or("") {
        "pi" => "payments",
        "cus" => "customers",
        "sub" => "subscriptions",
        "in" => "invoices",
        "clock" => "test_clocks",
        "evt" => "events",
        "we" => "webhooks",
        "req" => "logs",
        _ => {
            return message(
                StatusCode::NOT_FOUND,
                "Not found",
                "Enter an id starting with pi_, ch_, cus_, sub_, in_, clock_, evt_, we_ or req_.",
                &session,
            );
        }
    };
    Redirect::to(&format!("/dashboard/{section}/{encoded}")).into_response()
}

pub(super) fn not_found(session: &Session) -> Response {
    message(
        StatusCode::NOT_FOUND,
        "Not found",
        "No such object in this account.",
        session,
    )
}

fn failed(session: &Session, error: &tender_store::StoreError) -> Response {
    tracing::warn!(%error, "dashboard: storage failure");
    message(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "The store could not be read.",
        session,
    )
}

fn query_fields(query: Option<String>) -> std::collections::HashMap<String, String> {
    data::fields(query.unwrap_or_default().as_bytes())
}

fn listed(
    title: &str,
    section: &str,
    session: &Session,
    result: Result<Markup, tender_store::StoreError>,
) -> Response {
    match result {
        Ok(content) => page(title, section, session, content),
        Err(error) => failed(session, &error),
    }
}

fn shown(title: &str, section: &str, session: &Session, content: Option<Markup>) -> Response {
    match content {
        Some(content) => page(title, section, session, content),
        None => not_found(session),
    }
}

async fn payments(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    RawQuery(q): RawQuery,
) -> Response {
    let result =
        pages::payments::list(state.store.as_ref(), &session.account.id, &query_fields(q)).await;
    listed("Payments", "Payments", &session, result)
}

async fn payment(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    Path(id): Path<String>,
) -> Response {
    let content = pages::payment::detail(state.store.as_ref(), &session, &id).await;
    shown("Payment", "Payments", &session, content)
}

async fn payment_action(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    Path((id, action)): Path<(String, String)>,
    request_id: Option<axum::Extension<RequestId>>,
    body: Bytes,
) -> Response {
    let Some(action) = Action::parse(&action) else {
        return not_found(&session);
    };
    // The session's own payments only (the API would answer another account's id as a bad
    // parameter; here it is simply not found).
    let intent = data::object(state.store.as_ref(), &session.account.id, &id).await;
    if intent.is_none_or(|pi| pi["object"] != "payment_intent") {
        return not_found(&session);
    }
    let request_id = request_id.map(|r| r.0.0.clone()).unwrap_or_default();
    actions::run(
        state,
        &session,
        request_id,
        &id,
        action,
        &data::fields(&body),
    )
    .await
}

async fn customers(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    RawQuery(q): RawQuery,
) -> Response {
    let result =
        pages::customers::list(state.store.as_ref(), &session.account.id, &query_fields(q)).await;
    listed("Customers", "Customers", &session, result)
}

async fn customer(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    Path(id): Path<String>,
) -> Response {
    let content = pages::customers::detail(state.store.as_ref(), &session.account.id, &id).await;
    shown("Customer", "Customers", &session, content)
}

async fn events(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    RawQuery(q): RawQuery,
) -> Response {
    let result =
        pages::events::list(state.store.as_ref(), &session.account.id, &query_fields(q)).await;
    listed("Events", "Events", &session, result)
}

async fn event(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    Path(id): Path<String>,
) -> Response {
    let content = pages::events::detail(state.store.as_ref(), &session, &id).await;
    shown("Event", "Events", &session, content)
}

async fn webhooks(State(state): State<Arc<AppState>>, Signed(session): Signed) -> Response {
    let result = pages::webhooks::list(state.store.as_ref(), &session).await;
    listed("Webhooks", "Webhooks", &session, result)
}

async fn webhook(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    Path(id): Path<String>,
) -> Response {
    let content = pages::webhooks::detail(state.store.as_ref(), &session, &id, false).await;
    shown("Webhook endpoint", "Webhooks", &session, content)
}

async fn webhook_secret(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if !csrf_matches(&session, data::field(&data::fields(&body), "csrf")) {
        return csrf_refused(&session);
    }
    let content = pages::webhooks::detail(state.store.as_ref(), &session, &id, true).await;
    shown("Webhook endpoint", "Webhooks", &session, content)
}

async fn webhook_action(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    Path((id, action)): Path<(String, String)>,
    request_id: Option<axum::Extension<RequestId>>,
    body: Bytes,
) -> Response {
    let Some(action) = actions::EndpointAction::parse(&action) else {
        return not_found(&session);
    };
    let endpoint = data::object(state.store.as_ref(), &session.account.id, &id).await;
    if endpoint.is_none_or(|e| e["endpoint"]["object"] != "webhook_endpoint") {
        return not_found(&session);
    }
    let request_id = request_id.map(|r| r.0.0.clone()).unwrap_or_default();
    actions::run_endpoint(
        state,
        &session,
        request_id,
        &id,
        action,
        &data::fields(&body),
    )
    .await
}

async fn logs(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    RawQuery(q): RawQuery,
) -> Response {
    let result =
        pages::logs::list(state.store.as_ref(), &session.account.id, &query_fields(q)).await;
    listed("Logs", "Logs", &session, result)
}

async fn log(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    Path(id): Path<String>,
) -> Response {
    let content = pages::logs::detail(state.store.as_ref(), &session.account.id, &id).await;
    shown("Request", "Logs", &session, content)
}

async fn developers(Signed(session): Signed) -> Response {
    page(
        "Developers",
        "Developers",
        &session,
        pages::developers::page(&session, false),
    )
}

async fn reveal(Signed(session): Signed, body: Bytes) -> Response {
    if !csrf_matches(&session, data::field(&data::fields(&body), "csrf")) {
        return csrf_refused(&session);
    }
    page(
        "Developers",
        "Developers",
        &session,
        pages::developers::page(&session, true),
    )
}
