//! The task that writes request logs: batches from the queue, one store call per batch, and
//! the retention every few minutes.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tender_store::{RequestLog, Store};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{Finished, MAX_RESPONSE_BYTES, RequestLogs, redacted_params};

/// Most logs inserted by one store call.
const BATCH: usize = 512;
/// How often the retention runs.
const PRUNE_EVERY: Duration = Duration::from_secs(5 * 60);
/// Rows deleted per store call while pruning, so that a large backlog never holds the SQLite
/// writer (and the payments queued behind it) for long.
const PRUNE_CHUNK: i64 = 5_000;

/// Starts the writer (if logs are enabled); it stops after `shutdown`, writing what is queued.
pub fn spawn(
    logs: &RequestLogs,
    store: Arc<dyn Store>,
    mut shutdown: watch::Receiver<bool>,
) -> Option<JoinHandle<()>> {
    if !logs.enabled() {
        return None;
    }
    let mut queue = logs.connect()?;
    let dropped = logs.dropped.clone();
    let config = logs.config.clone();
    Some(tokio::spawn(async move {
        let mut pruned_at: Option<Instant> = None;
        let mut reported_drops = 0;
        loop {
            if pruned_at.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
                let older_than = now_ms() - config.retention.as_millis() as i64;
                prune(store.as_ref(), older_than, config.max_rows).await;
                pruned_at = Some(Instant::now());
            }
            let first = tokio::select! {
                first = queue.recv() => first,
                _ = tokio::time::sleep(PRUNE_EVERY) => continue,
                _ = shutdown.changed() => {
                    queue.close();
                    None
                }
            };
            let Some(first) = first else {
                // Closed: write what is left, then stop.
                let mut rest = Vec::new();
                while let Ok(finished) = queue.try_recv() {
                    rest.push(finished);
                }
                write(store.as_ref(), rest).await;
                return;
            };
            let mut batch = vec![first];
            while batch.len() < BATCH {
                match queue.try_recv() {
                    Ok(finished) => batch.push(finished),
                    Err(_) => break,
                }
            }
            write(store.as_ref(), batch).await;
            let lost = dropped.load(Ordering::Relaxed);
            if lost > reported_drops {
                tracing::warn!(
                    dropped = lost - reported_drops,
                    total = lost,
                    "request logs dropped: the log writer is behind"
                );
                reported_drops = lost;
            }
        }
    }))
}

async fn write(store: &dyn Store, batch: Vec<Finished>) {
    if batch.is_empty() {
        return;
    }
    let count = batch.len();
    let logs: Vec<RequestLog> = batch.into_iter().map(to_log).collect();
    if let Err(error) = store.insert_request_logs(logs).await {
        tracing::warn!(%error, count, "cannot write request logs");
    }
}

/// Deletes what the retention allows, a chunk at a time.
pub async fn prune(store: &dyn Store, older_than_ms: i64, max_rows: i64) -> u64 {
    let mut total = 0;
    loop {
        match store
            .prune_request_logs(older_than_ms, max_rows, PRUNE_CHUNK)
            .await
        {
            Ok(n) => {
                total += n;
                if n < PRUNE_CHUNK as u64 {
                    break;
                }
            }
            Err(error) => {
                tracing::warn!(%error, "cannot prune request logs");
                break;
            }
        }
    }
    if total > 0 {
        tracing::info!(pruned = total, "pruned request logs past their retention");
    }
    total
}

fn to_log(finished: Finished) -> RequestLog {
    let response = truncated(&finished.response);
    let object = object_of(&finished.path, &response);
    RequestLog {
        seq: 0,
        id: finished.request_id,
        account: finished.captured.account,
        created_ms: finished.created_ms,
        method: finished.method,
        path: finished.path,
        status: i64::from(finished.status),
        idempotency_key: finished.captured.idempotency_key,
        replayed: finished.replayed,
        latency_us: finished.latency_us,
        source_ip: finished.source_ip,
        user_agent: finished.user_agent,
        object,
        params: redacted_params(&finished.captured.input).to_string(),
        response,
    }
}

fn truncated(body: &[u8]) -> String {
    if body.len() <= MAX_RESPONSE_BYTES {
        return String::from_utf8_lossy(body).into_owned();
    }
    let mut text = String::from_utf8_lossy(&body[..MAX_RESPONSE_BYTES]).into_owned();
    text.push_str("… (truncated)");
    text
}

/// The object a request was about: the id in its path (`/v1/payment_intents/pi_…/confirm`),
/// else the id of the object it answered with (a create). Lists and errors name none.
pub fn object_of(path: &str, response: &str) -> Option<String> {
    let mut segments = path.trim_start_matches('/').split('/');
    let in_path = match (segments.next(), segments.next(), segments.next()) {
        (Some("v1"), Some(resource), Some(id)) if resource != "test_helpers" && is_id(id) => {
            Some(id)
        }
        _ => None,
    };
    if let Some(id) = in_path {
        return Some(id.to_owned());
    }
    // Only the two keys: the rest of the answer is skipped, not built into a tree (that was
    // a seventh of the server's instructions per payment).
    #[derive(serde::Deserialize)]
    struct Named<'a> {
        #[serde(borrow, default)]
        id: Option<std::borrow::Cow<'a, str>>,
        #[serde(borrow, default)]
        object: Option<std::borrow::Cow<'a, str>>,
    }
    let body: Named = serde_json::from_str(response).ok()?;
    match body.object.as_deref() {
        Some("list" | "search_result") | None => None,
        Some(_) => body.id.map(std::borrow::Cow::into_owned),
    }
}

/// `pi_3Qx…`: a lower-case prefix and a long alphanumeric rest (not `search`, not a word).
fn is_id(text: &str) -> bool {
    text.split_once('_').is_some_and(|(prefix, rest)| {
        !prefix.is_empty()
            && prefix.bytes().all(|b| b.is_ascii_lowercase())
            && rest.len() >= 8
            && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_object_comes_from_the_path_or_the_created_object() {
        assert_eq!(
            object_of("/v1/payment_intents/pi_3QxAbcdEfgh12345/confirm", "{}").as_deref(),
            Some("pi_3QxAbcdEfgh12345")
        );
        assert_eq!(
            object_of("/v1/refunds", r#"{"id":"re_1","object":"refund"}"#).as_deref(),
            Some("re_1")
        );
        assert_eq!(
            object_of("/v1/customers", r#"{"object":"list","data":[]}"#),
            None
        );
        assert_eq!(
            object_of("/v1/test_helpers/tender_clock", r#"{"error":{}}"#),
            None
        );
        assert_eq!(object_of("/v1/customers/search", "{}"), None);
    }
}
