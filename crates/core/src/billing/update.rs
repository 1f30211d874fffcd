//! What `POST /v1/subscriptions/:id` takes and does to the subscription (billing-spec §2.5):
//! metadata, description, `cancel_at_period_end`, the default payment method, and the items
//! (see [`super::item_changes`], prorated as `proration_behavior` says, see
//! [`super::proration`]).

use tender_wire::{ApiError, Field, MetadataUpdate, Params};

use super::create::unsupported;
use super::item_changes::{ItemChange, take_item_change};
use super::proration::ProrationBehavior;
use super::subscription::Subscription;
use super::subscription_status::check_update;
use crate::Timestamp;

const PAYMENT_BEHAVIORS: &[&str] = &[
    "allow_incomplete",
    "default_incomplete",
    "error_if_incomplete",
    "pending_if_incomplete",
];

/// `POST /v1/subscriptions/:id`.
#[derive(Clone, Debug, Default)]
pub struct SubscriptionUpdate {
    pub metadata: Option<MetadataUpdate>,
    pub description: Option<Field<String>>,
    pub cancel_at_period_end: Option<bool>,
    pub default_payment_method: Option<Field<String>>,
    pub items: Vec<ItemChange>,
    pub cancellation_comment: Option<Field<String>>,
    pub proration_behavior: ProrationBehavior,
    /// `payment_behavior=error_if_incomplete`: a failed `always_invoice` payment refuses the
    /// update.
    pub error_if_incomplete: bool,
    /// The top-level parameters given, for the status check.
    pub fields: Vec<&'static str>,
}

impl SubscriptionUpdate {
    pub fn take(p: &mut Params) -> Result<SubscriptionUpdate, ApiError> {
        for key in [
            "billing_cycle_anchor",
            "cancel_at",
            "coupon",
            "discounts",
            "pause_collection",
            "trial_end",
            "collection_method",
            "add_invoice_items",
            "promotion_code",
        ] {
            if p.contains(key) {
                return Err(unsupported(key));
            }
        }
        let mut update = SubscriptionUpdate::default();
        if p.contains("metadata") {
            update.fields.push("metadata");
            update.metadata = p.metadata("metadata")?;
        }
        if p.contains("description") {
            update.fields.push("description");
            update.description = Some(p.string_field("description")?);
        }
        if p.contains("cancel_at_period_end") {
            update.fields.push("cancel_at_period_end");
            update.cancel_at_period_end = p.boolean("cancel_at_period_end")?;
        }
        if p.contains("default_payment_method") {
            update.fields.push("default_payment_method");
            update.default_payment_method = Some(p.string_field("default_payment_method")?);
        }
        if let Some(mut details) = p.object("cancellation_details")? {
            update.fields.push("cancellation_details");
            update.cancellation_comment = Some(details.string_field("comment")?);
            details.ignore(&["feedback"]);
            details.finish()?;
        }
        if let Some(items) = p.object_list("items")? {
            update.fields.push("items");
            update.items = items
                .into_iter()
                .map(take_item_change)
                .collect::<Result<_, _>>()?;
        }
        (update.proration_behavior, update.error_if_incomplete) = take_behaviors(p)?;
        Ok(update)
    }

    /// The update of one item that `/v1/subscription_items` asks for (create, update or
    /// delete), with its behaviours (see [`take_behaviors`]).
    pub fn of_item(change: ItemChange, behaviors: (ProrationBehavior, bool)) -> SubscriptionUpdate {
        SubscriptionUpdate {
            items: vec![change],
            proration_behavior: behaviors.0,
            error_if_incomplete: behaviors.1,
            fields: vec!["items"],
            ..SubscriptionUpdate::default()
        }
    }

    /// Applies the update to `subscription` at `now`, after the status check (an ended
    /// subscription takes metadata and cancellation details only), but for the items, whose
    /// prices the caller resolves first (see [`super::item_changes::apply_item_changes`]).
    pub fn apply(&self, subscription: &mut Subscription, now: Timestamp) -> Result<(), ApiError> {
        check_update(subscription.status, &self.fields)?;
        if let Some(metadata) = &self.metadata {
            metadata.apply(&mut subscription.metadata, "metadata")?;
        }
        if let Some(description) = &self.description {
            subscription.description = description.clone().set();
        }
        if let Some(cancel) = self.cancel_at_period_end {
            subscription.set_cancel_at_period_end(cancel, now);
        }
        if let Some(pm) = &self.default_payment_method {
            subscription.default_payment_method = pm.clone().set();
        }
        if let Some(comment) = &self.cancellation_comment {
            subscription.cancellation_details.comment = comment.clone().set();
        }
        Ok(())
    }
}

/// `proration_behavior` (Stripe's default `create_prorations`) and whether
/// `payment_behavior=error_if_incomplete`, as updates of a subscription or of one of its items
/// take them; `proration_date` is accepted and prorations are at the time of the update.
pub fn take_behaviors(p: &mut Params) -> Result<(ProrationBehavior, bool), ApiError> {
    let proration = p
        .enumeration("proration_behavior", ProrationBehavior::NAMES)?
        .map(|b| ProrationBehavior::parse(&b))
        .unwrap_or_default();
    let error_if_incomplete = p
        .enumeration("payment_behavior", PAYMENT_BEHAVIORS)?
        .is_some_and(|b| b == "error_if_incomplete");
    p.ignore(&["proration_date"]);
    Ok((proration, error_if_incomplete))
}
