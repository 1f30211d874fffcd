//! Test clocks: the account's clocks, newest first, with their time and status; a clock's
//! page lists its customers' subscriptions and advances it by a month.

use std::collections::HashMap;

use maud::{Markup, html};
use serde_json::{Value, json};
use tender_core::test_clock::TestClock;
use tender_store::{BodyFilter, Store, StoreError};

use super::super::data::{self, field, text};
use super::super::format::{badge, time};
use super::super::session::Session;
use super::subscriptions::clock_panel;
use super::{empty, page_nav};

/// Most subscriptions a clock's page lists (a clock holds at most three customers).
const MOST: usize = 100;

pub async fn list(
    store: &dyn Store,
    account: &str,
    q: &HashMap<String, String>,
) -> Result<Markup, StoreError> {
    let page = data::page(
        store,
        data::query(account, TestClock::OBJECT),
        field(q, "starting_after"),
        field(q, "ending_before"),
    )
    .await?;
    let first_page = field(q, "starting_after").is_none() && field(q, "ending_before").is_none();
    Ok(html! {
        div.heading { h1 { "Test clocks" } p.muted { "Clocks are created with the API (" code { "POST /v1/test_helpers/test_clocks" } ")." } }
        table.list data-live[first_page] {
            caption.visually-hidden { "Test clocks, newest first" }
            thead { tr { th scope="col" { "Clock" } th scope="col" { "Name" } th scope="col" { "Frozen time" } th scope="col" { "Status" } } }
            tbody {
                @if page.items.is_empty() { (empty(4, "No test clocks.")) }
                @for clock in &page.items {
                    tr {
                        td.mono { a href={ "/dashboard/test_clocks/" (text(clock, "id")) } { (text(clock, "id")) } }
                        td { (text(clock, "name")) }
                        td { (time(clock["frozen_time"].as_i64().unwrap_or(0))) }
                        td { (badge(text(clock, "status"))) }
                    }
                }
            }
        }
        (page_nav("/dashboard/test_clocks", &[], &page))
    })
}

pub async fn detail(store: &dyn Store, session: &Session, id: &str) -> Option<Markup> {
    let account = session.account.id.as_str();
    let clock = data::object(store, account, id).await?;
    if text(&clock, "object") != TestClock::OBJECT {
        return None;
    }
    let mut query = data::query(account, "subscription");
    query
        .body
        .push(BodyFilter::equals("test_clock", &json!(id)));
    let subscriptions: Vec<Value> = data::all(store, query, MOST).await;
    Some(html! {
        div.heading {
            p.muted { "Test clock" }
            h1 { (if text(&clock, "name").is_empty() { id } else { text(&clock, "name") }) }
            p.mono { (id) }
        }
        (clock_panel(&clock, session, id))
        section aria-labelledby="subscriptions" {
            h2 #subscriptions { "Subscriptions on this clock" }
            table.list data-live {
                thead { tr { th scope="col" { "Subscription" } th scope="col" { "Status" } th scope="col" { "Customer" } } }
                tbody {
                    @if subscriptions.is_empty() { (empty(3, "No subscriptions.")) }
                    @for s in &subscriptions {
                        tr {
                            td.mono { a href={ "/dashboard/subscriptions/" (text(s, "id")) } { (text(s, "id")) } }
                            td { (badge(text(s, "status"))) }
                            td.mono { (text(s, "customer")) }
                        }
                    }
                }
            }
        }
    })
}
