//! SQLite migrations, tracked with `PRAGMA user_version` (stored in the file header, so it
//! changes atomically with the migration's transaction).

use rusqlite::Connection;

use super::db;
use crate::StoreError;

/// Migration `n` (1-based) brings `user_version` from `n - 1` to `n`. Append only.
const MIGRATIONS: &[&str] = &[V1, V2, V3, V4];

/// Tables are STRICT so a type mistake fails loudly instead of storing text in an integer.
///
/// `seq` is the rowid with AUTOINCREMENT, so insertion order stays monotonic even if rows are
/// ever purged. Every list index ends in (created, seq): the list order, so pages are range
/// scans. The partial predicates match the list query's `deleted = 0` (see `query.rs`), and the
/// per-filter indexes only hold the rows that have that column.
const V1: &str = "
CREATE TABLE accounts (
    id TEXT NOT NULL PRIMARY KEY,
    secret_key TEXT NOT NULL UNIQUE,
    publishable_key TEXT NOT NULL UNIQUE,
    created INTEGER NOT NULL
) STRICT;

CREATE TABLE objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    created INTEGER NOT NULL,
    version INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    customer TEXT,
    payment_intent TEXT,
    charge TEXT,
    tag TEXT,
    body TEXT NOT NULL
) STRICT;

CREATE INDEX objects_list ON objects (account, kind, created, seq)
    WHERE deleted = 0;
CREATE INDEX objects_customer ON objects (account, kind, customer, created, seq)
    WHERE customer IS NOT NULL AND deleted = 0;
CREATE INDEX objects_payment_intent ON objects (account, kind, payment_intent, created, seq)
    WHERE payment_intent IS NOT NULL AND deleted = 0;
CREATE INDEX objects_charge ON objects (account, kind, charge, created, seq)
    WHERE charge IS NOT NULL AND deleted = 0;
CREATE INDEX objects_tag ON objects (account, kind, tag, created, seq)
    WHERE tag IS NOT NULL AND deleted = 0;

CREATE TABLE idempotency_keys (
    account TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    request_id TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (account, key)
) STRICT;

CREATE INDEX idempotency_keys_created ON idempotency_keys (created);
";

/// The webhook outbox (see `outbox.rs`). Deliveries are keyed by their `whdel_…` id; the
/// indexes serve, in order: claiming (pending rows in due order, so a claim reads only what it
/// takes), the next due time of leased rows, `pending_webhooks` and per-event reports (by
/// account and event), and per-account reports (newest first). Partial indexes keep finished
/// deliveries out of the dispatcher's way however many accumulate.
const V2: &str = "
CREATE TABLE webhook_deliveries (
    id TEXT NOT NULL PRIMARY KEY,
    account TEXT NOT NULL,
    event_id TEXT NOT NULL,
    endpoint_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL,
    next_attempt_ms INTEGER,
    lease_until_ms INTEGER,
    lease_token TEXT,
    created_ms INTEGER NOT NULL
) STRICT;

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_ms, id)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_leased ON webhook_deliveries (lease_until_ms)
    WHERE status = 'pending' AND lease_until_ms IS NOT NULL;
CREATE INDEX webhook_deliveries_event
    ON webhook_deliveries (account, event_id, created_ms, id);
CREATE INDEX webhook_deliveries_account ON webhook_deliveries (account, created_ms, id);

CREATE TABLE webhook_attempts (
    delivery_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    status_code INTEGER,
    latency_ms INTEGER NOT NULL,
    error TEXT,
    response_snippet TEXT,
    PRIMARY KEY (delivery_id, attempt)
) STRICT, WITHOUT ROWID;
";

/// API request logs (`request_logs.rs`). `seq` is the list order and the retention's; the
/// indexes serve an account's pages (newest first), a `Request-Id` lookup and an object's
/// requests (a payment's timeline). Status, method and path filters read an account's rows
/// in `seq` order and skip the others.
const V3: &str = "
CREATE TABLE request_logs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    account TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL,
    idempotency_key TEXT,
    replayed INTEGER NOT NULL,
    latency_us INTEGER NOT NULL,
    source_ip TEXT,
    user_agent TEXT,
    object TEXT,
    params TEXT NOT NULL,
    response TEXT NOT NULL
) STRICT;

CREATE INDEX request_logs_account ON request_logs (account, seq);
CREATE INDEX request_logs_id ON request_logs (id);
CREATE INDEX request_logs_object ON request_logs (account, object, seq)
    WHERE object IS NOT NULL;
";

/// Index keys that earlier versions left empty, filled for the objects they stored (the
/// server fills them on every write since): a PaymentIntent's status in `tag` (the
/// dashboard's status filter), and an event's payment and customer (`Event::subject`: the
/// object's id when it is a PaymentIntent or a customer, else its `payment_intent` and
/// `customer` when they are ids), through which an object's events are listed.
const V4: &str = "
UPDATE objects SET tag = body ->> '$.status' WHERE kind = 'payment_intent';

UPDATE objects SET
    payment_intent = CASE
        WHEN body ->> '$.data.object.object' = 'payment_intent'
            THEN body ->> '$.data.object.id'
        WHEN json_type(body, '$.data.object.payment_intent') = 'text'
            THEN body ->> '$.data.object.payment_intent'
    END,
    customer = CASE
        WHEN body ->> '$.data.object.object' = 'customer' THEN body ->> '$.data.object.id'
        WHEN json_type(body, '$.data.object.customer') = 'text'
            THEN body ->> '$.data.object.customer'
    END
WHERE kind = 'event';
";

/// The request logs' own file (`log_file.rs`): the table and indexes of [`V3`], created if
/// missing, but the account's index, which also holds the filtered columns. Since the logs
/// moved out of the main file, its `request_logs` table is unused.
pub(super) const LOG_FILE_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS request_logs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    account TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL,
    idempotency_key TEXT,
    replayed INTEGER NOT NULL,
    latency_us INTEGER NOT NULL,
    source_ip TEXT,
    user_agent TEXT,
    object TEXT,
    params TEXT NOT NULL,
    response TEXT NOT NULL
) STRICT;

CREATE INDEX IF NOT EXISTS request_logs_id ON request_logs (id);
CREATE INDEX IF NOT EXISTS request_logs_object ON request_logs (account, object, seq)
    WHERE object IS NOT NULL;

-- An account's pages, newest first, with the columns its filters test (status, method,
-- path): a filtered page reads index entries, and only the rows it shows. (The first logs
-- files had this index without the three columns.)
DROP INDEX IF EXISTS request_logs_account;
CREATE INDEX IF NOT EXISTS request_logs_page ON request_logs (account, seq, status, method, path);
";

/// Applies the missing migrations in one `BEGIN IMMEDIATE` transaction, which also serialises
/// two processes migrating the same file.
pub(super) fn migrate(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch("BEGIN IMMEDIATE").map_err(db)?;
    let result = apply(conn).and_then(|()| conn.execute_batch("COMMIT").map_err(db));
    if result.is_err() && !conn.is_autocommit() {
        // The original error is what matters; a failed rollback adds nothing to it.
        let _ = conn.execute_batch("ROLLBACK");
    }
    result
}

fn apply(conn: &Connection) -> Result<(), StoreError> {
    let current: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(db)?;
    let current = usize::try_from(current).unwrap_or(usize::MAX);
    if current > MIGRATIONS.len() {
        return Err(StoreError::Backend(format!(
            "database schema version {current} is newer than this build of Tender knows ({})",
            MIGRATIONS.len()
        )));
    }
    for (done, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        conn.execute_batch(sql).map_err(db)?;
        tracing::info!(version = done + 1, "applied SQLite migration");
    }
    conn.pragma_update(None, "user_version", MIGRATIONS.len())
        .map_err(db)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A database of version 3 whose PaymentIntent and events were stored without the index
    /// keys V4 fills.
    #[test]
    fn v4_fills_the_index_keys_earlier_versions_left_empty() {
        let conn = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..3] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 3).unwrap();
        let insert = |id: &str, kind: &str, body: &str| {
            conn.execute(
                "INSERT INTO objects (account, id, kind, created, version, body) \
                 VALUES ('acct_1', ?1, ?2, 1, 1, ?3)",
                rusqlite::params![id, kind, body],
            )
            .unwrap();
        };
        insert(
            "pi_1",
            "payment_intent",
            r#"{"id":"pi_1","status":"canceled"}"#,
        );
        insert(
            "evt_1",
            "event",
            r#"{"data":{"object":{"id":"pi_1","object":"payment_intent","customer":"cus_1"}}}"#,
        );
        insert(
            "evt_2",
            "event",
            r#"{"data":{"object":{"id":"ch_1","object":"charge","payment_intent":"pi_1","customer":null}}}"#,
        );
        insert(
            "evt_3",
            "event",
            r#"{"data":{"object":{"id":"cus_1","object":"customer"}}}"#,
        );
        insert(
            "evt_4",
            "event",
            r#"{"data":{"object":{"id":"in_1","object":"invoice","customer":{"id":"cus_1"}}}}"#,
        );
        migrate(&conn).unwrap();
        let keys = |id: &str| -> (Option<String>, Option<String>, Option<String>) {
            conn.query_row(
                "SELECT customer, payment_intent, tag FROM objects WHERE id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .unwrap()
        };
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(keys("pi_1"), (None, None, some("canceled")));
        assert_eq!(keys("evt_1"), (some("cus_1"), some("pi_1"), None));
        assert_eq!(keys("evt_2"), (None, some("pi_1"), None));
        assert_eq!(keys("evt_3"), (some("cus_1"), None, None));
        assert_eq!(
            keys("evt_4"),
            (None, None, None),
            "an expanded customer is no id"
        );
    }
}
