//! Scheduled jobs (issue #24): a transition due at a later time ("renew subscription S at T",
//! "settle PaymentIntent P at T"), stored as a record written in the same unit of work as the
//! change that makes it due, so that nothing scheduled is lost.
//!
//! A job is due at `due` on the wall clock, or on a test clock's time when `clock` is set.
//! A scheduler claims due jobs under a lease (as webhook deliveries are claimed): claiming is
//! a versioned write of the lease, so two schedulers (on one node or several) cannot both
//! hold it, and a crashed scheduler's lease simply expires. Running the job is one unit of
//! work that also marks the job done at the version its claim wrote: a scheduler whose lease
//! expired and was taken over cannot commit, so a job's transition happens at most once, and
//! (since an unfinished job stays due) at least once.

use serde::{Deserialize, Serialize};

use crate::Timestamp;

wire_enum! {
    /// What a job does when it runs.
    pub enum JobAction {
        /// Whatever is due for a subscription (`billing::wake`): expire it, remind of a
        /// trial's end, bill, finalize or retry an invoice, cancel it at its period's end.
        Subscription = "subscription",
        /// The bank's answer to a `processing` PaymentIntent's debit (SEPA, ACH).
        SettlePayment = "settle_payment",
        /// The later outcome of a refund of an asynchronous-refund test card.
        SettleRefund = "settle_refund",
    }
}

/// A job as stored. Never rendered by the API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledJob {
    pub id: String,
    pub object: String,
    pub action: JobAction,
    /// The object it acts on (`sub_…`).
    pub subject: String,
    /// When it is due (Unix seconds, on `clock`'s time when set).
    pub due: Timestamp,
    /// The test clock whose time it follows, if any.
    pub clock: Option<String>,
    /// Wall-clock Unix milliseconds up to which a scheduler holds it.
    pub lease_until_ms: Option<i64>,
    /// Identifies the claim holding the lease.
    pub lease_token: Option<String>,
    /// How many times in a row its step failed for a reason of Tender's own (storage): it is
    /// retried after a pause, and a test clock gives up after [`MAX_FAILURES`].
    #[serde(default)]
    pub failures: u32,
}

/// After this many failures in a row, a job on a test clock stops its clock's advance
/// (`internal_failure`, as Stripe's clocks end when an advance cannot complete).
pub const MAX_FAILURES: u32 = 3;

/// The longest pause before a failed job runs again.
const MAX_FAILURE_PAUSE_MS: i64 = 3_600_000;

impl ScheduledJob {
    pub const OBJECT: &'static str = "scheduled_job";

    /// The job of `action` on `subject` due at `due`. Its id derives from all three, so that
    /// two changes scheduling the same step schedule one job.
    pub fn new(
        action: JobAction,
        subject: &str,
        due: Timestamp,
        clock: Option<String>,
    ) -> ScheduledJob {
        ScheduledJob {
            id: job_id(action, subject, due),
            object: Self::OBJECT.to_owned(),
            action,
            subject: subject.to_owned(),
            due,
            clock,
            lease_until_ms: None,
            lease_token: None,
            failures: 0,
        }
    }

    /// Whether a claim at `now_ms` may take it: no lease, or one that ended before `now_ms`.
    pub fn is_claimable(&self, now_ms: i64) -> bool {
        self.lease_until_ms.is_none_or(|until| until < now_ms)
    }

    /// Leases it to `token` until `now_ms + lease_ms`; `false` (and no change) when another
    /// claim still holds it.
    pub fn claim(&mut self, now_ms: i64, lease_ms: i64, token: String) -> bool {
        if !self.is_claimable(now_ms) {
            return false;
        }
        self.lease_until_ms = Some(now_ms.saturating_add(lease_ms.max(0)));
        self.lease_token = Some(token);
        true
    }

    /// Whether the claim `token` holds it (an expired lease still counts until someone else
    /// claims it: the version check at commit is what fences a late runner out).
    pub fn is_held_by(&self, token: &str) -> bool {
        self.lease_token.as_deref() == Some(token)
    }

    /// Records that its step failed at `now_ms`: the lease is released, and no claim may take
    /// it again for a pause that doubles with each failure in a row (1 s, 2 s, 4 s, … up to an
    /// hour), so that a failing step neither spins nor stops for good. Returns whether it
    /// has now failed [`MAX_FAILURES`] times in a row.
    pub fn record_failure(&mut self, now_ms: i64) -> bool {
        self.failures = self.failures.saturating_add(1);
        let pause = 1_000_i64
            .checked_shl(self.failures.saturating_sub(1).min(30))
            .unwrap_or(MAX_FAILURE_PAUSE_MS)
            .min(MAX_FAILURE_PAUSE_MS);
        self.lease_until_ms = Some(now_ms.saturating_add(pause));
        self.lease_token = None;
        self.failures >= MAX_FAILURES
    }
}

/// The id of the job of `action` on `subject` due at `due`.
pub fn job_id(action: JobAction, subject: &str, due: Timestamp) -> String {
    format!("job_{}_{}_{due}", action.as_str(), subject)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_step_of_one_subject_is_one_job() {
        let a = ScheduledJob::new(JobAction::Subscription, "sub_1", 100, None);
        let b = ScheduledJob::new(JobAction::Subscription, "sub_1", 100, None);
        let c = ScheduledJob::new(JobAction::Subscription, "sub_1", 101, None);
        assert_eq!(a.id, b.id);
        assert_ne!(a.id, c.id);
        assert_eq!(a.id, "job_subscription_sub_1_100");
    }

    #[test]
    fn a_lease_keeps_other_claims_out_until_it_ends() {
        let mut job = ScheduledJob::new(JobAction::Subscription, "sub_1", 100, None);
        assert!(job.claim(1_000, 30_000, "a".into()));
        assert!(job.is_held_by("a"));
        assert!(!job.claim(31_000, 30_000, "b".into()), "held up to its end");
        assert!(job.is_held_by("a"));
        assert!(job.claim(31_001, 30_000, "b".into()), "expired");
        assert!(job.is_held_by("b") && !job.is_held_by("a"));
        assert_eq!(job.lease_until_ms, Some(61_001));
    }

    #[test]
    fn a_failed_step_waits_longer_after_each_failure_and_gives_up_at_the_third() {
        let mut job = ScheduledJob::new(JobAction::Subscription, "sub_1", 100, None);
        assert!(job.claim(1_000, 5_000, "a".into()));
        assert!(!job.record_failure(2_000), "first failure");
        assert_eq!((job.failures, job.lease_until_ms), (1, Some(3_000)));
        assert!(!job.is_held_by("a"), "the lease is released");
        assert!(!job.claim(2_999, 5_000, "b".into()), "paused for 1 s");
        assert!(job.claim(3_001, 5_000, "b".into()));
        assert!(!job.record_failure(4_000));
        assert_eq!(job.lease_until_ms, Some(6_000), "2 s after the second");
        assert!(job.record_failure(10_000), "the third failure gives up");
        assert_eq!(job.lease_until_ms, Some(14_000), "4 s after the third");
        for _ in 0..40 {
            job.record_failure(0);
        }
        assert_eq!(
            job.lease_until_ms,
            Some(3_600_000),
            "never more than an hour"
        );
    }

    #[test]
    fn jobs_stored_before_failures_were_counted_read_as_never_failed() {
        let json = r#"{"id":"job_subscription_sub_1_100","object":"scheduled_job","action":"subscription","subject":"sub_1","due":100,"clock":null,"lease_until_ms":null,"lease_token":null}"#;
        let job = serde_json::from_str::<ScheduledJob>(json).ok();
        assert_eq!(job.map(|j| j.failures), Some(0));
    }
}
