//! `tender_store::connect` and what the conformance cases cannot see from inside one store:
//! reopening a file, two stores sharing a database, migrations racing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use tender_store::postgres::PostgresStore;
use tender_store::{IndexKeys, Record, Store, StoreError, UnitOfWork, Write};

fn temp_dir() -> PathBuf {
    std::env::temp_dir().join(format!("tender-connect-{:016x}", rand::random::<u64>()))
}

fn insert(id: &str) -> UnitOfWork {
    UnitOfWork {
        writes: vec![Write {
            record: Record {
                account: "acct_1".into(),
                id: id.into(),
                kind: "customer".into(),
                created: 1,
                version: 1,
                deleted: false,
                index: IndexKeys::default(),
                body: format!(r#"{{"id":"{id}"}}"#),
            },
            expected_version: None,
        }],
        idempotency: None,
        ..UnitOfWork::default()
    }
}

/// `to` spelled relative to the working directory (which `cargo test` sets to the package).
fn relative(to: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap();
    let ups = cwd
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .count();
    let mut path: PathBuf = std::iter::repeat_n("..", ups).collect();
    path.push(to.strip_prefix("/").unwrap());
    path
}

#[tokio::test]
async fn sqlite_file_survives_reopening() {
    let dir = temp_dir();
    let path = dir.join("a").join("b").join("tender.db");
    assert!(relative(&path).is_relative());
    let url = format!("sqlite://{}", relative(&path).display());

    let store = tender_store::connect(&url).await.unwrap();
    store.commit(insert("cus_1")).await.unwrap();
    drop(store);
    assert!(path.is_file());

    let store = tender_store::connect(&format!("{url}?synchronous=normal"))
        .await
        .unwrap();
    assert_eq!(
        store.get("acct_1", "cus_1").await.unwrap().unwrap().body,
        r#"{"id":"cus_1"}"#
    );
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_sqlite_stores_share_one_file() {
    // As two processes on one file would: each has its own writer; SQLite's lock orders them.
    let dir = temp_dir();
    let url = format!("sqlite://{}", dir.join("tender.db").display());
    let (one, two) = tokio::join!(tender_store::connect(&url), tender_store::connect(&url));
    let (one, two) = (one.unwrap(), two.unwrap());
    let commits = (0..40).map(|i| {
        let store = Arc::clone(if i % 2 == 0 { &one } else { &two });
        tokio::spawn(async move { store.commit(insert(&format!("cus_{i:02}"))).await })
    });
    for commit in commits.collect::<Vec<_>>() {
        commit.await.unwrap().unwrap();
    }
    for store in [&one, &two] {
        assert!(store.get("acct_1", "cus_39").await.unwrap().is_some());
        let all = tender_store::ListQuery {
            account: "acct_1".into(),
            kind: "customer".into(),
            limit: 100,
            ..Default::default()
        };
        assert_eq!(store.list(&all).await.unwrap().len(), 40);
    }
    drop((one, two));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn unknown_scheme_is_refused_without_echoing_the_url() {
    let result = tender_store::connect("mysql://root:hunter2@localhost/tender").await;
    let Err(StoreError::Backend(message)) = result else {
        panic!("expected a Backend error");
    };
    assert!(message.contains("\"mysql\""), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
    assert!(matches!(
        tender_store::connect("sqlite://").await,
        Err(StoreError::Backend(_))
    ));
}

#[tokio::test]
async fn unreachable_postgres_fails_at_connect() {
    // Port 1 refuses at once: the error comes from connect, not from a first request.
    let result = tender_store::connect("postgres://postgres@127.0.0.1:1/test").await;
    assert!(matches!(result, Err(StoreError::Backend(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_nodes_starting_together_migrate_once() {
    let url = std::env::var("TENDER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = format!("tender_connect_test_{:016x}", rand::random::<u64>());
    let nodes = (0..4).map(|_| {
        let (url, schema) = (url.clone(), schema.clone());
        tokio::spawn(async move {
            let node = PostgresStore::connect_in_schema(&url, &schema).await?;
            node.migrate().await?;
            Ok::<_, StoreError>(node)
        })
    });
    let mut started = Vec::new();
    for node in nodes.collect::<Vec<_>>() {
        started.push(node.await.unwrap().expect("a node failed to start"));
    }
    started[0].commit(insert("cus_1")).await.unwrap();
    assert!(started[3].get("acct_1", "cus_1").await.unwrap().is_some());
    drop(started);
    PostgresStore::drop_schema(&url, &schema).await.unwrap();
}

/// `memory`: every open is a database of its own (two servers, or two tests, of one process
/// never share one), gone with its store, and nothing is written to the working directory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_memory_store_is_a_new_empty_database() {
    let before: Vec<_> = std::fs::read_dir(".")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let first = tender_store::connect("memory").await.unwrap();
    let second = tender_store::connect("memory://").await.unwrap();
    first.commit(insert("cus_first")).await.unwrap();
    second.commit(insert("cus_second")).await.unwrap();
    assert!(first.get("acct_1", "cus_first").await.unwrap().is_some());
    assert!(first.get("acct_1", "cus_second").await.unwrap().is_none());
    assert!(second.get("acct_1", "cus_first").await.unwrap().is_none());
    drop(first);
    let third = tender_store::connect("memory").await.unwrap();
    assert!(third.get("acct_1", "cus_first").await.unwrap().is_none());
    // The same insert commits again: a fresh database, not the dropped one reopened.
    third.commit(insert("cus_first")).await.unwrap();
    let after: Vec<_> = std::fs::read_dir(".")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(before, after);
}
