//! Webhook endpoints (spec §9.3): where an account's events are delivered, and the secret
//! that signs them.

use serde::{Deserialize, Serialize};
use tender_wire::{ApiError, Metadata, MetadataUpdate, Params};

use crate::{Timestamp, event_types};

/// An endpoint as the API renders it. `secret` is only shown in the response to create.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebhookEndpoint {
    pub id: String,
    pub object: String,
    pub api_version: Option<String>,
    pub application: Option<String>,
    pub created: Timestamp,
    pub description: Option<String>,
    pub enabled_events: Vec<String>,
    pub livemode: bool,
    pub metadata: Metadata,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub status: String,
    pub url: String,
}

/// The stored endpoint: the rendered object and its signing secret, kept out of every
/// rendering but the create response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredWebhookEndpoint {
    pub endpoint: WebhookEndpoint,
    pub secret: String,
}

impl StoredWebhookEndpoint {
    /// Whether an event of this type goes to this endpoint.
    pub fn subscribes_to(&self, event_type: &str) -> bool {
        self.endpoint.status == "enabled"
            && self
                .endpoint
                .enabled_events
                .iter()
                .any(|e| e == "*" || e == event_type)
    }
}

/// Where `POST /v1/events/:id/retry` (`tender events resend`) sends an event of type
/// `event_type` again: the endpoint the request names, whatever its subscriptions and status
/// (the caller asked for it by id; `None` if the account has no such endpoint), or else every
/// endpoint a new event of that type would go to (decision 0020).
pub fn resend_targets<'a>(
    endpoints: &'a [StoredWebhookEndpoint],
    event_type: &str,
    named: Option<&str>,
) -> Option<Vec<&'a StoredWebhookEndpoint>> {
    match named {
        Some(id) => endpoints
            .iter()
            .find(|e| e.endpoint.id == id)
            .map(|e| vec![e]),
        None => Some(
            endpoints
                .iter()
                .filter(|e| e.subscribes_to(event_type))
                .collect(),
        ),
    }
}

/// `POST /v1/webhook_endpoints` and `POST /v1/webhook_endpoints/:id`.
#[derive(Clone, Debug, Default)]
pub struct WebhookEndpointChanges {
    pub url: Option<String>,
    pub enabled_events: Option<Vec<String>>,
    pub api_version: Option<String>,
    pub description: Option<tender_wire::Field<String>>,
    pub metadata: Option<MetadataUpdate>,
    pub disabled: Option<bool>,
}

impl WebhookEndpointChanges {
    /// Create parameters: `url` and `enabled_events` are required.
    pub fn take_create(p: &mut Params) -> Result<WebhookEndpointChanges, ApiError> {
        let changes = WebhookEndpointChanges {
            url: Some(check_url(p.required_string("url")?)?),
            enabled_events: Some(
                take_events(p)?.ok_or_else(|| ApiError::missing_parameter("enabled_events"))?,
            ),
            api_version: p.string("api_version")?,
            description: Some(p.string_field("description")?),
            metadata: p.metadata("metadata")?,
            disabled: None,
        };
        // Tender has no Connect: endpoints always receive the account's own events.
        p.ignore(&["connect"]);
        Ok(changes)
    }

    pub fn take_update(p: &mut Params) -> Result<WebhookEndpointChanges, ApiError> {
        Ok(WebhookEndpointChanges {
            url: p.string("url")?.map(check_url).transpose()?,
            enabled_events: take_events(p)?,
            api_version: None,
            description: Some(p.string_field("description")?),
            metadata: p.metadata("metadata")?,
            disabled: p.boolean("disabled")?,
        })
    }

    /// A new endpoint from create parameters.
    pub fn create(
        self,
        id: String,
        secret: String,
        now: Timestamp,
    ) -> Result<StoredWebhookEndpoint, ApiError> {
        let mut endpoint = WebhookEndpoint {
            id,
            object: "webhook_endpoint".to_owned(),
            api_version: self.api_version.clone(),
            application: None,
            created: now,
            description: None,
            enabled_events: Vec::new(),
            livemode: false,
            metadata: Metadata::new(),
            secret: None,
            status: "enabled".to_owned(),
            url: String::new(),
        };
        self.apply(&mut endpoint)?;
        Ok(StoredWebhookEndpoint { endpoint, secret })
    }

    pub fn apply(self, endpoint: &mut WebhookEndpoint) -> Result<(), ApiError> {
        if let Some(url) = self.url {
            endpoint.url = url;
        }
        if let Some(events) = self.enabled_events {
            endpoint.enabled_events = events;
        }
        if let Some(description) = self.description
            && !description.is_absent()
        {
            endpoint.description = description.set();
        }
        if let Some(metadata) = self.metadata {
            metadata.apply(&mut endpoint.metadata, "metadata")?;
        }
        if let Some(disabled) = self.disabled {
            endpoint.status = if disabled { "disabled" } else { "enabled" }.to_owned();
        }
        Ok(())
    }
}

fn check_url(url: String) -> Result<String, ApiError> {
    let valid = (url.starts_with("http://") || url.starts_with("https://"))
        && url.len() > "http://".len()
        && !url.contains(char::is_whitespace);
    if valid {
        Ok(url)
    } else {
        Err(ApiError::invalid_request(format!("Invalid URL: {url}")).with_param("url"))
    }
}

/// `enabled_events[]`: `*`, or event types Stripe documents (`crate::event_types`), including
/// types Tender never emits, as real integrations subscribe to them.
fn take_events(p: &mut Params) -> Result<Option<Vec<String>>, ApiError> {
    let Some(events) = p.string_list("enabled_events")? else {
        return Ok(None);
    };
    if events.is_empty() {
        return Err(ApiError::invalid_empty("enabled_events"));
    }
    for (i, event) in events.iter().enumerate() {
        if event != "*" && !event_types::is_documented(event) {
            return Err(ApiError::invalid_request(format!(
                "Invalid enabled_events[{i}]: {event} is not an event type."
            ))
            .with_param(format!("enabled_events[{i}]")));
        }
    }
    Ok(Some(events))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn create(form: &str) -> Result<StoredWebhookEndpoint, ApiError> {
        let mut p = Params::from_form(form.as_bytes()).unwrap();
        let changes = WebhookEndpointChanges::take_create(&mut p)?;
        p.finish()?;
        changes.create("we_1".into(), "whsec_x".into(), 1)
    }

    #[test]
    fn subscriptions() {
        let endpoint = create(
            "url=http%3A%2F%2Flocalhost%3A4242%2Fwebhook&enabled_events[]=payment_intent.succeeded",
        )
        .unwrap();
        assert!(endpoint.subscribes_to("payment_intent.succeeded"));
        assert!(!endpoint.subscribes_to("charge.succeeded"));
        let all = create("url=https%3A%2F%2Fx.io&enabled_events[0]=*").unwrap();
        assert!(all.subscribes_to("charge.succeeded"));
        let value = serde_json::to_value(&all.endpoint).unwrap();
        assert!(value.get("secret").is_none());
    }

    #[test]
    fn resend_goes_to_the_named_endpoint_or_to_the_subscribed_ones() {
        let mut paid = create("url=https%3A%2F%2Fa.io&enabled_events[]=charge.succeeded").unwrap();
        paid.endpoint.id = "we_paid".into();
        let mut all = create("url=https%3A%2F%2Fb.io&enabled_events[]=*").unwrap();
        all.endpoint.id = "we_all".into();
        let mut off = create("url=https%3A%2F%2Fc.io&enabled_events[]=*").unwrap();
        off.endpoint.id = "we_off".into();
        off.endpoint.status = "disabled".into();
        let endpoints = [paid, all, off];
        let ids = |targets: Option<Vec<&StoredWebhookEndpoint>>| {
            targets.map(|t| t.iter().map(|e| e.endpoint.id.clone()).collect::<Vec<_>>())
        };
        assert_eq!(
            ids(resend_targets(&endpoints, "charge.succeeded", None)),
            Some(vec!["we_paid".to_owned(), "we_all".to_owned()])
        );
        assert_eq!(
            ids(resend_targets(&endpoints, "customer.created", None)),
            Some(vec!["we_all".to_owned()])
        );
        // Named: sent even to a disabled endpoint, or one not subscribed to the type.
        assert_eq!(
            ids(resend_targets(
                &endpoints,
                "customer.created",
                Some("we_off")
            )),
            Some(vec!["we_off".to_owned()])
        );
        assert_eq!(
            ids(resend_targets(
                &endpoints,
                "customer.created",
                Some("we_paid")
            )),
            Some(vec!["we_paid".to_owned()])
        );
        assert_eq!(ids(resend_targets(&endpoints, "x", Some("we_nope"))), None);
    }

    #[test]
    fn validation() {
        assert_eq!(
            create("enabled_events[]=*").unwrap_err().param.as_deref(),
            Some("url")
        );
        assert_eq!(
            create("url=ftp%3A%2F%2Fx&enabled_events[]=*")
                .unwrap_err()
                .param
                .as_deref(),
            Some("url")
        );
        assert_eq!(
            create("url=https%3A%2F%2Fx.io")
                .unwrap_err()
                .code
                .as_deref(),
            Some("parameter_missing")
        );
        assert_eq!(
            create("url=https%3A%2F%2Fx.io&enabled_events[]=Nope")
                .unwrap_err()
                .param
                .as_deref(),
            Some("enabled_events[0]")
        );
        // Well formed but not a type Stripe documents.
        assert_eq!(
            create("url=https%3A%2F%2Fx.io&enabled_events[]=charge.succeeded&enabled_events[]=not.an_event")
                .unwrap_err()
                .param
                .as_deref(),
            Some("enabled_events[1]")
        );
        // Documented types Tender does not emit are accepted.
        assert!(create("url=https%3A%2F%2Fx.io&enabled_events[]=invoice.paid").is_ok());
    }
}
