//! `/v1/payment_intents` (spec §3): create, retrieve, update, list here; the confirmation
//! path in [`confirm`]; capture, cancel and 3D Secure completion in [`lifecycle`].

mod lifecycle;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::value::RawValue;
use tender_core::event_kind::EventKind;
use tender_core::payment_intent::{PaymentIntent, PaymentIntentCreate};
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params, id};

use crate::ctx::Ctx;
use crate::http::{Api, ClientKeys, KeyKind, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::resources::{insert, new_id, to_json, to_value};
use crate::services::confirmation;
use crate::services::customers::load_customer;
use crate::services::intent_commands::Update;
use crate::services::intents::{load_intent, render_intent};
use crate::services::list::list;
use crate::services::payment_methods::NamedPaymentMethod;
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/payment_intents", post(create).get(list_intents))
        .route("/v1/payment_intents/{id}", get(retrieve).post(update))
        .route("/v1/payment_intents/{id}/confirm", post(lifecycle::confirm))
        .route("/v1/payment_intents/{id}/capture", post(lifecycle::capture))
        .route("/v1/payment_intents/{id}/cancel", post(lifecycle::cancel))
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
        let intent_id = new_id::<PaymentIntent>();
        let intent = self
            .create
            .build(intent_id.clone(), id::client_secret(&intent_id), ctx.now);
        let created = ctx.event_json(EventKind::PaymentIntentCreated, to_json(&intent)?, None)?;
        if !self.create.confirm {
            let mut writes = vec![insert(ctx.account_id(), &intent)?, created];
            if let Some(pm) = &self.create.confirm_params.request.payment_method {
                // Resolve now so that a bad id fails the create, as on Stripe; a test id mints.
                let named =
                    NamedPaymentMethod::resolve(ctx, pm, IdIn::Param("payment_method")).await?;
                let mut intent = intent;
                intent.payment_method = Some(named.object.id.clone());
                if named.version.is_none() {
                    writes.push(named.write(ctx)?);
                }
                writes[0] = insert(ctx.account_id(), &intent)?;
                writes[1] = ctx.event(EventKind::PaymentIntentCreated, to_value(&intent)?, None)?;
                let body = render_intent(ctx, &intent, &self.expand, &writes).await?;
                return Ok(Effect::ok(body, writes));
            }
            let body = render_intent(ctx, &intent, &self.expand, &writes).await?;
            return Ok(Effect::ok(body, writes));
        }
        confirmation::confirm(
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

async fn create(api: Api) -> Reply {
    mutate::<Create>(api.into(), ()).await
}

async fn update(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Update<PaymentIntent>>(api.into(), id).await
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
    let loaded = load_intent::<PaymentIntent>(ctx, id, client_secret.as_deref()).await?;
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
