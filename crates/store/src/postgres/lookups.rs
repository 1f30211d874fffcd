//! Reads of concurrent requests, answered together.
//!
//! Fetching one object by id costs PostgreSQL a round trip, a transaction and an executor
//! start-up, about 55 µs of its CPU on the benchmark machine, several times what reading the
//! row costs. Requests queue their reads (an object by id, an idempotency record by key, a
//! list); a few reader tasks each take whatever has queued up and answer it with one query per
//! kind of point read, and one execution per *distinct* list (under load, every payment lists
//! its account's webhook endpoints: one query answers all of them). An idle store answers a
//! lone read at once: a batch is only what queued while the readers were busy, so nothing
//! waits for a batch to fill.
//!
//! Every read is answered by a statement that starts after the read was queued, so a request
//! still sees what it (or anyone) committed before it asked. (Joining a query already under
//! way would not: that is why lists are shared only within a batch.)

use std::collections::HashMap;
use std::sync::Arc;

use deadpool_postgres::{Object, Pool};
use tokio::sync::{Mutex, mpsc, oneshot};

use super::{db, read};
use crate::{IdempotencyRecord, ListQuery, Record, StoreError, query};

/// Caps one batch (and the size of its `ANY` arrays).
const MAX_BATCH: usize = 256;

/// Lookups waiting for a reader; beyond this, callers wait to enqueue (backpressure).
const QUEUE: usize = 4096;

/// Reader tasks, hence connections reading at once.
const READERS: usize = 3;

/// Many ids are looked up as a nested loop of one-row index probes (`LATERAL`, kept from being
/// flattened by `OFFSET 0`). Given `id = ANY(…)` with a batch-sized array instead, the planner
/// chose a sequential scan while a table held some thousand rows, and the cached plan kept
/// scanning as it grew (PostgreSQL re-plans on statistics changes, and this machine's server
/// runs without autovacuum).
const FIND_KEYS: &str = "SELECT k.* FROM unnest($1::text[], $2::text[]) AS w(want_account, want_key), \
     LATERAL (SELECT account, key, fingerprint, request_id, status, body, created \
     FROM idempotency_keys WHERE account = w.want_account AND key = w.want_key OFFSET 0) AS k";

enum Lookup {
    Object {
        account: String,
        id: String,
        reply: oneshot::Sender<Result<Option<Record>, StoreError>>,
    },
    Key {
        account: String,
        key: String,
        reply: oneshot::Sender<Result<Option<IdempotencyRecord>, StoreError>>,
    },
    /// Boxed: a list query is several times the size of the other lookups.
    List {
        query: Box<ListQuery>,
        reply: ListReply,
    },
}

/// The queue of lookups; the reader tasks stop once it is dropped.
pub(super) struct Lookups {
    queue: mpsc::Sender<Lookup>,
}

impl Lookups {
    /// Starts the reader tasks (on the current Tokio runtime).
    pub(super) fn start(pool: Pool) -> Lookups {
        let (queue, lookups) = mpsc::channel(QUEUE);
        let lookups = Arc::new(Mutex::new(lookups));
        for _ in 0..READERS {
            tokio::spawn(run(pool.clone(), Arc::clone(&lookups)));
        }
        Lookups { queue }
    }

    /// One object of `account` by id (see [`crate::Store::get`]).
    pub(super) async fn object(
        &self,
        account: &str,
        id: &str,
    ) -> Result<Option<Record>, StoreError> {
        let (reply, answer) = oneshot::channel();
        let lookup = Lookup::Object {
            account: account.into(),
            id: id.into(),
            reply,
        };
        self.queue.send(lookup).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// The idempotency record of `key` (see [`crate::Store::idempotency`]).
    pub(super) async fn key(
        &self,
        account: &str,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        let (reply, answer) = oneshot::channel();
        let lookup = Lookup::Key {
            account: account.into(),
            key: key.into(),
            reply,
        };
        self.queue.send(lookup).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// A page of a list (see [`crate::Store::list`]).
    pub(super) async fn list(&self, query: &ListQuery) -> Result<Vec<Record>, StoreError> {
        let (reply, answer) = oneshot::channel();
        let lookup = Lookup::List {
            query: Box::new(query.clone()),
            reply,
        };
        self.queue.send(lookup).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StoreError {
    StoreError::Backend("the PostgreSQL readers stopped".into())
}

/// One reader: takes a batch (holding the queue only while taking it), answers it.
async fn run(pool: Pool, lookups: Arc<Mutex<mpsc::Receiver<Lookup>>>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    loop {
        {
            let mut lookups = lookups.lock().await;
            if lookups.recv_many(&mut batch, MAX_BATCH).await == 0 {
                return; // The store was dropped.
            }
        }
        answer(&pool, batch.drain(..)).await;
    }
}

/// Answers every lookup of a batch (an error goes to each of them).
async fn answer(pool: &Pool, batch: impl Iterator<Item = Lookup>) {
    let mut objects = Vec::new();
    let mut keys = Vec::new();
    // Distinct lists, each with everyone who asked for it.
    let mut lists: Vec<(ListQuery, Vec<ListReply>)> = Vec::new();
    for lookup in batch {
        match lookup {
            Lookup::Object { account, id, reply } => objects.push((account, id, reply)),
            Lookup::Key {
                account,
                key,
                reply,
            } => keys.push((account, key, reply)),
            Lookup::List { query, reply } => {
                match lists.iter_mut().find(|(asked, _)| *asked == *query) {
                    Some((_, replies)) => replies.push(reply),
                    None => lists.push((*query, vec![reply])),
                }
            }
        }
    }
    let mut client = match pool.get().await {
        Ok(client) => client,
        Err(e) => {
            let error = || StoreError::Backend(format!("PostgreSQL connection: {e}"));
            for (_, _, reply) in objects {
                let _ = reply.send(Err(error()));
            }
            for (_, _, reply) in keys {
                let _ = reply.send(Err(error()));
            }
            for reply in lists.into_iter().flat_map(|(_, replies)| replies) {
                let _ = reply.send(Err(error()));
            }
            return;
        }
    };
    let ids: Vec<&str> = objects.iter().map(|(_, id, _)| id.as_str()).collect();
    let key_accounts: Vec<&str> = keys
        .iter()
        .map(|(account, _, _)| account.as_str())
        .collect();
    let key_names: Vec<&str> = keys.iter().map(|(_, key, _)| key.as_str()).collect();
    // Lists of one statement go out with the point reads, in the same round trip (a
    // `biased` join sends each query in order on its first poll, and tokio-postgres pipelines
    // them). A prefix filter's list takes a snapshot transaction, hence the connection, alone:
    // after them.
    let (single, snapshot): (Vec<_>, Vec<_>) = lists
        .into_iter()
        .partition(|(query, _)| !read::needs_snapshot(query));
    let (found_objects, found_keys, pages) = tokio::join!(
        biased;
        async {
            if ids.is_empty() {
                return Ok(HashMap::new());
            }
            fetch_objects(&client, &ids).await
        },
        async {
            if key_names.is_empty() {
                return Ok(HashMap::new());
            }
            fetch_keys(&client, &key_accounts, &key_names).await
        },
        async {
            let mut pages = Vec::with_capacity(single.len());
            for (query, _) in &single {
                pages.push(read::list_in(&client, query).await);
            }
            pages
        },
    );
    match found_objects {
        Ok(found) => {
            for (account, id, reply) in objects {
                // Another account's object is not there for this one.
                let record = found.get(&id).filter(|r| r.account == account).cloned();
                let _ = reply.send(Ok(record));
            }
        }
        Err(e) => {
            for (_, _, reply) in objects {
                let _ = reply.send(Err(e.clone()));
            }
        }
    }
    match found_keys {
        Ok(found) => {
            // Two requests may ask for the same key in one batch: each gets a copy.
            for (account, key, reply) in keys {
                let _ = reply.send(Ok(found.get(&(account, key)).cloned()));
            }
        }
        Err(e) => {
            for (_, _, reply) in keys {
                let _ = reply.send(Err(e.clone()));
            }
        }
    }
    for ((_, replies), page) in single.into_iter().zip(pages) {
        for reply in replies {
            let _ = reply.send(page.clone());
        }
    }
    for (query, replies) in snapshot {
        let page = read::list(&mut client, &query).await;
        for reply in replies {
            let _ = reply.send(page.clone());
        }
    }
}

type ListReply = oneshot::Sender<Result<Vec<Record>, StoreError>>;

async fn fetch_objects(
    client: &Object,
    ids: &[&str],
) -> Result<HashMap<String, Record>, StoreError> {
    let sql = format!(
        "SELECT o.* FROM unnest($1::text[]) AS w(want), \
         LATERAL (SELECT {} FROM objects WHERE id = w.want OFFSET 0) AS o",
        query::RECORD_COLUMNS
    );
    let stmt = client.prepare_cached(&sql).await.map_err(db)?;
    let rows = client.query(&stmt, &[&ids]).await.map_err(db)?;
    rows.iter()
        .map(|row| read::record(row).map(|r| (r.id.clone(), r)))
        .collect::<Result<_, _>>()
        .map_err(db)
}

/// Keyed by (account, key).
async fn fetch_keys(
    client: &Object,
    accounts: &[&str],
    keys: &[&str],
) -> Result<HashMap<(String, String), IdempotencyRecord>, StoreError> {
    let stmt = client.prepare_cached(FIND_KEYS).await.map_err(db)?;
    let rows = client.query(&stmt, &[&accounts, &keys]).await.map_err(db)?;
    rows.iter()
        .map(|row| {
            let status: i32 = row.try_get(4).map_err(db)?;
            let record = IdempotencyRecord {
                account: row.try_get(0).map_err(db)?,
                key: row.try_get(1).map_err(db)?,
                fingerprint: row.try_get(2).map_err(db)?,
                request_id: row.try_get(3).map_err(db)?,
                status: u16::try_from(status)
                    .map_err(|_| StoreError::Backend(format!("stored HTTP status {status}")))?,
                body: row.try_get(5).map_err(db)?,
                created: row.try_get(6).map_err(db)?,
            };
            Ok(((record.account.clone(), record.key.clone()), record))
        })
        .collect()
}

#[cfg(test)]
#[path = "lookups_tests.rs"]
mod tests;
