//! One-off invoices (`POST /v1/invoices`): a draft for a customer, with the customer's pending
//! invoice items when asked (`pending_invoice_items_behavior=include`); more items join it with
//! `POST /v1/invoiceitems invoice=in_…` until it is finalized.

use tender_core::billing::documents::{Invoice, NewInvoice, Period};
use tender_core::billing::invoice::{Amounts, BillingReason};
use tender_core::billing::invoice_create::InvoiceCreate;
use tender_core::billing::invoice_item::InvoiceItem;
use tender_core::event_kind::EventKind;
use tender_store::{ListQuery, TagFilter, Write};
use tender_wire::{ApiError, IdIn, Metadata};

use crate::ctx::Ctx;
use crate::resources::{Loaded, Resource, insert, new_id, to_json};
use crate::services::customers::load_customer;
use crate::store_error;

/// The most pending items one invoice takes at creation.
const MAX_PENDING: usize = 250;

/// The writes of a new draft invoice and the invoice itself.
pub async fn create_invoice(
    ctx: &Ctx,
    create: &InvoiceCreate,
) -> Result<(Invoice, Vec<Write>), ApiError> {
    let customer = load_customer(ctx, &create.customer, IdIn::Param("customer")).await?;
    let pending = if create.include_pending_items {
        pending_items(ctx, &customer.object.id).await?
    } else {
        Vec::new()
    };
    let currency = pending
        .first()
        .map_or_else(|| "usd".to_owned(), |i| i.object.currency.clone());
    let mut metadata = Metadata::new();
    if let Some(update) = &create.metadata {
        update.apply(&mut metadata, "metadata")?;
    }
    let id = new_id::<Invoice>();
    let mut invoice = Invoice::draft(
        NewInvoice {
            id: id.clone(),
            customer: customer.object.id.clone(),
            customer_email: customer.object.email.clone(),
            customer_name: customer.object.name.clone(),
            currency: currency.clone(),
            billing_reason: BillingReason::Manual,
            collection_method: create.collection_method.clone(),
            days_until_due: create.days_until_due,
            subscription: None,
            description: create.description.clone(),
            metadata,
            period: Period {
                start: ctx.now,
                end: ctx.now,
            },
            lines: Vec::new(),
            amounts: Amounts::default(),
        },
        ctx.now,
    );
    invoice.auto_advance = create.auto_advance;
    let mut writes = Vec::new();
    // Items in another currency than the first stay pending for another invoice.
    for mut item in pending
        .into_iter()
        .filter(|i| i.object.currency == currency)
    {
        invoice.add_line(item.object.line(tender_wire::id::generate("il")))?;
        item.object.invoice = Some(id.clone());
        writes.push(item.update(ctx.account_id())?);
    }
    let json = to_json(&invoice)?;
    writes.push(insert(ctx.account_id(), &invoice)?);
    writes.push(ctx.event_json(EventKind::InvoiceCreated, json, None)?);
    Ok((invoice, writes))
}

/// The customer's pending invoice items, oldest first (the order they join the invoice).
pub async fn pending_items(
    ctx: &Ctx,
    customer: &str,
) -> Result<Vec<Loaded<InvoiceItem>>, ApiError> {
    let query = ListQuery {
        account: ctx.account_id().to_owned(),
        kind: InvoiceItem::OBJECT.to_owned(),
        customer: Some(customer.to_owned()),
        tag: Some(TagFilter::Exact("pending".to_owned())),
        limit: MAX_PENDING,
        ..ListQuery::default()
    };
    let records = ctx.store().list(&query).await.map_err(store_error)?;
    let mut items = records
        .iter()
        .take(MAX_PENDING)
        .map(Loaded::<InvoiceItem>::from_record)
        .collect::<Result<Vec<_>, _>>()?;
    items.reverse();
    Ok(items)
}
