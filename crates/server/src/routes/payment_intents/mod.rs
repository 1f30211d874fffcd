//! `/v1/payment_intents` (spec §3): create, retrieve, update, list here; the confirmation
//! path in [`confirm`]; capture, cancel and 3D Secure completion in [`lifecycle`].

mod confirm;
mod lifecycle;

pub(crate) use confirm::{Source, record_off_session_setup};
pub use lifecycle::complete_authentication;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::Value;
use serde_json::value::RawValue;
use tender_core::payment_intent::{
    PUBLISHABLE_FIELDS, PaymentIntent, PaymentIntentCreate, PaymentIntentUpdate,
};
use tender_store::Write;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params, id};

use super::customers::load_customer;
use super::intents::{self, IntentKind};
use super::list::list;
use crate::app::AppState;
use crate::ctx::Ctx;
use crate::http::{Api, ClientKeys, KeyKind, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::render::expand;
use crate::resources::{Loaded, insert, to_json, to_value};

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/payment_intents", post(create).get(list_intents))
        .route("/v1/payment_intents/{id}", get(retrieve).post(update))
        .route("/v1/payment_intents/{id}/confirm", post(lifecycle::confirm))
        .route("/v1/payment_intents/{id}/capture", post(lifecycle::capture))
        .route("/v1/payment_intents/{id}/cancel", post(lifecycle::cancel))
}

/// The intent as the caller may see it: publishable keys get Stripe's reduced field set.
pub async fn render_intent(
    ctx: &Ctx,
    intent: &PaymentIntent,
    paths: &Expand,
    pending: &[Write],
) -> Result<Value, ApiError> {
    let mut value = to_value(intent)?;
    if ctx.key == KeyKind::Publishable {
        value = intents::publishable_subset(value, PUBLISHABLE_FIELDS);
        intents::check_publishable_expand(paths)?;
    }
    expand(ctx, &mut value, paths, pending).await?;
    if ctx.key == KeyKind::Publishable {
        intents::redact_payment_methods(&mut value, "last_payment_error");
    }
    Ok(value)
}

/// Stripe names the intent in errors about its state (`error.payment_intent`), so that a
/// client can see why; other errors pass unchanged.
pub async fn state_error(ctx: &Ctx, intent: &PaymentIntent, error: ApiError) -> ApiError {
    if error.code.as_deref() != Some("payment_intent_unexpected_state") {
        return error;
    }
    match render_intent(ctx, intent, &Expand::default(), &[]).await {
        Ok(rendered) => error.with_embedded("payment_intent", rendered),
        Err(_) => error,
    }
}

/// Loads an intent; with a publishable key the request must carry its client secret.
pub async fn load_intent(
    ctx: &Ctx,
    id: &str,
    client_secret: Option<&str>,
) -> Result<Loaded<PaymentIntent>, ApiError> {
    let loaded = ctx.load::<PaymentIntent>(id, IdIn::Url("intent")).await?;
    if ctx.key == KeyKind::Publishable {
        check_client_secret(&loaded.object.client_secret, client_secret)?;
    }
    Ok(loaded)
}

/// Compares a client secret in constant time.
pub fn check_client_secret(expected: &str, given: Option<&str>) -> Result<(), ApiError> {
    intents::check_client_secret(IntentKind::Payment, expected, given)
}

struct Create {
    create: PaymentIntentCreate,
    expand: Expand,
}

impl Command for Create {
    type Path = ();
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, _: (), _: &Ctx) -> Result<Self, ApiError> {
        let create = PaymentIntentCreate::take(&mut p)?;
        let expand = Expand::parse(&p.expand()?)?;
        p.finish()?;
        Ok(Create { create, expand })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        if let Some(customer) = &self.create.customer {
            load_customer(ctx, customer, IdIn::Param("customer")).await?;
        }
        let intent_id = id::generate("pi");
        let intent = self
            .create
            .build(intent_id.clone(), id::client_secret(&intent_id), ctx.now);
        let created = ctx.event_json("payment_intent.created", to_json(&intent)?, None)?;
        if !self.create.confirm {
            let mut writes = vec![insert(ctx.account_id(), &intent)?, created];
            if let Some(pm) = &self.create.confirm_params.payment_method {
                // Resolve now so that a bad id fails the create, as on Stripe; a test id mints.
                let named = super::payment_methods::NamedPaymentMethod::resolve(
                    ctx,
                    pm,
                    IdIn::Param("payment_method"),
                )
                .await?;
                let mut intent = intent;
                intent.payment_method = Some(named.object.id.clone());
                if named.version.is_none() {
                    writes.push(named.write(ctx)?);
                }
                writes[0] = insert(ctx.account_id(), &intent)?;
                writes[1] = ctx.event("payment_intent.created", to_value(&intent)?, None)?;
                let body = render_intent(ctx, &intent, &self.expand, &writes).await?;
                return Ok(Effect::ok(body, writes));
            }
            let body = render_intent(ctx, &intent, &self.expand, &writes).await?;
            return Ok(Effect::ok(body, writes));
        }
        confirm::confirm(
            ctx,
            intent,
            None,
            &self.create.confirm_params,
            &self.expand,
            vec![created],
        )
        .await
    }
}

struct Update {
    id: String,
    update: PaymentIntentUpdate,
    expand: Expand,
}

impl Command for Update {
    type Path = String;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let update = PaymentIntentUpdate::take(&mut p)?;
        let expand = Expand::parse(&p.expand()?)?;
        p.finish()?;
        Ok(Update { id, update, expand })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut loaded = ctx
            .load::<PaymentIntent>(&self.id, IdIn::Url("intent"))
            .await?;
        if let Some(tender_wire::Field::Set(customer)) = &self.update.customer {
            load_customer(ctx, customer, IdIn::Param("customer")).await?;
        }
        let mut writes = Vec::new();
        let mut update = self.update.clone();
        if let Some(pm) = &self.update.payment_method {
            let named = super::payment_methods::NamedPaymentMethod::resolve(
                ctx,
                pm,
                IdIn::Param("payment_method"),
            )
            .await?;
            if named.version.is_none() {
                writes.push(named.write(ctx)?);
            }
            update.payment_method = Some(named.object.id.clone());
        }
        let before = loaded.object.clone();
        if let Err(error) = update.apply(&mut loaded.object) {
            return Err(state_error(ctx, &before, error).await);
        }
        writes.push(loaded.update(ctx.account_id())?);
        let body = render_intent(ctx, &loaded.object, &self.expand, &writes).await?;
        Ok(Effect::ok(body, writes))
    }
}

async fn create(api: Api) -> Reply {
    mutate::<Create, _>(api, ()).await
}

async fn update(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Update, _>(api, id).await
}

async fn retrieve(Path(id): Path<String>, api: Api<ClientKeys>) -> Reply {
    retrieve_intent(&api.ctx, api.params, &id).await.into()
}

async fn retrieve_intent(ctx: &Ctx, mut p: Params, id: &str) -> Result<Box<RawValue>, ApiError> {
    let client_secret = p.string("client_secret")?;
    let paths = Expand::parse(&p.expand()?)?;
    // Stripe.js marks its own requests.
    p.ignore(&["is_stripe_sdk"]);
    p.finish()?;
    if ctx.key == KeyKind::Secret && paths.is_empty() {
        // What the secret key sees is the stored intent as it is.
        return ctx
            .load_stored::<PaymentIntent>(id, IdIn::Url("intent"))
            .await;
    }
    let loaded = load_intent(ctx, id, client_secret.as_deref()).await?;
    to_json(&render_intent(ctx, &loaded.object, &paths, &[]).await?)
}

async fn list_intents(api: Api) -> Reply {
    list(
        &api.ctx,
        api.params,
        "payment_intent",
        "/v1/payment_intents",
        |p, query| {
            query.customer = p.string("customer")?;
            Ok(())
        },
    )
    .await
    .into()
}
