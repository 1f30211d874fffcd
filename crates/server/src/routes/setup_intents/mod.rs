//! `/v1/setup_intents` (spec §5): create, retrieve, update, list here; the confirmation path
//! in [`confirm`]; confirm, cancel and 3D Secure completion commands in [`lifecycle`].

mod confirm;
mod lifecycle;

pub use lifecycle::complete_authentication;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::Value;
use tender_core::setup_intent::{
    PUBLISHABLE_FIELDS, SetupIntent, SetupIntentCreate, SetupIntentUpdate,
};
use tender_store::{IndexKeys, TagFilter, Write};
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params, id};

use super::customers::load_customer;
use super::intents::{self, IntentKind};
use super::list::list;
use super::payment_methods::NamedPaymentMethod;
use crate::app::AppState;
use crate::ctx::Ctx;
use crate::http::{Api, ClientKeys, KeyKind, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::render::expand;
use crate::resources::{Loaded, Resource, insert, to_value};

impl Resource for SetupIntent {
    const OBJECT: &'static str = "setup_intent";
    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> i64 {
        self.created
    }
    /// Listed by customer, and by payment method through the tag.
    fn index(&self) -> IndexKeys {
        IndexKeys {
            customer: self.customer.clone(),
            tag: self.payment_method.clone(),
            ..IndexKeys::default()
        }
    }
}

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/setup_intents", post(create).get(list_intents))
        .route("/v1/setup_intents/{id}", get(retrieve).post(update))
        .route("/v1/setup_intents/{id}/confirm", post(lifecycle::confirm))
        .route("/v1/setup_intents/{id}/cancel", post(lifecycle::cancel))
}

/// The intent as the caller may see it: publishable keys get Stripe's reduced field set.
pub async fn render_intent(
    ctx: &Ctx,
    intent: &SetupIntent,
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
        intents::redact_payment_methods(&mut value, "last_setup_error");
    }
    Ok(value)
}

/// Stripe names the intent in errors about its state (`error.setup_intent`).
pub async fn state_error(ctx: &Ctx, intent: &SetupIntent, error: ApiError) -> ApiError {
    if error.code.as_deref() != Some("setup_intent_unexpected_state") {
        return error;
    }
    match render_intent(ctx, intent, &Expand::default(), &[]).await {
        Ok(rendered) => error.with_embedded("setup_intent", rendered),
        Err(_) => error,
    }
}

/// Loads an intent; with a publishable key the request must carry its client secret.
pub async fn load_intent(
    ctx: &Ctx,
    id: &str,
    client_secret: Option<&str>,
) -> Result<Loaded<SetupIntent>, ApiError> {
    let loaded = ctx.load::<SetupIntent>(id, IdIn::Url("intent")).await?;
    if ctx.key == KeyKind::Publishable {
        intents::check_client_secret(
            IntentKind::Setup,
            &loaded.object.client_secret,
            client_secret,
        )?;
    }
    Ok(loaded)
}

/// The payment method named by `payment_method` or `payment_method_data`, if any: resolved
/// (a test id mints one) so that a bad id fails the request, as on Stripe.
async fn named_payment_method(
    ctx: &Ctx,
    payment_method: Option<&str>,
    payment_method_data: Option<&tender_core::payment_method::PaymentMethodCreate>,
) -> Result<Option<NamedPaymentMethod>, ApiError> {
    match (payment_method, payment_method_data) {
        (Some(pm), _) => Ok(Some(
            NamedPaymentMethod::resolve(ctx, pm, IdIn::Param("payment_method")).await?,
        )),
        (None, Some(data)) => Ok(Some(intents::mint(ctx, data)?)),
        (None, None) => Ok(None),
    }
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
        let intent_id = id::generate("seti");
        let mut intent =
            self.create
                .build(intent_id.clone(), id::client_secret(&intent_id), ctx.now);
        let params = &self.create.confirm_params;
        if self.create.confirm {
            let created = ctx.event("setup_intent.created", to_value(&intent)?, None)?;
            return confirm::confirm(ctx, intent, None, params, &self.expand, vec![created]).await;
        }
        let mut writes = Vec::new();
        let named = named_payment_method(
            ctx,
            params.payment_method.as_deref(),
            params.payment_method_data.as_ref(),
        )
        .await?;
        if let Some(named) = named {
            intents::check_payment_method(
                IntentKind::Setup,
                &named,
                intent.customer.as_ref(),
                &intent.payment_method_types,
            )?;
            intent.payment_method = Some(named.object.id.clone());
            if named.version.is_none() {
                writes.push(named.write(ctx)?);
            }
        }
        writes.push(insert(ctx.account_id(), &intent)?);
        writes.push(ctx.event("setup_intent.created", to_value(&intent)?, None)?);
        let body = render_intent(ctx, &intent, &self.expand, &writes).await?;
        Ok(Effect::ok(body, writes))
    }
}

struct Update {
    id: String,
    update: SetupIntentUpdate,
    expand: Expand,
}

impl Command for Update {
    type Path = String;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let update = SetupIntentUpdate::take(&mut p)?;
        let expand = Expand::parse(&p.expand()?)?;
        p.finish()?;
        Ok(Update { id, update, expand })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut loaded = ctx
            .load::<SetupIntent>(&self.id, IdIn::Url("intent"))
            .await?;
        if let Some(tender_wire::Field::Set(customer)) = &self.update.customer {
            load_customer(ctx, customer, IdIn::Param("customer")).await?;
        }
        let mut writes = Vec::new();
        let mut update = self.update.clone();
        // Check the state first, so a refused update mints nothing.
        if let Err(error) = update.apply(&mut loaded.object.clone()) {
            return Err(state_error(ctx, &loaded.object, error).await);
        }
        let named = named_payment_method(
            ctx,
            self.update.payment_method.as_deref(),
            self.update.payment_method_data.as_ref(),
        )
        .await?;
        if let Some(named) = named {
            if named.version.is_none() {
                writes.push(named.write(ctx)?);
            }
            update.payment_method = Some(named.object.id.clone());
        }
        update.apply(&mut loaded.object)?;
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

async fn retrieve_intent(ctx: &Ctx, mut p: Params, id: &str) -> Result<Value, ApiError> {
    let client_secret = p.string("client_secret")?;
    let paths = Expand::parse(&p.expand()?)?;
    // Stripe.js marks its own requests.
    p.ignore(&["is_stripe_sdk"]);
    p.finish()?;
    let loaded = load_intent(ctx, id, client_secret.as_deref()).await?;
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
