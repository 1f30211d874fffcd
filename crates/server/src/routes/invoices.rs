//! `/v1/invoices`: one-off drafts (create, update), retrieve, list, lines, and the status
//! transitions `finalize`, `pay`, `void` and `mark_uncollectible` (billing-spec §3.2).

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::Value;
use tender_core::billing::documents::Invoice;
use tender_core::billing::invoice::{InvoiceStatus, mark_uncollectible};
use tender_core::billing::invoice_create::InvoiceCreate;
use tender_core::event::previous_attributes;
use tender_core::event_kind::EventKind;
use tender_store::{BodyFilter, TagFilter};
use tender_wire::expand::Expand;
use tender_wire::list::{ListParams, envelope};
use tender_wire::{ApiError, Field, IdIn, MetadataUpdate, Params};

use crate::ctx::Ctx;
use crate::http::{Api, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::render::{self, expanded_effect};
use crate::resources::{Resource, to_value, unparsable};
use crate::services::billing::invoices::{finalize_invoice, pay, void_invoice};
use crate::services::billing::one_off::create_invoice;
use crate::services::billing::staged::Staged;
use crate::services::list::{list, page_of};
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/invoices", get(list_invoices).post(create))
        .route("/v1/invoices/{id}", get(retrieve).post(update))
        .route("/v1/invoices/{id}/finalize", post(finalize_route))
        .route("/v1/invoices/{id}/lines", get(lines))
        .route("/v1/invoices/{id}/pay", post(pay_invoice))
        .route("/v1/invoices/{id}/void", post(void_route))
        .route(
            "/v1/invoices/{id}/mark_uncollectible",
            post(mark_uncollectible_route),
        )
}

struct Create {
    create: InvoiceCreate,
    expand: Expand,
}

impl Command for Create {
    type Path = ();
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, _: (), _: &Ctx) -> Result<Self, ApiError> {
        let create = Create {
            create: InvoiceCreate::take(&mut p)?,
            expand: Expand::parse(&p.expand()?)?,
        };
        p.finish()?;
        Ok(create)
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let (invoice, writes) = create_invoice(ctx, &self.create).await?;
        expanded_effect(ctx, to_value(&invoice)?, &self.expand, writes).await
    }
}

/// `POST /v1/invoices/:id`: `metadata` always; `description` and `auto_advance` on drafts.
struct Update {
    id: String,
    metadata: Option<MetadataUpdate>,
    description: Option<Field<String>>,
    auto_advance: Option<bool>,
    expand: Expand,
}

impl Command for Update {
    type Path = String;
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let update = Update {
            id,
            metadata: p.metadata("metadata")?,
            description: match p.contains("description") {
                true => Some(p.string_field("description")?),
                false => None,
            },
            auto_advance: p.boolean("auto_advance")?,
            expand: Expand::parse(&p.expand()?)?,
        };
        p.finish()?;
        Ok(update)
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut loaded = ctx.load::<Invoice>(&self.id, IdIn::Url("invoice")).await?;
        let invoice = &mut loaded.object;
        if (self.description.is_some() || self.auto_advance.is_some())
            && invoice.status != InvoiceStatus::Draft
        {
            return Err(ApiError::invalid_request(format!(
                "Invoice {} is finalized: only its `metadata` can be updated.",
                invoice.id
            ))
            .with_code("invoice_not_editable")
            .with_param(if self.description.is_some() {
                "description"
            } else {
                "auto_advance"
            }));
        }
        let before = to_value(&*invoice)?;
        if let Some(metadata) = &self.metadata {
            metadata.apply(&mut invoice.metadata, "metadata")?;
        }
        if let Some(description) = &self.description {
            invoice.description = description.clone().set();
        }
        if let Some(auto_advance) = self.auto_advance {
            invoice.auto_advance = auto_advance;
        }
        let after = to_value(&loaded.object)?;
        let mut writes = vec![loaded.update(ctx.account_id())?];
        if let Some(previous) = previous_attributes(&before, &after) {
            writes.push(ctx.event(EventKind::InvoiceUpdated, after.clone(), Some(previous))?);
        }
        expanded_effect(ctx, after, &self.expand, writes).await
    }
}

/// `POST /v1/invoices/:id/finalize`.
struct Finalize {
    id: String,
    expand: Expand,
}

impl Command for Finalize {
    type Path = String;
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        p.boolean("auto_advance")?;
        let finalize = Finalize {
            id,
            expand: Expand::parse(&p.expand()?)?,
        };
        p.finish()?;
        Ok(finalize)
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut writes = Vec::new();
        let mut invoice =
            Staged::<Invoice>::find(ctx, &self.id, &writes, IdIn::Url("invoice")).await?;
        finalize_invoice(ctx, &mut invoice, None, &mut writes).await?;
        expanded_effect(ctx, to_value(&invoice.object)?, &self.expand, writes).await
    }
}

struct Pay {
    id: String,
    payment_method: Option<String>,
    off_session: bool,
    expand: Expand,
}

impl Command for Pay {
    type Path = String;
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        if p.boolean("paid_out_of_band")? == Some(true) {
            return Err(ApiError::invalid_request(
                "Tender does not support `paid_out_of_band` (see docs/COMPATIBILITY.md).",
            )
            .with_param("paid_out_of_band"));
        }
        for key in ["source", "mandate"] {
            if p.contains(key) {
                return Err(ApiError::invalid_request(format!(
                    "Tender does not support `{key}` on invoice payments."
                ))
                .with_param(key));
            }
        }
        p.boolean("forgive")?;
        let pay = Pay {
            id,
            payment_method: p.string("payment_method")?,
            off_session: p.boolean("off_session")?.unwrap_or(true),
            expand: Expand::parse(&p.expand()?)?,
        };
        p.finish()?;
        Ok(pay)
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let effect = pay(
            ctx,
            &self.id,
            self.payment_method.as_deref(),
            self.off_session,
        )
        .await?;
        if effect.status != 200 || self.expand.is_empty() {
            return Ok(effect);
        }
        let value: Value =
            serde_json::from_str(&effect.body).map_err(|e| unparsable(&self.id, &e))?;
        expanded_effect(ctx, value, &self.expand, effect.writes).await
    }
}

/// `void` (`VOID`) or `mark_uncollectible`.
struct Close<const VOID: bool> {
    id: String,
    expand: Expand,
}

impl<const VOID: bool> Command for Close<VOID> {
    type Path = String;
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let close = Close {
            id,
            expand: Expand::parse(&p.expand()?)?,
        };
        p.finish()?;
        Ok(close)
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut writes = Vec::new();
        let mut invoice =
            Staged::<Invoice>::find(ctx, &self.id, &writes, IdIn::Url("invoice")).await?;
        if VOID {
            void_invoice(ctx, &mut invoice, &mut writes).await?;
        } else {
            {
                let before = to_value(&invoice.object)?;
                invoice.object.status = mark_uncollectible(invoice.object.status)?;
                invoice.object.status_transitions.marked_uncollectible_at = Some(ctx.now);
                let json = invoice.write(ctx, &mut writes)?;
                let after = to_value(&invoice.object)?;
                writes.push(ctx.event_json(
                    EventKind::InvoiceMarkedUncollectible,
                    json.clone(),
                    None,
                )?);
                writes.push(ctx.event_json(
                    EventKind::InvoiceUpdated,
                    json,
                    previous_attributes(&before, &after),
                )?);
            }
        }
        let value = to_value(&invoice.object)?;
        expanded_effect(ctx, value, &self.expand, writes).await
    }
}

async fn create(api: Api) -> Reply {
    mutate::<Create>(api.into(), ()).await
}

async fn update(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Update>(api.into(), id).await
}

async fn finalize_route(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Finalize>(api.into(), id).await
}

async fn pay_invoice(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Pay>(api.into(), id).await
}

async fn void_route(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Close<true>>(api.into(), id).await
}

async fn mark_uncollectible_route(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Close<false>>(api.into(), id).await
}

async fn retrieve(Path(id): Path<String>, api: Api) -> Reply {
    render::retrieve(&api.ctx, api.params, Invoice::OBJECT, &id)
        .await
        .into()
}

/// `GET /v1/invoices/:id/lines`: the invoice's lines, a page at a time.
async fn lines(Path(id): Path<String>, api: Api) -> Reply {
    read_lines(&api.ctx, api.params, &id).await.into()
}

async fn read_lines(ctx: &Ctx, mut p: Params, id: &str) -> Result<Value, ApiError> {
    let page = ListParams::take(&mut p)?;
    p.finish()?;
    let invoice = ctx.load::<Invoice>(id, IdIn::Url("invoice")).await?.object;
    let (lines, has_more) = page_of(invoice.lines.data, |l| &l.id, &page, "line_item")?;
    let items = lines.iter().map(to_value).collect::<Result<Vec<_>, _>>()?;
    Ok(envelope(
        &format!("/v1/invoices/{id}/lines"),
        items,
        has_more,
    ))
}

async fn list_invoices(api: Api) -> Reply {
    list(
        &api.ctx,
        api.params,
        Invoice::OBJECT,
        "/v1/invoices",
        |p, query| {
            query.customer = p.string("customer")?;
            if let Some(subscription) = p.string("subscription")? {
                query.tag = Some(TagFilter::Exact(subscription));
            }
            if let Some(status) = p.enumeration("status", InvoiceStatus::NAMES)? {
                query
                    .body
                    .push(BodyFilter::equals("status", &status.into()));
            }
            if let Some(method) = p.enumeration(
                "collection_method",
                &["charge_automatically", "send_invoice"],
            )? {
                query
                    .body
                    .push(BodyFilter::equals("collection_method", &method.into()));
            }
            Ok(())
        },
    )
    .await
    .into()
}
