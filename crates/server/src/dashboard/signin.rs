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
use super::session::{
    Signed, clear_cookie, clear_signin_cookie, cookie_token, csrf_matches, set_cookie,
    signin_cookie, signin_cookie_token, signin_csrf_matches,
};
use crate::http::KeyKind;
use crate::state::AppState;
use tender_wire::id::random_base62;

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

/// The sign-in form's answer: `error` (with `status`) or none, and a form whose CSRF token is
/// `token`, also set as the pre-session cookie (double submit).
fn sign_in_page(error: Option<&str>, status: StatusCode, token: &str) -> Response {
    let mut response = document(
        "Sign in",
        html! {
            main.signin #main {
                h1 { "Sign in to the Tender dashboard" }
                @if let Some(error) = error { p.error role="alert" { (error) } }
                form method="post" action="/dashboard/sign_in" {
                    input type="hidden" name="csrf" value=(token);
                    label for="secret_key" { "Secret key of the account" }
                    input #secret_key name="secret_key" type="password" autocomplete="off" required placeholder="sk_test_…";
                    button type="submit" { "Sign in" }
                }
                p.muted { code { "tender dev" } " prints a link that signs you in without a key." }
            }
        },
    );
    *response.status_mut() = status;
    // The dashboard's pages send no referrer, which also makes a browser send `Origin: null`
    // with their forms; this one must send its real origin for `same_origin` to recognise it.
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if let Ok(cookie) = HeaderValue::from_str(&signin_cookie(token)) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// The pre-session token of the browser's cookie if it has a well-formed one, else a new one
/// (several open sign-in tabs share one).
fn signin_token(headers: &HeaderMap) -> String {
    signin_cookie_token(headers)
        .filter(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_alphanumeric()))
        .unwrap_or_else(|| random_base62(32))
}

pub async fn sign_in_form(headers: HeaderMap) -> Response {
    sign_in_page(None, StatusCode::OK, &signin_token(&headers))
}

/// Signs in with a secret key. Refused, before the key is read, unless the form's token is
/// the browser's pre-session cookie and the request comes from this server's own page (its
/// `Origin`, when the browser sends one): otherwise a page on another site could sign the
/// browser in to the attacker's account (login CSRF) and see what the victim then enters.
pub async fn sign_in(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = data::fields(&body);
    if !signin_csrf_matches(&headers, data::field(&form, "csrf")) || !same_origin(&headers) {
        // A new token: the refused one may be a forger's.
        return sign_in_page(
            Some("This sign-in form is out of date or came from another site. Try again."),
            StatusCode::FORBIDDEN,
            &random_base62(32),
        );
    }
    let token = signin_token(&headers);
    let key = data::field(&form, "secret_key").unwrap_or("");
    match state.accounts.resolve(key).await {
        Ok(Some((account, KeyKind::Secret))) => start_session(&state, account),
        _ => sign_in_page(
            Some("That is not the secret key of an account of this server."),
            StatusCode::UNAUTHORIZED,
            &token,
        ),
    }
}

/// Whether the request's `Origin` (if the browser sent one) is this server's own address as
/// the browser reached it (`Host`). A page on another port of the same host is another
/// origin, though the same site: it could write the pre-session cookie, but not this header.
/// `null` (what a page with `Referrer-Policy: no-referrer` or a sandboxed frame sends) is
/// refused: the sign-in page itself sends its origin (`Referrer-Policy: same-origin`).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let origin = origin.to_str().unwrap_or("");
    !host.is_empty() && (origin == format!("http://{host}") || origin == format!("https://{host}"))
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
        None => sign_in_page(
            Some("This sign-in link was used already or has expired."),
            StatusCode::UNAUTHORIZED,
            &random_base62(32),
        ),
    }
}

fn start_session(state: &AppState, account: Arc<tender_store::Account>) -> Response {
    let token = state.dashboard.create(account);
    let mut response = Redirect::to("/dashboard/payments").into_response();
    if let Ok(cookie) = HeaderValue::from_str(&set_cookie(&token)) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    // The pre-session token has served; the next sign-in form makes a new one.
    if let Ok(cookie) = HeaderValue::from_str(&clear_signin_cookie()) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
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
