//! The webhook outbox on PostgreSQL (statements in `crate::outbox`).
//!
//! Several nodes may claim at once: the claim locks its rows with `FOR UPDATE SKIP LOCKED`
//! and leases them in the same transaction, so concurrent claims take disjoint sets without
//! waiting on each other, and a row whose claim committed is seen leased by the next one.

use deadpool_postgres::{Object, Transaction};
use tokio_postgres::Row;

use super::db;
use crate::outbox::{self, ReportRow};
use crate::query::Dialect;
use crate::{
    ClaimedDelivery, DeliveryAttempt, DeliveryOutcome, DeliveryReport, NewDelivery, StoreError,
};

/// Part of a unit of work's transaction: a duplicate id fails the unit with a conflict, and
/// dropping the transaction rolls back everything else the unit did.
pub(super) async fn insert_deliveries(
    tx: &Transaction<'_>,
    deliveries: &[NewDelivery],
) -> Result<(), StoreError> {
    if deliveries.is_empty() {
        return Ok(());
    }
    let stmt = tx
        .prepare_cached(outbox::INSERT_DELIVERY)
        .await
        .map_err(db)?;
    for d in deliveries {
        // Under READ COMMITTED a concurrent insert of the same id makes this one wait for it,
        // then insert nothing: a conflict, like any lost race.
        let inserted = tx
            .execute(
                &stmt,
                &[&d.id, &d.account, &d.event_id, &d.endpoint_id, &d.due_at_ms],
            )
            .await
            .map_err(db)?;
        if inserted == 0 {
            return Err(StoreError::Conflict { id: d.id.clone() });
        }
    }
    Ok(())
}

pub(super) async fn claim(
    client: &mut Object,
    now_ms: i64,
    lease_ms: i64,
    limit: usize,
) -> Result<Vec<ClaimedDelivery>, StoreError> {
    let Some(lease) = outbox::lease(now_ms, lease_ms, limit)? else {
        return Ok(Vec::new());
    };
    let tx = client.transaction().await.map_err(db)?;
    let stmt = tx
        .prepare_cached(outbox::CLAIMABLE_SKIP_LOCKED)
        .await
        .map_err(db)?;
    let rows = tx
        .query(&stmt, &[&now_ms, &lease.limit])
        .await
        .map_err(db)?;
    if rows.is_empty() {
        return tx.commit().await.map_err(db).map(|()| Vec::new());
    }
    let claimed = rows
        .iter()
        .map(|row| {
            Ok(ClaimedDelivery {
                id: row.try_get(0)?,
                account: row.try_get(1)?,
                event_id: row.try_get(2)?,
                endpoint_id: row.try_get(3)?,
                attempts: row.try_get(4)?,
                lease_until_ms: lease.until_ms,
                lease_token: outbox::lease_token(),
            })
        })
        .collect::<Result<Vec<_>, tokio_postgres::Error>>()
        .map_err(db)?;
    let ids: Vec<&str> = claimed.iter().map(|c| c.id.as_str()).collect();
    let tokens: Vec<&str> = claimed.iter().map(|c| c.lease_token.as_str()).collect();
    // One statement for the whole claim, each row with its own token.
    let stmt = tx
        .prepare_cached(
            "UPDATE webhook_deliveries AS d SET lease_until_ms = $1, lease_token = c.token \
             FROM unnest($2::text[], $3::text[]) AS c (id, token) WHERE d.id = c.id",
        )
        .await
        .map_err(db)?;
    tx.execute(&stmt, &[&lease.until_ms, &ids, &tokens])
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(claimed)
}

/// One transaction: the guarded update (which also locks the row, so a concurrent claim of an
/// expired lease either waits for it or sees it finished), then the attempt. A lost lease
/// changes no row and returns `false` before anything is inserted.
pub(super) async fn finish(
    client: &mut Object,
    claim: &ClaimedDelivery,
    attempt: &DeliveryAttempt,
    outcome: DeliveryOutcome,
) -> Result<bool, StoreError> {
    let (status, next) = outbox::outcome_columns(outcome);
    let tx = client.transaction().await.map_err(db)?;
    let stmt = tx.prepare_cached(outbox::FINISH).await.map_err(db)?;
    let updated = tx
        .execute(
            &stmt,
            &[
                &claim.id,
                &claim.lease_token,
                &status,
                &attempt.attempt,
                &next,
            ],
        )
        .await
        .map_err(db)?;
    if updated == 0 {
        return tx.commit().await.map_err(db).map(|()| false);
    }
    let stmt = tx
        .prepare_cached(outbox::INSERT_ATTEMPT)
        .await
        .map_err(db)?;
    let status_code = attempt.status_code.map(i32::from);
    let inserted = tx
        .execute(
            &stmt,
            &[
                &claim.id,
                &attempt.attempt,
                &attempt.at_ms,
                &status_code,
                &attempt.latency_ms,
                &attempt.error,
                &attempt.response_snippet,
            ],
        )
        .await
        .map_err(db)?;
    if inserted == 0 {
        // Dropping `tx` rolls the status change back.
        return Err(StoreError::Conflict {
            id: claim.id.clone(),
        });
    }
    tx.commit().await.map_err(db)?;
    Ok(true)
}

pub(super) async fn next_due(client: &Object) -> Result<Option<i64>, StoreError> {
    let stmt = client.prepare_cached(outbox::NEXT_DUE).await.map_err(db)?;
    let row = client.query_one(&stmt, &[]).await.map_err(db)?;
    Ok(outbox::next_due(
        row.try_get(0).map_err(db)?,
        row.try_get(1).map_err(db)?,
    ))
}

pub(super) async fn pending_webhooks(
    client: &Object,
    account: &str,
    event_ids: &[String],
) -> Result<Vec<(String, i64)>, StoreError> {
    let ids = outbox::distinct_sorted(event_ids);
    let stmt = client
        .prepare_cached(outbox::PENDING_POSTGRES)
        .await
        .map_err(db)?;
    let rows = client.query(&stmt, &[&account, &ids]).await.map_err(db)?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect::<Result<_, tokio_postgres::Error>>()
        .map_err(db)
}

pub(super) async fn deliveries(
    client: &Object,
    account: &str,
    event_id: Option<&str>,
    limit: usize,
) -> Result<Vec<DeliveryReport>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = match event_id {
        None => {
            let stmt = client
                .prepare_cached(&outbox::report_sql(Dialect::Postgres))
                .await
                .map_err(db)?;
            client.query(&stmt, &[&account, &limit]).await
        }
        Some(event_id) => {
            let stmt = client
                .prepare_cached(&outbox::event_report_sql(Dialect::Postgres))
                .await
                .map_err(db)?;
            client.query(&stmt, &[&account, &limit, &event_id]).await
        }
    }
    .map_err(db)?;
    let rows = rows
        .iter()
        .map(report_row)
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(outbox::reports(rows))
}

fn report_row(row: &Row) -> Result<ReportRow, StoreError> {
    let id: String = row.try_get(0).map_err(db)?;
    let number: Option<i64> = row.try_get(5).map_err(db)?;
    let attempt = match number {
        None => None,
        Some(attempt) => {
            let status_code: Option<i32> = row.try_get(7).map_err(db)?;
            Some(DeliveryAttempt {
                delivery_id: id.clone(),
                attempt,
                at_ms: row.try_get(6).map_err(db)?,
                status_code: outbox::status_code(status_code.map(i64::from))?,
                latency_ms: row.try_get(8).map_err(db)?,
                error: row.try_get(9).map_err(db)?,
                response_snippet: row.try_get(10).map_err(db)?,
            })
        }
    };
    Ok(ReportRow {
        id,
        event_id: row.try_get(1).map_err(db)?,
        endpoint_id: row.try_get(2).map_err(db)?,
        status: row.try_get(3).map_err(db)?,
        next_attempt_ms: row.try_get(4).map_err(db)?,
        attempt,
    })
}
