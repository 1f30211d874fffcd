//! Logs: every API request of the account, newest first, filtered by status class, method,
//! path and request id; a request's page shows its parameters (redacted) and its answer.

use std::collections::HashMap;

use maud::{Markup, html};
use tender_store::{RequestLog, RequestLogQuery, Store, StoreError};

use super::super::data::{PAGE, WINDOW, field, pretty_text};
use super::super::format::{status_code, time_ms};
use super::empty;
use super::events::object_href;

pub async fn list(
    store: &dyn Store,
    account: &str,
    q: &HashMap<String, String>,
) -> Result<Markup, StoreError> {
    let class = field(q, "status").and_then(|s| match s {
        "2xx" => Some(2),
        "4xx" => Some(4),
        "5xx" => Some(5),
        _ => None,
    });
    let path = field(q, "path");
    let method = field(q, "method").filter(|m| ["GET", "POST", "DELETE"].contains(m));
    let request_id = field(q, "request_id");
    let before = field(q, "before").and_then(|s| s.parse::<i64>().ok());
    // Status, method and path filters read the account's rows newest first and skip the
    // others: one few rows pass would read them all (a million, by default retention). They
    // look at a window of sequence numbers below the page's start instead, at most WINDOW
    // rows (`data::WINDOW`); a page that does not fill up in it goes on below it.
    let scanning = request_id.is_none() && (class.is_some() || method.is_some() || path.is_some());
    let window_floor = if scanning {
        let top = match before {
            Some(before) => before,
            None => newest_seq(store, account).await?.map_or(0, |seq| seq + 1),
        };
        Some(
            top.saturating_sub(1 + i64::try_from(WINDOW).unwrap_or(i64::MAX))
                .max(0),
        )
    } else {
        None
    };
    let logs = store
        .request_logs(&RequestLogQuery {
            account: account.to_owned(),
            status_class: class,
            method: method.map(str::to_owned),
            path_prefix: path.map(str::to_owned),
            request_id: request_id.map(str::to_owned),
            before_seq: before,
            after_seq: window_floor,
            limit: PAGE,
            ..RequestLogQuery::default()
        })
        .await?;
    let more = logs.len() > PAGE;
    let shown = &logs[..logs.len().min(PAGE)];
    // Past the window, the next page starts where it ended (rows up to its floor).
    let window_ended = !more && window_floor.is_some_and(|floor| floor > 0);
    let next = if more {
        shown.last().map(|l| l.seq.to_string())
    } else {
        window_floor
            .filter(|_| window_ended)
            .map(|floor| (floor + 1).to_string())
    };
    let status = field(q, "status").unwrap_or("");
    let filters = [
        ("status", status),
        ("method", method.unwrap_or("")),
        ("path", path.unwrap_or("")),
        ("request_id", request_id.unwrap_or("")),
    ];
    let older = next.as_ref().map(|seq| {
        let mut params = filters.to_vec();
        params.push(("before", seq));
        super::url("/dashboard/logs", &params)
    });
    Ok(html! {
        div.heading { h1 { "Logs" } p.muted { "Every API request of this account. Parameters are shown with card numbers, CVCs and secrets redacted." } }
        form.filters method="get" action="/dashboard/logs" aria-label="Filter logs" {
            label { "Status "
                select name="status" {
                    option value="" { "Any" }
                    @for s in ["2xx", "4xx", "5xx"] { option value=(s) selected[status == s] { (s) } }
                }
            }
            label { "Method "
                select name="method" {
                    option value="" { "Any" }
                    @for m in ["GET", "POST", "DELETE"] { option value=(m) selected[method == Some(m)] { (m) } }
                }
            }
            label { "Path starts with " input name="path" value=(path.unwrap_or("")) placeholder="/v1/payment_intents" size="24"; }
            label { "Request id " input name="request_id" value=(request_id.unwrap_or("")) placeholder="req_…" size="22"; }
            button type="submit" { "Filter" }
            a href="/dashboard/logs" { "Clear" }
        }
        table.list data-live[before.is_none()] {
            caption.visually-hidden { "API requests, newest first" }
            thead { tr { th scope="col" { "Status" } th scope="col" { "Method" } th scope="col" { "Path" } th scope="col" { "Request id" } th scope="col" { "Latency" } th scope="col" { "Time" } } }
            tbody {
                @if shown.is_empty() { (empty(6, "No requests match.")) }
                @for log in shown {
                    tr {
                        td { (status_code(log.status)) }
                        td.mono { (log.method) }
                        td.mono.clip { (log.path) }
                        td.mono { a href={ "/dashboard/logs/" (log.id) } { (log.id) } }
                        td.num { (latency(log)) }
                        td { (time_ms(log.created_ms)) }
                    }
                }
            }
        }
        @if window_ended {
            p.note role="status" { "Looked at the " (WINDOW) " requests before these for this filter; older ones lie beyond them." }
        }
        nav.pager aria-label="Pages" {
            @if before.is_some() { a href=(super::url("/dashboard/logs", &filters)) { "← Newest" } }
            @if let Some(href) = older { a rel="next" href=(href) { "Older →" } }
        }
    })
}

/// The sequence number of the account's newest request log, if it has any.
async fn newest_seq(store: &dyn Store, account: &str) -> Result<Option<i64>, StoreError> {
    let newest = store
        .request_logs(&RequestLogQuery {
            account: account.to_owned(),
            limit: 0,
            ..RequestLogQuery::default()
        })
        .await?;
    Ok(newest.first().map(|log| log.seq))
}

fn latency(log: &RequestLog) -> String {
    format!("{:.1} ms", log.latency_us as f64 / 1000.0)
}

pub async fn detail(store: &dyn Store, account: &str, id: &str) -> Option<Markup> {
    let log = store
        .request_logs(&RequestLogQuery {
            account: account.to_owned(),
            request_id: Some(id.to_owned()),
            limit: 1,
            ..RequestLogQuery::default()
        })
        .await
        .ok()?
        .into_iter()
        .next()?;
    let object = log.object.as_deref().unwrap_or("");
    Some(html! {
        div.heading {
            p.muted { "API request" }
            h1 { code { (log.method) " " (log.path) } " " (status_code(log.status)) }
            p.mono { (log.id) }
        }
        dl.summary {
            dt { "Time" } dd { (time_ms(log.created_ms)) }
            dt { "Latency" } dd { (latency(&log)) }
            dt { "Idempotency key" } dd.mono { (log.idempotency_key.as_deref().unwrap_or("—")) }
            dt { "Replayed" } dd { (if log.replayed { "yes (an idempotent replay)" } else { "no" }) }
            dt { "Source IP" } dd.mono { (log.source_ip.as_deref().unwrap_or("—")) }
            dt { "User agent" } dd { (log.user_agent.as_deref().unwrap_or("—")) }
            dt { "Object" } dd {
                @if let Some(href) = object_href(object) { a.mono href=(href) { (object) } }
                @else if object.is_empty() { "—" } @else { span.mono { (object) } }
            }
        }
        section aria-labelledby="params" {
            h2 #params { "Request parameters" }
            pre.json { (pretty_text(&log.params)) }
        }
        section aria-labelledby="response" {
            h2 #response { "Response body" }
            pre.json { (pretty_text(&log.response)) }
        }
    })
}
