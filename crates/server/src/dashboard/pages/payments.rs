//! Payments: the account's PaymentIntents, newest first, filtered by status, customer,
//! amount and creation date.

use std::collections::HashMap;

use maud::html;
use serde_json::{Value, json};
use tender_store::{BodyFilter, Store, TagFilter};

use super::super::data::{self, field, text};
use super::super::format::{amount, badge, parse_date, time};
use super::{empty, page_nav};

const STATUSES: &[&str] = &[
    "requires_payment_method",
    "requires_confirmation",
    "requires_action",
    "processing",
    "requires_capture",
    "canceled",
    "succeeded",
];

pub async fn list(
    store: &dyn Store,
    account: &str,
    q: &HashMap<String, String>,
) -> Result<maud::Markup, tender_store::StoreError> {
    let status = field(q, "status").filter(|s| STATUSES.contains(s));
    let customer = field(q, "customer");
    let amount_filter = field(q, "amount").and_then(|a| a.parse::<i64>().ok());
    let from = field(q, "from").and_then(parse_date);
    let to = field(q, "to").and_then(parse_date);

    let mut query = data::query(account, "payment_intent");
    query.customer = customer.map(str::to_owned);
    // A status is an index range (the tag); an amount, a condition on the stored body, is
    // looked for a window at a time (`data::WINDOW`).
    query.tag = status.map(|s| TagFilter::Exact(s.to_owned()));
    if let Some(a) = amount_filter {
        query.body.push(BodyFilter::equals("amount", &json!(a)));
    }
    query.created.gte = from;
    // The whole "to" day is included.
    query.created.lt = to.map(|t| t + 86_400);
    let page = data::page(
        store,
        query,
        field(q, "starting_after"),
        field(q, "ending_before"),
    )
    .await?;
    let mut methods = HashMap::new();
    for pi in &page.items {
        methods.insert(
            text(pi, "id").to_owned(),
            card_summary(store, account, pi).await,
        );
    }
    let filters = [
        ("status", status.unwrap_or("")),
        ("customer", customer.unwrap_or("")),
        ("amount", field(q, "amount").unwrap_or("")),
        ("from", field(q, "from").unwrap_or("")),
        ("to", field(q, "to").unwrap_or("")),
    ];
    let first_page = field(q, "starting_after").is_none() && field(q, "ending_before").is_none();
    Ok(html! {
        div.heading { h1 { "Payments" } }
        form.filters method="get" action="/dashboard/payments" aria-label="Filter payments" {
            label { "Status "
                select name="status" {
                    option value="" { "Any" }
                    @for s in STATUSES {
                        option value=(s) selected[status == Some(*s)] { (s.replace('_', " ")) }
                    }
                }
            }
            label { "Customer " input name="customer" value=(customer.unwrap_or("")) placeholder="cus_…" size="22"; }
            label { "Amount (minor units) " input name="amount" inputmode="numeric" value=(field(q, "amount").unwrap_or("")) size="8"; }
            label { "From " input type="date" name="from" value=(field(q, "from").unwrap_or("")); }
            label { "To " input type="date" name="to" value=(field(q, "to").unwrap_or("")); }
            button type="submit" { "Filter" }
            a href="/dashboard/payments" { "Clear" }
        }
        table.list data-live[first_page] {
            caption.visually-hidden { "Payments, newest first" }
            thead { tr { th scope="col" { "Amount" } th scope="col" { "Status" } th scope="col" { "Description" } th scope="col" { "Customer" } th scope="col" { "Payment method" } th scope="col" { "Created" } } }
            tbody {
                @if page.items.is_empty() { (empty(6, "No payments yet.")) }
                @for pi in &page.items { (row(pi, &methods)) }
            }
        }
        (page_nav("/dashboard/payments", &filters, &page))
    })
}

fn row(pi: &Value, methods: &HashMap<String, String>) -> maud::Markup {
    let id = text(pi, "id");
    let href = format!("/dashboard/payments/{id}");
    html! {
        tr {
            td.amount { a href=(href) { (amount(pi["amount"].as_i64().unwrap_or(0), text(pi, "currency"))) } }
            td { (badge(text(pi, "status"))) }
            td.clip { (text(pi, "description")) }
            td.mono { (text(pi, "customer")) }
            td { (methods.get(text(pi, "id")).map_or("", String::as_str)) }
            td { (time(pi["created"].as_i64().unwrap_or(0))) }
        }
    }
}

/// `visa •••• 4242`: from the intent's latest charge (its payment method may never have been
/// stored: one minted from a `pm_card_*` test id and not attached), else its payment method.
pub async fn card_summary(store: &dyn Store, account: &str, pi: &Value) -> String {
    let charge = text(pi, "latest_charge");
    if !charge.is_empty()
        && let Some(charge) = data::object(store, account, charge).await
    {
        let card = &charge["payment_method_details"]["card"];
        if let (Some(brand), Some(last4)) = (card["brand"].as_str(), card["last4"].as_str()) {
            return format!("{brand} •••• {last4}");
        }
    }
    let pm = text(pi, "payment_method");
    if pm.is_empty() {
        return String::new();
    }
    let Some(method) = data::object(store, account, pm).await else {
        return pm.to_owned();
    };
    let card = &method["card"];
    match (card["brand"].as_str(), card["last4"].as_str()) {
        (Some(brand), Some(last4)) => format!("{brand} •••• {last4}"),
        _ => text(&method, "type").to_owned(),
    }
}
