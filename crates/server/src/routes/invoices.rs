//! `/v1/invoices`: retrieve, list, lines, and the status transitions `pay`, `void` and
//! `mark_uncollectible` (billing-spec §3.2). Subscriptions make invoices; one-off invoices
//! are not created through the API yet (docs/COMPATIBILITY.md).

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::Value;
use tender_core::billing::documents::Invoice;
use tender_core::billing::invoice::{InvoiceStatus, mark_uncollectible};
use tender_core::event::previous_attributes;
use tender_core::event_kind::EventKind;
use tender_store::{BodyFilter, TagFilter};
use tender_wire::expand::Expand;
use tender_wire::list::{ListParams, envelope};
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::render::{self, expanded_effect};
use crate::resources::{Resource, to_value, unparsable};
use crate::services::billing::invoices::{pay, void_invoice};
use crate::services::billing::staged::Staged;
use crate::services::list::{list, page_of};
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/invoices", get(list_invoices))
        .route("/v1/invoices/{id}", get(retrieve))
        .route("/v1/invoices/{id}/lines", get(lines))
        .route("/v1/invoices/{id}/pay", post(pay_invoice))
        .route("/v1/invoices/{id}/void", post(void_route))
        .route(
            "/v1/invoices/{id}/mark_uncollectible",
            post(mark_uncollectible_route),
        )
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
        let invoice = ctx.load::<Invoice>(&self.id, IdIn::Url("invoice")).await?;
        let effect = pay(
            ctx,
            invoice,
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
