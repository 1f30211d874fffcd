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
    /// Webhook deliveries of the events in `writes` (the transactional outbox): committed with
    /// them or not at all.
    pub deliveries: Vec<NewDelivery>,
}

/// One webhook delivery to schedule: an event for one endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDelivery {
    /// `whdel_…`, unique.
    pub id: String,
    pub account: String,
    pub event_id: String,
    pub endpoint_id: String,
    /// Unix milliseconds of the first attempt (normally: now).
    pub due_at_ms: i64,
}

/// A delivery claimed by one dispatcher until `lease_until_ms`: no other dispatcher (on this
/// node or another) claims it before then, so an attempt is never sent twice at once; if the
/// claimer dies, the lease expires and another picks it up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimedDelivery {
    pub id: String,
    pub account: String,
    pub event_id: String,
    pub endpoint_id: String,
    /// Attempts already recorded before this one (0 for the first).
    pub attempts: i64,
    pub lease_until_ms: i64,
    /// Identifies this claim; `finish_delivery` only applies while it still holds the lease.
    pub lease_token: String,
}

/// What one attempt observed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryAttempt {
    pub delivery_id: String,
    /// 1-based.
    pub attempt: i64,
    pub at_ms: i64,
    pub status_code: Option<u16>,
    pub latency_ms: i64,
    /// Connection refused, timeout, redirect, …
    pub error: Option<String>,
    /// The first bytes of the receiver's answer.
    pub response_snippet: Option<String>,
}

/// What becomes of a delivery after an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryOutcome {
    Delivered,
    /// Try again at this time (unix milliseconds).
    Retry {
        at_ms: i64,
    },
    /// No more attempts.
    Failed,
}

/// A delivery and its attempts, for `tender` commands and (later) the dashboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryReport {
    pub id: String,
    pub event_id: String,
    pub endpoint_id: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub next_attempt_ms: Option<i64>,
    pub attempts: Vec<DeliveryAttempt>,
}

/// What [`crate::Store::reset_account`] deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AccountReset {
    /// API objects (events included), deleted ones too.
    pub objects: u64,
    pub idempotency_keys: u64,
    /// Webhook deliveries, with their attempts.
    pub webhook_deliveries: u64,
    /// API request logs (the dashboard's Logs).
    pub request_logs: u64,
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub account: String,
    pub kind: String,
    pub customer: Option<String>,
    pub payment_intent: Option<String>,
    pub charge: Option<String>,
    pub tag: Option<TagFilter>,
    /// Only the objects with these ids (`ids[]`, or the prices a lookup key names); an empty
    /// list matches nothing. Answered through the id index: O(ids).
    pub ids: Option<Vec<String>>,
    /// Conditions on the stored body, all of which must hold. They narrow the index scan the
    /// other filters chose rather than choosing one, so they suit filters most objects pass
    /// (a price's `active`, `type`, `currency`): a page then costs about `limit` rows.
    pub body: Vec<BodyFilter>,
    pub created: CreatedRange,
    pub cursor: Option<Cursor>,
    /// Page size; the store returns up to `limit + 1` records.
    pub limit: usize,
    /// With [`ListQuery::body`] filters: they look at no more than this many objects of the
    /// range the other filters and the cursor select (in the list's order), so that a filter
    /// few objects pass costs O(window) rather than O(objects). The page holds the matches
    /// among them only; [`ListQuery::skip`], without body filters, finds where the window
    /// ends, to go on from there. Not applied with [`TagFilter::AnyOf`].
    pub window: Option<usize>,
    /// How many objects of the range are passed over before the page (SQL `OFFSET`): O(skip).
    /// Not applied with [`TagFilter::AnyOf`] either.
    pub skip: usize,
}

/// The JSON value at `path` of an object's body equals `json`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyFilter {
    /// Field names from the top of the body, joined by dots (`recurring.interval`); names
    /// hold only ASCII letters, digits and `_`.
    pub path: String,
    /// The JSON text of the value (`"month"`, `true`, `null`).
    pub json: String,
}

impl BodyFilter {
    /// The field at `path` equals `value`.
    pub fn equals(path: &str, value: &serde_json::Value) -> BodyFilter {
        BodyFilter {
            path: path.to_owned(),
            json: value.to_string(),
        }
    }
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
