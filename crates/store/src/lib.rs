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
//! Optimistic concurrency: every record carries a `version`; a write names the version it read
//! and the commit fails with [`StoreError::Conflict`] if another request changed it meanwhile.

mod error;
pub mod postgres;
pub mod sqlite;
mod types;

pub use error::StoreError;
pub use types::*;

use async_trait::async_trait;

/// The storage interface the server uses. All methods are scoped to one account.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Applies migrations; idempotent.
    async fn migrate(&self) -> Result<(), StoreError>;

    /// All accounts, oldest first.
    async fn accounts(&self) -> Result<Vec<Account>, StoreError>;

    /// Creates an account; keys must be unique across accounts.
    async fn create_account(&self, account: &Account) -> Result<(), StoreError>;

    /// One object of `account` by id, deleted ones included (callers decide what a deleted object
    /// means). `None` if it does not exist or belongs to another account.
    async fn get(&self, account: &str, id: &str) -> Result<Option<Record>, StoreError>;

    /// Objects of one kind, newest first (by `created`, then insertion order), filtered and
    /// paginated as [`ListQuery`] says. Returns at most `query.limit + 1` records so the caller
    /// can tell `has_more`. Deleted records are never listed.
    async fn list(&self, query: &ListQuery) -> Result<Vec<Record>, StoreError>;

    /// Commits a unit of work atomically: every write and the idempotency record, or nothing.
    async fn commit(&self, unit: UnitOfWork) -> Result<(), StoreError>;

    /// The saved response of an idempotent request, if one was committed with that key.
    async fn idempotency(
        &self,
        account: &str,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError>;
}
