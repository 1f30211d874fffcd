//! The server's time source. Every request reads the time once ([`Ctx`](crate::ctx::Ctx)'s
//! `now`) from [`Clock::now`]: the system clock, plus an offset that only a server started
//! with a test clock (`Config::test_clock`, `tender serve --test-clock`) lets tests move
//! forward through `POST /v1/test_helpers/tender_clock/advance`. Rules that depend on elapsed
//! time (an `incomplete` subscription expires 23 hours after creation) are then tested by
//! moving the clock, not by sleeping.
//!
//! The offset lives in this process: it is not stored, so a restart or a second node starts
//! from the system time again. It never moves backwards, so ids and `created` stay ordered.
//! Housekeeping (idempotency-key retention) and webhook retry timers keep the system clock.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use tender_core::Timestamp;

/// The time requests see.
#[derive(Debug, Default)]
pub struct Clock {
    /// Whether tests may move this clock.
    controllable: bool,
    /// Seconds added to the system time.
    offset: AtomicI64,
}

impl Clock {
    /// The system clock, which nothing can move.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock tests may move forward.
    pub fn controllable() -> Clock {
        Clock {
            controllable: true,
            offset: AtomicI64::new(0),
        }
    }

    pub fn is_controllable(&self) -> bool {
        self.controllable
    }

    /// The current time: the system's, moved by the offset.
    pub fn now(&self) -> Timestamp {
        system_now().saturating_add(self.offset())
    }

    /// Seconds this clock is ahead of the system's.
    pub fn offset(&self) -> i64 {
        self.offset.load(Ordering::SeqCst)
    }

    /// Moves a controllable clock `seconds` forward and returns the new offset; `None` when
    /// this clock cannot be moved.
    pub fn advance(&self, seconds: i64) -> Option<i64> {
        if !self.controllable {
            return None;
        }
        let previous = self.offset.fetch_add(seconds, Ordering::SeqCst);
        Some(previous.saturating_add(seconds))
    }
}

/// The system's Unix time in seconds.
pub fn system_now() -> Timestamp {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_controllable_clock_moves() {
        let system = Clock::system();
        assert_eq!(system.advance(3600), None);
        assert_eq!(system.offset(), 0);
        let clock = Clock::controllable();
        let before = clock.now();
        assert_eq!(clock.advance(82_800), Some(82_800));
        assert_eq!(clock.advance(60), Some(82_860));
        let moved = clock.now() - before;
        assert!((82_860..82_870).contains(&moved), "moved {moved}");
    }
}
