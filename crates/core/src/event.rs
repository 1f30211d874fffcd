//! The Event resource (spec §9.1): a snapshot of an object when something happened to it.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::Timestamp;
use crate::event_kind::EventKind;

/// The API version events are rendered at; the one the pinned SDKs ask for.
pub const API_VERSION: &str = "2026-10-28.endive";

/// The API request that caused an event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRequest {
    pub id: Option<String>,
    pub idempotency_key: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EventData {
    /// The object's JSON, kept as text: a request serializes an object once and embeds the
    /// same text in its record, its events and its answer.
    pub object: Box<RawValue>,
    /// Only on `*.updated` events: the changed top-level keys with their old values.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub previous_attributes: Option<Value>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    pub object: String,
    pub api_version: Option<String>,
    pub created: Timestamp,
    pub data: EventData,
    pub livemode: bool,
    /// Endpoints that have not yet acknowledged this event.
    pub pending_webhooks: i64,
    pub request: EventRequest,
    #[serde(rename = "type")]
    pub kind: String,
}

impl Event {
    pub fn new(
        id: String,
        kind: EventKind,
        object: Box<RawValue>,
        previous_attributes: Option<Value>,
        request: EventRequest,
        now: Timestamp,
    ) -> Event {
        Event {
            id,
            object: "event".to_owned(),
            api_version: Some(API_VERSION.to_owned()),
            created: now,
            data: EventData {
                object,
                previous_attributes,
            },
            livemode: false,
            pending_webhooks: 0,
            request,
            kind: kind.as_str().to_owned(),
        }
    }
}

/// Whom an event concerns, read from its object's top-level `id`, `object`, `customer` and
/// `payment_intent`: the payment (a PaymentIntent's events, and those of its charges and
/// refunds) and the customer. Tender lists an object's events through these (a payment's
/// timeline in the dashboard) instead of reading every event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventSubject {
    pub customer: Option<String>,
    pub payment_intent: Option<String>,
}

impl Event {
    pub fn subject(&self) -> EventSubject {
        /// Only the keys needed; the rest of the object is skipped unparsed.
        #[derive(Deserialize)]
        struct Keys {
            #[serde(default)]
            id: Option<String>,
            #[serde(default)]
            object: Option<String>,
            #[serde(default)]
            customer: Option<Value>,
            #[serde(default)]
            payment_intent: Option<Value>,
        }
        let Ok(keys) = serde_json::from_str::<Keys>(self.data.object.get()) else {
            return EventSubject::default();
        };
        // An id, not an expanded object or null.
        let id = |value: Option<Value>| match value {
            Some(Value::String(id)) => Some(id),
            _ => None,
        };
        let object = keys.object.as_deref();
        EventSubject {
            customer: if object == Some("customer") {
                keys.id.clone()
            } else {
                id(keys.customer)
            },
            payment_intent: if object == Some("payment_intent") {
                keys.id
            } else {
                id(keys.payment_intent)
            },
        }
    }
}

/// The top-level keys whose values differ between `before` and `after`, with their values in
/// `before`: what an `*.updated` event reports as `previous_attributes`.
pub fn previous_attributes(before: &Value, after: &Value) -> Option<Value> {
    let (Value::Object(before), Value::Object(after)) = (before, after) else {
        return None;
    };
    let changed: serde_json::Map<String, Value> = before
        .iter()
        .filter(|(key, old)| after.get(key.as_str()) != Some(*old))
        .map(|(key, old)| (key.clone(), old.clone()))
        .collect();
    (!changed.is_empty()).then_some(Value::Object(changed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn previous_attributes_lists_changed_keys_only() {
        let before = json!({"id": "cus_1", "email": "a@x", "metadata": {"k": "v"}});
        let after = json!({"id": "cus_1", "email": "b@x", "metadata": {"k": "v"}});
        assert_eq!(
            previous_attributes(&before, &after),
            Some(json!({"email": "a@x"}))
        );
        assert_eq!(previous_attributes(&before, &before), None);
    }

    fn event_about(object: Value) -> Event {
        let object = serde_json::value::to_raw_value(&object).unwrap_or_default();
        Event::new(
            "evt_1".into(),
            EventKind::ChargeSucceeded,
            object,
            None,
            EventRequest::default(),
            100,
        )
    }

    #[test]
    fn an_event_concerns_its_payment_and_its_customer() {
        let subject = |object: Value| event_about(object).subject();
        assert_eq!(
            subject(json!({"id": "pi_1", "object": "payment_intent", "customer": "cus_1"})),
            EventSubject {
                customer: Some("cus_1".into()),
                payment_intent: Some("pi_1".into())
            }
        );
        assert_eq!(
            subject(
                json!({"id": "ch_1", "object": "charge", "payment_intent": "pi_1",
                           "customer": null, "refunds": {"data": []}})
            ),
            EventSubject {
                customer: None,
                payment_intent: Some("pi_1".into())
            }
        );
        assert_eq!(
            subject(json!({"id": "cus_1", "object": "customer", "email": "a@x"})),
            EventSubject {
                customer: Some("cus_1".into()),
                payment_intent: None
            }
        );
        // An expanded customer is not an id; a body without the keys concerns no one.
        assert_eq!(
            subject(json!({"id": "in_1", "object": "invoice", "customer": {"id": "cus_1"}})),
            EventSubject::default()
        );
        assert_eq!(subject(json!([1, 2])), EventSubject::default());
    }

    #[test]
    fn renders_stripe_keys() {
        let object = serde_json::value::to_raw_value(&json!({"id": "cus_1"})).unwrap_or_default();
        let event = Event::new(
            "evt_1".into(),
            EventKind::CustomerCreated,
            object,
            None,
            EventRequest::default(),
            100,
        );
        let value = serde_json::to_value(&event).unwrap_or_default();
        assert_eq!(value["type"], "customer.created");
        assert_eq!(value["object"], "event");
        assert_eq!(
            value["request"],
            json!({"id": null, "idempotency_key": null})
        );
        assert!(value["data"].get("previous_attributes").is_none());
        assert_eq!(value["data"]["object"], json!({"id": "cus_1"}));
    }
}
