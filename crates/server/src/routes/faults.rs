//! `/v1/test_helpers/faults`: a Tender-only test helper that arms faults on the account's
//! requests (`crate::faults`, decision 17). Secret key only; faults live in this node's
//! memory.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};
use tender_core::fault::FaultSpec;
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, Path, Reply};
use crate::state::AppState;

const URL: &str = "/v1/test_helpers/faults";

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/v1/test_helpers/faults",
            get(list).post(create).delete(clear),
        )
        .route("/v1/test_helpers/faults/{id}", get(retrieve).delete(delete))
}

async fn create(api: Api) -> Reply {
    arm(&api.ctx, api.params).into()
}

fn arm(ctx: &Ctx, mut params: Params) -> Result<Value, ApiError> {
    let spec = FaultSpec::take(&mut params, ctx.now)?;
    params.finish()?;
    let id = tender_wire::id::generate("fault");
    let fault = ctx.state.faults.add(ctx.account_id(), id, ctx.now, spec);
    Ok(fault.to_json())
}

async fn list(api: Api) -> Reply {
    let result = api.params.finish().map(|()| {
        let data: Vec<Value> = api
            .ctx
            .state
            .faults
            .list(api.ctx.account_id())
            .iter()
            .map(|fault| fault.to_json())
            .collect();
        json!({"object": "list", "data": data, "has_more": false, "url": URL})
    });
    result.into()
}

async fn retrieve(Path(id): Path<String>, api: Api) -> Reply {
    let result = api.params.finish().and_then(|()| {
        api.ctx
            .state
            .faults
            .get(api.ctx.account_id(), &id)
            .map(|fault| fault.to_json())
            .ok_or_else(|| missing(&id))
    });
    result.into()
}

async fn delete(Path(id): Path<String>, api: Api) -> Reply {
    let result = api.params.finish().and_then(|()| {
        if api.ctx.state.faults.remove(api.ctx.account_id(), &id) {
            Ok(json!({"id": id, "object": "test_helpers.fault", "deleted": true}))
        } else {
            Err(missing(&id))
        }
    });
    result.into()
}

/// Disarms every fault of the account (`tender faults clear`).
async fn clear(api: Api) -> Reply {
    let result = api.params.finish().map(|()| {
        let deleted = api.ctx.state.faults.clear(api.ctx.account_id());
        json!({"object": "test_helpers.fault_clear", "deleted": deleted})
    });
    result.into()
}

fn missing(id: &str) -> ApiError {
    ApiError::resource_missing("test_helpers.fault", id, IdIn::Url("id"))
}
