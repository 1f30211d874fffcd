//! The Invoice, its line items, and the InvoicePayment, as Stripe's API answers them
//! (billing-spec §3.3, §3.6), with the fields every SDK requires. One superset for every API
//! version: the basil `parent` and the older `subscription` and `payment_intent` side by side.
//! `confirmation_secret` and `payments` are never stored: they are included at render time
//! when `expand[]` asks for them. The InvoicePayment is in [`super::invoice_payment`], what
//! creating a one-off invoice takes in [`super::invoice_create`].

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tender_wire::{ApiError, Metadata};

use super::invoice::{Amounts, BillingReason, InvoiceStatus};
use crate::Timestamp;

/// An invoice (`in_…`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Invoice {
    pub id: String,
    pub object: String,
    pub account_country: String,
    pub account_name: Option<String>,
    pub amount_due: i64,
    pub amount_overpaid: i64,
    pub amount_paid: i64,
    pub amount_remaining: i64,
    pub amount_shipping: i64,
    pub application: Option<String>,
    pub attempt_count: i64,
    pub attempted: bool,
    pub auto_advance: bool,
    pub automatic_tax: Value,
    pub automatically_finalizes_at: Option<Timestamp>,
    pub billing_reason: BillingReason,
    pub collection_method: String,
    pub created: Timestamp,
    pub currency: String,
    pub custom_fields: Option<Value>,
    pub customer: String,
    pub customer_email: Option<String>,
    pub customer_name: Option<String>,
    pub default_payment_method: Option<String>,
    pub default_source: Option<String>,
    pub default_tax_rates: Vec<Value>,
    pub description: Option<String>,
    pub discounts: Vec<Value>,
    pub due_date: Option<Timestamp>,
    pub effective_at: Option<Timestamp>,
    pub ending_balance: Option<i64>,
    pub footer: Option<String>,
    pub hosted_invoice_url: Option<String>,
    pub invoice_pdf: Option<String>,
    pub issuer: Value,
    pub last_finalization_error: Option<Value>,
    pub lines: LineList,
    pub livemode: bool,
    pub metadata: Metadata,
    pub next_payment_attempt: Option<Timestamp>,
    pub number: Option<String>,
    pub on_behalf_of: Option<String>,
    pub parent: Option<Value>,
    /// The invoice's PaymentIntent: removed from the answer in `2025-03-31.basil`, kept for
    /// older versions (and `expand[]=latest_invoice.payment_intent`).
    pub payment_intent: Option<String>,
    pub payment_settings: Value,
    pub period_end: Timestamp,
    pub period_start: Timestamp,
    pub post_payment_credit_notes_amount: i64,
    pub pre_payment_credit_notes_amount: i64,
    pub receipt_number: Option<String>,
    pub starting_balance: i64,
    pub statement_descriptor: Option<String>,
    pub status: InvoiceStatus,
    pub status_transitions: StatusTransitions,
    /// Before basil, the subscription's id (now `parent.subscription_details.subscription`).
    pub subscription: Option<String>,
    pub subtotal: i64,
    pub subtotal_excluding_tax: i64,
    pub test_clock: Option<String>,
    pub total: i64,
    pub total_discount_amounts: Vec<Value>,
    pub total_excluding_tax: i64,
    pub total_pretax_credit_amounts: Vec<Value>,
    pub total_taxes: Vec<Value>,
    pub webhooks_delivered_at: Option<Timestamp>,
}

/// `status_transitions`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct StatusTransitions {
    pub finalized_at: Option<Timestamp>,
    pub marked_uncollectible_at: Option<Timestamp>,
    pub paid_at: Option<Timestamp>,
    pub voided_at: Option<Timestamp>,
}

/// The invoice's `lines`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LineList {
    pub object: String,
    pub data: Vec<LineItem>,
    pub has_more: bool,
    pub total_count: usize,
    pub url: String,
}

/// One line of an invoice (`il_…`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LineItem {
    pub id: String,
    pub object: String,
    pub amount: i64,
    pub currency: String,
    pub description: Option<String>,
    pub discount_amounts: Vec<Value>,
    pub discountable: bool,
    pub discounts: Vec<Value>,
    pub invoice: String,
    pub livemode: bool,
    pub metadata: Metadata,
    pub parent: Value,
    pub period: Period,
    pub pretax_credit_amounts: Vec<Value>,
    pub pricing: Value,
    pub quantity: i64,
    pub subscription: Option<String>,
    pub subtotal: i64,
    pub taxes: Vec<Value>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Period {
    pub start: Timestamp,
    pub end: Timestamp,
}

/// Where a line comes from: a subscription item, or a one-off invoice item.
#[derive(Clone, Debug)]
pub enum LineSource {
    SubscriptionItem { subscription: String, item: String },
    InvoiceItem { invoice_item: String },
}

/// A line to put on a new invoice.
#[derive(Clone, Debug)]
pub struct NewLine {
    pub id: String,
    pub source: LineSource,
    pub price: String,
    pub product: String,
    pub unit_amount: i64,
    pub quantity: i64,
    pub amount: i64,
    pub description: String,
    pub period: Period,
    pub metadata: Metadata,
}

impl LineItem {
    pub fn new(invoice: &str, currency: &str, line: NewLine) -> LineItem {
        let (parent, subscription) = match &line.source {
            LineSource::SubscriptionItem { subscription, item } => (
                json!({
                    "type": "subscription_item_details",
                    "invoice_item_details": null,
                    "subscription_item_details": {
                        "invoice_item": null,
                        "proration": false,
                        "proration_details": {"credited_items": null},
                        "subscription": subscription,
                        "subscription_item": item,
                    },
                }),
                Some(subscription.clone()),
            ),
            LineSource::InvoiceItem { invoice_item } => (
                json!({
                    "type": "invoice_item_details",
                    "invoice_item_details": {
                        "invoice_item": invoice_item,
                        "proration": false,
                        "proration_details": {"credited_items": null},
                        "subscription": null,
                    },
                    "subscription_item_details": null,
                }),
                None,
            ),
        };
        LineItem {
            id: line.id,
            object: "line_item".to_owned(),
            amount: line.amount,
            currency: currency.to_owned(),
            description: Some(line.description),
            discount_amounts: Vec::new(),
            discountable: true,
            discounts: Vec::new(),
            invoice: invoice.to_owned(),
            livemode: false,
            metadata: line.metadata,
            parent,
            period: line.period,
            pretax_credit_amounts: Vec::new(),
            pricing: json!({
                "type": "price_details",
                "price_details": {"price": line.price, "product": line.product},
                "unit_amount_decimal": line.unit_amount.to_string(),
            }),
            quantity: line.quantity,
            subscription,
            subtotal: line.amount,
            taxes: Vec::new(),
        }
    }
}

/// What a new invoice is made of.
#[derive(Clone, Debug)]
pub struct NewInvoice {
    pub id: String,
    pub customer: String,
    pub customer_email: Option<String>,
    pub customer_name: Option<String>,
    pub currency: String,
    pub billing_reason: BillingReason,
    pub collection_method: String,
    pub days_until_due: Option<i64>,
    pub subscription: Option<String>,
    pub description: Option<String>,
    pub metadata: Metadata,
    pub period: Period,
    pub lines: Vec<NewLine>,
    pub amounts: Amounts,
}

const DAY: i64 = 86_400;

impl Invoice {
    /// A new draft invoice. A subscription's first invoice is finalized at once by the
    /// caller ([`Invoice::finalize`]).
    pub fn draft(new: NewInvoice, now: Timestamp) -> Invoice {
        let id = new.id;
        let lines: Vec<LineItem> = new
            .lines
            .into_iter()
            .map(|line| LineItem::new(&id, &new.currency, line))
            .collect();
        let parent = new.subscription.as_ref().map(|subscription| {
            json!({
                "type": "subscription_details",
                "quote_details": null,
                "subscription_details": {"metadata": {}, "subscription": subscription},
            })
        });
        let send_invoice = new.collection_method == "send_invoice";
        Invoice {
            object: "invoice".to_owned(),
            account_country: "US".to_owned(),
            account_name: None,
            amount_due: new.amounts.amount_due,
            amount_overpaid: 0,
            amount_paid: new.amounts.amount_paid,
            amount_remaining: new.amounts.amount_remaining,
            amount_shipping: 0,
            application: None,
            attempt_count: 0,
            attempted: false,
            auto_advance: new.subscription.is_some(),
            automatic_tax: json!({
                "disabled_reason": null, "enabled": false, "liability": null,
                "provider": null, "status": null,
            }),
            automatically_finalizes_at: None,
            billing_reason: new.billing_reason,
            collection_method: new.collection_method,
            created: now,
            currency: new.currency,
            custom_fields: None,
            customer: new.customer,
            customer_email: new.customer_email,
            customer_name: new.customer_name,
            default_payment_method: None,
            default_source: None,
            default_tax_rates: Vec::new(),
            description: new.description,
            discounts: Vec::new(),
            due_date: send_invoice
                .then(|| now.saturating_add(new.days_until_due.unwrap_or(30) * DAY)),
            effective_at: None,
            ending_balance: None,
            footer: None,
            hosted_invoice_url: None,
            invoice_pdf: None,
            issuer: json!({"type": "self"}),
            last_finalization_error: None,
            lines: LineList {
                object: "list".to_owned(),
                total_count: lines.len(),
                data: lines,
                has_more: false,
                url: format!("/v1/invoices/{id}/lines"),
            },
            livemode: false,
            metadata: new.metadata,
            next_payment_attempt: None,
            number: None,
            on_behalf_of: None,
            parent,
            payment_intent: None,
            payment_settings: json!({
                "default_mandate": null,
                "payment_method_options": null,
                "payment_method_types": null,
            }),
            period_end: new.period.end,
            period_start: new.period.start,
            post_payment_credit_notes_amount: 0,
            pre_payment_credit_notes_amount: 0,
            receipt_number: None,
            starting_balance: 0,
            statement_descriptor: None,
            status: InvoiceStatus::Draft,
            status_transitions: StatusTransitions::default(),
            subscription: new.subscription,
            subtotal: new.amounts.subtotal,
            subtotal_excluding_tax: new.amounts.subtotal,
            test_clock: None,
            total: new.amounts.total,
            total_discount_amounts: Vec::new(),
            total_excluding_tax: new.amounts.total,
            total_pretax_credit_amounts: Vec::new(),
            total_taxes: Vec::new(),
            webhooks_delivered_at: None,
            id,
        }
    }

    /// The invoice's amounts as the status machine reads them.
    pub fn amounts(&self) -> Amounts {
        Amounts {
            subtotal: self.subtotal,
            total: self.total,
            amount_due: self.amount_due,
            amount_paid: self.amount_paid,
            amount_remaining: self.amount_remaining,
        }
    }

    pub fn set_amounts(&mut self, amounts: Amounts) {
        self.subtotal = amounts.subtotal;
        self.subtotal_excluding_tax = amounts.subtotal;
        self.total = amounts.total;
        self.total_excluding_tax = amounts.total;
        self.amount_due = amounts.amount_due;
        self.amount_paid = amounts.amount_paid;
        self.amount_remaining = amounts.amount_remaining;
    }

    /// Finalizes a draft: `open`, numbered `number`, effective now. Nothing due makes it
    /// paid at once (a trial's $0 invoice), as Stripe does.
    pub fn finalize(&mut self, number: String, now: Timestamp) {
        self.status = InvoiceStatus::Open;
        self.number = Some(number);
        self.effective_at = Some(now);
        self.status_transitions.finalized_at = Some(now);
        self.ending_balance = Some(0);
        // No hosted invoice page or PDF: `hosted_invoice_url` and `invoice_pdf` stay null.
        if self.amount_due == 0 {
            self.status = InvoiceStatus::Paid;
            self.status_transitions.paid_at = Some(now);
        }
    }

    /// Adds a line to a draft, its amounts recomputed.
    pub fn add_line(&mut self, line: NewLine) -> Result<(), ApiError> {
        let line = LineItem::new(&self.id, &self.currency, line);
        let mut amounts: Vec<i64> = self.lines.data.iter().map(|l| l.amount).collect();
        amounts.push(line.amount);
        self.set_amounts(Amounts::of_lines(&amounts)?);
        self.lines.data.push(line);
        self.lines.total_count = self.lines.data.len();
        Ok(())
    }

    /// `parent.subscription_details.subscription`, or the legacy field.
    pub fn subscription_id(&self) -> Option<&str> {
        self.subscription.as_deref()
    }
}
