//! `/v1/tokens`: card Tokens (`tok_…`), the legacy Tokens API behind Stripe.js's
//! `createToken`. Created with a publishable key (the Card Element's iframe sends the card),
//! read with the secret key, redeemed once as `card[token]` (see `services::tokens`).

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use tender_core::confirmation_token::CLIENT_EXTRAS;
use tender_core::token::{StoredToken, TokenCreate};
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, ClientKeys, KeyKind, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::resources::{insert, new_id, to_value};
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/tokens", post(create))
        .route("/v1/tokens/{id}", get(retrieve))
}

struct Create {
    create: TokenCreate,
}

impl Command for Create {
    type Path = ();

    fn parse(mut p: Params, _: (), _: &Ctx) -> Result<Self, ApiError> {
        let create = TokenCreate::take(&mut p)?;
        // Nothing on a token is expandable.
        if let Some(field) = p.expand()?.first() {
            return Err(ApiError::invalid_request(format!(
                "This property cannot be expanded ({field})."
            ))
            .with_param("expand"));
        }
        p.ignore(CLIENT_EXTRAS);
        p.finish()?;
        Ok(Create { create })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        // The card's id is a `card_…` like Stripe's; nothing else is ever stored under it.
        let ids = (new_id::<StoredToken>(), tender_wire::id::generate("card"));
        let token = self
            .create
            .clone()
            .into_token(ids, &ctx.fingerprint_key(), ctx.now)?;
        let writes = vec![insert(ctx.account_id(), &token)?];
        Ok(Effect::ok(to_value(&shown(ctx, &token))?, writes))
    }
}

/// The token as the key sees it: a publishable key never reads the card's fingerprint.
fn shown(ctx: &Ctx, token: &StoredToken) -> tender_core::token::Token {
    if ctx.key == KeyKind::Publishable {
        token.for_publishable_key()
    } else {
        token.token.clone()
    }
}

async fn create(api: Api<ClientKeys>) -> Reply {
    mutate::<Create>(api.into(), ()).await
}

async fn retrieve(Path(id): Path<String>, api: Api) -> Reply {
    retrieve_token(&api.ctx, api.params, &id).await.into()
}

async fn retrieve_token(ctx: &Ctx, p: Params, id: &str) -> Result<serde_json::Value, ApiError> {
    p.finish()?;
    let token = ctx.load::<StoredToken>(id, IdIn::Url("token")).await?;
    to_value(&shown(ctx, &token.object))
}
