//! When to retry a failed delivery: exponential delays with jitter, configurable so that
//! `tender dev` and tests can use seconds where production-like runs use hours.

use std::time::Duration;

/// Delays before each retry; a delivery gets `delays.len() + 1` attempts in all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetrySchedule {
    pub delays: Vec<Duration>,
}

impl RetrySchedule {
    /// Like Stripe's live mode: retries over about three days, backing off exponentially.
    pub fn stripe_like() -> RetrySchedule {
        let minutes = [1, 5, 30, 120, 300, 600, 1200, 2400, 4320];
        RetrySchedule {
            delays: minutes
                .iter()
                .map(|m| Duration::from_secs(m * 60))
                .collect(),
        }
    }

    /// Fast retries for development and tests: 1 s, 2 s, 4 s, 8 s.
    pub fn fast() -> RetrySchedule {
        RetrySchedule {
            delays: [1, 2, 4, 8]
                .iter()
                .map(|s| Duration::from_secs(*s))
                .collect(),
        }
    }

    /// Parses `1s,2s,500ms,5m,2h` (or `stripe` / `fast`).
    pub fn parse(text: &str) -> Result<RetrySchedule, String> {
        match text {
            "stripe" => return Ok(RetrySchedule::stripe_like()),
            "fast" => return Ok(RetrySchedule::fast()),
            _ => {}
        }
        let delays = text
            .split(',')
            .map(|part| parse_duration(part.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RetrySchedule { delays })
    }

    /// When attempt number `attempts + 1` should happen after `attempts` failures at `now_ms`,
    /// or `None` when the schedule is exhausted. `jitter` in [0, 1) spreads retries by ±10 %
    /// so that a receiver coming back up is not hit by every retry at once.
    pub fn next_attempt(&self, attempts: i64, now_ms: i64, jitter: f64) -> Option<i64> {
        let delay = self.delays.get(usize::try_from(attempts - 1).ok()?)?;
        let base = delay.as_millis() as f64;
        let spread = base * 0.2 * (jitter - 0.5);
        Some(now_ms + (base + spread).round() as i64)
    }

    pub fn max_attempts(&self) -> i64 {
        self.delays.len() as i64 + 1
    }
}

fn parse_duration(part: &str) -> Result<Duration, String> {
    let split = part
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("missing unit in `{part}` (use ms, s, m or h)"))?;
    let (number, unit) = part.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("invalid number in `{part}`"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(number)),
        "s" => Ok(Duration::from_secs(number)),
        "m" => Ok(Duration::from_secs(number * 60)),
        "h" => Ok(Duration::from_secs(number * 3600)),
        _ => Err(format!("unknown unit in `{part}` (use ms, s, m or h)")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn backoff_follows_the_schedule_with_bounded_jitter() {
        let schedule = RetrySchedule::parse("1s,10s,100s").unwrap();
        assert_eq!(schedule.max_attempts(), 4);
        assert_eq!(schedule.next_attempt(1, 0, 0.5), Some(1_000));
        assert_eq!(schedule.next_attempt(2, 0, 0.5), Some(10_000));
        assert_eq!(schedule.next_attempt(3, 5, 0.5), Some(100_005));
        assert_eq!(schedule.next_attempt(4, 0, 0.5), None);
        assert_eq!(schedule.next_attempt(1, 0, 0.0), Some(900));
        assert_eq!(schedule.next_attempt(1, 0, 0.999_999), Some(1_100));
    }

    #[test]
    fn parses_named_and_explicit_schedules() {
        assert_eq!(RetrySchedule::parse("fast").unwrap(), RetrySchedule::fast());
        assert_eq!(RetrySchedule::parse("stripe").unwrap().max_attempts(), 10);
        assert_eq!(
            RetrySchedule::parse("250ms, 2m").unwrap().delays,
            vec![Duration::from_millis(250), Duration::from_secs(120)]
        );
        assert!(RetrySchedule::parse("5").is_err());
        assert!(RetrySchedule::parse("5d").is_err());
    }
}
