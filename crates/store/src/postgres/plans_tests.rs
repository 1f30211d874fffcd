//! The plans PostgreSQL keeps for Tender's prepared statements, on a real PostgreSQL.
//!
//! A prepared statement settles on a generic plan after a few executions and keeps it as its
//! tables grow. A plan chosen while a table was empty (and analyzed as such, as autovacuum
//! does for a new table) must still be an index scan, not a sequential scan of what will be
//! millions of rows.

#![allow(clippy::unwrap_used)]

use super::*;
use crate::query::{self, Dialect, Param};

#[tokio::test]
async fn a_list_planned_on_an_empty_analyzed_table_scans_an_index() {
    let url = std::env::var("TENDER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = format!("tender_plans_test_{:016x}", rand::random::<u64>());
    let store = PostgresStore::connect_in_schema(&url, &schema)
        .await
        .unwrap();
    store.migrate().await.unwrap();

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
    let rows = client
        .simple_query(&format!(
            "EXPLAIN EXECUTE endpoints({})",
            arguments.join(", ")
        ))
        .await
        .unwrap();
    let plan: Vec<String> = rows
        .iter()
        .filter_map(|message| match message {
            tokio_postgres::SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
            _ => None,
        })
        .collect();
    let plan = plan.join("\n");
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
