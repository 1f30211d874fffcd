//! Webhooks: the account's endpoints, and each one's deliveries, failures first.

use maud::{Markup, html};
use tender_store::{DeliveryReport, Store, StoreError};

use super::super::data::{self, text};
use super::super::format::{badge, time};
use super::super::layout::csrf_field;
use super::super::session::Session;
use super::deliveries::{Sent, Table, deliveries_table};
use super::empty;

/// Most deliveries an endpoint's page reads.
const DELIVERIES: usize = 500;

pub async fn list(store: &dyn Store, session: &Session) -> Result<Markup, StoreError> {
    let account = session.account.id.as_str();
    let endpoints = data::all(store, data::query(account, "webhook_endpoint"), 100).await;
    Ok(html! {
        div.heading { h1 { "Webhooks" } p.muted { "Endpoints are also created with the API or " code { "tender dev" } "." } }
        details.create open[endpoints.is_empty()] {
            summary { "Add an endpoint" }
            form.create-endpoint method="post" action="/dashboard/webhooks" {
                (csrf_field(session))
                label { "Endpoint URL " input name="url" type="url" required size="48" placeholder="https://example.com/webhooks"; }
                label { "Events to send " input name="enabled_events" size="48" value="*" placeholder="payment_intent.succeeded, invoice.paid (or * for all)"; }
                label { "Description " input name="description" size="32"; }
                button type="submit" { "Add endpoint" }
            }
        }
        table.list {
            caption.visually-hidden { "Webhook endpoints" }
            thead { tr { th scope="col" { "URL" } th scope="col" { "Status" } th scope="col" { "Events" } th scope="col" { "Created" } } }
            tbody {
                @if endpoints.is_empty() { (empty(4, "No webhook endpoints.")) }
                @for stored in &endpoints {
                    @let endpoint = &stored["endpoint"];
                    tr {
                        td { a href={ "/dashboard/webhooks/" (text(endpoint, "id")) } { (text(endpoint, "url")) } }
                        td { (badge(text(endpoint, "status"))) }
                        td { (events_of(endpoint)) }
                        td { (time(endpoint["created"].as_i64().unwrap_or(0))) }
                    }
                }
            }
        }
    })
}

fn events_of(endpoint: &serde_json::Value) -> String {
    endpoint["enabled_events"]
        .as_array()
        .map(|events| {
            events
                .iter()
                .filter_map(|e| e.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// The answer to creating an endpoint: the only page that shows its secret unasked.
pub fn created(endpoint: &serde_json::Value) -> Markup {
    let id = text(endpoint, "id");
    html! {
        div.heading {
            p.muted { "Webhook endpoint created" }
            h1 { (text(endpoint, "url")) }
            p.mono { (id) }
        }
        dl.summary {
            dt { "Events" } dd { (events_of(endpoint)) }
            dt { "Signing secret" } dd.mono { span #new-signing-secret { (text(endpoint, "secret")) } }
        }
        p { "Verify each delivery's " code { "Stripe-Signature" } " header with this secret. "
            a href={ "/dashboard/webhooks/" (id) } { "Go to the endpoint" } }
    }
}

/// An endpoint's page; its signing secret only when `reveal` (a POST with the CSRF token).
pub async fn detail(
    store: &dyn Store,
    session: &Session,
    id: &str,
    reveal: bool,
) -> Option<Markup> {
    let account = session.account.id.as_str();
    let stored = data::object(store, account, id).await?;
    let endpoint = &stored["endpoint"];
    if text(endpoint, "object") != "webhook_endpoint" {
        return None;
    }
    let mut deliveries: Vec<DeliveryReport> = store
        .deliveries(account, None, DELIVERIES)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|d| d.endpoint_id == id)
        .collect();
    // Failures first, then those still being retried, then the delivered; newest first in each.
    deliveries.sort_by_key(|d| match d.status.as_str() {
        "failed" => 0,
        "pending" => 1,
        _ => 2,
    });
    let sent = Sent::read(store, account, &deliveries).await;
    let table = Table { session, back: id };
    Some(html! {
        div.heading {
            p.muted { "Webhook endpoint" }
            h1 { (text(endpoint, "url")) }
            p.mono { (id) " " (badge(text(endpoint, "status"))) }
        }
        dl.summary {
            dt { "Events" } dd { (events_of(endpoint)) }
            dt { "Description" } dd { (text(endpoint, "description")) }
            dt { "Created" } dd { (time(endpoint["created"].as_i64().unwrap_or(0))) }
            dt { "Signing secret" }
            dd.mono {
                @if reveal { span #signing-secret { (text(&stored, "secret")) } }
                @else {
                    "whsec_••••••••"
                    form.inline method="post" action={ "/dashboard/webhooks/" (id) "/secret" } {
                        (csrf_field(session))
                        button type="submit" { "Reveal" }
                    }
                }
            }
        }
        section.actions aria-label="Actions" {
            @let enabled = text(endpoint, "status") == "enabled";
            form method="post" action={ "/dashboard/webhooks/" (id) (if enabled { "/disable" } else { "/enable" }) } {
                (csrf_field(session))
                button type="submit" { (if enabled { "Disable" } else { "Enable" }) }
            }
            form method="post" action={ "/dashboard/webhooks/" (id) "/delete" } {
                (csrf_field(session))
                button.danger type="submit" { "Delete endpoint" }
            }
        }
        section aria-labelledby="deliveries" {
            h2 #deliveries { "Deliveries, failures first" }
            @if deliveries.is_empty() { p.muted { "No deliveries yet." } }
            @else { div data-live { (deliveries_table(&deliveries, &sent, &table)) } }
        }
    })
}
