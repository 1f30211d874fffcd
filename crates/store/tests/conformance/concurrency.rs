//! Many units of work at once. On SQLite these land in shared group commits; the outcome
//! must be the same as if each had committed alone.

use std::sync::Arc;

use tender_store::{Store, StoreError, UnitOfWork, Write};

use crate::support::*;

pub async fn group_commit_isolates_failing_units(store: Arc<dyn Store>) {
    let shared = record(ACCT, "shared", "thing", 1);
    store
        .commit(UnitOfWork {
            writes: vec![insert(shared.clone())],
            idempotency: Some(key(ACCT, "used", 1)),
            ..UnitOfWork::default()
        })
        .await
        .unwrap();

    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let store = Arc::clone(&store);
            let shared = shared.clone();
            tokio::spawn(async move {
                let own = record(ACCT, &format!("obj_{i:02}"), "thing", 2);
                let unit = match i {
                    // Stale: names version 3 of a record at version 1.
                    17 => unit(vec![
                        insert(own),
                        Write {
                            record: tender_store::Record {
                                version: 4,
                                ..shared
                            },
                            expected_version: Some(3),
                        },
                    ]),
                    // An idempotency key that is already taken.
                    33 => UnitOfWork {
                        writes: vec![insert(own)],
                        idempotency: Some(key(ACCT, "used", 2)),
                        ..UnitOfWork::default()
                    },
                    // An id that exists.
                    41 => unit(vec![
                        insert(own),
                        insert(record(ACCT, "shared", "thing", 2)),
                    ]),
                    _ => UnitOfWork {
                        writes: vec![insert(own)],
                        idempotency: Some(key(ACCT, &format!("key_{i:02}"), 2)),
                        ..UnitOfWork::default()
                    },
                };
                store.commit(unit).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }

    for (i, result) in results.into_iter().enumerate() {
        match i {
            17 | 41 => assert_conflict(result, "shared"),
            33 => assert!(
                matches!(result, Err(StoreError::IdempotencyKeyTaken)),
                "{result:?}"
            ),
            _ => assert!(result.is_ok(), "unit {i}: {result:?}"),
        }
        let id = format!("obj_{i:02}");
        let stored = store.get(ACCT, &id).await.unwrap();
        assert_eq!(stored.is_some(), ![17, 33, 41].contains(&i), "{id}");
    }
    let listed = list_ids(&store, &query(ACCT, "thing", 100)).await;
    assert_eq!(listed.len(), 48);
    assert_eq!(listed.last().map(String::as_str), Some("shared"));
    assert_eq!(store.get(ACCT, "shared").await.unwrap(), Some(shared));
    assert_eq!(
        store
            .idempotency(ACCT, "used")
            .await
            .unwrap()
            .unwrap()
            .created,
        1
    );
    assert!(store.idempotency(ACCT, "key_49").await.unwrap().is_some());
}

pub async fn concurrent_updates_of_one_record(store: Arc<dyn Store>) {
    let race = record(ACCT, "race", "thing", 1);
    store
        .commit(unit(vec![insert(race.clone())]))
        .await
        .unwrap();

    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let store = Arc::clone(&store);
            let read = race.clone();
            tokio::spawn(async move {
                let mut changed = read.clone();
                changed.body = format!("winner {i}");
                store.commit(unit(vec![update(&read, changed)])).await
            })
        })
        .collect();
    let mut winners = Vec::new();
    for (i, task) in tasks.into_iter().enumerate() {
        match task.await.unwrap() {
            Ok(()) => winners.push(format!("winner {i}")),
            conflict => assert_conflict(conflict, "race"),
        }
    }
    assert_eq!(winners.len(), 1, "{winners:?}");
    let stored = store.get(ACCT, "race").await.unwrap().unwrap();
    assert_eq!(stored.version, 2);
    assert_eq!(stored.body, winners[0]);
}

pub async fn concurrent_reuse_of_one_idempotency_key(store: Arc<dyn Store>) {
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let mut saved = key(ACCT, "retry", 1);
                saved.request_id = format!("req_{i}");
                store
                    .commit(UnitOfWork {
                        writes: vec![insert(record(ACCT, &format!("cus_{i}"), "customer", 1))],
                        idempotency: Some(saved),
                        ..UnitOfWork::default()
                    })
                    .await
            })
        })
        .collect();
    let mut winners = Vec::new();
    for (i, task) in tasks.into_iter().enumerate() {
        match task.await.unwrap() {
            Ok(()) => winners.push(i),
            Err(StoreError::IdempotencyKeyTaken) => {}
            other => panic!("request {i}: {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "{winners:?}");
    let winner = winners[0];
    assert_eq!(
        store
            .idempotency(ACCT, "retry")
            .await
            .unwrap()
            .unwrap()
            .request_id,
        format!("req_{winner}")
    );
    assert_eq!(
        list_ids(&store, &query(ACCT, "customer", 100)).await,
        vec![format!("cus_{winner}")]
    );
}
