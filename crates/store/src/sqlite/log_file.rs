//! The API request logs' own SQLite file, beside the main one (`tender.db-logs` for
//! `tender.db`), with its own writer thread and readers.
//!
//! Why a file of its own: logs are written for every request, and in the main file their
//! inserts were work of the one writer thread that every payment waits for, and bytes in its
//! WAL, checkpoints and fsyncs. Measured, that cost `payment` 28 % of its throughput
//! (docs/BENCHMARKS.md, "Request logs"); the issue allows 10 %. Here they cost the main file
//! nothing.
//!
//! Logs are a record of what happened, not state anything depends on, and no request waits
//! for them: the file is `synchronous=OFF` (WAL mode still keeps it consistent after a
//! process crash; a power loss may lose its last logs), and it is not part of the main file's
//! transactions (an account reset empties both, one after the other) or of `tender
//! snapshot`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{Connection, OpenFlags};

use super::{db, memory, open_connection, read, request_logs, schema, use_wal, writer};
use crate::{RequestLog, RequestLogQuery, StoreError};

pub(super) struct LogFile {
    /// Declared (so dropped) before the writer, as in the main store.
    readers: Arc<read::Readers>,
    writer: writer::Writer,
}

/// The logs' file for the main database file `main`.
fn log_file_path(main: &Path) -> PathBuf {
    let mut name = main.as_os_str().to_owned();
    name.push("-logs");
    PathBuf::from(name)
}

impl LogFile {
    /// Opens (creating if needed) the logs' file of the main database file `main`.
    pub(super) fn open(main: &Path) -> Result<LogFile, StoreError> {
        let path = log_file_path(main);
        let conn = open_connection(&path, OpenFlags::default())?;
        use_wal(&conn, &path)?;
        conn.pragma_update(None, "synchronous", "OFF").map_err(db)?;
        LogFile::start(conn, path, false)
    }

    /// A logs' database in this process's memory, for the in-memory store.
    pub(super) fn open_in_memory() -> Result<LogFile, StoreError> {
        let (uri, conn) = memory::open_writer()?;
        LogFile::start(conn, uri, true)
    }

    fn start(conn: Connection, path: PathBuf, in_memory: bool) -> Result<LogFile, StoreError> {
        conn.execute_batch(schema::LOG_FILE_SCHEMA).map_err(db)?;
        let writer = writer::Writer::start(conn)?;
        Ok(LogFile {
            readers: Arc::new(read::Readers::new(path, in_memory)),
            writer,
        })
    }

    pub(super) async fn insert(&self, logs: Vec<RequestLog>) -> Result<(), StoreError> {
        self.writer.insert_request_logs(logs).await
    }

    pub(super) async fn select(
        &self,
        query: &RequestLogQuery,
    ) -> Result<Vec<RequestLog>, StoreError> {
        let query = query.clone();
        self.readers
            .run(move |conn| request_logs::select(conn, &query))
            .await
    }

    pub(super) async fn prune(
        &self,
        older_than_ms: i64,
        keep_rows: i64,
        chunk: i64,
    ) -> Result<u64, StoreError> {
        self.writer
            .prune_request_logs(older_than_ms, keep_rows, chunk)
            .await
    }

    pub(super) async fn delete_account(&self, account: &str) -> Result<u64, StoreError> {
        self.writer.delete_request_logs(account.to_owned()).await
    }
}
