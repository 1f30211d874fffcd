//! `/v1/setup_intents` (spec §5): create, retrieve, update, list here; the confirmation path
//! in [`confirm`]; confirm, cancel and 3D Secure completion commands in [`lifecycle`].

mod lifecycle;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::Value;
use tender_core::confirmation::check_payment_method;
use tender_core::event_kind::EventKind;
use tender_core::setup_intent::{SetupIntent, SetupIntentCreate};
use tender_store::TagFilter;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params, id};

use crate::ctx::Ctx;
use crate::http::{Api, ClientKeys, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::resources::{insert, new_id, to_value};
use crate::services::confirmation;
use crate::services::customers::load_customer;
use crate::services::intent_commands::Update;
use crate::services::intents::{IntentKind, named_payment_method};
use crate::services::intents::{load_intent, render_intent};
use crate::services::list::list;
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/setup_intents", post(create).get(list_intents))
        .route("/v1/setup_intents/{id}", get(retrieve).post(update))
        .route("/v1/setup_intents/{id}/confirm", post(lifecycle::confirm))
        .route("/v1/setup_intents/{id}/cancel", post(lifecycle::cancel))
}

struct Create {
    create: SetupIntentCreate,
    expand: Expand,
}

impl Command for Create {
    type Path = ();
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, _: (), _: &Ctx) -> Result<Self, ApiError> {
        let create = SetupIntentCreate::take(&mut p)?;
        let expand = Expand::parse(&p.expand()?)?;
        p.finish()?;
        Ok(Create { create, expand })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        if let Some(customer) = &self.create.customer {
            load_customer(ctx, customer, IdIn::Param("customer")).await?;
        }
        let intent_id = new_id::<SetupIntent>();
        let mut intent =
            self.create
                .build(intent_id.clone(), id::client_secret(&intent_id), ctx.now);
        let params = &self.create.confirm_params;
        if self.create.confirm {
            let created = ctx.event(EventKind::SetupIntentCreated, to_value(&intent)?, None)?;
            return confirmation::confirm(ctx, intent, None, params, &self.expand, vec![created])
                .await;
        }
        let mut writes = Vec::new();
        let named = named_payment_method(
            ctx,
            params.request.payment_method.as_deref(),
            params.request.payment_method_data.as_ref(),
        )
        .await?;
        if let Some(named) = named {
            check_payment_method(
                IntentKind::Setup,
                &named.object,
                named.spent,
                intent.customer.as_ref(),
                &intent.payment_method_types,
            )?;
            intent.payment_method = Some(named.object.id.clone());
            if named.version.is_none() {
                writes.push(named.write(ctx)?);
            }
        }
        writes.push(insert(ctx.account_id(), &intent)?);
        writes.push(ctx.event(EventKind::SetupIntentCreated, to_value(&intent)?, None)?);
        let body = render_intent(ctx, &intent, &self.expand, &writes).await?;
        Ok(Effect::ok(body, writes))
    }
}

async fn create(api: Api) -> Reply {
    mutate::<Create>(api.into(), ()).await
}

async fn update(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Update<SetupIntent>>(api.into(), id).await
}

async fn retrieve(Path(id): Path<String>, api: Api<ClientKeys>) -> Reply {
    retrieve_intent(&api.ctx, api.params, &id).await.into()
}

async fn retrieve_intent(ctx: &Ctx, mut p: Params, id: &str) -> Result<Value, ApiError> {
    let client_secret = p.string("client_secret")?;
    let paths = Expand::parse(&p.expand()?)?;
    // Stripe.js marks its own requests.
    p.ignore(&["is_stripe_sdk"]);
    p.finish()?;
    let loaded = load_intent::<SetupIntent>(ctx, id, client_secret.as_deref()).await?;
    render_intent(ctx, &loaded.object, &paths, &[]).await
}

async fn list_intents(api: Api) -> Reply {
    list(
        &api.ctx,
        api.params,
        "setup_intent",
        "/v1/setup_intents",
        |p, query| {
            query.customer = p.string("customer")?;
            query.tag = p.string("payment_method")?.map(TagFilter::Exact);
            // Connect-only: every SetupIntent here is the platform's own.
            p.ignore(&["attach_to_self", "customer_account"]);
            Ok(())
        },
    )
    .await
    .into()
}
