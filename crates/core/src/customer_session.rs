//! CustomerSessions: a short-lived client secret (`cuss_secret_…`) that lets the browser's
//! Payment Element act for one customer — list the cards it may show again, offer to save a
//! new one, remove one — without the secret key. Made by the merchant's server
//! (`POST /v1/customer_sessions`); Stripe has no endpoint that reads one back.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tender_wire::{ApiError, Params};

use crate::Timestamp;
use crate::payment_method::{AllowRedisplay, PaymentMethod};

/// How long a session's client secret works: 30 minutes, as on Stripe.
pub const LIFETIME_SECONDS: i64 = 30 * 60;
/// `payment_method_redisplay_limit`: Stripe's default and maximum.
pub const DEFAULT_REDISPLAY_LIMIT: i64 = 3;
pub const MAX_REDISPLAY_LIMIT: i64 = 10;

/// The CustomerSession as the API renders it (it has no `id`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerSession {
    pub object: String,
    pub client_secret: String,
    pub components: Components,
    pub created: Timestamp,
    pub customer: String,
    pub customer_account: Option<String>,
    pub expires_at: Timestamp,
    pub livemode: bool,
}

/// Every component Stripe renders, enabled or not (Stripe's SDK types require all of them).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Components {
    pub active_entitlements: Enabled,
    pub buy_button: Enabled,
    pub customer_portal: Enabled,
    pub customer_sheet: WithFeatures<Value>,
    pub mobile_payment_element: WithFeatures<Value>,
    pub payment_element: WithFeatures<Features>,
    pub pricing_table: Enabled,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enabled {
    pub enabled: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WithFeatures<F> {
    pub enabled: bool,
    pub features: Option<F>,
}

impl<F> Default for WithFeatures<F> {
    fn default() -> Self {
        WithFeatures {
            enabled: false,
            features: None,
        }
    }
}

/// `components.payment_element.features`, with Stripe's defaults filled in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Features {
    pub payment_method_allow_redisplay_filters: Vec<AllowRedisplay>,
    pub payment_method_redisplay: Toggle,
    pub payment_method_redisplay_limit: Option<i64>,
    pub payment_method_remove: Toggle,
    pub payment_method_save: Toggle,
    pub payment_method_save_usage: Option<SaveUsage>,
}

impl Default for Features {
    fn default() -> Self {
        Features {
            payment_method_allow_redisplay_filters: vec![AllowRedisplay::Always],
            payment_method_redisplay: Toggle::Disabled,
            payment_method_redisplay_limit: Some(DEFAULT_REDISPLAY_LIMIT),
            payment_method_remove: Toggle::Disabled,
            payment_method_save: Toggle::Disabled,
            payment_method_save_usage: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Toggle {
    Enabled,
    Disabled,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SaveUsage {
    OffSession,
    OnSession,
}

/// The stored session: found by a digest of its client secret (the id), since the browser
/// names it by nothing else.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredCustomerSession {
    pub id: String,
    pub created: Timestamp,
    pub session: CustomerSession,
}

/// `POST /v1/customer_sessions` parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerSessionCreate {
    pub customer: String,
    pub components: Components,
}

const TOGGLES: &[&str] = &["enabled", "disabled"];

fn toggle(p: &mut Params, key: &str) -> Result<Option<Toggle>, ApiError> {
    Ok(p.enumeration(key, TOGGLES)?.map(|v| match v.as_str() {
        "enabled" => Toggle::Enabled,
        _ => Toggle::Disabled,
    }))
}

/// `components[<name>][enabled]`, required when the component is given.
fn enabled(p: &mut Params) -> Result<bool, ApiError> {
    p.boolean("enabled")?
        .ok_or_else(|| ApiError::missing_parameter(&p.name("enabled")))
}

impl Features {
    fn take(p: &mut Params) -> Result<Features, ApiError> {
        let mut features = Features::default();
        if let Some(filters) = p.string_list("payment_method_allow_redisplay_filters")? {
            let name = p.name("payment_method_allow_redisplay_filters");
            features.payment_method_allow_redisplay_filters = filters
                .iter()
                .map(|f| match f.as_str() {
                    "always" => Ok(AllowRedisplay::Always),
                    "limited" => Ok(AllowRedisplay::Limited),
                    "unspecified" => Ok(AllowRedisplay::Unspecified),
                    other => Err(ApiError::invalid_request(format!(
                        "Invalid {name}[]: must be one of `always`, `limited`, or \
                         `unspecified` (received `{other}`)"
                    ))
                    .with_param(name.clone())),
                })
                .collect::<Result<_, _>>()?;
        }
        if let Some(redisplay) = toggle(p, "payment_method_redisplay")? {
            features.payment_method_redisplay = redisplay;
        }
        if let Some(limit) = p.integer("payment_method_redisplay_limit")? {
            if !(1..=MAX_REDISPLAY_LIMIT).contains(&limit) {
                return Err(ApiError::invalid_request(format!(
                    "Invalid {}: must be between 1 and {MAX_REDISPLAY_LIMIT} (received {limit})",
                    p.name("payment_method_redisplay_limit")
                ))
                .with_param(p.name("payment_method_redisplay_limit")));
            }
            features.payment_method_redisplay_limit = Some(limit);
        }
        if let Some(remove) = toggle(p, "payment_method_remove")? {
            features.payment_method_remove = remove;
        }
        if let Some(save) = toggle(p, "payment_method_save")? {
            features.payment_method_save = save;
        }
        features.payment_method_save_usage = p
            .enumeration("payment_method_save_usage", &["off_session", "on_session"])?
            .map(|u| match u.as_str() {
                "on_session" => SaveUsage::OnSession,
                _ => SaveUsage::OffSession,
            });
        Ok(features)
    }

    /// Whether the Payment Element may show `pm` again: its `allow_redisplay` is one of the
    /// filters.
    pub fn shows(&self, pm: &PaymentMethod) -> bool {
        self.payment_method_allow_redisplay_filters
            .contains(&pm.allow_redisplay)
    }
}

impl CustomerSessionCreate {
    pub fn take(p: &mut Params) -> Result<CustomerSessionCreate, ApiError> {
        let customer = p.required_string("customer")?;
        let mut c = p
            .object("components")?
            .ok_or_else(|| ApiError::missing_parameter("components"))?;
        let mut components = Components::default();
        if let Some(mut element) = c.object("payment_element")? {
            let on = enabled(&mut element)?;
            let features = match element.object("features")? {
                Some(mut f) => {
                    let features = Features::take(&mut f)?;
                    f.finish()?;
                    features
                }
                None => Features::default(),
            };
            element.finish()?;
            components.payment_element = WithFeatures {
                enabled: on,
                features: on.then_some(features),
            };
        }
        for (key, slot) in [
            ("buy_button", &mut components.buy_button),
            ("pricing_table", &mut components.pricing_table),
        ] {
            if let Some(mut component) = c.object(key)? {
                slot.enabled = enabled(&mut component)?;
                component.finish()?;
            }
        }
        c.finish()?;
        let any = components.payment_element.enabled
            || components.buy_button.enabled
            || components.pricing_table.enabled;
        if !any {
            return Err(ApiError::invalid_request(
                "At least one component must be enabled: set `enabled` to true in \
                 `components[payment_element]`, `components[pricing_table]` or \
                 `components[buy_button]`.",
            )
            .with_param("components"));
        }
        Ok(CustomerSessionCreate {
            customer,
            components,
        })
    }

    /// The session, whose `client_secret` and store `id` the caller made.
    pub fn into_session(
        self,
        id: String,
        client_secret: String,
        now: Timestamp,
    ) -> StoredCustomerSession {
        StoredCustomerSession {
            id,
            created: now,
            session: CustomerSession {
                object: "customer_session".to_owned(),
                client_secret,
                components: self.components,
                created: now,
                customer: self.customer,
                customer_account: None,
                expires_at: now + LIFETIME_SECONDS,
                livemode: false,
            },
        }
    }
}

impl StoredCustomerSession {
    /// The Payment Element's features, if the session enables the Payment Element and has
    /// not expired; otherwise the error the browser gets (the same for a secret that never
    /// existed, so an expired one tells nothing more).
    pub fn payment_element(&self, now: Timestamp) -> Result<&Features, ApiError> {
        let element = &self.session.components.payment_element;
        match &element.features {
            Some(features) if element.enabled && now < self.session.expires_at => Ok(features),
            _ => Err(invalid_secret()),
        }
    }
}

/// Whether a browser, holding the publishable key and the CustomerSession it was given (if
/// any, already checked to be live), may name the stored payment method `pm` in a
/// ConfirmationToken. A payment method attached to a customer is that customer's: only one of
/// their sessions opens it, or the token's `payment_method_preview` would show anyone who
/// knows its id the card and billing details. One attached to no customer was made by a
/// browser and may be named by one, as on Stripe.
pub fn browser_may_use(pm: &PaymentMethod, session: Option<&StoredCustomerSession>) -> bool {
    match &pm.customer {
        None => true,
        Some(owner) => session.is_some_and(|s| &s.session.customer == owner),
    }
}

/// A client secret that opens nothing: unknown, expired, or for another component.
pub fn invalid_secret() -> ApiError {
    ApiError::invalid_request(
        "The customer_session_client_secret provided is invalid or has expired. Create a new \
         CustomerSession on your server.",
    )
    .with_param("customer_session_client_secret")
}

/// What the Payment Element is shown of a saved card: enough to recognise it, no more (no
/// fingerprint, no billing details, no customer).
pub fn saved_view(pm: &PaymentMethod) -> Option<Value> {
    let card = pm.card.as_ref()?;
    Some(serde_json::json!({
        "id": pm.id,
        "object": "payment_method",
        "type": "card",
        "allow_redisplay": pm.allow_redisplay,
        "created": pm.created,
        "card": {
            "brand": card.brand,
            "display_brand": card.display_brand,
            "exp_month": card.exp_month,
            "exp_year": card.exp_year,
            "last4": card.last4,
        },
    }))
}

/// The saved cards the Payment Element lists, newest first, as the features allow: none
/// unless `payment_method_redisplay` is enabled, only the `allow_redisplay` values the
/// filters name, at most the limit. `saved` is the customer's payment methods, newest first.
pub fn redisplayed(features: &Features, saved: &[PaymentMethod]) -> Vec<Value> {
    if features.payment_method_redisplay != Toggle::Enabled {
        return Vec::new();
    }
    let limit = features
        .payment_method_redisplay_limit
        .unwrap_or(DEFAULT_REDISPLAY_LIMIT);
    saved
        .iter()
        .filter(|pm| features.shows(pm))
        .filter_map(saved_view)
        .take(usize::try_from(limit).unwrap_or(0))
        .collect()
}

#[cfg(test)]
mod tests;
