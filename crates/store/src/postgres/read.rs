//! Lists (point reads are in `lookups.rs`).

use deadpool_postgres::{GenericClient, Object};
use tokio_postgres::types::ToSql;
use tokio_postgres::{IsolationLevel, Row};

use super::db;
use crate::query::{self, Anchor, Dialect, Param};
use crate::{IndexKeys, ListQuery, Record, StoreError, TagFilter};

/// A prefix filter takes two statements (expansion, then page); they run in one read-only
/// REPEATABLE READ transaction so that both see the same snapshot. Other lists are one
/// statement (the cursor's position never changes) and skip the transaction's round trips.
pub(super) async fn list(
    client: &mut Object,
    query: &ListQuery,
) -> Result<Vec<Record>, StoreError> {
    if !needs_snapshot(query) {
        return list_in(&*client, query).await;
    }
    let snapshot = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await
        .map_err(db)?;
    let records = list_in(&snapshot, query).await?;
    snapshot.commit().await.map_err(db)?;
    Ok(records)
}

/// Whether `query` takes more than one statement that must see one snapshot (see [`list`]).
pub(super) fn needs_snapshot(query: &ListQuery) -> bool {
    matches!(query.tag, Some(TagFilter::Prefix(_)))
}

/// A list on `client` as it is: in its transaction, if it has one, else in one statement's
/// snapshot (enough unless [`needs_snapshot`]).
pub(super) async fn list_in(
    client: &impl GenericClient,
    query: &ListQuery,
) -> Result<Vec<Record>, StoreError> {
    let anchor = match &query.cursor {
        None => None,
        Some(cursor) => {
            let id = query::cursor_id(cursor);
            let stmt = client
                .prepare_cached(query::cursor_sql(Dialect::Postgres))
                .await
                .map_err(db)?;
            let row = client
                .query_opt(&stmt, &[&query.account, &query.kind, &id])
                .await
                .map_err(db)?
                .ok_or_else(|| StoreError::CursorNotFound(id.into()))?;
            Some(Anchor::new(
                cursor,
                row.try_get(0).map_err(db)?,
                row.try_get(1).map_err(db)?,
            ))
        }
    };
    let expanded = match &query.tag {
        Some(TagFilter::Prefix(prefix)) => {
            let (text, params) = query::prefix_tags_sql(Dialect::Postgres, query, prefix);
            let stmt = client.prepare_cached(&text).await.map_err(db)?;
            let rows = client.query(&stmt, &bind(&params)).await.map_err(db)?;
            let tags = rows
                .iter()
                .map(|row| row.try_get(0))
                .collect::<Result<Vec<String>, _>>()
                .map_err(db)?;
            query::expand_prefix(query, tags)
        }
        _ => None,
    };
    let sql = query::list_sql(
        Dialect::Postgres,
        expanded.as_ref().unwrap_or(query),
        anchor,
    );
    let stmt = client.prepare_cached(&sql.text).await.map_err(db)?;
    let rows = client.query(&stmt, &bind(&sql.params)).await.map_err(db)?;
    let mut records = rows
        .iter()
        .map(record)
        .collect::<Result<Vec<_>, _>>()
        .map_err(db)?;
    if sql.reversed {
        records.reverse();
    }
    Ok(records)
}

pub(super) fn bind(params: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|param| match param {
            Param::Text(text) => text as &(dyn ToSql + Sync),
            Param::Int(int) => int as &(dyn ToSql + Sync),
        })
        .collect()
}

/// Decodes the [`query::RECORD_COLUMNS`] of a row.
pub(super) fn record(row: &Row) -> Result<Record, tokio_postgres::Error> {
    Ok(Record {
        account: row.try_get(0)?,
        id: row.try_get(1)?,
        kind: row.try_get(2)?,
        created: row.try_get(3)?,
        version: row.try_get(4)?,
        deleted: row.try_get(5)?,
        index: IndexKeys {
            customer: row.try_get(6)?,
            payment_intent: row.try_get(7)?,
            charge: row.try_get(8)?,
            tag: row.try_get(9)?,
        },
        body: row.try_get(10)?,
    })
}
