//! One batch of reads answered on a real PostgreSQL: every asker gets its own answer, also
//! when several ask for the same object, key or list.

#![allow(clippy::unwrap_used)]

use super::*;
use crate::postgres::PostgresStore;
use crate::{IndexKeys, Store, UnitOfWork, Write};

fn customer(account: &str, id: &str) -> Write {
    Write {
        record: Record {
            account: account.into(),
            id: id.into(),
            kind: "customer".into(),
            created: 1,
            version: 1,
            deleted: false,
            index: IndexKeys::default(),
            body: format!("{{\"id\":\"{id}\"}}"),
        },
        expected_version: None,
    }
}

fn object(
    account: &str,
    id: &str,
) -> (
    Lookup,
    oneshot::Receiver<Result<Option<Record>, StoreError>>,
) {
    let (reply, answer) = oneshot::channel();
    let lookup = Lookup::Object {
        account: account.into(),
        id: id.into(),
        reply,
    };
    (lookup, answer)
}

fn key(
    account: &str,
    key: &str,
) -> (
    Lookup,
    oneshot::Receiver<Result<Option<IdempotencyRecord>, StoreError>>,
) {
    let (reply, answer) = oneshot::channel();
    let lookup = Lookup::Key {
        account: account.into(),
        key: key.into(),
        reply,
    };
    (lookup, answer)
}

fn list(account: &str) -> (Lookup, oneshot::Receiver<Result<Vec<Record>, StoreError>>) {
    let (reply, answer) = oneshot::channel();
    let query = ListQuery {
        account: account.into(),
        kind: "customer".into(),
        limit: 10,
        ..ListQuery::default()
    };
    let lookup = Lookup::List {
        query: Box::new(query),
        reply,
    };
    (lookup, answer)
}

fn tagged(account: &str, id: &str, tag: &str) -> Write {
    let mut write = customer(account, id);
    write.record.index.tag = Some(tag.into());
    write
}

/// A list of the customers whose tag starts with `prefix`: two statements in one snapshot.
fn prefix_list(
    account: &str,
    prefix: &str,
) -> (Lookup, oneshot::Receiver<Result<Vec<Record>, StoreError>>) {
    let (lookup, answer) = list(account);
    let Lookup::List { mut query, reply } = lookup else {
        unreachable!("list() makes a list")
    };
    query.tag = Some(crate::TagFilter::Prefix(prefix.into()));
    (Lookup::List { query, reply }, answer)
}

#[tokio::test]
async fn a_batch_answers_each_read_even_when_several_ask_the_same() {
    let (store, url, schema) = crate::postgres::test_store("tender_lookups_test").await;
    store
        .commit(UnitOfWork {
            writes: vec![
                customer("acct_1", "cus_a"),
                tagged("acct_1", "cus_b", "vip.gold"),
            ],
            idempotency: Some(IdempotencyRecord {
                account: "acct_1".into(),
                key: "k1".into(),
                fingerprint: "f".into(),
                request_id: "req_1".into(),
                status: 200,
                body: "{\"id\":\"cus_a\"}".into(),
                created: 9,
            }),
            deliveries: Vec::new(),
        })
        .await
        .unwrap();

    let (a1, a1_answer) = object("acct_1", "cus_a");
    let (a2, a2_answer) = object("acct_1", "cus_a");
    let (other_account, other_answer) = object("acct_2", "cus_a");
    let (missing, missing_answer) = object("acct_1", "cus_missing");
    let (k1, k1_answer) = key("acct_1", "k1");
    let (k2, k2_answer) = key("acct_1", "k1");
    let (k_other, k_other_answer) = key("acct_2", "k1");
    let (l1, l1_answer) = list("acct_1");
    let (l2, l2_answer) = list("acct_1");
    let (l_other, l_other_answer) = list("acct_2");
    // Answered after the others, in a transaction of its own.
    let (l_prefix, l_prefix_answer) = prefix_list("acct_1", "vip.");
    answer(
        &store.pool,
        vec![
            a1,
            k1,
            l_prefix,
            l1,
            a2,
            other_account,
            k2,
            missing,
            l2,
            k_other,
            l_other,
        ]
        .into_iter(),
    )
    .await;

    for answer in [a1_answer, a2_answer] {
        let record = answer.await.unwrap().unwrap().unwrap();
        assert_eq!((record.id.as_str(), record.version), ("cus_a", 1));
    }
    assert!(other_answer.await.unwrap().unwrap().is_none());
    assert!(missing_answer.await.unwrap().unwrap().is_none());
    for answer in [k1_answer, k2_answer] {
        let record = answer.await.unwrap().unwrap().unwrap();
        assert_eq!((record.request_id.as_str(), record.status), ("req_1", 200));
    }
    assert!(k_other_answer.await.unwrap().unwrap().is_none());
    for answer in [l1_answer, l2_answer] {
        let ids: Vec<String> = answer
            .await
            .unwrap()
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(ids, vec!["cus_b", "cus_a"]);
    }
    assert!(l_other_answer.await.unwrap().unwrap().is_empty());
    let tagged: Vec<String> = l_prefix_answer
        .await
        .unwrap()
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(tagged, vec!["cus_b"]);

    drop(store);
    PostgresStore::drop_schema(&url, &schema).await.unwrap();
}
