//! Request logs on PostgreSQL: a batch is one `INSERT … SELECT FROM unnest(…)` (one round
//! trip, whatever its size), pages and pruning share their SQL with SQLite
//! (`crate::request_logs`).

use deadpool_postgres::Object;
use tokio_postgres::Row;

use super::db;
use super::read::bind;
use crate::query::Dialect;
use crate::request_logs::{self, storable};
use crate::{RequestLog, RequestLogQuery, StoreError};

/// `WITH ORDINALITY … ORDER BY` keeps the batch's order in `seq`.
const INSERT: &str = "INSERT INTO request_logs (id, account, created_ms, method, path, status, \
     idempotency_key, replayed, latency_us, source_ip, user_agent, object, params, response) \
     SELECT id, account, created_ms, method, path, status, idempotency_key, replayed, \
     latency_us, source_ip, user_agent, object, params, response \
     FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bigint[], \
     $7::text[], $8::bool[], $9::bigint[], $10::text[], $11::text[], $12::text[], $13::text[], \
     $14::text[]) WITH ORDINALITY AS t(id, account, created_ms, method, path, status, \
     idempotency_key, replayed, latency_us, source_ip, user_agent, object, params, response, n) \
     ORDER BY n";

pub(super) async fn insert(client: &Object, logs: &[RequestLog]) -> Result<(), StoreError> {
    let text = |f: fn(&RequestLog) -> &str| -> Vec<String> {
        logs.iter().map(|l| storable(f(l)).into_owned()).collect()
    };
    let optional = |f: fn(&RequestLog) -> &Option<String>| -> Vec<Option<String>> {
        logs.iter()
            .map(|l| f(l).as_deref().map(|t| storable(t).into_owned()))
            .collect()
    };
    let int = |f: fn(&RequestLog) -> i64| -> Vec<i64> { logs.iter().map(f).collect() };
    let replayed: Vec<bool> = logs.iter().map(|l| l.replayed).collect();
    let stmt = client.prepare_cached(INSERT).await.map_err(db)?;
    client
        .execute(
            &stmt,
            &[
                &text(|l| &l.id),
                &text(|l| &l.account),
                &int(|l| l.created_ms),
                &text(|l| &l.method),
                &text(|l| &l.path),
                &int(|l| l.status),
                &optional(|l| &l.idempotency_key),
                &replayed,
                &int(|l| l.latency_us),
                &optional(|l| &l.source_ip),
                &optional(|l| &l.user_agent),
                &optional(|l| &l.object),
                &text(|l| &l.params),
                &text(|l| &l.response),
            ],
        )
        .await
        .map_err(db)?;
    Ok(())
}

pub(super) async fn select(
    client: &Object,
    query: &RequestLogQuery,
) -> Result<Vec<RequestLog>, StoreError> {
    let Some((sql, params)) = request_logs::select_sql(Dialect::Postgres, query) else {
        return Ok(Vec::new());
    };
    let stmt = client.prepare_cached(&sql).await.map_err(db)?;
    let rows = client.query(&stmt, &bind(&params)).await.map_err(db)?;
    rows.iter().map(row).collect::<Result<_, _>>().map_err(db)
}

pub(super) async fn prune(
    client: &Object,
    older_than_ms: i64,
    keep_rows: i64,
    chunk: i64,
) -> Result<u64, StoreError> {
    let stmt = client
        .prepare_cached(&request_logs::prune_sql(Dialect::Postgres))
        .await
        .map_err(db)?;
    client
        .execute(&stmt, &[&older_than_ms, &keep_rows, &chunk])
        .await
        .map_err(db)
}

fn row(row: &Row) -> Result<RequestLog, tokio_postgres::Error> {
    Ok(RequestLog {
        seq: row.try_get(0)?,
        id: row.try_get(1)?,
        account: row.try_get(2)?,
        created_ms: row.try_get(3)?,
        method: row.try_get(4)?,
        path: row.try_get(5)?,
        status: row.try_get(6)?,
        idempotency_key: row.try_get(7)?,
        replayed: row.try_get(8)?,
        latency_us: row.try_get(9)?,
        source_ip: row.try_get(10)?,
        user_agent: row.try_get(11)?,
        object: row.try_get(12)?,
        params: row.try_get(13)?,
        response: row.try_get(14)?,
    })
}
