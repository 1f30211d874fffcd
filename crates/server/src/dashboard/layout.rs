//! The page shell every dashboard page shares: landmarks, navigation, the theme switch, and
//! the headers that keep attacker-controlled text inert (a strict Content-Security-Policy:
//! scripts and styles only from this server's own files, nothing inline).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use super::session::Session;

/// No inline script or style, no plug-ins, no framing, forms only to this server.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// The sections of the navigation, in order: (path, label).
const NAV: &[(&str, &str)] = &[
    ("/dashboard/payments", "Payments"),
    ("/dashboard/customers", "Customers"),
    ("/dashboard/subscriptions", "Subscriptions"),
    ("/dashboard/invoices", "Invoices"),
    ("/dashboard/test_clocks", "Test clocks"),
    ("/dashboard/events", "Events"),
    ("/dashboard/webhooks", "Webhooks"),
    ("/dashboard/logs", "Logs"),
    ("/dashboard/developers", "Developers"),
];

/// A full page for a signed-in session; `section` is the navigation entry to mark current.
pub fn page(title: &str, section: &str, session: &Session, content: Markup) -> Response {
    let body = html! {
        a.skip href="#main" { "Skip to content" }
        header.top {
            a.brand href="/dashboard" { "Tender" }
            span.mode { "Test mode" }
            form.goto role="search" method="get" action="/dashboard/go" {
                label.visually-hidden for="goto" { "Go to an object by id" }
                input #goto name="id" type="search" placeholder="pi_…, cus_…, sub_…, in_…, evt_…, req_…";
            }
            span.account title="Account" { (session.account.id) }
            button.theme type="button" data-theme-toggle aria-label="Switch light or dark theme" { "◐" }
            form method="post" action="/dashboard/sign_out" {
                (csrf_field(session))
                button.link type="submit" { "Sign out" }
            }
        }
        div.frame {
            nav aria-label="Dashboard" {
                ul {
                    @for (path, label) in NAV {
                        li {
                            @if *label == section {
                                a href=(path) aria-current="page" { (label) }
                            } @else {
                                a href=(path) { (label) }
                            }
                        }
                    }
                }
            }
            main #main tabindex="-1" { (content) }
        }
    };
    document(title, body)
}

/// A page outside a session (sign-in, the API's front page).
pub fn document(title: &str, body: Markup) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Tender" }
                link rel="stylesheet" href="/dashboard/assets/dashboard.css";
                script src="/dashboard/assets/dashboard.js" defer {}
            }
            body { (body) }
        }
    };
    html_response(StatusCode::OK, markup.into_string())
}

/// An HTML answer with the dashboard's security headers.
pub fn html_response(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    secure(headers);
    response
}

pub fn secure(headers: &mut axum::http::HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

/// The hidden field every state-changing form carries.
pub fn csrf_field(session: &Session) -> Markup {
    html! { input type="hidden" name="csrf" value=(session.csrf); }
}

/// A page's title row.
pub fn heading(title: &str, subtitle: Option<&str>) -> Markup {
    html! {
        div.heading {
            h1 { (title) }
            @if let Some(subtitle) = subtitle { p.muted { (subtitle) } }
        }
    }
}

/// A short message page (not found, refused) inside the shell.
pub fn message(status: StatusCode, title: &str, text: &str, session: &Session) -> Response {
    let mut response = page(
        title,
        "",
        session,
        html! { (heading(title, None)) p { (text) } },
    );
    *response.status_mut() = status;
    response
}
