//! Mandates (issue #24): the customer's permission to debit a bank account, made with the
//! first debit under it and stored in the same unit of work as that debit's charge. Its id is
//! the one the charge already names (`payment_method_details.*.mandate`,
//! [`crate::charge::mandate_id`]), so ids handed out before the record existed stay valid.
//!
//! What the customer accepted comes from `mandate_data` (the confirmation's, else its
//! ConfirmationToken's); an online acceptance that asked to `infer_from_client` is filled
//! from the browser's request when the token or confirmation was made ([`infer_from_client`]).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::Timestamp;
use crate::charge::Charge;

/// `GET /v1/mandates/:id`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mandate {
    pub id: String,
    pub object: String,
    pub customer_acceptance: CustomerAcceptance,
    pub livemode: bool,
    /// `{}` for a `multi_use` mandate, else `null`.
    pub multi_use: Option<Value>,
    pub on_behalf_of: Option<String>,
    pub payment_method: String,
    pub payment_method_details: Value,
    pub single_use: Option<SingleUse>,
    pub status: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SingleUse {
    pub amount: i64,
    pub currency: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerAcceptance {
    pub accepted_at: Option<Timestamp>,
    pub offline: Option<Value>,
    pub online: Option<Online>,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Online {
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
}

/// The stored record: the mandate as the API renders it, and when it was made (Stripe's
/// Mandate has no `created`; the store orders and lists by it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredMandate {
    pub id: String,
    pub created: Timestamp,
    pub mandate: Mandate,
}

/// What a request tells of the browser that made it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Client {
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
}

/// Replaces `customer_acceptance[online][infer_from_client]` in `mandate_data` by the
/// request's IP address and user agent, as Stripe does with Stripe.js's requests. Anything
/// else is left as given.
pub fn infer_from_client(mandate_data: &mut Value, client: &Client) {
    let Some(online) = mandate_data
        .get_mut("customer_acceptance")
        .and_then(|a| a.get_mut("online"))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    if online.remove("infer_from_client").is_some() {
        online.insert("ip_address".to_owned(), json!(client.ip_address));
        online.insert("user_agent".to_owned(), json!(client.user_agent));
    }
}

/// The acceptance `mandate_data` records. Tender does not require `mandate_data` (decision
/// 23); without it the acceptance is recorded as `offline`, accepted at the confirmation.
pub fn acceptance(mandate_data: Option<&Value>, now: Timestamp) -> CustomerAcceptance {
    let given = mandate_data.map_or(&Value::Null, |m| &m["customer_acceptance"]);
    let accepted_at = given["accepted_at"]
        .as_i64()
        .or_else(|| given["accepted_at"].as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(now);
    let text = |v: &Value| v.as_str().map(str::to_owned);
    match given["type"].as_str() {
        Some("online") => CustomerAcceptance {
            accepted_at: Some(accepted_at),
            offline: None,
            online: Some(Online {
                ip_address: text(&given["online"]["ip_address"]),
                user_agent: text(&given["online"]["user_agent"]),
            }),
            kind: "online".to_owned(),
        },
        _ => CustomerAcceptance {
            accepted_at: Some(accepted_at),
            offline: Some(json!({})),
            online: None,
            kind: "offline".to_owned(),
        },
    }
}

/// The mandate a new debit's `charge` was made under, or `None` for a charge that names no
/// mandate (a card's). A SEPA mandate is `multi_use`, as Stripe makes them; an ACH one is
/// `multi_use` when the payment method is kept for later (`reusable`: the intent's
/// `setup_future_usage`), else `single_use` for the charge's amount. `url` is where the
/// payment can be looked at: its page in Tender's dashboard (`origin` is the server's).
pub fn for_debit(
    charge: &Charge,
    mandate_data: Option<&Value>,
    reusable: bool,
    origin: &str,
    now: Timestamp,
) -> Option<StoredMandate> {
    let details = &charge.payment_method_details;
    let (id, kind, method_details) = if let Some(sepa) = &details.sepa_debit {
        let page = charge.payment_intent.as_deref().unwrap_or(&charge.id);
        let method = json!({
            "sepa_debit": {
                "reference": reference(&charge.id),
                "url": format!("{origin}/dashboard/payments/{page}"),
            },
            "type": "sepa_debit",
        });
        (sepa.mandate.clone()?, "multi_use", method)
    } else if let Some(ach) = &details.us_bank_account {
        let method = json!({
            "type": "us_bank_account",
            "us_bank_account": {"collection_method": null},
        });
        let kind = if reusable { "multi_use" } else { "single_use" };
        (ach.mandate.clone()?, kind, method)
    } else {
        return None;
    };
    let single = kind == "single_use";
    Some(StoredMandate {
        id: id.clone(),
        created: now,
        mandate: Mandate {
            id,
            object: "mandate".to_owned(),
            customer_acceptance: acceptance(mandate_data, now),
            livemode: false,
            multi_use: (!single).then(|| json!({})),
            on_behalf_of: None,
            payment_method: charge.payment_method.clone().unwrap_or_default(),
            payment_method_details: method_details,
            single_use: single.then(|| SingleUse {
                amount: charge.amount,
                currency: charge.currency.clone(),
            }),
            status: "active".to_owned(),
            kind: kind.to_owned(),
        },
    })
}

/// A SEPA mandate reference: 16 upper-case letters and digits, derived from the charge's id
/// so that it is stable.
fn reference(charge_id: &str) -> String {
    let chars: Vec<char> = charge_id
        .trim_start_matches("ch_")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    chars[chars.len().saturating_sub(16)..].iter().collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn infer_from_client_takes_the_requests_address_and_agent() {
        let mut given = json!({"customer_acceptance": {"type": "online", "online": {"infer_from_client": true}}});
        let client = Client {
            ip_address: Some("127.0.0.1".into()),
            user_agent: Some("Mozilla/5.0".into()),
        };
        infer_from_client(&mut given, &client);
        assert_eq!(
            given,
            json!({"customer_acceptance": {"type": "online",
                "online": {"ip_address": "127.0.0.1", "user_agent": "Mozilla/5.0"}}})
        );
        // Given values stay; an offline acceptance has nothing to infer.
        let mut offline = json!({"customer_acceptance": {"type": "offline"}});
        infer_from_client(&mut offline, &client);
        assert_eq!(offline, json!({"customer_acceptance": {"type": "offline"}}));
    }

    #[test]
    fn acceptance_is_online_as_given_or_offline_without_mandate_data() {
        let online = json!({"customer_acceptance": {"type": "online", "accepted_at": 1_700_000_000,
            "online": {"ip_address": "10.0.0.1", "user_agent": "UA"}}});
        let a = acceptance(Some(&online), 5);
        assert_eq!(a.kind, "online");
        assert_eq!(a.accepted_at, Some(1_700_000_000));
        assert_eq!(a.online.unwrap().ip_address.as_deref(), Some("10.0.0.1"));
        let none = acceptance(None, 5);
        assert_eq!(none.kind, "offline");
        assert_eq!(none.accepted_at, Some(5));
        assert_eq!(none.offline, Some(json!({})));
        assert_eq!(none.online, None);
    }

    #[test]
    fn references_are_the_charge_ids_last_sixteen_characters_upper_case() {
        assert_eq!(reference("ch_3Qabcdefghijklmnopq"), "BCDEFGHIJKLMNOPQ");
        assert_eq!(reference("ch_short"), "SHORT");
    }
}
