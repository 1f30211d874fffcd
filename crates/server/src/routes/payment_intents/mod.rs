//! `/v1/payment_intents` (spec §3): the routes, retrieve and list here; create, update,
//! confirm and cancel are the commands both intents share (`services::intent_commands`);
//! capture in [`lifecycle`].

mod lifecycle;

pub(crate) use lifecycle::Capture;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::value::RawValue;
use tender_core::payment_intent::PaymentIntent;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, ClientKeys, KeyKind, Path, Reply};
use crate::pipeline::mutate;
use crate::resources::to_json;
use crate::services::intent_commands::{Create, Update};
use crate::services::intents::{load_intent, render_intent};
use crate::services::list::list;
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/payment_intents", post(create).get(list_intents))
        .route("/v1/payment_intents/{id}", get(retrieve).post(update))
        .route("/v1/payment_intents/{id}/confirm", post(lifecycle::confirm))
        .route("/v1/payment_intents/{id}/capture", post(lifecycle::capture))
        .route("/v1/payment_intents/{id}/cancel", post(lifecycle::cancel))
}

async fn create(api: Api) -> Reply {
    mutate::<Create<PaymentIntent>>(api.into(), ()).await
}

async fn update(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Update<PaymentIntent>>(api.into(), id).await
}

async fn retrieve(Path(id): Path<String>, api: Api<ClientKeys>) -> Reply {
    retrieve_intent(&api.ctx, api.params, &id).await.into()
}

async fn retrieve_intent(ctx: &Ctx, mut p: Params, id: &str) -> Result<Box<RawValue>, ApiError> {
    let client_secret = p.string("client_secret")?;
    let paths = Expand::parse(&p.expand()?)?;
    // Stripe.js marks its own requests.
    p.ignore(&["is_stripe_sdk"]);
    p.finish()?;
    if ctx.key == KeyKind::Secret && paths.is_empty() {
        // What the secret key sees is the stored intent as it is.
        return ctx
            .load_stored::<PaymentIntent>(id, IdIn::Url("intent"))
            .await;
    }
    let loaded = load_intent::<PaymentIntent>(ctx, id, client_secret.as_deref()).await?;
    to_json(&render_intent(ctx, &loaded.object, &paths, &[]).await?)
}

async fn list_intents(api: Api) -> Reply {
    list(
        &api.ctx,
        api.params,
        "payment_intent",
        "/v1/payment_intents",
        |p, query| {
            query.customer = p.string("customer")?;
            Ok(())
        },
    )
    .await
    .into()
}
