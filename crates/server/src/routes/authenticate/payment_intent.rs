//! Completing a PaymentIntent's 3D Secure challenge from the hosted page.

use tender_core::card::Behavior;
use tender_core::charge::Charge;
use tender_core::network::TestNetwork;
use tender_core::payment_intent::{ConfirmContext, PaymentIntent};
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::Reply;
use crate::pipeline::{Command, Effect};
use crate::resources::new_id;
use crate::services::facts::off_session_setup_id;
use crate::services::intents::Source;
use crate::services::intents::{IntentKind, check_client_secret};
use crate::services::payment_intents::{Base, apply, authenticate_url};
use crate::services::payment_methods::NamedPaymentMethod;

/// The customer's answer on the hosted 3D Secure page.
pub struct CompleteAuthentication {
    pub id: String,
    pub client_secret: String,
    pub succeeded: bool,
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
            .load::<PaymentIntent>(&self.id, IdIn::Url("intent"))
            .await?;
        check_client_secret(
            IntentKind::Payment,
            &loaded.object.client_secret,
            Some(&self.client_secret),
        )?;
        let intent = &loaded.object;
        let pm_id = intent.payment_method.clone().ok_or_else(|| {
            ApiError::invalid_request("This PaymentIntent has no payment method to authenticate.")
        })?;
        let pm = NamedPaymentMethod::resolve(ctx, &pm_id, IdIn::Param("payment_method")).await?;
        let behavior = pm
            .object
            .card_behavior(&ctx.fingerprint_key())
            .unwrap_or(Behavior::Succeeds);
        let set_up = ctx
            .find(&off_session_setup_id(&pm.object.id))
            .await?
            .is_some();
        let confirm_ctx = ConfirmContext {
            payment_method: &pm.object,
            behavior,
            set_up_for_off_session: set_up,
            off_session: false,
            use_stripe_sdk: true,
            return_url: None,
            error_on_requires_action: false,
            authenticate_url: authenticate_url(ctx, intent),
            charge_id: new_id::<Charge>(),
            authenticated: false,
        };
        let transition =
            intent.complete_authentication(&confirm_ctx, self.succeeded, &TestNetwork, ctx.now)?;
        let mut source = Source {
            payment_method: pm,
            token: None,
        };
        let base = Base {
            intent_version: Some(loaded.version),
            ..Base::default()
        };
        apply(ctx, transition, base, Some(&mut source), &Expand::default()).await
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
