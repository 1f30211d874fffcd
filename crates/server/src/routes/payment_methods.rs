//! `/v1/payment_methods` and `/v1/customers/:id/payment_methods` (spec §6.1).
//!
//! A payment method that was detached — or, later, used once without being saved to a customer
//! — is *spent*: Stripe refuses to attach or use it again. Tender marks its record `deleted`,
//! which keeps it readable by id and out of every list, exactly the visibility Stripe gives it.

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::Value;
use tender_core::event_kind::EventKind;
use tender_core::payment_method::{PaymentMethod, PaymentMethodCreate, PaymentMethodUpdate};
use tender_store::{TagFilter, Write};
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, ClientKeys, KeyKind, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::render::expand;
use crate::resources::{insert, new_id, to_value};
use crate::services::customers::load_customer;
use crate::services::list::list;
use crate::services::payment_methods::{NamedPaymentMethod, attach_named, detach_named};
use crate::services::tokens;
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/v1/payment_methods",
            post(create).get(list_payment_methods),
        )
        .route("/v1/payment_methods/{id}", get(retrieve).post(update))
        .route("/v1/payment_methods/{id}/attach", post(attach))
        .route("/v1/payment_methods/{id}/detach", post(detach))
        .route(
            "/v1/customers/{customer}/payment_methods",
            get(list_customer_payment_methods),
        )
        .route(
            "/v1/customers/{customer}/payment_methods/{id}",
            get(retrieve_customer_payment_method),
        )
}

/// Fraud signals and client metadata Stripe.js sends along with card data.
const STRIPE_JS_EXTRAS: &[&str] = &[
    "guid",
    "muid",
    "sid",
    "payment_user_agent",
    "time_on_page",
    "referrer",
    "pasted_fields",
    "client_attribution_metadata",
];

struct Create {
    create: PaymentMethodCreate,
    expand: Expand,
}

impl Command for Create {
    type Path = ();

    fn parse(mut p: Params, _: (), _: &Ctx) -> Result<Self, ApiError> {
        let create = PaymentMethodCreate::take(&mut p)?;
        let expand = Expand::parse(&p.expand()?)?;
        p.ignore(STRIPE_JS_EXTRAS);
        p.finish()?;
        Ok(Create { create, expand })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        // A stored `card[token]` is redeemed: the token is marked used with the insert.
        if let Some((pm, token_write)) = tokens::redeem(ctx, &self.create).await? {
            let writes = vec![token_write, insert(ctx.account_id(), &pm)?];
            return respond(ctx, &pm, &self.expand, writes).await;
        }
        let pm = self.create.clone().into_payment_method(
            new_id::<PaymentMethod>(),
            &ctx.fingerprint_key(),
            ctx.now,
        )?;
        let writes = vec![insert(ctx.account_id(), &pm)?];
        respond(ctx, &pm, &self.expand, writes).await
    }
}

struct Update {
    id: String,
    update: PaymentMethodUpdate,
    expand: Expand,
}

impl Command for Update {
    type Path = String;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let update = PaymentMethodUpdate::take(&mut p)?;
        let expand = Expand::parse(&p.expand()?)?;
        p.finish()?;
        Ok(Update { id, update, expand })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut loaded = ctx
            .load::<PaymentMethod>(&self.id, IdIn::Url("payment_method"))
            .await?;
        let previous = self.update.apply(&mut loaded.object, ctx.now)?;
        let mut writes = Vec::new();
        if let Some(previous) = previous {
            writes.push(loaded.update(ctx.account_id())?);
            writes.push(ctx.event(
                EventKind::PaymentMethodUpdated,
                to_value(&loaded.object)?,
                Some(previous),
            )?);
        }
        respond(ctx, &loaded.object, &self.expand, writes).await
    }
}

struct Attach {
    id: String,
    customer: String,
    expand: Expand,
}

impl Command for Attach {
    type Path = String;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let customer = p.required_string("customer")?;
        let expand = Expand::parse(&p.expand()?)?;
        p.finish()?;
        Ok(Attach {
            id,
            customer,
            expand,
        })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        load_customer(ctx, &self.customer, IdIn::Param("customer")).await?;
        let mut named =
            NamedPaymentMethod::resolve(ctx, &self.id, IdIn::Url("payment_method")).await?;
        let (_, writes) = attach_named(ctx, &mut named, &self.customer)?;
        respond(ctx, &named.object, &self.expand, writes).await
    }
}

struct Detach {
    id: String,
    expand: Expand,
}

impl Command for Detach {
    type Path = String;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let expand = Expand::parse(&p.expand()?)?;
        p.finish()?;
        Ok(Detach { id, expand })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut named =
            NamedPaymentMethod::resolve(ctx, &self.id, IdIn::Url("payment_method")).await?;
        let writes = detach_named(ctx, &mut named).await?;
        respond(ctx, &named.object, &self.expand, writes).await
    }
}

async fn respond(
    ctx: &Ctx,
    pm: &PaymentMethod,
    paths: &Expand,
    writes: Vec<Write>,
) -> Result<Effect, ApiError> {
    let mut value = to_value(pm)?;
    if ctx.key == KeyKind::Publishable
        && let Some(card) = value.get_mut("card").and_then(Value::as_object_mut)
    {
        // Stripe.js never sees the fingerprint: it would let a page track cards across sites.
        card.remove("fingerprint");
    }
    expand(ctx, &mut value, paths, &writes).await?;
    Ok(Effect::ok(value, writes))
}

async fn create(api: Api<ClientKeys>) -> Reply {
    mutate::<Create>(api.into(), ()).await
}

async fn update(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Update>(api.into(), id).await
}

async fn attach(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Attach>(api.into(), id).await
}

async fn detach(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Detach>(api.into(), id).await
}

async fn retrieve(Path(id): Path<String>, api: Api) -> Reply {
    retrieve_payment_method(&api.ctx, api.params, &id, None)
        .await
        .into()
}

async fn retrieve_customer_payment_method(
    Path((customer, id)): Path<(String, String)>,
    api: Api,
) -> Reply {
    retrieve_payment_method(&api.ctx, api.params, &id, Some(&customer))
        .await
        .into()
}

/// A payment method by id; under a customer, only if attached to that customer.
async fn retrieve_payment_method(
    ctx: &Ctx,
    mut p: Params,
    id: &str,
    customer: Option<&str>,
) -> Result<Value, ApiError> {
    let paths = Expand::parse(&p.expand()?)?;
    p.finish()?;
    if let Some(customer) = customer {
        load_customer(ctx, customer, IdIn::Url("customer")).await?;
    }
    let loaded = ctx
        .load::<PaymentMethod>(id, IdIn::Url("payment_method"))
        .await?;
    if let Some(customer) = customer
        && loaded.object.customer.as_deref() != Some(customer)
    {
        return Err(ApiError::resource_missing(
            "payment_method",
            id,
            IdIn::Url("customer"),
        ));
    }
    let mut value = to_value(&loaded.object)?;
    expand(ctx, &mut value, &paths, &[]).await?;
    Ok(value)
}

const TYPES: &[&str] = &["card"];

async fn list_payment_methods(api: Api) -> Reply {
    list(
        &api.ctx,
        api.params,
        "payment_method",
        "/v1/payment_methods",
        |p, query| {
            query.customer = p.string("customer")?;
            query.tag = p.enumeration("type", TYPES)?.map(TagFilter::Exact);
            p.ignore(&["customer_account"]);
            Ok(())
        },
    )
    .await
    .into()
}

async fn list_customer_payment_methods(Path(customer): Path<String>, api: Api) -> Reply {
    let ctx = &api.ctx;
    if let Err(error) = load_customer(ctx, &customer, IdIn::Url("customer")).await {
        return Reply::error(&error);
    }
    let url = format!("/v1/customers/{customer}/payment_methods");
    list(ctx, api.params, "payment_method", &url, |p, query| {
        query.customer = Some(customer.clone());
        query.tag = p.enumeration("type", TYPES)?.map(TagFilter::Exact);
        p.ignore(&["allow_redisplay"]);
        Ok(())
    })
    .await
    .into()
}
