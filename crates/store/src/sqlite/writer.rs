//! The writer thread and its group commit.
//!
//! Every write goes through one thread that owns the only writable connection. It takes
//! whatever has queued up while it was busy (up to [`MAX_BATCH`] jobs), applies each job inside
//! its own SAVEPOINT of one `BEGIN IMMEDIATE` transaction and commits once: with
//! `synchronous=FULL` that is one fsync for the whole batch instead of one per request. A job
//! that fails (version conflict, idempotency key taken, duplicate account) is rolled back to
//! its savepoint alone and answered with its error; the others still commit.
//!
//! Claiming and finishing webhook deliveries are writes too and go through the same queue:
//! serialised with every other write, two claims can never lease the same delivery.

use std::thread::JoinHandle;

use rusqlite::{Connection, params};
use tokio::sync::{mpsc, oneshot};

use super::{db, outbox, schema};
use crate::{Account, ClaimedDelivery, DeliveryAttempt, DeliveryOutcome, StoreError, UnitOfWork};

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
    Claim {
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    },
    /// Boxed: the claim and the attempt are several strings each, and every job in the queue
    /// would otherwise be as large.
    Finish(Box<Finish>),
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

/// Applies `batch` in one transaction, one savepoint per job, and answers every job.
fn group_commit(conn: &Connection, batch: Vec<WriteJob>) {
    let mut outcomes: Vec<Result<Done, StoreError>> = Vec::with_capacity(batch.len());
    let transaction = exec(conn, "BEGIN IMMEDIATE")
        .and_then(|()| {
            for job in &batch {
                outcomes.push(apply_in_savepoint(conn, &job.op)?);
            }
            Ok(())
        })
        .and_then(|()| exec(conn, "COMMIT"));
    let failure = transaction.err().map(|e| {
        if !conn.is_autocommit() {
            // Answering with the original error matters more than a failed rollback's.
            let _ = exec(conn, "ROLLBACK");
        }
        tracing::error!(error = %e, jobs = batch.len(), "SQLite group commit failed");
        e.to_string()
    });
    tracing::debug!(jobs = batch.len(), "SQLite group commit");
    let mut outcomes = outcomes.into_iter();
    for job in batch {
        let answer = match (outcomes.next(), &failure) {
            // A job that failed on its own failed for that reason, commit or not.
            (Some(Err(own)), _) => Err(own),
            (Some(Ok(n)), None) => Ok(n),
            (_, Some(failure)) => Err(StoreError::Backend(format!(
                "group commit failed: {failure}"
            ))),
            (None, None) => Err(StoreError::Backend(
                "internal: job left out of its group commit".into(),
            )),
        };
        // The caller may have given up waiting; its job's fate is then just unobserved.
        let _ = job.reply.send(answer);
    }
}

/// The inner result is the job's own outcome; the outer error means the whole transaction is
/// lost (SQLite rolls back by itself on some I/O errors) and the batch must fail.
fn apply_in_savepoint(conn: &Connection, op: &Op) -> Result<Result<Done, StoreError>, StoreError> {
    exec(conn, "SAVEPOINT job")?;
    match apply(conn, op) {
        Ok(n) => {
            exec(conn, "RELEASE job")?;
            Ok(Ok(n))
        }
        Err(e) if conn.is_autocommit() => Err(e),
        Err(e) => {
            exec(conn, "ROLLBACK TO job")?;
            exec(conn, "RELEASE job")?;
            Ok(Err(e))
        }
    }
}

fn apply(conn: &Connection, op: &Op) -> Result<Done, StoreError> {
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
                return Err(StoreError::DuplicateAccount);
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
        Op::Claim {
            now_ms,
            lease_ms,
            limit,
        } => outbox::claim(conn, *now_ms, *lease_ms, *limit).map(Done::Claimed),
        Op::Finish(finish) => {
            outbox::finish(conn, &finish.claim, &finish.attempt, finish.outcome).map(Done::Finished)
        }
    }
}

/// Conflicts are detected by "no row changed" (`ON CONFLICT DO NOTHING`, or an UPDATE whose
/// version guard matched nothing) rather than by parsing constraint error messages.
fn apply_unit(conn: &Connection, unit: &UnitOfWork) -> Result<(), StoreError> {
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
            return Err(StoreError::IdempotencyKeyTaken);
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
            return Err(StoreError::Conflict { id: r.id.clone() });
        }
    }
    outbox::insert_deliveries(conn, &unit.deliveries)
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
