//! The InvoicePayment (`/v1/invoice_payments`, basil): one payment of an invoice.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::documents::Invoice;
use crate::Timestamp;

/// An InvoicePayment (`inpay_…`): one payment of an invoice. Tender makes one per invoice,
/// its default, paid through the invoice's PaymentIntent.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InvoicePayment {
    pub id: String,
    pub object: String,
    pub amount_paid: Option<i64>,
    pub amount_requested: i64,
    pub created: Timestamp,
    pub currency: String,
    pub invoice: String,
    pub is_default: bool,
    pub livemode: bool,
    pub payment: Value,
    /// `open`, `paid` or `canceled`.
    pub status: String,
    pub status_transitions: Value,
}

/// The id of `invoice`'s default InvoicePayment, derived from the invoice's: found without a
/// query, and one per invoice by construction (a second insert under it is refused).
pub fn default_payment_id(invoice: &str) -> String {
    format!("inpay_{}", invoice.trim_start_matches("in_"))
}

impl InvoicePayment {
    /// The invoice's default payment, through `payment_intent`.
    pub fn new(invoice: &Invoice, payment_intent: &str, now: Timestamp) -> Self {
        InvoicePayment {
            id: default_payment_id(&invoice.id),
            object: "invoice_payment".to_owned(),
            amount_paid: None,
            amount_requested: invoice.amount_due,
            created: now,
            currency: invoice.currency.clone(),
            invoice: invoice.id.clone(),
            is_default: true,
            livemode: false,
            payment: json!({"type": "payment_intent", "payment_intent": payment_intent}),
            status: "open".to_owned(),
            status_transitions: json!({"canceled_at": null, "paid_at": null}),
        }
    }

    pub fn payment_intent(&self) -> Option<&str> {
        self.payment["payment_intent"].as_str()
    }

    pub fn mark_paid(&mut self, amount: i64, now: Timestamp) {
        self.status = "paid".to_owned();
        self.amount_paid = Some(amount);
        self.status_transitions["paid_at"] = json!(now);
    }

    pub fn mark_canceled(&mut self, now: Timestamp) {
        self.status = "canceled".to_owned();
        self.status_transitions["canceled_at"] = json!(now);
    }
}
