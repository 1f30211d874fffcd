//! `tender snapshot save|restore`: the whole state of a SQLite database copied to a file
//! while its server runs, and put back while none does (decision 0020).

use std::path::Path;
use std::time::Duration;

use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};

use super::db;
use crate::StoreError;

/// Pages copied per step of a restore (the copy is not shared: steps only bound memory).
const PAGES_PER_STEP: std::os::raw::c_int = 1024;

/// Copies the database at `database` into the new file `file`, consistent as of one moment,
/// while the server may be writing: `VACUUM INTO` reads in one read transaction (in WAL
/// mode it never blocks the writer) and writes a compact copy. Refuses an existing `file`.
pub fn save(database: &Path, file: &Path) -> Result<(), StoreError> {
    if file.exists() {
        return Err(StoreError::Backend(format!(
            "{} already exists: choose a new file",
            file.display()
        )));
    }
    if !database.exists() {
        return Err(StoreError::Backend(format!(
            "no database at {}",
            database.display()
        )));
    }
    // Read-write, not created: a read-only connection cannot open a WAL database whose
    // shared-memory file is missing (no server running). Nothing is written to it.
    let conn = Connection::open_with_flags(
        database,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| StoreError::Backend(format!("opening {}: {e}", database.display())))?;
    conn.busy_timeout(Duration::from_secs(5)).map_err(db)?;
    check_is_tender(&conn, database)?;
    let target = file
        .to_str()
        .ok_or_else(|| StoreError::Backend(format!("{} is not UTF-8", file.display())))?;
    conn.execute("VACUUM INTO ?1", [target])
        .map_err(|e| StoreError::Backend(format!("writing {}: {e}", file.display())))?;
    Ok(())
}

/// Replaces the whole content of `database` (created if missing) by the snapshot `file`,
/// through SQLite's backup API, in one transaction. Refuses while any other connection has
/// the database open (a server running on it, or a command): with an exclusive lock taken
/// first, nobody can read a half-restored database, and a running server, which keeps some
/// of the state in memory, is never pulled from under.
pub fn restore(file: &Path, database: &Path) -> Result<(), StoreError> {
    if !file.exists() {
        return Err(StoreError::Backend(format!(
            "no snapshot at {}",
            file.display()
        )));
    }
    let source = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| StoreError::Backend(format!("opening {}: {e}", file.display())))?;
    check_is_tender(&source, file)?;
    if let Some(parent) = database.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| StoreError::Backend(format!("creating {}: {e}", parent.display())))?;
    }
    let mut target = Connection::open(database)
        .map_err(|e| StoreError::Backend(format!("opening {}: {e}", database.display())))?;
    // No waiting: another connection means a server (or command) is using it right now.
    target.busy_timeout(Duration::ZERO).map_err(db)?;
    // Exclusive locking mode keeps the lock from the first transaction until the connection
    // closes; in WAL mode every open connection holds a shared lock on the file, so taking
    // it fails while anyone else has the database open.
    target
        .pragma_update(None, "locking_mode", "EXCLUSIVE")
        .map_err(db)?;
    target
        .execute_batch("BEGIN EXCLUSIVE; COMMIT;")
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Backend(format!(
                    "{} is in use (is a server running on it?): stop it, then restore",
                    database.display()
                ))
            }
            _ => db(e),
        })?;
    let backup = Backup::new(&source, &mut target).map_err(db)?;
    backup
        .run_to_completion(PAGES_PER_STEP, Duration::ZERO, None)
        .map_err(|e| StoreError::Backend(format!("restoring {}: {e}", database.display())))?;
    Ok(())
}

/// Whether the file at `path` (open as `conn`) is a Tender database: migrated, with accounts.
fn check_is_tender(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|e| StoreError::Backend(format!("reading {}: {e}", path.display())))?;
    let accounts: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'accounts')",
            [],
            |row| row.get(0),
        )
        .map_err(|e| StoreError::Backend(format!("reading {}: {e}", path.display())))?;
    if version < 1 || !accounts {
        return Err(StoreError::Backend(format!(
            "{} is not a Tender database",
            path.display()
        )));
    }
    Ok(())
}
