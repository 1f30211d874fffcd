//! Dashboard sessions: a cookie bound to one account, and a CSRF token per session.
//!
//! A session is created by signing in with the account's secret key (or by a one-time link
//! `tender dev` prints) and lives in this node's memory: the cookie holds only a random token,
//! `HttpOnly` (no script reads it) and `SameSite=Strict` (no other site's page sends it).
//! Every form that changes something carries the session's CSRF token, compared in constant
//! time; `SameSite` alone would leave same-site pages (another port of localhost) able to post.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use subtle::ConstantTimeEq;
use tender_store::Account;
use tender_wire::id::random_base62;

use crate::state::AppState;

pub const COOKIE: &str = "tender_dashboard";
/// The sign-in form's pre-session cookie: its value is the form's CSRF token.
pub const SIGNIN_COOKIE: &str = "tender_signin";
/// A session ends this long after it was last used.
const IDLE: Duration = Duration::from_secs(12 * 60 * 60);
/// A one-time sign-in link works this long.
const LINK: Duration = Duration::from_secs(60 * 60);

/// A signed-in browser: its account and CSRF token.
#[derive(Clone, Debug)]
pub struct Session {
    pub account: Arc<Account>,
    pub csrf: String,
}

struct Entry {
    session: Session,
    last_used: Instant,
}

/// Sessions and one-time sign-in tokens of this node.
#[derive(Default)]
pub struct Sessions {
    sessions: Mutex<HashMap<String, Entry>>,
    /// Token → (account id, issued).
    links: Mutex<HashMap<String, (String, Instant)>>,
}

impl Sessions {
    /// A new session for `account`; returns the cookie's token.
    pub fn create(&self, account: Arc<Account>) -> String {
        let token = random_base62(32);
        let session = Session {
            account,
            csrf: random_base62(32),
        };
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        sessions.retain(|_, e| e.last_used.elapsed() < IDLE);
        sessions.insert(
            token.clone(),
            Entry {
                session,
                last_used: Instant::now(),
            },
        );
        token
    }

    pub fn get(&self, token: &str) -> Option<Session> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        let entry = sessions.get_mut(token)?;
        if entry.last_used.elapsed() >= IDLE {
            sessions.remove(token);
            return None;
        }
        entry.last_used = Instant::now();
        Some(entry.session.clone())
    }

    pub fn remove(&self, token: &str) {
        self.sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(token);
    }

    /// A token for `/dashboard/sign_in/{token}`, which signs a browser into `account_id`
    /// once, within the hour.
    pub fn one_time_token(&self, account_id: &str) -> String {
        let token = random_base62(32);
        let mut links = self.links.lock().unwrap_or_else(|p| p.into_inner());
        links.retain(|_, (_, issued)| issued.elapsed() < LINK);
        links.insert(token.clone(), (account_id.to_owned(), Instant::now()));
        token
    }

    /// The account a one-time token names, consuming the token.
    pub fn redeem(&self, token: &str) -> Option<String> {
        let mut links = self.links.lock().unwrap_or_else(|p| p.into_inner());
        let (account, issued) = links.remove(token)?;
        (issued.elapsed() < LINK).then_some(account)
    }
}

/// The `Set-Cookie` value that starts a session.
pub fn set_cookie(token: &str) -> String {
    format!("{COOKIE}={token}; Path=/dashboard; HttpOnly; SameSite=Strict")
}

/// The `Set-Cookie` value that ends one.
pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// The `Set-Cookie` value of the sign-in form's token (only sent back to the sign-in path).
pub fn signin_cookie(token: &str) -> String {
    format!("{SIGNIN_COOKIE}={token}; Path=/dashboard/sign_in; HttpOnly; SameSite=Strict")
}

pub fn clear_signin_cookie() -> String {
    format!("{SIGNIN_COOKIE}=; Path=/dashboard/sign_in; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// The session token of a request's cookie, if any.
pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    named_cookie(headers, COOKIE)
}

/// The sign-in form's token of a request's cookie, if any.
pub fn signin_cookie_token(headers: &HeaderMap) -> Option<String> {
    named_cookie(headers, SIGNIN_COOKIE)
}

fn named_cookie(headers: &HeaderMap, cookie: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == cookie)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

/// Whether a sign-in form's token is the one of the browser's pre-session cookie (the double
/// submit: another site can make the browser post, but cannot read the page's token; a page
/// of the same site could write the cookie, which the sign-in's `Origin` check answers).
pub fn signin_csrf_matches(headers: &HeaderMap, submitted: Option<&str>) -> bool {
    match (signin_cookie_token(headers), submitted) {
        (Some(cookie), Some(submitted)) => {
            bool::from(cookie.as_bytes().ct_eq(submitted.as_bytes()))
        }
        _ => false,
    }
}

/// Whether a submitted CSRF token is the session's.
pub fn csrf_matches(session: &Session, submitted: Option<&str>) -> bool {
    submitted.is_some_and(|t| bool::from(t.as_bytes().ct_eq(session.csrf.as_bytes())))
}

/// The extractor of every dashboard page: the session, or a redirect to sign in.
pub struct Signed(pub Session);

impl FromRequestParts<Arc<AppState>> for Signed {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        cookie_token(&parts.headers)
            .and_then(|token| state.dashboard.get(&token))
            .map(Signed)
            .ok_or_else(|| Redirect::to("/dashboard/sign_in").into_response())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn account() -> Arc<Account> {
        Arc::new(Account {
            id: "acct_1".into(),
            secret_key: "sk_test_1".into(),
            publishable_key: "pk_test_1".into(),
            created: 0,
        })
    }

    #[test]
    fn sessions_are_found_by_token_and_removed() {
        let sessions = Sessions::default();
        let token = sessions.create(account());
        let session = sessions.get(&token).unwrap();
        assert_eq!(session.account.id, "acct_1");
        assert_eq!(session.csrf.len(), 32);
        assert!(sessions.get("other").is_none());
        sessions.remove(&token);
        assert!(sessions.get(&token).is_none());
    }

    #[test]
    fn one_time_tokens_work_once() {
        let sessions = Sessions::default();
        let token = sessions.one_time_token("acct_1");
        assert_eq!(sessions.redeem(&token).as_deref(), Some("acct_1"));
        assert_eq!(sessions.redeem(&token), None);
    }

    #[test]
    fn csrf_and_cookies() {
        let sessions = Sessions::default();
        let token = sessions.create(account());
        let session = sessions.get(&token).unwrap();
        assert!(csrf_matches(&session, Some(&session.csrf.clone())));
        assert!(!csrf_matches(&session, Some("wrong")));
        assert!(!csrf_matches(&session, None));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; {COOKIE}={token}")).unwrap(),
        );
        assert_eq!(cookie_token(&headers), Some(token));
        assert!(set_cookie("x").contains("HttpOnly; SameSite=Strict"));
    }
}
