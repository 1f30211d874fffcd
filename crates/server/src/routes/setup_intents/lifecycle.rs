//! Confirm and cancel an existing SetupIntent, and complete its 3D Secure challenge.

use tender_core::setup_intent::params::CANCELLATION_REASONS;
use tender_core::setup_intent::{ConfirmParams, SetupIntent};
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, ClientKeys, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::resources::to_value;
use crate::services::intents::{self};
use crate::services::intents::{load_intent, render_intent, state_error};
use crate::services::setup_intents as confirm;

struct Confirm {
    id: String,
    params: ConfirmParams,
    expand: Expand,
}

impl Command for Confirm {
    type Path = String;
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, id: String, ctx: &Ctx) -> Result<Self, ApiError> {
        let params = ConfirmParams::take(&mut p)?;
        intents::require_client_secret(ctx, params.client_secret.as_deref())?;
        let expand = Expand::parse(&p.expand()?)?;
        p.ignore(&["is_stripe_sdk"]);
        p.ignore(tender_core::confirmation_token::CLIENT_EXTRAS);
        p.finish()?;
        Ok(Confirm { id, params, expand })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let loaded =
            load_intent::<SetupIntent>(ctx, &self.id, self.params.client_secret.as_deref()).await?;
        confirm::confirm(
            ctx,
            loaded.object,
            Some(loaded.version),
            &self.params,
            &self.expand,
            Vec::new(),
        )
        .await
    }
}

struct Cancel {
    id: String,
    reason: Option<String>,
    expand: Expand,
}

impl Command for Cancel {
    type Path = String;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let reason = p.enumeration("cancellation_reason", CANCELLATION_REASONS)?;
        let expand = Expand::parse(&p.expand()?)?;
        p.finish()?;
        Ok(Cancel { id, reason, expand })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut loaded = ctx
            .load::<SetupIntent>(&self.id, IdIn::Url("intent"))
            .await?;
        let transition = match loaded.object.cancel(self.reason.clone()) {
            Ok(transition) => transition,
            Err(error) => return Err(state_error(ctx, &loaded.object, error).await),
        };
        loaded.object = transition.intent;
        let mut writes = vec![loaded.update(ctx.account_id())?];
        let snapshot = to_value(&loaded.object)?;
        for kind in transition.events {
            writes.push(ctx.event(kind, snapshot.clone(), None)?);
        }
        let body = render_intent(ctx, &loaded.object, &self.expand, &writes).await?;
        Ok(Effect::ok(body, writes))
    }
}

pub async fn confirm(Path(id): Path<String>, api: Api<ClientKeys>) -> Reply {
    mutate::<Confirm>(api.into(), id).await
}

pub async fn cancel(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Cancel>(api.into(), id).await
}
