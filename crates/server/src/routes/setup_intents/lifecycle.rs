//! Confirm and cancel an existing SetupIntent.

use tender_core::setup_intent::SetupIntent;
use tender_core::setup_intent::params::CANCELLATION_REASONS;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, ClientKeys, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::services::confirmation::{Base, apply_transition};
use crate::services::intent_commands::Confirm;
use crate::services::intents::state_error;

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
        let loaded = ctx
            .load::<SetupIntent>(&self.id, IdIn::Url("intent"))
            .await?;
        let transition = match loaded.object.cancel(self.reason.clone()) {
            Ok(transition) => transition,
            Err(error) => return Err(state_error(ctx, &loaded.object, error).await),
        };
        let base = Base {
            intent_version: Some(loaded.version),
            ..Base::default()
        };
        apply_transition(ctx, transition, base, &self.expand).await
    }
}

pub async fn confirm(Path(id): Path<String>, api: Api<ClientKeys>) -> Reply {
    mutate::<Confirm<SetupIntent>>(api.into(), id).await
}

pub async fn cancel(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Cancel>(api.into(), id).await
}
