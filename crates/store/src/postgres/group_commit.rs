//! Group commit: the units of work of concurrent requests committed together.
//!
//! A unit committed on its own costs a transaction, a WAL flush and one round trip per row
//! (about ten for a payment); PostgreSQL then spends more CPU on its protocol, its executor
//! start-ups and its context switches than on the rows. Here, requests queue their units; a
//! few committer tasks each take whatever has queued up (up to [`MAX_BATCH`]) and commit it
//! in one transaction of a handful of set-based statements:
//!
//! 1. lock and read, in one round trip, every object the batch writes (`FOR UPDATE`, in id
//!    order so that concurrent batches cannot deadlock on them), and find which of its
//!    idempotency keys and delivery ids exist;
//! 2. decide each unit in memory (`batch.rs`): a refused unit (key taken, version conflict)
//!    writes nothing and the others still commit;
//! 3. write the accepted units' rows, in one round trip: one statement per table for the
//!    inserts, one per updated object;
//! 4. commit: one WAL flush for the batch.
//!
//! The locks keep every object the batch updates as it was read. What they cannot cover,
//! another transaction inserting the same key or id at the same moment (another node, or the
//! other committer), fails the batch with a unique violation and rolls it back; its units are
//! then committed one at a time by [`super::write::commit`], whose statements map each such
//! race to its exact answer. A lost connection is not retried: whether the batch committed is
//! unknown, as for any lost commit.

use std::sync::Arc;

use deadpool_postgres::{Object, Pool, Transaction};
use futures_util::future::try_join_all;
use tokio::sync::{Mutex, mpsc, oneshot};

use super::batch::{self, Existing, Names, Rows};
use super::db;
use crate::{StoreError, UnitOfWork};

/// Caps one batch, so the first unit of a batch does not wait on too many others.
const MAX_BATCH: usize = 128;

/// Units waiting for a committer; beyond this, callers wait to enqueue (backpressure).
const QUEUE: usize = 4096;

/// Committer tasks, hence concurrent batch transactions: while one batch waits for its WAL
/// flush, the next is already being written.
const COMMITTERS: usize = 2;

// Lookups of many ids are written as a nested loop of one-row index probes (`LATERAL`, kept
// from being flattened by `OFFSET 0`): given `id = ANY(…)` with a batch-sized array, the
// planner picked sequential scans of tables of some thousand rows, and kept those plans
// cached as the tables grew (see `lookups.rs`). Locks are taken in array order: sorted ids,
// so concurrent batches cannot deadlock on them.
const LOCK_OBJECTS: &str = "SELECT o.id, o.account, o.version \
     FROM unnest($1::text[]) AS w(want), LATERAL (SELECT id, account, version FROM objects \
     WHERE id = w.want OFFSET 0 FOR UPDATE) AS o";
const FIND_KEYS: &str = "SELECT k.account, k.key \
     FROM unnest($1::text[], $2::text[]) AS w(want_account, want_key), \
     LATERAL (SELECT account, key FROM idempotency_keys \
     WHERE account = w.want_account AND key = w.want_key OFFSET 0) AS k";
const FIND_DELIVERIES: &str = "SELECT d.id FROM unnest($1::text[]) AS w(want), \
     LATERAL (SELECT id FROM webhook_deliveries WHERE id = w.want OFFSET 0) AS d";

const INSERT_KEYS: &str = "INSERT INTO idempotency_keys \
     (account, key, fingerprint, request_id, status, body, created) \
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], \
     $6::text[], $7::bigint[])";
/// `ORDER BY n`: rows are inserted, hence numbered (`seq`, the list order), in array order.
const INSERT_OBJECTS: &str = "INSERT INTO objects \
     (account, id, kind, created, version, deleted, customer, payment_intent, charge, tag, body) \
     SELECT a, i, k, c, v, d, cu, pi, ch, t, b FROM unnest($1::text[], $2::text[], $3::text[], \
     $4::bigint[], $5::bigint[], $6::bool[], $7::text[], $8::text[], $9::text[], $10::text[], \
     $11::text[]) WITH ORDINALITY AS w(a, i, k, c, v, d, cu, pi, ch, t, b, n) ORDER BY n";
const INSERT_DELIVERIES: &str = "INSERT INTO webhook_deliveries \
     (id, account, event_id, endpoint_id, status, attempts, next_attempt_ms, created_ms) \
     SELECT i, a, e, p, 'pending', 0, d, d \
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) \
     AS w(i, a, e, p, d)";

struct Job {
    unit: UnitOfWork,
    reply: oneshot::Sender<Result<(), StoreError>>,
}

/// The queue of units to commit; the committer tasks stop once it is dropped.
pub(super) struct GroupCommit {
    queue: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the committer tasks (on the current Tokio runtime).
    pub(super) fn start(pool: Pool) -> GroupCommit {
        let (queue, jobs) = mpsc::channel(QUEUE);
        let jobs = Arc::new(Mutex::new(jobs));
        for _ in 0..COMMITTERS {
            tokio::spawn(run(pool.clone(), Arc::clone(&jobs)));
        }
        GroupCommit { queue }
    }

    pub(super) async fn commit(&self, unit: UnitOfWork) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Job { unit, reply })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StoreError {
    StoreError::Backend("the PostgreSQL committer stopped".into())
}

/// One committer: takes a batch (holding the queue only while taking it), commits it, answers.
async fn run(pool: Pool, jobs: Arc<Mutex<mpsc::Receiver<Job>>>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    loop {
        {
            let mut jobs = jobs.lock().await;
            if jobs.recv_many(&mut batch, MAX_BATCH).await == 0 {
                return; // The store was dropped.
            }
        }
        let (units, replies): (Vec<_>, Vec<_>) =
            batch.drain(..).map(|job| (job.unit, job.reply)).unzip();
        let outcomes = commit_batch(&pool, &units).await;
        for (reply, outcome) in replies.into_iter().zip(outcomes) {
            // A caller that stopped waiting (its client hung up) just misses the answer.
            let _ = reply.send(outcome);
        }
    }
}

/// Commits `units` and says how each went, in order.
async fn commit_batch(pool: &Pool, units: &[UnitOfWork]) -> Vec<Result<(), StoreError>> {
    let mut client = match pool.get().await {
        Ok(client) => client,
        Err(e) => return fail_all(units, &format!("PostgreSQL connection: {e}")),
    };
    let rolled_back = match in_one_transaction(&mut client, units).await {
        Ok(Some(outcomes)) => return outcomes,
        Ok(None) => "an update did not find its row at the version read".to_owned(),
        Err(e) if e.as_db_error().is_some() => e.to_string(),
        Err(e) => return fail_all(units, &db(e).to_string()),
    };
    // A race the locks could not cover, or PostgreSQL refused something: one unit at a time,
    // each gets its own exact answer.
    tracing::debug!(error = %rolled_back, units = units.len(), "batch rolled back; one by one");
    let mut outcomes = Vec::with_capacity(units.len());
    for unit in units {
        outcomes.push(super::write::commit(&mut client, unit).await);
    }
    outcomes
}

fn fail_all(units: &[UnitOfWork], message: &str) -> Vec<Result<(), StoreError>> {
    units
        .iter()
        .map(|_| Err(StoreError::Backend(message.to_owned())))
        .collect()
}

/// Steps 1 to 4 of the module's description; `None` when the batch was rolled back because
/// an update did not find its row at the version read (which the locks should make
/// impossible). Dropping the transaction
/// on an error rolls it back.
async fn in_one_transaction(
    client: &mut Object,
    units: &[UnitOfWork],
) -> Result<Option<Vec<Result<(), StoreError>>>, tokio_postgres::Error> {
    let units: Vec<&UnitOfWork> = units.iter().collect();
    let tx = client.transaction().await?;
    let existing = read_existing(&tx, &Names::of(&units)).await?;
    let (outcomes, rows) = batch::decide(&units, existing);
    if !write_rows(&tx, &rows).await? {
        tx.rollback().await?;
        return Ok(None);
    }
    tx.commit().await?;
    Ok(Some(outcomes))
}

/// Step 1: the three lookups, sent together (tokio-postgres pipelines concurrent queries).
async fn read_existing(
    tx: &Transaction<'_>,
    names: &Names<'_>,
) -> Result<Existing, tokio_postgres::Error> {
    let (lock, keys, deliveries) = tokio::try_join!(
        tx.prepare_cached(LOCK_OBJECTS),
        tx.prepare_cached(FIND_KEYS),
        tx.prepare_cached(FIND_DELIVERIES),
    )?;
    let (objects, keys, deliveries) = tokio::try_join!(
        async { tx.query(&lock, &[&names.object_ids]).await },
        async {
            if names.keys.is_empty() {
                return Ok(Vec::new());
            }
            tx.query(&keys, &[&names.key_accounts, &names.keys]).await
        },
        async {
            if names.delivery_ids.is_empty() {
                return Ok(Vec::new());
            }
            tx.query(&deliveries, &[&names.delivery_ids]).await
        },
    )?;
    let mut existing = Existing::default();
    for row in objects {
        existing
            .objects
            .insert(row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?));
    }
    for row in keys {
        existing.keys.insert((row.try_get(0)?, row.try_get(1)?));
    }
    for row in deliveries {
        existing.deliveries.insert(row.try_get(0)?);
    }
    Ok(existing)
}

/// Step 3: one statement per table (per object for updates), sent together. False if an
/// update missed its row or found another version (which the locks should make impossible).
async fn write_rows(tx: &Transaction<'_>, rows: &Rows<'_>) -> Result<bool, tokio_postgres::Error> {
    let (insert_keys, insert_objects, insert_deliveries) = tokio::try_join!(
        tx.prepare_cached(INSERT_KEYS),
        tx.prepare_cached(INSERT_OBJECTS),
        tx.prepare_cached(INSERT_DELIVERIES),
    )?;
    let keys = KeyColumns::of(rows);
    let inserts = ObjectColumns::of(&rows.inserts);
    let deliveries = DeliveryColumns::of(rows);
    let (_, _, updated, _) = tokio::try_join!(
        async {
            if keys.key.is_empty() {
                return Ok(0);
            }
            tx.execute(&insert_keys, &keys.params()).await
        },
        async {
            if inserts.id.is_empty() {
                return Ok(0);
            }
            tx.execute(&insert_objects, &inserts.params()).await
        },
        // One statement per updated object, pipelined, with `write.rs`'s version guard: a
        // join of `objects` with an array is planned as a hash join over a sequential scan
        // once the array is long enough, and updates are few (about one per payment).
        try_join_all(
            rows.updates
                .iter()
                .map(|(record, stored)| super::write::update(tx, record, *stored))
        ),
        async {
            if deliveries.id.is_empty() {
                return Ok(0);
            }
            tx.execute(&insert_deliveries, &deliveries.params()).await
        },
    )?;
    Ok(updated.iter().all(|&n| n == 1))
}

type Param<'p> = &'p (dyn tokio_postgres::types::ToSql + Sync);

/// Column arrays of idempotency records, for `unnest`.
struct KeyColumns<'a> {
    account: Vec<&'a str>,
    key: Vec<&'a str>,
    fingerprint: Vec<&'a str>,
    request_id: Vec<&'a str>,
    status: Vec<i32>,
    body: Vec<&'a str>,
    created: Vec<i64>,
}

impl<'a> KeyColumns<'a> {
    fn of(rows: &Rows<'a>) -> Self {
        let k = &rows.keys;
        KeyColumns {
            account: k.iter().map(|r| r.account.as_str()).collect(),
            key: k.iter().map(|r| r.key.as_str()).collect(),
            fingerprint: k.iter().map(|r| r.fingerprint.as_str()).collect(),
            request_id: k.iter().map(|r| r.request_id.as_str()).collect(),
            status: k.iter().map(|r| i32::from(r.status)).collect(),
            body: k.iter().map(|r| r.body.as_str()).collect(),
            created: k.iter().map(|r| r.created).collect(),
        }
    }

    fn params(&self) -> [Param<'_>; 7] {
        [
            &self.account,
            &self.key,
            &self.fingerprint,
            &self.request_id,
            &self.status,
            &self.body,
            &self.created,
        ]
    }
}

/// Column arrays of object records, for `unnest`.
struct ObjectColumns<'a> {
    account: Vec<&'a str>,
    id: Vec<&'a str>,
    kind: Vec<&'a str>,
    created: Vec<i64>,
    version: Vec<i64>,
    deleted: Vec<bool>,
    customer: Vec<Option<&'a str>>,
    payment_intent: Vec<Option<&'a str>>,
    charge: Vec<Option<&'a str>>,
    tag: Vec<Option<&'a str>>,
    body: Vec<&'a str>,
}

impl<'a> ObjectColumns<'a> {
    fn of(records: &[&'a crate::Record]) -> Self {
        let r = records;
        ObjectColumns {
            account: r.iter().map(|r| r.account.as_str()).collect(),
            id: r.iter().map(|r| r.id.as_str()).collect(),
            kind: r.iter().map(|r| r.kind.as_str()).collect(),
            created: r.iter().map(|r| r.created).collect(),
            version: r.iter().map(|r| r.version).collect(),
            deleted: r.iter().map(|r| r.deleted).collect(),
            customer: r.iter().map(|r| r.index.customer.as_deref()).collect(),
            payment_intent: r
                .iter()
                .map(|r| r.index.payment_intent.as_deref())
                .collect(),
            charge: r.iter().map(|r| r.index.charge.as_deref()).collect(),
            tag: r.iter().map(|r| r.index.tag.as_deref()).collect(),
            body: r.iter().map(|r| r.body.as_str()).collect(),
        }
    }

    fn params(&self) -> [Param<'_>; 11] {
        [
            &self.account,
            &self.id,
            &self.kind,
            &self.created,
            &self.version,
            &self.deleted,
            &self.customer,
            &self.payment_intent,
            &self.charge,
            &self.tag,
            &self.body,
        ]
    }
}

/// Column arrays of webhook deliveries, for `unnest`.
struct DeliveryColumns<'a> {
    id: Vec<&'a str>,
    account: Vec<&'a str>,
    event_id: Vec<&'a str>,
    endpoint_id: Vec<&'a str>,
    due_at_ms: Vec<i64>,
}

impl<'a> DeliveryColumns<'a> {
    fn of(rows: &Rows<'a>) -> Self {
        let d = &rows.deliveries;
        DeliveryColumns {
            id: d.iter().map(|d| d.id.as_str()).collect(),
            account: d.iter().map(|d| d.account.as_str()).collect(),
            event_id: d.iter().map(|d| d.event_id.as_str()).collect(),
            endpoint_id: d.iter().map(|d| d.endpoint_id.as_str()).collect(),
            due_at_ms: d.iter().map(|d| d.due_at_ms).collect(),
        }
    }

    fn params(&self) -> [Param<'_>; 5] {
        [
            &self.id,
            &self.account,
            &self.event_id,
            &self.endpoint_id,
            &self.due_at_ms,
        ]
    }
}

#[cfg(test)]
#[path = "group_commit_tests.rs"]
mod tests;
