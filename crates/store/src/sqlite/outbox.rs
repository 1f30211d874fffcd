//! The webhook outbox on SQLite (statements in `crate::outbox`).
//!
//! Inserting, claiming and finishing deliveries are writes: they run on the writer thread
//! (called from `writer.rs` once the job's checks passed), so claims are serialised with
//! each other and with commits, and two claims can never lease the same row. The rest are
//! reads on the read-only connections.

use rusqlite::{Connection, Row, params, params_from_iter};

use super::db;
use super::writer::refused_if;
use crate::outbox::{self, ReportRow};
use crate::query::Dialect;
use crate::{
    ClaimedDelivery, DeliveryAttempt, DeliveryOutcome, DeliveryReport, NewDelivery, StoreError,
};

/// Part of a unit of work whose check found every id new (so `inserted == 0` is a bug that
/// fails the batch).
pub(super) fn insert_deliveries(
    conn: &Connection,
    deliveries: &[NewDelivery],
) -> Result<(), StoreError> {
    if deliveries.is_empty() {
        return Ok(());
    }
    let mut stmt = conn
        .prepare_cached(&outbox::sql(Dialect::Sqlite, outbox::INSERT_DELIVERY))
        .map_err(db)?;
    for d in deliveries {
        let inserted = stmt
            .execute(params![
                d.id,
                d.account,
                d.event_id,
                d.endpoint_id,
                d.due_at_ms
            ])
            .map_err(db)?;
        if inserted == 0 {
            return Err(StoreError::Conflict { id: d.id.clone() });
        }
    }
    Ok(())
}

pub(super) fn claim(
    conn: &Connection,
    now_ms: i64,
    lease_ms: i64,
    limit: usize,
) -> Result<Vec<ClaimedDelivery>, StoreError> {
    let Some(lease) = outbox::lease(now_ms, lease_ms, limit)? else {
        return Ok(Vec::new());
    };
    let mut claimed = conn
        .prepare_cached(&outbox::sql(Dialect::Sqlite, outbox::CLAIMABLE))
        .and_then(|mut stmt| {
            stmt.query_map(params![now_ms, lease.limit], |row| {
                Ok(ClaimedDelivery {
                    id: row.get(0)?,
                    account: row.get(1)?,
                    event_id: row.get(2)?,
                    endpoint_id: row.get(3)?,
                    attempts: row.get(4)?,
                    lease_until_ms: lease.until_ms,
                    lease_token: String::new(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(db)?;
    let mut stmt = conn
        .prepare_cached(
            "UPDATE webhook_deliveries SET lease_until_ms = ?1, lease_token = ?2 WHERE id = ?3",
        )
        .map_err(db)?;
    for delivery in &mut claimed {
        delivery.lease_token = outbox::lease_token();
        stmt.execute(params![
            delivery.lease_until_ms,
            delivery.lease_token,
            delivery.id
        ])
        .map_err(db)?;
    }
    Ok(claimed)
}

/// Refuses an attempt number already recorded for a delivery whose lease the claim still
/// holds. (A lost lease is not a refusal: [`finish`] then writes nothing and answers `false`.)
pub(super) fn check_finish(
    conn: &Connection,
    claim: &ClaimedDelivery,
    attempt: &DeliveryAttempt,
) -> Result<Result<(), StoreError>, StoreError> {
    let duplicate = conn
        .prepare_cached(
            "SELECT 1 FROM webhook_deliveries d JOIN webhook_attempts a \
             ON a.delivery_id = d.id AND a.attempt = ?3 \
             WHERE d.id = ?1 AND d.lease_token = ?2 AND d.status = 'pending'",
        )
        .and_then(|mut stmt| stmt.exists(params![claim.id, claim.lease_token, attempt.attempt]))
        .map_err(db)?;
    Ok(refused_if(duplicate, || StoreError::Conflict {
        id: claim.id.clone(),
    }))
}

/// A lost lease changes no row and returns `false` before anything is inserted; the job's
/// check has already refused a duplicate attempt number.
pub(super) fn finish(
    conn: &Connection,
    claim: &ClaimedDelivery,
    attempt: &DeliveryAttempt,
    outcome: DeliveryOutcome,
) -> Result<bool, StoreError> {
    let (status, next) = outbox::outcome_columns(outcome);
    let updated = conn
        .prepare_cached(&outbox::sql(Dialect::Sqlite, outbox::FINISH))
        .and_then(|mut stmt| {
            stmt.execute(params![
                claim.id,
                claim.lease_token,
                status,
                attempt.attempt,
                next
            ])
        })
        .map_err(db)?;
    if updated == 0 {
        return Ok(false);
    }
    let inserted = conn
        .prepare_cached(&outbox::sql(Dialect::Sqlite, outbox::INSERT_ATTEMPT))
        .and_then(|mut stmt| {
            stmt.execute(params![
                claim.id,
                attempt.attempt,
                attempt.at_ms,
                attempt.status_code,
                attempt.latency_ms,
                attempt.error,
                attempt.response_snippet
            ])
        })
        .map_err(db)?;
    if inserted == 0 {
        return Err(StoreError::Conflict {
            id: claim.id.clone(),
        });
    }
    Ok(true)
}

pub(super) fn next_due(conn: &Connection) -> Result<Option<i64>, StoreError> {
    let (unleased, lease_end) = conn
        .prepare_cached(outbox::NEXT_DUE)
        .and_then(|mut stmt| stmt.query_row([], |row| Ok((row.get(0)?, row.get(1)?))))
        .map_err(db)?;
    Ok(outbox::next_due(unleased, lease_end))
}

pub(super) fn pending_webhooks(
    conn: &Connection,
    account: &str,
    event_ids: &[String],
) -> Result<Vec<(String, i64)>, StoreError> {
    let ids = outbox::distinct_sorted(event_ids);
    let mut counts = Vec::new();
    // Chunks of a sorted list answer in sorted order, so the concatenation is sorted too.
    for chunk in ids.chunks(outbox::PENDING_CHUNK) {
        let params = std::iter::once(account).chain(chunk.iter().map(String::as_str));
        let rows = conn
            .prepare_cached(&outbox::pending_sql_sqlite(chunk.len()))
            .and_then(|mut stmt| {
                stmt.query_map(params_from_iter(params), |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })?
                .collect::<rusqlite::Result<Vec<(String, i64)>>>()
            })
            .map_err(db)?;
        counts.extend(rows);
    }
    Ok(counts)
}

pub(super) fn deliveries(
    conn: &Connection,
    account: &str,
    event_id: Option<&str>,
    limit: usize,
) -> Result<Vec<DeliveryReport>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    // Decoding a stored status code can fail with a `StoreError`, which rusqlite's row
    // callback cannot return: each row yields its own result, collected after.
    let rows = match event_id {
        None => conn
            .prepare_cached(&outbox::report_sql(Dialect::Sqlite))
            .and_then(|mut stmt| {
                stmt.query_map(params![account, limit], |row| Ok(report_row(row)))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            }),
        Some(event_id) => conn
            .prepare_cached(&outbox::event_report_sql(Dialect::Sqlite))
            .and_then(|mut stmt| {
                stmt.query_map(params![account, limit, event_id], |row| Ok(report_row(row)))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            }),
    }
    .map_err(db)?;
    let rows = rows.into_iter().collect::<Result<Vec<_>, StoreError>>()?;
    Ok(outbox::reports(rows))
}

fn report_row(row: &Row<'_>) -> Result<ReportRow, StoreError> {
    let id: String = row.get(0).map_err(db)?;
    let number: Option<i64> = row.get(5).map_err(db)?;
    let attempt = match number {
        None => None,
        Some(attempt) => Some(DeliveryAttempt {
            delivery_id: id.clone(),
            attempt,
            at_ms: row.get(6).map_err(db)?,
            status_code: outbox::status_code(row.get(7).map_err(db)?)?,
            latency_ms: row.get(8).map_err(db)?,
            error: row.get(9).map_err(db)?,
            response_snippet: row.get(10).map_err(db)?,
        }),
    };
    Ok(ReportRow {
        id,
        event_id: row.get(1).map_err(db)?,
        endpoint_id: row.get(2).map_err(db)?,
        status: row.get(3).map_err(db)?,
        next_attempt_ms: row.get(4).map_err(db)?,
        attempt,
    })
}
