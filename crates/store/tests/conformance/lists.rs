//! List order, limits and filters.

use std::sync::Arc;

use tender_store::{CreatedRange, Cursor, IndexKeys, ListQuery, Store, TagFilter};

use crate::support::*;

pub async fn newest_first_with_same_second_ties(store: Arc<dyn Store>) {
    let c = |id: &str, created| record(ACCT, id, "customer", created);
    insert_each(
        &store,
        &[
            c("e", 200),
            c("a", 100),
            c("b", 100),
            c("c", 100),
            c("d", 50),
        ],
    )
    .await;
    // Within one unit, write order is insertion order.
    store
        .commit(unit(vec![insert(c("f", 100)), insert(c("g", 100))]))
        .await
        .unwrap();

    let listed = list_ids(&store, &query(ACCT, "customer", 10)).await;
    assert_eq!(listed, vec!["e", "g", "f", "c", "b", "a", "d"]);
    // Whole records come back, not just ids.
    let records = store.list(&query(ACCT, "customer", 10)).await.unwrap();
    assert_eq!(records[0], c("e", 200));
}

pub async fn returns_at_most_limit_plus_one(store: Arc<dyn Store>) {
    let records: Vec<_> = (1..=5)
        .map(|i| record(ACCT, &format!("cus_{i}"), "customer", i))
        .collect();
    insert_each(&store, &records).await;

    let newest_first = ["cus_5", "cus_4", "cus_3", "cus_2", "cus_1"];
    assert_eq!(
        list_ids(&store, &query(ACCT, "customer", 2)).await,
        newest_first[..3]
    );
    assert_eq!(
        list_ids(&store, &query(ACCT, "customer", 4)).await,
        newest_first
    );
    assert_eq!(
        list_ids(&store, &query(ACCT, "customer", 5)).await,
        newest_first
    );
    assert_eq!(
        list_ids(&store, &query(ACCT, "customer", 100)).await,
        newest_first
    );
}

pub async fn lists_one_kind_of_one_account(store: Arc<dyn Store>) {
    insert_each(
        &store,
        &[
            record(ACCT, "cus_1", "customer", 10),
            record(ACCT, "pi_1", "payment_intent", 20),
            record(OTHER, "cus_2", "customer", 30),
            record(ACCT, "cus_3", "customer", 40),
        ],
    )
    .await;
    assert_eq!(
        list_ids(&store, &query(ACCT, "customer", 10)).await,
        vec!["cus_3", "cus_1"]
    );
    assert_eq!(
        list_ids(&store, &query(ACCT, "payment_intent", 10)).await,
        vec!["pi_1"]
    );
    assert_eq!(
        list_ids(&store, &query(OTHER, "customer", 10)).await,
        vec!["cus_2"]
    );
    assert!(
        list_ids(&store, &query(ACCT, "refund", 10))
            .await
            .is_empty()
    );
}

fn indexed(id: &str, kind: &str, created: i64, index: IndexKeys) -> tender_store::Record {
    tender_store::Record {
        index,
        ..record(ACCT, id, kind, created)
    }
}

fn keys(customer: Option<&str>, payment_intent: Option<&str>, charge: Option<&str>) -> IndexKeys {
    IndexKeys {
        customer: customer.map(Into::into),
        payment_intent: payment_intent.map(Into::into),
        charge: charge.map(Into::into),
        tag: None,
    }
}

pub async fn filters_by_customer_payment_intent_and_charge(store: Arc<dyn Store>) {
    insert_each(
        &store,
        &[
            indexed(
                "ch_1",
                "charge",
                10,
                keys(Some("cus_1"), Some("pi_1"), None),
            ),
            indexed(
                "ch_2",
                "charge",
                20,
                keys(Some("cus_1"), Some("pi_2"), None),
            ),
            indexed(
                "ch_3",
                "charge",
                30,
                keys(Some("cus_2"), Some("pi_1"), None),
            ),
            indexed("ch_4", "charge", 40, keys(None, None, None)),
            indexed("re_1", "refund", 50, keys(None, Some("pi_1"), Some("ch_1"))),
            indexed("re_2", "refund", 60, keys(None, Some("pi_2"), Some("ch_2"))),
            indexed("re_3", "refund", 70, keys(None, Some("pi_1"), Some("ch_1"))),
        ],
    )
    .await;
    let charges = |customer: Option<&str>, payment_intent: Option<&str>| ListQuery {
        customer: customer.map(Into::into),
        payment_intent: payment_intent.map(Into::into),
        ..query(ACCT, "charge", 10)
    };
    assert_eq!(
        list_ids(&store, &charges(Some("cus_1"), None)).await,
        vec!["ch_2", "ch_1"]
    );
    assert_eq!(
        list_ids(&store, &charges(None, Some("pi_1"))).await,
        vec!["ch_3", "ch_1"]
    );
    assert_eq!(
        list_ids(&store, &charges(Some("cus_1"), Some("pi_1"))).await,
        vec!["ch_1"]
    );
    assert!(
        list_ids(&store, &charges(Some("cus_9"), None))
            .await
            .is_empty()
    );

    let refunds = |charge: &str| ListQuery {
        charge: Some(charge.into()),
        ..query(ACCT, "refund", 10)
    };
    assert_eq!(
        list_ids(&store, &refunds("ch_1")).await,
        vec!["re_3", "re_1"]
    );
    assert_eq!(list_ids(&store, &refunds("ch_2")).await, vec!["re_2"]);
    // A filter on one account's values never reaches into another account.
    let other = ListQuery {
        customer: Some("cus_1".into()),
        ..query(OTHER, "charge", 10)
    };
    assert!(list_ids(&store, &other).await.is_empty());
}

pub async fn filters_by_tag(store: Arc<dyn Store>) {
    let tags = [
        ("evt_1", Some("payment_intent.created")),
        ("evt_2", Some("payment_intent.succeeded")),
        ("evt_3", Some("charge.succeeded")),
        ("evt_4", Some("payment_intent")),
        ("evt_5", Some("payment_intentXsucceeded")),
        ("evt_6", Some("payment_%x")),
        ("evt_7", Some("Payment_intent.created")),
        ("evt_8", None),
    ];
    let events: Vec<_> = tags
        .iter()
        .zip(1..)
        .map(|((id, tag), created)| {
            let mut event = record(ACCT, id, "event", created);
            event.index.tag = tag.map(Into::into);
            event
        })
        .collect();
    insert_each(&store, &events).await;
    let events = |tag: TagFilter| ListQuery {
        tag: Some(tag),
        ..query(ACCT, "event", 20)
    };
    let prefix = |p: &str| events(TagFilter::Prefix(p.into()));

    assert_eq!(
        list_ids(&store, &events(TagFilter::Exact("charge.succeeded".into()))).await,
        vec!["evt_3"]
    );
    assert_eq!(
        list_ids(&store, &prefix("payment_intent.")).await,
        vec!["evt_2", "evt_1"]
    );
    assert_eq!(
        list_ids(&store, &prefix("payment_")).await,
        vec!["evt_6", "evt_5", "evt_4", "evt_2", "evt_1"]
    );
    // `_` and `%` are literal characters, not patterns; case matters.
    assert_eq!(list_ids(&store, &prefix("payment_%")).await, vec!["evt_6"]);
    assert_eq!(list_ids(&store, &prefix("Payment")).await, vec!["evt_7"]);
    assert_eq!(
        list_ids(&store, &prefix("payment_intent.succeeded")).await,
        vec!["evt_2"]
    );
    assert!(list_ids(&store, &prefix("refund.")).await.is_empty());
    assert_eq!(
        list_ids(&store, &prefix("")).await,
        vec![
            "evt_7", "evt_6", "evt_5", "evt_4", "evt_3", "evt_2", "evt_1"
        ]
    );
    let any_of = |tags: &[&str]| {
        events(TagFilter::AnyOf(
            tags.iter().map(|t| t.to_string()).collect(),
        ))
    };
    assert_eq!(
        list_ids(
            &store,
            &any_of(&["charge.succeeded", "payment_intent.created", "nope"])
        )
        .await,
        vec!["evt_3", "evt_1"]
    );
    assert_eq!(
        list_ids(
            &store,
            &any_of(&["payment_%x", "charge.succeeded", "payment_%x"])
        )
        .await,
        vec!["evt_6", "evt_3"]
    );
    assert!(list_ids(&store, &any_of(&[])).await.is_empty());
}

pub async fn filters_by_created_range(store: Arc<dyn Store>) {
    let records: Vec<_> = [10, 20, 30, 40, 50]
        .into_iter()
        .map(|t| record(ACCT, &format!("o{t}"), "customer", t))
        .collect();
    insert_each(&store, &records).await;
    let within = |created: CreatedRange| ListQuery {
        created,
        ..query(ACCT, "customer", 10)
    };
    let range = CreatedRange::default();
    let cases = [
        (
            CreatedRange {
                gt: Some(20),
                ..range
            },
            vec!["o50", "o40", "o30"],
        ),
        (
            CreatedRange {
                gte: Some(20),
                ..range
            },
            vec!["o50", "o40", "o30", "o20"],
        ),
        (
            CreatedRange {
                lt: Some(40),
                ..range
            },
            vec!["o30", "o20", "o10"],
        ),
        (
            CreatedRange {
                lte: Some(40),
                ..range
            },
            vec!["o40", "o30", "o20", "o10"],
        ),
        (
            CreatedRange {
                gte: Some(20),
                lt: Some(50),
                ..range
            },
            vec!["o40", "o30", "o20"],
        ),
        (
            CreatedRange {
                gt: Some(10),
                lte: Some(30),
                ..range
            },
            vec!["o30", "o20"],
        ),
        (
            CreatedRange {
                gt: Some(30),
                lt: Some(40),
                ..range
            },
            vec![],
        ),
        (
            CreatedRange {
                gte: Some(30),
                lte: Some(30),
                ..range
            },
            vec!["o30"],
        ),
        (range, vec!["o50", "o40", "o30", "o20", "o10"]),
    ];
    for (created, expected) in cases {
        assert_eq!(
            list_ids(&store, &within(created)).await,
            expected,
            "{created:?}"
        );
    }
}

pub async fn deleted_are_not_listed_but_gettable(store: Arc<dyn Store>) {
    let mut records: Vec<_> = ["cus_a", "cus_b", "cus_c"]
        .into_iter()
        .zip(1..)
        .map(|(id, created)| record(ACCT, id, "customer", created))
        .collect();
    for r in &mut records {
        r.index.tag = Some("same@example.com".into());
    }
    insert_each(&store, &records).await;
    let mut deleted = records[1].clone();
    deleted.deleted = true;
    deleted.body = r#"{"id":"cus_b","deleted":true}"#.into();
    store
        .commit(unit(vec![update(&records[1], deleted)]))
        .await
        .unwrap();

    assert_eq!(
        list_ids(&store, &query(ACCT, "customer", 10)).await,
        vec!["cus_c", "cus_a"]
    );
    let by_tag = ListQuery {
        tag: Some(TagFilter::Exact("same@example.com".into())),
        ..query(ACCT, "customer", 10)
    };
    assert_eq!(list_ids(&store, &by_tag).await, vec!["cus_c", "cus_a"]);
    let got = store.get(ACCT, "cus_b").await.unwrap().unwrap();
    assert!(got.deleted);
    assert_eq!(got.version, 2);
    assert_eq!(got.body, r#"{"id":"cus_b","deleted":true}"#);

    // A deleted object still marks a place in the order.
    let after = ListQuery {
        cursor: Some(Cursor::After("cus_b".into())),
        ..query(ACCT, "customer", 10)
    };
    assert_eq!(list_ids(&store, &after).await, vec!["cus_a"]);
    let before = ListQuery {
        cursor: Some(Cursor::Before("cus_b".into())),
        ..query(ACCT, "customer", 10)
    };
    assert_eq!(list_ids(&store, &before).await, vec!["cus_c"]);
}
