#![allow(clippy::unwrap_used)]
//! Guards the promise that lists cost O(result), not O(objects): every list shape must reach
//! `objects` through an index search (never a table scan), and the shapes without a tag range
//! must come out of the index already in list order (no sort).

use rusqlite::{Connection, params_from_iter};

use super::{read, schema};
use crate::query::{self, Anchor, Dialect};
use crate::{CreatedRange, ListQuery, TagFilter};

fn plan(conn: &Connection, text: &str, params: &[query::Param]) -> Vec<String> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {text}")).unwrap();
    stmt.query_map(params_from_iter(read::bind(params)), |row| {
        row.get::<_, String>(3)
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// A migrated in-memory database, configured as the store's own connections are (so plans are
/// made under the planner's stability guarantee).
fn connection() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    super::configure(&conn).unwrap();
    schema::migrate(&conn).unwrap();
    conn
}

#[test]
fn every_list_shape_searches_an_index() {
    let conn = connection();
    let base = ListQuery {
        account: "acct_1".into(),
        kind: "event".into(),
        limit: 10,
        ..ListQuery::default()
    };
    let some = |s: &str| Some(s.to_owned());
    let shapes = [
        ("plain", base.clone(), true),
        (
            "customer",
            ListQuery {
                customer: some("cus_1"),
                ..base.clone()
            },
            true,
        ),
        (
            "payment intent",
            ListQuery {
                payment_intent: some("pi_1"),
                ..base.clone()
            },
            true,
        ),
        (
            "charge",
            ListQuery {
                charge: some("ch_1"),
                ..base.clone()
            },
            true,
        ),
        (
            "tag",
            ListQuery {
                tag: Some(TagFilter::Exact("a".into())),
                ..base.clone()
            },
            true,
        ),
        (
            "any of",
            ListQuery {
                tag: Some(TagFilter::AnyOf(vec!["a".into(), "b".into()])),
                ..base.clone()
            },
            false,
        ),
        (
            "prefix",
            ListQuery {
                tag: Some(TagFilter::Prefix("p.".into())),
                ..base.clone()
            },
            false,
        ),
        (
            "created",
            ListQuery {
                created: CreatedRange {
                    gte: Some(5),
                    lt: Some(9),
                    ..CreatedRange::default()
                },
                ..base.clone()
            },
            true,
        ),
    ];
    let anchors = [
        None,
        Some(Anchor::After { created: 7, seq: 3 }),
        Some(Anchor::Before { created: 7, seq: 3 }),
    ];
    for (name, list, ordered) in &shapes {
        for anchor in anchors {
            let sql = query::list_sql(Dialect::Sqlite, list, anchor);
            let steps = plan(&conn, &sql.text, &sql.params);
            let context = format!("{name} {anchor:?}: {steps:?}");
            assert!(
                steps.iter().any(|s| s.starts_with("SEARCH objects USING")),
                "{context}"
            );
            assert!(
                !steps.iter().any(|s| s.starts_with("SCAN objects")),
                "{context}"
            );
            if *ordered {
                assert!(
                    !steps.iter().any(|s| s.contains("TEMP B-TREE")),
                    "{context}"
                );
            }
        }
    }
    let (text, params) = query::prefix_tags_sql(Dialect::Sqlite, &base, "p.");
    let steps = plan(&conn, &text, &params);
    assert!(
        steps
            .iter()
            .filter(|s| s.starts_with("SEARCH o USING") && s.contains("INDEX objects_tag"))
            .count()
            == 2,
        "{steps:?}"
    );
    assert!(!steps.iter().any(|s| s.contains("SCAN o")), "{steps:?}");
}

/// The dispatcher's statements cost O(rows they return), however many deliveries have
/// accumulated: each reads one index in order (the reports sort only each delivery's attempts).
#[test]
fn outbox_statements_search_their_indexes() {
    use crate::outbox;
    let conn = connection();
    let int = query::Param::Int;
    let text = |s: &str| query::Param::Text(s.into());
    let shapes = [
        (
            "claim",
            outbox::sql(Dialect::Sqlite, outbox::CLAIMABLE).into_owned(),
            vec![int(5), int(10)],
            vec!["SEARCH webhook_deliveries USING INDEX webhook_deliveries_due"],
        ),
        (
            "next due",
            outbox::NEXT_DUE.to_owned(),
            vec![],
            vec![
                "SCAN webhook_deliveries USING INDEX webhook_deliveries_due",
                "SEARCH webhook_deliveries USING COVERING INDEX webhook_deliveries_leased",
            ],
        ),
        (
            "pending",
            outbox::pending_sql_sqlite(2),
            vec![text("acct_1"), text("evt_1"), text("evt_2")],
            vec!["SEARCH webhook_deliveries USING INDEX webhook_deliveries_event"],
        ),
        (
            "report",
            outbox::report_sql(Dialect::Sqlite),
            vec![text("acct_1"), int(10)],
            vec![
                "SEARCH webhook_deliveries USING INDEX webhook_deliveries_account",
                "SEARCH a USING PRIMARY KEY",
            ],
        ),
        (
            "event report",
            outbox::event_report_sql(Dialect::Sqlite),
            vec![text("acct_1"), int(10), text("evt_1")],
            vec![
                "SEARCH webhook_deliveries USING INDEX webhook_deliveries_event",
                "SEARCH a USING PRIMARY KEY",
            ],
        ),
    ];
    for (name, sql, params, expected) in shapes {
        let steps = plan(&conn, &sql, &params);
        let context = format!("{name}: {steps:?}");
        for step in expected {
            assert!(steps.iter().any(|s| s.starts_with(step)), "{context}");
        }
        // Never the whole table, and no sort but the attempts' within one delivery.
        assert!(
            !steps.contains(&"SCAN webhook_deliveries".to_owned()),
            "{context}"
        );
        assert!(
            steps.iter().filter(|s| s.contains("TEMP B-TREE")).all(|s| s
                == "USE TEMP B-TREE FOR LAST TERM OF ORDER BY"
                && name.contains("report")),
            "{context}"
        );
    }
}

/// A cached list statement runs with new values without being compiled again. (Without the
/// planner's stability guarantee, SQLite recompiled it on every new binding, because deciding
/// whether a partial index applies had looked at the bound values.)
#[test]
fn cached_list_statements_are_not_recompiled_for_new_values() {
    use rusqlite::StatementStatus;
    let conn = connection();
    for account in ["acct_1", "acct_2", "acct_3"] {
        for kind in ["webhook_endpoint", "event"] {
            let query = ListQuery {
                account: account.into(),
                kind: kind.into(),
                limit: 16,
                ..ListQuery::default()
            };
            read::list(&conn, &query).unwrap();
        }
    }
    let text = query::list_sql(
        Dialect::Sqlite,
        &ListQuery {
            limit: 16,
            ..ListQuery::default()
        },
        None,
    )
    .text;
    let stmt = conn.prepare_cached(&text).unwrap();
    assert_eq!(stmt.get_status(StatementStatus::RePrepare), 0);
    assert_eq!(stmt.get_status(StatementStatus::Run), 6);
}

/// A retrieve by id is one probe of the unique id index, with the planner's stability
/// guarantee on (the plan cannot look at the bound id).
#[test]
fn a_retrieve_searches_the_id_index() {
    let conn = connection();
    let sql = read::get_sql();
    let steps = plan(
        &conn,
        &sql,
        &[
            query::Param::Text("pi_1".into()),
            query::Param::Text("acct_1".into()),
        ],
    );
    assert_eq!(steps.len(), 1, "{steps:?}");
    assert!(
        steps[0].starts_with("SEARCH objects USING INDEX sqlite_autoindex_objects_1 (id=?)"),
        "{steps:?}"
    );
}
