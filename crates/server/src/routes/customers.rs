//! `/v1/customers` (spec §6.2).

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::Value;
use tender_core::customer::{Customer, CustomerChanges};
use tender_core::event_kind::EventKind;
use tender_core::payment_method::PaymentMethod;
use tender_store::{BodyFilter, TagFilter, Write};
use tender_wire::expand::Expand;
use tender_wire::{ApiError, Field, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::render::expand;
use crate::resources::{Resource, insert, new_id, to_value};
use crate::services::customers::load_customer;
use crate::services::list::list;
use crate::services::payment_methods::attach_for_customer;
use crate::services::test_clocks::{attach_customer, load_clock};
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/customers", post(create).get(list_customers))
        .route(
            "/v1/customers/{id}",
            get(retrieve).post(update).delete(delete),
        )
}

/// Parameters Stripe accepts on customers that Tender stores nowhere: billing features it does
/// not simulate. Accepted so that real integrations run unchanged.
const UNSIMULATED: &[&str] = &[
    "cash_balance",
    "coupon",
    "invoice_prefix",
    "next_invoice_sequence",
    "promotion_code",
    "source",
    "tax",
    "tax_id_data",
    "validate",
];

struct Create {
    changes: CustomerChanges,
    payment_method: Option<String>,
    test_clock: Option<String>,
    expand: Expand,
}

impl Command for Create {
    type Path = ();

    fn parse(mut p: Params, _: (), _: &Ctx) -> Result<Self, ApiError> {
        let changes = CustomerChanges::take(&mut p)?;
        let payment_method = p.string("payment_method")?;
        let test_clock = p.string("test_clock")?;
        let expand = Expand::parse(&p.expand()?)?;
        p.ignore(UNSIMULATED);
        p.finish()?;
        Ok(Create {
            changes,
            payment_method,
            test_clock,
            expand,
        })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut customer = Customer::new(new_id::<Customer>(), ctx.now);
        let mut writes = Vec::new();
        let mut attached = None;
        if let Some(pm) = &self.payment_method {
            let (pm_id, pm_writes) =
                attach_for_customer(ctx, pm, &customer.id, "payment_method").await?;
            attached = Some(pm_id);
            writes.extend(pm_writes);
        }
        let changes = self.changes.clone();
        if let Some(Field::Set(default)) = &changes.default_payment_method
            && attached.as_deref() != Some(default.as_str())
        {
            return Err(not_attached(default, &customer.id));
        }
        changes.apply(&mut customer)?;
        if let Some(clock) = &self.test_clock {
            load_clock(ctx, clock, IdIn::Param("test_clock")).await?;
            attach_customer(ctx, clock, &customer.id, &mut writes).await?;
            customer.test_clock = Some(clock.clone());
        }
        let value = to_value(&customer)?;
        writes.push(insert(ctx.account_id(), &customer)?);
        writes.push(ctx.event(EventKind::CustomerCreated, value.clone(), None)?);
        respond(ctx, value, &self.expand, writes).await
    }
}

struct Update {
    id: String,
    changes: CustomerChanges,
    expand: Expand,
}

impl Command for Update {
    type Path = String;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let changes = CustomerChanges::take(&mut p)?;
        let expand = Expand::parse(&p.expand()?)?;
        p.ignore(UNSIMULATED);
        p.ignore(&["default_source"]);
        p.finish()?;
        Ok(Update {
            id,
            changes,
            expand,
        })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut loaded = load_customer(ctx, &self.id, IdIn::Url("id")).await?;
        if let Some(Field::Set(default)) = &self.changes.default_payment_method {
            let param = "invoice_settings[default_payment_method]";
            match ctx.find(default).await? {
                Some(record) if record.kind == PaymentMethod::OBJECT => {
                    if record.index.customer.as_deref() != Some(self.id.as_str()) {
                        return Err(not_attached(default, &self.id));
                    }
                }
                _ => {
                    return Err(ApiError::resource_missing(
                        PaymentMethod::OBJECT,
                        default,
                        IdIn::Param(param),
                    ));
                }
            }
        }
        let before = to_value(&loaded.object)?;
        self.changes.clone().apply(&mut loaded.object)?;
        let after = to_value(&loaded.object)?;
        let mut writes = Vec::new();
        if let Some(previous) = tender_core::event::previous_attributes(&before, &after) {
            writes.push(loaded.update(ctx.account_id())?);
            writes.push(ctx.event(EventKind::CustomerUpdated, after.clone(), Some(previous))?);
        }
        respond(ctx, after, &self.expand, writes).await
    }
}

struct Delete {
    id: String,
}

impl Command for Delete {
    type Path = String;

    fn parse(p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        p.finish()?;
        Ok(Delete { id })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let loaded = load_customer(ctx, &self.id, IdIn::Url("id")).await?;
        let deleted = loaded.object.deleted();
        let mut write = loaded.update(ctx.account_id())?;
        write.record.deleted = true;
        write.record.body = to_value(&deleted)?.to_string();
        let event = ctx.event(EventKind::CustomerDeleted, to_value(&loaded.object)?, None)?;
        Ok(Effect::ok(to_value(&deleted)?, vec![write, event]))
    }
}

async fn respond(
    ctx: &Ctx,
    mut value: Value,
    paths: &Expand,
    writes: Vec<Write>,
) -> Result<Effect, ApiError> {
    expand(ctx, &mut value, paths, &writes).await?;
    Ok(Effect::ok(value, writes))
}

fn not_attached(payment_method: &str, customer: &str) -> ApiError {
    ApiError::invalid_request(format!(
        "The PaymentMethod {payment_method} is not attached to customer {customer}. Attach it \
         first, then set it as the default."
    ))
    .with_param("invoice_settings[default_payment_method]")
}

async fn create(api: Api) -> Reply {
    mutate::<Create>(api.into(), ()).await
}

async fn update(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Update>(api.into(), id).await
}

async fn delete(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Delete>(api.into(), id).await
}

async fn retrieve(Path(id): Path<String>, api: Api) -> Reply {
    retrieve_customer(&api.ctx, api.params, &id).await.into()
}

async fn retrieve_customer(ctx: &Ctx, mut p: Params, id: &str) -> Result<Value, ApiError> {
    let paths = Expand::parse(&p.expand()?)?;
    p.finish()?;
    match ctx.find(id).await? {
        Some(record) if record.kind == Customer::OBJECT => {
            let mut value: Value = serde_json::from_str(&record.body).map_err(|error| {
                tracing::error!(%id, %error, "stored customer does not parse");
                ApiError::internal()
            })?;
            if !record.deleted {
                expand(ctx, &mut value, &paths, &[]).await?;
            }
            Ok(value)
        }
        _ => Err(ApiError::resource_missing("customer", id, IdIn::Url("id"))),
    }
}

async fn list_customers(api: Api) -> Reply {
    list(
        &api.ctx,
        api.params,
        "customer",
        "/v1/customers",
        |p, query| {
            query.tag = p.string("email")?.map(TagFilter::Exact);
            // Customers bound to a test clock are listed only when their clock is asked for,
            // as on Stripe.
            let clock = p.string("test_clock")?;
            query
                .body
                .push(BodyFilter::equals("test_clock", &clock.into()));
            Ok(())
        },
    )
    .await
    .into()
}
