//! Reads, on read-only connections of their own so they never queue behind the writer.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rusqlite::types::ToSql;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params, params_from_iter};

use super::{db, open_connection, record};
use crate::query::{self, Anchor, Dialect, Param};
use crate::{Account, IdempotencyRecord, ListQuery, Record, StoreError, TagFilter};

/// Idle connections kept for reuse. Reads run on the calling thread (see [`Readers::run`]),
/// so about one connection per async worker thread is in use at a time; the surplus of a burst
/// is closed when returned, so the pool never grows without bound.
const MAX_IDLE: usize = 16;

/// A pool of read-only connections, opened on demand.
pub(super) struct Readers {
    path: PathBuf,
    /// `path` is the URI of an in-memory database (`memory.rs`), not a file.
    in_memory: bool,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    pub(super) fn new(path: PathBuf, in_memory: bool) -> Readers {
        Readers {
            path,
            in_memory,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `read` on a pooled connection, right here on the calling (async worker) thread.
    ///
    /// Every read of this store is bounded: a point lookup or an O(page) range scan over
    /// pages that are nearly always in the OS cache, so it takes microseconds. Handing each
    /// one to tokio's blocking pool instead cost two thread switches and a futex wake-up per
    /// read, more than the read itself: about a quarter of the server's CPU under load,
    /// before this change (docs/BENCHMARKS.md). A worker blocked for a few microseconds is
    /// the cheaper price.
    pub(super) async fn run<T, F>(self: &Arc<Self>, read: F) -> Result<T, StoreError>
    where
        F: FnOnce(&Connection) -> Result<T, StoreError>,
    {
        let conn = self.take()?;
        let result = read(&conn);
        self.give_back(conn);
        result
    }

    fn take(&self) -> Result<Connection, StoreError> {
        // A poisoned lock only means another reader panicked while pushing or popping; the
        // Vec itself is still a valid list of connections.
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        match idle {
            Some(conn) => Ok(conn),
            None if self.in_memory => super::memory::open_reader(&self.path),
            None => open_connection(
                &self.path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            ),
        }
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
    }
}

pub(super) fn get(
    conn: &Connection,
    account: &str,
    id: &str,
) -> Result<Option<Record>, StoreError> {
    conn.prepare_cached(&get_sql())
        .and_then(|mut stmt| stmt.query_row(params![id, account], record).optional())
        .map_err(db)
}

/// The statement of [`get`]: the id and the account, bound in that order.
pub(super) fn get_sql() -> String {
    format!(
        "SELECT {} FROM objects WHERE id = ?1 AND account = ?2",
        query::RECORD_COLUMNS
    )
}

/// Runs in one read transaction: the cursor lookup, the prefix expansion and the page then see
/// the same snapshot (a tag first committed in between could otherwise be missed).
pub(super) fn list(conn: &Connection, query: &ListQuery) -> Result<Vec<Record>, StoreError> {
    let snapshot = conn.unchecked_transaction().map_err(db)?;
    let records = list_in(conn, query)?;
    snapshot.commit().map_err(db)?;
    Ok(records)
}

fn list_in(conn: &Connection, query: &ListQuery) -> Result<Vec<Record>, StoreError> {
    let anchor = match &query.cursor {
        None => None,
        Some(cursor) => {
            let id = query::cursor_id(cursor);
            let position = conn
                .prepare_cached(query::cursor_sql(Dialect::Sqlite))
                .and_then(|mut stmt| {
                    stmt.query_row(params![query.account, query.kind, id], |row| {
                        Ok((row.get(0)?, row.get(1)?))
                    })
                    .optional()
                })
                .map_err(db)?;
            let (created, seq) = position.ok_or_else(|| StoreError::CursorNotFound(id.into()))?;
            Some(Anchor::new(cursor, created, seq))
        }
    };
    let expanded = match &query.tag {
        Some(TagFilter::Prefix(prefix)) => {
            let (text, params) = query::prefix_tags_sql(Dialect::Sqlite, query, prefix);
            let tags = conn
                .prepare_cached(&text)
                .and_then(|mut stmt| {
                    stmt.query_map(params_from_iter(bind(&params)), |row| row.get(0))?
                        .collect::<rusqlite::Result<Vec<String>>>()
                })
                .map_err(db)?;
            query::expand_prefix(query, tags)
        }
        _ => None,
    };
    let sql = query::list_sql(Dialect::Sqlite, expanded.as_ref().unwrap_or(query), anchor);
    let params = bind(&sql.params);
    let mut records = conn
        .prepare_cached(&sql.text)
        .and_then(|mut stmt| {
            stmt.query_map(params_from_iter(params), record)?
                .collect::<rusqlite::Result<Vec<Record>>>()
        })
        .map_err(db)?;
    if sql.reversed {
        records.reverse();
    }
    Ok(records)
}

pub(super) fn accounts(conn: &Connection) -> Result<Vec<Account>, StoreError> {
    conn.prepare_cached(
        "SELECT id, secret_key, publishable_key, created FROM accounts ORDER BY created, id",
    )
    .and_then(|mut stmt| {
        stmt.query_map([], |row| {
            Ok(Account {
                id: row.get(0)?,
                secret_key: row.get(1)?,
                publishable_key: row.get(2)?,
                created: row.get(3)?,
            })
        })?
        .collect()
    })
    .map_err(db)
}

pub(super) fn idempotency(
    conn: &Connection,
    account: &str,
    key: &str,
) -> Result<Option<IdempotencyRecord>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT fingerprint, request_id, status, body, created FROM idempotency_keys \
             WHERE account = ?1 AND key = ?2",
        )
        .and_then(|mut stmt| {
            stmt.query_row(params![account, key], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, i64>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, i64>(4)?,
                ))
            })
            .optional()
        })
        .map_err(db)?;
    row.map(|(fingerprint, request_id, status, body, created)| {
        Ok(IdempotencyRecord {
            account: account.into(),
            key: key.into(),
            fingerprint,
            request_id,
            status: u16::try_from(status)
                .map_err(|_| StoreError::Backend(format!("stored HTTP status {status}")))?,
            body,
            created,
        })
    })
    .transpose()
}

pub(super) fn bind(params: &[Param]) -> Vec<&dyn ToSql> {
    params
        .iter()
        .map(|param| match param {
            Param::Text(text) => text as &dyn ToSql,
            Param::Int(int) => int as &dyn ToSql,
        })
        .collect()
}
