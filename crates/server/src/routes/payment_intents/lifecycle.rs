//! Confirm, capture and cancel an existing PaymentIntent.

use tender_core::charge::Charge;
use tender_core::payment_intent::PaymentIntent;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, ClientKeys, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::resources::Loaded;
use crate::services::confirmation::{Base, apply_transition};
use crate::services::intent_commands::Confirm;
use crate::services::intents::state_error;

/// The intent's latest charge, with its version.
async fn latest_charge(
    ctx: &Ctx,
    intent: &PaymentIntent,
) -> Result<Option<Loaded<Charge>>, ApiError> {
    match &intent.latest_charge {
        Some(charge) => Ok(Some(
            ctx.load::<Charge>(charge, IdIn::Param("charge")).await?,
        )),
        None => Ok(None),
    }
}

struct Capture {
    id: String,
    amount_to_capture: Option<i64>,
    expand: Expand,
}

impl Command for Capture {
    type Path = String;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let amount_to_capture = p.integer("amount_to_capture")?;
        let expand = Expand::parse(&p.expand()?)?;
        p.ignore(&[
            "application_fee_amount",
            "final_capture",
            "metadata",
            "statement_descriptor",
            "statement_descriptor_suffix",
            "transfer_data",
            "amount_details",
            "hooks",
            "payment_details",
        ]);
        p.finish()?;
        Ok(Capture {
            id,
            amount_to_capture,
            expand,
        })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let loaded = ctx
            .load::<PaymentIntent>(&self.id, IdIn::Url("intent"))
            .await?;
        let charge = latest_charge(ctx, &loaded.object).await?;
        let transition = match loaded
            .object
            .capture(charge.as_ref().map(|c| &c.object), self.amount_to_capture)
        {
            Ok(transition) => transition,
            Err(error) => return Err(state_error(ctx, &loaded.object, error).await),
        };
        let base = Base {
            intent_version: Some(loaded.version),
            charge_version: charge.map(|c| c.version),
            prior: Vec::new(),
        };
        apply_transition(ctx, transition, base, &self.expand).await
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
        let reason = p.enumeration(
            "cancellation_reason",
            &[
                "duplicate",
                "fraudulent",
                "requested_by_customer",
                "abandoned",
            ],
        )?;
        let expand = Expand::parse(&p.expand()?)?;
        p.finish()?;
        Ok(Cancel { id, reason, expand })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let loaded = ctx
            .load::<PaymentIntent>(&self.id, IdIn::Url("intent"))
            .await?;
        let charge = latest_charge(ctx, &loaded.object).await?;
        let transition = match loaded.object.cancel(
            charge.as_ref().map(|c| &c.object),
            self.reason.clone(),
            ctx.now,
        ) {
            Ok(transition) => transition,
            Err(error) => return Err(state_error(ctx, &loaded.object, error).await),
        };
        let base = Base {
            intent_version: Some(loaded.version),
            charge_version: transition.charge.as_ref().and(charge.map(|c| c.version)),
            prior: Vec::new(),
        };
        apply_transition(ctx, transition, base, &self.expand).await
    }
}

pub async fn confirm(Path(id): Path<String>, api: Api<ClientKeys>) -> Reply {
    mutate::<Confirm<PaymentIntent>>(api.into(), id).await
}

pub async fn capture(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Capture>(api.into(), id).await
}

pub async fn cancel(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Cancel>(api.into(), id).await
}
