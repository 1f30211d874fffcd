//! The SQLite store on a database held in this process's memory (`tender serve --database
//! memory`): the same schema, SQL, writer thread and readers as on a file, so it behaves as
//! the file does and passes the same conformance suite (decision 0020).
//!
//! Several connections (the writer and the readers) must see one database, so it is opened
//! through SQLite's `memdb` VFS with a name starting with `/` (`file:/NAME?vfs=memdb`): every
//! connection of this process naming it shares it, and it is freed when the last one closes.
//! A plain `:memory:` would give each connection a database of its own, and shared-cache mode
//! (`mode=memory&cache=shared`) answers a reader that meets a writer with `SQLITE_LOCKED`,
//! which no busy timeout retries.
//!
//! `memdb` has no WAL: readers and the writer use the rollback journal's locks, so a reader
//! waits while a write transaction is open. Writes take microseconds in memory, and SQLite's
//! default busy handler sleeps at least a millisecond, so connections here wait by yielding
//! first (`busy`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{db, open_connection};
use crate::StoreError;

/// Distinguishes the in-memory databases of one process: each open is a new, empty one.
static NEXT: AtomicU64 = AtomicU64::new(0);

/// Busy retries spent yielding the thread before sleeping between retries.
const YIELDS: i32 = 200;
/// The sleep between later retries, and how many of them before giving up (about 5 s, as
/// the file's busy timeout).
const NAP: Duration = Duration::from_micros(100);
const NAPS: i32 = 50_000;

/// A fresh database's URI and its writable connection.
pub(super) fn open_writer() -> Result<(PathBuf, Connection), StoreError> {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let uri = PathBuf::from(format!(
        "file:/tender-memory-{}-{n}?vfs=memdb",
        std::process::id()
    ));
    let conn = open_connection(&uri, OpenFlags::default() | OpenFlags::SQLITE_OPEN_URI)?;
    configure(&conn)?;
    // Nothing to make durable: no fsync, and the journal (needed for rollbacks) in memory.
    conn.pragma_update(None, "synchronous", "OFF").map_err(db)?;
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "MEMORY", |row| row.get(0))
        .map_err(db)?;
    if !mode.eq_ignore_ascii_case("memory") {
        return Err(StoreError::Backend(format!(
            "in-memory database: cannot set journal_mode=MEMORY (got {mode})"
        )));
    }
    Ok((uri, conn))
}

/// A read-only connection to the database `open_writer` made (which must still be open).
pub(super) fn open_reader(uri: &Path) -> Result<Connection, StoreError> {
    let conn = open_connection(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    configure(&conn)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> Result<(), StoreError> {
    // Replaces the busy timeout `open_connection` set (SQLite keeps one or the other).
    conn.busy_handler(Some(busy)).map_err(db)
}

/// Called by SQLite with the number of retries so far; `true` retries once more.
fn busy(retries: i32) -> bool {
    if retries < YIELDS {
        std::thread::yield_now();
        true
    } else if retries < YIELDS + NAPS {
        std::thread::sleep(NAP);
        true
    } else {
        false
    }
}
