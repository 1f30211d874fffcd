use thiserror::Error;

/// Why a store operation failed.
#[derive(Clone, Debug, Error)]
pub enum StoreError {
    /// A write named a version that is no longer current (or inserted an id that exists).
    /// The caller reloads and decides again.
    #[error("concurrent modification of {id}")]
    Conflict { id: String },
    /// Another request committed a response under the same idempotency key first.
    #[error("idempotency key already used")]
    IdempotencyKeyTaken,
    /// A list cursor (`starting_after`/`ending_before`) names no object of that kind.
    #[error("no such object for cursor: {0}")]
    CursorNotFound(String),
    /// An account with the same id or key already exists.
    #[error("account already exists")]
    DuplicateAccount,
    /// The database failed (I/O, connection, corrupt data).
    #[error("database error: {0}")]
    Backend(String),
}
