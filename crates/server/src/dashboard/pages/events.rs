//! Events: newest first, filtered by type; an event's JSON and its webhook deliveries.

use std::collections::HashMap;

use maud::{Markup, html};
use tender_store::{Store, StoreError, TagFilter};

use super::super::data::{self, field, pretty, text};
use super::super::format::time;
use super::super::layout::csrf_field;
use super::super::session::Session;
use super::deliveries::{Sent, Table, deliveries_table};
use super::{empty, page_nav};

pub async fn list(
    store: &dyn Store,
    account: &str,
    q: &HashMap<String, String>,
) -> Result<Markup, StoreError> {
    let kind = field(q, "type");
    let mut query = data::query(account, "event");
    query.tag = kind.map(|k| match k.strip_suffix('*') {
        Some(prefix) => TagFilter::Prefix(prefix.to_owned()),
        None => TagFilter::Exact(k.to_owned()),
    });
    let page = data::page(
        store,
        query,
        field(q, "starting_after"),
        field(q, "ending_before"),
    )
    .await?;
    let first_page = field(q, "starting_after").is_none() && field(q, "ending_before").is_none();
    let filters = [("type", kind.unwrap_or(""))];
    Ok(html! {
        div.heading { h1 { "Events" } }
        form.filters method="get" action="/dashboard/events" aria-label="Filter events" {
            label { "Type " input name="type" value=(kind.unwrap_or("")) placeholder="payment_intent.succeeded or charge.*" size="32"; }
            button type="submit" { "Filter" }
            a href="/dashboard/events" { "Clear" }
        }
        table.list data-live[first_page] {
            caption.visually-hidden { "Events, newest first" }
            thead { tr { th scope="col" { "Type" } th scope="col" { "Object" } th scope="col" { "Id" } th scope="col" { "Created" } } }
            tbody {
                @if page.items.is_empty() { (empty(4, "No events.")) }
                @for event in &page.items {
                    tr {
                        td { a href={ "/dashboard/events/" (text(event, "id")) } { code { (text(event, "type")) } } }
                        td.mono { (text(&event["data"]["object"], "id")) }
                        td.mono { (text(event, "id")) }
                        td { (time(event["created"].as_i64().unwrap_or(0))) }
                    }
                }
            }
        }
        (page_nav("/dashboard/events", &filters, &page))
    })
}

pub async fn detail(store: &dyn Store, session: &Session, id: &str) -> Option<Markup> {
    let account = session.account.id.as_str();
    let event = data::object(store, account, id).await?;
    if text(&event, "object") != "event" {
        return None;
    }
    let deliveries = store
        .deliveries(account, Some(id), 100)
        .await
        .unwrap_or_default();
    let sent = Sent::read(store, account, &deliveries).await;
    let table = Table { session, back: id };
    let object = text(&event["data"]["object"], "id");
    let object_link = object_href(object);
    Some(html! {
        div.heading {
            p.muted { "Event" }
            h1 { code { (text(&event, "type")) } }
            p.mono { (id) }
        }
        dl.summary {
            dt { "Created" } dd { (time(event["created"].as_i64().unwrap_or(0))) }
            dt { "Object" } dd { @if let Some(href) = &object_link { a.mono href=(href) { (object) } } @else { span.mono { (object) } } }
            dt { "Request" } dd {
                @if let Some(request) = event["request"]["id"].as_str() {
                    a.mono href={ "/dashboard/logs/" (request) } { (request) }
                } @else { "—" }
            }
        }
        section.actions aria-label="Actions" {
            form method="post" action={ "/dashboard/events/" (id) "/resend" } {
                (csrf_field(session))
                input type="hidden" name="back" value=(id);
                button type="submit" { "Resend to every subscribed endpoint" }
            }
        }
        section aria-labelledby="deliveries" {
            h2 #deliveries { "Webhook deliveries" }
            @if deliveries.is_empty() { p.muted { "No endpoint was subscribed to this event." } }
            @else { div data-live { (deliveries_table(&deliveries, &sent, &table)) } }
        }
        section aria-labelledby="json" {
            h2 #json { "Event data" }
            pre.json { (pretty(&event)) }
        }
    })
}

/// The dashboard page of an object, by its id's prefix.
pub fn object_href(id: &str) -> Option<String> {
    let section = match id.split('_').next()? {
        "pi" => "payments",
        "cus" => "customers",
        "evt" => "events",
        "we" => "webhooks",
        "sub" => "subscriptions",
        "in" => "invoices",
        "clock" => "test_clocks",
        _ => return None,
    };
    Some(format!("/dashboard/{section}/{id}"))
}
