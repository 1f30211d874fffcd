//! Confirm and cancel an existing SetupIntent, and complete its 3D Secure challenge.

use tender_core::network::TestNetwork;
use tender_core::setup_intent::params::CANCELLATION_REASONS;
use tender_core::setup_intent::{ConfirmContext, ConfirmParams, SetupIntent};
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params};

use super::confirm::{self, apply};
use super::load_intent;
use crate::ctx::Ctx;
use crate::http::{Api, ClientKeys, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::resources::to_value;
use crate::routes::intents::{self, IntentKind};
use crate::routes::payment_intents::Source;
use crate::routes::payment_methods::NamedPaymentMethod;

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
        crate::routes::intents::require_client_secret(ctx, params.client_secret.as_deref())?;
        let expand = Expand::parse(&p.expand()?)?;
        p.ignore(&["is_stripe_sdk"]);
        p.ignore(tender_core::confirmation_token::CLIENT_EXTRAS);
        p.finish()?;
        Ok(Confirm { id, params, expand })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let loaded = load_intent(ctx, &self.id, self.params.client_secret.as_deref()).await?;
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
            Err(error) => return Err(super::state_error(ctx, &loaded.object, error).await),
        };
        loaded.object = transition.intent;
        let mut writes = vec![loaded.update(ctx.account_id())?];
        let snapshot = to_value(&loaded.object)?;
        for kind in transition.events {
            writes.push(ctx.event(kind, snapshot.clone(), None)?);
        }
        let body = super::render_intent(ctx, &loaded.object, &self.expand, &writes).await?;
        Ok(Effect::ok(body, writes))
    }
}

/// The customer's answer on the hosted 3D Secure page.
struct CompleteAuthentication {
    id: String,
    client_secret: String,
    succeeded: bool,
}

impl Command for CompleteAuthentication {
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
        })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let loaded = ctx
            .load::<SetupIntent>(&self.id, IdIn::Url("intent"))
            .await?;
        let intent = &loaded.object;
        intents::check_client_secret(
            IntentKind::Setup,
            &intent.client_secret,
            Some(&self.client_secret),
        )?;
        let pm_id = intent.payment_method.clone().ok_or_else(|| {
            ApiError::invalid_request("This SetupIntent has no payment method to authenticate.")
        })?;
        let mut source = Source {
            payment_method: NamedPaymentMethod::resolve(ctx, &pm_id, IdIn::Param("payment_method"))
                .await?,
            token: None,
        };
        let confirm_ctx = ConfirmContext {
            payment_method: &source.payment_method.object,
            behavior: confirm::card_behavior(ctx, &source)?,
            use_stripe_sdk: true,
            return_url: None,
            authenticate_url: intents::authenticate_url(ctx, &intent.id, &intent.client_secret),
        };
        let transition =
            intent.complete_authentication(&confirm_ctx, self.succeeded, &TestNetwork)?;
        apply(
            ctx,
            transition,
            Some(loaded.version),
            &mut source,
            &Expand::default(),
            Vec::new(),
        )
        .await
    }
}

/// Runs the completion for the hosted page (no API key: the client secret authorizes).
pub async fn complete_authentication(
    ctx: &Ctx,
    id: String,
    client_secret: String,
    succeeded: bool,
) -> Reply {
    crate::pipeline::mutate_without_key::<CompleteAuthentication>(
        ctx,
        Params::default(),
        (id, client_secret, succeeded),
    )
    .await
}

pub async fn confirm(Path(id): Path<String>, api: Api<ClientKeys>) -> Reply {
    mutate::<Confirm, _>(api, id).await
}

pub async fn cancel(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Cancel, _>(api, id).await
}
