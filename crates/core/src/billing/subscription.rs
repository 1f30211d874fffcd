//! The Subscription and SubscriptionItem objects as Stripe's API answers them (billing-spec
//! §2.3), with the fields every SDK requires. Tender answers every API version with one
//! superset: the items carry their periods (basil and later) and the subscription keeps
//! `current_period_start|end` for older versions.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tender_wire::Metadata;

use super::subscription_status::SubscriptionStatus;
use crate::Timestamp;
use crate::price::{Price, Recurring};

/// A subscription (`sub_…`). Its items are stored inside it: they are the one place an
/// item's quantity and period live, and `/v1/subscription_items` reads them from here.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Subscription {
    pub id: String,
    pub object: String,
    pub application: Option<String>,
    pub application_fee_percent: Option<f64>,
    pub automatic_tax: Value,
    pub billing_cycle_anchor: Timestamp,
    pub billing_cycle_anchor_config: Option<Value>,
    pub billing_mode: Value,
    pub billing_schedules: Vec<Value>,
    pub billing_thresholds: Option<Value>,
    pub cancel_at: Option<Timestamp>,
    pub cancel_at_period_end: bool,
    pub canceled_at: Option<Timestamp>,
    pub cancellation_details: CancellationDetails,
    pub collection_method: String,
    pub created: Timestamp,
    pub currency: String,
    /// Before `2025-03-31.basil` the period was the subscription's; kept for those versions.
    pub current_period_end: Timestamp,
    pub current_period_start: Timestamp,
    pub customer: String,
    pub customer_account: Option<String>,
    pub days_until_due: Option<i64>,
    pub default_payment_method: Option<String>,
    pub default_source: Option<String>,
    pub default_tax_rates: Vec<Value>,
    pub description: Option<String>,
    pub discounts: Vec<Value>,
    pub ended_at: Option<Timestamp>,
    pub invoice_settings: Value,
    pub items: ItemList,
    pub latest_invoice: Option<String>,
    pub livemode: bool,
    pub metadata: Metadata,
    pub next_pending_invoice_item_invoice: Option<Timestamp>,
    pub on_behalf_of: Option<String>,
    pub pause_collection: Option<Value>,
    pub payment_settings: PaymentSettings,
    pub pending_invoice_item_interval: Option<Value>,
    pub pending_setup_intent: Option<String>,
    pub pending_update: Option<Value>,
    pub schedule: Option<String>,
    pub start_date: Timestamp,
    pub status: SubscriptionStatus,
    pub test_clock: Option<String>,
    pub transfer_data: Option<Value>,
    pub trial_end: Option<Timestamp>,
    pub trial_settings: Value,
    pub trial_start: Option<Timestamp>,
}

/// `cancellation_details`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct CancellationDetails {
    pub comment: Option<String>,
    pub feedback: Option<String>,
    pub reason: Option<String>,
}

/// `payment_settings`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PaymentSettings {
    pub payment_method_options: Option<Value>,
    pub payment_method_types: Option<Vec<String>>,
    /// `off` or `on_subscription`.
    pub save_default_payment_method: String,
}

impl PaymentSettings {
    pub fn saves_default_payment_method(&self) -> bool {
        self.save_default_payment_method == "on_subscription"
    }
}

/// The subscription's `items`: a list object with every item (at most 20).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ItemList {
    pub object: String,
    pub data: Vec<SubscriptionItem>,
    pub has_more: bool,
    pub total_count: usize,
    pub url: String,
}

impl ItemList {
    pub fn new(subscription: &str, data: Vec<SubscriptionItem>) -> ItemList {
        ItemList {
            object: "list".to_owned(),
            total_count: data.len(),
            data,
            has_more: false,
            url: format!("/v1/subscription_items?subscription={subscription}"),
        }
    }
}

/// A subscription item (`si_…`): one price and its quantity, with the legacy `plan` mirror
/// of the price that async-stripe requires.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SubscriptionItem {
    pub id: String,
    pub object: String,
    pub billing_thresholds: Option<Value>,
    pub created: Timestamp,
    pub current_period_end: Timestamp,
    pub current_period_start: Timestamp,
    pub discounts: Vec<Value>,
    pub metadata: Metadata,
    pub plan: Value,
    pub price: Price,
    pub quantity: i64,
    pub subscription: String,
    pub tax_rates: Vec<Value>,
}

impl SubscriptionItem {
    /// The price's recurrence. Items are made from recurring prices only.
    pub fn recurring(&self) -> Option<&Recurring> {
        self.price.recurring.as_ref()
    }
}

/// The legacy Plan object that mirrors a recurring price (`item.plan`).
pub fn plan_of(price: &Price) -> Value {
    let recurring = price.recurring.as_ref();
    json!({
        "id": price.id,
        "object": "plan",
        "active": price.active,
        "amount": price.unit_amount,
        "amount_decimal": price.unit_amount_decimal,
        "billing_scheme": price.billing_scheme,
        "created": price.created,
        "currency": price.currency,
        "interval": recurring.map(|r| r.interval.as_str()),
        "interval_count": recurring.map(|r| r.interval_count),
        "livemode": price.livemode,
        "metadata": price.metadata,
        "meter": null,
        "nickname": price.nickname,
        "product": price.product,
        "tiers_mode": null,
        "transform_usage": null,
        "trial_period_days": recurring.and_then(|r| r.trial_period_days),
        "usage_type": recurring.map_or("licensed", |r| r.usage_type.as_str()),
    })
}

/// What a new subscription is made of, already checked.
#[derive(Clone, Debug)]
pub struct NewSubscription {
    pub id: String,
    pub customer: String,
    pub currency: String,
    pub collection_method: String,
    pub days_until_due: Option<i64>,
    pub default_payment_method: Option<String>,
    pub description: Option<String>,
    pub metadata: Metadata,
    pub cancel_at_period_end: bool,
    pub payment_settings: PaymentSettings,
    /// The end of the trial, if the subscription starts with one.
    pub trial_end: Option<Timestamp>,
    pub items: Vec<SubscriptionItem>,
}

impl Subscription {
    /// The subscription `new` describes, created at `now`, in `status`. The billing cycle
    /// anchors at the trial's end when there is one, else at `now`; the current period is
    /// the trial, or the first period of the items.
    pub fn new(
        new: NewSubscription,
        status: SubscriptionStatus,
        period: (Timestamp, Timestamp),
        now: Timestamp,
    ) -> Subscription {
        let id = new.id;
        Subscription {
            object: "subscription".to_owned(),
            application: None,
            application_fee_percent: None,
            automatic_tax: json!({"disabled_reason": null, "enabled": false, "liability": null}),
            billing_cycle_anchor: new.trial_end.unwrap_or(now),
            billing_cycle_anchor_config: None,
            billing_mode: json!({
                "flexible": {"proration_discounts": "included"},
                "type": "flexible",
                "updated_at": now,
            }),
            billing_schedules: Vec::new(),
            billing_thresholds: None,
            cancel_at: new.cancel_at_period_end.then_some(period.1),
            cancel_at_period_end: new.cancel_at_period_end,
            canceled_at: None,
            cancellation_details: CancellationDetails::default(),
            collection_method: new.collection_method,
            created: now,
            currency: new.currency,
            current_period_end: period.1,
            current_period_start: period.0,
            customer: new.customer,
            customer_account: None,
            days_until_due: new.days_until_due,
            default_payment_method: new.default_payment_method,
            default_source: None,
            default_tax_rates: Vec::new(),
            description: new.description,
            discounts: Vec::new(),
            ended_at: None,
            invoice_settings: json!({"account_tax_ids": null, "issuer": {"type": "self"}}),
            items: ItemList::new(&id, new.items),
            latest_invoice: None,
            livemode: false,
            metadata: new.metadata,
            next_pending_invoice_item_invoice: None,
            on_behalf_of: None,
            pause_collection: None,
            payment_settings: new.payment_settings,
            pending_invoice_item_interval: None,
            pending_setup_intent: None,
            pending_update: None,
            schedule: None,
            start_date: now,
            status,
            test_clock: None,
            transfer_data: None,
            trial_end: new.trial_end,
            trial_settings: json!({"end_behavior": {"missing_payment_method": "create_invoice"}}),
            trial_start: new.trial_end.map(|_| now),
            id,
        }
    }

    /// Cancels the subscription now (`DELETE /v1/subscriptions/:id`, or an expiry's
    /// `incomplete_expired`): it ends at `now` and nothing further is billed.
    /// `reason` is `cancellation_details.reason` (`None` for an expiry, which Stripe gives no
    /// reason for).
    pub fn end(&mut self, status: SubscriptionStatus, reason: Option<&str>, now: Timestamp) {
        self.status = status;
        self.canceled_at = Some(now);
        self.ended_at = Some(now);
        self.cancel_at = None;
        self.cancel_at_period_end = false;
        self.cancellation_details.reason = reason.map(str::to_owned);
    }

    /// `cancel_at_period_end`: ends at the current period's end, or not.
    pub fn set_cancel_at_period_end(&mut self, cancel: bool, now: Timestamp) {
        self.cancel_at_period_end = cancel;
        if cancel {
            self.cancel_at = Some(self.current_period_end);
            self.canceled_at = Some(now);
            self.cancellation_details.reason = Some("cancellation_requested".to_owned());
        } else {
            self.cancel_at = None;
            self.canceled_at = None;
            self.cancellation_details = CancellationDetails::default();
        }
    }
}
