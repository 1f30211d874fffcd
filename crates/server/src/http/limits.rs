//! What one client may ask of the server: how long its request may take to arrive, how large
//! its head may be, and (optionally) how many requests per second its account may make.
//! See `docs/decisions/0005-limits.md`.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The edge limits of a server. `Limits::default()` is what `tender serve` runs with.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// The whole request head must arrive within this, counted from when the server starts
    /// waiting for it; so an idle keep-alive connection is closed after it too.
    pub header_timeout: Duration,
    /// The whole request body must arrive within this, counted from when its head arrived
    /// (else 408). Handlers themselves are never timed: a commit is never cut off.
    pub body_timeout: Duration,
    /// Largest request head (request line and headers) accepted, else 431.
    pub max_header_bytes: usize,
    /// Most headers accepted in one request, else 431.
    pub max_headers: usize,
    pub rate_limit: RateLimit,
}

/// hyper's own header count limit: kept as the default because any other value makes hyper
/// allocate the header array on the heap for every request.
pub const HYPER_DEFAULT_MAX_HEADERS: usize = 100;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_header_bytes: 64 << 10,
            max_headers: HYPER_DEFAULT_MAX_HEADERS,
            rate_limit: RateLimit::Off,
        }
    }
}

/// Requests per second allowed to each account.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RateLimit {
    #[default]
    Off,
    /// A token bucket per account: this many requests per second, in bursts of as many.
    PerSecond(u32),
}

impl RateLimit {
    /// Stripe's global limit for test mode (sandboxes): 25 requests per second.
    pub const STRIPE_TEST: RateLimit = RateLimit::PerSecond(25);
    /// Stripe's global limit for live mode: 100 requests per second.
    pub const STRIPE_LIVE: RateLimit = RateLimit::PerSecond(100);

    /// `off`, `stripe-test`, `stripe-live`, or a number of requests per second.
    pub fn parse(text: &str) -> Result<RateLimit, String> {
        match text.trim() {
            "off" | "0" => Ok(RateLimit::Off),
            "stripe-test" => Ok(RateLimit::STRIPE_TEST),
            "stripe-live" => Ok(RateLimit::STRIPE_LIVE),
            number => number.parse().map(RateLimit::PerSecond).map_err(|_| {
                format!(
                    "invalid rate limit {number:?}: expected off, stripe-test, stripe-live or a \
                     number of requests per second"
                )
            }),
        }
    }
}

impl FromStr for RateLimit {
    type Err = String;

    fn from_str(text: &str) -> Result<RateLimit, String> {
        RateLimit::parse(text)
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            RateLimit::Off => f.write_str("off"),
            RateLimit::PerSecond(rate) => write!(f, "{rate}/s per account"),
        }
    }
}

/// One token bucket per account. The lock is held only for the arithmetic of one check.
#[derive(Debug)]
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    /// `None` when the limit is off, so that the request path pays a single branch.
    pub fn new(limit: RateLimit) -> Option<RateLimiter> {
        match limit {
            RateLimit::Off | RateLimit::PerSecond(0) => None,
            RateLimit::PerSecond(rate) => Some(RateLimiter {
                rate: f64::from(rate),
                burst: f64::from(rate),
                buckets: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Takes a token from the account's bucket; `false` when it is empty.
    pub fn allow(&self, account: &str) -> bool {
        self.allow_at(account, Instant::now())
    }

    fn allow_at(&self, account: &str, now: Instant) -> bool {
        // A poisoned lock only means another request panicked mid-arithmetic: the numbers
        // are still usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        // Buckets are keyed by account, and accounts are few: the map does not need pruning.
        let bucket = match buckets.get_mut(account) {
            Some(bucket) => bucket,
            None => buckets.entry(account.to_owned()).or_insert(Bucket {
                tokens: self.burst,
                updated: now,
            }),
        };
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.rate).min(self.burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_presets_and_numbers() {
        assert_eq!(RateLimit::parse("off"), Ok(RateLimit::Off));
        assert_eq!(
            RateLimit::parse("stripe-test"),
            Ok(RateLimit::PerSecond(25))
        );
        assert_eq!(
            RateLimit::parse("stripe-live"),
            Ok(RateLimit::PerSecond(100))
        );
        assert_eq!(RateLimit::parse("7"), Ok(RateLimit::PerSecond(7)));
        assert!(RateLimit::parse("fast").is_err());
        assert!(RateLimit::parse("-1").is_err());
    }

    #[test]
    fn off_builds_no_limiter() {
        assert!(RateLimiter::new(RateLimit::Off).is_none());
        assert!(RateLimiter::new(RateLimit::PerSecond(0)).is_none());
    }

    #[test]
    fn a_bucket_allows_a_burst_then_refills_at_the_rate() {
        let Some(limiter) = RateLimiter::new(RateLimit::PerSecond(4)) else {
            panic!("a limiter");
        };
        let start = Instant::now();
        let allowed = (0..10)
            .filter(|_| limiter.allow_at("acct_a", start))
            .count();
        assert_eq!(allowed, 4);
        // Another account has its own bucket.
        assert!(limiter.allow_at("acct_b", start));
        // A quarter of a second buys one request at 4/s; a long pause refills only the burst.
        assert!(!limiter.allow_at("acct_a", start + Duration::from_millis(200)));
        assert!(limiter.allow_at("acct_a", start + Duration::from_millis(260)));
        assert!(!limiter.allow_at("acct_a", start + Duration::from_millis(270)));
        let later = start + Duration::from_secs(60);
        let allowed = (0..10)
            .filter(|_| limiter.allow_at("acct_a", later))
            .count();
        assert_eq!(allowed, 4);
    }
}
