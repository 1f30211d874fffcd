//! The delivery loop: claim due deliveries, send them signed, record what happened.
//!
//! The loop claims as many deliveries as it has room for (`batch` held at most), reads what
//! each needs (its endpoint, its event), and hands them to [`Lanes`], which decides when each
//! may go: per endpoint, a few at a time and in creation order. Each attempt runs in its own
//! task; when it has its answer the next ones of its endpoint start, and the loop is woken to
//! claim more.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Deserialize;
use tender_core::webhook_endpoint::StoredWebhookEndpoint;
use tender_store::{ClaimedDelivery, DeliveryAttempt, DeliveryOutcome, Store};
use tokio::sync::{Notify, watch};
use tokio::task::{JoinHandle, JoinSet};

use super::client;
use super::config::DispatcherConfig;
use super::lanes::Lanes;
use super::outbox::now_ms;
use super::signature;

/// Sends webhook deliveries in the background.
pub struct Dispatcher {
    store: Arc<dyn Store>,
    config: DispatcherConfig,
    wake: Arc<Notify>,
    http: reqwest::Client,
    /// Never held across an await.
    lanes: Mutex<Lanes<Prepared>>,
    /// Deliveries claimed and not yet recorded or given back.
    held: AtomicUsize,
}

/// How much of a receiver's answer is kept with the attempt.
const SNIPPET_BYTES: usize = 500;

/// Time kept, at the end of a lease, to record the attempt after its timeout.
const RECORD_MARGIN: Duration = Duration::from_secs(5);

/// A claimed delivery with what its attempt sends.
struct Prepared {
    claim: ClaimedDelivery,
    url: String,
    secret: String,
    body: String,
}

impl Dispatcher {
    /// Starts the loop; it stops when `shutdown` turns true, after the attempts in flight.
    /// Fails when the HTTP client cannot be set up (an unreadable CA file).
    pub fn spawn(
        store: Arc<dyn Store>,
        config: DispatcherConfig,
        wake: Arc<Notify>,
        mut shutdown: watch::Receiver<bool>,
    ) -> Result<JoinHandle<()>, String> {
        let http = client::build(&config)?;
        let dispatcher = Arc::new(Dispatcher {
            store,
            lanes: Mutex::new(Lanes::new(config.per_endpoint)),
            config,
            wake,
            http,
            held: AtomicUsize::new(0),
        });
        Ok(tokio::spawn(async move {
            loop {
                let pause = dispatcher.claim_what_fits().await;
                tokio::select! {
                    _ = dispatcher.wake.notified() => {}
                    _ = tokio::time::sleep(pause) => {}
                    _ = shutdown.changed() => {}
                }
                if *shutdown.borrow() {
                    break;
                }
            }
            dispatcher.stop().await;
        }))
    }

    /// The lease outlives any attempt: the timeout plus a margin for recording it, and a
    /// delivery that could not start early enough in it is given back unsent ([`Lanes`]).
    fn lease(&self) -> Duration {
        self.config.timeout + Duration::from_secs(30)
    }

    /// Claims what is due while there is room; returns how long to wait before looking again
    /// (unless woken: by a commit, or by an attempt that made room).
    async fn claim_what_fits(self: &Arc<Self>) -> Duration {
        loop {
            let room = self
                .config
                .batch
                .saturating_sub(self.held.load(Ordering::SeqCst));
            if room == 0 {
                return self.config.poll;
            }
            let lease_ms = self.lease().as_millis() as i64;
            let claimed = match self.store.claim_deliveries(now_ms(), lease_ms, room).await {
                Ok(claimed) => claimed,
                Err(error) => {
                    tracing::warn!(%error, "cannot claim webhook deliveries");
                    return self.config.poll;
                }
            };
            let count = claimed.len();
            if count == 0 {
                break;
            }
            self.held.fetch_add(count, Ordering::SeqCst);
            self.hold(claimed).await;
            self.start_ready();
            if count < room {
                break;
            }
        }
        match self.store.next_delivery_due().await {
            Ok(Some(due)) => {
                let wait = (due - now_ms()).max(0) as u64;
                Duration::from_millis(wait).min(self.config.poll)
            }
            _ => self.config.poll,
        }
    }

    /// Reads what the claimed deliveries send (concurrently: the store answers concurrent
    /// reads together) and puts them in their lanes; those that cannot be sent are recorded.
    async fn hold(self: &Arc<Self>, claimed: Vec<ClaimedDelivery>) {
        let mut reads = JoinSet::new();
        for claim in claimed {
            let dispatcher = self.clone();
            reads.spawn(async move {
                let prepared = dispatcher.prepare(&claim).await;
                (claim, prepared)
            });
        }
        let timeout_ms = self.config.timeout.as_millis() as i64;
        let margin_ms = RECORD_MARGIN.as_millis() as i64;
        while let Some(read) = reads.join_next().await {
            let Ok((claim, prepared)) = read else {
                // The read panicked: its claim is left to its lease, and its room freed.
                self.release(1);
                continue;
            };
            match prepared {
                Ok((prepared, keys)) => {
                    let start_by_ms = claim.lease_until_ms - timeout_ms - margin_ms;
                    let mut lanes = self.lanes.lock().unwrap_or_else(|p| p.into_inner());
                    lanes.push(
                        &claim.endpoint_id,
                        claim.id.clone(),
                        keys,
                        start_by_ms,
                        prepared,
                    );
                }
                Err(failure) => {
                    let dispatcher = self.clone();
                    tokio::spawn(async move {
                        let at_ms = now_ms();
                        dispatcher
                            .record(&claim, at_ms, Instant::now(), Err(failure))
                            .await;
                        dispatcher.release(1);
                    });
                }
            }
        }
    }

    /// Starts every held delivery that may go now.
    fn start_ready(self: &Arc<Self>) {
        let ready = {
            let mut lanes = self.lanes.lock().unwrap_or_else(|p| p.into_inner());
            lanes.ready(now_ms())
        };
        for prepared in &ready.given_back {
            tracing::warn!(
                delivery = %prepared.claim.id,
                "webhook delivery not started in time; left for its lease to expire"
            );
        }
        self.release(ready.given_back.len());
        for prepared in ready.start {
            let dispatcher = self.clone();
            tokio::spawn(async move { dispatcher.attempt(prepared).await });
        }
    }

    /// One attempt: send, free its lane, record.
    async fn attempt(self: Arc<Self>, prepared: Prepared) {
        let started = Instant::now();
        let at_ms = now_ms();
        let answer = self.send(&prepared, at_ms).await;
        {
            let mut lanes = self.lanes.lock().unwrap_or_else(|p| p.into_inner());
            lanes.done(&prepared.claim.endpoint_id, &prepared.claim.id);
        }
        self.start_ready();
        self.record(&prepared.claim, at_ms, started, answer).await;
        self.release(1);
    }

    /// `count` deliveries are no longer held. Once half the room is free the loop is woken
    /// to claim more: claiming after every attempt would cost a write per delivery, and half
    /// a batch still keeps a busy endpoint's slots filled meanwhile.
    fn release(&self, count: usize) {
        if count == 0 {
            return;
        }
        let held = self
            .held
            .fetch_sub(count, Ordering::SeqCst)
            .saturating_sub(count);
        if held <= self.config.batch / 2 {
            self.wake.notify_one();
        }
    }

    /// At shutdown: what waits is given back (sent after its lease, by this node after a
    /// restart or by another); what is in flight gets its answer and is recorded.
    async fn stop(&self) {
        let waiting = {
            let mut lanes = self.lanes.lock().unwrap_or_else(|p| p.into_inner());
            lanes.give_back_waiting()
        };
        self.held.fetch_sub(waiting.len(), Ordering::SeqCst);
        while self.held.load(Ordering::SeqCst) > 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The endpoint and the body of a claimed delivery, and its ordering keys.
    async fn prepare(&self, claim: &ClaimedDelivery) -> Result<(Prepared, Vec<String>), Failure> {
        let retry = |e: tender_store::StoreError| Failure::Retry(e.to_string());
        let endpoint = self
            .store
            .get(&claim.account, &claim.endpoint_id)
            .await
            .map_err(retry)?
            .filter(|record| !record.deleted)
            .ok_or(Failure::Permanent("the endpoint was deleted".to_owned()))?;
        let endpoint: StoredWebhookEndpoint =
            serde_json::from_str(&endpoint.body).map_err(|e| Failure::Permanent(e.to_string()))?;
        // Stripe stops retrying deliveries to disabled and deleted endpoints.
        if endpoint.endpoint.status != "enabled" {
            return Err(Failure::Permanent("the endpoint is disabled".to_owned()));
        }
        let event = self
            .store
            .get(&claim.account, &claim.event_id)
            .await
            .map_err(retry)?
            .ok_or(Failure::Permanent("the event does not exist".to_owned()))?;
        let keys = ordering_keys(&event.body);
        // Stripe renders an event at its endpoint's API version when the endpoint pins one.
        // Tender's objects are one superset for every version, so only the label changes.
        let body = match &endpoint.endpoint.api_version {
            Some(version) => with_api_version(&event.body, version),
            None => event.body,
        };
        let prepared = Prepared {
            claim: claim.clone(),
            url: endpoint.endpoint.url,
            secret: endpoint.secret,
            body,
        };
        Ok((prepared, keys))
    }

    /// One HTTP attempt, signed as it leaves: the status and the start of the body. The
    /// signature's timestamp is the attempt's recorded time (`at_ms`, in seconds), so the
    /// dashboard can show the exact `Stripe-Signature` header sent without storing it.
    async fn send(&self, prepared: &Prepared, at_ms: i64) -> Result<(u16, String), Failure> {
        let timestamp = at_ms.div_euclid(1000);
        let response = self
            .http
            .post(&prepared.url)
            .header("content-type", "application/json; charset=utf-8")
            .header(
                "stripe-signature",
                signature::header(&prepared.secret, timestamp, &prepared.body),
            )
            .body(prepared.body.clone())
            .send()
            .await
            .map_err(|e| Failure::Retry(client::describe(&e)))?;
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        let mut end = body.len().min(SNIPPET_BYTES);
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        Ok((status, body[..end].to_owned()))
    }

    /// Records an attempt and decides what comes next: done, a retry, or no more.
    async fn record(
        &self,
        claim: &ClaimedDelivery,
        at_ms: i64,
        started: Instant,
        answer: Result<(u16, String), Failure>,
    ) {
        let attempt_number = claim.attempts + 1;
        let (status_code, error, snippet, permanent) = match answer {
            Ok((status, body)) => (Some(status), None, Some(body), false),
            Err(Failure::Retry(error)) => (None, Some(error), None, false),
            Err(Failure::Permanent(error)) => (None, Some(error), None, true),
        };
        let delivered = status_code.is_some_and(|s| (200..300).contains(&s));
        let outcome = if delivered {
            DeliveryOutcome::Delivered
        } else if permanent {
            DeliveryOutcome::Failed
        } else {
            match self
                .config
                .schedule
                .next_attempt(attempt_number, now_ms(), rand::random::<f64>())
            {
                Some(at_ms) => DeliveryOutcome::Retry { at_ms },
                None => DeliveryOutcome::Failed,
            }
        };
        let attempt = DeliveryAttempt {
            delivery_id: claim.id.clone(),
            attempt: attempt_number,
            at_ms,
            status_code,
            latency_ms: started.elapsed().as_millis() as i64,
            error: error.clone(),
            response_snippet: snippet,
        };
        tracing::info!(
            delivery = %claim.id,
            event = %claim.event_id,
            endpoint = %claim.endpoint_id,
            attempt = attempt_number,
            status = status_code.unwrap_or(0),
            error = error.as_deref().unwrap_or(""),
            "webhook attempt"
        );
        match self.store.finish_delivery(claim, &attempt, outcome).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(delivery = %claim.id, "lease lost; another dispatcher took over")
            }
            Err(error) => {
                tracing::warn!(delivery = %claim.id, %error, "cannot record webhook attempt")
            }
        }
    }
}

/// What orders an event's deliveries to one endpoint: the request that caused it and the
/// object it is about (see [`Lanes`]).
fn ordering_keys(event: &str) -> Vec<String> {
    #[derive(Deserialize)]
    struct Event {
        request: Option<Id>,
        data: Option<Data>,
    }
    #[derive(Deserialize)]
    struct Data {
        object: Option<Id>,
    }
    #[derive(Deserialize)]
    struct Id {
        id: Option<String>,
    }
    let Ok(event) = serde_json::from_str::<Event>(event) else {
        return Vec::new();
    };
    let request = event.request.and_then(|r| r.id);
    let object = event.data.and_then(|d| d.object).and_then(|o| o.id);
    request.into_iter().chain(object).collect()
}

/// The event JSON with `api_version` set to `version` (also how the dashboard shows the body
/// that was sent).
pub fn with_api_version(body: &str, version: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(mut event) => {
            event["api_version"] = serde_json::Value::from(version);
            event.to_string()
        }
        Err(_) => body.to_owned(),
    }
}

/// Why an attempt got no answer.
enum Failure {
    /// Worth retrying: the receiver or the network may recover.
    Retry(String),
    /// Never deliverable: stop.
    Permanent(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordering_keys_are_the_request_and_the_object() {
        let event = r#"{"id":"evt_1","data":{"object":{"id":"pi_1","amount":5}},
            "request":{"id":"req_1","idempotency_key":null},"type":"payment_intent.created"}"#;
        assert_eq!(ordering_keys(event), vec!["req_1", "pi_1"]);
        let without_request = r#"{"data":{"object":{"id":"cus_1"}},"request":{"id":null}}"#;
        assert_eq!(ordering_keys(without_request), vec!["cus_1"]);
        assert!(ordering_keys("not json").is_empty());
    }
}
