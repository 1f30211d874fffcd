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
}

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
}
