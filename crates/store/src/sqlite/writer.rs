//! The writer thread and its group commit.
//!
//! Every write goes through one thread that owns the only writable connection. It takes
//! whatever has queued up while it was busy (up to [`MAX_BATCH`] jobs), applies them in one
//! `BEGIN IMMEDIATE` transaction and commits once: with `synchronous=FULL` that is one fsync
//! for the whole batch instead of one per request.
//!
//! A job can be refused on its own (version conflict, idempotency key taken, duplicate
//! account): each job is first *checked* with reads only, and written only if the check
//! passes, so a refused job has written nothing and the others still commit. This thread is
//! the only writer and holds the write lock for the whole batch, so nothing can change between
//! a job's check and its writes. (A SAVEPOINT per job did the same by rolling back, but its
//! statement journal copied every page a job touched: about a fifth of this thread's time.)
//! An error while writing is an I/O failure, not a refusal, and fails the whole batch.
//!
//! One check is left to the database: the ids a unit inserts are not read first. They are
//! fresh (random, or derived from a fresh one) but for a race, and reading each one cost an
//! index search per record, which grows with the database. An insert that finds its id taken
//! aborts the batch, which then runs again one job per transaction with every id read first,
//! so the job that lost the race is refused on its own and the others commit (as the
//! PostgreSQL group commit does, `postgres/group_commit.rs`).
//!
//! Claiming and finishing webhook deliveries are writes too and go through the same queue:
//! serialised with every other write, two claims can never lease the same delivery.

use std::thread::JoinHandle;

use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::{mpsc, oneshot};

use super::{db, outbox, request_logs, schema};
use crate::{
    Account, AccountReset, ClaimedDelivery, DeliveryAttempt, DeliveryOutcome, RequestLog,
    StoreError, UnitOfWork,
};

/// Caps a batch so one transaction (and the wait of its first job) stays short.
const MAX_BATCH: usize = 256;

/// Jobs waiting for the writer; beyond this, callers wait to enqueue (backpressure) instead of
/// growing the queue without bound.
const QUEUE: usize = 4096;

/// The answer to a job.
type Reply = oneshot::Sender<Result<Done, StoreError>>;

/// What a job that succeeded produced; each [`Op`] has its own kind of answer.
#[derive(Debug, PartialEq, Eq)]
enum Done {
    Nothing,
    /// Idempotency records pruned.
    Pruned(u64),
    Claimed(Vec<ClaimedDelivery>),
    /// Whether the claim still held the lease (and the attempt was recorded).
    Finished(bool),
    /// Request logs pruned or deleted.
    PrunedLogs(u64),
    Reset(AccountReset),
}

enum Job {
    /// Runs alone, in its own transaction: DDL has no business inside a batch.
    Migrate(oneshot::Sender<Result<(), StoreError>>),
    Write(WriteJob),
}

struct WriteJob {
    op: Op,
    reply: Reply,
}

enum Op {
    Commit(UnitOfWork),
    CreateAccount(Account),
    Prune {
        older_than: i64,
    },
    /// Everything of one account goes (`Store::reset_account`).
    Reset(String),
    Claim {
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    },
    /// Boxed: the claim and the attempt are several strings each, and every job in the queue
    /// would otherwise be as large.
    Finish(Box<Finish>),
    /// A batch of API request logs, on the logs' own file (`log_file.rs`): batches queued
    /// together share one transaction.
    InsertLogs(Vec<RequestLog>),
    PruneLogs {
        older_than_ms: i64,
        keep_rows: i64,
        chunk: i64,
    },
    /// Every request log of one account (`Store::reset_account`, on the logs' own file).
    DeleteLogs(String),
}

struct Finish {
    claim: ClaimedDelivery,
    attempt: DeliveryAttempt,
    outcome: DeliveryOutcome,
}

/// The handle of the writer thread; dropping it closes the queue and joins the thread.
pub(super) struct Writer {
    /// `Option` only so that `drop` can close the channel before joining.
    queue: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    pub(super) fn start(conn: Connection) -> Result<Writer, StoreError> {
        let (queue, jobs) = mpsc::channel(QUEUE);
        let thread = std::thread::Builder::new()
            .name("tender-sqlite-writer".into())
            .spawn(move || run(&conn, jobs))
            .map_err(|e| StoreError::Backend(format!("starting the SQLite writer: {e}")))?;
        Ok(Writer {
            queue: Some(queue),
            thread: Some(thread),
        })
    }

    pub(super) async fn migrate(&self) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        self.send(Job::Migrate(reply)).await?;
        answer.await.map_err(|_| stopped())?
    }

    pub(super) async fn commit(&self, unit: UnitOfWork) -> Result<(), StoreError> {
        match self.write(Op::Commit(unit)).await? {
            Done::Nothing => Ok(()),
            other => Err(mismatch(&other)),
        }
    }

    pub(super) async fn create_account(&self, account: Account) -> Result<(), StoreError> {
        match self.write(Op::CreateAccount(account)).await? {
            Done::Nothing => Ok(()),
            other => Err(mismatch(&other)),
        }
    }

    pub(super) async fn prune_idempotency(&self, older_than: i64) -> Result<u64, StoreError> {
        match self.write(Op::Prune { older_than }).await? {
            Done::Pruned(n) => Ok(n),
            other => Err(mismatch(&other)),
        }
    }

    pub(super) async fn reset_account(&self, account: String) -> Result<AccountReset, StoreError> {
        match self.write(Op::Reset(account)).await? {
            Done::Reset(reset) => Ok(reset),
            other => Err(mismatch(&other)),
        }
    }

    pub(super) async fn claim_deliveries(
        &self,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        let op = Op::Claim {
            now_ms,
            lease_ms,
            limit,
        };
        match self.write(op).await? {
            Done::Claimed(claimed) => Ok(claimed),
            other => Err(mismatch(&other)),
        }
    }

    pub(super) async fn finish_delivery(
        &self,
        claim: ClaimedDelivery,
        attempt: DeliveryAttempt,
        outcome: DeliveryOutcome,
    ) -> Result<bool, StoreError> {
        let op = Op::Finish(Box::new(Finish {
            claim,
            attempt,
            outcome,
        }));
        match self.write(op).await? {
            Done::Finished(held) => Ok(held),
            other => Err(mismatch(&other)),
        }
    }

    pub(super) async fn insert_request_logs(
        &self,
        logs: Vec<RequestLog>,
    ) -> Result<(), StoreError> {
        match self.write(Op::InsertLogs(logs)).await? {
            Done::Nothing => Ok(()),
            other => Err(mismatch(&other)),
        }
    }

    pub(super) async fn prune_request_logs(
        &self,
        older_than_ms: i64,
        keep_rows: i64,
        chunk: i64,
    ) -> Result<u64, StoreError> {
        let op = Op::PruneLogs {
            older_than_ms,
            keep_rows,
            chunk,
        };
        match self.write(op).await? {
            Done::PrunedLogs(n) => Ok(n),
            other => Err(mismatch(&other)),
        }
    }

    pub(super) async fn delete_request_logs(&self, account: String) -> Result<u64, StoreError> {
        match self.write(Op::DeleteLogs(account)).await? {
            Done::PrunedLogs(n) => Ok(n),
            other => Err(mismatch(&other)),
        }
    }

    async fn write(&self, op: Op) -> Result<Done, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.send(Job::Write(WriteJob { op, reply })).await?;
        answer.await.map_err(|_| stopped())?
    }

    async fn send(&self, job: Job) -> Result<(), StoreError> {
        let queue = self.queue.as_ref().ok_or_else(stopped)?;
        queue.send(job).await.map_err(|_| stopped())
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Every caller borrows the store, so no one is waiting any more; the thread finishes
        // what is queued (jobs whose callers gave up waiting), sees the closed queue and
        // exits, closing the connection.
        drop(self.queue.take());
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the SQLite writer thread panicked");
        }
    }
}

fn stopped() -> StoreError {
    StoreError::Backend("the SQLite writer thread has stopped".into())
}

/// `apply` answers each op with its own kind of [`Done`]; anything else is a bug here.
fn mismatch(done: &Done) -> StoreError {
    StoreError::Backend(format!(
        "internal: unexpected SQLite writer answer {done:?}"
    ))
}

/// The writer thread's loop; returns when every sender is gone.
fn run(conn: &Connection, mut jobs: mpsc::Receiver<Job>) {
    // A migration found while draining waits for the next round, so batches hold writes only.
    let mut carried: Option<Job> = None;
    loop {
        let first = match carried.take() {
            Some(job) => job,
            None => match jobs.blocking_recv() {
                Some(job) => job,
                None => return,
            },
        };
        let first = match first {
            Job::Migrate(reply) => {
                let _ = reply.send(schema::migrate(conn));
                continue;
            }
            Job::Write(job) => job,
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(Job::Write(job)) => batch.push(job),
                Ok(migrate) => {
                    carried = Some(migrate);
                    break;
                }
                Err(_) => break,
            }
        }
        group_commit(conn, batch);
    }
}

/// Whether a batch reads the ids its units insert before writing them (see the module's
/// documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Inserts {
    /// Not read: an id found taken aborts the batch with [`Abort::IdTaken`].
    Unread,
    /// Read, so that a taken id refuses its unit alone: the rerun of an aborted batch.
    Read,
}

/// Why a batch's transaction was rolled back.
enum Abort {
    /// An insert found its id taken, in a batch that did not read inserted ids.
    IdTaken,
    /// A database failure: every job of the batch fails with it.
    Failed(StoreError),
}

impl From<StoreError> for Abort {
    fn from(e: StoreError) -> Abort {
        Abort::Failed(e)
    }
}

/// Applies `batch` in one transaction and answers every job. If an insert finds its id
/// taken, runs the jobs again, one transaction each, with inserted ids read first.
fn group_commit(conn: &Connection, batch: Vec<WriteJob>) {
    tracing::debug!(jobs = batch.len(), "SQLite group commit");
    let (outcomes, abort) = transaction(conn, &batch, Inserts::Unread);
    match abort {
        None => answer(batch, outcomes.into_iter().map(Some)),
        Some(Abort::IdTaken) => {
            tracing::debug!(
                jobs = batch.len(),
                "an inserted id was taken: one job at a time"
            );
            for job in batch {
                let (mut outcomes, abort) =
                    transaction(conn, std::slice::from_ref(&job), Inserts::Read);
                let outcome = match abort {
                    None => outcomes.pop(),
                    Some(Abort::IdTaken) => Some(Err(StoreError::Backend(
                        "internal: an insert was refused after its id was read".into(),
                    ))),
                    Some(Abort::Failed(e)) => Some(Err(failed(&e, 1))),
                };
                answer(vec![job], [outcome]);
            }
        }
        Some(Abort::Failed(e)) => {
            let failure = failed(&e, batch.len());
            let mut outcomes = outcomes.into_iter();
            // A job refused on its own keeps its refusal; every other one failed with the batch.
            let answers = std::iter::from_fn(|| {
                Some(Some(match outcomes.next() {
                    Some(Err(own)) => Err(own),
                    _ => Err(failure.clone()),
                }))
            });
            answer(batch, answers);
        }
    }
}

/// Runs `jobs` in one transaction: the outcomes of the jobs it reached, each its own (a
/// refusal writes nothing), and why the transaction was rolled back, if it was.
fn transaction(
    conn: &Connection,
    jobs: &[WriteJob],
    inserts: Inserts,
) -> (Vec<Result<Done, StoreError>>, Option<Abort>) {
    let mut outcomes = Vec::with_capacity(jobs.len());
    let mut run = || -> Result<(), Abort> {
        exec(conn, "BEGIN IMMEDIATE")?;
        for job in jobs {
            outcomes.push(check_then_apply(conn, &job.op, inserts)?);
        }
        Ok(exec(conn, "COMMIT")?)
    };
    let abort = run().err();
    if abort.is_some() && !conn.is_autocommit() {
        // Answering with the original error matters more than a failed rollback's.
        let _ = exec(conn, "ROLLBACK");
    }
    (outcomes, abort)
}

/// The error every job of a lost transaction is answered with.
fn failed(e: &StoreError, jobs: usize) -> StoreError {
    tracing::error!(error = %e, jobs, "SQLite group commit failed");
    StoreError::Backend(format!("group commit failed: {e}"))
}

/// Sends each job its outcome (`None`: the job was left out, a bug here).
fn answer(
    jobs: Vec<WriteJob>,
    outcomes: impl IntoIterator<Item = Option<Result<Done, StoreError>>>,
) {
    let mut outcomes = outcomes.into_iter();
    for job in jobs {
        let outcome = outcomes.next().flatten().unwrap_or_else(|| {
            Err(StoreError::Backend(
                "internal: job left out of its group commit".into(),
            ))
        });
        // The caller may have given up waiting; its job's fate is then just unobserved.
        let _ = job.reply.send(outcome);
    }
}

/// The inner result is the job's own outcome (a refusal writes nothing); the outer error
/// means the whole transaction is lost.
fn check_then_apply(
    conn: &Connection,
    op: &Op,
    inserts: Inserts,
) -> Result<Result<Done, StoreError>, Abort> {
    if let Err(refused) = check(conn, op, inserts)? {
        return Ok(Err(refused));
    }
    apply(conn, op).map(Ok)
}

/// Whether `op` may be applied, with reads only. The outer error is a database failure.
fn check(
    conn: &Connection,
    op: &Op,
    inserts: Inserts,
) -> Result<Result<(), StoreError>, StoreError> {
    match op {
        Op::Commit(unit) => check_unit(conn, unit, inserts),
        Op::CreateAccount(account) => {
            let taken = exists(
                conn,
                "SELECT 1 FROM accounts WHERE id = ?1 OR secret_key = ?2 OR publishable_key = ?3",
                params![account.id, account.secret_key, account.publishable_key],
            )?;
            Ok(refused_if(taken, || StoreError::DuplicateAccount))
        }
        Op::Finish(finish) => outbox::check_finish(conn, &finish.claim, &finish.attempt),
        Op::Prune { .. }
        | Op::Claim { .. }
        | Op::InsertLogs(_)
        | Op::PruneLogs { .. }
        | Op::DeleteLogs(_)
        | Op::Reset(_) => Ok(Ok(())),
    }
}

/// A unit may commit if its idempotency key is free, every insert's id is new (read only
/// with [`Inserts::Read`]) and every update's object is at the expected version, counting
/// the unit's own earlier writes.
fn check_unit(
    conn: &Connection,
    unit: &UnitOfWork,
    inserts: Inserts,
) -> Result<Result<(), StoreError>, StoreError> {
    if let Some(r) = &unit.idempotency
        && exists(
            conn,
            "SELECT 1 FROM idempotency_keys WHERE account = ?1 AND key = ?2",
            params![r.account, r.key],
        )?
    {
        return Ok(Err(StoreError::IdempotencyKeyTaken));
    }
    // Versions this unit itself writes, for a unit that touches an object twice.
    let mut written: Vec<(&str, i64)> = Vec::new();
    for write in &unit.writes {
        let r = &write.record;
        let ok = match written.iter().rev().find(|(id, _)| *id == r.id) {
            // Written earlier in this unit, by this account.
            Some((_, version)) => write.expected_version == Some(*version),
            // An insert whose id is not read: its INSERT tells (`apply_unit`).
            None if write.expected_version.is_none() && inserts == Inserts::Unread => true,
            None => {
                let current: Option<(String, i64)> = conn
                    .prepare_cached("SELECT account, version FROM objects WHERE id = ?1")
                    .and_then(|mut stmt| {
                        stmt.query_row(params![r.id], |row| Ok((row.get(0)?, row.get(1)?)))
                            .optional()
                    })
                    .map_err(db)?;
                match (write.expected_version, current) {
                    (None, None) => true,
                    (Some(expected), Some((account, version))) => {
                        account == r.account && version == expected
                    }
                    _ => false,
                }
            }
        };
        if !ok {
            return Ok(Err(StoreError::Conflict { id: r.id.clone() }));
        }
        written.push((&r.id, r.version));
    }
    for (n, delivery) in unit.deliveries.iter().enumerate() {
        let repeated = unit.deliveries[..n].iter().any(|d| d.id == delivery.id);
        if repeated
            || exists(
                conn,
                "SELECT 1 FROM webhook_deliveries WHERE id = ?1",
                params![delivery.id],
            )?
        {
            return Ok(Err(StoreError::Conflict {
                id: delivery.id.clone(),
            }));
        }
    }
    Ok(Ok(()))
}

/// A check's answer: `error` if `refused`.
pub(super) fn refused_if(
    refused: bool,
    error: impl FnOnce() -> StoreError,
) -> Result<(), StoreError> {
    if refused { Err(error()) } else { Ok(()) }
}

fn exists(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<bool, StoreError> {
    conn.prepare_cached(sql)
        .and_then(|mut stmt| stmt.exists(params))
        .map_err(db)
}

fn apply(conn: &Connection, op: &Op) -> Result<Done, Abort> {
    match op {
        Op::Commit(unit) => apply_unit(conn, unit).map(|()| Done::Nothing),
        Op::CreateAccount(account) => {
            // DO NOTHING with no target covers the id and both key columns.
            let inserted = conn
                .prepare_cached(
                    "INSERT INTO accounts (id, secret_key, publishable_key, created) \
                     VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                )
                .and_then(|mut stmt| {
                    stmt.execute(params![
                        account.id,
                        account.secret_key,
                        account.publishable_key,
                        account.created
                    ])
                })
                .map_err(db)?;
            if inserted == 0 {
                return Err(unchecked("account", &account.id).into());
            }
            Ok(Done::Nothing)
        }
        Op::Prune { older_than } => {
            let deleted = conn
                .prepare_cached("DELETE FROM idempotency_keys WHERE created < ?1")
                .and_then(|mut stmt| stmt.execute(params![older_than]))
                .map_err(db)?;
            Ok(Done::Pruned(u64::try_from(deleted).unwrap_or(u64::MAX)))
        }
        Op::Reset(account) => Ok(Done::Reset(reset(conn, account)?)),
        Op::Claim {
            now_ms,
            lease_ms,
            limit,
        } => Ok(outbox::claim(conn, *now_ms, *lease_ms, *limit).map(Done::Claimed)?),
        Op::Finish(finish) => {
            Ok(
                outbox::finish(conn, &finish.claim, &finish.attempt, finish.outcome)
                    .map(Done::Finished)?,
            )
        }
        Op::InsertLogs(logs) => Ok(request_logs::insert(conn, logs).map(|()| Done::Nothing)?),
        Op::PruneLogs {
            older_than_ms,
            keep_rows,
            chunk,
        } => Ok(
            request_logs::prune(conn, *older_than_ms, *keep_rows, *chunk).map(Done::PrunedLogs)?,
        ),
        Op::DeleteLogs(account) => {
            Ok(request_logs::delete_account(conn, account).map(Done::PrunedLogs)?)
        }
    }
}

/// Deletes what `account` owns, inside the batch's transaction (so with its other jobs, all
/// or nothing). Attempts go first: they name their delivery, not the account.
fn reset(conn: &Connection, account: &str) -> Result<AccountReset, StoreError> {
    let delete = |sql: &str| -> Result<u64, StoreError> {
        conn.prepare_cached(sql)
            .and_then(|mut stmt| stmt.execute(params![account]))
            .map(|n| u64::try_from(n).unwrap_or(u64::MAX))
            .map_err(db)
    };
    delete(
        "DELETE FROM webhook_attempts WHERE delivery_id IN \
         (SELECT id FROM webhook_deliveries WHERE account = ?1)",
    )?;
    Ok(AccountReset {
        webhook_deliveries: delete("DELETE FROM webhook_deliveries WHERE account = ?1")?,
        idempotency_keys: delete("DELETE FROM idempotency_keys WHERE account = ?1")?,
        objects: delete("DELETE FROM objects WHERE account = ?1")?,
        request_logs: delete("DELETE FROM request_logs WHERE account = ?1")?,
    })
}

/// Writes a unit [`check_unit`] accepted. The statements keep their guards (`ON CONFLICT DO
/// NOTHING`, the version in the UPDATE's WHERE): a guard that stops a write aborts the batch
/// rather than commit half a unit. For an insert that is the expected answer to an id taken
/// ([`Abort::IdTaken`], when ids were not read); anything else means the check was wrong.
fn apply_unit(conn: &Connection, unit: &UnitOfWork) -> Result<(), Abort> {
    if let Some(r) = &unit.idempotency {
        let inserted = conn
            .prepare_cached(
                "INSERT INTO idempotency_keys \
                 (account, key, fingerprint, request_id, status, body, created) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (account, key) DO NOTHING",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    r.account,
                    r.key,
                    r.fingerprint,
                    r.request_id,
                    r.status,
                    r.body,
                    r.created
                ])
            })
            .map_err(db)?;
        if inserted == 0 {
            return Err(unchecked("idempotency key", &r.key).into());
        }
    }
    for write in &unit.writes {
        let r = &write.record;
        let i = &r.index;
        let changed = match write.expected_version {
            None => conn
                .prepare_cached(
                    "INSERT INTO objects (account, id, kind, created, version, deleted, \
                     customer, payment_intent, charge, tag, body) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .and_then(|mut stmt| {
                    stmt.execute(params![
                        r.account,
                        r.id,
                        r.kind,
                        r.created,
                        r.version,
                        r.deleted,
                        i.customer,
                        i.payment_intent,
                        i.charge,
                        i.tag,
                        r.body
                    ])
                }),
            Some(expected) => conn
                .prepare_cached(
                    "UPDATE objects SET kind = ?3, created = ?4, version = ?5, deleted = ?6, \
                     customer = ?7, payment_intent = ?8, charge = ?9, tag = ?10, body = ?11 \
                     WHERE id = ?2 AND account = ?1 AND version = ?12",
                )
                .and_then(|mut stmt| {
                    stmt.execute(params![
                        r.account,
                        r.id,
                        r.kind,
                        r.created,
                        r.version,
                        r.deleted,
                        i.customer,
                        i.payment_intent,
                        i.charge,
                        i.tag,
                        r.body,
                        expected
                    ])
                }),
        }
        .map_err(db)?;
        if changed == 0 {
            return Err(match write.expected_version {
                None => Abort::IdTaken,
                Some(_) => unchecked("object", &r.id).into(),
            });
        }
    }
    Ok(outbox::insert_deliveries(conn, &unit.deliveries)?)
}

/// A write its job's check allowed was refused by the database: a bug here, never a refusal.
fn unchecked(what: &str, id: &str) -> StoreError {
    StoreError::Backend(format!(
        "internal: the write of {what} {id} was refused after its check passed"
    ))
}

fn exec(conn: &Connection, sql: &str) -> Result<(), StoreError> {
    conn.prepare_cached(sql)
        .and_then(|mut stmt| stmt.execute([]))
        .map(|_| ())
        .map_err(db)
}

#[cfg(test)]
#[path = "writer_tests.rs"]
mod tests;
