//! What a dashboard form changes: a payment's refund, capture or cancellation. Each runs the
//! API's own command through the write path (`pipeline::mutate_without_key`), as the
//! account's secret key would, so the dashboard makes exactly the objects, events and
//! webhooks the API makes. The form's CSRF token is checked before anything is read.

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tender_core::payment_intent::PaymentIntent;
use tender_wire::Params;

use super::data::field;
use super::layout::message;
use super::session::{Session, csrf_matches};
use crate::ctx::Ctx;
use crate::http::{KeyKind, Reply};
use crate::pipeline::mutate_without_key;
use crate::routes::{
    CapturePaymentIntent, CreateRefund, DeleteWebhookEndpoint, UpdateWebhookEndpoint,
};
use crate::services::intent_commands::Cancel;
use crate::state::AppState;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Refund,
    Capture,
    Cancel,
}

impl Action {
    pub fn parse(name: &str) -> Option<Action> {
        match name {
            "refund" => Some(Action::Refund),
            "capture" => Some(Action::Capture),
            "cancel" => Some(Action::Cancel),
            _ => None,
        }
    }
}

/// The answer to a form without the session's CSRF token.
pub fn csrf_refused(session: &Session) -> Response {
    message(
        StatusCode::FORBIDDEN,
        "Refused",
        "This form's security token is missing or out of date. Reload the page and try again.",
        session,
    )
}

pub async fn run(
    state: Arc<AppState>,
    session: &Session,
    request_id: String,
    intent: &str,
    action: Action,
    form: &HashMap<String, String>,
) -> Response {
    if !csrf_matches(session, field(form, "csrf")) {
        return csrf_refused(session);
    }
    let ctx = secret_ctx(state, session, request_id);
    // Only digits reach the API's parser, which then answers as it would any request.
    let amount = |name: &str| field(form, name).filter(|a| a.bytes().all(|b| b.is_ascii_digit()));
    let reply = match action {
        Action::Refund => {
            let encoded = percent_encoding::utf8_percent_encode(intent, super::pages::COMPONENT);
            let mut body = format!("payment_intent={encoded}");
            if let Some(a) = amount("amount") {
                body.push_str(&format!("&amount={a}"));
            }
            match params(&body) {
                Some(p) => mutate_without_key::<CreateRefund>(&ctx, p, ()).await,
                None => return bad_input(session),
            }
        }
        Action::Capture => {
            let body = amount("amount_to_capture")
                .map_or(String::new(), |a| format!("amount_to_capture={a}"));
            match params(&body) {
                Some(p) => {
                    mutate_without_key::<CapturePaymentIntent>(&ctx, p, intent.to_owned()).await
                }
                None => return bad_input(session),
            }
        }
        Action::Cancel => match params("") {
            Some(p) => {
                mutate_without_key::<Cancel<PaymentIntent>>(&ctx, p, intent.to_owned()).await
            }
            None => return bad_input(session),
        },
    };
    if (200..300).contains(&reply.status) {
        return Redirect::to(&format!("/dashboard/payments/{intent}")).into_response();
    }
    refused_by_api(&reply, session)
}

/// A context that acts as the session's account with its secret key would.
pub fn secret_ctx(state: Arc<AppState>, session: &Session, request_id: String) -> Ctx {
    Ctx::new(
        state,
        session.account.clone(),
        KeyKind::Secret,
        request_id,
        None,
        String::new(),
    )
}

/// The API's refusal of an action, shown with its own message and status.
pub fn refused_by_api(reply: &Reply, session: &Session) -> Response {
    let error: serde_json::Value = serde_json::from_str(&reply.body).unwrap_or_default();
    let text = error["error"]["message"]
        .as_str()
        .unwrap_or("The action failed.");
    message(
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::BAD_REQUEST),
        "Not done",
        text,
        session,
    )
}

/// What a webhook endpoint's form asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointAction {
    Disable,
    Enable,
    Delete,
}

impl EndpointAction {
    pub fn parse(name: &str) -> Option<EndpointAction> {
        match name {
            "disable" => Some(EndpointAction::Disable),
            "enable" => Some(EndpointAction::Enable),
            "delete" => Some(EndpointAction::Delete),
            _ => None,
        }
    }
}

/// Disables, enables or deletes an endpoint with the API's own commands.
pub async fn run_endpoint(
    state: Arc<AppState>,
    session: &Session,
    request_id: String,
    endpoint: &str,
    action: EndpointAction,
    form: &HashMap<String, String>,
) -> Response {
    if !csrf_matches(session, field(form, "csrf")) {
        return csrf_refused(session);
    }
    let ctx = secret_ctx(state, session, request_id);
    let id = endpoint.to_owned();
    let reply = match action {
        EndpointAction::Disable | EndpointAction::Enable => {
            let disabled = action == EndpointAction::Disable;
            match params(&format!("disabled={disabled}")) {
                Some(p) => mutate_without_key::<UpdateWebhookEndpoint>(&ctx, p, id).await,
                None => return bad_input(session),
            }
        }
        EndpointAction::Delete => match params("") {
            Some(p) => mutate_without_key::<DeleteWebhookEndpoint>(&ctx, p, id).await,
            None => return bad_input(session),
        },
    };
    if !(200..300).contains(&reply.status) {
        return refused_by_api(&reply, session);
    }
    let target = match action {
        EndpointAction::Delete => "/dashboard/webhooks".to_owned(),
        _ => format!("/dashboard/webhooks/{endpoint}"),
    };
    Redirect::to(&target).into_response()
}

pub fn params(body: &str) -> Option<Params> {
    Params::from_form(body.as_bytes()).ok()
}

pub fn bad_input(session: &Session) -> Response {
    message(
        StatusCode::BAD_REQUEST,
        "Not done",
        "The form could not be read.",
        session,
    )
}
