//! Billing as the server runs it: creating a subscription with its first invoice and payment
//! (`create`), settling an invoice when its PaymentIntent's payment ends (`settle`), and
//! the objects one unit of work writes before they are stored (`staged`).

pub mod create;
pub mod expiry;
pub mod invoices;
pub mod one_off;
pub mod pending_setup;
pub mod renewal;
pub mod settle;
pub mod staged;
pub mod update;
pub mod wake;

use serde::{Deserialize, Serialize};

/// Where a subscription item lives: its subscription holds the item itself, so that a
/// quantity or period is stored once; this record makes `si_…` findable by id. Never
/// rendered.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SubscriptionItemRecord {
    pub id: String,
    pub subscription: String,
    pub created: i64,
}

/// That `customer.subscription.trial_will_end` was sent for a subscription: its id derives
/// from the subscription's, so a second reminder would insert it twice, which the store
/// refuses. Never rendered.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TrialReminder {
    pub id: String,
    pub subscription: String,
    pub created: i64,
}

impl TrialReminder {
    /// The id of `subscription`'s reminder record.
    pub fn id_for(subscription: &str) -> String {
        format!("trialreminder_{}", subscription.trim_start_matches("sub_"))
    }
}

/// That SetupIntent `id` is a subscription's `pending_setup_intent`: read when a SetupIntent
/// succeeds, to finish the subscription's setup (`pending_setup.rs`). Stripe's SetupIntent has
/// no field naming the subscription. Never rendered.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SubscriptionSetup {
    pub id: String,
    pub subscription: String,
    pub created: i64,
}

impl SubscriptionSetup {
    /// The id of the record of SetupIntent `setup_intent`.
    pub fn id_for(setup_intent: &str) -> String {
        format!("subsetup_{}", setup_intent.trim_start_matches("seti_"))
    }
}
