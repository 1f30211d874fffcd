//! Retrying a failed renewal (dunning): Stripe's default Smart Retries make up to 8 attempts
//! within 2 weeks, then apply the account's "if all retries fail" choice, whose default is to
//! cancel the subscription. Tender's schedule is fixed (Stripe's picks the times with a model):
//! the retries come 1, 2, 3, 5, 7, 10 and 14 days after the first attempt.

use crate::Timestamp;
use crate::billing::subscription_status::SubscriptionStatus;

wire_enum! {
    /// The account's "if all retries for a payment fail" choice for the subscription (Stripe's
    /// Billing settings): cancel it (Stripe's default), mark it `unpaid`, or leave it
    /// `past_due`.
    pub enum AfterRetries {
        Cancel = "cancel",
        MarkUnpaid = "unpaid",
        LeavePastDue = "past_due",
    }
}

/// What the subscription becomes once every retry has failed, and the cancellation reason
/// when it ends.
pub fn after_all_retries(choice: AfterRetries) -> (SubscriptionStatus, Option<&'static str>) {
    match choice {
        AfterRetries::Cancel => (SubscriptionStatus::Canceled, Some("payment_failed")),
        AfterRetries::MarkUnpaid => (SubscriptionStatus::Unpaid, None),
        AfterRetries::LeavePastDue => (SubscriptionStatus::PastDue, None),
    }
}

const DAY: i64 = 86_400;

/// Days after the first attempt at which attempts 2 to 8 come.
const RETRY_DAYS: [i64; 7] = [1, 2, 3, 5, 7, 10, 14];

/// The most attempts one invoice gets.
pub const MAX_ATTEMPTS: i64 = 1 + RETRY_DAYS.len() as i64;

/// When to try again after `attempt_count` attempts, the first made at `first_attempt`; `None`
/// once every attempt has been made.
pub fn next_attempt(attempt_count: i64, first_attempt: Timestamp) -> Option<Timestamp> {
    let index = usize::try_from(attempt_count - 1).ok()?;
    RETRY_DAYS
        .get(index)
        .map(|days| first_attempt.saturating_add(days * DAY))
}

/// The first attempt's time, read back from the next one's (`next_payment_attempt`) and the
/// attempts made so far.
pub fn first_attempt_of(attempt_count: i64, next: Timestamp) -> Option<Timestamp> {
    let index = usize::try_from(attempt_count - 1).ok()?;
    RETRY_DAYS.get(index).map(|days| next - days * DAY)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]

    use super::*;

    const T0: Timestamp = 1_800_000_000;

    #[test]
    fn eight_attempts_within_two_weeks() {
        assert_eq!(next_attempt(1, T0), Some(T0 + DAY));
        assert_eq!(next_attempt(2, T0), Some(T0 + 2 * DAY));
        assert_eq!(next_attempt(7, T0), Some(T0 + 14 * DAY));
        assert_eq!(next_attempt(8, T0), None);
        assert_eq!(next_attempt(0, T0), None);
        assert_eq!(MAX_ATTEMPTS, 8);
    }

    #[test]
    fn all_retries_failed_cancels_marks_unpaid_or_leaves_past_due() {
        assert_eq!(
            after_all_retries(AfterRetries::Cancel),
            (SubscriptionStatus::Canceled, Some("payment_failed"))
        );
        assert_eq!(
            after_all_retries(AfterRetries::MarkUnpaid),
            (SubscriptionStatus::Unpaid, None)
        );
        assert_eq!(
            after_all_retries(AfterRetries::LeavePastDue),
            (SubscriptionStatus::PastDue, None)
        );
        assert_eq!(
            AfterRetries::parse("unpaid"),
            Some(AfterRetries::MarkUnpaid)
        );
    }

    #[test]
    fn the_first_attempt_is_recovered_from_the_next() {
        for count in 1..MAX_ATTEMPTS {
            let next = next_attempt(count, T0).expect("a retry left");
            assert_eq!(first_attempt_of(count, next), Some(T0));
        }
    }
}
