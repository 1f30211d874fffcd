//! Invoices: newest first, filtered by status and customer (as `GET /v1/invoices`); an
//! invoice's amounts, lines, PaymentIntent (linked to its payment's page) and events.

use std::collections::HashMap;

use maud::{Markup, html};
use serde_json::{Value, json};
use tender_store::{BodyFilter, Store, StoreError};

use super::super::data::{self, field, pretty, text};
use super::super::format::{amount, badge, time};
use super::payment::metadata;
use super::subscriptions::events_table;
use super::{empty, page_nav};

/// An invoice's statuses (`InvoiceStatus`), the status filter's choices.
const STATUSES: &[&str] = &["draft", "open", "paid", "uncollectible", "void"];

/// Most events an invoice's page shows.
const MOST: usize = 100;

pub async fn list(
    store: &dyn Store,
    account: &str,
    q: &HashMap<String, String>,
) -> Result<Markup, StoreError> {
    let status = field(q, "status").filter(|s| STATUSES.contains(s));
    let customer = field(q, "customer");
    let mut query = data::query(account, "invoice");
    query.customer = customer.map(str::to_owned);
    if let Some(status) = status {
        query
            .body
            .push(BodyFilter::equals("status", &json!(status)));
    }
    let page = data::page(
        store,
        query,
        field(q, "starting_after"),
        field(q, "ending_before"),
    )
    .await?;
    let first_page = field(q, "starting_after").is_none() && field(q, "ending_before").is_none();
    let filters = [
        ("status", status.unwrap_or("")),
        ("customer", customer.unwrap_or("")),
    ];
    Ok(html! {
        div.heading { h1 { "Invoices" } }
        form.filters method="get" action="/dashboard/invoices" aria-label="Filter invoices" {
            label { "Status "
                select name="status" {
                    option value="" selected[status.is_none()] { "any" }
                    @for s in STATUSES { option value=(s) selected[status == Some(*s)] { (s) } }
                }
            }
            label { "Customer " input name="customer" value=(customer.unwrap_or("")) placeholder="cus_…" size="24"; }
            button type="submit" { "Filter" }
            a href="/dashboard/invoices" { "Clear" }
        }
        div data-live[first_page] { (invoices_table(&page.items)) }
        (page_nav("/dashboard/invoices", &filters, &page))
    })
}

/// Invoices as rows: amount due, status, customer, why, when.
pub fn invoices_table(invoices: &[Value]) -> Markup {
    html! {
        table.list.invoices {
            caption.visually-hidden { "Invoices, newest first" }
            thead { tr {
                th scope="col" { "Invoice" } th scope="col" { "Amount due" } th scope="col" { "Status" }
                th scope="col" { "Customer" } th scope="col" { "Reason" } th scope="col" { "Created" }
            } }
            tbody {
                @if invoices.is_empty() { (empty(6, "No invoices.")) }
                @for invoice in invoices {
                    tr {
                        td.mono { a href={ "/dashboard/invoices/" (text(invoice, "id")) } { (text(invoice, "id")) } }
                        td.amount { (amount(invoice["amount_due"].as_i64().unwrap_or(0), text(invoice, "currency"))) }
                        td { (badge(text(invoice, "status"))) }
                        td.mono { (text(invoice, "customer")) }
                        td { (text(invoice, "billing_reason").replace('_', " ")) }
                        td { (time(invoice["created"].as_i64().unwrap_or(0))) }
                    }
                }
            }
        }
    }
}

pub async fn detail(store: &dyn Store, account: &str, id: &str) -> Option<Markup> {
    let invoice = data::object(store, account, id).await?;
    if text(&invoice, "object") != "invoice" {
        return None;
    }
    let currency = text(&invoice, "currency").to_owned();
    let money = |name: &str| amount(invoice[name].as_i64().unwrap_or(0), &currency);
    let mut events = data::query(account, "event");
    events
        .body
        .push(BodyFilter::equals("data.object.id", &json!(id)));
    // Only the customer's events are read (events are listed by the customer they concern).
    events.customer = invoice["customer"].as_str().map(str::to_owned);
    // As for a subscription: bounded by its creation unless its time is a test clock's.
    if invoice["test_clock"].is_null() {
        events.created.gte = invoice["created"].as_i64();
    }
    let events = data::all(store, events, MOST).await;
    let lines = invoice["lines"]["data"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let customer = text(&invoice, "customer");
    let subscription = subscription_of(&invoice);
    let intent = invoice["payment_intent"].as_str();
    Some(html! {
        div.heading {
            p.muted { "Invoice" }
            h1 { (money("amount_due")) " " (badge(text(&invoice, "status"))) }
            p.mono { (id) @if let Some(number) = invoice["number"].as_str() { " · " (number) } }
        }
        dl.summary {
            dt { "Customer" } dd { a.mono href={ "/dashboard/customers/" (customer) } { (customer) } }
            dt { "Subscription" } dd {
                @if let Some(sub) = subscription { a.mono href={ "/dashboard/subscriptions/" (sub) } { (sub) } } @else { "—" }
            }
            dt { "Payment" } dd {
                @if let Some(pi) = intent { a.mono href={ "/dashboard/payments/" (pi) } { (pi) } } @else { "—" }
            }
            dt { "Amount due" } dd #amount-due { (money("amount_due")) }
            dt { "Amount paid" } dd #amount-paid { (money("amount_paid")) }
            dt { "Amount remaining" } dd #amount-remaining { (money("amount_remaining")) }
            dt { "Period" } dd { (time(invoice["period_start"].as_i64().unwrap_or(0))) " → " (time(invoice["period_end"].as_i64().unwrap_or(0))) }
            dt { "Reason" } dd { (text(&invoice, "billing_reason").replace('_', " ")) }
            dt { "Created" } dd { (time(invoice["created"].as_i64().unwrap_or(0))) }
            dt { "Description" } dd { (text(&invoice, "description")) }
        }
        section aria-labelledby="lines" {
            h2 #lines { "Lines" }
            table.list {
                thead { tr { th scope="col" { "Description" } th scope="col" { "Quantity" } th scope="col" { "Period" } th scope="col" { "Amount" } } }
                tbody {
                    @if lines.is_empty() { (empty(4, "No lines.")) }
                    @for line in &lines {
                        tr {
                            td { (text(line, "description")) }
                            td { (line["quantity"].as_i64().unwrap_or(1)) }
                            td { (time(line["period"]["start"].as_i64().unwrap_or(0))) " → " (time(line["period"]["end"].as_i64().unwrap_or(0))) }
                            td.amount { (amount(line["amount"].as_i64().unwrap_or(0), &currency)) }
                        }
                    }
                }
            }
        }
        section aria-labelledby="events" {
            h2 #events { "Events" }
            div data-live { (events_table(&events)) }
        }
        section aria-labelledby="metadata" {
            h2 #metadata { "Metadata" }
            (metadata(&invoice["metadata"]))
        }
        details {
            summary { "The Invoice's JSON" }
            pre.json { (pretty(&invoice)) }
        }
    })
}

/// The invoice's subscription: the old field, else `parent.subscription_details`.
fn subscription_of(invoice: &Value) -> Option<&str> {
    invoice["subscription"]
        .as_str()
        .or_else(|| invoice["parent"]["subscription_details"]["subscription"].as_str())
}
