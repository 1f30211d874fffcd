//! PostgreSQL migrations, tracked in `schema_version`.

use deadpool_postgres::Object;

use super::db;
use crate::StoreError;

/// Migration `n` (1-based) brings `schema_version` from `n - 1` to `n`. Append only.
const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6];

/// The first key of the advisory lock that serialises migrations ("TEND"); the second is a
/// hash of the schema, so tests migrating their own schemas do not wait on each other.
const LOCK_CLASS: i32 = 0x5445_4e44;

/// Creates `schema` (a checked identifier) under the same lock as its migrations: like
/// `CREATE TABLE`, `CREATE SCHEMA IF NOT EXISTS` fails when two sessions race it.
pub(super) fn create_schema_sql(schema: &str) -> String {
    format!(
        "BEGIN; SELECT pg_advisory_xact_lock({LOCK_CLASS}, hashtext('{schema}')); \
         CREATE SCHEMA IF NOT EXISTS {schema}; COMMIT"
    )
}

/// Same shape as SQLite's (see `sqlite/schema.rs`). Constraint names are spelled out because
/// `write.rs` maps unique violations by name. `tag` uses the "C" collation so that ordering is
/// code point order, which the prefix filter's range relies on (see `query.rs`).
const V1: &str = r#"
CREATE TABLE accounts (
    id TEXT NOT NULL CONSTRAINT accounts_pkey PRIMARY KEY,
    secret_key TEXT NOT NULL CONSTRAINT accounts_secret_key_key UNIQUE,
    publishable_key TEXT NOT NULL CONSTRAINT accounts_publishable_key_key UNIQUE,
    created BIGINT NOT NULL
);

CREATE TABLE objects (
    seq BIGINT GENERATED ALWAYS AS IDENTITY CONSTRAINT objects_pkey PRIMARY KEY,
    account TEXT NOT NULL,
    id TEXT NOT NULL CONSTRAINT objects_id_key UNIQUE,
    kind TEXT NOT NULL,
    created BIGINT NOT NULL,
    version BIGINT NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    customer TEXT,
    payment_intent TEXT,
    charge TEXT,
    tag TEXT COLLATE "C",
    body TEXT NOT NULL
);

CREATE INDEX objects_list ON objects (account, kind, created, seq)
    WHERE NOT deleted;
CREATE INDEX objects_customer ON objects (account, kind, customer, created, seq)
    WHERE customer IS NOT NULL AND NOT deleted;
CREATE INDEX objects_payment_intent ON objects (account, kind, payment_intent, created, seq)
    WHERE payment_intent IS NOT NULL AND NOT deleted;
CREATE INDEX objects_charge ON objects (account, kind, charge, created, seq)
    WHERE charge IS NOT NULL AND NOT deleted;
CREATE INDEX objects_tag ON objects (account, kind, tag, created, seq)
    WHERE tag IS NOT NULL AND NOT deleted;

CREATE TABLE idempotency_keys (
    account TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    request_id TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created BIGINT NOT NULL,
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (account, key)
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created);
"#;

/// The webhook outbox; same shape and indexes as SQLite's V2 (see `sqlite/schema.rs`).
const V2: &str = r#"
CREATE TABLE webhook_deliveries (
    id TEXT NOT NULL CONSTRAINT webhook_deliveries_pkey PRIMARY KEY,
    account TEXT NOT NULL,
    event_id TEXT NOT NULL,
    endpoint_id TEXT NOT NULL,
    status TEXT NOT NULL CONSTRAINT webhook_deliveries_status
        CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts BIGINT NOT NULL,
    next_attempt_ms BIGINT,
    lease_until_ms BIGINT,
    lease_token TEXT,
    created_ms BIGINT NOT NULL
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_ms, id)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_leased ON webhook_deliveries (lease_until_ms)
    WHERE status = 'pending' AND lease_until_ms IS NOT NULL;
CREATE INDEX webhook_deliveries_event
    ON webhook_deliveries (account, event_id, created_ms, id);
CREATE INDEX webhook_deliveries_account ON webhook_deliveries (account, created_ms, id);

CREATE TABLE webhook_attempts (
    delivery_id TEXT NOT NULL,
    attempt BIGINT NOT NULL,
    at_ms BIGINT NOT NULL,
    status_code INTEGER,
    latency_ms BIGINT NOT NULL,
    error TEXT,
    response_snippet TEXT,
    CONSTRAINT webhook_attempts_pkey PRIMARY KEY (delivery_id, attempt)
);
"#;

/// Bodies of 2 KB and more get compressed; PostgreSQL's default (pglz) was the largest single
/// item of its CPU profile under the payment benchmark, lz4 is several times cheaper. Servers
/// built without lz4 (or older than PostgreSQL 14) keep pglz: only new values are affected
/// either way, and both read back the same.
const V3: &str = r#"
DO $$
BEGIN
    EXECUTE 'ALTER TABLE objects ALTER COLUMN body SET COMPRESSION lz4';
    EXECUTE 'ALTER TABLE idempotency_keys ALTER COLUMN body SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
    RAISE NOTICE 'lz4 compression unavailable; bodies stay compressed with pglz';
END
$$;
"#;

/// Less work per inserted row, which the payment benchmark spends most of PostgreSQL's CPU on:
/// - `objects` loses its primary key on `seq`: nothing looks rows up by it (lists order by
///   `created, seq` through their own indexes, and `id` is unique), so it was one more index
///   to update per row. `seq` is still filled by its identity sequence.
/// - Ids, accounts, kinds and keys compare byte by byte (`COLLATE "C"`) instead of through
///   the database's locale. Equality means the same either way (a deterministic collation
///   compares equal only identical strings), and nothing orders by these columns.
const V4: &str = r#"
ALTER TABLE objects DROP CONSTRAINT objects_pkey;
ALTER TABLE objects
    ALTER COLUMN account TYPE TEXT COLLATE "C",
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN kind TYPE TEXT COLLATE "C",
    ALTER COLUMN customer TYPE TEXT COLLATE "C",
    ALTER COLUMN payment_intent TYPE TEXT COLLATE "C",
    ALTER COLUMN charge TYPE TEXT COLLATE "C";
ALTER TABLE idempotency_keys
    ALTER COLUMN account TYPE TEXT COLLATE "C",
    ALTER COLUMN key TYPE TEXT COLLATE "C";
ALTER TABLE webhook_deliveries
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN account TYPE TEXT COLLATE "C",
    ALTER COLUMN event_id TYPE TEXT COLLATE "C",
    ALTER COLUMN endpoint_id TYPE TEXT COLLATE "C";
ALTER TABLE webhook_attempts ALTER COLUMN delivery_id TYPE TEXT COLLATE "C";
"#;

/// API request logs; same shape and indexes as SQLite's V3 (see `sqlite/schema.rs`).
const V5: &str = r#"
CREATE TABLE request_logs (
    seq BIGINT GENERATED ALWAYS AS IDENTITY CONSTRAINT request_logs_pkey PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL,
    account TEXT COLLATE "C" NOT NULL,
    created_ms BIGINT NOT NULL,
    method TEXT COLLATE "C" NOT NULL,
    path TEXT COLLATE "C" NOT NULL,
    status BIGINT NOT NULL,
    idempotency_key TEXT,
    replayed BOOLEAN NOT NULL,
    latency_us BIGINT NOT NULL,
    source_ip TEXT,
    user_agent TEXT,
    object TEXT COLLATE "C",
    params TEXT NOT NULL,
    response TEXT NOT NULL
);

CREATE INDEX request_logs_account ON request_logs (account, seq);
CREATE INDEX request_logs_id ON request_logs (id);
CREATE INDEX request_logs_object ON request_logs (account, object, seq)
    WHERE object IS NOT NULL;
"#;

/// Index keys that earlier versions left empty; same as SQLite's V4 (see `sqlite/schema.rs`).
const V6: &str = r#"
UPDATE objects SET tag = body::jsonb ->> 'status' WHERE kind = 'payment_intent';

UPDATE objects SET
    payment_intent = CASE
        WHEN body::jsonb #>> '{data,object,object}' = 'payment_intent'
            THEN body::jsonb #>> '{data,object,id}'
        WHEN jsonb_typeof(body::jsonb #> '{data,object,payment_intent}') = 'string'
            THEN body::jsonb #>> '{data,object,payment_intent}'
    END,
    customer = CASE
        WHEN body::jsonb #>> '{data,object,object}' = 'customer'
            THEN body::jsonb #>> '{data,object,id}'
        WHEN jsonb_typeof(body::jsonb #> '{data,object,customer}') = 'string'
            THEN body::jsonb #>> '{data,object,customer}'
    END
WHERE kind = 'event';
"#;

/// Applies the missing migrations in one transaction holding a transaction-scoped advisory
/// lock: when several nodes start at once, one migrates and the others then find nothing to
/// do (even `CREATE TABLE IF NOT EXISTS` races without it).
pub(super) async fn migrate(client: &mut Object) -> Result<(), StoreError> {
    let tx = client.transaction().await.map_err(db)?;
    // `current_schema()` is NULL when the search path names no existing schema; the strict
    // lock function would then silently not lock, hence the coalesce.
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext(coalesce(current_schema(), '')))",
        &[&LOCK_CLASS],
    )
    .await
    .map_err(db)?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        .await
        .map_err(db)?;
    let current: Option<i32> = tx
        .query_one("SELECT max(version) FROM schema_version", &[])
        .await
        .map_err(db)?
        .try_get(0)
        .map_err(db)?;
    let current = usize::try_from(current.unwrap_or(0)).unwrap_or(usize::MAX);
    if current > MIGRATIONS.len() {
        return Err(StoreError::Backend(format!(
            "database schema version {current} is newer than this build of Tender knows ({})",
            MIGRATIONS.len()
        )));
    }
    if current == MIGRATIONS.len() {
        return tx.commit().await.map_err(db);
    }
    for (done, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        tx.batch_execute(sql).await.map_err(db)?;
        tracing::info!(version = done + 1, "applied PostgreSQL migration");
    }
    let latest = i32::try_from(MIGRATIONS.len())
        .map_err(|_| StoreError::Backend("too many migrations".into()))?;
    tx.execute("DELETE FROM schema_version", &[])
        .await
        .map_err(db)?;
    tx.execute(
        "INSERT INTO schema_version (version) VALUES ($1)",
        &[&latest],
    )
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)
}
