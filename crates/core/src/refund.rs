//! The Refund resource (spec §7.2) and Stripe's rules for refunding a charge.
//!
//! Card refunds in test mode succeed at once, so a refund is born `succeeded` and the charge's
//! `amount_refunded` grows in the same unit of work. The test cards whose refunds behave
//! asynchronously (`pm_card_pendingRefund`, `pm_card_refundFail`, see
//! [`crate::card::RefundBehavior`]) succeed immediately too: their later transitions need a
//! scheduler Tender does not have yet.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tender_wire::{ApiError, Metadata, MetadataUpdate, Params};

use crate::Timestamp;
use crate::charge::{Charge, already_refunded};
use crate::event::previous_attributes;

/// A refund of (part of) a charge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Refund {
    pub id: String,
    pub object: RefundObject,
    pub amount: i64,
    /// Always `null`: Tender keeps no balance transactions yet.
    pub balance_transaction: Option<String>,
    pub charge: Option<String>,
    pub created: Timestamp,
    pub currency: String,
    /// The charge's customer.
    pub customer: Option<String>,
    pub customer_account: Option<String>,
    pub destination_details: DestinationDetails,
    /// Only on failed refunds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    /// Only when the request gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions_email: Option<String>,
    pub metadata: Metadata,
    pub payment_intent: Option<String>,
    pub payment_method: Option<String>,
    /// Only on pending refunds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_reason: Option<String>,
    pub reason: Option<RefundReason>,
    pub receipt_number: Option<String>,
    pub source_transfer_reversal: Option<String>,
    pub status: RefundStatus,
    pub transfer_reversal: Option<String>,
}

/// The constant `object` field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefundObject {
    #[default]
    #[serde(rename = "refund")]
    Refund,
}

/// `status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    Pending,
    RequiresAction,
    Succeeded,
    Failed,
    Canceled,
}

impl RefundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RefundStatus::Pending => "pending",
            RefundStatus::RequiresAction => "requires_action",
            RefundStatus::Succeeded => "succeeded",
            RefundStatus::Failed => "failed",
            RefundStatus::Canceled => "canceled",
        }
    }
}

/// `reason`: the merchant's three, or Stripe's own for an expired authorization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundReason {
    Duplicate,
    Fraudulent,
    RequestedByCustomer,
    ExpiredUncapturedCharge,
}

/// `destination_details`: where the money goes back to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestinationDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardDestination>,
    #[serde(rename = "type")]
    pub kind: String,
}

/// `destination_details.card`: the acquirer reference number the cardholder's bank can trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardDestination {
    pub reference: Option<String>,
    pub reference_status: String,
    pub reference_type: String,
    /// `refund`, `reversal` or `pending`.
    #[serde(rename = "type")]
    pub kind: String,
}

const REASONS: &[&str] = &["duplicate", "fraudulent", "requested_by_customer"];

/// `POST /v1/refunds` parameters other than `charge` / `payment_intent`, which the route reads
/// to find the charge.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RefundCreate {
    /// Defaults to everything left to refund.
    pub amount: Option<i64>,
    pub reason: Option<RefundReason>,
    pub metadata: Metadata,
    pub instructions_email: Option<String>,
}

impl RefundCreate {
    /// Takes the parameters it knows from `p`; the caller handles `expand` and finishes.
    pub fn take(p: &mut Params) -> Result<RefundCreate, ApiError> {
        let amount = p.integer("amount")?;
        if amount.is_some_and(|amount| amount < 1) {
            return Err(ApiError::invalid_request(
                "This value must be greater than or equal to 1.",
            )
            .with_param("amount"));
        }
        let reason = match p.enumeration("reason", REASONS)?.as_deref() {
            Some("duplicate") => Some(RefundReason::Duplicate),
            Some("fraudulent") => Some(RefundReason::Fraudulent),
            Some(_) => Some(RefundReason::RequestedByCustomer),
            None => None,
        };
        let mut metadata = Metadata::new();
        if let Some(update) = p.metadata("metadata")? {
            update.apply(&mut metadata, "metadata")?;
        }
        let instructions_email = p.string("instructions_email")?;
        // Refunds to a customer's cash balance need the balance Tender does not keep.
        if p.enumeration("origin", &["customer_balance"])?.is_some() {
            return Err(ApiError::invalid_request(
                "Tender does not support refunds to a customer's cash balance \
                 (`origin=customer_balance`); refund a charge or a PaymentIntent instead.",
            )
            .with_param("origin"));
        }
        for key in ["currency", "customer"] {
            if p.string(key)?.is_some() {
                return Err(ApiError::invalid_request(format!(
                    "`{key}` can only be used with `origin=customer_balance`."
                ))
                .with_param(key));
            }
        }
        // Connect options: validated, then moot since Tender has no application fees or
        // transfers to reverse.
        p.boolean("refund_application_fee")?;
        p.boolean("reverse_transfer")?;
        Ok(RefundCreate {
            amount,
            reason,
            metadata,
            instructions_email,
        })
    }
}

impl Refund {
    /// Checks Stripe's rules against the charge and, if allowed, updates the charge
    /// (`amount_refunded`, `refunded`) and returns the refund, `succeeded` as card refunds
    /// are in test mode. Every refusal is a 400 `invalid_request_error` (spec Appendix B).
    pub fn create(
        id: String,
        charge: &mut Charge,
        params: &RefundCreate,
        now: Timestamp,
    ) -> Result<Refund, ApiError> {
        if !charge.succeeded() {
            return Err(ApiError::invalid_request(format!(
                "Charge {} did not succeed, so there is nothing to refund.",
                charge.id
            )));
        }
        if charge.refunded {
            return Err(already_refunded(&charge.id));
        }
        if !charge.captured {
            return Err(ApiError::invalid_request(
                "You cannot refund an uncaptured charge. Instead, cancel the PaymentIntent to \
                 release the authorization.",
            ));
        }
        let unrefunded = charge.unrefunded();
        let amount = params.amount.unwrap_or(unrefunded);
        if amount > unrefunded {
            return Err(ApiError::invalid_request(format!(
                "Refund amount ({}) is greater than unrefunded amount on charge ({})",
                format_amount(&charge.currency, amount),
                format_amount(&charge.currency, unrefunded)
            ))
            .with_param("amount"));
        }
        charge.amount_refunded += amount;
        charge.refunded = charge.amount_refunded >= charge.amount;
        let card = charge
            .payment_method_details
            .card
            .is_some()
            .then(|| CardDestination {
                reference: Some(acquirer_reference_number(&id)),
                reference_status: "available".to_owned(),
                reference_type: "acquirer_reference_number".to_owned(),
                kind: "refund".to_owned(),
            });
        Ok(Refund {
            destination_details: DestinationDetails {
                card,
                kind: charge.payment_method_details.kind.as_str().to_owned(),
            },
            id,
            object: RefundObject::Refund,
            amount,
            balance_transaction: None,
            charge: Some(charge.id.clone()),
            created: now,
            currency: charge.currency.clone(),
            customer: charge.customer.clone(),
            customer_account: None,
            failure_reason: None,
            instructions_email: params.instructions_email.clone(),
            metadata: params.metadata.clone(),
            payment_intent: charge.payment_intent.clone(),
            payment_method: charge.payment_method.clone(),
            pending_reason: None,
            reason: params.reason,
            receipt_number: None,
            source_transfer_reversal: None,
            status: RefundStatus::Succeeded,
            transfer_reversal: None,
        })
    }

    /// `POST /v1/refunds/:id/cancel`: only a refund waiting for customer action can be
    /// canceled, which card refunds never are.
    pub fn cancel(&mut self) -> Result<(), ApiError> {
        if self.status != RefundStatus::RequiresAction {
            return Err(ApiError::invalid_request(format!(
                "Refund {} can't be canceled: its status is `{}`, and only refunds with status \
                 `requires_action` can be canceled. Card refunds can't be canceled.",
                self.id,
                self.status.as_str()
            )));
        }
        self.status = RefundStatus::Canceled;
        Ok(())
    }
}

/// `POST /v1/refunds/:id` parameters: only metadata changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RefundUpdate {
    pub metadata: Option<MetadataUpdate>,
}

impl RefundUpdate {
    pub fn take(p: &mut Params) -> Result<RefundUpdate, ApiError> {
        Ok(RefundUpdate {
            metadata: p.metadata("metadata")?,
        })
    }

    /// Applies the update and returns the `previous_attributes` of the `refund.updated`
    /// event (`None` when nothing changed).
    pub fn apply(&self, refund: &mut Refund) -> Result<Option<Value>, ApiError> {
        let Some(update) = &self.metadata else {
            return Ok(None);
        };
        let mut metadata = refund.metadata.clone();
        update.apply(&mut metadata, "metadata")?;
        if metadata == refund.metadata {
            return Ok(None);
        }
        let before = serde_json::to_value(&refund.metadata).map_err(|_| ApiError::internal())?;
        refund.metadata = metadata;
        let after = serde_json::to_value(&refund.metadata).map_err(|_| ApiError::internal())?;
        Ok(previous_attributes(
            &serde_json::json!({ "metadata": before }),
            &serde_json::json!({ "metadata": after }),
        ))
    }
}

/// Currencies whose amounts are whole units.
const ZERO_DECIMAL: &[&str] = &[
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
    "xaf", "xof", "xpf",
];

/// An amount in minor units as Stripe writes it in refund errors: `$10.00` for dollars, the
/// code after the number elsewhere.
fn format_amount(currency: &str, amount: i64) -> String {
    let major = if ZERO_DECIMAL.contains(&currency) {
        amount.to_string()
    } else {
        format!("{}.{:02}", amount / 100, amount % 100)
    };
    match currency {
        "usd" => format!("${major}"),
        other => format!("{major} {other}"),
    }
}

/// A stable 23-digit acquirer reference number derived from the refund id, so the
/// constructor stays pure.
fn acquirer_reference_number(refund_id: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"acquirer reference number\0");
    hasher.update(refund_id.as_bytes());
    hasher
        .finalize()
        .iter()
        .take(23)
        .map(|byte| char::from(b'0' + byte % 10))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::collections::BTreeSet;

    use serde_json::json;

    use super::*;
    use crate::card::GENERIC_DECLINE;
    use crate::charge::AttemptResult;
    use crate::charge::tests::{APPROVED, charge};

    const NOW: Timestamp = 1_794_744_100;

    fn params(form: &str) -> Result<RefundCreate, ApiError> {
        let mut p = Params::from_form(form.as_bytes()).unwrap();
        let create = RefundCreate::take(&mut p)?;
        p.finish()?;
        Ok(create)
    }

    fn refund(charge: &mut Charge, form: &str) -> Result<Refund, ApiError> {
        Refund::create("re_1".into(), charge, &params(form)?, NOW)
    }

    #[test]
    fn renders_stripe_key_set_and_round_trips() {
        let mut ch = charge(APPROVED, true);
        let re = refund(&mut ch, "reason=requested_by_customer&metadata[k]=v").unwrap();
        let json = serde_json::to_value(&re).unwrap();
        let keys: BTreeSet<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            "id object amount balance_transaction charge created currency customer \
            customer_account destination_details metadata payment_intent payment_method \
            reason receipt_number source_transfer_reversal status transfer_reversal"
                .split_whitespace()
                .collect()
        );
        assert_eq!(json["object"], "refund");
        assert_eq!(json["status"], "succeeded");
        assert_eq!(json["reason"], "requested_by_customer");
        assert_eq!(json["metadata"], json!({"k": "v"}));
        assert_eq!(
            (json["charge"].as_str(), json["payment_intent"].as_str()),
            (Some("ch_1"), Some("pi_1"))
        );
        assert_eq!(json["customer"], "cus_1");
        assert_eq!(json["payment_method"], "pm_1");
        let card = &json["destination_details"]["card"];
        assert_eq!(json["destination_details"]["type"], "card");
        assert_eq!(card["type"], "refund");
        assert_eq!(card["reference_type"], "acquirer_reference_number");
        assert_eq!(card["reference"].as_str().unwrap().len(), 23);
        let back: Refund = serde_json::from_value(json).unwrap();
        assert_eq!(back, re);
        let with_email = refund(&mut charge(APPROVED, true), "instructions_email=a%40b.c").unwrap();
        assert_eq!(
            serde_json::to_value(with_email).unwrap()["instructions_email"],
            "a@b.c"
        );
    }

    #[test]
    fn full_refund_then_refused_as_already_refunded() {
        let mut ch = charge(APPROVED, true);
        let re = refund(&mut ch, "").unwrap();
        assert_eq!(re.amount, 1000);
        assert_eq!((ch.amount_refunded, ch.refunded), (1000, true));
        let err = refund(&mut ch, "").unwrap_err();
        assert_eq!(
            (err.status, err.code.as_deref()),
            (400, Some("charge_already_refunded"))
        );
        assert_eq!(err.message, "Charge ch_1 has already been refunded.");
        assert_eq!(err.param, None);
    }

    #[test]
    fn partial_refunds_accumulate_and_refuse_more_than_remains() {
        let mut ch = charge(APPROVED, true);
        refund(&mut ch, "amount=300").unwrap();
        refund(&mut ch, "amount=200").unwrap();
        assert_eq!((ch.amount_refunded, ch.refunded), (500, false));
        let before = ch.clone();
        let err = refund(&mut ch, "amount=501").unwrap_err();
        assert_eq!(
            (err.status, err.code.as_deref(), err.param.as_deref()),
            (400, None, Some("amount"))
        );
        assert_eq!(
            err.message,
            "Refund amount ($5.01) is greater than unrefunded amount on charge ($5.00)"
        );
        assert_eq!(ch, before);
        let rest = refund(&mut ch, "").unwrap();
        assert_eq!(rest.amount, 500);
        assert!(ch.refunded);
    }

    #[test]
    fn refuses_uncaptured_failed_and_non_positive() {
        let mut auth = charge(APPROVED, false);
        let err = refund(&mut auth, "").unwrap_err();
        assert_eq!(
            (err.status, err.code.as_deref(), err.param.as_deref()),
            (400, None, None)
        );
        assert!(err.message.contains("uncaptured"), "{}", err.message);
        assert_eq!(auth.amount_refunded, 0);

        let mut failed = charge(AttemptResult::Declined(GENERIC_DECLINE), true);
        assert_eq!(refund(&mut failed, "").unwrap_err().status, 400);

        for amount in ["0", "-5"] {
            let err = params(&format!("amount={amount}")).unwrap_err();
            assert_eq!((err.status, err.param.as_deref()), (400, Some("amount")));
        }
        assert_eq!(
            params("amount=x").unwrap_err().param.as_deref(),
            Some("amount")
        );
    }

    #[test]
    fn partial_capture_leaves_only_the_captured_part_to_refund() {
        let mut ch = charge(APPROVED, false);
        ch.capture(600).unwrap();
        let err = refund(&mut ch, "amount=601").unwrap_err();
        assert!(err.message.contains("($6.00)"), "{}", err.message);
        assert_eq!(refund(&mut ch, "").unwrap().amount, 600);
        assert_eq!((ch.amount_refunded, ch.refunded), (1000, true));

        let mut released = charge(APPROVED, false);
        released.release();
        let err = refund(&mut released, "").unwrap_err();
        assert_eq!(err.code.as_deref(), Some("charge_already_refunded"));
    }

    #[test]
    fn parameter_rules() {
        let err = params("reason=changed_mind").unwrap_err();
        assert_eq!(err.param.as_deref(), Some("reason"));
        assert_eq!(
            params("reason=duplicate").unwrap().reason,
            Some(RefundReason::Duplicate)
        );
        assert_eq!(
            params("reason=fraudulent").unwrap().reason,
            Some(RefundReason::Fraudulent)
        );
        let err = params("origin=customer_balance").unwrap_err();
        assert_eq!(err.param.as_deref(), Some("origin"));
        let err = params("currency=usd").unwrap_err();
        assert_eq!(err.param.as_deref(), Some("currency"));
        assert!(params("refund_application_fee=true&reverse_transfer=false").is_ok());
        let err = params("reverse_transfer=maybe").unwrap_err();
        assert_eq!(err.param.as_deref(), Some("reverse_transfer"));
        let err = params("bogus=1").unwrap_err();
        assert_eq!(err.code.as_deref(), Some("parameter_unknown"));
    }

    #[test]
    fn amounts_format_per_currency() {
        assert_eq!(format_amount("usd", 1234), "$12.34");
        assert_eq!(format_amount("eur", 5), "0.05 eur");
        assert_eq!(format_amount("jpy", 500), "500 jpy");
    }

    #[test]
    fn card_refunds_cannot_be_canceled_and_metadata_updates() {
        let mut re = refund(&mut charge(APPROVED, true), "metadata[a]=1").unwrap();
        let err = re.cancel().unwrap_err();
        assert_eq!((err.status, err.code), (400, None));
        assert!(err.message.contains("can't be canceled"), "{}", err.message);
        let mut waiting = re.clone();
        waiting.status = RefundStatus::RequiresAction;
        waiting.cancel().unwrap();
        assert_eq!(waiting.status, RefundStatus::Canceled);

        let mut p = Params::from_form(b"metadata[b]=2").unwrap();
        let update = RefundUpdate::take(&mut p).unwrap();
        p.finish().unwrap();
        let previous = update.apply(&mut re).unwrap();
        assert_eq!(previous, Some(json!({"metadata": {"a": "1"}})));
        assert_eq!(re.metadata.len(), 2);
        assert_eq!(update.apply(&mut re).unwrap(), None);
        assert_eq!(RefundUpdate::default().apply(&mut re).unwrap(), None);
    }
}
