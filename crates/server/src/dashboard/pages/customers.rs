//! Customers: newest first, filtered by email; a customer's payment methods, payments and
//! metadata.

use std::collections::HashMap;

use maud::{Markup, html};
use tender_store::{Store, StoreError, TagFilter};

use super::super::data::{self, field, text};
use super::super::format::{amount, badge, time};
use super::payment::metadata;
use super::{empty, page_nav};

pub async fn list(
    store: &dyn Store,
    account: &str,
    q: &HashMap<String, String>,
) -> Result<Markup, StoreError> {
    let email = field(q, "email");
    let mut query = data::query(account, "customer");
    query.tag = email.map(|e| TagFilter::Exact(e.to_owned()));
    let page = data::page(
        store,
        query,
        field(q, "starting_after"),
        field(q, "ending_before"),
    )
    .await?;
    let first_page = field(q, "starting_after").is_none() && field(q, "ending_before").is_none();
    let filters = [("email", email.unwrap_or(""))];
    Ok(html! {
        div.heading { h1 { "Customers" } }
        form.filters method="get" action="/dashboard/customers" aria-label="Filter customers" {
            label { "Email " input type="email" name="email" value=(email.unwrap_or("")) size="28"; }
            button type="submit" { "Filter" }
            a href="/dashboard/customers" { "Clear" }
        }
        table.list data-live[first_page] {
            caption.visually-hidden { "Customers, newest first" }
            thead { tr { th scope="col" { "Customer" } th scope="col" { "Name" } th scope="col" { "Email" } th scope="col" { "Created" } } }
            tbody {
                @if page.items.is_empty() { (empty(4, "No customers yet.")) }
                @for c in &page.items {
                    tr {
                        td.mono { a href={ "/dashboard/customers/" (text(c, "id")) } { (text(c, "id")) } }
                        td { (text(c, "name")) }
                        td { (text(c, "email")) }
                        td { (time(c["created"].as_i64().unwrap_or(0))) }
                    }
                }
            }
        }
        (page_nav("/dashboard/customers", &filters, &page))
    })
}

pub async fn detail(store: &dyn Store, account: &str, id: &str) -> Option<Markup> {
    let customer = data::object(store, account, id).await?;
    if text(&customer, "object") != "customer" {
        return None;
    }
    let mut methods = data::query(account, "payment_method");
    methods.customer = Some(id.to_owned());
    let methods = data::all(store, methods, 50).await;
    let mut payments = data::query(account, "payment_intent");
    payments.customer = Some(id.to_owned());
    let payments = data::all(store, payments, 50).await;
    // All of them, on a test clock or not, canceled or not (the customer's whole history).
    let mut subscriptions = data::query(account, "subscription");
    subscriptions.customer = Some(id.to_owned());
    let subscriptions = data::all(store, subscriptions, 50).await;
    Some(html! {
        div.heading {
            p.muted { "Customer" }
            h1 { (if text(&customer, "name").is_empty() { text(&customer, "email") } else { text(&customer, "name") }) }
            p.mono { (id) }
        }
        dl.summary {
            dt { "Email" } dd { (text(&customer, "email")) }
            dt { "Description" } dd { (text(&customer, "description")) }
            dt { "Created" } dd { (time(customer["created"].as_i64().unwrap_or(0))) }
        }
        section aria-labelledby="methods" {
            h2 #methods { "Payment methods" }
            table.list {
                thead { tr { th scope="col" { "Id" } th scope="col" { "Card" } th scope="col" { "Expires" } } }
                tbody {
                    @if methods.is_empty() { (empty(3, "No saved payment methods.")) }
                    @for pm in &methods {
                        tr {
                            td.mono { (text(pm, "id")) }
                            td { (text(&pm["card"], "brand")) " •••• " (text(&pm["card"], "last4")) }
                            td { (pm["card"]["exp_month"]) "/" (pm["card"]["exp_year"]) }
                        }
                    }
                }
            }
        }
        section aria-labelledby="subscriptions" {
            h2 #subscriptions { "Subscriptions" }
            table.list {
                thead { tr { th scope="col" { "Subscription" } th scope="col" { "Status" } th scope="col" { "Current period ends" } th scope="col" { "Created" } } }
                tbody {
                    @if subscriptions.is_empty() { (empty(4, "No subscriptions.")) }
                    @for sub in &subscriptions {
                        tr {
                            td.mono { a href={ "/dashboard/subscriptions/" (text(sub, "id")) } { (text(sub, "id")) } }
                            td { (badge(text(sub, "status"))) }
                            td { (time(sub["current_period_end"].as_i64().unwrap_or(0))) }
                            td { (time(sub["created"].as_i64().unwrap_or(0))) }
                        }
                    }
                }
            }
        }
        section aria-labelledby="payments" {
            h2 #payments { "Payments" }
            table.list {
                thead { tr { th scope="col" { "Amount" } th scope="col" { "Status" } th scope="col" { "Created" } } }
                tbody {
                    @if payments.is_empty() { (empty(3, "No payments.")) }
                    @for pi in &payments {
                        tr {
                            td.amount { a href={ "/dashboard/payments/" (text(pi, "id")) } { (amount(pi["amount"].as_i64().unwrap_or(0), text(pi, "currency"))) } }
                            td { (badge(text(pi, "status"))) }
                            td { (time(pi["created"].as_i64().unwrap_or(0))) }
                        }
                    }
                }
            }
        }
        section aria-labelledby="metadata" {
            h2 #metadata { "Metadata" }
            (metadata(&customer["metadata"]))
        }
    })
}
