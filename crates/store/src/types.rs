use serde::{Deserialize, Serialize};

/// A tenant: every object belongs to exactly one account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// `acct_…`
    pub id: String,
    /// `sk_test_…`
    pub secret_key: String,
    /// `pk_test_…`
    pub publishable_key: String,
    /// Unix seconds.
    pub created: i64,
}

/// One stored API object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub account: String,
    /// The object's id (`cus_…`, `pm_…`, `evt_…`); unique across the whole store.
    pub id: String,
    /// The object's `object` name: `customer`, `payment_method`, `event`, …
    pub kind: String,
    /// Unix seconds, as rendered in the object's `created`.
    pub created: i64,
    /// 1 on insert, +1 on every update.
    pub version: i64,
    /// Deleted objects stay readable by id but are never listed.
    pub deleted: bool,
    pub index: IndexKeys,
    /// The object's JSON as the API renders it (before expansion).
    pub body: String,
}

/// The columns lists filter on. Which ones a kind fills is up to the caller.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexKeys {
    pub customer: Option<String>,
    pub payment_intent: Option<String>,
    pub charge: Option<String>,
    /// The kind-specific filter value: a customer's email, an event's type, a payment
    /// method's type, a setup intent's payment method.
    pub tag: Option<String>,
}

/// One change of a unit of work.
#[derive(Clone, Debug)]
pub struct Write {
    pub record: Record,
    /// `None`: insert (fails with `Conflict` if the id exists). `Some(v)`: update the record
    /// whose current version is `v`; `record.version` must be `v + 1`.
    pub expected_version: Option<i64>,
}

/// Everything one API request changes, committed atomically.
#[derive(Clone, Debug, Default)]
pub struct UnitOfWork {
    pub writes: Vec<Write>,
    /// The response to replay for this request's idempotency key. Committing fails with
    /// `IdempotencyKeyTaken` if the key already has a record, and then none of the writes apply.
    pub idempotency: Option<IdempotencyRecord>,
}

/// A saved response of an idempotent request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyRecord {
    pub account: String,
    pub key: String,
    /// Identifies the request (method, path, parameters): a replay with another fingerprint
    /// is an `idempotency_error`.
    pub fingerprint: String,
    /// The `Request-Id` of the original request.
    pub request_id: String,
    pub status: u16,
    pub body: String,
    /// Unix seconds; records older than the retention window may be pruned.
    pub created: i64,
}

/// What a list reads.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    pub account: String,
    pub kind: String,
    pub customer: Option<String>,
    pub payment_intent: Option<String>,
    pub charge: Option<String>,
    pub tag: Option<TagFilter>,
    pub created: CreatedRange,
    pub cursor: Option<Cursor>,
    /// Page size; the store returns up to `limit + 1` records.
    pub limit: usize,
}

/// A filter on [`IndexKeys::tag`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TagFilter {
    Exact(String),
    /// `payment_intent.*` style: tags starting with this prefix.
    Prefix(String),
    AnyOf(Vec<String>),
}

/// Bounds on `created`, all inclusive-or-exclusive as named; `None` is unbounded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CreatedRange {
    pub gt: Option<i64>,
    pub gte: Option<i64>,
    pub lt: Option<i64>,
    pub lte: Option<i64>,
}

/// Pagination: newest first in both directions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cursor {
    /// `starting_after`: the page of objects older than this one, newest first.
    After(String),
    /// `ending_before`: the page of objects newer than this one (the ones closest to it),
    /// still returned newest first.
    Before(String),
}
