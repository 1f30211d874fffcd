//! The commands that are the same for both intents, written once: create
//! (`POST /v1/…_intents`), update (`POST /v1/…_intents/:id`), confirm (`POST /v1/…_intents/:id/confirm`) and cancel
//! (`POST /v1/…_intents/:id/cancel`).

use std::marker::PhantomData;

use tender_core::intent::{IntentCreate, IntentUpdate};
use tender_wire::expand::Expand;
use tender_wire::{ApiError, Field, IdIn, Params, id};

use crate::ctx::Ctx;
use crate::http::KeyKind;
use crate::pipeline::{Command, Effect};
use crate::resources::{new_id, persist_json, to_json};
use crate::services::confirmation::{self, apply_transition};
use crate::services::customers::load_customer;
use crate::services::intents::{
    Intent, load_intent, named_payment_method, render_intent, require_client_secret, state_error,
};

/// Creates an intent of type `I`, confirming it at once with `confirm=true`.
pub struct Create<I: Intent> {
    create: I::Create,
    expand: Expand,
}

impl<I: Intent> Command for Create<I> {
    type Path = ();
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, _: (), _: &Ctx) -> Result<Self, ApiError> {
        let create = I::Create::take(&mut p)?;
        let expand = Expand::parse(&p.expand()?)?;
        p.finish()?;
        Ok(Create { create, expand })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let create = &self.create;
        if let Some(customer) = create.customer() {
            load_customer(ctx, customer, IdIn::Param("customer")).await?;
        }
        let intent_id = new_id::<I>();
        let mut intent = create.build(intent_id.clone(), id::client_secret(&intent_id), ctx.now);
        if create.confirms() {
            let created = ctx.event_json(I::Create::CREATED, to_json(&intent)?, None)?;
            let params = create.confirm_params();
            return confirmation::confirm(ctx, intent, None, params, &self.expand, vec![created])
                .await;
        }
        // Resolved now, so that a bad id fails the create, as on Stripe; a test id mints one.
        let mut writes = Vec::new();
        let (payment_method, payment_method_data) = create.payment_method();
        if let Some(named) = named_payment_method(ctx, payment_method, payment_method_data).await? {
            I::Create::attach_payment_method(&mut intent, &named.object, named.spent)?;
            if named.version.is_none() {
                writes.extend(named.new_writes(ctx)?);
            }
        }
        let json = to_json(&intent)?;
        writes.push(persist_json(ctx.account_id(), &intent, None, &json));
        writes.push(ctx.event_json(I::Create::CREATED, json, None)?);
        let body = render_intent(ctx, &intent, &self.expand, &writes).await?;
        Ok(Effect::ok(body, writes))
    }
}

/// Confirms the stored intent of type `I` named in the URL.
pub struct Confirm<I: Intent> {
    id: String,
    params: I::Params,
    expand: Expand,
}

impl<I: Intent> Command for Confirm<I> {
    type Path = String;
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, id: String, ctx: &Ctx) -> Result<Self, ApiError> {
        let params = I::take_params(&mut p)?;
        require_client_secret(ctx, I::request(&params).client_secret.as_deref())?;
        let expand = Expand::parse(&p.expand()?)?;
        p.ignore(I::CONFIRM_IGNORED);
        p.ignore(tender_core::confirmation_token::CLIENT_EXTRAS);
        p.finish()?;
        Ok(Confirm { id, params, expand })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let secret = I::request(&self.params).client_secret.as_deref();
        let loaded = load_intent::<I>(ctx, &self.id, secret).await?;
        if ctx.key == KeyKind::Publishable {
            loaded.object.check_client_may_confirm()?;
        }
        confirmation::confirm(
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

/// Updates the stored intent of type `I` named in the URL.
pub struct Update<I: Intent> {
    id: String,
    update: I::Update,
    expand: Expand,
}

impl<I: Intent> Command for Update<I> {
    type Path = String;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let update = I::Update::take(&mut p)?;
        let expand = Expand::parse(&p.expand()?)?;
        p.finish()?;
        Ok(Update { id, update, expand })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut loaded = ctx.load::<I>(&self.id, IdIn::Url("intent")).await?;
        if let Some(Field::Set(customer)) = self.update.customer() {
            load_customer(ctx, customer, IdIn::Param("customer")).await?;
        }
        // Check the state first, so that a refused update mints nothing.
        if let Err(error) = self.update.apply(&mut loaded.object.clone()) {
            return Err(state_error(ctx, &loaded.object, error).await);
        }
        let mut writes = Vec::new();
        let mut update = self.update.clone();
        let (payment_method, payment_method_data) = self.update.payment_method();
        if let Some(named) = named_payment_method(ctx, payment_method, payment_method_data).await? {
            if named.version.is_none() {
                writes.extend(named.new_writes(ctx)?);
            }
            update.set_payment_method(named.object.id.clone());
        }
        update.apply(&mut loaded.object)?;
        writes.push(loaded.update(ctx.account_id())?);
        let body = render_intent(ctx, &loaded.object, &self.expand, &writes).await?;
        Ok(Effect::ok(body, writes))
    }
}

/// Cancels the stored intent of type `I` named in the URL.
pub struct Cancel<I: Intent> {
    id: String,
    reason: Option<String>,
    expand: Expand,
    intent: PhantomData<fn() -> I>,
}

impl<I: Intent> Command for Cancel<I> {
    type Path = String;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let reason = p.enumeration("cancellation_reason", I::CANCELLATION_REASONS)?;
        let expand = Expand::parse(&p.expand()?)?;
        p.finish()?;
        Ok(Cancel {
            id,
            reason,
            expand,
            intent: PhantomData,
        })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let loaded = ctx.load::<I>(&self.id, IdIn::Url("intent")).await?;
        let (transition, base) = match I::cancel(ctx, &loaded, self.reason.clone()).await {
            Ok(canceled) => canceled,
            Err(error) => return Err(state_error(ctx, &loaded.object, error).await),
        };
        apply_transition(ctx, transition, base, &self.expand).await
    }
}
