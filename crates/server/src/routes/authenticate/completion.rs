//! Completing an intent's 3D Secure challenge from the hosted page, for either intent.

use std::marker::PhantomData;

use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::Reply;
use crate::pipeline::{Command, Effect, mutate_without_key};
use crate::services::confirmation;
use crate::services::intents::{Intent, check_client_secret};

/// The customer's answer on the hosted 3D Secure page about an intent of type `I`.
struct CompleteAuthentication<I> {
    id: String,
    client_secret: String,
    succeeded: bool,
    intent: PhantomData<fn() -> I>,
}

impl<I: Intent> Command for CompleteAuthentication<I> {
    type Path = (String, String, bool);

    fn parse(
        p: Params,
        (id, client_secret, succeeded): Self::Path,
        _: &Ctx,
    ) -> Result<Self, ApiError> {
        p.finish()?;
        Ok(CompleteAuthentication {
            id,
            client_secret,
            succeeded,
            intent: PhantomData,
        })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let loaded = ctx.load::<I>(&self.id, IdIn::Url("intent")).await?;
        check_client_secret(
            I::KIND,
            loaded.object.client_secret(),
            Some(&self.client_secret),
        )?;
        confirmation::complete_authentication(ctx, loaded, self.succeeded).await
    }
}

/// Runs the completion for the hosted page (no API key: the client secret authorizes).
pub async fn complete_authentication<I: Intent>(
    ctx: &Ctx,
    id: String,
    client_secret: String,
    succeeded: bool,
) -> Reply {
    mutate_without_key::<CompleteAuthentication<I>>(
        ctx,
        Params::default(),
        (id, client_secret, succeeded),
    )
    .await
}
