//! What a subscription does when its current period ends (billing-spec §2.4, §5.2): it ends,
//! if it was set to cancel then; otherwise it moves to the next period and bills it (the end
//! of a trial bills the first paid period). One period at a time: a clock that jumps three
//! periods renews three times, each with its own invoice.

use super::period::period_end;
use super::subscription::Subscription;
use super::subscription_status::SubscriptionStatus;
use crate::Timestamp;

/// What is due for a subscription at `now`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Renewal {
    /// Nothing yet (or it has ended, or it waits for its first payment).
    NotDue,
    /// `cancel_at_period_end`: it ends at its period's end.
    Cancel { at: Timestamp },
    /// Bill the period `[start, end)`: the next one, or the first paid one after a trial.
    Bill { start: Timestamp, end: Timestamp },
}

/// Decides what is due for `subscription` at `now`.
pub fn due(subscription: &Subscription, now: Timestamp) -> Renewal {
    let billable = matches!(
        subscription.status,
        SubscriptionStatus::Active | SubscriptionStatus::PastDue | SubscriptionStatus::Trialing
    );
    let end = subscription.current_period_end;
    if !billable || now < end {
        return Renewal::NotDue;
    }
    if let Some(at) = subscription.cancel_at.filter(|at| *at <= now) {
        return Renewal::Cancel { at };
    }
    let Some(recurring) = subscription
        .items
        .data
        .first()
        .and_then(|item| item.recurring())
    else {
        return Renewal::NotDue;
    };
    // Periods count from the billing cycle anchor (the trial's end, or the creation).
    let anchor = subscription.billing_cycle_anchor;
    let mut n = 1;
    let mut next = period_end(anchor, recurring.interval, recurring.interval_count, n);
    while next <= end && n < 10_000 {
        n += 1;
        next = period_end(anchor, recurring.interval, recurring.interval_count, n);
    }
    Renewal::Bill {
        start: end,
        end: next,
    }
}

/// How long before a trial's end `customer.subscription.trial_will_end` is sent: three days,
/// as Stripe documents.
pub const TRIAL_REMINDER: i64 = 3 * 86_400;

/// Whether `subscription`'s trial reminder is due at `now` (a trial shorter than three days is
/// reminded at once). Whether it was already sent is the caller's record.
pub fn trial_reminder_due(subscription: &Subscription, now: Timestamp) -> bool {
    subscription.status == SubscriptionStatus::Trialing
        && subscription
            .trial_end
            .is_some_and(|end| now >= end - TRIAL_REMINDER && now < end)
}

/// Moves `subscription` into the period `[start, end)`: its items' periods and, for older
/// versions, its own; a trial that ends becomes `active` (the invoice's payment decides
/// whether it stays so).
pub fn enter_period(subscription: &mut Subscription, start: Timestamp, end: Timestamp) {
    subscription.current_period_start = start;
    subscription.current_period_end = end;
    for item in &mut subscription.items.data {
        item.current_period_start = start;
        item.current_period_end = end;
    }
    if subscription.status == SubscriptionStatus::Trialing {
        subscription.status = SubscriptionStatus::Active;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::expect_used)]

    use serde_json::json;

    use super::*;

    /// 1 Jan 2027 00:00 UTC.
    const JAN_1: Timestamp = 1_798_761_600;
    const DAY: i64 = 86_400;

    pub(crate) fn monthly(status: &str, start: Timestamp, end: Timestamp) -> Subscription {
        let price = json!({
            "id": "price_1", "object": "price", "active": true, "billing_scheme": "per_unit",
            "created": JAN_1, "currency": "usd", "custom_unit_amount": null, "livemode": false,
            "lookup_key": null, "metadata": {}, "nickname": null, "product": "prod_1",
            "recurring": {"interval": "month", "interval_count": 1, "meter": null,
                "trial_period_days": null, "usage_type": "licensed"},
            "tax_behavior": "unspecified", "tiers_mode": null, "transform_quantity": null,
            "type": "recurring", "unit_amount": 2000, "unit_amount_decimal": "2000",
        });
        let item = json!({
            "id": "si_1", "object": "subscription_item", "billing_thresholds": null,
            "created": JAN_1, "current_period_end": end, "current_period_start": start,
            "discounts": [], "metadata": {}, "plan": {}, "quantity": 1, "subscription": "sub_1",
            "tax_rates": [], "price": price,
        });
        let mut sub = json!({
            "id": "sub_1", "object": "subscription", "application": null,
            "application_fee_percent": null, "automatic_tax": {}, "billing_cycle_anchor": JAN_1,
            "billing_cycle_anchor_config": null, "billing_mode": {}, "billing_schedules": [],
            "billing_thresholds": null, "cancel_at": null, "cancel_at_period_end": false,
            "canceled_at": null, "collection_method": "charge_automatically", "created": JAN_1,
            "currency": "usd", "current_period_end": end, "current_period_start": start,
            "customer": "cus_1", "customer_account": null, "days_until_due": null,
            "default_payment_method": null, "default_source": null, "default_tax_rates": [],
            "description": null, "discounts": [], "ended_at": null, "invoice_settings": {},
            "latest_invoice": null, "livemode": false, "metadata": {},
        });
        let rest = json!({
            "cancellation_details": {"comment": null, "feedback": null, "reason": null},
            "items": {"object": "list", "has_more": false, "total_count": 1,
                "url": "/v1/subscription_items", "data": [item]},
            "next_pending_invoice_item_invoice": null, "on_behalf_of": null,
            "pause_collection": null,
            "payment_settings": {"payment_method_options": null, "payment_method_types": null,
                "save_default_payment_method": "off"},
            "pending_invoice_item_interval": null, "pending_setup_intent": null,
            "pending_update": null, "schedule": null, "start_date": JAN_1, "status": status,
            "test_clock": null, "transfer_data": null, "trial_end": null, "trial_settings": {},
            "trial_start": null,
        });
        if let (Some(sub), Some(rest)) = (sub.as_object_mut(), rest.as_object()) {
            sub.extend(rest.clone());
        }
        serde_json::from_value(sub).expect("a subscription")
    }

    const FEB_1: Timestamp = JAN_1 + 31 * DAY;
    const MAR_1: Timestamp = FEB_1 + 28 * DAY;

    #[test]
    fn an_active_subscription_bills_the_next_period_at_its_end() {
        let sub = monthly("active", JAN_1, FEB_1);
        assert_eq!(due(&sub, FEB_1 - 1), Renewal::NotDue);
        assert_eq!(
            due(&sub, FEB_1),
            Renewal::Bill {
                start: FEB_1,
                end: MAR_1
            }
        );
        // A clock far ahead still bills one period at a time.
        assert_eq!(
            due(&sub, MAR_1 + 40 * DAY),
            Renewal::Bill {
                start: FEB_1,
                end: MAR_1
            }
        );
    }

    #[test]
    fn cancel_at_period_end_ends_it_instead() {
        let mut sub = monthly("active", JAN_1, FEB_1);
        sub.cancel_at_period_end = true;
        sub.cancel_at = Some(FEB_1);
        assert_eq!(due(&sub, FEB_1), Renewal::Cancel { at: FEB_1 });
    }

    #[test]
    fn incomplete_and_ended_subscriptions_are_not_billed() {
        for status in [
            "incomplete",
            "incomplete_expired",
            "canceled",
            "unpaid",
            "paused",
        ] {
            assert_eq!(due(&monthly(status, JAN_1, FEB_1), FEB_1), Renewal::NotDue);
        }
    }

    #[test]
    fn a_trial_is_reminded_three_days_before_its_end() {
        let trial_end = JAN_1 + 14 * DAY;
        let mut sub = monthly("trialing", JAN_1, trial_end);
        sub.trial_end = Some(trial_end);
        assert!(!trial_reminder_due(&sub, trial_end - 3 * DAY - 1));
        assert!(trial_reminder_due(&sub, trial_end - 3 * DAY));
        assert!(!trial_reminder_due(&sub, trial_end));
        sub.status = SubscriptionStatus::Active;
        assert!(!trial_reminder_due(&sub, trial_end - DAY));
    }

    #[test]
    fn the_end_of_a_trial_bills_the_first_period_from_the_anchor() {
        // A 14-day trial: anchored at its end, the first paid period is a month from there.
        let trial_end = JAN_1 + 14 * DAY;
        let mut sub = monthly("trialing", JAN_1, trial_end);
        sub.billing_cycle_anchor = trial_end;
        let Renewal::Bill { start, end } = due(&sub, trial_end) else {
            panic!("not billed");
        };
        assert_eq!(start, trial_end);
        assert_eq!(end, trial_end + 31 * DAY);
        enter_period(&mut sub, start, end);
        assert_eq!(sub.status, SubscriptionStatus::Active);
        assert_eq!(sub.items.data[0].current_period_end, end);
        assert_eq!(sub.current_period_start, start);
    }
}
