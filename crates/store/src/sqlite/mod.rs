//! The embedded SQLite backend.
//!
//! Layout:
//! - `writer`: the one writer thread. SQLite allows one writer at a time anyway; funnelling every
//!   write through one thread lets it batch the units of work that arrive while the previous
//!   batch was being fsynced into one transaction (group commit), which is what makes
//!   `synchronous=FULL` affordable under load.
//! - `read`: a small pool of read-only connections, used on the calling thread. In WAL mode they
//!   read the last committed state without ever waiting for the writer.
//! - `schema`: migrations, tracked with `PRAGMA user_version`.
//! - `outbox`: the webhook deliveries; claims and finishes are writer jobs, reports are reads.
//! - `log_file`: the API request logs, in a file of their own with its own writer thread, so
//!   that logging every request costs the main file's writer nothing.
//! - `snapshot`: copying a database to a file online, and back (`tender snapshot`).
//! - `memory`: the same store on a database that lives in this process's memory only
//!   (`tender serve --database memory`, decision 0020).

mod log_file;
mod memory;
mod outbox;
#[cfg(test)]
mod plans;
mod read;
mod request_logs;
mod schema;
pub mod snapshot;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, Row};

use crate::outbox::check_finish;
use crate::query::check_unit;
use crate::{
    Account, AccountReset, ClaimedDelivery, DeliveryAttempt, DeliveryOutcome, DeliveryReport,
    IdempotencyRecord, IndexKeys, ListQuery, Record, RequestLog, RequestLogQuery, Store,
    StoreError, UnitOfWork,
};

/// How long a connection waits for a lock held by another process (or by a checkpoint) before
/// giving up. Within this process only the writer thread writes, so this is rarely hit.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Enough for every list shape (filters × cursor direction) plus the point queries.
const STATEMENT_CACHE: usize = 128;

/// Tuning of the SQLite backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SqliteOptions {
    /// `synchronous=FULL` (the default): a committed request survives power loss. `false`
    /// selects `NORMAL`: in WAL mode still safe against process crashes and never corrupt, but
    /// the last commits may be lost on power failure, in exchange for not fsyncing per batch.
    pub synchronous_full: bool,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            synchronous_full: true,
        }
    }
}

/// The SQLite [`Store`]. Dropping it stops the writer thread after the queued work is done.
pub struct SqliteStore {
    /// Declared (so dropped) before the writer: the last connection to close checkpoints the
    /// WAL and removes it, which only the writable one can do.
    readers: Arc<read::Readers>,
    writer: writer::Writer,
    logs: log_file::LogFile,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and its missing parent
    /// directories. Blocking; does not migrate (call [`Store::migrate`], or use
    /// [`crate::connect`]).
    pub fn open(path: &Path, options: SqliteOptions) -> Result<SqliteStore, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| StoreError::Backend(format!("creating {}: {e}", parent.display())))?;
        }
        let conn = open_connection(path, OpenFlags::default())?;
        use_wal(&conn, path)?;
        let synchronous = if options.synchronous_full {
            "FULL"
        } else {
            "NORMAL"
        };
        conn.pragma_update(None, "synchronous", synchronous)
            .map_err(db)?;
        // WAL checkpoints stay automatic, in this (the writer's) connection, right after a
        // commit: the WAL can only restart from its beginning when a write transaction begins
        // with every frame checkpointed, which a checkpoint on another thread, racing the
        // writer's next batch, almost never achieves. Tried: the WAL then grew without bound
        // (1.4 GB in 8 s of load) and a restart after a crash took 0.8 s to recover it.
        // Readers open after the writer so that the file and its WAL already exist: a
        // read-only connection cannot create them.
        let readers = Arc::new(read::Readers::new(path.to_path_buf(), false));
        Ok(SqliteStore {
            readers,
            writer: writer::Writer::start(conn)?,
            logs: log_file::LogFile::open(path)?,
        })
    }

    /// Opens a new, empty database in this process's memory, gone when the store is dropped
    /// (`memory.rs`). Does not migrate.
    pub fn open_in_memory() -> Result<SqliteStore, StoreError> {
        let (uri, conn) = memory::open_writer()?;
        // The writer's connection keeps the database alive; readers open after it.
        let writer = writer::Writer::start(conn)?;
        Ok(SqliteStore {
            readers: Arc::new(read::Readers::new(uri, true)),
            writer,
            logs: log_file::LogFile::open_in_memory()?,
        })
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn migrate(&self) -> Result<(), StoreError> {
        self.writer.migrate().await
    }

    async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.readers.run(read::accounts).await
    }

    async fn create_account(&self, account: &Account) -> Result<(), StoreError> {
        self.writer.create_account(account.clone()).await
    }

    async fn get(&self, account: &str, id: &str) -> Result<Option<Record>, StoreError> {
        let (account, id) = (account.to_owned(), id.to_owned());
        self.readers
            .run(move |conn| read::get(conn, &account, &id))
            .await
    }

    async fn list(&self, query: &ListQuery) -> Result<Vec<Record>, StoreError> {
        let query = query.clone();
        self.readers.run(move |conn| read::list(conn, &query)).await
    }

    async fn commit(&self, unit: UnitOfWork) -> Result<(), StoreError> {
        check_unit(&unit)?;
        self.writer.commit(unit).await
    }

    async fn idempotency(
        &self,
        account: &str,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        let (account, key) = (account.to_owned(), key.to_owned());
        self.readers
            .run(move |conn| read::idempotency(conn, &account, &key))
            .await
    }

    async fn prune_idempotency(&self, older_than: i64) -> Result<u64, StoreError> {
        self.writer.prune_idempotency(older_than).await
    }

    async fn reset_account(&self, account: &str) -> Result<AccountReset, StoreError> {
        let mut reset = self.writer.reset_account(account.to_owned()).await?;
        // The main file's `request_logs` is only the logs from before they had a file of
        // their own: both counts are the account's logs.
        reset.request_logs += self.logs.delete_account(account).await?;
        Ok(reset)
    }

    async fn claim_deliveries(
        &self,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        self.writer.claim_deliveries(now_ms, lease_ms, limit).await
    }

    async fn finish_delivery(
        &self,
        claim: &ClaimedDelivery,
        attempt: &DeliveryAttempt,
        outcome: DeliveryOutcome,
    ) -> Result<bool, StoreError> {
        check_finish(claim, attempt)?;
        self.writer
            .finish_delivery(claim.clone(), attempt.clone(), outcome)
            .await
    }

    async fn next_delivery_due(&self) -> Result<Option<i64>, StoreError> {
        self.readers.run(outbox::next_due).await
    }

    async fn pending_webhooks(
        &self,
        account: &str,
        event_ids: &[String],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        if event_ids.is_empty() {
            return Ok(Vec::new());
        }
        let (account, event_ids) = (account.to_owned(), event_ids.to_vec());
        self.readers
            .run(move |conn| outbox::pending_webhooks(conn, &account, &event_ids))
            .await
    }

    async fn deliveries(
        &self,
        account: &str,
        event_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DeliveryReport>, StoreError> {
        let (account, event_id) = (account.to_owned(), event_id.map(str::to_owned));
        self.readers
            .run(move |conn| outbox::deliveries(conn, &account, event_id.as_deref(), limit))
            .await
    }

    async fn insert_request_logs(&self, logs: Vec<RequestLog>) -> Result<(), StoreError> {
        if logs.is_empty() {
            return Ok(());
        }
        self.logs.insert(logs).await
    }

    async fn request_logs(&self, query: &RequestLogQuery) -> Result<Vec<RequestLog>, StoreError> {
        self.logs.select(query).await
    }

    async fn prune_request_logs(
        &self,
        older_than_ms: i64,
        keep_rows: i64,
        chunk: i64,
    ) -> Result<u64, StoreError> {
        self.logs.prune(older_than_ms, keep_rows, chunk).await
    }
}

/// Splits what follows `sqlite://` into the file path and options (`?synchronous=full|normal`).
pub(crate) fn parse_url(rest: &str) -> Result<(PathBuf, SqliteOptions), StoreError> {
    let (path, params) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() {
        return Err(StoreError::Backend(
            "sqlite:// URL without a file path (e.g. sqlite://.tender/tender.db)".into(),
        ));
    }
    let mut options = SqliteOptions::default();
    for param in params.split('&').filter(|p| !p.is_empty()) {
        options.synchronous_full = match param.to_ascii_lowercase().as_str() {
            "synchronous=full" => true,
            "synchronous=normal" => false,
            _ => {
                return Err(StoreError::Backend(format!(
                    "unknown sqlite:// URL option {param:?} (known: synchronous=full|normal)"
                )));
            }
        };
    }
    Ok((PathBuf::from(path), options))
}

/// Switches the writable connection `conn` of the file `path` to WAL mode.
fn use_wal(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .map_err(db)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Backend(format!(
            "{}: cannot switch to WAL mode (got {mode})",
            path.display()
        )));
    }
    Ok(())
}

fn open_connection(path: &Path, flags: OpenFlags) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(path, flags)
        .map_err(|e| StoreError::Backend(format!("opening {}: {e}", path.display())))?;
    configure(&conn)?;
    Ok(conn)
}

/// What every connection is set up with, writer and readers alike.
fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(BUSY_TIMEOUT).map_err(db)?;
    // The query planner's stability guarantee: a plan may not depend on the values bound to
    // a statement. Without it, deciding whether a partial index (`… WHERE deleted = 0`)
    // serves a list query marks the statement's parameters as plan-relevant, and SQLite then
    // compiles the cached statement again every time new values are bound: that was 9 % of
    // the server's instructions per payment (the list of webhook endpoints each payment
    // reads). Tender's queries never need a value-dependent plan.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
        .map_err(db)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(())
}

/// Any SQLite failure the caller cannot act on.
fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// Decodes the [`crate::query::RECORD_COLUMNS`] of a row.
fn record(row: &Row<'_>) -> rusqlite::Result<Record> {
    Ok(Record {
        account: row.get(0)?,
        id: row.get(1)?,
        kind: row.get(2)?,
        created: row.get(3)?,
        version: row.get(4)?,
        deleted: row.get(5)?,
        index: IndexKeys {
            customer: row.get(6)?,
            payment_intent: row.get(7)?,
            charge: row.get(8)?,
            tag: row.get(9)?,
        },
        body: row.get(10)?,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_sqlite_urls() {
        let (path, options) = parse_url(".tender/tender.db").unwrap();
        assert_eq!(path, PathBuf::from(".tender/tender.db"));
        assert!(options.synchronous_full);
        let (path, options) = parse_url("/var/lib/t.db?synchronous=normal").unwrap();
        assert_eq!(path, PathBuf::from("/var/lib/t.db"));
        assert!(!options.synchronous_full);
        assert!(parse_url("").is_err());
        assert!(parse_url("t.db?journal=off").is_err());
    }
}
