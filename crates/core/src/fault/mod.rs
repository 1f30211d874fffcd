//! Fault injection, a Tender-only test helper (`/v1/test_helpers/faults`, decision 17): what
//! a fault is, which requests it matches, and when it fires. Pure: the server keeps the armed
//! faults, rolls the dice and does the damage.

mod params;

pub use params::FaultSpec;

use serde_json::{Value, json};

use crate::Timestamp;

wire_enum! {
    /// What the client gets instead of (or besides) the answer.
    pub enum FaultKind {
        /// 500 `api_error` with `Stripe-Should-Retry: true`.
        ApiError = "api_error",
        /// 429 `rate_limit`.
        RateLimit = "rate_limit",
        /// 429 `lock_timeout`.
        LockTimeout = "lock_timeout",
        /// 409 `idempotency_key_in_use`.
        IdempotencyKeyInUse = "idempotency_key_in_use",
        /// The connection closes without an answer.
        ConnectionReset = "connection_reset",
        /// Nothing for `duration_ms`, then the connection closes without an answer.
        Timeout = "timeout",
        /// `duration_ms` more, then the normal answer.
        Latency = "latency",
    }
}

impl FaultKind {
    /// Whether the fault needs `duration_ms`.
    pub fn takes_duration(self) -> bool {
        matches!(self, FaultKind::Timeout | FaultKind::Latency)
    }
}

wire_enum! {
    /// When the fault strikes.
    pub enum Phase {
        /// Before the request is handled: nothing happens to the account.
        Before = "before",
        /// After the request was handled and committed (its events written): the client
        /// loses the answer, which an idempotent retry then gets as saved.
        After = "after",
    }
}

/// An armed fault.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    pub id: String,
    pub created: Timestamp,
    pub spec: FaultSpec,
    /// How many more times it fires (`None`: until deleted or expired).
    pub remaining: Option<u64>,
    /// How many times it has fired.
    pub triggered: u64,
}

/// What a fault is matched against: the request's method, path and form parameters (names as
/// written, `metadata[order]`; values decoded).
pub struct Target<'r> {
    pub method: &'r str,
    pub path: &'r str,
    pub params: &'r [(String, String)],
}

impl Fault {
    pub fn new(id: String, created: Timestamp, spec: FaultSpec) -> Fault {
        let remaining = match (spec.count, spec.probability) {
            (Some(count), _) => Some(count),
            (None, Some(_)) => None,
            (None, None) => Some(1),
        };
        Fault {
            id,
            created,
            spec,
            remaining,
            triggered: 0,
        }
    }

    /// Whether the fault can never fire again: spent or expired.
    pub fn is_over(&self, now: Timestamp) -> bool {
        self.remaining == Some(0) || self.spec.expires_at.is_some_and(|at| now >= at)
    }

    /// Whether `target` is a request this fault is armed for (not whether it fires).
    pub fn matches(&self, target: &Target<'_>, now: Timestamp) -> bool {
        if self.is_over(now) {
            return false;
        }
        let spec = &self.spec;
        if spec
            .method
            .as_deref()
            .is_some_and(|method| !method.eq_ignore_ascii_case(target.method))
        {
            return false;
        }
        if !path_matches(&spec.path, target.path) {
            return false;
        }
        match &spec.param {
            None => true,
            Some((name, value)) => target
                .params
                .iter()
                .any(|(have_name, have_value)| have_name == name && have_value == value),
        }
    }

    /// Decides whether a matching request is struck, given `roll` uniform in [0, 1); counts
    /// the strike.
    pub fn fire(&mut self, roll: f64) -> bool {
        if self.remaining == Some(0) {
            return false;
        }
        if self.spec.probability.is_some_and(|p| roll >= p) {
            return false;
        }
        if let Some(remaining) = &mut self.remaining {
            *remaining -= 1;
        }
        self.triggered += 1;
        true
    }

    /// The fault as the API shows it.
    pub fn to_json(&self) -> Value {
        let spec = &self.spec;
        json!({
            "id": self.id,
            "object": "test_helpers.fault",
            "created": self.created,
            "match": {
                "method": spec.method,
                "path": spec.path,
                "param": spec.param.as_ref().map(|(name, value)| format!("{name}={value}")),
            },
            "kind": spec.kind.as_str(),
            "phase": spec.phase.as_str(),
            "count": self.remaining,
            "probability": spec.probability,
            "duration_ms": spec.duration_ms,
            "expires_at": spec.expires_at,
            "triggered": self.triggered,
            "livemode": false,
        })
    }
}

/// Whether `path` fits `pattern`, segment by segment; `*` stands for any one non-empty segment.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let mut pattern = pattern.trim_end_matches('/').split('/');
    let mut path = path.trim_end_matches('/').split('/');
    loop {
        match (pattern.next(), path.next()) {
            (None, None) => return true,
            (Some("*"), Some(segment)) if !segment.is_empty() => {}
            (Some(want), Some(have)) if want == have => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests;
