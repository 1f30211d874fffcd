//! The load: the guide's payment (a ConfirmationToken with the publishable key, then a
//! PaymentIntent created with `confirm=true` and an idempotency key), over many connections,
//! retried with the same key whenever the answer is lost, exactly as an SDK would.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::Mutex;

use crate::api::{Answer, Api, Key};

/// Cards of the simulated network the load uses, by share: mostly successes, some declines
/// (402, with a failed charge) and some 3D Secure (`requires_action`, no charge yet).
const SUCCEEDS: &str = "4242424242424242";
const DECLINES: &str = "4000000000000002";
const NEEDS_3DS: &str = "4000002500003155";

/// A payment the server acknowledged: what it answered, and what was sent (for replays).
#[derive(Clone, Debug)]
pub struct Ack {
    pub key: String,
    pub form: String,
    pub http_status: u16,
    pub intent_id: String,
    pub status: String,
}

/// Counters and results shared by every client task.
#[derive(Default)]
pub struct Tally {
    pub acks: Mutex<Vec<Ack>>,
    /// The subscription workload's acknowledged subscriptions.
    pub subscriptions: Mutex<Vec<super::subscriptions::SubscriptionAck>>,
    /// Requests whose answer was lost (connection refused or reset, timeout) and retried.
    pub lost: AtomicU64,
    /// 409 `idempotency_key_in_use` and 429 `lock_timeout` answers, retried.
    pub busy: AtomicU64,
    /// What must never happen (5xx, unexpected answers), with the request.
    pub violations: Mutex<Vec<String>>,
}

/// Where requests go: one base URL per node, taken in turn.
pub struct Targets {
    bases: Vec<String>,
    next: AtomicU64,
}

impl Targets {
    pub fn new(bases: Vec<String>) -> Targets {
        Targets {
            bases,
            next: AtomicU64::new(0),
        }
    }

    pub(super) fn next(&self) -> &str {
        let i = self.next.fetch_add(1, Ordering::Relaxed) as usize % self.bases.len();
        &self.bases[i]
    }
}

/// Runs one client until `stop` is set, finishing the payment it has begun.
pub async fn client(
    api: Api,
    targets: Arc<Targets>,
    tally: Arc<Tally>,
    stop: Arc<AtomicBool>,
    run: String,
    task: usize,
) {
    let mut seq: u64 = 0;
    while !stop.load(Ordering::Relaxed) {
        let card = match seq % 10 {
            0 => DECLINES,
            1 => NEEDS_3DS,
            _ => SUCCEEDS,
        };
        let key = format!("crash-{run}-{task}-{seq}");
        seq += 1;
        if let Err(violation) = payment(&api, &targets, &tally, &key, card).await {
            tally.violations.lock().await.push(violation);
        }
    }
}

async fn payment(
    api: &Api,
    targets: &Targets,
    tally: &Tally,
    key: &str,
    card: &str,
) -> Result<(), String> {
    let token_form = format!(
        "payment_method_data[type]=card&payment_method_data[card][number]={card}\
         &payment_method_data[card][exp_month]=12&payment_method_data[card][exp_year]=2034\
         &payment_method_data[card][cvc]=123&return_url=https://example.com/return"
    );
    // Stripe.js sends no idempotency key here: a token whose answer was lost is abandoned
    // and a new one made, which is harmless (an unused token expires).
    let token = until_answered(tally, || {
        api.post(
            targets.next(),
            "/v1/confirmation_tokens",
            Key::Publishable,
            &token_form,
            None,
        )
    })
    .await;
    let token_id = match (token.ok(), token.body["id"].as_str()) {
        (true, Some(id)) => id.to_owned(),
        _ => {
            return Err(format!(
                "confirmation token: HTTP {}: {}",
                token.status, token.body
            ));
        }
    };
    let form = format!(
        "amount=2000&currency=usd&confirm=true&confirmation_token={token_id}\
         &automatic_payment_methods[enabled]=true&metadata[harness_key]={key}"
    );
    let answer = until_answered(tally, || {
        api.post(
            targets.next(),
            "/v1/payment_intents",
            Key::Secret,
            &form,
            Some(key),
        )
    })
    .await;
    let intent = match answer.status {
        200 => &answer.body,
        // A decline: Stripe embeds the intent in the error.
        402 => &answer.body["error"]["payment_intent"],
        _ => {
            return Err(format!(
                "payment {key}: HTTP {}: {}",
                answer.status, answer.body
            ));
        }
    };
    let (Some(id), Some(status)) = (intent["id"].as_str(), intent["status"].as_str()) else {
        return Err(format!("payment {key}: no intent in {}", answer.body));
    };
    tally.acks.lock().await.push(Ack {
        key: key.to_owned(),
        form,
        http_status: answer.status,
        intent_id: id.to_owned(),
        status: status.to_owned(),
    });
    Ok(())
}

/// Sends until the server gives a definitive answer: a lost answer (the server was killed),
/// a 5xx (counted as a violation: it must never happen, but the client retries as an SDK
/// would), `idempotency_key_in_use` or `lock_timeout` are retried after a short pause.
pub async fn until_answered<F, Fut>(tally: &Tally, mut send: F) -> Answer
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Answer, reqwest::Error>>,
{
    loop {
        match send().await {
            Ok(answer) if answer.status >= 500 => {
                tally
                    .violations
                    .lock()
                    .await
                    .push(format!("HTTP {}: {}", answer.status, answer.body));
            }
            Ok(answer)
                if answer.status == 409
                    && answer.error_code() == Some("idempotency_key_in_use")
                    || answer.status == 429 && answer.error_code() == Some("lock_timeout") =>
            {
                tally.busy.fetch_add(1, Ordering::Relaxed);
            }
            Ok(answer) => return answer,
            Err(_) => {
                tally.lost.fetch_add(1, Ordering::Relaxed);
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Whether a stored answer replays to the same intent: the same request with the same key
/// after all the crashes.
pub async fn replay_matches(api: &Api, base: &str, tally: &Tally, ack: &Ack) -> Result<(), String> {
    let answer = until_answered(tally, || {
        api.post(
            base,
            "/v1/payment_intents",
            Key::Secret,
            &ack.form,
            Some(&ack.key),
        )
    })
    .await;
    let intent: &Value = if answer.status == 402 {
        &answer.body["error"]["payment_intent"]
    } else {
        &answer.body
    };
    if answer.status != ack.http_status
        || intent["id"].as_str() != Some(ack.intent_id.as_str())
        || intent["status"].as_str() != Some(ack.status.as_str())
    {
        return Err(format!(
            "replay of {}: first answered HTTP {} {} {}, now HTTP {} {}",
            ack.key, ack.http_status, ack.intent_id, ack.status, answer.status, answer.body
        ));
    }
    Ok(())
}
