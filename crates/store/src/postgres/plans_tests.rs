//! The plans PostgreSQL keeps for Tender's prepared statements, on a real PostgreSQL.
//!
//! A prepared statement settles on a generic plan after a few executions and keeps it as its
//! tables grow. A plan chosen while a table was empty (and analyzed as such: an `ANALYZE` of
//! a new database) must still be an index scan, not a sequential scan of what will be
//! millions of rows. And a query that no index serves, whose plan those settings make look
//! dear, must not be compiled (JIT) for it.

#![allow(clippy::unwrap_used)]

use super::*;
use crate::query::{self, Dialect, Param};

/// The text rows of a simple query (`EXPLAIN`'s plan lines).
async fn text_rows(client: &Object, sql: &str) -> String {
    let messages = client.simple_query(sql).await.unwrap();
    let lines: Vec<&str> = messages
        .iter()
        .filter_map(|message| match message {
            tokio_postgres::SimpleQueryMessage::Row(row) => row.get(0),
            _ => None,
        })
        .collect();
    lines.join("\n")
}

#[tokio::test]
async fn a_list_planned_on_an_empty_analyzed_table_scans_an_index() {
    let (store, url, schema) = test_store("tender_plans_test").await;

    // What every payment asks for: the account's webhook endpoints.
    let list = query::list_sql(
        Dialect::Postgres,
        &ListQuery {
            account: "acct_1".into(),
            kind: "webhook_endpoint".into(),
            limit: 16,
            ..ListQuery::default()
        },
        None,
    );
    let arguments: Vec<String> = list
        .params
        .iter()
        .map(|param| match param {
            Param::Text(text) => format!("'{text}'"),
            Param::Int(int) => int.to_string(),
        })
        .collect();
    assert_eq!(arguments, ["'acct_1'", "'webhook_endpoint'", "17"]);

    let client = store.client().await.unwrap();
    client.batch_execute("ANALYZE objects").await.unwrap();
    client
        .batch_execute(&format!("PREPARE endpoints AS {}", list.text))
        .await
        .unwrap();
    client
        .batch_execute("SET plan_cache_mode = force_generic_plan")
        .await
        .unwrap();
    let plan = text_rows(
        &client,
        &format!("EXPLAIN EXECUTE endpoints({})", arguments.join(", ")),
    )
    .await;
    assert!(
        plan.contains("Index Scan Backward using objects_list on objects"),
        "{plan}"
    );
    assert!(!plan.contains("Seq Scan"), "{plan}");
    client
        .batch_execute("DEALLOCATE endpoints; RESET plan_cache_mode")
        .await
        .unwrap();

    drop(client);
    drop(store);
    PostgresStore::drop_schema(&url, &schema).await.unwrap();
}

#[tokio::test]
async fn a_query_no_index_serves_is_not_compiled() {
    let (store, url, schema) = test_store("tender_plans_test").await;
    let client = store.client().await.unwrap();

    // The migration's own check: `schema_version` has no index, so this is a sequential
    // scan, costed as a disabled plan. (EXPLAIN reports JIT only with costs shown.)
    let plan = text_rows(
        &client,
        "EXPLAIN (ANALYZE, TIMING OFF) SELECT max(version) FROM schema_version",
    )
    .await;
    assert!(plan.contains("Seq Scan on schema_version"), "{plan}");
    assert!(!plan.contains("JIT"), "{plan}");

    drop(client);
    drop(store);
    PostgresStore::drop_schema(&url, &schema).await.unwrap();
}
