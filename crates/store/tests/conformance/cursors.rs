//! Cursor pagination (`starting_after` / `ending_before`), alone and with filters.

use std::sync::Arc;

use tender_store::{CreatedRange, Cursor, ListQuery, Store, StoreError, TagFilter};

use crate::support::*;

pub async fn cursor_pages_walk_the_whole_list(store: Arc<dyn Store>) {
    // 25 objects over five seconds, inserted out of time order: plenty of same-second ties.
    let created = |i: i64| 1000 + (i * 7) % 5;
    let mut records = Vec::new();
    for i in 0..25 {
        records.push(record(ACCT, &format!("obj_{i:02}"), "thing", created(i)));
        if i % 6 == 0 {
            // Noise that must never show up: another kind, another account.
            records.push(record(ACCT, &format!("other_{i:02}"), "widget", created(i)));
            records.push(record(
                OTHER,
                &format!("foreign_{i:02}"),
                "thing",
                created(i),
            ));
        }
    }
    insert_each(&store, &records).await;

    let mut expected: Vec<i64> = (0..25).collect();
    expected.sort_by_key(|&i| std::cmp::Reverse((created(i), i)));
    let expected: Vec<String> = expected.iter().map(|i| format!("obj_{i:02}")).collect();
    let full = list_ids(&store, &query(ACCT, "thing", 100)).await;
    assert_eq!(full, expected);
    assert_eq!(full[..3], ["obj_22", "obj_17", "obj_12"]);
    assert_eq!(full[22..], ["obj_10", "obj_05", "obj_00"]);

    let pages = walk_forward(&store, &query(ACCT, "thing", 10)).await;
    assert_eq!(
        pages.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![10, 10, 5]
    );
    assert_eq!(pages.concat(), full);

    let pages = walk_backward(&store, &query(ACCT, "thing", 10), &full[24]).await;
    assert_eq!(
        pages,
        vec![
            full[14..24].to_vec(),
            full[4..14].to_vec(),
            full[0..4].to_vec()
        ]
    );

    let before_newest = ListQuery {
        cursor: Some(Cursor::Before(full[0].clone())),
        ..query(ACCT, "thing", 10)
    };
    assert!(list_ids(&store, &before_newest).await.is_empty());
    let after_oldest = ListQuery {
        cursor: Some(Cursor::After(full[24].clone())),
        ..query(ACCT, "thing", 10)
    };
    assert!(list_ids(&store, &after_oldest).await.is_empty());
}

pub async fn cursors_combine_with_filters(store: Arc<dyn Store>) {
    let records: Vec<_> = (1..=8)
        .map(|i| {
            let mut r = record(ACCT, &format!("pm_{i}"), "payment_method", 100 + i / 2);
            r.index.customer = Some(if i % 2 == 0 { "cus_even" } else { "cus_odd" }.into());
            r
        })
        .collect();
    insert_each(&store, &records).await;
    let even = |cursor: Cursor, limit| ListQuery {
        customer: Some("cus_even".into()),
        cursor: Some(cursor),
        ..query(ACCT, "payment_method", limit)
    };
    // The cursor object itself need not match the filter.
    assert_eq!(
        list_ids(&store, &even(Cursor::After("pm_5".into()), 10)).await,
        vec!["pm_4", "pm_2"]
    );
    assert_eq!(
        list_ids(&store, &even(Cursor::Before("pm_3".into()), 1)).await,
        vec!["pm_6", "pm_4"]
    );
    let ranged = ListQuery {
        created: CreatedRange {
            lte: Some(103),
            ..CreatedRange::default()
        },
        ..even(Cursor::Before("pm_2".into()), 10)
    };
    assert_eq!(list_ids(&store, &ranged).await, vec!["pm_6", "pm_4"]);
}

pub async fn unknown_cursor_fails(store: Arc<dyn Store>) {
    insert_each(
        &store,
        &[
            record(ACCT, "cus_a", "customer", 1),
            record(ACCT, "pi_a", "payment_intent", 2),
            record(OTHER, "cus_other", "customer", 3),
        ],
    )
    .await;
    let customers = |cursor: Cursor| ListQuery {
        cursor: Some(cursor),
        ..query(ACCT, "customer", 10)
    };
    for (cursor, id) in [
        (Cursor::After("cus_missing".into()), "cus_missing"),
        (Cursor::Before("pi_a".into()), "pi_a"),
        (Cursor::After("cus_other".into()), "cus_other"),
    ] {
        match store.list(&customers(cursor)).await {
            Err(StoreError::CursorNotFound(got)) => assert_eq!(got, id),
            other => panic!("expected CursorNotFound({id}), got {other:?}"),
        }
    }
    // Even a filter that matches nothing reports the bad cursor.
    let nothing = ListQuery {
        tag: Some(TagFilter::AnyOf(vec![])),
        ..customers(Cursor::After("cus_missing".into()))
    };
    assert!(matches!(
        store.list(&nothing).await,
        Err(StoreError::CursorNotFound(_))
    ));
}

pub async fn tag_filters_page_with_cursors(store: Arc<dyn Store>) {
    // 60 events over 20 seconds: 3 payment intent types and a charge type (few distinct tags,
    // so a prefix is expanded into one scan per tag), and 40 distinct `many.` tags (too many:
    // a prefix over them is a plain range scan). Both must page the same way.
    let events: Vec<_> = (0..80)
        .map(|i: i64| {
            let mut event = record(ACCT, &format!("evt_{i:02}"), "event", 100 + (i * 13) % 20);
            let tag = match i % 4 {
                _ if i >= 40 => format!("many.{i:02}"),
                0 => "charge.succeeded".into(),
                n => format!("payment_intent.{n}"),
            };
            event.index.tag = Some(tag);
            event
        })
        .collect();
    insert_each(&store, &events).await;
    let all = store.list(&query(ACCT, "event", 100)).await.unwrap();
    assert_eq!(all.len(), 80);

    let filters = [
        TagFilter::Prefix("payment_intent.".into()),
        TagFilter::AnyOf(vec!["payment_intent.1".into(), "charge.succeeded".into()]),
        TagFilter::Prefix("many.".into()),
        TagFilter::Prefix("many.5".into()),
    ];
    for filter in filters {
        let matches = |tag: &str| match &filter {
            TagFilter::Prefix(prefix) => tag.starts_with(prefix.as_str()),
            TagFilter::AnyOf(tags) => tags.iter().any(|t| t == tag),
            TagFilter::Exact(t) => t == tag,
        };
        let expected: Vec<String> = all
            .iter()
            .filter(|r| r.index.tag.as_deref().is_some_and(matches))
            .map(|r| r.id.clone())
            .collect();
        let base = ListQuery {
            tag: Some(filter.clone()),
            ..query(ACCT, "event", 7)
        };
        assert_eq!(
            list_ids(
                &store,
                &ListQuery {
                    limit: 100,
                    ..base.clone()
                }
            )
            .await,
            expected
        );
        let forward = walk_forward(&store, &base).await;
        assert!(forward.iter().all(|page| page.len() <= 7), "{filter:?}");
        assert_eq!(forward.concat(), expected, "{filter:?}");
        let oldest = expected.last().unwrap();
        let mut backward = walk_backward(&store, &base, oldest).await;
        backward.reverse();
        assert_eq!(
            backward.concat(),
            expected[..expected.len() - 1],
            "{filter:?}"
        );
    }
}
