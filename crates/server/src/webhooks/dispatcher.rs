//! The delivery loop: claim due deliveries, send them signed, record what happened.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tender_core::webhook_endpoint::StoredWebhookEndpoint;
use tender_store::{ClaimedDelivery, DeliveryAttempt, DeliveryOutcome, Store};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use super::outbox::now_ms;
use super::schedule::RetrySchedule;
use super::signature;

/// How the dispatcher behaves.
#[derive(Clone, Debug)]
pub struct DispatcherConfig {
    pub schedule: RetrySchedule,
    /// How long a receiver may take to answer before the attempt counts as failed.
    pub timeout: Duration,
    /// How often to look for due deliveries when nothing wakes the dispatcher.
    pub poll: Duration,
    /// How many deliveries one claim takes at most.
    pub batch: usize,
}

impl Default for DispatcherConfig {
    fn default() -> Self {
        DispatcherConfig {
            schedule: RetrySchedule::stripe_like(),
            timeout: Duration::from_secs(10),
            poll: Duration::from_secs(1),
            batch: 32,
        }
    }
}

/// Sends webhook deliveries in the background.
pub struct Dispatcher {
    store: Arc<dyn Store>,
    config: DispatcherConfig,
    wake: Arc<Notify>,
    http: reqwest::Client,
}

/// How much of a receiver's answer is kept with the attempt.
const SNIPPET_BYTES: usize = 500;

impl Dispatcher {
    /// Starts the loop; it stops when `shutdown` turns true.
    pub fn spawn(
        store: Arc<dyn Store>,
        config: DispatcherConfig,
        wake: Arc<Notify>,
        mut shutdown: watch::Receiver<bool>,
    ) -> JoinHandle<()> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Stripe/1.0 (+https://stripe.com/docs/webhooks)")
            .build()
            .unwrap_or_default();
        let dispatcher = Arc::new(Dispatcher {
            store,
            config,
            wake,
            http,
        });
        tokio::spawn(async move {
            loop {
                let pause = dispatcher.round().await;
                tokio::select! {
                    _ = dispatcher.wake.notified() => {}
                    _ = tokio::time::sleep(pause) => {}
                    _ = shutdown.changed() => return,
                }
                if *shutdown.borrow() {
                    return;
                }
            }
        })
    }

    /// The lease outlives any attempt: the timeout plus a margin for recording it.
    fn lease(&self) -> Duration {
        self.config.timeout + Duration::from_secs(30)
    }

    /// Sends what is due; returns how long to wait before looking again.
    async fn round(self: &Arc<Self>) -> Duration {
        loop {
            let claimed = match self
                .store
                .claim_deliveries(now_ms(), self.lease().as_millis() as i64, self.config.batch)
                .await
            {
                Ok(claimed) => claimed,
                Err(error) => {
                    tracing::warn!(%error, "cannot claim webhook deliveries");
                    return self.config.poll;
                }
            };
            if claimed.is_empty() {
                break;
            }
            let sends: Vec<JoinHandle<()>> = claimed
                .into_iter()
                .map(|claim| {
                    let dispatcher = self.clone();
                    tokio::spawn(async move { dispatcher.deliver(claim).await })
                })
                .collect();
            for send in sends {
                let _ = send.await;
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

    async fn deliver(&self, claim: ClaimedDelivery) {
        let attempt_number = claim.attempts + 1;
        let started = Instant::now();
        let at_ms = now_ms();
        let (status_code, error, snippet, permanent) = match self.send(&claim).await {
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
        match self.store.finish_delivery(&claim, &attempt, outcome).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(delivery = %claim.id, "lease lost; another dispatcher took over")
            }
            Err(error) => {
                tracing::warn!(delivery = %claim.id, %error, "cannot record webhook attempt")
            }
        }
    }

    /// One HTTP attempt: the status and the start of the body, or why there was none.
    async fn send(&self, claim: &ClaimedDelivery) -> Result<(u16, String), Failure> {
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
        // Stripe renders an event at its endpoint's API version when the endpoint pins one.
        // Tender's objects are one superset for every version, so only the label changes.
        let body = match &endpoint.endpoint.api_version {
            Some(version) => with_api_version(&event.body, version),
            None => event.body,
        };
        let timestamp = now_ms() / 1000;
        let response = self
            .http
            .post(&endpoint.endpoint.url)
            .header("content-type", "application/json; charset=utf-8")
            .header(
                "stripe-signature",
                signature::header(&endpoint.secret, timestamp, &body),
            )
            .body(body)
            .send()
            .await
            .map_err(|e| Failure::Retry(describe(&e)))?;
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        let mut end = body.len().min(SNIPPET_BYTES);
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        Ok((status, body[..end].to_owned()))
    }
}

/// The event JSON with `api_version` set to `version`.
fn with_api_version(body: &str, version: &str) -> String {
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

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        "connection refused".to_owned()
    } else {
        error.to_string()
    }
}
