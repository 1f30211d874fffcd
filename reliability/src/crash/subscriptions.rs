//! The subscription workload (`--workload subscriptions`): the guide's "Create a
//! subscription" path under SIGKILLs. Each client creates a customer and a
//! `default_incomplete` subscription, then confirms the first invoice's PaymentIntent with a
//! ConfirmationToken, every write with an idempotency key and retried with it when the answer
//! is lost. Then, against what is stored: no subscription without its first invoice, no paid
//! PaymentIntent next to an unpaid invoice (nor the reverse), no invoice paid twice, one
//! subscription per key, and (with the common checks) every committed event delivered.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;

use super::clients::{Tally, Targets, until_answered};
use crate::api::{Api, Key};

const SUCCEEDS: &str = "4242424242424242";
const DECLINES: &str = "4000000000000002";
const NEEDS_3DS: &str = "4000002500003155";

/// A subscription whose first payment the server acknowledged.
#[derive(Clone, Debug)]
pub struct SubscriptionAck {
    pub key: String,
    pub subscription: String,
    pub intent: String,
    /// The PaymentIntent's status in the confirmation's answer.
    pub status: String,
}

/// The price every subscription of the run bills.
pub async fn create_price(api: &Api, base: &str) -> Result<String, String> {
    let answer = api
        .post(
            base,
            "/v1/prices",
            Key::Secret,
            "currency=usd&unit_amount=1500&recurring[interval]=month\
             &product_data[name]=Harness plan",
            None,
        )
        .await
        .map_err(|e| format!("creating the price: {e}"))?;
    match answer.body["id"].as_str() {
        Some(id) if answer.ok() => Ok(id.to_owned()),
        _ => Err(format!("creating the price: {}", answer.body)),
    }
}

/// Runs one client until `stop` is set, finishing the subscription it has begun.
pub async fn client(
    api: Api,
    targets: Arc<Targets>,
    tally: Arc<Tally>,
    stop: Arc<AtomicBool>,
    price: String,
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
        let key = format!("sub-{run}-{task}-{seq}");
        seq += 1;
        if let Err(violation) = subscribe(&api, &targets, &tally, &price, &key, card).await {
            tally.violations.lock().await.push(violation);
        }
    }
}

async fn subscribe(
    api: &Api,
    targets: &Targets,
    tally: &Tally,
    price: &str,
    key: &str,
    card: &str,
) -> Result<(), String> {
    let customer_key = format!("{key}-customer");
    let customer = until_answered(tally, || {
        api.post(
            targets.next(),
            "/v1/customers",
            Key::Secret,
            "description=harness",
            Some(&customer_key),
        )
    })
    .await;
    let customer = customer.body["id"]
        .as_str()
        .ok_or_else(|| format!("customer {key}: {}", customer.body))?
        .to_owned();
    let form = format!(
        "customer={customer}&items[0][price]={price}&payment_behavior=default_incomplete\
         &payment_settings[save_default_payment_method]=on_subscription\
         &metadata[harness_key]={key}&expand[]=latest_invoice.payments"
    );
    let subscription_key = format!("{key}-subscription");
    let created = until_answered(tally, || {
        api.post(
            targets.next(),
            "/v1/subscriptions",
            Key::Secret,
            &form,
            Some(&subscription_key),
        )
    })
    .await;
    let subscription = created.body["id"]
        .as_str()
        .ok_or_else(|| {
            format!(
                "subscription {key}: HTTP {}: {}",
                created.status, created.body
            )
        })?
        .to_owned();
    let intent = created.body["latest_invoice"]["payments"]["data"][0]["payment"]["payment_intent"]
        .as_str()
        .ok_or_else(|| format!("subscription {key}: no PaymentIntent in {}", created.body))?
        .to_owned();
    let token_form = format!(
        "payment_method_data[type]=card&payment_method_data[card][number]={card}\
         &payment_method_data[card][exp_month]=12&payment_method_data[card][exp_year]=2034\
         &payment_method_data[card][cvc]=123&return_url=https://example.com/return\
         &setup_future_usage=off_session&client_context[mode]=subscription\
         &client_context[currency]=usd&client_context[setup_future_usage]=off_session"
    );
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
    let token = token.body["id"]
        .as_str()
        .ok_or_else(|| format!("token {key}: {}", token.body))?
        .to_owned();
    let (confirm_path, confirm_form) = (
        format!("/v1/payment_intents/{intent}/confirm"),
        format!("confirmation_token={token}"),
    );
    let confirm_key = format!("{key}-confirm");
    let confirmed = until_answered(tally, || {
        api.post(
            targets.next(),
            &confirm_path,
            Key::Secret,
            &confirm_form,
            Some(&confirm_key),
        )
    })
    .await;
    let answered = match confirmed.status {
        200 => &confirmed.body,
        402 => &confirmed.body["error"]["payment_intent"],
        _ => {
            return Err(format!(
                "confirm {key}: HTTP {}: {}",
                confirmed.status, confirmed.body
            ));
        }
    };
    let status = answered["status"]
        .as_str()
        .ok_or_else(|| format!("confirm {key}: no status in {}", confirmed.body))?;
    tally.subscriptions.lock().await.push(SubscriptionAck {
        key: key.to_owned(),
        subscription,
        intent,
        status: status.to_owned(),
    });
    Ok(())
}

/// What the server holds at the end of a subscription run.
pub struct StoredBilling {
    pub subscriptions: Vec<Value>,
    pub invoices: Vec<Value>,
    pub invoice_payments: Vec<Value>,
    pub intents: Vec<Value>,
    pub charges: Vec<Value>,
}

/// Every violation of the subscription invariants; empty means the run passed.
pub fn check(acks: &[SubscriptionAck], stored: &StoredBilling) -> Vec<String> {
    let mut violations = Vec::new();
    let by_id = |objects: &[Value]| -> HashMap<String, Value> {
        objects
            .iter()
            .filter_map(|o| Some((o["id"].as_str()?.to_owned(), o.clone())))
            .collect()
    };
    let subscriptions = by_id(&stored.subscriptions);
    let invoices = by_id(&stored.invoices);
    let intents = by_id(&stored.intents);

    // 1. Each acknowledged subscription exists, its PaymentIntent as acknowledged.
    for ack in acks {
        if !subscriptions.contains_key(&ack.subscription) {
            violations.push(format!("{}: {} is missing", ack.key, ack.subscription));
        }
        match intents.get(&ack.intent) {
            Some(intent) if intent["status"] == ack.status.as_str() => {}
            Some(intent) => violations.push(format!(
                "{}: {} acknowledged as {} but stored as {}",
                ack.key, ack.intent, ack.status, intent["status"]
            )),
            None => violations.push(format!("{}: {} is missing", ack.key, ack.intent)),
        }
    }

    // 2. One subscription per key; each with its first invoice, in agreement with its
    //    PaymentIntent: paid ⇔ succeeded, active ⇔ paid.
    let mut keys: HashSet<&str> = HashSet::new();
    for subscription in &stored.subscriptions {
        let id = subscription["id"].as_str().unwrap_or_default();
        if let Some(key) = subscription["metadata"]["harness_key"].as_str()
            && !keys.insert(key)
        {
            violations.push(format!("key {key} made two subscriptions"));
        }
        let Some(invoice) = subscription["latest_invoice"]
            .as_str()
            .and_then(|i| invoices.get(i))
        else {
            violations.push(format!("{id} has no first invoice"));
            continue;
        };
        let intent = invoice["payment_intent"]
            .as_str()
            .and_then(|i| intents.get(i));
        let succeeded = intent.is_some_and(|i| i["status"] == "succeeded");
        let paid = invoice["status"] == "paid";
        if succeeded != paid {
            violations.push(format!(
                "{}: invoice {} next to a PaymentIntent {}",
                id,
                invoice["status"],
                intent.map_or(Value::Null, |i| i["status"].clone())
            ));
        }
        if paid != (subscription["status"] == "active") {
            violations.push(format!(
                "{id} is {} with its invoice {}",
                subscription["status"], invoice["status"]
            ));
        }
        if paid && invoice["amount_paid"] != invoice["amount_due"] {
            violations.push(format!(
                "{}: paid {} of {}",
                invoice["id"], invoice["amount_paid"], invoice["amount_due"]
            ));
        }
    }

    // 3. No invoice paid twice: one InvoicePayment per invoice, one successful charge per
    //    PaymentIntent.
    let mut payments: HashMap<&str, usize> = HashMap::new();
    for payment in &stored.invoice_payments {
        *payments
            .entry(payment["invoice"].as_str().unwrap_or_default())
            .or_default() += 1;
    }
    for (invoice, count) in payments {
        if count != 1 {
            violations.push(format!("{invoice} has {count} invoice payments"));
        }
    }
    let mut succeeded: HashMap<&str, usize> = HashMap::new();
    for charge in &stored.charges {
        if charge["status"] == "succeeded" {
            *succeeded
                .entry(charge["payment_intent"].as_str().unwrap_or_default())
                .or_default() += 1;
        }
    }
    for (intent, count) in succeeded {
        if count > 1 {
            violations.push(format!("{intent} was charged {count} times"));
        }
    }
    violations
}
