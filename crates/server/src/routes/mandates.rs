//! `GET /v1/mandates/:id`: the mandate a bank debit was made under (decision 23), stored with
//! the debit's first charge. Secret key only, as on Stripe.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use serde_json::value::RawValue;
use tender_core::mandate::StoredMandate;
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, Path, Reply};
use crate::resources::to_json;
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/v1/mandates/{id}", get(retrieve))
}

async fn retrieve(Path(id): Path<String>, api: Api) -> Reply {
    retrieve_mandate(&api.ctx, api.params, &id).await.into()
}

async fn retrieve_mandate(ctx: &Ctx, mut p: Params, id: &str) -> Result<Box<RawValue>, ApiError> {
    // Nothing of a mandate is expandable; `expand[]` is accepted and changes nothing.
    p.expand()?;
    p.finish()?;
    let stored = ctx.load::<StoredMandate>(id, IdIn::Url("mandate")).await?;
    to_json(&stored.object.mandate)
}
