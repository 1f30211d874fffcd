//! The pages outside a session: the API's front page (`GET /`), signing in (with a secret
//! key, or a one-time link `tender dev` prints) and signing out.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use super::actions::csrf_refused;
use super::data;
use super::layout::document;
use super::session::{Signed, clear_cookie, cookie_token, csrf_matches, set_cookie};
use crate::http::KeyKind;
use crate::state::AppState;

/// `GET /`: what this server is, and where to go.
pub async fn home() -> Response {
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

pub async fn sign_in_form() -> Response {
    sign_in_page(None)
}

pub async fn sign_in(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let form = data::fields(&body);
    let key = data::field(&form, "secret_key").unwrap_or("");
    match state.accounts.resolve(key).await {
        Ok(Some((account, KeyKind::Secret))) => start_session(&state, account),
        _ => sign_in_page(Some(
            "That is not the secret key of an account of this server.",
        )),
    }
}

pub async fn sign_in_link(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
) -> Response {
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

pub async fn sign_out(
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
