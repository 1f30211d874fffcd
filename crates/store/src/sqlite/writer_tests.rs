//! The group commit, driven directly (no thread): one batch, many jobs, one transaction.

#![allow(clippy::unwrap_used)]

use super::*;
use crate::{IdempotencyRecord, IndexKeys, NewDelivery, Record, Write};

fn migrated() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    schema::migrate(&conn).unwrap();
    conn
}

fn insert(id: &str) -> UnitOfWork {
    UnitOfWork {
        writes: vec![Write {
            record: Record {
                account: "acct_1".into(),
                id: id.into(),
                kind: "thing".into(),
                created: 1,
                version: 1,
                deleted: false,
                index: IndexKeys::default(),
                body: "{}".into(),
            },
            expected_version: None,
        }],
        idempotency: None,
        deliveries: Vec::new(),
    }
}

fn job(op: Op) -> (WriteJob, oneshot::Receiver<Result<Done, StoreError>>) {
    let (reply, answer) = oneshot::channel();
    (WriteJob { op, reply }, answer)
}

fn ids(conn: &Connection) -> Vec<String> {
    let mut stmt = conn.prepare("SELECT id FROM objects ORDER BY seq").unwrap();
    stmt.query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn one_transaction_answers_each_job_with_its_own_outcome() {
    let conn = migrated();
    let account = Account {
        id: "acct_1".into(),
        secret_key: "sk".into(),
        publishable_key: "pk".into(),
        created: 1,
    };
    group_commit(&conn, vec![job(Op::CreateAccount(account.clone())).0]);
    let mut taken = insert("b");
    taken.idempotency = Some(IdempotencyRecord {
        account: "acct_1".into(),
        key: "k".into(),
        fingerprint: "f".into(),
        request_id: "req".into(),
        status: 200,
        body: "{}".into(),
        created: 1,
    });
    let mut retaken = insert("c");
    retaken.idempotency = taken.idempotency.clone();

    let (jobs, mut answers): (Vec<_>, Vec<_>) = [
        Op::Commit(insert("a")),
        Op::Commit(taken),
        Op::Commit(retaken),
        Op::CreateAccount(account),
        Op::Prune { older_than: 2 },
        Op::Commit(insert("e")),
    ]
    .into_iter()
    .map(job)
    .unzip();
    group_commit(&conn, jobs);

    let mut next = || answers.remove(0).try_recv().unwrap();
    assert_eq!(next().unwrap(), Done::Nothing);
    assert_eq!(next().unwrap(), Done::Nothing);
    assert!(matches!(next(), Err(StoreError::IdempotencyKeyTaken)));
    assert!(matches!(next(), Err(StoreError::DuplicateAccount)));
    // The prune sees the key committed earlier in the same transaction.
    assert_eq!(next().unwrap(), Done::Pruned(1));
    assert_eq!(next().unwrap(), Done::Nothing);
    assert_eq!(ids(&conn), vec!["a", "b", "e"]);
    assert!(conn.is_autocommit());
}

/// Inserted ids are not read before they are written: an insert that finds its id taken
/// aborts the batch, which runs again one job at a time with every id read, so that only the
/// units whose ids were taken are refused, and nothing of theirs is written.
#[test]
fn an_inserted_id_taken_refuses_only_its_unit() {
    let conn = migrated();
    group_commit(&conn, vec![job(Op::Commit(insert("a"))).0]);
    // Taken before the batch, after a write of its own unit.
    let mut late = insert("c");
    late.writes.extend(insert("a").writes);
    // Taken by an earlier unit of the same batch, with an idempotency key to leave unsaved.
    let mut twice = insert("e");
    twice.idempotency = Some(IdempotencyRecord {
        account: "acct_1".into(),
        key: "k".into(),
        fingerprint: "f".into(),
        request_id: "req".into(),
        status: 200,
        body: "{}".into(),
        created: 1,
    });
    let (jobs, mut answers): (Vec<_>, Vec<_>) = [
        Op::Commit(insert("b")),
        Op::Commit(late),
        Op::Commit(insert("e")),
        Op::Commit(twice),
        Op::Commit(insert("d")),
    ]
    .into_iter()
    .map(job)
    .unzip();
    group_commit(&conn, jobs);

    let mut next = || answers.remove(0).try_recv().unwrap();
    assert_eq!(next().unwrap(), Done::Nothing);
    assert!(matches!(next(), Err(StoreError::Conflict { id }) if id == "a"));
    assert_eq!(next().unwrap(), Done::Nothing);
    assert!(matches!(next(), Err(StoreError::Conflict { id }) if id == "e"));
    assert_eq!(next().unwrap(), Done::Nothing);
    // In the batch's order; neither "c" nor the key of the refused units was written.
    assert_eq!(ids(&conn), vec!["a", "b", "e", "d"]);
    let keys: i64 = conn
        .query_row("SELECT count(*) FROM idempotency_keys", [], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(keys, 0);
    assert!(conn.is_autocommit());
}

#[test]
fn a_lost_transaction_fails_every_job() {
    let conn = migrated();
    // BEGIN IMMEDIATE cannot nest: the batch's transaction never starts.
    conn.execute_batch("BEGIN").unwrap();
    let (jobs, answers): (Vec<_>, Vec<_>) = [insert("a"), insert("b")]
        .into_iter()
        .map(|unit| job(Op::Commit(unit)))
        .unzip();
    group_commit(&conn, jobs);
    for mut answer in answers {
        assert!(matches!(
            answer.try_recv().unwrap(),
            Err(StoreError::Backend(_))
        ));
    }
    assert!(conn.is_autocommit());
    assert!(ids(&conn).is_empty());
}

fn delivery(id: &str) -> NewDelivery {
    NewDelivery {
        id: id.into(),
        account: "acct_1".into(),
        event_id: "evt_1".into(),
        endpoint_id: "we_1".into(),
        due_at_ms: 10,
    }
}

fn deliveries(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT id FROM webhook_deliveries ORDER BY id")
        .unwrap();
    stmt.query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn outbox_jobs_share_the_batch_with_commits() {
    let conn = migrated();
    let mut first = insert("a");
    first.deliveries = vec![delivery("whdel_1"), delivery("whdel_2")];
    // Refused for its write; its delivery is not inserted either.
    let mut stale = insert("a");
    stale.deliveries = vec![delivery("whdel_3")];
    // Refused for its delivery; its write is not applied either.
    let mut duplicate = insert("b");
    duplicate.deliveries = vec![delivery("whdel_4"), delivery("whdel_1")];

    let (jobs, mut answers): (Vec<_>, Vec<_>) = [
        Op::Commit(first),
        Op::Commit(stale),
        Op::Commit(duplicate),
        // Sees the deliveries committed earlier in the same transaction.
        Op::Claim {
            now_ms: 10,
            lease_ms: 5,
            limit: 10,
        },
        // The second claim in the batch finds both leased.
        Op::Claim {
            now_ms: 10,
            lease_ms: 5,
            limit: 10,
        },
    ]
    .into_iter()
    .map(job)
    .unzip();
    group_commit(&conn, jobs);

    let mut next = || answers.remove(0).try_recv().unwrap();
    assert_eq!(next().unwrap(), Done::Nothing);
    assert!(matches!(next(), Err(StoreError::Conflict { id }) if id == "a"));
    assert!(matches!(next(), Err(StoreError::Conflict { id }) if id == "whdel_1"));
    let Ok(Done::Claimed(claimed)) = next() else {
        panic!("expected a claim");
    };
    let claimed_ids: Vec<&str> = claimed.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(claimed_ids, vec!["whdel_1", "whdel_2"]);
    assert!(claimed.iter().all(|c| c.lease_until_ms == 15));
    assert_ne!(claimed[0].lease_token, claimed[1].lease_token);
    assert_eq!(next().unwrap(), Done::Claimed(Vec::new()));
    assert_eq!(ids(&conn), vec!["a"]);
    assert_eq!(deliveries(&conn), vec!["whdel_1", "whdel_2"]);
    assert!(conn.is_autocommit());
}
