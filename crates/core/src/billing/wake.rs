//! When a subscription next needs the scheduler (issue #24): the earliest time at which
//! something the renewal rules decide becomes due for it. The scheduler keeps one job at
//! that time; the job runs one step (`renewal.rs`, `subscription_status.rs`, `dunning.rs`
//! decide what) and asks again. Keeping this next to the rules it mirrors matters: a wake
//! that comes before anything is due is only a wasted step, but one that comes late delays a
//! renewal, and one that never comes loses it.

use super::invoice::InvoiceStatus;
use super::renewal::TRIAL_REMINDER;
use super::subscription::Subscription;
use super::subscription_status::{SubscriptionStatus, expires_at};
use crate::Timestamp;

/// How long a renewal invoice stays a draft before it is finalized and charged: "about an
/// hour" on Stripe, the time a merchant has to add invoice items to it.
pub const FINALIZE_DELAY: i64 = 3600;

/// What the wake depends on besides the subscription itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WakeFacts {
    /// Whether `customer.subscription.trial_will_end` was already sent.
    pub trial_reminder_sent: bool,
    /// The subscription's latest invoice, if any.
    pub latest_invoice: Option<InvoiceFacts>,
}

/// The parts of the latest invoice that schedule something.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvoiceFacts {
    pub status: InvoiceStatus,
    pub created: Timestamp,
    pub auto_advance: bool,
    pub next_payment_attempt: Option<Timestamp>,
}

/// When a draft invoice created at `created` is finalized, if it advances on its own.
pub fn finalization_due(invoice: &InvoiceFacts, now: Timestamp) -> bool {
    invoice.status == InvoiceStatus::Draft
        && invoice.auto_advance
        && now >= invoice.created.saturating_add(FINALIZE_DELAY)
}

/// The earliest time something is due for `subscription`; `None` once nothing ever will be
/// (it has ended, or it waits on nothing time can bring).
pub fn next_wake(subscription: &Subscription, facts: WakeFacts) -> Option<Timestamp> {
    let mut times: Vec<Timestamp> = Vec::new();
    match subscription.status {
        SubscriptionStatus::Incomplete => times.push(expires_at(subscription.created)),
        SubscriptionStatus::Trialing => {
            times.push(subscription.current_period_end);
            if let Some(end) = subscription.trial_end
                && !facts.trial_reminder_sent
            {
                times.push(end - TRIAL_REMINDER);
            }
        }
        SubscriptionStatus::Active | SubscriptionStatus::PastDue => {
            times.push(subscription.current_period_end);
            times.extend(subscription.cancel_at);
            if let Some(invoice) = facts.latest_invoice {
                if invoice.status == InvoiceStatus::Draft && invoice.auto_advance {
                    times.push(invoice.created.saturating_add(FINALIZE_DELAY));
                }
                if subscription.status == SubscriptionStatus::PastDue
                    && invoice.status == InvoiceStatus::Open
                {
                    times.extend(invoice.next_payment_attempt);
                }
            }
        }
        // Ended for good, or waiting on the merchant (`unpaid`, `paused`).
        _ => {}
    }
    times.into_iter().min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::renewal::tests::monthly;

    const JAN_1: Timestamp = 1_798_761_600;
    const DAY: i64 = 86_400;
    const FEB_1: Timestamp = JAN_1 + 31 * DAY;

    fn invoice(status: InvoiceStatus, next: Option<Timestamp>) -> Option<InvoiceFacts> {
        Some(InvoiceFacts {
            status,
            created: FEB_1,
            auto_advance: true,
            next_payment_attempt: next,
        })
    }

    #[test]
    fn an_incomplete_subscription_wakes_to_expire_after_23_hours() {
        let sub = monthly("incomplete", JAN_1, FEB_1);
        assert_eq!(
            next_wake(&sub, WakeFacts::default()),
            Some(JAN_1 + 23 * 3600)
        );
    }

    #[test]
    fn an_active_subscription_wakes_at_its_period_end_or_its_cancel_at() {
        let mut sub = monthly("active", JAN_1, FEB_1);
        assert_eq!(next_wake(&sub, WakeFacts::default()), Some(FEB_1));
        sub.cancel_at = Some(JAN_1 + 10 * DAY);
        assert_eq!(
            next_wake(&sub, WakeFacts::default()),
            Some(JAN_1 + 10 * DAY)
        );
    }

    #[test]
    fn a_draft_renewal_invoice_wakes_it_an_hour_later_to_finalize() {
        let sub = monthly("active", FEB_1, FEB_1 + 28 * DAY);
        let facts = WakeFacts {
            latest_invoice: invoice(InvoiceStatus::Draft, None),
            ..WakeFacts::default()
        };
        assert_eq!(next_wake(&sub, facts), Some(FEB_1 + 3600));
        let draft = facts.latest_invoice.as_ref().map(|i| {
            (
                finalization_due(i, FEB_1 + 3599),
                finalization_due(i, FEB_1 + 3600),
            )
        });
        assert_eq!(draft, Some((false, true)));
    }

    #[test]
    fn a_past_due_subscription_wakes_for_its_next_retry() {
        let sub = monthly("past_due", FEB_1, FEB_1 + 28 * DAY);
        let facts = WakeFacts {
            latest_invoice: invoice(InvoiceStatus::Open, Some(FEB_1 + DAY)),
            ..WakeFacts::default()
        };
        assert_eq!(next_wake(&sub, facts), Some(FEB_1 + DAY));
        // Once the retries are spent only the period's end is left.
        let spent = WakeFacts {
            latest_invoice: invoice(InvoiceStatus::Open, None),
            ..WakeFacts::default()
        };
        assert_eq!(next_wake(&sub, spent), Some(FEB_1 + 28 * DAY));
    }

    #[test]
    fn a_trial_wakes_three_days_before_its_end_until_reminded() {
        let mut sub = monthly("trialing", JAN_1, JAN_1 + 14 * DAY);
        sub.trial_end = Some(JAN_1 + 14 * DAY);
        assert_eq!(
            next_wake(&sub, WakeFacts::default()),
            Some(JAN_1 + 11 * DAY)
        );
        let reminded = WakeFacts {
            trial_reminder_sent: true,
            ..WakeFacts::default()
        };
        assert_eq!(next_wake(&sub, reminded), Some(JAN_1 + 14 * DAY));
    }

    #[test]
    fn an_ended_subscription_never_wakes() {
        for status in ["canceled", "incomplete_expired", "unpaid", "paused"] {
            let sub = monthly(status, JAN_1, FEB_1);
            assert_eq!(next_wake(&sub, WakeFacts::default()), None, "{status}");
        }
    }
}
