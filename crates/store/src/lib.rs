//! Tender's storage layer.
//!
//! Every API object (customer, payment method, payment intent, event, …) is stored as a
//! [`Record`]: its JSON body plus the few columns that lookups and lists filter on. A request
//! changes the store through exactly one [`UnitOfWork`], committed atomically together with its
//! idempotency record, so a crash leaves either all of a request or nothing of it.
//!
//! Two backends implement [`Store`] with one behaviour, checked by one conformance suite
//! (`tests/conformance.rs`):
//! - [`sqlite::SqliteStore`]: the embedded default. One writer thread batches concurrent units of
//!   work into group commits (one fsync for many requests); readers use their own connections.
//! - [`postgres::PostgresStore`]: several `tender serve` nodes sharing one database.
//!
//! Both build their list queries with the same code (`query.rs`), so list semantics (order,
//! filters, cursors) cannot drift apart between them.
//!
//! Optimistic concurrency: every record carries a `version`; a write names the version it read
//! and the commit fails with [`StoreError::Conflict`] if another request changed it meanwhile.
//!
//! Webhooks use a transactional outbox: a unit of work carries the [`NewDelivery`]s of the
//! events it writes, so an event is never committed without its deliveries (or the reverse).
//! Dispatchers then claim due deliveries under a lease (`claim_deliveries`), and only the
//! lease holder can record the attempt (`finish_delivery`); the shared SQL is in `outbox.rs`.

mod error;
mod outbox;
pub mod postgres;
mod query;
mod request_logs;
pub mod sqlite;
mod types;

pub use error::StoreError;
pub use request_logs::{RequestLog, RequestLogQuery};
pub use types::*;

use std::sync::Arc;

use async_trait::async_trait;

/// The storage interface the server uses. All methods are scoped to one account.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Applies migrations; idempotent, and safe when several processes start at once.
    async fn migrate(&self) -> Result<(), StoreError>;

    /// All accounts, oldest first (ties by id).
    async fn accounts(&self) -> Result<Vec<Account>, StoreError>;

    /// Creates an account; keys must be unique across accounts.
    async fn create_account(&self, account: &Account) -> Result<(), StoreError>;

    /// One object of `account` by id, deleted ones included (callers decide what a deleted object
    /// means). `None` if it does not exist or belongs to another account.
    async fn get(&self, account: &str, id: &str) -> Result<Option<Record>, StoreError>;

    /// Objects of one kind, newest first (by `created`, then insertion order), filtered and
    /// paginated as [`ListQuery`] says. Returns at most `query.limit + 1` records so the caller
    /// can tell `has_more`. Deleted records are never listed.
    ///
    /// With [`Cursor::Before`] the extra record is the one *farthest* from the cursor, i.e. the
    /// first of the returned list: drop it when more than `limit` come back.
    ///
    /// A cursor naming no object of that account and kind fails with
    /// [`StoreError::CursorNotFound`]. A deleted object is still a valid cursor: its place in
    /// the order is known, and a client paging through a list while someone deletes objects
    /// should not get an error.
    async fn list(&self, query: &ListQuery) -> Result<Vec<Record>, StoreError>;

    /// Commits a unit of work atomically: every write and the idempotency record, or nothing.
    ///
    /// If the future is dropped before it resolves, the unit may or may not have been committed
    /// (as with any database commit whose answer is lost).
    async fn commit(&self, unit: UnitOfWork) -> Result<(), StoreError>;

    /// The saved response of an idempotent request, if one was committed with that key.
    async fn idempotency(
        &self,
        account: &str,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError>;

    /// Deletes idempotency records whose `created` is strictly before `older_than` (Unix
    /// seconds) and returns how many went. Stripe keeps keys for 24 hours, so the server calls
    /// this periodically with `now - 86_400`; without it the table only grows.
    async fn prune_idempotency(&self, older_than: i64) -> Result<u64, StoreError>;

    /// Deletes everything `account` owns (objects, events, idempotency keys, webhook
    /// deliveries and their attempts) in one transaction, keeping the account and its keys;
    /// other accounts are untouched. An account without anything (or unknown) deletes
    /// nothing. A test's fresh start (`tender accounts reset`, decision 0020).
    async fn reset_account(&self, account: &str) -> Result<AccountReset, StoreError>;

    /// Claims up to `limit` pending deliveries that are due (`next attempt <= now_ms`) and not
    /// leased by anyone (or whose lease expired), leasing them until `now_ms + lease_ms`.
    /// PostgreSQL uses `FOR UPDATE SKIP LOCKED` so concurrent nodes claim disjoint sets.
    ///
    /// A lease is held up to and including `lease_until_ms`: it has expired for a claim at
    /// `now_ms > lease_until_ms`. Each claimed delivery gets a fresh random `lease_token`. The
    /// result is in due order (then id). A negative `lease_ms` is refused (it would let the
    /// next claim take a delivery whose attempt is still running); `limit` 0 claims nothing.
    async fn claim_deliveries(
        &self,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> Result<Vec<ClaimedDelivery>, StoreError>;

    /// Records an attempt and its outcome, if `claim` still holds the lease (otherwise
    /// nothing is written and `Ok(false)` is returned: another dispatcher took over).
    ///
    /// "Still holds" means the delivery is pending with this claim's token: a lease that
    /// expired without anyone claiming the delivery since still lets its holder finish. The
    /// delivery's attempt count becomes `attempt.attempt`, and the lease is released. An
    /// attempt number the delivery already has fails with [`StoreError::Conflict`] (nothing
    /// written); an attempt whose `delivery_id` is not the claim's is refused as a bug.
    async fn finish_delivery(
        &self,
        claim: &ClaimedDelivery,
        attempt: &DeliveryAttempt,
        outcome: DeliveryOutcome,
    ) -> Result<bool, StoreError>;

    /// The earliest time (unix ms) a pending delivery is due, to know how long to sleep.
    ///
    /// A leased delivery counts from the end of its lease (`lease_until_ms + 1`, when a claim
    /// can take it again), so that a dispatcher does not spin on a delivery another node is
    /// attempting. `None` when nothing is pending.
    async fn next_delivery_due(&self) -> Result<Option<i64>, StoreError>;

    /// For each event id, how many of its deliveries are not yet delivered (only events that
    /// have some are returned): the events' `pending_webhooks`.
    ///
    /// Failed deliveries count too, as Stripe counts every endpoint not successfully reached.
    /// Sorted by event id, each once however often it was asked for.
    async fn pending_webhooks(
        &self,
        account: &str,
        event_ids: &[String],
    ) -> Result<Vec<(String, i64)>, StoreError>;

    /// Deliveries of one account, newest first, with their attempts; optionally of one event.
    ///
    /// "Newest" is by the delivery's first due time ([`NewDelivery::due_at_ms`], the caller's
    /// clock when it scheduled it), then by id; attempts are in attempt order.
    async fn deliveries(
        &self,
        account: &str,
        event_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DeliveryReport>, StoreError>;

    /// Appends API request logs (their `seq` is assigned here, in slice order). Text holding
    /// NUL is stored with U+FFFD in its place.
    async fn insert_request_logs(&self, logs: Vec<RequestLog>) -> Result<(), StoreError>;

    /// A page of one account's request logs, newest first: at most `query.limit + 1` rows.
    async fn request_logs(&self, query: &RequestLogQuery) -> Result<Vec<RequestLog>, StoreError>;

    /// Deletes, oldest first and at most `chunk` at a time, the request logs created before
    /// `older_than_ms` and those beyond the newest `keep_rows`; returns how many went. Callers
    /// repeat while a full chunk went, so that no single delete holds the writer for long.
    async fn prune_request_logs(
        &self,
        older_than_ms: i64,
        keep_rows: i64,
        chunk: i64,
    ) -> Result<u64, StoreError>;
}

/// Opens the store a database URL names and brings its schema up to date.
///
/// - `sqlite://PATH`: a file, relative to the working directory or absolute
///   (`sqlite://.tender/tender.db`, `sqlite:///var/lib/tender/tender.db`); missing parent
///   directories are created. `?synchronous=normal` trades durability on power loss for fewer
///   fsyncs (see [`sqlite::SqliteOptions`]).
/// - `postgres://…` or `postgresql://…`: a PostgreSQL connection string.
/// - `memory` (or `memory://`): a new, empty SQLite database in this process's memory, gone
///   when the store is dropped; nothing touches the disk (decision 0020).
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    let started = std::time::Instant::now();
    let store: Arc<dyn Store> = if is_memory(url) {
        Arc::new(sqlite::SqliteStore::open_in_memory()?)
    } else if let Some(rest) = url.strip_prefix("sqlite://") {
        let (path, options) = sqlite::parse_url(rest)?;
        let store = tokio::task::spawn_blocking(move || sqlite::SqliteStore::open(&path, options))
            .await
            .map_err(|e| StoreError::Backend(format!("opening SQLite failed: {e}")))??;
        Arc::new(store)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Arc::new(postgres::PostgresStore::connect(url).await?)
    } else {
        // Only the scheme goes into the message: the rest may hold a password.
        let scheme = url.split_once("://").map_or("(none)", |(scheme, _)| scheme);
        return Err(StoreError::Backend(format!(
            "unsupported database URL scheme {scheme:?}: expected sqlite://PATH, postgres://… \
             or memory"
        )));
    };
    let opened = started.elapsed();
    store.migrate().await?;
    tracing::info!(
        open_ms = opened.as_secs_f64() * 1000.0,
        migrate_ms = (started.elapsed() - opened).as_secs_f64() * 1000.0,
        "database ready"
    );
    Ok(store)
}

/// Whether `url` names the in-memory database (`memory`, `memory://`), which only the process
/// that opens it can see.
pub fn is_memory(url: &str) -> bool {
    url == "memory" || url == "memory://"
}
