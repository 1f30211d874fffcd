//! Group commit: the units of work of concurrent requests committed together.
//!
//! A unit committed on its own costs a transaction, a WAL flush and one round trip per row
//! (about ten for a payment); PostgreSQL then spends more CPU on its protocol, its executor
//! start-ups and its context switches than on the rows. Here, requests queue their units; a
//! few committer tasks each take whatever has queued up (up to [`MAX_BATCH`], gathering for
//! up to [`FILL_WAIT`] more while another committer is committing) and commit it in one
//! transaction of a handful of set-based statements:
//!
//! 1. begin, and lock and read every object the batch updates (`FOR UPDATE`, in id order so
//!    that concurrent batches cannot deadlock on them), in one round trip; a batch that only
//!    inserts reads nothing;
//! 2. decide each unit in memory (`batch.rs`): a refused unit (version conflict, or a key or
//!    id an earlier unit of the batch took) writes nothing and the others still commit;
//! 3. write the accepted units' rows and commit, in one round trip (with the `BEGIN`, for a
//!    batch that only inserts): one statement per table for the inserts, one for the
//!    updates, then `COMMIT`, one WAL flush for the batch.
//!
//! The locks keep every object the batch updates as it was read. Inserted ids, idempotency
//! keys and delivery ids are not read first: they are new unless something raced them (a
//! request retried with the same key while the first is in flight, another node, the other
//! committer), which is rare enough that probing every one of them in every batch (about ten
//! index lookups per payment) cost more than the occasional retry. Such a race fails the
//! batch with a unique violation and rolls it back; its units are then committed one at a
//! time by [`super::write::commit`], whose statements map each race to its exact answer. A
//! lost connection is not retried: whether the batch committed is unknown, as for any lost
//! commit.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use deadpool_postgres::{Object, Pool};
use tokio::sync::{Mutex, mpsc, oneshot};
use tokio_postgres::Statement;

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

/// How long a committer keeps gathering units while the other one is committing. A bigger
/// batch costs PostgreSQL less per unit (its cost is mostly per statement and per
/// transaction), and the wait overlaps the other batch's round trips and WAL flush, so it
/// adds little latency; an idle store, with no batch in flight, never waits. Measured in
/// docs/BENCHMARKS.md (session 7): PostgreSQL's CPU per payment fell by about 10 %.
const FILL_WAIT: Duration = Duration::from_millis(1);

// Lookups of many ids are written as a nested loop of one-row index probes (`LATERAL`, kept
// from being flattened by `OFFSET 0`): given `id = ANY(…)` with a batch-sized array, the
// planner picked sequential scans of tables of some thousand rows, and kept those plans
// cached as the tables grew (see `lookups.rs`). Locks are taken in array order: sorted ids,
// so concurrent batches cannot deadlock on them.
const LOCK_OBJECTS: &str = "SELECT o.id, o.account, o.version, o.ctid::text \
     FROM unnest($1::text[]) AS w(want), LATERAL (SELECT id, account, version, ctid \
     FROM objects WHERE id = w.want OFFSET 0 FOR UPDATE) AS o";
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
// All of a batch's updates (about one per payment) in one statement, with the version
// guard. Rows are found by their physical address (`ctid`), read with the row lock: a row
// locked by this transaction stays where it is until this statement moves it. The join must
// be a nested loop of TID lookups: a hash join over a sequential scan is cheaper while the
// table is small, and a prepared statement keeps the plan it settles on as the table grows,
// so Tender's connections leave the planner index scans and nested loops only (`mod.rs`).
//
// The statement fails unless it updated all $12 rows, because the `COMMIT` is already queued
// behind it (see `in_one_transaction`): failing aborts the transaction, so that `COMMIT` rolls
// it back. PostgreSQL has no function that raises an error, so the failure is a cast of a
// message to a number, which also puts the counts in the error.
const UPDATE_OBJECTS: &str = "WITH updated AS (UPDATE objects AS o SET kind = w.k, created = w.c, \
     version = w.v, deleted = w.d, customer = w.cu, payment_intent = w.pi, charge = w.ch, \
     tag = w.t, body = w.b FROM unnest($1::text[]::tid[], $2::text[], $3::bigint[], \
     $4::bigint[], $5::bool[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], \
     $11::bigint[]) AS w(r, k, c, v, d, cu, pi, ch, t, b, e) \
     WHERE o.ctid = w.r AND o.version = w.e RETURNING 1) \
     SELECT CASE WHEN count(*) = $12::bigint THEN count(*) \
     ELSE ('updated ' || count(*) || ' rows of ' || $12::bigint)::bigint END FROM updated";
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
        let committing = Arc::new(AtomicUsize::new(0));
        for _ in 0..COMMITTERS {
            tokio::spawn(run(
                pool.clone(),
                Arc::clone(&jobs),
                Arc::clone(&committing),
            ));
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

/// One committer: takes a batch (holding the queue only while taking it, and filling it for up
/// to [`FILL_WAIT`] while another committer is committing), commits it, answers.
/// `committing` counts the committers that have a batch in flight (taken, not yet committed).
async fn run(pool: Pool, jobs: Arc<Mutex<mpsc::Receiver<Job>>>, committing: Arc<AtomicUsize>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    loop {
        {
            let mut jobs = jobs.lock().await;
            if jobs.recv_many(&mut batch, MAX_BATCH).await == 0 {
                return; // The store was dropped.
            }
            if committing.load(Ordering::Relaxed) > 0 {
                fill(&mut jobs, &mut batch).await;
            }
        }
        committing.fetch_add(1, Ordering::Relaxed);
        let (units, replies): (Vec<_>, Vec<_>) =
            batch.drain(..).map(|job| (job.unit, job.reply)).unzip();
        let outcomes = commit_batch(&pool, &units).await;
        committing.fetch_sub(1, Ordering::Relaxed);
        for (reply, outcome) in replies.into_iter().zip(outcomes) {
            // A caller that stopped waiting (its client hung up) just misses the answer.
            let _ = reply.send(outcome);
        }
    }
}

/// Adds what queues up within [`FILL_WAIT`] to `batch`, up to [`MAX_BATCH`].
async fn fill(jobs: &mut mpsc::Receiver<Job>, batch: &mut Vec<Job>) {
    let deadline = tokio::time::Instant::now() + FILL_WAIT;
    while batch.len() < MAX_BATCH {
        let room = MAX_BATCH - batch.len();
        match tokio::time::timeout_at(deadline, jobs.recv_many(batch, room)).await {
            Ok(0) | Err(_) => return, // The store was dropped, or the time is up.
            Ok(_) => {}
        }
    }
}

/// Commits `units` and says how each went, in order.
async fn commit_batch(pool: &Pool, units: &[UnitOfWork]) -> Vec<Result<(), StoreError>> {
    let mut client = match pool.get().await {
        Ok(client) => client,
        Err(e) => return fail_all(units, &format!("PostgreSQL connection: {e}")),
    };
    let rolled_back = match in_one_transaction(&client, units).await {
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
/// an updated object was not among the rows locked (which the locks should make impossible).
///
/// `BEGIN` and `COMMIT` travel with the statements next to them: tokio-postgres pipelines
/// the requests of one connection, sending each when its future is first polled, and a
/// `biased` join polls them in order. So a batch that only inserts is one round trip
/// (`BEGIN`, the inserts, `COMMIT`), and one that also updates is two (`BEGIN` and the
/// locking read; the writes and `COMMIT`). A failed statement aborts the transaction, and
/// PostgreSQL then answers the `COMMIT` queued behind it by rolling back; a failure before
/// the `COMMIT` was sent is rolled back here. Either way no transaction is left open.
async fn in_one_transaction(
    client: &Object,
    units: &[UnitOfWork],
) -> Result<Option<Vec<Result<(), StoreError>>>, tokio_postgres::Error> {
    let units: Vec<&UnitOfWork> = units.iter().collect();
    let statements = Statements::prepare(client).await?;
    let names = Names::of(&units);
    let began = !names.updated_ids.is_empty();
    let (existing, locations) = if began {
        match lock_existing(client, &statements, &names).await {
            Ok(found) => found,
            Err(e) => {
                roll_back(client).await;
                return Err(e);
            }
        }
    } else {
        (Existing::default(), Locations::new())
    };
    let (outcomes, rows) = batch::decide(&units, existing);
    let Some(columns) = Columns::of(&rows, &locations) else {
        if began {
            roll_back(client).await;
        }
        return Ok(None);
    };
    let begin = async {
        if began {
            return Ok(());
        }
        client.batch_execute("BEGIN").await
    };
    let failed = AtomicBool::new(false);
    let end = async {
        // First polled once every write was: each has been sent, or has failed before it
        // could be (not encodable, or the connection gone), and then nothing may commit. A
        // write PostgreSQL refuses later aborts the transaction, and this `COMMIT` rolls back.
        let end = if failed.load(Ordering::Relaxed) {
            "ROLLBACK"
        } else {
            "COMMIT"
        };
        client.batch_execute(end).await
    };
    let (begun, written, committed) = tokio::join!(
        biased;
        begin,
        write_rows(client, &statements, &columns, &failed),
        end,
    );
    begun?;
    written?;
    committed?;
    Ok(Some(outcomes))
}

/// Ends a transaction whose `COMMIT` was never sent. Best effort: if the connection is gone,
/// so is the transaction.
async fn roll_back(client: &Object) {
    if let Err(e) = client.batch_execute("ROLLBACK").await {
        tracing::debug!(error = %e, "rolling back a batch");
    }
}

/// The batch's statements, prepared once per connection (`prepare_cached`).
struct Statements {
    lock_objects: Statement,
    insert_keys: Statement,
    insert_objects: Statement,
    update_objects: Statement,
    insert_deliveries: Statement,
}

impl Statements {
    async fn prepare(client: &Object) -> Result<Statements, tokio_postgres::Error> {
        let (lock_objects, insert_keys, insert_objects, update_objects, insert_deliveries) = tokio::try_join!(
            client.prepare_cached(LOCK_OBJECTS),
            client.prepare_cached(INSERT_KEYS),
            client.prepare_cached(INSERT_OBJECTS),
            client.prepare_cached(UPDATE_OBJECTS),
            client.prepare_cached(INSERT_DELIVERIES),
        )?;
        Ok(Statements {
            lock_objects,
            insert_keys,
            insert_objects,
            update_objects,
            insert_deliveries,
        })
    }
}

/// Where each locked row is (its `ctid`, as text), by object id.
type Locations = HashMap<String, String>;

/// Step 1, for a batch that updates: opens the transaction and locks and reads the objects
/// the batch updates, in one round trip.
async fn lock_existing(
    client: &Object,
    statements: &Statements,
    names: &Names<'_>,
) -> Result<(Existing, Locations), tokio_postgres::Error> {
    let ids: [Param<'_>; 1] = [&names.updated_ids];
    let (begun, locked) = tokio::join!(
        biased;
        client.batch_execute("BEGIN"),
        client.query(&statements.lock_objects, &ids),
    );
    begun?;
    let mut existing = Existing::default();
    let mut locations = Locations::new();
    for row in locked? {
        let id: String = row.try_get(0)?;
        locations.insert(id.clone(), row.try_get(3)?);
        existing
            .objects
            .insert(id, (row.try_get(1)?, row.try_get(2)?));
    }
    Ok((existing, locations))
}

/// The accepted units' rows as column arrays, one set per statement.
struct Columns<'a> {
    keys: KeyColumns<'a>,
    inserts: ObjectColumns<'a>,
    updates: UpdateColumns<'a>,
    deliveries: DeliveryColumns<'a>,
}

impl<'a> Columns<'a> {
    /// `None` if an updated object was not locked (so has no location).
    fn of(rows: &Rows<'a>, locations: &'a Locations) -> Option<Self> {
        Some(Columns {
            keys: KeyColumns::of(rows),
            inserts: ObjectColumns::of(&rows.inserts),
            updates: UpdateColumns::of(&rows.updates, locations)?,
            deliveries: DeliveryColumns::of(rows),
        })
    }
}

/// Step 3: one statement per table, sent together. The update statement fails (aborting
/// the transaction) unless it found every row at the version read. Every statement is sent
/// even if another fails; `failed` is set as soon as one does.
async fn write_rows(
    client: &Object,
    statements: &Statements,
    columns: &Columns<'_>,
    failed: &AtomicBool,
) -> Result<(), tokio_postgres::Error> {
    let Columns {
        keys,
        inserts,
        updates,
        deliveries,
    } = columns;
    let updated_rows = i64::try_from(updates.row.len()).unwrap_or(i64::MAX);
    let mut update_params = updates.params().to_vec();
    update_params.push(&updated_rows);
    let noted = |result: Result<u64, tokio_postgres::Error>| {
        if result.is_err() {
            failed.store(true, Ordering::Relaxed);
        }
        result
    };
    let (key_rows, insert_rows, update_rows, delivery_rows) = tokio::join!(
        biased;
        async {
            if keys.key.is_empty() {
                return Ok(0);
            }
            noted(
                client
                    .execute(&statements.insert_keys, &keys.params())
                    .await,
            )
        },
        async {
            if inserts.id.is_empty() {
                return Ok(0);
            }
            noted(
                client
                    .execute(&statements.insert_objects, &inserts.params())
                    .await,
            )
        },
        async {
            if updates.row.is_empty() {
                return Ok(0);
            }
            noted(
                client
                    .execute(&statements.update_objects, &update_params)
                    .await,
            )
        },
        async {
            if deliveries.id.is_empty() {
                return Ok(0);
            }
            noted(
                client
                    .execute(&statements.insert_deliveries, &deliveries.params())
                    .await,
            )
        },
    );
    key_rows?;
    insert_rows?;
    update_rows?;
    delivery_rows?;
    Ok(())
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

/// Column arrays of updated objects, for `unnest`: where each row is, its new state, and the
/// version it must still have.
struct UpdateColumns<'a> {
    row: Vec<&'a str>,
    columns: ObjectColumns<'a>,
    expected: Vec<i64>,
}

impl<'a> UpdateColumns<'a> {
    /// `None` if an updated object was not locked (so has no location).
    fn of(updates: &[(&'a crate::Record, i64)], locations: &'a Locations) -> Option<Self> {
        let row = updates
            .iter()
            .map(|(r, _)| locations.get(&r.id).map(String::as_str))
            .collect::<Option<Vec<&str>>>()?;
        let records: Vec<&crate::Record> = updates.iter().map(|(r, _)| *r).collect();
        Some(UpdateColumns {
            row,
            columns: ObjectColumns::of(&records),
            expected: updates.iter().map(|(_, stored)| *stored).collect(),
        })
    }

    fn params(&self) -> [Param<'_>; 11] {
        let c = &self.columns;
        [
            &self.row,
            &c.kind,
            &c.created,
            &c.version,
            &c.deleted,
            &c.customer,
            &c.payment_intent,
            &c.charge,
            &c.tag,
            &c.body,
            &self.expected,
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
