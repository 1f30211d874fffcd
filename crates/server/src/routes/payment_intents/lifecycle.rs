//! Confirm, capture and cancel an existing PaymentIntent.

use tender_core::payment_intent::PaymentIntent;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, ClientKeys, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::services::confirmation::{Base, apply_transition};
use crate::services::intent_commands::{Cancel, Confirm};
use crate::services::intents::{latest_charge, state_error};

pub(crate) struct Capture {
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
            mandate_data: None,
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
    mutate::<Cancel<PaymentIntent>>(api.into(), id).await
}
