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
