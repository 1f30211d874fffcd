//! API request logs (the dashboard's Logs page, a payment's timeline): captured at the HTTP
//! edge, written by a background task, never on the request's path.
//!
//! - `http::request_layer` puts a [`LogSlot`] on every `/v1` request; the `Api` extractor
//!   fills it once it knows the account (a request without a valid key belongs to no account
//!   and is not logged). When the response is ready the layer hands the request's facts, its
//!   raw parameters and the response body to [`RequestLogs::record`].
//! - `record` never waits: it `try_send`s into a bounded queue. A full queue drops the log
//!   and counts it ([`RequestLogs::dropped`]); the writer says how many it lost.
//! - `writer` drains the queue in batches: decodes and redacts the parameters (`redact`),
//!   finds the object each request was about, and inserts the batch in one store call. It
//!   also applies the retention.

mod redact;
mod writer;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::Bytes;
use tokio::sync::mpsc;

pub use redact::redacted_params;
pub use writer::{now_ms, prune, spawn};

/// How request logs are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestLogConfig {
    /// Off: nothing is captured (the benchmark's baseline).
    pub enabled: bool,
    /// Logs older than this are deleted.
    pub retention: Duration,
    /// At most this many are kept (the newest).
    pub max_rows: i64,
}

impl Default for RequestLogConfig {
    fn default() -> RequestLogConfig {
        RequestLogConfig {
            enabled: true,
            retention: Duration::from_secs(7 * 24 * 60 * 60),
            max_rows: 1_000_000,
        }
    }
}

/// Logs waiting for the writer; beyond this, new ones are dropped (and counted).
const QUEUE: usize = 16_384;

/// Response bodies are kept up to this many bytes (a list of 100 objects is well below).
pub const MAX_RESPONSE_BYTES: usize = 256 * 1024;

/// What the `Api` extractor learns about a request that the edge does not know.
#[derive(Clone, Debug)]
pub struct Captured {
    pub account: String,
    /// The query and form body as received (redacted later, off the request's path).
    pub input: Bytes,
    pub idempotency_key: Option<String>,
}

/// A request extension: empty until the `Api` extractor authenticates the request.
#[derive(Clone, Debug, Default)]
pub struct LogSlot(pub Arc<OnceLock<Captured>>);

/// One finished request, as the edge hands it over.
#[derive(Debug)]
pub struct Finished {
    pub captured: Captured,
    pub request_id: String,
    pub created_ms: i64,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub replayed: bool,
    pub latency_us: i64,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    pub response: Bytes,
}

/// The queue into the writer task, shared by every request.
pub struct RequestLogs {
    config: RequestLogConfig,
    queue: OnceLock<mpsc::Sender<Finished>>,
    dropped: Arc<AtomicU64>,
}

impl RequestLogs {
    pub fn new(config: RequestLogConfig) -> RequestLogs {
        RequestLogs {
            config,
            queue: OnceLock::new(),
            dropped: Arc::new(AtomicU64::new(0)),
        }
    }

    pub fn enabled(&self) -> bool {
        self.config.enabled
    }

    pub fn config(&self) -> &RequestLogConfig {
        &self.config
    }

    /// Queues a finished request; drops it (counted) when the writer is behind or absent.
    pub fn record(&self, finished: Finished) {
        let sent = self
            .queue
            .get()
            .is_some_and(|queue| queue.try_send(finished).is_ok());
        if !sent {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Logs lost to a full queue since the server started.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Connects the writer's queue (once; `writer::spawn` does it).
    fn connect(&self) -> Option<mpsc::Receiver<Finished>> {
        let (sender, receiver) = mpsc::channel(QUEUE);
        self.queue.set(sender).ok().map(|()| receiver)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finished() -> Finished {
        Finished {
            captured: Captured {
                account: "acct_1".into(),
                input: Bytes::from_static(b"amount=1"),
                idempotency_key: None,
            },
            request_id: "req_1".into(),
            created_ms: 0,
            method: "POST".into(),
            path: "/v1/customers".into(),
            status: 200,
            replayed: false,
            latency_us: 1,
            source_ip: None,
            user_agent: None,
            response: Bytes::from_static(b"{}"),
        }
    }

    #[tokio::test]
    async fn a_full_queue_drops_and_counts_instead_of_waiting() {
        let logs = RequestLogs::new(RequestLogConfig::default());
        // No writer: nothing can take the log.
        logs.record(finished());
        assert_eq!(logs.dropped(), 1);
        // A writer that does not drain: the queue fills, then every further log is dropped
        // at once (this loop would hang if `record` waited).
        let queue = logs.connect();
        assert!(queue.is_some());
        for _ in 0..QUEUE + 10 {
            logs.record(finished());
        }
        assert_eq!(logs.dropped(), 11);
        // Connected once only.
        assert!(logs.connect().is_none());
    }
}
