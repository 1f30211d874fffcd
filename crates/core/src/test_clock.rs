//! Stripe's test clocks (`/v1/test_helpers/test_clocks`, billing-spec §5): a clock with its
//! own frozen time, to which customers (and so their subscriptions and invoices) are bound.
//! Advancing it runs, in time order, everything that falls due for those objects up to the new
//! time; meanwhile it is `advancing`, then `ready` again.
//!
//! The rules here are Stripe's as documented: the new time must be after the current one, and
//! no more than two intervals of the clock's shortest subscription ahead (two years when it
//! has none); at most three customers per clock.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tender_wire::ApiError;

use crate::Timestamp;
use crate::billing::period::period_end;
use crate::price::Interval;

wire_enum! {
    /// Where a clock is in an advance.
    pub enum TestClockStatus {
        Ready = "ready",
        Advancing = "advancing",
        InternalFailure = "internal_failure",
    }
}

/// How many customers one clock may hold, as on Stripe.
pub const MAX_CUSTOMERS: usize = 3;

/// How long after its creation Stripe deletes a clock (its published examples all show seven
/// days; Tender shows the time but deletes nothing on its own).
const LIFETIME: i64 = 7 * 86_400;

/// How far a clock without subscriptions may move at once.
const YEARS_WITHOUT_SUBSCRIPTIONS: i64 = 2;

/// A test clock as the API renders it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestClock {
    pub id: String,
    pub object: String,
    pub created: Timestamp,
    pub deletes_after: Timestamp,
    pub frozen_time: Timestamp,
    pub livemode: bool,
    pub name: Option<String>,
    pub status: TestClockStatus,
    pub status_details: Value,
}

/// The answer to deleting a clock.
#[derive(Clone, Debug, Serialize)]
pub struct DeletedTestClock {
    pub id: String,
    pub object: &'static str,
    pub deleted: bool,
}

impl TestClock {
    pub const OBJECT: &'static str = "test_helpers.test_clock";

    /// A new clock at `frozen_time`, created at `now`.
    pub fn new(id: String, frozen_time: Timestamp, name: Option<String>, now: Timestamp) -> Self {
        TestClock {
            id,
            object: Self::OBJECT.to_owned(),
            created: now,
            deletes_after: now.saturating_add(LIFETIME),
            frozen_time,
            livemode: false,
            name,
            status: TestClockStatus::Ready,
            status_details: json!({}),
        }
    }

    /// The time an advance in progress moves to.
    pub fn target(&self) -> Option<Timestamp> {
        self.status_details
            .pointer("/advancing/target_frozen_time")
            .and_then(Value::as_i64)
    }

    /// Starts moving the clock to `target` (checked by [`check_advance`]).
    pub fn begin_advance(&mut self, target: Timestamp) {
        self.status = TestClockStatus::Advancing;
        self.status_details = json!({"advancing": {"target_frozen_time": target}});
    }

    /// Ends an advance: the clock shows its target and is ready for the next one. `false` when
    /// no advance was in progress (someone else finished it).
    pub fn finish_advance(&mut self) -> bool {
        let Some(target) = self
            .target()
            .filter(|_| self.status == TestClockStatus::Advancing)
        else {
            return false;
        };
        self.frozen_time = target;
        self.status = TestClockStatus::Ready;
        self.status_details = json!({});
        true
    }

    /// Ends an advance that cannot complete (a step kept failing): the clock stays at the time
    /// it had, is `internal_failure`, and refuses further advances, as Stripe's does. `false`
    /// when no advance was in progress.
    pub fn fail_advance(&mut self) -> bool {
        if self.status != TestClockStatus::Advancing {
            return false;
        }
        self.status = TestClockStatus::InternalFailure;
        self.status_details = json!({});
        true
    }

    pub fn deleted(&self) -> DeletedTestClock {
        DeletedTestClock {
            id: self.id.clone(),
            object: Self::OBJECT,
            deleted: true,
        }
    }
}

/// Refuses an advance of `clock` to `target`; `shortest` is the interval (and count) of its
/// shortest subscription, if it has any.
pub fn check_advance(
    clock: &TestClock,
    target: Timestamp,
    shortest: Option<(Interval, i64)>,
) -> Result<(), ApiError> {
    match clock.status {
        TestClockStatus::Ready => {}
        TestClockStatus::Advancing => {
            return Err(ApiError::invalid_request(format!(
                "The test clock {} is currently advancing. Wait for it to be `ready` before \
                 advancing it again.",
                clock.id
            )));
        }
        TestClockStatus::InternalFailure => {
            return Err(ApiError::invalid_request(format!(
                "The test clock {} failed to advance time. Future requests to advance time \
                 will fail; create a new test clock.",
                clock.id
            )));
        }
    }
    if target <= clock.frozen_time {
        return Err(ApiError::invalid_request(format!(
            "The test clock's frozen time can only move forward: `frozen_time` must be after \
             its current frozen time ({}).",
            clock.frozen_time
        ))
        .with_param("frozen_time"));
    }
    let (limit, what) = match shortest {
        Some((interval, count)) => (
            period_end(clock.frozen_time, interval, count, 2),
            "two intervals of the shortest subscription in this test clock",
        ),
        None => (
            period_end(
                clock.frozen_time,
                Interval::Year,
                YEARS_WITHOUT_SUBSCRIPTIONS,
                1,
            ),
            "two years, as this test clock has no subscriptions",
        ),
    };
    if target > limit {
        return Err(ApiError::invalid_request(format!(
            "Cannot advance the test clock more than {what} ahead of its current frozen time \
             (at most to {limit})."
        ))
        .with_param("frozen_time"));
    }
    Ok(())
}

/// The dashboard's "Advance one month": the same calendar day of the next month, clamped to
/// its last day (as a monthly subscription's period ends), so that a subscription that started
/// at the clock's time renews exactly at the target.
pub fn one_month_after(frozen_time: Timestamp) -> Timestamp {
    period_end(frozen_time, Interval::Month, 1, 1)
}

/// The shorter of two subscription intervals (for [`check_advance`]'s limit).
pub fn shorter(a: (Interval, i64), b: (Interval, i64)) -> (Interval, i64) {
    // Compared by the end of one period from the same instant: exact for days and weeks, and
    // a fair order between months and years.
    const FROM: Timestamp = 1_700_000_000;
    if period_end(FROM, b.0, b.1, 1) < period_end(FROM, a.0, a.1, 1) {
        b
    } else {
        a
    }
}

/// The refusal of a fourth customer on a clock.
pub fn too_many_customers(clock: &str) -> ApiError {
    ApiError::invalid_request(format!(
        "The test clock {clock} already has the maximum number of customers \
         ({MAX_CUSTOMERS})."
    ))
    .with_param("test_clock")
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Timestamp = 1_798_761_600; // 1 Jan 2027
    const DAY: i64 = 86_400;

    fn clock() -> TestClock {
        TestClock::new("clock_1".into(), T, Some("n".into()), T - 10)
    }

    #[test]
    fn a_new_clock_is_ready_and_deleted_after_seven_days() {
        let c = clock();
        assert_eq!(c.status, TestClockStatus::Ready);
        assert_eq!(c.deletes_after - c.created, 7 * DAY);
        assert_eq!(c.status_details, json!({}));
        assert_eq!(c.target(), None);
    }

    #[test]
    fn an_advance_shows_its_target_then_moves_the_time() {
        let mut c = clock();
        c.begin_advance(T + DAY);
        assert_eq!(c.status, TestClockStatus::Advancing);
        assert_eq!(c.target(), Some(T + DAY));
        assert_eq!(c.frozen_time, T);
        assert!(c.finish_advance());
        assert_eq!((c.status, c.frozen_time), (TestClockStatus::Ready, T + DAY));
        assert!(!c.finish_advance(), "an advance ends once");
    }

    #[test]
    fn a_failed_advance_keeps_the_time_and_refuses_the_next() {
        let mut c = clock();
        assert!(!c.fail_advance(), "nothing to fail while ready");
        c.begin_advance(T + DAY);
        assert!(c.fail_advance());
        assert_eq!(
            (c.status, c.frozen_time, c.target()),
            (TestClockStatus::InternalFailure, T, None)
        );
        assert!(!c.finish_advance(), "a failed advance does not end ready");
        let error = check_advance(&c, T + 2 * DAY, None)
            .err()
            .map(|e| e.to_body());
        let message = error.as_ref().and_then(|e| e["error"]["message"].as_str());
        assert!(
            message.is_some_and(|m| m.contains("failed to advance")),
            "{error:?}"
        );
    }

    #[test]
    fn time_only_moves_forward() {
        let error = check_advance(&clock(), T, None).err().map(|e| e.to_body());
        assert_eq!(
            error.as_ref().map(|e| e["error"]["param"].clone()),
            Some(json!("frozen_time"))
        );
        assert!(check_advance(&clock(), T + 1, None).is_ok());
    }

    #[test]
    fn an_advance_is_at_most_two_intervals_of_the_shortest_subscription() {
        let month = Some((Interval::Month, 1));
        // 1 Jan + two months = 1 Mar 2027.
        let mar_1 = T + (31 + 28) * DAY;
        assert!(check_advance(&clock(), mar_1, month).is_ok());
        assert!(check_advance(&clock(), mar_1 + 1, month).is_err());
        // Two years from 1 Jan 2027 span 29 Feb 2028.
        assert!(check_advance(&clock(), T + 731 * DAY, None).is_ok());
        assert!(check_advance(&clock(), T + 731 * DAY + 1, None).is_err());
    }

    #[test]
    fn an_advancing_clock_cannot_be_advanced_again() {
        let mut c = clock();
        c.begin_advance(T + DAY);
        assert!(check_advance(&c, T + 2 * DAY, None).is_err());
    }

    #[test]
    fn the_shorter_interval_wins() {
        let week = (Interval::Week, 1);
        let month = (Interval::Month, 1);
        assert_eq!(shorter(month, week), week);
        assert_eq!(shorter(week, month), week);
        assert_eq!(shorter((Interval::Day, 40), month), month);
    }

    #[test]
    fn one_month_after_keeps_the_day_or_clamps_it() {
        assert_eq!(one_month_after(T), T + 31 * DAY); // 1 Jan → 1 Feb 2027
        let jan_31 = T + 30 * DAY;
        assert_eq!(one_month_after(jan_31), T + 58 * DAY); // → 28 Feb 2027
        let clock = clock();
        assert!(check_advance(&clock, one_month_after(T), Some((Interval::Month, 1))).is_ok());
    }
}
