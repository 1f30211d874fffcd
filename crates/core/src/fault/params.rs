//! `POST /v1/test_helpers/faults`'s parameters, checked.

use tender_wire::{ApiError, Params};

use super::{FaultKind, Phase};
use crate::Timestamp;

/// The longest `duration_ms` accepted: a fault holds a connection, not the server.
pub const MAX_DURATION_MS: u64 = 120_000;

/// What a fault is armed with.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultSpec {
    /// `GET`, `POST` or `DELETE`; `None` for any.
    pub method: Option<String>,
    /// `/v1/…`, `*` for any one segment.
    pub path: String,
    /// A parameter the request must carry with this value (`name=value`).
    pub param: Option<(String, String)>,
    pub kind: FaultKind,
    pub phase: Phase,
    pub count: Option<u64>,
    pub probability: Option<f64>,
    pub duration_ms: Option<u64>,
    pub expires_at: Option<Timestamp>,
}

impl FaultSpec {
    /// Reads `match[method|path|param]`, `kind`, `phase`, `count`, `probability`,
    /// `duration_ms`, `expires_at` from `p`.
    pub fn take(p: &mut Params, now: Timestamp) -> Result<FaultSpec, ApiError> {
        let mut matcher = p
            .object("match")?
            .ok_or_else(|| ApiError::missing_parameter("match[path]"))?;
        let method = matcher
            .enumeration(
                "method",
                &["GET", "POST", "DELETE", "get", "post", "delete"],
            )?
            .map(|method| method.to_ascii_uppercase());
        let path = matcher.required_string("path")?;
        if !path.starts_with("/v1/") || path.contains(['?', '#', ' ']) {
            return Err(ApiError::invalid_request(
                "`match[path]` must be an API path such as `/v1/payment_intents/*/confirm` \
                 (`*` stands for one segment; no query string).",
            )
            .with_param("match[path]"));
        }
        let param = match matcher.string("param")? {
            None => None,
            Some(pair) => match pair.split_once('=') {
                Some((name, value)) if !name.is_empty() => {
                    Some((name.to_owned(), value.to_owned()))
                }
                _ => {
                    return Err(ApiError::invalid_request(
                        "`match[param]` must be `name=value`, e.g. `metadata[order]=42`.",
                    )
                    .with_param("match[param]"));
                }
            },
        };
        matcher.finish()?;

        let kinds: Vec<&str> = FaultKind::ALL.iter().map(|k| k.as_str()).collect();
        let kind = p
            .enumeration("kind", &kinds)?
            .ok_or_else(|| ApiError::missing_parameter("kind"))?;
        let kind = FaultKind::ALL
            .into_iter()
            .find(|k| k.as_str() == kind)
            .ok_or_else(|| ApiError::missing_parameter("kind"))?;
        let phase = match p.enumeration("phase", &["before", "after"])?.as_deref() {
            Some("after") => Phase::After,
            _ => Phase::Before,
        };
        let count = match p.integer("count")? {
            None => None,
            Some(n) if n >= 1 => Some(n as u64),
            Some(_) => {
                return Err(
                    ApiError::invalid_request("`count` must be at least 1.").with_param("count")
                );
            }
        };
        let probability = match p.string("probability")? {
            None => None,
            Some(text) => match text.parse::<f64>() {
                Ok(p) if p > 0.0 && p <= 1.0 => Some(p),
                _ => {
                    return Err(ApiError::invalid_request(format!(
                        "`probability` must be a number greater than 0 and at most 1 \
                         (received {text})."
                    ))
                    .with_param("probability"));
                }
            },
        };
        let duration_ms = match (p.integer("duration_ms")?, kind.takes_duration()) {
            (Some(ms), true) if (0..=MAX_DURATION_MS as i64).contains(&ms) => Some(ms as u64),
            (Some(_), true) => {
                return Err(ApiError::invalid_request(format!(
                    "`duration_ms` must be between 0 and {MAX_DURATION_MS}."
                ))
                .with_param("duration_ms"));
            }
            (None, true) => return Err(ApiError::missing_parameter("duration_ms")),
            (Some(_), false) => {
                return Err(ApiError::invalid_request(format!(
                    "`duration_ms` applies to `timeout` and `latency` faults only, not \
                     `{}`.",
                    kind.as_str()
                ))
                .with_param("duration_ms"));
            }
            (None, false) => None,
        };
        let expires_at = p.integer("expires_at")?;
        if expires_at.is_some_and(|at| at <= now) {
            return Err(
                ApiError::invalid_request("`expires_at` must be in the future.")
                    .with_param("expires_at"),
            );
        }
        Ok(FaultSpec {
            method,
            path,
            param,
            kind,
            phase,
            count,
            probability,
            duration_ms,
            expires_at,
        })
    }
}
