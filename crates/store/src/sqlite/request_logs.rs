//! Request logs on SQLite, in their own file (`log_file.rs`): inserts, pruning and deletions
//! are jobs of that file's writer thread, pages are reads. Shared SQL in
//! `crate::request_logs`.

use rusqlite::{Connection, Row, params, params_from_iter};

use super::db;
use super::read::bind;
use crate::query::Dialect;
use crate::request_logs::{self, storable};
use crate::{RequestLog, RequestLogQuery, StoreError};

pub(super) fn insert(conn: &Connection, logs: &[RequestLog]) -> Result<(), StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO request_logs (id, account, created_ms, method, path, status, \
             idempotency_key, replayed, latency_us, source_ip, user_agent, object, params, \
             response) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )
        .map_err(db)?;
    for log in logs {
        let optional = |text: &Option<String>| text.as_deref().map(|t| storable(t).into_owned());
        stmt.execute(params![
            storable(&log.id),
            storable(&log.account),
            log.created_ms,
            storable(&log.method),
            storable(&log.path),
            log.status,
            optional(&log.idempotency_key),
            log.replayed,
            log.latency_us,
            optional(&log.source_ip),
            optional(&log.user_agent),
            optional(&log.object),
            storable(&log.params),
            storable(&log.response),
        ])
        .map_err(db)?;
    }
    Ok(())
}

pub(super) fn select(
    conn: &Connection,
    query: &RequestLogQuery,
) -> Result<Vec<RequestLog>, StoreError> {
    let Some((sql, params)) = request_logs::select_sql(Dialect::Sqlite, query) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(&sql).map_err(db)?;
    stmt.query_map(params_from_iter(bind(&params)), row)
        .and_then(|rows| rows.collect())
        .map_err(db)
}

pub(super) fn prune(
    conn: &Connection,
    older_than_ms: i64,
    keep_rows: i64,
    chunk: i64,
) -> Result<u64, StoreError> {
    let deleted = conn
        .prepare_cached(&request_logs::prune_sql(Dialect::Sqlite))
        .and_then(|mut stmt| stmt.execute(params![older_than_ms, keep_rows, chunk]))
        .map_err(db)?;
    Ok(u64::try_from(deleted).unwrap_or(u64::MAX))
}

pub(super) fn delete_account(conn: &Connection, account: &str) -> Result<u64, StoreError> {
    let deleted = conn
        .prepare_cached("DELETE FROM request_logs WHERE account = ?1")
        .and_then(|mut stmt| stmt.execute(params![account]))
        .map_err(db)?;
    Ok(u64::try_from(deleted).unwrap_or(u64::MAX))
}

fn row(row: &Row<'_>) -> rusqlite::Result<RequestLog> {
    Ok(RequestLog {
        seq: row.get(0)?,
        id: row.get(1)?,
        account: row.get(2)?,
        created_ms: row.get(3)?,
        method: row.get(4)?,
        path: row.get(5)?,
        status: row.get(6)?,
        idempotency_key: row.get(7)?,
        replayed: row.get(8)?,
        latency_us: row.get(9)?,
        source_ip: row.get(10)?,
        user_agent: row.get(11)?,
        object: row.get(12)?,
        params: row.get(13)?,
        response: row.get(14)?,
    })
}
