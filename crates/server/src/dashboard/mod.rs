//! The dashboard (`/dashboard`): server-rendered pages over the account a browser signed in
//! to, and the API's front page (`GET /`). See `docs/decisions/0018-dashboard.md`.
//!
//! - `session`: sign-in, the session cookie and CSRF tokens;
//! - `layout`: the page shell and the security headers (a strict CSP);
//! - `data`: reads the pages share; `format`: amounts, times, badges;
//! - `pages/*`: one module per section; `actions`: the forms that change things;
//! - `assets/`: the stylesheet and the small script (live lists, local times, theme).

mod actions;
mod data;
mod format;
mod layout;
mod pages;
mod session;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};

pub use session::Sessions;

use crate::http::{KeyKind, RequestId};
use crate::state::AppState;
use actions::{Action, csrf_refused};
use layout::{document, message, page};
use session::{Session, Signed, clear_cookie, cookie_token, csrf_matches, set_cookie};

const CSS: &str = include_str!("assets/dashboard.css");
const JS: &str = include_str!("assets/dashboard.js");

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(home))
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
        .route("/dashboard/sign_in", get(sign_in_form).post(sign_in))
        .route("/dashboard/sign_in/{token}", get(sign_in_link))
        .route("/dashboard/sign_out", post(sign_out))
        .route("/dashboard/go", get(go))
        .route("/dashboard/payments", get(payments))
        .route("/dashboard/payments/{id}", get(payment))
        .route("/dashboard/payments/{id}/{action}", post(payment_action))
        .route("/dashboard/customers", get(customers))
        .route("/dashboard/customers/{id}", get(customer))
        .route("/dashboard/events", get(events))
        .route("/dashboard/events/{id}", get(event))
        .route("/dashboard/webhooks", get(webhooks))
        .route("/dashboard/webhooks/{id}", get(webhook))
        .route("/dashboard/webhooks/{id}/secret", post(webhook_secret))
        .route("/dashboard/webhooks/{id}/{action}", post(webhook_action))
        .route("/dashboard/logs", get(logs))
        .route("/dashboard/logs/{id}", get(log))
        .route("/dashboard/developers", get(developers))
        .route("/dashboard/developers/reveal", post(reveal))
}

/// `GET /`: what this server is, and where to go.
async fn home() -> Response {
    document(
        "Tender",
        html! {
            main.home #main {
                h1 { "Tender" }
                p { "A payments server that speaks Stripe's API." }
                ul {
                    li { a href="/dashboard" { "Dashboard" } " — payments, events, webhooks and request logs" }
                    li { a href="/v3/" { "/v3/" } " — the browser SDK (Stripe.js)" }
                    li { "The API is at " code { "/v1/" } "; see the project's README and docs/COMPATIBILITY.md." }
                }
            }
        },
    )
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

fn sign_in_page(error: Option<&str>) -> Response {
    let mut response = document(
        "Sign in",
        html! {
            main.signin #main {
                h1 { "Sign in to the Tender dashboard" }
                @if let Some(error) = error { p.error role="alert" { (error) } }
                form method="post" action="/dashboard/sign_in" {
                    label for="secret_key" { "Secret key of the account" }
                    input #secret_key name="secret_key" type="password" autocomplete="off" required placeholder="sk_test_…";
                    button type="submit" { "Sign in" }
                }
                p.muted { code { "tender dev" } " prints a link that signs you in without a key." }
            }
        },
    );
    if error.is_some() {
        *response.status_mut() = StatusCode::UNAUTHORIZED;
    }
    response
}

async fn sign_in_form() -> Response {
    sign_in_page(None)
}

async fn sign_in(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let form = data::fields(&body);
    let key = data::field(&form, "secret_key").unwrap_or("");
    match state.accounts.resolve(key).await {
        Ok(Some((account, KeyKind::Secret))) => start_session(&state, account),
        _ => sign_in_page(Some(
            "That is not the secret key of an account of this server.",
        )),
    }
}

async fn sign_in_link(State(state): State<Arc<AppState>>, Path(token): Path<String>) -> Response {
    let account = match state.dashboard.redeem(&token) {
        Some(id) => state.accounts.by_id(&id).await.ok().flatten(),
        None => None,
    };
    match account {
        Some(account) => start_session(&state, account),
        None => sign_in_page(Some("This sign-in link was used already or has expired.")),
    }
}

fn start_session(state: &AppState, account: Arc<tender_store::Account>) -> Response {
    let token = state.dashboard.create(account);
    let mut response = Redirect::to("/dashboard/payments").into_response();
    if let Ok(cookie) = HeaderValue::from_str(&set_cookie(&token)) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

async fn sign_out(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !csrf_matches(&session, data::field(&data::fields(&body), "csrf")) {
        return csrf_refused(&session);
    }
    if let Some(token) = cookie_token(&headers) {
        state.dashboard.remove(&token);
    }
    let mut response = Redirect::to("/dashboard/sign_in").into_response();
    if let Ok(cookie) = HeaderValue::from_str(&clear_cookie()) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
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
        "evt" => "events",
        "we" => "webhooks",
        "req" => "logs",
        _ => {
            return message(
                StatusCode::NOT_FOUND,
                "Not found",
                "Enter an id starting with pi_, ch_, cus_, evt_, we_ or req_.",
                &session,
            );
        }
    };
    Redirect::to(&format!("/dashboard/{section}/{encoded}")).into_response()
}

fn not_found(session: &Session) -> Response {
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
    let content = pages::events::detail(state.store.as_ref(), &session.account.id, &id).await;
    shown("Event", "Events", &session, content)
}

async fn webhooks(State(state): State<Arc<AppState>>, Signed(session): Signed) -> Response {
    let result = pages::webhooks::list(state.store.as_ref(), &session.account.id).await;
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
