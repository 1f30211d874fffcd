//! A payment's page: its summary, the actions it allows (refund, capture, cancel), and its
//! timeline: every charge and refund, every event about them with each webhook delivery and
//! its attempts, and every API request that touched them, in the order they happened.

use maud::{Markup, html};
use serde_json::{Value, json};
use tender_store::{DeliveryReport, RequestLogQuery, Store};

use super::super::data::{self, pretty, text};
use super::super::format::{amount, badge, status_code, time, time_ms};
use super::super::layout::csrf_field;
use super::super::session::Session;
use super::deliveries::{Sent, Table, deliveries_table};
use super::payments::card_summary;

/// Most events, requests and objects of each kind a timeline shows.
const MOST: usize = 100;

/// One thing that happened, placed on the timeline by its time (Unix ms).
struct Entry {
    at_ms: i64,
    markup: Markup,
}

impl Entry {
    /// Objects and events carry whole seconds, request logs milliseconds: within one second
    /// a request comes first (it caused what follows), then the rest in the order added.
    fn order(&self, requests_first: bool) -> (i64, u8) {
        (self.at_ms.div_euclid(1000), u8::from(!requests_first))
    }
}

pub async fn detail(store: &dyn Store, session: &Session, id: &str) -> Option<Markup> {
    let account = session.account.id.as_str();
    let pi = data::object(store, account, id).await?;
    if text(&pi, "object") != "payment_intent" {
        return None;
    }
    let currency = text(&pi, "currency").to_owned();
    let created = pi["created"].as_i64().unwrap_or(0);

    let mut charges_query = data::query(account, "charge");
    charges_query.payment_intent = Some(id.to_owned());
    let charges = data::all(store, charges_query, MOST).await;
    let mut refunds_query = data::query(account, "refund");
    refunds_query.payment_intent = Some(id.to_owned());
    let refunds = data::all(store, refunds_query, MOST).await;

    let mut related: Vec<String> = vec![id.to_owned()];
    related.extend(charges.iter().map(|c| text(c, "id").to_owned()));
    related.extend(refunds.iter().map(|r| text(r, "id").to_owned()));

    let mut entries = Vec::new();
    entries.push(Entry {
        at_ms: created * 1000,
        markup: html! { strong { "Payment created" } " " (amount(pi["amount"].as_i64().unwrap_or(0), &currency)) },
    });
    for charge in &charges {
        entries.push(charge_entry(charge, &currency));
    }
    for refund in &refunds {
        entries.push(Entry {
            at_ms: refund["created"].as_i64().unwrap_or(0) * 1000,
            markup: html! {
                strong { "Refund " } (amount(refund["amount"].as_i64().unwrap_or(0), text(refund, "currency")))
                " " (badge(text(refund, "status"))) " " code { (text(refund, "id")) }
                @if let Some(reason) = refund["reason"].as_str() { " · " (reason) }
            },
        });
    }
    for event in related_events(store, account, id).await {
        let deliveries = store
            .deliveries(account, Some(text(&event, "id")), 20)
            .await
            .unwrap_or_default();
        let sent = Sent::read(store, account, &deliveries).await;
        let table = Table { session, back: id };
        entries.push(event_entry(&event, &deliveries, &sent, &table));
    }
    let requests = store
        .request_logs(&RequestLogQuery {
            account: account.to_owned(),
            objects: related.clone(),
            limit: MOST,
            ..RequestLogQuery::default()
        })
        .await
        .unwrap_or_default();
    let objects = entries.len();
    for log in requests.iter().take(MOST).rev() {
        entries.push(Entry {
            at_ms: log.created_ms,
            markup: html! {
                strong { "API request " } code { (log.method) " " (log.path) } " " (status_code(log.status))
                " " a.mono href={ "/dashboard/logs/" (log.id) } { (log.id) }
                @if log.replayed { " " span.badge.neutral { "replayed" } }
            },
        });
    }
    // Oldest first; a stable sort keeps the order above for equal times.
    let mut indexed: Vec<(usize, Entry)> = entries.into_iter().enumerate().collect();
    indexed.sort_by_key(|(i, e)| e.order(*i >= objects));
    let entries: Vec<Entry> = indexed.into_iter().map(|(_, e)| e).collect();

    let method = card_summary(store, account, &pi).await;
    // The invoice this payment pays, if any (invoices are indexed by their PaymentIntent).
    let mut invoice_query = data::query(account, "invoice");
    invoice_query.payment_intent = Some(id.to_owned());
    let invoice = data::all(store, invoice_query, 1).await.pop();
    let customer = text(&pi, "customer");
    Some(html! {
        div.heading {
            p.muted { "Payment" }
            h1 { (amount(pi["amount"].as_i64().unwrap_or(0), &currency)) " " (badge(text(&pi, "status"))) }
            p.mono { (id) }
        }
        dl.summary {
            dt { "Created" } dd { (time(created)) }
            dt { "Customer" } dd { @if customer.is_empty() { "—" } @else { a.mono href={ "/dashboard/customers/" (customer) } { (customer) } } }
            dt { "Payment method" } dd { @if method.is_empty() { "—" } @else { (method) } }
            @if let Some(invoice) = &invoice {
                dt { "Invoice" } dd { a.mono href={ "/dashboard/invoices/" (text(invoice, "id")) } { (text(invoice, "id")) } }
            }
            dt { "Description" } dd { (text(&pi, "description")) }
            dt { "Amount received" } dd { (amount(pi["amount_received"].as_i64().unwrap_or(0), &currency)) }
        }
        (actions(&pi, &charges, session))
        section aria-labelledby="timeline" {
            h2 #timeline { "Timeline" }
            ol.timeline data-live {
                @for entry in &entries {
                    li { div.when { (time_ms(entry.at_ms)) } div.what { (entry.markup) } }
                }
            }
        }
        section aria-labelledby="metadata" {
            h2 #metadata { "Metadata" }
            (metadata(&pi["metadata"]))
        }
        details {
            summary { "The PaymentIntent's JSON" }
            pre.json { (pretty(&pi)) }
        }
    })
}

/// The events about the payment (its own, and its charges' and refunds'), oldest first:
/// events are listed by the PaymentIntent they concern (an index), so this reads only them.
async fn related_events(store: &dyn Store, account: &str, payment_intent: &str) -> Vec<Value> {
    let mut query = data::query(account, "event");
    query.payment_intent = Some(payment_intent.to_owned());
    let mut events = data::all(store, query, MOST).await;
    // Ids are time-ordered (to the millisecond): they order events of the same second.
    events.sort_by(|a, b| {
        (a["created"].as_i64(), text(a, "id")).cmp(&(b["created"].as_i64(), text(b, "id")))
    });
    events
}

fn charge_entry(charge: &Value, currency: &str) -> Entry {
    let card = &charge["payment_method_details"]["card"];
    let three_d = card["three_d_secure"]["result"].as_str();
    let outcome = &charge["outcome"];
    Entry {
        at_ms: charge["created"].as_i64().unwrap_or(0) * 1000,
        markup: html! {
            strong { "Charge attempt " } (amount(charge["amount"].as_i64().unwrap_or(0), currency))
            " " (badge(text(charge, "status"))) " " code { (text(charge, "id")) }
            @if let (Some(brand), Some(last4)) = (card["brand"].as_str(), card["last4"].as_str()) {
                " · " (brand) " •••• " (last4)
            }
            @if let Some(result) = three_d { " · 3D Secure: " (result) }
            @if let Some(message) = charge["failure_message"].as_str() { " · " (message) }
            @else if let Some(reason) = outcome["seller_message"].as_str() { " · " (reason) }
            @if charge["amount_refunded"].as_i64().unwrap_or(0) > 0 {
                " · refunded " (amount(charge["amount_refunded"].as_i64().unwrap_or(0), currency))
            }
        },
    }
}

fn event_entry(event: &Value, deliveries: &[DeliveryReport], sent: &Sent, table: &Table) -> Entry {
    let id = text(event, "id");
    Entry {
        at_ms: event["created"].as_i64().unwrap_or(0) * 1000,
        markup: html! {
            strong { "Event " } code { (text(event, "type")) } " "
            a.mono href={ "/dashboard/events/" (id) } { (id) }
            @if !deliveries.is_empty() {
                details.deliveries {
                    summary {
                        (deliveries.len())
                        (if deliveries.len() == 1 { " webhook delivery" } else { " webhook deliveries" })
                    }
                    (deliveries_table(deliveries, sent, table))
                }
            }
        },
    }
}

fn actions(pi: &Value, charges: &[Value], session: &Session) -> Markup {
    let id = text(pi, "id");
    let status = text(pi, "status");
    let currency = text(pi, "currency");
    let captured = charges
        .iter()
        .find(|c| c["captured"] == json!(true) && text(c, "status") == "succeeded");
    let refundable = captured.map_or(0, |c| {
        c["amount_captured"].as_i64().unwrap_or(0) - c["amount_refunded"].as_i64().unwrap_or(0)
    });
    let cancelable = matches!(
        status,
        "requires_payment_method"
            | "requires_capture"
            | "requires_confirmation"
            | "requires_action"
    );
    html! {
        section.actions aria-label="Actions" {
            @if refundable > 0 {
                form method="post" action={ "/dashboard/payments/" (id) "/refund" } {
                    (csrf_field(session))
                    label { "Refund amount (" (currency.to_ascii_uppercase()) ", minor units; empty for all " (amount(refundable, currency)) ") "
                        input name="amount" inputmode="numeric" size="10";
                    }
                    button type="submit" { "Refund" }
                }
            }
            @if status == "requires_capture" {
                form method="post" action={ "/dashboard/payments/" (id) "/capture" } {
                    (csrf_field(session))
                    label { "Amount to capture (empty for all) " input name="amount_to_capture" inputmode="numeric" size="10"; }
                    button type="submit" { "Capture" }
                }
            }
            @if cancelable {
                form method="post" action={ "/dashboard/payments/" (id) "/cancel" } {
                    (csrf_field(session))
                    button.danger type="submit" { "Cancel payment" }
                }
            }
        }
    }
}

/// A metadata hash as a definition list (keys and values are the caller's text: escaped).
pub fn metadata(metadata: &Value) -> Markup {
    let entries = metadata.as_object().cloned().unwrap_or_default();
    html! {
        @if entries.is_empty() { p.muted { "No metadata." } }
        @else {
            dl.summary {
                @for (key, value) in &entries {
                    dt { (key) } dd { (value.as_str().map_or_else(|| value.to_string(), str::to_owned)) }
                }
            }
        }
    }
}
