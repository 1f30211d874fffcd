//! The PostgreSQL backend, for several `tender serve` nodes sharing one database.
//!
//! Each unit of work is one transaction on a pooled connection. Concurrency control is
//! optimistic: updates are guarded by the version the request read, and uniqueness (object ids,
//! idempotency keys, account keys) is enforced by constraints whose violations are mapped to
//! [`StoreError`]s by SQLSTATE and constraint name, never by message text.
//!
//! Layout: `schema` (migrations, serialised across nodes by an advisory lock), `read`
//! (lists), `lookups` (reads of concurrent requests answered together), `group_commit`
//! (units of concurrent requests committed together, deciding with `batch`), `write` (a unit
//! committed on its own, and accounts), `outbox` (webhook deliveries), this
//! file (connection setup, the small reads).

mod batch;
mod group_commit;
mod lookups;
mod outbox;
mod read;
mod request_logs;
mod schema;
mod write;

use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;

use crate::query;
use crate::{
    Account, AccountReset, ClaimedDelivery, Cursor, DeliveryAttempt, DeliveryOutcome,
    DeliveryReport, IdempotencyRecord, ListQuery, Record, RequestLog, RequestLogQuery, Store,
    StoreError, UnitOfWork,
};

// A dead or saturated server should fail a request, not hang it.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const POOL_WAIT: Duration = Duration::from_secs(30);

/// The PostgreSQL [`Store`].
pub struct PostgresStore {
    pool: Pool,
    group_commit: group_commit::GroupCommit,
    lookups: lookups::Lookups,
}

/// Connection options for the planner: index scans (where an index applies) and nested loops
/// only, and no JIT compilation. See `with_config`.
const PLANNER_OPTIONS: &str =
    "-c enable_seqscan=off -c enable_hashjoin=off -c enable_mergejoin=off -c jit=off";

impl PostgresStore {
    /// Connects with a `postgres://` connection string, checking that one connection can be
    /// made. Does not migrate (call [`Store::migrate`], or use [`crate::connect`]).
    pub async fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        Self::with_config(parse(url)?).await
    }

    /// Like [`PostgresStore::connect`], but every table lives in `schema` (created if missing;
    /// `search_path` is set on each pooled connection). Tests use a fresh schema each to share
    /// one database without seeing each other; [`PostgresStore::drop_schema`] cleans up.
    ///
    /// `schema` must be a plain lower-case identifier (`a-z`, `0-9`, `_`, not starting with a
    /// digit), so it means the same unquoted in SQL and in `search_path`.
    pub async fn connect_in_schema(url: &str, schema: &str) -> Result<PostgresStore, StoreError> {
        check_identifier(schema)?;
        let mut config = parse(url)?;
        one_off(&config, &schema::create_schema_sql(schema)).await?;
        let options = match config.get_options() {
            Some(options) => format!("{options} -c search_path={schema}"),
            None => format!("-c search_path={schema}"),
        };
        config.options(options);
        Self::with_config(config).await
    }

    /// Drops `schema` and everything in it: the cleanup of
    /// [`PostgresStore::connect_in_schema`].
    pub async fn drop_schema(url: &str, schema: &str) -> Result<(), StoreError> {
        check_identifier(schema)?;
        one_off(
            &parse(url)?,
            &format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
        )
        .await
    }

    async fn with_config(mut config: tokio_postgres::Config) -> Result<PostgresStore, StoreError> {
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        // Every query Tender sends is an index probe, a loop of them or an index range scan;
        // none wants a sequential scan, a hash join or a merge join. Such a plan is cheaper
        // only while a table is small, and a prepared statement keeps the plan it settles on
        // as the table grows. Seen: a list of webhook endpoints (one per payment) planned as
        // a sequential scan and a sort after an ANALYZE of the empty table, which cut a fresh
        // database's payments from about 2,600 to 800 a second as `objects` grew
        // (docs/BENCHMARKS.md); and the group commit's update, which joins `objects` with an
        // array, as a hash join (`group_commit.rs`). A query that no index serves still
        // scans: these settings only make other plans look dear, so dear that PostgreSQL
        // would compile the query (JIT, some 100 ms, seen on the migration's `max(version)`).
        // JIT pays only for long analytical queries, which Tender never sends: off.
        let options = match config.get_options() {
            Some(options) => format!("{options} {PLANNER_OPTIONS}"),
            None => PLANNER_OPTIONS.to_owned(),
        };
        config.options(options);
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(POOL_WAIT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| StoreError::Backend(format!("PostgreSQL pool: {e}")))?;
        let store = PostgresStore {
            group_commit: group_commit::GroupCommit::start(pool.clone()),
            lookups: lookups::Lookups::start(pool.clone()),
            pool,
        };
        // Fail here, at startup, rather than on the first request.
        drop(store.client().await?);
        Ok(store)
    }

    async fn client(&self) -> Result<Object, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Backend(format!("PostgreSQL connection: {e}")))
    }
}

#[async_trait]
impl Store for PostgresStore {
    async fn migrate(&self) -> Result<(), StoreError> {
        schema::migrate(&mut self.client().await?).await
    }

    async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(
                "SELECT id, secret_key, publishable_key, created FROM accounts \
                 ORDER BY created, id",
            )
            .await
            .map_err(db)?;
        let rows = client.query(&stmt, &[]).await.map_err(db)?;
        rows.iter()
            .map(|row| {
                Ok(Account {
                    id: row.try_get(0)?,
                    secret_key: row.try_get(1)?,
                    publishable_key: row.try_get(2)?,
                    created: row.try_get(3)?,
                })
            })
            .collect::<Result<_, tokio_postgres::Error>>()
            .map_err(db)
    }

    async fn create_account(&self, account: &Account) -> Result<(), StoreError> {
        write::create_account(&self.client().await?, account).await
    }

    async fn get(&self, account: &str, id: &str) -> Result<Option<Record>, StoreError> {
        // Text PostgreSQL cannot hold names nothing; asking would fail the whole read batch.
        if !query::storable(id) {
            return Ok(None);
        }
        self.lookups.object(account, id).await
    }

    async fn list(&self, query: &ListQuery) -> Result<Vec<Record>, StoreError> {
        // As in `get`: text PostgreSQL cannot hold matches nothing.
        if let Some(Cursor::After(id) | Cursor::Before(id)) = &query.cursor
            && !query::storable(id)
        {
            return Err(StoreError::CursorNotFound(id.clone()));
        }
        if !query::filters_storable(query) {
            return Ok(Vec::new());
        }
        self.lookups.list(query).await
    }

    async fn commit(&self, unit: UnitOfWork) -> Result<(), StoreError> {
        query::check_unit(&unit)?;
        self.group_commit.commit(unit).await
    }

    async fn idempotency(
        &self,
        account: &str,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        if !query::storable(key) {
            return Ok(None);
        }
        self.lookups.key(account, key).await
    }

    async fn prune_idempotency(&self, older_than: i64) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached("DELETE FROM idempotency_keys WHERE created < $1")
            .await
            .map_err(db)?;
        client.execute(&stmt, &[&older_than]).await.map_err(db)
    }

    async fn reset_account(&self, account: &str) -> Result<AccountReset, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        let account = &account;
        // Attempts first: they name their delivery, not the account.
        tx.execute(
            "DELETE FROM webhook_attempts WHERE delivery_id IN \
             (SELECT id FROM webhook_deliveries WHERE account = $1)",
            &[account],
        )
        .await
        .map_err(db)?;
        let reset = AccountReset {
            webhook_deliveries: tx
                .execute(
                    "DELETE FROM webhook_deliveries WHERE account = $1",
                    &[account],
                )
                .await
                .map_err(db)?,
            idempotency_keys: tx
                .execute(
                    "DELETE FROM idempotency_keys WHERE account = $1",
                    &[account],
                )
                .await
                .map_err(db)?,
            objects: tx
                .execute("DELETE FROM objects WHERE account = $1", &[account])
                .await
                .map_err(db)?,
            request_logs: tx
                .execute("DELETE FROM request_logs WHERE account = $1", &[account])
                .await
                .map_err(db)?,
        };
        tx.commit().await.map_err(db)?;
        Ok(reset)
    }

    async fn claim_deliveries(
        &self,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        outbox::claim(&mut self.client().await?, now_ms, lease_ms, limit).await
    }

    async fn finish_delivery(
        &self,
        claim: &ClaimedDelivery,
        attempt: &DeliveryAttempt,
        outcome: DeliveryOutcome,
    ) -> Result<bool, StoreError> {
        crate::outbox::check_finish(claim, attempt)?;
        outbox::finish(&mut self.client().await?, claim, attempt, outcome).await
    }

    async fn next_delivery_due(&self) -> Result<Option<i64>, StoreError> {
        outbox::next_due(&self.client().await?).await
    }

    async fn pending_webhooks(
        &self,
        account: &str,
        event_ids: &[String],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        if event_ids.is_empty() {
            return Ok(Vec::new());
        }
        outbox::pending_webhooks(&self.client().await?, account, event_ids).await
    }

    async fn deliveries(
        &self,
        account: &str,
        event_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DeliveryReport>, StoreError> {
        outbox::deliveries(&self.client().await?, account, event_id, limit).await
    }

    async fn insert_request_logs(&self, logs: Vec<RequestLog>) -> Result<(), StoreError> {
        if logs.is_empty() {
            return Ok(());
        }
        request_logs::insert(&self.client().await?, &logs).await
    }

    async fn request_logs(&self, query: &RequestLogQuery) -> Result<Vec<RequestLog>, StoreError> {
        request_logs::select(&self.client().await?, query).await
    }

    async fn prune_request_logs(
        &self,
        older_than_ms: i64,
        keep_rows: i64,
        chunk: i64,
    ) -> Result<u64, StoreError> {
        request_logs::prune(&self.client().await?, older_than_ms, keep_rows, chunk).await
    }
}

fn parse(url: &str) -> Result<tokio_postgres::Config, StoreError> {
    url.parse()
        .map_err(|e| StoreError::Backend(format!("invalid PostgreSQL URL: {e}")))
}

fn check_identifier(name: &str) -> Result<(), StoreError> {
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.len() <= 63;
    if valid {
        Ok(())
    } else {
        Err(StoreError::Backend(format!(
            "invalid schema name {name:?}: use a-z, 0-9 and _"
        )))
    }
}

/// Runs one statement on a connection of its own (outside the pool, whose connections may need
/// the statement's effect to exist first).
async fn one_off(config: &tokio_postgres::Config, sql: &str) -> Result<(), StoreError> {
    let (client, connection) = config.connect(NoTls).await.map_err(db)?;
    let driver = tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::warn!(error = %e, "PostgreSQL connection closed with an error");
        }
    });
    let result = client.batch_execute(sql).await.map_err(db);
    drop(client);
    // The driver ends once the client is gone; waiting for it closes the socket cleanly.
    let _ = driver.await;
    result
}

/// Any PostgreSQL failure the caller cannot act on.
fn db(e: tokio_postgres::Error) -> StoreError {
    if let Some(db) = e.as_db_error() {
        // The server's own words and SQLSTATE say more than the wrapper's "db error".
        return StoreError::Backend(format!("PostgreSQL {}: {}", db.code().code(), db.message()));
    }
    // Connection failures keep their cause ("Connection refused") in the source only.
    match std::error::Error::source(&e) {
        Some(cause) => StoreError::Backend(format!("PostgreSQL: {e}: {cause}")),
        None => StoreError::Backend(format!("PostgreSQL: {e}")),
    }
}

/// For the tests of this backend: a migrated store in a fresh schema (named `prefix` and a
/// random suffix) of the test database (`TENDER_TEST_POSTGRES_URL`, or `test` on the local
/// server), with the URL and schema to drop it by.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
async fn test_store(prefix: &str) -> (PostgresStore, String, String) {
    let url = std::env::var("TENDER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = format!("{prefix}_{:016x}", rand::random::<u64>());
    let store = PostgresStore::connect_in_schema(&url, &schema)
        .await
        .unwrap();
    store.migrate().await.unwrap();
    (store, url, schema)
}

#[cfg(test)]
#[path = "plans_tests.rs"]
mod plans_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_plain_identifiers() {
        assert!(check_identifier("tender_test_0123abcd").is_ok());
        assert!(check_identifier("_x").is_ok());
        assert!(check_identifier("").is_err());
        assert!(check_identifier("1abc").is_err());
        assert!(check_identifier("Upper").is_err());
        assert!(check_identifier("a b").is_err());
        assert!(check_identifier("a\"; DROP TABLE x; --").is_err());
        assert!(check_identifier(&"a".repeat(64)).is_err());
    }
}
