//! Subscriptions: newest first, filtered by status (as `GET /v1/subscriptions` filters: no
//! status means "not canceled") and customer; a subscription's items, period, invoices,
//! events, and its customer's test clock with an "Advance one month" button.
//!
//! Unlike the API's list, the dashboard's shows subscriptions on test clocks too (marked
//! with their clock): they are what a test of renewals looks at.

use std::collections::HashMap;

use maud::{Markup, html};
use serde_json::{Value, json};
use tender_core::billing::subscription_status::{StatusFilter, SubscriptionStatus};
use tender_core::test_clock::one_month_after;
use tender_store::{BodyFilter, Store, StoreError, TagFilter};

use super::super::data::{self, field, pretty, text};
use super::super::format::{amount, badge, time};
use super::super::layout::csrf_field;
use super::super::session::Session;
use super::invoices::invoices_table;
use super::payment::metadata;
use super::{empty, page_nav};

/// Most invoices and events a subscription's page shows.
const MOST: usize = 100;

/// The status filter's choices: the API's values of `status`.
const STATUSES: &[&str] = &[
    "all",
    "active",
    "trialing",
    "past_due",
    "unpaid",
    "paused",
    "incomplete",
    "incomplete_expired",
    "canceled",
    "ended",
];

pub async fn list(
    store: &dyn Store,
    account: &str,
    q: &HashMap<String, String>,
) -> Result<Markup, StoreError> {
    let status = field(q, "status").filter(|s| STATUSES.contains(s));
    let customer = field(q, "customer");
    let mut query = data::query(account, "subscription");
    query.customer = customer.map(str::to_owned);
    let filter = StatusFilter::parse(status).unwrap_or(StatusFilter::NotCanceled);
    if filter != StatusFilter::All {
        let statuses = SubscriptionStatus::ALL
            .into_iter()
            .filter(|s| filter.matches(*s))
            .map(|s| s.as_str().to_owned())
            .collect();
        query.tag = Some(TagFilter::AnyOf(statuses));
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
        div.heading { h1 { "Subscriptions" } }
        form.filters method="get" action="/dashboard/subscriptions" aria-label="Filter subscriptions" {
            label { "Status "
                select name="status" {
                    option value="" selected[status.is_none()] { "not canceled" }
                    @for s in STATUSES { option value=(s) selected[status == Some(*s)] { (s.replace('_', " ")) } }
                }
            }
            label { "Customer " input name="customer" value=(customer.unwrap_or("")) placeholder="cus_…" size="24"; }
            button type="submit" { "Filter" }
            a href="/dashboard/subscriptions" { "Clear" }
        }
        table.list data-live[first_page] {
            caption.visually-hidden { "Subscriptions, newest first" }
            thead { tr {
                th scope="col" { "Subscription" } th scope="col" { "Status" } th scope="col" { "Customer" }
                th scope="col" { "Price" } th scope="col" { "Current period ends" } th scope="col" { "Created" }
            } }
            tbody {
                @if page.items.is_empty() { (empty(6, "No subscriptions.")) }
                @for s in &page.items {
                    tr {
                        td.mono { a href={ "/dashboard/subscriptions/" (text(s, "id")) } { (text(s, "id")) } }
                        td { (badge(text(s, "status")))
                            @if let Some(clock) = s["test_clock"].as_str() { " " span.badge.neutral title=(clock) { "test clock" } }
                        }
                        td.mono { a href={ "/dashboard/customers/" (text(s, "customer")) } { (text(s, "customer")) } }
                        td { (prices(s)) }
                        td { (time(period(s).1)) }
                        td { (time(s["created"].as_i64().unwrap_or(0))) }
                    }
                }
            }
        }
        (page_nav("/dashboard/subscriptions", &filters, &page))
    })
}

/// "$10.00 / month × 2, …" of a subscription's items.
fn prices(subscription: &Value) -> String {
    items(subscription)
        .iter()
        .map(|item| {
            let price = &item["price"];
            let mut shown = amount(
                price["unit_amount"].as_i64().unwrap_or(0),
                text(price, "currency"),
            );
            if let Some(interval) = price["recurring"]["interval"].as_str() {
                let count = price["recurring"]["interval_count"].as_i64().unwrap_or(1);
                if count == 1 {
                    shown.push_str(&format!(" / {interval}"));
                } else {
                    shown.push_str(&format!(" / {count} {interval}s"));
                }
            }
            let quantity = item["quantity"].as_i64().unwrap_or(1);
            if quantity != 1 {
                shown.push_str(&format!(" × {quantity}"));
            }
            shown
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn items(subscription: &Value) -> Vec<Value> {
    subscription["items"]["data"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The current period: the subscription's own fields (set for every API version Tender
/// stores), else its first item's.
fn period(subscription: &Value) -> (i64, i64) {
    let item = &subscription["items"]["data"][0];
    let read = |name: &str| {
        subscription[name]
            .as_i64()
            .or_else(|| item[name].as_i64())
            .unwrap_or(0)
    };
    (read("current_period_start"), read("current_period_end"))
}

pub async fn detail(store: &dyn Store, session: &Session, id: &str) -> Option<Markup> {
    let account = session.account.id.as_str();
    let sub = data::object(store, account, id).await?;
    if text(&sub, "object") != "subscription" {
        return None;
    }
    let mut invoices = data::query(account, "invoice");
    invoices.tag = Some(TagFilter::Exact(id.to_owned()));
    let invoices = data::all(store, invoices, MOST).await;
    let mut events = data::query(account, "event");
    events
        .body
        .push(BodyFilter::equals("data.object.id", &json!(id)));
    // Only the customer's events are read (events are listed by the customer they concern).
    events.customer = sub["customer"].as_str().map(str::to_owned);
    // None is older than the subscription, whose `created` is wall time unless it lives on a
    // test clock (then its clock's time, which may be ahead of the events' times).
    if sub["test_clock"].is_null() {
        events.created.gte = sub["created"].as_i64();
    }
    let events = data::all(store, events, MOST).await;
    let clock = match sub["test_clock"].as_str() {
        Some(clock) => data::object(store, account, clock).await,
        None => None,
    };
    let (start, end) = period(&sub);
    let customer = text(&sub, "customer");
    Some(html! {
        // Live: a renewal (a clock's advance) moves the period while the page is open.
        div data-live {
            div.heading {
                p.muted { "Subscription" }
                h1 { (prices(&sub)) " " (badge(text(&sub, "status"))) }
                p.mono { (id) }
            }
            dl.summary {
                dt { "Customer" } dd { a.mono href={ "/dashboard/customers/" (customer) } { (customer) } }
                dt { "Current period" } dd { (time(start)) " → " (time(end)) }
                dt { "Created" } dd { (time(sub["created"].as_i64().unwrap_or(0))) }
                dt { "Description" } dd { (text(&sub, "description")) }
                dt { "Collection" } dd { (text(&sub, "collection_method").replace('_', " ")) }
                @if sub["cancel_at_period_end"] == json!(true) { dt { "Cancels" } dd { "at the end of the period" } }
                @if let Some(trial_end) = sub["trial_end"].as_i64() { dt { "Trial ends" } dd { (time(trial_end)) } }
            }
        }
        @if let Some(clock) = &clock { (clock_panel(clock, session, id)) }
        section aria-labelledby="items" {
            h2 #items { "Items" }
            table.list {
                thead { tr { th scope="col" { "Item" } th scope="col" { "Price" } th scope="col" { "Unit amount" } th scope="col" { "Quantity" } } }
                tbody {
                    @for item in items(&sub) {
                        tr {
                            td.mono { (text(&item, "id")) }
                            td.mono { (text(&item["price"], "id")) " " span.muted { (text(&item["price"], "nickname")) } }
                            td { (amount(item["price"]["unit_amount"].as_i64().unwrap_or(0), text(&item["price"], "currency")))
                                @if let Some(interval) = item["price"]["recurring"]["interval"].as_str() { " / " (interval) } }
                            td { (item["quantity"].as_i64().unwrap_or(1)) }
                        }
                    }
                }
            }
        }
        section aria-labelledby="invoices" {
            h2 #invoices { "Invoices" }
            div data-live { (invoices_table(&invoices)) }
        }
        section aria-labelledby="events" {
            h2 #events { "Events" }
            div data-live { (events_table(&events)) }
        }
        section aria-labelledby="metadata" {
            h2 #metadata { "Metadata" }
            (metadata(&sub["metadata"]))
        }
        details {
            summary { "The Subscription's JSON" }
            pre.json { (pretty(&sub)) }
        }
    })
}

/// A test clock's name, time and status, and the button that advances it by a month.
pub fn clock_panel(clock: &Value, session: &Session, back: &str) -> Markup {
    let id = text(clock, "id");
    let frozen = clock["frozen_time"].as_i64().unwrap_or(0);
    let status = text(clock, "status");
    html! {
        section.clock aria-labelledby="clock" data-live {
            h2 #clock { "Test clock" }
            dl.summary {
                dt { "Clock" } dd { span.mono { (id) } " " (text(clock, "name")) }
                dt { "Frozen time" } dd #frozen-time { (time(frozen)) }
                dt { "Status" } dd #clock-status { (badge(status)) }
                @if let Some(target) = clock["status_details"]["advancing"]["target_frozen_time"].as_i64() {
                    dt { "Advancing to" } dd { (time(target)) }
                }
            }
            form method="post" action={ "/dashboard/test_clocks/" (id) "/advance" } {
                (csrf_field(session))
                input type="hidden" name="back" value=(back);
                button type="submit" disabled[status != "ready"] { "Advance one month" }
                " " span.muted { "to " (time(one_month_after(frozen))) }
            }
        }
    }
}

/// An object's events, newest first.
pub fn events_table(events: &[Value]) -> Markup {
    html! {
        table.list {
            thead { tr { th scope="col" { "Type" } th scope="col" { "Id" } th scope="col" { "Created" } } }
            tbody {
                @if events.is_empty() { (empty(3, "No events.")) }
                @for event in events {
                    tr {
                        td { a href={ "/dashboard/events/" (text(event, "id")) } { code { (text(event, "type")) } } }
                        td.mono { (text(event, "id")) }
                        td { (time(event["created"].as_i64().unwrap_or(0))) }
                    }
                }
            }
        }
    }
}
