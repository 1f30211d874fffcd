//! The dashboard's forms for billing and webhooks: advance a test clock by a month, resend an
//! event, create a webhook endpoint. Each checks the CSRF token first, then runs the API's own
//! command or function (`routes::AdvanceTestClock`, `routes::retry_event`,
//! `routes::CreateWebhookEndpoint`) as the account's secret key would, so the result and the
//! refusals are the API's.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use tender_core::test_clock::{TestClock, one_month_after};

use super::actions::{bad_input, csrf_refused, params, refused_by_api, secret_ctx};
use super::data::{self, field, text};
use super::layout::{message, page};
use super::pages;
use super::session::{Signed, csrf_matches};
use crate::http::RequestId;
use crate::pipeline::mutate_without_key;
use crate::routes::{AdvanceTestClock, CreateWebhookEndpoint, retry_event};
use crate::state::AppState;

type RequestIdExt = Option<axum::Extension<RequestId>>;

fn request_id(id: RequestIdExt) -> String {
    id.map(|r| r.0.0.clone()).unwrap_or_default()
}

/// The page a form leads back to, from the id it names (only ids: never a URL, so the form
/// cannot send the browser elsewhere).
fn back_to(back: Option<&str>, fallback: &str) -> String {
    let Some(id) = back
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
    else {
        return fallback.to_owned();
    };
    pages::events::object_href(id).unwrap_or_else(|| fallback.to_owned())
}

/// `POST /dashboard/test_clocks/:id/advance`: the clock's `frozen_time` plus one month,
/// through `POST /v1/test_helpers/test_clocks/:id/advance`'s command (its limits and its
/// refusals), then the scheduler is woken as the API wakes it.
pub async fn advance(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    Path(id): Path<String>,
    request: RequestIdExt,
    body: Bytes,
) -> Response {
    let form = data::fields(&body);
    if !csrf_matches(&session, field(&form, "csrf")) {
        return csrf_refused(&session);
    }
    let Some(clock) = data::object(state.store.as_ref(), &session.account.id, &id).await else {
        return super::not_found(&session);
    };
    if text(&clock, "object") != TestClock::OBJECT {
        return super::not_found(&session);
    }
    let target = one_month_after(clock["frozen_time"].as_i64().unwrap_or(0));
    let Some(p) = params(&format!("frozen_time={target}")) else {
        return bad_input(&session);
    };
    let ctx = secret_ctx(state.clone(), &session, request_id(request));
    let reply = mutate_without_key::<AdvanceTestClock>(&ctx, p, id.clone()).await;
    if reply.status != 200 {
        return refused_by_api(&reply, &session);
    }
    state.scheduler.wake.notify_one();
    let fallback = format!("/dashboard/test_clocks/{id}");
    Redirect::to(&back_to(field(&form, "back"), &fallback)).into_response()
}

/// `POST /dashboard/events/:id/resend`: `POST /v1/events/:id/retry`, to the form's
/// `webhook_endpoint` (a failed delivery's) or to every subscribed endpoint.
pub async fn resend(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    Path(id): Path<String>,
    request: RequestIdExt,
    body: Bytes,
) -> Response {
    let form = data::fields(&body);
    if !csrf_matches(&session, field(&form, "csrf")) {
        return csrf_refused(&session);
    }
    let query = match field(&form, "webhook_endpoint") {
        Some(endpoint) => format!(
            "webhook_endpoint={}",
            utf8_percent_encode(endpoint, NON_ALPHANUMERIC)
        ),
        None => String::new(),
    };
    let Some(p) = params(&query) else {
        return bad_input(&session);
    };
    let ctx = secret_ctx(state, &session, request_id(request));
    if let Err(error) = retry_event(&ctx, p, &id).await {
        return refused_by_api(&crate::http::Reply::error(&error), &session);
    }
    let fallback = format!("/dashboard/events/{id}");
    Redirect::to(&back_to(field(&form, "back"), &fallback)).into_response()
}

/// `POST /dashboard/webhooks`: `POST /v1/webhook_endpoints` with the form's `url`,
/// `description` and `enabled_events` (separated by commas, spaces or lines). The new
/// endpoint's signing secret is shown once, on the answer to this form.
pub async fn create_endpoint(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    request: RequestIdExt,
    body: Bytes,
) -> Response {
    let form = data::fields(&body);
    if !csrf_matches(&session, field(&form, "csrf")) {
        return csrf_refused(&session);
    }
    let encode = |v: &str| utf8_percent_encode(v, NON_ALPHANUMERIC).to_string();
    let mut query = vec![format!("url={}", encode(field(&form, "url").unwrap_or("")))];
    if let Some(description) = field(&form, "description") {
        query.push(format!("description={}", encode(description)));
    }
    for event in field(&form, "enabled_events")
        .unwrap_or("")
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|e| !e.is_empty())
    {
        query.push(format!("enabled_events[]={}", encode(event)));
    }
    let Some(p) = params(&query.join("&")) else {
        return bad_input(&session);
    };
    let ctx = secret_ctx(state, &session, request_id(request));
    let reply = mutate_without_key::<CreateWebhookEndpoint>(&ctx, p, ()).await;
    if reply.status != 200 {
        return refused_by_api(&reply, &session);
    }
    match serde_json::from_str(&reply.body) {
        Ok(endpoint) => page(
            "Webhook endpoint created",
            "Webhooks",
            &session,
            pages::webhooks::created(&endpoint),
        ),
        Err(_) => message(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "The endpoint was created but its answer could not be read.",
            &session,
        ),
    }
}
