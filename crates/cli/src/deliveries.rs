//! `tender deliveries`: what became of each webhook delivery, read from the database.
//!
//! A delivery row knows its event and endpoint by id only; the event's type and time and the
//! endpoint's URL come from their records, so the report reads as "what went where, when".

use std::collections::HashMap;

use serde_json::Value;
use tender_store::{DeliveryAttempt, DeliveryReport, Store};

use crate::locate;

pub async fn show(database: &str, event: Option<&str>, limit: usize) -> Result<(), String> {
    let store = locate::open_existing(database).await?;
    let accounts = store.accounts().await.map_err(|e| e.to_string())?;
    let several = accounts.len() > 1;
    for account in accounts {
        let reports = store
            .deliveries(&account.id, event, limit)
            .await
            .map_err(|e| e.to_string())?;
        if several && !reports.is_empty() {
            println!("{}:", account.id);
        }
        let mut urls: HashMap<String, String> = HashMap::new();
        for report in reports {
            let event = store
                .get(&account.id, &report.event_id)
                .await
                .map_err(|e| e.to_string())?;
            let url = match urls.get(&report.endpoint_id) {
                Some(url) => url.clone(),
                None => {
                    let url = endpoint_url(store.as_ref(), &account.id, &report.endpoint_id)
                        .await?
                        .unwrap_or_else(|| format!("(endpoint {} is gone)", report.endpoint_id));
                    urls.insert(report.endpoint_id.clone(), url.clone());
                    url
                }
            };
            let event_type = event
                .as_ref()
                .and_then(|e| e.index.tag.clone())
                .unwrap_or_else(|| "?".to_owned());
            let time = event.map_or_else(|| "?".to_owned(), |e| datetime(e.created));
            print_report(&report, &time, &event_type, &url);
        }
    }
    Ok(())
}

async fn endpoint_url(
    store: &dyn Store,
    account: &str,
    endpoint: &str,
) -> Result<Option<String>, String> {
    let Some(record) = store
        .get(account, endpoint)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(None);
    };
    let body: Value = serde_json::from_str(&record.body).map_err(|e| e.to_string())?;
    Ok(body["endpoint"]["url"].as_str().map(str::to_owned))
}

/// Two lines a delivery, then one an attempt:
///
/// ```text
/// 2026-12-06 18:40:02  customer.created  → http://localhost:4242/webhook
///     pending · 2 attempts · last 500 · next retry 18:40:06  (evt_… whdel_…)
///     attempt 1 at 18:40:02: 500 in 3 ms — Internal error
/// ```
fn print_report(report: &DeliveryReport, time: &str, event_type: &str, url: &str) {
    println!("{time}  {event_type}  → {url}");
    let count = report.attempts.len();
    let last = report
        .attempts
        .last()
        .map_or_else(|| "none yet".to_owned(), outcome);
    let next = match (report.status.as_str(), report.next_attempt_ms) {
        ("pending", Some(at_ms)) if count == 0 => format!("first attempt {}", clock(at_ms)),
        ("pending", Some(at_ms)) => format!("next retry {}", clock(at_ms)),
        _ => "no retry".to_owned(),
    };
    println!(
        "    {} · {count} attempt{} · last {last} · {next}  ({} {})",
        report.status,
        if count == 1 { "" } else { "s" },
        report.event_id,
        report.id
    );
    for attempt in &report.attempts {
        println!(
            "    attempt {} at {}: {} in {} ms{}",
            attempt.attempt,
            clock(attempt.at_ms),
            outcome(attempt),
            attempt.latency_ms,
            attempt
                .response_snippet
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| format!(" — {}", s.chars().take(80).collect::<String>()))
                .unwrap_or_default()
        );
    }
}

/// The receiver's status code, or why there was none.
fn outcome(attempt: &DeliveryAttempt) -> String {
    match (attempt.status_code, &attempt.error) {
        (Some(code), _) => code.to_string(),
        (None, Some(error)) => error.clone(),
        (None, None) => "?".to_owned(),
    }
}

/// `HH:MM:SS` UTC of unix milliseconds.
fn clock(ms: i64) -> String {
    let day = ms.div_euclid(1000).rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", day / 3600, day % 3600 / 60, day % 60)
}

/// `YYYY-MM-DD HH:MM:SS` UTC of unix seconds (the civil-from-days algorithm, so the CLI needs
/// no date library for one format).
pub(crate) fn datetime(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {}",
        clock(secs.saturating_mul(1000))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(datetime(0), "1970-01-01 00:00:00");
        assert_eq!(datetime(951_782_400), "2000-02-29 00:00:00");
        assert_eq!(datetime(1_796_582_862), "2026-12-06 18:47:42");
        assert_eq!(clock(1_796_582_862_999), "18:47:42");
    }
}
