//! Batches committed on a real PostgreSQL: through the set-based path, and through the
//! one-by-one fallback when a key or an id the batch did not read is already taken; and a
//! committer gathering a batch while the other one is blocked.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use super::*;
use crate::postgres::PostgresStore;
use crate::postgres::batch::tests::{describe, keyed, write};
use crate::{NewDelivery, Store};
use tokio_postgres::error::SqlState;

async fn with_store<F, Fut>(case: F)
where
    F: FnOnce(PostgresStore) -> Fut,
    Fut: Future<Output = ()>,
{
    let (store, url, schema) = crate::postgres::test_store("tender_group_test").await;
    case(store).await;
    PostgresStore::drop_schema(&url, &schema).await.unwrap();
}

async fn strings(client: &Object, sql: &str) -> Vec<String> {
    let rows = client.query(sql, &[]).await.unwrap();
    rows.iter().map(|row| row.get(0)).collect()
}

#[tokio::test]
async fn a_batch_writes_its_accepted_units_in_one_transaction() {
    with_store(|store| async move {
        let mut first = keyed(vec![write("cus_a", None), write("cus_b", None)], "k1");
        first.deliveries = vec![NewDelivery {
            id: "whdel_1".into(),
            account: "acct_1".into(),
            event_id: "evt_1".into(),
            endpoint_id: "we_1".into(),
            due_at_ms: 5,
        }];
        let units = [
            first,
            keyed(vec![write("cus_c", None)], "k1"),
            keyed(vec![write("cus_a", Some(1)), write("cus_d", None)], "k2"),
            keyed(vec![write("cus_b", Some(7))], "k3"),
        ];
        let outcomes = commit_batch(&store.pool, &units).await;
        let described: Vec<String> = outcomes.iter().map(describe).collect();
        assert_eq!(described, vec!["ok", "key taken", "ok", "conflict cus_b"]);

        let client = store.pool.get().await.unwrap();
        let rows = client
            .query("SELECT id, version, body FROM objects ORDER BY seq", &[])
            .await
            .unwrap();
        let objects: Vec<(String, i64, String)> = rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        assert_eq!(
            objects,
            vec![
                ("cus_a".into(), 2, "{\"id\":\"cus_a\"}".into()),
                ("cus_b".into(), 1, "{\"id\":\"cus_b\"}".into()),
                ("cus_d".into(), 1, "{\"id\":\"cus_d\"}".into()),
            ]
        );
        let keys = strings(&client, "SELECT key FROM idempotency_keys ORDER BY key").await;
        assert_eq!(keys, vec!["k1", "k2"]);
        let deliveries = strings(&client, "SELECT id FROM webhook_deliveries").await;
        assert_eq!(deliveries, vec!["whdel_1"]);

        // A second batch updates what the first one wrote.
        let outcomes =
            commit_batch(&store.pool, &[keyed(vec![write("cus_a", Some(2))], "k4")]).await;
        assert_eq!(describe(&outcomes[0]), "ok");
        let versions = strings(
            &client,
            "SELECT version::text FROM objects WHERE id = 'cus_a'",
        )
        .await;
        assert_eq!(versions, vec!["3"]);
    })
    .await;
}

/// A write of `id` (expecting `expected`) whose body names the version it writes.
fn versioned(id: &str, expected: Option<i64>) -> crate::Write {
    let mut w = write(id, expected);
    w.record.body = format!("{{\"id\":\"{id}\",\"v\":{}}}", w.record.version);
    w
}

async fn objects(client: &Object) -> Vec<String> {
    strings(
        client,
        "SELECT id || ' ' || version || ' ' || body FROM objects ORDER BY id",
    )
    .await
}

#[tokio::test]
async fn one_statement_updates_every_object_a_batch_updates() {
    with_store(|store| async move {
        let seed = [keyed(
            vec![versioned("cus_x", None), versioned("cus_y", None)],
            "k0",
        )];
        assert_eq!(describe(&commit_batch(&store.pool, &seed).await[0]), "ok");

        let units = [
            keyed(vec![versioned("cus_x", Some(1))], "k1"),
            keyed(
                vec![versioned("cus_y", Some(1)), versioned("cus_z", None)],
                "k2",
            ),
            // Read under the lock at version 2 by now: this unit's guard is stale.
            keyed(vec![versioned("cus_y", Some(1))], "k3"),
            keyed(vec![versioned("cus_x", Some(2))], "k4"),
        ];
        // Directly, not through `commit_batch`: the batch itself must commit (no fallback).
        let client = store.pool.get().await.unwrap();
        let outcomes = in_one_transaction(&client, &units)
            .await
            .unwrap()
            .expect("committed as one batch");
        let described: Vec<String> = outcomes.iter().map(describe).collect();
        assert_eq!(described, vec!["ok", "ok", "conflict cus_y", "ok"]);
        assert_eq!(
            objects(&client).await,
            vec![
                "cus_x 3 {\"id\":\"cus_x\",\"v\":3}",
                "cus_y 2 {\"id\":\"cus_y\",\"v\":2}",
                "cus_z 1 {\"id\":\"cus_z\",\"v\":1}",
            ]
        );
    })
    .await;
}

/// The batch's writes and its `COMMIT` are sent together, so an update that does not find
/// its row at the version read must fail the statement (the locks make that impossible
/// through `in_one_transaction`, hence this direct test of the statement): the transaction
/// aborts, and the `COMMIT` behind it rolls it back, the other writes included.
#[tokio::test]
async fn an_update_that_misses_its_version_fails_and_the_queued_commit_rolls_back() {
    with_store(|store| async move {
        let seed = [keyed(vec![versioned("cus_x", None)], "k0")];
        assert_eq!(describe(&commit_batch(&store.pool, &seed).await[0]), "ok");
        let client = store.pool.get().await.unwrap();
        let location = strings(&client, "SELECT ctid::text FROM objects WHERE id = 'cus_x'").await;
        let locations = Locations::from([("cus_x".to_owned(), location[0].clone())]);

        // cus_x is stored at version 1; this update expects version 2.
        let stale = versioned("cus_x", Some(2));
        let new = versioned("cus_new", None);
        let rows = Rows {
            inserts: vec![&new.record],
            updates: vec![(&stale.record, 2)],
            ..Rows::default()
        };
        let columns = Columns::of(&rows, &locations).unwrap();
        let statements = Statements::prepare(&client).await.unwrap();
        let failed = AtomicBool::new(false);
        let (begun, written, committed) = tokio::join!(
            biased;
            client.batch_execute("BEGIN"),
            write_rows(&client, &statements, &columns, &failed),
            client.batch_execute("COMMIT"),
        );
        begun.unwrap();
        assert!(failed.load(Ordering::Relaxed));
        let error = written.unwrap_err();
        let error = error.as_db_error().expect("a database error");
        assert_eq!(error.code(), &SqlState::INVALID_TEXT_REPRESENTATION);
        assert!(
            error.message().contains("updated 0 rows of 1"),
            "{}",
            error.message()
        );
        committed.unwrap();

        assert_eq!(
            objects(&client).await,
            vec!["cus_x 1 {\"id\":\"cus_x\",\"v\":1}"]
        );
        // And the connection is out of the transaction: a statement now starts its own.
        // (The simple protocol: one message, one implicit transaction, one timestamp.)
        let own = client
            .simple_query(
                "SELECT (xact_start = query_start)::text FROM pg_stat_activity \
                 WHERE pid = pg_backend_pid()",
            )
            .await
            .unwrap();
        let own: Vec<&str> = own
            .iter()
            .filter_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(row) => row.get(0),
                _ => None,
            })
            .collect();
        assert_eq!(own, vec!["true"]);
    })
    .await;
}

#[tokio::test]
async fn an_insert_of_a_stored_id_falls_back_to_one_unit_at_a_time() {
    with_store(|store| async move {
        let seed = [keyed(
            vec![versioned("cus_old", None), versioned("cus_x", None)],
            "k0",
        )];
        assert_eq!(describe(&commit_batch(&store.pool, &seed).await[0]), "ok");

        // The batch does not read `cus_old` (it only inserts it), so its insert fails on the
        // unique id and the batch is retried unit by unit; the others still commit.
        let units = [
            keyed(vec![versioned("cus_x", Some(1))], "k1"),
            keyed(vec![versioned("cus_old", None)], "k2"),
            keyed(vec![versioned("cus_new", None)], "k3"),
            // A key already stored: refused, though not read before the batch either.
            keyed(vec![versioned("cus_other", None)], "k0"),
        ];
        let outcomes = commit_batch(&store.pool, &units).await;
        let described: Vec<String> = outcomes.iter().map(describe).collect();
        assert_eq!(described, vec!["ok", "conflict cus_old", "ok", "key taken"]);
        let client = store.pool.get().await.unwrap();
        assert_eq!(
            objects(&client).await,
            vec![
                "cus_new 1 {\"id\":\"cus_new\",\"v\":1}",
                "cus_old 1 {\"id\":\"cus_old\",\"v\":1}",
                "cus_x 2 {\"id\":\"cus_x\",\"v\":2}",
            ]
        );
        let keys = strings(&client, "SELECT key FROM idempotency_keys ORDER BY key").await;
        assert_eq!(keys, vec!["k0", "k1", "k3"]);
    })
    .await;
}

#[tokio::test]
async fn a_key_raced_by_another_transaction_falls_back_to_one_unit_at_a_time() {
    with_store(|store| async move {
        // Another transaction inserts key k_race and keeps it uncommitted: the batch's insert
        // of the same key waits on it, then fails when it commits.
        let mut other = store.pool.get().await.unwrap();
        let racer = other.transaction().await.unwrap();
        racer
            .execute(
                "INSERT INTO idempotency_keys \
                 (account, key, fingerprint, request_id, status, body, created) \
                 VALUES ('acct_1', 'k_race', 'f', 'req_0', 200, '{}', 1)",
                &[],
            )
            .await
            .unwrap();

        let pool = store.pool.clone();
        let batch = tokio::spawn(async move {
            let units = [
                keyed(vec![write("cus_a", None)], "k1"),
                keyed(vec![write("cus_b", None)], "k_race"),
                keyed(vec![write("cus_c", None)], "k2"),
            ];
            commit_batch(&pool, &units).await
        });
        // Wait until the batch is blocked on the racer's key, then let the racer commit.
        let watcher = store.pool.get().await.unwrap();
        let mut waiting = false;
        for _ in 0..500 {
            let row = watcher
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' \
                     AND query LIKE 'INSERT INTO idempotency_keys%unnest%'",
                    &[],
                )
                .await
                .unwrap();
            if row.get::<_, i64>(0) > 0 {
                waiting = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(waiting, "the batch never waited on the racing key");
        racer.commit().await.unwrap();

        let outcomes = batch.await.unwrap();
        let described: Vec<String> = outcomes.iter().map(describe).collect();
        assert_eq!(described, vec!["ok", "key taken", "ok"]);
        let ids = strings(&watcher, "SELECT id FROM objects ORDER BY seq").await;
        assert_eq!(ids, vec!["cus_a", "cus_c"]);
        let keys = strings(&watcher, "SELECT key FROM idempotency_keys ORDER BY key").await;
        assert_eq!(keys, vec!["k1", "k2", "k_race"]);
    })
    .await;
}

#[tokio::test]
async fn units_commit_while_the_other_committer_is_blocked() {
    with_store(|store| async move {
        // Another transaction holds key k_race uncommitted, so the committer that takes the
        // unit with that key blocks on it: a batch is then in flight.
        let mut other = store.pool.get().await.unwrap();
        let racer = other.transaction().await.unwrap();
        racer
            .execute(
                "INSERT INTO idempotency_keys \
                 (account, key, fingerprint, request_id, status, body, created) \
                 VALUES ('acct_1', 'k_race', 'f', 'req_0', 200, '{}', 1)",
                &[],
            )
            .await
            .unwrap();
        let store = std::sync::Arc::new(store);
        let blocked = {
            let store = std::sync::Arc::clone(&store);
            tokio::spawn(async move {
                store
                    .commit(keyed(vec![write("cus_r", None)], "k_race"))
                    .await
            })
        };
        let watcher = store.pool.get().await.unwrap();
        let mut waiting = false;
        for _ in 0..500 {
            let row = watcher
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' \
                     AND query LIKE 'INSERT INTO idempotency_keys%unnest%'",
                    &[],
                )
                .await
                .unwrap();
            if row.get::<_, i64>(0) > 0 {
                waiting = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(waiting, "the first batch never waited on the racing key");

        // The other committer, seeing a batch in flight, gathers for a moment, then commits.
        let (a, b) = tokio::time::timeout(Duration::from_secs(10), async {
            tokio::join!(
                store.commit(keyed(vec![write("cus_a", None)], "k1")),
                store.commit(keyed(vec![write("cus_b", None)], "k2")),
            )
        })
        .await
        .expect("units waited on the blocked committer");
        assert!(a.is_ok() && b.is_ok(), "{a:?} {b:?}");

        racer.commit().await.unwrap();
        let raced = blocked.await.unwrap();
        assert!(
            matches!(raced, Err(StoreError::IdempotencyKeyTaken)),
            "{raced:?}"
        );
        let ids = strings(&watcher, "SELECT id FROM objects ORDER BY id").await;
        assert_eq!(ids, vec!["cus_a", "cus_b"]);
    })
    .await;
}
