//! Completing a SetupIntent's 3D Secure challenge from the hosted page.

use tender_core::network::TestNetwork;
use tender_core::setup_intent::{ConfirmContext, SetupIntent};
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::Reply;
use crate::pipeline::{Command, Effect};
use crate::services::intents::{self, IntentKind, Source};
use crate::services::payment_methods::NamedPaymentMethod;
use crate::services::setup_intents::{apply, card_behavior};

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
            behavior: card_behavior(ctx, &source)?,
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
