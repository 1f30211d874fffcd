//! `/v1/invoiceitems`: charges and credits for a customer, pending until an invoice takes
//! them (`pending_invoice_items_behavior=include`), or added straight to a draft
//! (`invoice=in_…`).

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::json;
use tender_core::billing::documents::{Invoice, Period};
use tender_core::billing::invoice::InvoiceStatus;
use tender_core::billing::invoice_item::{
    InvoiceItem, InvoiceItemCreate, ItemAmount, NewInvoiceItem, item_amount,
};
use tender_core::event_kind::EventKind;
use tender_core::price::{Price, PriceType};
use tender_store::TagFilter;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Metadata, Params};

use crate::ctx::Ctx;
use crate::http::{Api, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::render::{self, expanded_effect};
use crate::resources::{Resource, insert, new_id, to_value};
use crate::services::billing::staged::Staged;
use crate::services::catalog::load_price;
use crate::services::customers::load_customer;
use crate::services::list::list;
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/invoiceitems", post(create).get(list_items))
        .route("/v1/invoiceitems/{id}", get(retrieve).delete(delete))
}

struct Create {
    create: InvoiceItemCreate,
    expand: Expand,
}

impl Command for Create {
    type Path = ();
    const WRITES_EVENTS: bool = true;

    fn parse(mut p: Params, _: (), _: &Ctx) -> Result<Self, ApiError> {
        let create = Create {
            create: InvoiceItemCreate::take(&mut p)?,
            expand: Expand::parse(&p.expand()?)?,
        };
        p.finish()?;
        Ok(create)
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let create = &self.create;
        let customer = load_customer(ctx, &create.customer, IdIn::Param("customer")).await?;
        let (unit_amount, quantity, price) = match &create.amount {
            ItemAmount::Total(amount) => (*amount, 1, None),
            ItemAmount::PerUnit {
                unit_amount,
                quantity,
            } => (*unit_amount, *quantity, None),
            ItemAmount::Price { price, quantity } => {
                let price = load_price(ctx, price, IdIn::Param("price")).await?.object;
                check_one_time(&price)?;
                (price.unit_amount.unwrap_or(0), *quantity, Some(price))
            }
        };
        let currency = match (&create.currency, &price) {
            (Some(currency), Some(price)) if *currency != price.currency => {
                return Err(ApiError::invalid_request(format!(
                    "The price's currency ({}) is not the invoice item's ({currency}).",
                    price.currency
                ))
                .with_param("currency"));
            }
            (Some(currency), _) => currency.clone(),
            (None, Some(price)) => price.currency.clone(),
            (None, None) => return Err(ApiError::missing_parameter("currency")),
        };
        let mut metadata = Metadata::new();
        if let Some(update) = &create.metadata {
            update.apply(&mut metadata, "metadata")?;
        }
        let item = InvoiceItem::new(
            NewInvoiceItem {
                id: new_id::<InvoiceItem>(),
                customer: customer.object.id.clone(),
                currency,
                unit_amount,
                quantity,
                amount: item_amount(unit_amount, quantity)?,
                description: create.description.clone(),
                invoice: create.invoice.clone(),
                metadata,
                period: create.period.unwrap_or(Period {
                    start: ctx.now,
                    end: ctx.now,
                }),
                price: price.map(|p| (p.id, p.product)),
                proration: false,
                subscription: None,
            },
            ctx.now,
        );
        let mut writes = Vec::new();
        if let Some(invoice_id) = &create.invoice {
            let mut invoice =
                Staged::<Invoice>::find(ctx, invoice_id, &writes, IdIn::Param("invoice")).await?;
            check_draft_of(&invoice.object, &item)?;
            invoice
                .object
                .add_line(item.line(tender_wire::id::generate("il")))?;
            let json = invoice.write(ctx, &mut writes)?;
            writes.push(ctx.event_json(EventKind::InvoiceUpdated, json, None)?);
        }
        let value = to_value(&item)?;
        writes.push(insert(ctx.account_id(), &item)?);
        writes.push(ctx.event(EventKind::InvoiceitemCreated, value.clone(), None)?);
        expanded_effect(ctx, value, &self.expand, writes).await
    }
}

/// Invoice items bill one-time prices.
fn check_one_time(price: &Price) -> Result<(), ApiError> {
    if price.kind != PriceType::OneTime {
        return Err(ApiError::invalid_request(
            "The price specified is set to `type=recurring` but this field only accepts prices \
             with `type=one_time`.",
        )
        .with_param("price"));
    }
    Ok(())
}

/// An item joins a draft invoice of its own customer, in its currency.
fn check_draft_of(invoice: &Invoice, item: &InvoiceItem) -> Result<(), ApiError> {
    if invoice.status != InvoiceStatus::Draft {
        return Err(ApiError::invalid_request(format!(
            "Invoice {} is not a draft: items can only be added to draft invoices.",
            invoice.id
        ))
        .with_param("invoice"));
    }
    if invoice.customer != item.customer || invoice.currency != item.currency {
        return Err(ApiError::invalid_request(format!(
            "Invoice {} belongs to another customer or currency.",
            invoice.id
        ))
        .with_param("invoice"));
    }
    Ok(())
}

/// `DELETE /v1/invoiceitems/:id`: a pending item only.
struct Delete {
    id: String,
}

impl Command for Delete {
    type Path = String;
    const WRITES_EVENTS: bool = true;

    fn parse(p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        p.finish()?;
        Ok(Delete { id })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let loaded = ctx
            .load::<InvoiceItem>(&self.id, IdIn::Url("invoiceitem"))
            .await?;
        if let Some(invoice) = &loaded.object.invoice {
            return Err(ApiError::invalid_request(format!(
                "This invoice item is on invoice {invoice} and can no longer be deleted."
            )));
        }
        let deleted = json!({"id": self.id, "object": "invoiceitem", "deleted": true});
        let mut write = loaded.update(ctx.account_id())?;
        write.record.deleted = true;
        write.record.body = deleted.to_string();
        let event = ctx.event(
            EventKind::InvoiceitemDeleted,
            to_value(&loaded.object)?,
            None,
        )?;
        Ok(Effect::ok(deleted, vec![write, event]))
    }
}

async fn create(api: Api) -> Reply {
    mutate::<Create>(api.into(), ()).await
}

async fn delete(Path(id): Path<String>, api: Api) -> Reply {
    mutate::<Delete>(api.into(), id).await
}

async fn retrieve(Path(id): Path<String>, api: Api) -> Reply {
    render::retrieve(&api.ctx, api.params, InvoiceItem::OBJECT, &id)
        .await
        .into()
}

async fn list_items(api: Api) -> Reply {
    list(
        &api.ctx,
        api.params,
        InvoiceItem::OBJECT,
        "/v1/invoiceitems",
        |p, query| {
            query.customer = p.string("customer")?;
            match (p.string("invoice")?, p.boolean("pending")?) {
                (Some(invoice), _) => query.tag = Some(TagFilter::Exact(invoice)),
                (None, Some(true)) => query.tag = Some(TagFilter::Exact("pending".to_owned())),
                _ => {}
            }
            Ok(())
        },
    )
    .await
    .into()
}
