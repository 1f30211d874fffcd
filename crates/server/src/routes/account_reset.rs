//! `POST /v1/test_helpers/accounts/reset`: a Tender-only test helper that empties the calling
//! account (secret key only) so a test starts from nothing without making a new account
//! (`tender accounts reset`, decision 0020).
//!
//! Everything the account owns goes in one store transaction: objects and events, saved
//! idempotency keys, webhook deliveries and their attempts; then its armed faults, which live
//! in this node's memory. The account and its keys stay, and no other account is touched.
//! The request itself is not idempotent (it deletes the keys it would be saved under).

use std::sync::Arc;

use axum::Router;
use axum::routing::post;
use serde_json::{Value, json};
use tender_wire::{ApiError, Params};

use crate::ctx::Ctx;
use crate::http::{Api, Reply};
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/v1/test_helpers/accounts/reset", post(reset_account))
}

async fn reset_account(api: Api) -> Reply {
    reset(&api.ctx, api.params).await.into()
}

async fn reset(ctx: &Ctx, mut params: Params) -> Result<Value, ApiError> {
    // Optional: names the account the caller means to empty, so that a key of another account
    // (a wrong environment variable) empties nothing.
    let named = params.string("account")?;
    params.finish()?;
    let account = ctx.account_id();
    if let Some(named) = named
        && named != account
    {
        return Err(ApiError::invalid_request(format!(
            "The account {named} is not the account of this API key ({account}): nothing was \
             reset."
        ))
        .with_param("account"));
    }
    let deleted = ctx
        .store()
        .reset_account(account)
        .await
        .map_err(crate::store_error)?;
    let faults = ctx.state.faults.clear(account);
    tracing::info!(account, objects = deleted.objects, "account reset");
    Ok(json!({
        "object": "test_helpers.account_reset",
        "account": account,
        "deleted": {
            "objects": deleted.objects,
            "idempotency_keys": deleted.idempotency_keys,
            "webhook_deliveries": deleted.webhook_deliveries,
            "request_logs": deleted.request_logs,
            "faults": faults,
        },
    }))
}
