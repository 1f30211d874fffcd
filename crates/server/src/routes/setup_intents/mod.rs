//! `/v1/setup_intents` (spec §5): the routes, retrieve and list here; create, update, confirm
//! and cancel are the commands both intents share (`services::intent_commands`).

mod lifecycle;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::Value;
use tender_core::setup_intent::SetupIntent;
use tender_store::TagFilter;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, Params};

use crate::ctx::Ctx;
use crate::http::{Api, ClientKeys, Path, Reply};
use crate::pipeline::mutate;
use crate::services::intent_commands::{Create, Update};
use crate::services::intents::{load_intent, render_intent};
use crate::services::list::list;
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/setup_intents", post(create).get(list_intents))
        .route("/v1/setup_intents/{id}", get(retrieve).post(update))
        .route("/v1/setup_intents/{id}/confirm", post(lifecycle::confirm))
        .route("/v1/setup_intents/{id}/cancel", post(lifecycle::cancel))
}

async fn create(api: Api) -> Reply {
    mutate::<Create<SetupIntent>>(api.into(), ()).await
}

async fn update(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Update<SetupIntent>>(api.into(), id).await
}

async fn retrieve(Path(id): Path<String>, api: Api<ClientKeys>) -> Reply {
    retrieve_intent(&api.ctx, api.params, &id).await.into()
}

async fn retrieve_intent(ctx: &Ctx, mut p: Params, id: &str) -> Result<Value, ApiError> {
    let client_secret = p.string("client_secret")?;
    let paths = Expand::parse(&p.expand()?)?;
    // Stripe.js marks its own requests.
    p.ignore(&["is_stripe_sdk"]);
    p.finish()?;
    let loaded = load_intent::<SetupIntent>(ctx, id, client_secret.as_deref()).await?;
    render_intent(ctx, &loaded.object, &paths, &[]).await
}

async fn list_intents(api: Api) -> Reply {
    list(
        &api.ctx,
        api.params,
        "setup_intent",
        "/v1/setup_intents",
        |p, query| {
            query.customer = p.string("customer")?;
            query.tag = p.string("payment_method")?.map(TagFilter::Exact);
            // Connect-only: every SetupIntent here is the platform's own.
            p.ignore(&["attach_to_self", "customer_account"]);
            Ok(())
        },
    )
    .await
    .into()
}
