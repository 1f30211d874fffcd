//! Webhook deliveries in full: for each attempt, the request as it left (the URL, the
//! `Stripe-Signature` header, the body) and the receiver's answer (status, body, latency);
//! a "Resend" button on failed deliveries.
//!
//! The outbox stores neither the body nor the signature (decision 0018): the body is the
//! event's stored JSON (relabelled with the endpoint's pinned API version, as the dispatcher
//! does), and the signature is recomputed with the endpoint's secret from the attempt's
//! recorded time, which is the signature's timestamp (`webhooks::dispatcher::send`).

use std::collections::HashMap;

use maud::{Markup, html};
use tender_core::webhook_endpoint::StoredWebhookEndpoint;
use tender_store::{DeliveryReport, Store};

use super::super::data::pretty_text;
use super::super::format::{badge, status_code, time_ms};
use super::super::layout::csrf_field;
use super::super::session::Session;
use crate::webhooks::dispatcher::with_api_version;
use crate::webhooks::signature;

/// What the deliveries of a table were sent with: the events' stored JSON and the endpoints.
#[derive(Default)]
pub struct Sent {
    events: HashMap<String, String>,
    endpoints: HashMap<String, StoredWebhookEndpoint>,
}

impl Sent {
    /// Reads the events and endpoints of `deliveries` (each once).
    pub async fn read(store: &dyn Store, account: &str, deliveries: &[DeliveryReport]) -> Sent {
        let mut sent = Sent::default();
        for delivery in deliveries {
            if !sent.events.contains_key(&delivery.event_id)
                && let Ok(Some(record)) = store.get(account, &delivery.event_id).await
            {
                sent.events.insert(delivery.event_id.clone(), record.body);
            }
            if !sent.endpoints.contains_key(&delivery.endpoint_id)
                && let Ok(Some(record)) = store.get(account, &delivery.endpoint_id).await
                && let Ok(endpoint) = serde_json::from_str(&record.body)
            {
                sent.endpoints
                    .insert(delivery.endpoint_id.clone(), endpoint);
            }
        }
        sent
    }

    /// The body a delivery sent, as the dispatcher builds it.
    fn body(&self, delivery: &DeliveryReport) -> Option<String> {
        let event = self.events.get(&delivery.event_id)?;
        let endpoint = self.endpoints.get(&delivery.endpoint_id);
        Some(
            match endpoint.and_then(|e| e.endpoint.api_version.as_deref()) {
                Some(version) => with_api_version(event, version),
                None => event.clone(),
            },
        )
    }
}

/// Where a resend from this table leads back to: an event's, an endpoint's or a payment's
/// page (its id).
pub struct Table<'a> {
    pub session: &'a Session,
    pub back: &'a str,
}

/// Deliveries with every attempt, and a "Resend" button on those that failed.
pub fn deliveries_table(deliveries: &[DeliveryReport], sent: &Sent, table: &Table) -> Markup {
    html! {
        table.list.deliveries {
            caption.visually-hidden { "Webhook deliveries and their attempts" }
            thead { tr { th scope="col" { "Delivery" } th scope="col" { "Endpoint" } th scope="col" { "Status" } th scope="col" { "Attempts" } } }
            tbody {
                @for d in deliveries {
                    @let body = sent.body(d);
                    @let endpoint = sent.endpoints.get(&d.endpoint_id);
                    tr.delivery data-status=(d.status) {
                        td.mono { (d.id) " " span.muted { "event " a href={ "/dashboard/events/" (d.event_id) } { (d.event_id) } } }
                        td.mono { a href={ "/dashboard/webhooks/" (d.endpoint_id) } { (d.endpoint_id) } }
                        td { (badge(&d.status))
                            @if let Some(next) = d.next_attempt_ms { br; span.muted { "next attempt " (time_ms(next)) } }
                            @if d.status == "failed" { (resend_form(d, table)) }
                        }
                        td {
                            @if d.attempts.is_empty() { span.muted { "none yet" } }
                            ol.attempts {
                                @for a in &d.attempts {
                                    li {
                                        "#" (a.attempt) " " (time_ms(a.at_ms)) " "
                                        @if let Some(code) = a.status_code { (status_code(i64::from(code))) } @else { span.badge.bad { "no answer" } }
                                        " " span.latency { (a.latency_ms) " ms" }
                                        @if let Some(error) = &a.error { " · " (error) }
                                        details.request {
                                            summary { "Request" }
                                            @if let Some(endpoint) = endpoint { p.mono { "POST " (endpoint.endpoint.url) } }
                                            dl.summary {
                                                dt { "Content-Type" } dd.mono { "application/json; charset=utf-8" }
                                                dt { "Stripe-Signature" } dd.mono.signature {
                                                    @match (endpoint, &body) {
                                                        (Some(endpoint), Some(body)) => {
                                                            (signature::header(&endpoint.secret, a.at_ms.div_euclid(1000), body))
                                                        }
                                                        _ => { span.muted { "unknown (the event or endpoint is gone)" } }
                                                    }
                                                }
                                            }
                                            @if let Some(body) = &body { pre.json.request-body { (body) } }
                                        }
                                        @if let Some(answer) = &a.response_snippet {
                                            details.response {
                                                summary { "Response" @if let Some(code) = a.status_code { " " (code) } }
                                                pre.json { (pretty_text(answer)) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Resends a failed delivery's event to its endpoint (`POST /v1/events/:id/retry`).
fn resend_form(delivery: &DeliveryReport, table: &Table) -> Markup {
    html! {
        form.inline method="post" action={ "/dashboard/events/" (delivery.event_id) "/resend" } {
            (csrf_field(table.session))
            input type="hidden" name="webhook_endpoint" value=(delivery.endpoint_id);
            input type="hidden" name="back" value=(table.back);
            button type="submit" { "Resend" }
        }
    }
}
