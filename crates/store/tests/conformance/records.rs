//! Point reads, writes, versions, idempotency records and accounts.

use std::sync::Arc;

use tender_store::{Account, IndexKeys, Store, StoreError, UnitOfWork, Write};

use crate::support::*;

pub async fn insert_get_and_account_isolation(store: Arc<dyn Store>) {
    let mut customer = record(ACCT, "cus_a", "customer", 1_700_000_000);
    customer.index = IndexKeys {
        customer: Some("cus_a".into()),
        payment_intent: Some("pi_1".into()),
        charge: Some("ch_1".into()),
        tag: Some("a@example.com".into()),
    };
    customer.body = r#"{"id":"cus_a","email":"a@example.com","name":"Zoë ✓"}"#.into();
    store
        .commit(unit(vec![insert(customer.clone())]))
        .await
        .unwrap();

    let got = store.get(ACCT, "cus_a").await.unwrap().unwrap();
    assert_eq!(got, customer);
    assert_eq!(got.version, 1);
    assert_eq!(got.index.tag.as_deref(), Some("a@example.com"));
    assert_eq!(store.get(OTHER, "cus_a").await.unwrap(), None);
    assert_eq!(store.get(ACCT, "cus_missing").await.unwrap(), None);
}

pub async fn update_with_current_version(store: Arc<dyn Store>) {
    let v1 = record(ACCT, "cus_a", "customer", 100);
    store.commit(unit(vec![insert(v1.clone())])).await.unwrap();

    let mut changed = v1.clone();
    changed.body = r#"{"id":"cus_a","name":"Ada"}"#.into();
    changed.index.tag = Some("ada@example.com".into());
    store
        .commit(unit(vec![update(&v1, changed)]))
        .await
        .unwrap();
    let v2 = store.get(ACCT, "cus_a").await.unwrap().unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(v2.body, r#"{"id":"cus_a","name":"Ada"}"#);
    assert_eq!(v2.index.tag.as_deref(), Some("ada@example.com"));
    assert_eq!(v2.created, 100);

    let mut changed = v2.clone();
    changed.index.tag = None;
    store
        .commit(unit(vec![update(&v2, changed)]))
        .await
        .unwrap();
    let v3 = store.get(ACCT, "cus_a").await.unwrap().unwrap();
    assert_eq!(v3.version, 3);
    assert_eq!(v3.index.tag, None);
}

pub async fn stale_version_conflicts(store: Arc<dyn Store>) {
    let v1 = record(ACCT, "cus_a", "customer", 100);
    store.commit(unit(vec![insert(v1.clone())])).await.unwrap();
    let mut winner = v1.clone();
    winner.body = "winner".into();
    store.commit(unit(vec![update(&v1, winner)])).await.unwrap();

    // A second request that also read version 1.
    let mut loser = v1.clone();
    loser.body = "loser".into();
    assert_conflict(store.commit(unit(vec![update(&v1, loser)])).await, "cus_a");
    let current = store.get(ACCT, "cus_a").await.unwrap().unwrap();
    assert_eq!((current.version, current.body.as_str()), (2, "winner"));

    // The right version, but through another account: not its record.
    let mut foreign = current.clone();
    foreign.account = OTHER.into();
    let foreign_read = foreign.clone();
    foreign.body = "foreign".into();
    assert_conflict(
        store
            .commit(unit(vec![update(&foreign_read, foreign)]))
            .await,
        "cus_a",
    );
    assert_eq!(
        store.get(ACCT, "cus_a").await.unwrap().unwrap().body,
        "winner"
    );

    // Updating something that does not exist.
    let ghost = record(ACCT, "cus_ghost", "customer", 100);
    assert_conflict(
        store
            .commit(unit(vec![update(&ghost, ghost.clone())]))
            .await,
        "cus_ghost",
    );
    assert_eq!(store.get(ACCT, "cus_ghost").await.unwrap(), None);
}

pub async fn duplicate_insert_conflicts(store: Arc<dyn Store>) {
    let original = record(ACCT, "cus_a", "customer", 100);
    store
        .commit(unit(vec![insert(original.clone())]))
        .await
        .unwrap();

    let mut again = original.clone();
    again.body = "second".into();
    assert_conflict(
        store.commit(unit(vec![insert(again.clone())])).await,
        "cus_a",
    );
    // Ids are unique across the whole store, not per account.
    again.account = OTHER.into();
    assert_conflict(store.commit(unit(vec![insert(again)])).await, "cus_a");

    assert_eq!(store.get(ACCT, "cus_a").await.unwrap(), Some(original));
    assert_eq!(store.get(OTHER, "cus_a").await.unwrap(), None);
}

pub async fn unit_is_all_or_nothing(store: Arc<dyn Store>) {
    let existing = record(ACCT, "cus_a", "customer", 100);
    store
        .commit(unit(vec![insert(existing.clone())]))
        .await
        .unwrap();
    let mut stale = existing.clone();
    stale.version = 7;

    let result = store
        .commit(unit(vec![
            insert(record(ACCT, "pi_new", "payment_intent", 200)),
            insert(record(ACCT, "evt_new", "event", 200)),
            update(&stale, existing.clone()),
        ]))
        .await;
    assert_conflict(result, "cus_a");
    assert_eq!(store.get(ACCT, "pi_new").await.unwrap(), None);
    assert_eq!(store.get(ACCT, "evt_new").await.unwrap(), None);
    assert_eq!(store.get(ACCT, "cus_a").await.unwrap(), Some(existing));

    // The same unit without the stale write commits every record.
    store
        .commit(unit(vec![
            insert(record(ACCT, "pi_new", "payment_intent", 200)),
            insert(record(ACCT, "evt_new", "event", 200)),
        ]))
        .await
        .unwrap();
    assert!(store.get(ACCT, "pi_new").await.unwrap().is_some());
    assert!(store.get(ACCT, "evt_new").await.unwrap().is_some());
}

pub async fn writes_must_follow_the_version_rule(store: Arc<dyn Store>) {
    let mut bad_insert = record(ACCT, "cus_a", "customer", 100);
    bad_insert.version = 2;
    let result = store.commit(unit(vec![insert(bad_insert)])).await;
    assert!(matches!(result, Err(StoreError::Backend(_))), "{result:?}");
    assert_eq!(store.get(ACCT, "cus_a").await.unwrap(), None);

    let v1 = record(ACCT, "cus_a", "customer", 100);
    store.commit(unit(vec![insert(v1.clone())])).await.unwrap();
    let mut skipping = v1.clone();
    skipping.version = 3;
    let result = store
        .commit(unit(vec![Write {
            record: skipping,
            expected_version: Some(1),
        }]))
        .await;
    assert!(matches!(result, Err(StoreError::Backend(_))), "{result:?}");
    assert_eq!(store.get(ACCT, "cus_a").await.unwrap().unwrap().version, 1);
}

pub async fn idempotency_record_commits_with_writes(store: Arc<dyn Store>) {
    let saved = key(ACCT, "key_1", 1_700_000_000);
    store
        .commit(UnitOfWork {
            writes: vec![insert(record(ACCT, "cus_a", "customer", 100))],
            idempotency: Some(saved.clone()),
            ..UnitOfWork::default()
        })
        .await
        .unwrap();

    assert_eq!(store.idempotency(ACCT, "key_1").await.unwrap(), Some(saved));
    assert!(store.get(ACCT, "cus_a").await.unwrap().is_some());
    assert_eq!(store.idempotency(OTHER, "key_1").await.unwrap(), None);
    assert_eq!(store.idempotency(ACCT, "key_2").await.unwrap(), None);

    // A key alone (a request that changed nothing, or failed with a 4xx) is saved too.
    let mut error = key(ACCT, "key_2", 1_700_000_001);
    error.status = 402;
    error.body = r#"{"error":{"type":"card_error"}}"#.into();
    store
        .commit(UnitOfWork {
            writes: vec![],
            idempotency: Some(error.clone()),
            ..UnitOfWork::default()
        })
        .await
        .unwrap();
    assert_eq!(store.idempotency(ACCT, "key_2").await.unwrap(), Some(error));
}

pub async fn taken_idempotency_key_applies_nothing(store: Arc<dyn Store>) {
    let first = key(ACCT, "key_1", 1000);
    let cus_a = record(ACCT, "cus_a", "customer", 100);
    store
        .commit(UnitOfWork {
            writes: vec![insert(cus_a.clone())],
            idempotency: Some(first.clone()),
            ..UnitOfWork::default()
        })
        .await
        .unwrap();

    let mut second = key(ACCT, "key_1", 1001);
    second.fingerprint = "POST /v1/customers other".into();
    second.body = "second".into();
    let mut changed = cus_a.clone();
    changed.body = "changed by the second request".into();
    let result = store
        .commit(UnitOfWork {
            writes: vec![
                insert(record(ACCT, "cus_b", "customer", 101)),
                update(&cus_a, changed),
            ],
            idempotency: Some(second),
            ..UnitOfWork::default()
        })
        .await;
    assert!(
        matches!(result, Err(StoreError::IdempotencyKeyTaken)),
        "{result:?}"
    );
    assert_eq!(store.get(ACCT, "cus_b").await.unwrap(), None);
    assert_eq!(store.get(ACCT, "cus_a").await.unwrap(), Some(cus_a));
    assert_eq!(store.idempotency(ACCT, "key_1").await.unwrap(), Some(first));

    // Keys are per account.
    let other = key(OTHER, "key_1", 1002);
    store
        .commit(UnitOfWork {
            writes: vec![insert(record(OTHER, "cus_c", "customer", 102))],
            idempotency: Some(other.clone()),
            ..UnitOfWork::default()
        })
        .await
        .unwrap();
    assert_eq!(
        store.idempotency(OTHER, "key_1").await.unwrap(),
        Some(other)
    );
    assert!(store.get(OTHER, "cus_c").await.unwrap().is_some());
}

pub async fn prune_idempotency(store: Arc<dyn Store>) {
    for (name, created) in [("k100", 100), ("k200", 200), ("k300", 300)] {
        store
            .commit(UnitOfWork {
                writes: vec![],
                idempotency: Some(key(ACCT, name, created)),
                ..UnitOfWork::default()
            })
            .await
            .unwrap();
    }
    assert_eq!(store.prune_idempotency(200).await.unwrap(), 1);
    assert_eq!(store.idempotency(ACCT, "k100").await.unwrap(), None);
    assert!(store.idempotency(ACCT, "k200").await.unwrap().is_some());
    assert_eq!(store.prune_idempotency(200).await.unwrap(), 0);
    assert_eq!(store.prune_idempotency(301).await.unwrap(), 2);
    assert_eq!(store.idempotency(ACCT, "k300").await.unwrap(), None);

    // A pruned key can be used again.
    store
        .commit(UnitOfWork {
            writes: vec![],
            idempotency: Some(key(ACCT, "k100", 400)),
            ..UnitOfWork::default()
        })
        .await
        .unwrap();
    assert_eq!(
        store
            .idempotency(ACCT, "k100")
            .await
            .unwrap()
            .unwrap()
            .created,
        400
    );
}

fn account(id: &str, created: i64) -> Account {
    Account {
        id: id.into(),
        secret_key: format!("sk_test_{id}"),
        publishable_key: format!("pk_test_{id}"),
        created,
    }
}

pub async fn accounts_create_list_and_duplicates(store: Arc<dyn Store>) {
    assert_eq!(store.accounts().await.unwrap(), vec![]);
    let (a1, a2, a3) = (
        account("acct_a1", 100),
        account("acct_a2", 200),
        account("acct_a3", 150),
    );
    for a in [&a1, &a2, &a3] {
        store.create_account(a).await.unwrap();
    }
    assert_eq!(
        store.accounts().await.unwrap(),
        vec![a1.clone(), a3.clone(), a2.clone()]
    );

    let same_id = Account {
        secret_key: "sk_test_fresh".into(),
        publishable_key: "pk_test_fresh".into(),
        ..a1.clone()
    };
    let same_secret = Account {
        id: "acct_fresh".into(),
        publishable_key: "pk_test_fresh".into(),
        ..a2.clone()
    };
    let same_publishable = Account {
        id: "acct_fresh".into(),
        secret_key: "sk_test_fresh".into(),
        ..a3.clone()
    };
    for duplicate in [same_id, same_secret, same_publishable] {
        let result = store.create_account(&duplicate).await;
        assert!(
            matches!(result, Err(StoreError::DuplicateAccount)),
            "{duplicate:?}: {result:?}"
        );
    }
    assert_eq!(store.accounts().await.unwrap(), vec![a1, a3, a2]);
}

pub async fn migrate_is_idempotent(store: Arc<dyn Store>) {
    let cus = record(ACCT, "cus_a", "customer", 100);
    store.commit(unit(vec![insert(cus.clone())])).await.unwrap();
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.get(ACCT, "cus_a").await.unwrap(), Some(cus));
    store
        .commit(unit(vec![insert(record(ACCT, "cus_b", "customer", 100))]))
        .await
        .unwrap();
}

/// Text with NUL, which PostgreSQL's `text` cannot hold (an id from a URL such as
/// `/v1/customers/cus_%00`): reads find nothing, a list cursor is unknown, and a unit holding
/// it is refused alone while the store keeps working.
pub async fn text_with_nul_is_never_found_nor_stored(store: Arc<dyn Store>) {
    store
        .commit(unit(vec![insert(record(ACCT, "cus_a", "customer", 100))]))
        .await
        .unwrap();
    assert_eq!(store.get(ACCT, "cus_a\0").await.unwrap(), None);
    assert_eq!(store.idempotency(ACCT, "key\0").await.unwrap(), None);

    let mut cursor = query(ACCT, "customer", 10);
    cursor.cursor = Some(tender_store::Cursor::After("cus_\0".into()));
    assert!(matches!(
        store.list(&cursor).await,
        Err(StoreError::CursorNotFound(id)) if id == "cus_\0"
    ));
    let mut filtered = query(ACCT, "customer", 10);
    filtered.customer = Some("cus_\0".into());
    assert_eq!(list_ids(&store, &filtered).await, Vec::<String>::new());

    let mut bad = record(ACCT, "cus_b", "customer", 100);
    bad.body = "{\"name\":\"a\u{0}b\"}".into();
    assert!(matches!(
        store.commit(unit(vec![insert(bad)])).await,
        Err(StoreError::Backend(_))
    ));
    assert_eq!(store.get(ACCT, "cus_b").await.unwrap(), None);
    assert_eq!(
        list_ids(&store, &query(ACCT, "customer", 10)).await,
        vec!["cus_a".to_owned()]
    );
}
