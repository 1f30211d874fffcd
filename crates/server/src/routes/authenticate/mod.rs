//! The hosted 3D Secure challenge page (spec §3.5, §8.5): what the bank's page is on Stripe.
//! The browser SDK opens it in a modal (`use_stripe_sdk`); a plain browser follows
//! `redirect_to_url` to it and is sent back to the `return_url`. No API key: the intent's
//! client secret in the URL authorizes the customer. PaymentIntents (`pi_…`) and
//! SetupIntents (`seti_…`) share the page; the id's prefix says which one is authenticated.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::Value;
use tender_core::payment_intent::PaymentIntent;
use tender_core::setup_intent::SetupIntent;
use tender_wire::IdIn;

mod completion;

use crate::ctx::Ctx;
use crate::http::api::origin;
use crate::http::{KeyKind, Path};
use crate::resources::Resource;
use crate::services::intents::{self, IntentKind};
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/authenticate/{account}/{intent}", get(page))
        .route("/authenticate/{account}/{intent}/complete", post(complete))
}

#[derive(Deserialize)]
struct Secret {
    client_secret: String,
}

struct Answer {
    client_secret: String,
    result: String,
}

/// The page's form, decoded with the API's own form decoder.
fn read_answer(body: &[u8]) -> Option<Answer> {
    let mut params = tender_wire::Params::from_form(body).ok()?;
    Some(Answer {
        client_secret: params.string("client_secret").ok()??,
        result: params.string("result").ok()??,
    })
}

/// A context for the intent's account, as if its owner had called.
async fn context(state: &Arc<AppState>, account: &str, headers: &HeaderMap) -> Option<Ctx> {
    let account = state.accounts.by_id(account).await.ok()??;
    Some(Ctx::new(
        state.clone(),
        account,
        KeyKind::Secret,
        format!("req_{}", tender_wire::id::random_base62(14)),
        None,
        origin(headers),
    ))
}

/// What the page needs of the intent being authenticated, whichever kind it is.
struct Pending {
    kind: IntentKind,
    client_secret: String,
    /// Where a redirect flow sends the customer back to.
    return_url: Option<String>,
    /// The page's title, heading and what the customer approves.
    title: &'static str,
    heading: &'static str,
    approval: String,
}

async fn load_pending(ctx: &Ctx, id: &str) -> Option<Pending> {
    // The id's prefix says which intent the page is for.
    let kind = if id.starts_with(&format!("{}_", SetupIntent::PREFIX)) {
        IntentKind::Setup
    } else {
        IntentKind::Payment
    };
    let return_url = |next_action: &Option<Value>| {
        next_action.as_ref().and_then(|a| {
            a["redirect_to_url"]["return_url"]
                .as_str()
                .map(str::to_owned)
        })
    };
    Some(match kind {
        IntentKind::Payment => {
            let intent = ctx
                .load::<PaymentIntent>(id, IdIn::Url("intent"))
                .await
                .ok()?
                .object;
            let amount = tender_core::money::currency(&intent.currency, "currency")
                .map(|c| c.format(intent.amount))
                .unwrap_or_else(|_| format!("{} {}", intent.amount, intent.currency));
            Pending {
                kind,
                return_url: return_url(&intent.next_action),
                client_secret: intent.client_secret,
                title: "Authenticate your payment",
                heading: "Confirm your payment",
                approval: format!("A payment of <strong>{amount}</strong> needs"),
            }
        }
        IntentKind::Setup => {
            let intent = ctx
                .load::<SetupIntent>(id, IdIn::Url("intent"))
                .await
                .ok()?
                .object;
            Pending {
                kind,
                return_url: return_url(&intent.next_action),
                client_secret: intent.client_secret,
                title: "Authenticate your card",
                heading: "Save your card",
                approval: "Saving your card for future payments needs".to_owned(),
            }
        }
    })
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(shell(
            "Not found",
            "<p>This authentication page does not exist or has expired.</p>",
        )),
    )
        .into_response()
}

async fn page(
    State(state): State<Arc<AppState>>,
    Path((account, intent)): Path<(String, String)>,
    Query(secret): Query<Secret>,
    headers: HeaderMap,
) -> Response {
    let Some(ctx) = context(&state, &account, &headers).await else {
        return not_found();
    };
    let Some(pending) = load_pending(&ctx, &intent).await else {
        return not_found();
    };
    let given = Some(secret.client_secret.as_str());
    if intents::check_client_secret(pending.kind, &pending.client_secret, given).is_err() {
        return not_found();
    }
    let Pending {
        title,
        heading,
        approval,
        ..
    } = pending;
    let action = format!("/authenticate/{account}/{intent}/complete");
    let secret = html_escape(&secret.client_secret);
    let body = format!(
        r#"<p class="muted">Tender test bank · 3D Secure 2</p>
<h1>{heading}</h1>
<p>{approval} your approval. This is a test page: choose
how the authentication ends.</p>
<form method="post" action="{action}">
  <input type="hidden" name="client_secret" value="{secret}">
  <button name="result" value="complete" id="complete" class="primary">Complete authentication</button>
  <button name="result" value="fail" id="fail">Fail authentication</button>
</form>"#
    );
    Html(shell(title, &body)).into_response()
}

async fn complete(
    State(state): State<Arc<AppState>>,
    Path((account, intent)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Some(answer) = read_answer(&body) else {
        return not_found();
    };
    let Some(ctx) = context(&state, &account, &headers).await else {
        return not_found();
    };
    // Read before completing: a redirect flow sends the customer back to its return_url.
    let Some(Pending {
        kind, return_url, ..
    }) = load_pending(&ctx, &intent).await
    else {
        return not_found();
    };
    let succeeded = answer.result == "complete";
    let (id, secret) = (intent.clone(), answer.client_secret.clone());
    let reply = match kind {
        IntentKind::Payment => {
            completion::complete_authentication::<PaymentIntent>(&ctx, id, secret, succeeded).await
        }
        IntentKind::Setup => {
            completion::complete_authentication::<SetupIntent>(&ctx, id, secret, succeeded).await
        }
    };
    let body: Value = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
    let status = body["status"].as_str().unwrap_or("failed").to_owned();
    if reply.status >= 400
        && body.get("error").is_some()
        && body["error"].get(kind.object()).is_none()
    {
        let message = html_escape(
            body["error"]["message"]
                .as_str()
                .unwrap_or("Authentication failed."),
        );
        return (
            StatusCode::BAD_REQUEST,
            Html(shell("Authentication", &format!("<p>{message}</p>"))),
        )
            .into_response();
    }
    let redirect_status = if succeeded && reply.status < 400 && status != "requires_payment_method"
    {
        "succeeded"
    } else {
        "failed"
    };
    if let Some(return_url) = return_url {
        let separator = if return_url.contains('?') { '&' } else { '?' };
        let location = format!(
            "{return_url}{separator}{object}={intent}&{object}_client_secret={}&redirect_status={redirect_status}",
            answer.client_secret,
            object = kind.object()
        );
        return (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
    }
    let message = if redirect_status == "succeeded" {
        "Authentication complete. You can close this window."
    } else {
        "Authentication failed. You can close this window."
    };
    let body = format!(
        r#"<p>{message}</p>
<script>
  window.parent.postMessage({{type: "tender:3ds-complete", intent: "{intent}", result: "{redirect_status}"}}, "*");
</script>"#
    );
    Html(shell("Authentication", &body)).into_response()
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// In the browser SDK's modal: the modal takes this page's height (instead of a fixed size,
/// mostly empty), and Escape abandons the challenge as the modal's close button does. Focus
/// is in this frame, so the merchant's page never sees the key: the page forwards it. Only
/// sizes and a cancel request cross, so any parent may hear them; the SDK checks the source.
const IN_MODAL: &str = r#"<script>
  if (window.parent !== window) {
    const tell = (message) => window.parent.postMessage(message, "*");
    const size = () => tell({type: "tender:3ds-size", height: Math.ceil(document.body.getBoundingClientRect().height)});
    new ResizeObserver(size).observe(document.body);
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") tell({type: "tender:3ds-cancel"});
    });
  }
</script>"#;

fn shell(title: &str, body: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; padding: 32px 24px; color: #1a1f36; background: #fff; }}
  h1 {{ font-size: 20px; margin: 8px 0 12px; }}
  .muted {{ color: #697386; font-size: 13px; margin: 0; }}
  form {{ display: flex; gap: 12px; margin-top: 24px; flex-wrap: wrap; }}
  button {{ font: inherit; padding: 10px 16px; border-radius: 6px; border: 1px solid #c1c9d2; background: #fff; cursor: pointer; }}
  button.primary {{ background: #635bff; border-color: #635bff; color: #fff; }}
</style></head>
<body>{body}{IN_MODAL}</body></html>"#
    )
}
