//! SQL and checks of the webhook outbox, shared by both backends (like `query.rs` for lists):
//! the claim/lease rules are exactly the kind of thing that must not drift between them.
//!
//! Statements are written once in PostgreSQL's `$n` style; [`sql`] respells them for SQLite.
//! Status values are literals, never bound, so that SQLite's planner can match them against
//! the partial indexes' `WHERE status = 'pending'`.
//!
//! A delivery row moves `pending` → `delivered` | `failed`. While pending it may carry a lease
//! (`lease_until_ms`, `lease_token`) set by [`crate::Store::claim_deliveries`]; finishing an
//! attempt clears it. The lease is held up to and including `lease_until_ms`: a claim at
//! `now_ms` only takes rows whose lease ended strictly before `now_ms`.

use std::borrow::Cow;

use crate::query::Dialect;
use crate::{ClaimedDelivery, DeliveryAttempt, DeliveryOutcome, StoreError};

/// The statement in `dialect`: `$n` placeholders become `?n` for SQLite (same numbering).
/// The texts here contain no other `$`.
pub(crate) fn sql(dialect: Dialect, text: &'static str) -> Cow<'static, str> {
    match dialect {
        Dialect::Postgres => Cow::Borrowed(text),
        Dialect::Sqlite => Cow::Owned(text.replace('$', "?")),
    }
}

/// Params: id, account, event_id, endpoint_id, due_at_ms. `created_ms` is the first due time:
/// the caller's clock when it scheduled the delivery, the same on every backend (the database's
/// own clock would differ between SQLite and PostgreSQL, and between PostgreSQL nodes). A
/// duplicate id inserts nothing, which the caller reports as a conflict.
pub(crate) const INSERT_DELIVERY: &str = "INSERT INTO webhook_deliveries \
     (id, account, event_id, endpoint_id, status, attempts, next_attempt_ms, created_ms) \
     VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5) ON CONFLICT (id) DO NOTHING";

/// Params: now_ms, limit. Columns: id, account, event_id, endpoint_id, attempts. Walks the
/// partial index of pending rows in due order and stops after `limit` claimable ones, so its
/// cost is the rows claimed plus the leased ones it steps over (at most those in flight).
pub(crate) const CLAIMABLE: &str = "SELECT id, account, event_id, endpoint_id, attempts \
     FROM webhook_deliveries \
     WHERE status = 'pending' AND next_attempt_ms <= $1 \
     AND (lease_until_ms IS NULL OR lease_until_ms < $1) \
     ORDER BY next_attempt_ms, id LIMIT $2";

/// PostgreSQL's claim: rows another transaction is claiming right now are skipped rather than
/// waited for, so concurrent dispatchers (on any node) take disjoint sets without blocking.
pub(crate) const CLAIMABLE_SKIP_LOCKED: &str = "SELECT id, account, event_id, endpoint_id, \
     attempts FROM webhook_deliveries \
     WHERE status = 'pending' AND next_attempt_ms <= $1 \
     AND (lease_until_ms IS NULL OR lease_until_ms < $1) \
     ORDER BY next_attempt_ms, id LIMIT $2 FOR UPDATE SKIP LOCKED";

/// Params: id, lease_token, status, attempts, next_attempt_ms. Applies only while the claim
/// still holds the lease: 0 rows changed means another dispatcher took the delivery over (or
/// it is no longer pending) and nothing may be written.
pub(crate) const FINISH: &str = "UPDATE webhook_deliveries SET status = $3, attempts = $4, \
     next_attempt_ms = $5, lease_until_ms = NULL, lease_token = NULL \
     WHERE id = $1 AND lease_token = $2 AND status = 'pending'";

/// Params: delivery_id, attempt, at_ms, status_code, latency_ms, error, response_snippet.
/// An attempt number recorded twice inserts nothing, which the caller reports as a conflict.
pub(crate) const INSERT_ATTEMPT: &str = "INSERT INTO webhook_attempts \
     (delivery_id, attempt, at_ms, status_code, latency_ms, error, response_snippet) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (delivery_id, attempt) DO NOTHING";

/// No params. Columns: the earliest due time of an unleased pending row, and the earliest
/// lease end of a leased one (both nullable); see [`next_due`]. Each is the first row of an
/// index in order, so this costs O(rows in flight), not O(pending).
pub(crate) const NEXT_DUE: &str = "SELECT \
     (SELECT next_attempt_ms FROM webhook_deliveries \
      WHERE status = 'pending' AND lease_until_ms IS NULL \
      ORDER BY next_attempt_ms LIMIT 1), \
     (SELECT lease_until_ms FROM webhook_deliveries \
      WHERE status = 'pending' AND lease_until_ms IS NOT NULL \
      ORDER BY lease_until_ms LIMIT 1)";

/// The report columns: id, event_id, endpoint_id, status, next_attempt_ms, then the attempt's
/// attempt, at_ms, status_code, latency_ms, error, response_snippet (all NULL for a delivery
/// without attempts). One statement, so a page is one consistent snapshot on both backends.
const REPORT_COLUMNS: &str = "SELECT d.id, d.event_id, d.endpoint_id, d.status, \
     d.next_attempt_ms, a.attempt, a.at_ms, a.status_code, a.latency_ms, a.error, \
     a.response_snippet FROM (SELECT id, event_id, endpoint_id, status, next_attempt_ms, \
     created_ms FROM webhook_deliveries WHERE account = $1";

const REPORT_ORDER: &str = " ORDER BY created_ms DESC, id DESC LIMIT $2) AS d \
     LEFT JOIN webhook_attempts AS a ON a.delivery_id = d.id \
     ORDER BY d.created_ms DESC, d.id DESC, a.attempt";

/// Params: account, limit. See [`REPORT_COLUMNS`].
pub(crate) fn report_sql(dialect: Dialect) -> String {
    respell(dialect, REPORT_COLUMNS) + &respell(dialect, REPORT_ORDER)
}

/// Params: account, limit, event_id. See [`REPORT_COLUMNS`].
pub(crate) fn event_report_sql(dialect: Dialect) -> String {
    respell(dialect, REPORT_COLUMNS)
        + &respell(dialect, " AND event_id = $3")
        + &respell(dialect, REPORT_ORDER)
}

fn respell(dialect: Dialect, text: &'static str) -> String {
    sql(dialect, text).into_owned()
}

/// How many event ids one SQLite `IN (…)` list binds: far below SQLite's variable limit, and
/// more than the events of any list page.
pub(crate) const PENDING_CHUNK: usize = 500;

/// The distinct `event_ids`, sorted: the order [`crate::Store::pending_webhooks`] answers in,
/// and no id counted twice when SQLite splits the list into chunks.
pub(crate) fn distinct_sorted(event_ids: &[String]) -> Vec<String> {
    let mut ids = event_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Counts the not-yet-delivered deliveries (`pending` or `failed`, as Stripe's
/// `pending_webhooks` counts every endpoint not successfully reached) of `ids` (bound from
/// `$2` on, after the account). PostgreSQL binds the whole list as one array instead.
pub(crate) fn pending_sql_sqlite(ids: usize) -> String {
    let list: Vec<String> = (2..ids + 2).map(|n| format!("?{n}")).collect();
    format!(
        "SELECT event_id, count(*) FROM webhook_deliveries \
         WHERE account = ?1 AND event_id IN ({}) AND status <> 'delivered' \
         GROUP BY event_id ORDER BY event_id",
        list.join(", ")
    )
}

/// PostgreSQL's form of [`pending_sql_sqlite`]: params account, `text[]` of event ids.
pub(crate) const PENDING_POSTGRES: &str = "SELECT event_id, count(*) FROM webhook_deliveries \
     WHERE account = $1 AND event_id = ANY($2) AND status <> 'delivered' \
     GROUP BY event_id ORDER BY event_id";

/// What a claim writes: `lease_until_ms` and a fresh `lease_token` per row.
pub(crate) struct Lease {
    pub(crate) until_ms: i64,
    pub(crate) limit: i64,
}

/// Validates a claim's arguments; `None` when there is nothing to claim (`limit` 0).
pub(crate) fn lease(now_ms: i64, lease_ms: i64, limit: usize) -> Result<Option<Lease>, StoreError> {
    if lease_ms < 0 {
        // A lease that ended before it began would let the next claim take the row again
        // while this attempt is still running.
        return Err(StoreError::Backend(format!(
            "invalid delivery lease of {lease_ms} ms: must not be negative"
        )));
    }
    if limit == 0 {
        return Ok(None);
    }
    Ok(Some(Lease {
        until_ms: now_ms.saturating_add(lease_ms),
        limit: i64::try_from(limit).unwrap_or(i64::MAX),
    }))
}

/// A fresh lease token: 128 random bits, so no two claims (on any node, ever) share one and
/// a dispatcher whose lease expired cannot finish a delivery another one claimed since.
pub(crate) fn lease_token() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Rejects an attempt filed under another delivery than the claim's: a caller bug, which
/// would otherwise record the attempt on one delivery and the outcome on another.
pub(crate) fn check_finish(
    claim: &ClaimedDelivery,
    attempt: &DeliveryAttempt,
) -> Result<(), StoreError> {
    if attempt.delivery_id == claim.id {
        Ok(())
    } else {
        Err(StoreError::Backend(format!(
            "attempt of delivery {} finished with the claim of {}",
            attempt.delivery_id, claim.id
        )))
    }
}

/// The `status` and `next_attempt_ms` an outcome leaves the delivery with.
pub(crate) fn outcome_columns(outcome: DeliveryOutcome) -> (&'static str, Option<i64>) {
    match outcome {
        DeliveryOutcome::Delivered => ("delivered", None),
        DeliveryOutcome::Retry { at_ms } => ("pending", Some(at_ms)),
        DeliveryOutcome::Failed => ("failed", None),
    }
}

/// The earliest time a claim could take something, from the two columns of [`NEXT_DUE`]. A
/// leased row becomes claimable one millisecond after its lease ends (a claim needs
/// `lease_until_ms < now_ms`); its own due time is already past (it was due when claimed, and
/// a lease is never negative), so the lease end alone decides. Ignoring leases would make a
/// dispatcher spin while another node holds the earliest delivery.
pub(crate) fn next_due(unleased: Option<i64>, lease_end: Option<i64>) -> Option<i64> {
    let leased = lease_end.map(|end| end.saturating_add(1));
    match (unleased, leased) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// One row of the report statement, decoded by the backend.
pub(crate) struct ReportRow {
    pub(crate) id: String,
    pub(crate) event_id: String,
    pub(crate) endpoint_id: String,
    pub(crate) status: String,
    pub(crate) next_attempt_ms: Option<i64>,
    /// `None` for a delivery without attempts (the outer join's NULLs).
    pub(crate) attempt: Option<DeliveryAttempt>,
}

/// Folds the joined rows (one per attempt, in delivery order) into reports.
pub(crate) fn reports(rows: Vec<ReportRow>) -> Vec<crate::DeliveryReport> {
    let mut reports: Vec<crate::DeliveryReport> = Vec::new();
    for row in rows {
        let same = reports.last().is_some_and(|last| last.id == row.id);
        if !same {
            reports.push(crate::DeliveryReport {
                id: row.id,
                event_id: row.event_id,
                endpoint_id: row.endpoint_id,
                status: row.status,
                next_attempt_ms: row.next_attempt_ms,
                attempts: Vec::new(),
            });
        }
        if let (Some(attempt), Some(report)) = (row.attempt, reports.last_mut()) {
            report.attempts.push(attempt);
        }
    }
    reports
}

/// A stored HTTP status back as a `u16`.
pub(crate) fn status_code(stored: Option<i64>) -> Result<Option<u16>, StoreError> {
    stored
        .map(|code| {
            u16::try_from(code)
                .map_err(|_| StoreError::Backend(format!("stored HTTP status {code}")))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn respells_placeholders_for_sqlite() {
        assert_eq!(
            sql(Dialect::Sqlite, "a = $1 AND b < $1 LIMIT $2"),
            "a = ?1 AND b < ?1 LIMIT ?2"
        );
        assert!(event_report_sql(Dialect::Postgres).contains("event_id = $3"));
        assert!(!report_sql(Dialect::Sqlite).contains('$'));
        assert!(pending_sql_sqlite(2).contains("event_id IN (?2, ?3) AND"));
    }

    #[test]
    fn next_due_waits_for_leases_to_end() {
        assert_eq!(next_due(None, None), None);
        assert_eq!(next_due(Some(10), None), Some(10));
        assert_eq!(next_due(None, Some(10)), Some(11));
        assert_eq!(next_due(Some(10), Some(5)), Some(6));
        assert_eq!(next_due(Some(3), Some(5)), Some(3));
    }
}
