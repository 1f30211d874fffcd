//! The invariants checked once the load has stopped, against what the API says is stored.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::clients::Ack;

/// What the server holds at the end of a run.
pub struct Stored {
    pub intents: Vec<Value>,
    pub charges: Vec<Value>,
    /// Newest first, as the API lists them.
    pub events: Vec<Value>,
}

/// Every violation found; empty means the run passed.
pub fn check(acks: &[Ack], stored: &Stored) -> Vec<String> {
    let mut violations = Vec::new();
    let intents: HashMap<&str, &Value> = stored
        .intents
        .iter()
        .filter_map(|i| Some((i["id"].as_str()?, i)))
        .collect();

    // 1. Every acknowledged payment exists with the status it was acknowledged with.
    for ack in acks {
        match intents.get(ack.intent_id.as_str()) {
            None => violations.push(format!(
                "{}: acknowledged {} is missing",
                ack.key, ack.intent_id
            )),
            Some(intent) => {
                let status = intent["status"].as_str().unwrap_or_default();
                // A 3DS intent may move on only if someone authenticated it; nobody does here.
                if status != ack.status {
                    violations.push(format!(
                        "{}: {} acknowledged as {} but stored as {status}",
                        ack.key, ack.intent_id, ack.status
                    ));
                }
                if intent["metadata"]["harness_key"].as_str() != Some(ack.key.as_str()) {
                    violations.push(format!(
                        "{}: {} carries another key",
                        ack.key, ack.intent_id
                    ));
                }
            }
        }
    }

    // 2. One idempotency key, one intent; and no intent without an acknowledged key.
    let acked: HashSet<&str> = acks.iter().map(|a| a.key.as_str()).collect();
    let mut per_key: HashMap<&str, Vec<&str>> = HashMap::new();
    for intent in &stored.intents {
        let key = intent["metadata"]["harness_key"]
            .as_str()
            .unwrap_or("<none>");
        per_key
            .entry(key)
            .or_default()
            .push(intent["id"].as_str().unwrap_or_default());
    }
    for (key, ids) in &per_key {
        if ids.len() > 1 {
            violations.push(format!("key {key} produced {} intents: {ids:?}", ids.len()));
        }
        if !acked.contains(key) {
            violations.push(format!(
                "intents {ids:?} (key {key}) were never acknowledged"
            ));
        }
    }

    // 3. Charges: one per payment that reached the network, none for 3DS intents still
    //    waiting, and none without an intent.
    let mut charges_of: HashMap<&str, Vec<&Value>> = HashMap::new();
    for charge in &stored.charges {
        let intent = charge["payment_intent"].as_str().unwrap_or("<none>");
        charges_of.entry(intent).or_default().push(charge);
    }
    for (intent_id, charges) in &charges_of {
        let Some(intent) = intents.get(intent_id) else {
            violations.push(format!(
                "{} charge(s) of unknown intent {intent_id}",
                charges.len()
            ));
            continue;
        };
        let expected = match intent["status"].as_str() {
            Some("succeeded") => Some("succeeded"),
            Some("requires_payment_method") => Some("failed"),
            _ => None,
        };
        let statuses: Vec<&str> = charges
            .iter()
            .filter_map(|c| c["status"].as_str())
            .collect();
        if expected.map(|s| vec![s]) != Some(statuses.clone()) {
            violations.push(format!(
                "{intent_id} ({}) has charges {statuses:?}",
                intent["status"]
            ));
        }
    }
    for (id, intent) in &intents {
        let wants_charge = matches!(
            intent["status"].as_str(),
            Some("succeeded" | "requires_payment_method")
        );
        if wants_charge && !charges_of.contains_key(id) {
            violations.push(format!("{id} ({}) has no charge", intent["status"]));
        }
    }

    // 4. Every intent's status is the one its latest event shows, and it was created by an
    //    event; every charge has its event.
    let mut latest: HashMap<&str, &Value> = HashMap::new();
    let mut created: HashSet<&str> = HashSet::new();
    let mut charge_events: HashSet<&str> = HashSet::new();
    for event in &stored.events {
        let kind = event["type"].as_str().unwrap_or_default();
        let object = &event["data"]["object"];
        let id = object["id"].as_str().unwrap_or_default();
        if kind.starts_with("payment_intent.") {
            // Newest first: the first seen is the latest.
            latest.entry(id).or_insert(object);
            if kind == "payment_intent.created" {
                created.insert(id);
            }
        } else if kind == "charge.succeeded" || kind == "charge.failed" {
            charge_events.insert(id);
        }
    }
    for (id, intent) in &intents {
        if !created.contains(id) {
            violations.push(format!("{id}: no payment_intent.created event"));
        }
        match latest.get(id) {
            None => violations.push(format!("{id}: no event at all")),
            Some(object) if object["status"] != intent["status"] => violations.push(format!(
                "{id}: stored as {} but its latest event shows {}",
                intent["status"], object["status"]
            )),
            Some(_) => {}
        }
    }
    for id in latest.keys() {
        if !intents.contains_key(id) {
            violations.push(format!("events about {id}, which does not exist"));
        }
    }
    for charge in &stored.charges {
        let id = charge["id"].as_str().unwrap_or_default();
        if !charge_events.contains(id) {
            violations.push(format!(
                "charge {id}: no charge.succeeded/charge.failed event"
            ));
        }
    }
    violations
}

/// Deliveries against committed events: each committed event at least once, and nothing that
/// was not committed. `received` maps event id → (type, times delivered).
pub fn check_deliveries(
    events: &[Value],
    received: &HashMap<String, (String, u32)>,
) -> Vec<String> {
    let mut violations = Vec::new();
    let committed: HashMap<&str, &str> = events
        .iter()
        .filter_map(|e| Some((e["id"].as_str()?, e["type"].as_str()?)))
        .collect();
    let missing: Vec<&&str> = committed
        .keys()
        .filter(|id| !received.contains_key(**id))
        .collect();
    if !missing.is_empty() {
        violations.push(format!(
            "{} committed event(s) never delivered, e.g. {:?}",
            missing.len(),
            missing.iter().take(5).collect::<Vec<_>>()
        ));
    }
    for (id, (kind, _)) in received {
        match committed.get(id.as_str()) {
            None => violations.push(format!(
                "delivered {id} ({kind}), which was never committed"
            )),
            Some(committed_kind) if committed_kind != kind => violations.push(format!(
                "delivered {id} as {kind}, committed as {committed_kind}"
            )),
            Some(_) => {}
        }
    }
    violations
}

/// Events not yet delivered (for waiting until the outbox drains).
pub fn undelivered(events: &[Value], received: &HashMap<String, (String, u32)>) -> usize {
    events
        .iter()
        .filter_map(|e| e["id"].as_str())
        .filter(|id| !received.contains_key(*id))
        .count()
}
