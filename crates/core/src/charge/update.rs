//! Every change made to a charge after it was made: capture and release of its authorization
//! (driven by the PaymentIntent) and the merchant's `POST /v1/charges/:id` ([`ChargeUpdate`]).
//! Refunds live in [`crate::refund`], which shares [`already_refunded`] with capture.
//!
//! Capture and release follow the amount bookkeeping described in [`super`]: what was never
//! captured counts as refunded.
//!
//! Kept apart from the making of a charge ([`Charge::for_attempt`]): these are the only ways a
//! stored charge changes, and each checks the charge's state before it touches it.

use serde_json::Value;
use tender_wire::{ApiError, Field, MetadataUpdate, Params};

use super::Charge;
use crate::address::Shipping;
use crate::event::previous_attributes;

impl Charge {
    /// Captures `amount` (≤ amount) of an uncaptured, succeeded charge: captured=true,
    /// amount_captured=amount, and the uncaptured remainder counts as refunded
    /// (amount_refunded = amount - captured), as Stripe reports a partial capture.
    ///
    /// Errors are 400s naming `amount_to_capture`, the PaymentIntent parameter, since capture
    /// is only reachable through PaymentIntents.
    pub fn capture(&mut self, amount: i64) -> Result<(), ApiError> {
        if !self.succeeded() {
            return Err(ApiError::invalid_request(format!(
                "Charge {} has failed and cannot be captured.",
                self.id
            )));
        }
        if self.captured {
            return Err(ApiError::invalid_request(format!(
                "Charge {} has already been captured.",
                self.id
            ))
            .with_code("charge_already_captured"));
        }
        if self.refunded {
            return Err(already_refunded(&self.id));
        }
        if amount < 1 || amount > self.amount {
            return Err(ApiError::invalid_request(format!(
                "The amount to capture must be between 1 and the authorized amount ({}); got \
                 {amount}.",
                self.amount
            ))
            .with_param("amount_to_capture"));
        }
        self.captured = true;
        self.amount_captured = amount;
        self.amount_refunded = self.amount - amount;
        self.refunded = self.amount_refunded == self.amount;
        Ok(())
    }

    /// Releases an uncaptured authorization (PaymentIntent canceled): the whole amount counts
    /// as refunded and `captured` stays false. Does nothing to a captured or failed charge,
    /// which has no authorization left to release.
    pub fn release(&mut self) {
        if self.succeeded() && !self.captured {
            self.amount_refunded = self.amount;
            self.refunded = true;
        }
    }
}

/// `charge_already_refunded`, shared with refunds.
pub(crate) fn already_refunded(id: &str) -> ApiError {
    ApiError::invalid_request(format!("Charge {id} has already been refunded."))
        .with_code("charge_already_refunded")
}

/// `POST /v1/charges/:id` parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChargeUpdate {
    /// Only settable on a charge without a customer; the caller checks that it exists.
    pub customer: Option<String>,
    pub description: Field<String>,
    pub fraud_user_report: Field<String>,
    pub metadata: Option<MetadataUpdate>,
    pub receipt_email: Field<String>,
    pub shipping: Field<Shipping>,
    /// Only settable while unset.
    pub transfer_group: Option<String>,
}

const USER_REPORTS: &[&str] = &["fraudulent", "safe"];

impl ChargeUpdate {
    /// Takes the parameters it knows from `p`; the caller handles `expand` and finishes.
    pub fn take(p: &mut Params) -> Result<ChargeUpdate, ApiError> {
        let fraud_user_report = match p.object_field("fraud_details")? {
            Field::Absent => Field::Absent,
            Field::Clear => Field::Clear,
            Field::Set(mut nested) => {
                let report = nested.enumeration_field("user_report", USER_REPORTS)?;
                let missing = ApiError::missing_parameter(&nested.name("user_report"));
                nested.finish()?;
                if report.is_absent() {
                    return Err(missing);
                }
                report
            }
        };
        Ok(ChargeUpdate {
            customer: p.string("customer")?,
            description: p.string_field("description")?,
            fraud_user_report,
            metadata: p.metadata("metadata")?,
            receipt_email: p.string_field("receipt_email")?,
            shipping: Shipping::take_field(p, "shipping", false)?,
            transfer_group: p.string("transfer_group")?,
        })
    }

    /// Applies the update, all or nothing, and returns the `previous_attributes` of the
    /// `charge.updated` event (`None` when nothing changed).
    pub fn apply(&self, charge: &mut Charge) -> Result<Option<Value>, ApiError> {
        let mut next = charge.clone();
        if let Some(customer) = &self.customer {
            match &charge.customer {
                Some(current) if current != customer => {
                    return Err(ApiError::invalid_request(format!(
                        "Charge {} already belongs to customer {current}; its customer can only \
                         be set while it has none.",
                        charge.id
                    ))
                    .with_param("customer"));
                }
                _ => next.customer = Some(customer.clone()),
            }
        }
        if let Some(group) = &self.transfer_group {
            match &charge.transfer_group {
                Some(current) if current != group => {
                    return Err(ApiError::invalid_request(
                        "`transfer_group` may only be provided if it has not been set.",
                    )
                    .with_param("transfer_group"));
                }
                _ => next.transfer_group = Some(group.clone()),
            }
        }
        set(&mut next.description, &self.description);
        set(&mut next.receipt_email, &self.receipt_email);
        set(&mut next.fraud_details.user_report, &self.fraud_user_report);
        match &self.shipping {
            Field::Absent => {}
            Field::Clear => next.shipping = None,
            Field::Set(shipping) => next.shipping = Some(shipping.clone()),
        }
        if let Some(update) = &self.metadata {
            update.apply(&mut next.metadata, "metadata")?;
        }
        let before = serde_json::to_value(&*charge).map_err(|_| ApiError::internal())?;
        let after = serde_json::to_value(&next).map_err(|_| ApiError::internal())?;
        *charge = next;
        Ok(previous_attributes(&before, &after))
    }
}

fn set(slot: &mut Option<String>, field: &Field<String>) {
    match field {
        Field::Absent => {}
        Field::Clear => *slot = None,
        Field::Set(value) => *slot = Some(value.clone()),
    }
}
