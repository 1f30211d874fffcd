//! One behaviour suite for every [`Store`] backend: each case below runs once against SQLite
//! (a fresh file under the temp dir), once against SQLite in memory (`memory`, decision 0020)
//! and once against PostgreSQL (a fresh schema in database
//! `test` at 127.0.0.1:5432, or `TENDER_TEST_POSTGRES_URL`). PostgreSQL being down fails the
//! PostgreSQL cases; they never skip.

#![allow(clippy::unwrap_used, clippy::expect_used)]

// The cases live in `conformance/`; a test crate's root resolves modules next to itself.
#[path = "conformance/body_filters.rs"]
mod body_filters;
#[path = "conformance/concurrency.rs"]
mod concurrency;
#[path = "conformance/cursors.rs"]
mod cursors;
#[path = "conformance/deliveries.rs"]
mod deliveries;
#[path = "conformance/lists.rs"]
mod lists;
#[path = "conformance/outbox.rs"]
mod outbox;
#[path = "conformance/records.rs"]
mod records;
#[path = "conformance/request_logs.rs"]
mod request_logs;
#[path = "conformance/reset.rs"]
mod reset;
#[path = "conformance/support.rs"]
mod support;

use std::future::Future;
use std::sync::Arc;

use tender_store::Store;
use tender_store::postgres::PostgresStore;

/// `module::case` pairs; each becomes `sqlite::case`, `memory::case` and `postgres::case`.
macro_rules! conformance {
    ($($module:ident :: $case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    crate::on_sqlite(crate::$module::$case).await;
                }
            )*
        }
        mod memory {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    crate::on_memory(crate::$module::$case).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    crate::on_postgres(crate::$module::$case).await;
                }
            )*
        }
    };
}

conformance! {
    records::insert_get_and_account_isolation,
    records::update_with_current_version,
    records::stale_version_conflicts,
    records::duplicate_insert_conflicts,
    records::unit_is_all_or_nothing,
    records::writes_must_follow_the_version_rule,
    records::idempotency_record_commits_with_writes,
    records::taken_idempotency_key_applies_nothing,
    records::prune_idempotency,
    records::accounts_create_list_and_duplicates,
    records::migrate_is_idempotent,
    records::text_with_nul_is_never_found_nor_stored,
    lists::newest_first_with_same_second_ties,
    lists::returns_at_most_limit_plus_one,
    lists::lists_one_kind_of_one_account,
    lists::filters_by_customer_payment_intent_and_charge,
    lists::filters_by_tag,
    lists::filters_by_created_range,
    lists::deleted_are_not_listed_but_gettable,
    body_filters::filters_by_ids,
    body_filters::filters_by_body_fields,
    body_filters::unstorable_filters_match_nothing,
    body_filters::windows_bound_body_filters_and_skip_finds_their_end,
    cursors::cursor_pages_walk_the_whole_list,
    cursors::cursors_combine_with_filters,
    cursors::tag_filters_page_with_cursors,
    cursors::unknown_cursor_fails,
    concurrency::group_commit_isolates_failing_units,
    concurrency::concurrent_updates_of_one_record,
    concurrency::concurrent_reuse_of_one_idempotency_key,
    outbox::deliveries_commit_with_their_unit,
    outbox::claims_respect_due_time_and_lease,
    outbox::concurrent_claims_are_disjoint,
    outbox::expired_lease_is_reclaimed_from_the_old_claimer,
    outbox::retry_reschedules_until_failed,
    deliveries::delivered_and_failed_stop_claims,
    deliveries::pending_webhooks_per_event_and_account,
    deliveries::delivery_reports_newest_first_with_attempts,
    request_logs::request_logs_newest_first_per_account,
    request_logs::request_logs_filter,
    request_logs::request_logs_store_nul_as_replacement,
    request_logs::request_logs_prune_by_age_and_count,
    reset::reset_empties_one_account,
}

async fn on_sqlite<F, Fut>(case: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = std::env::temp_dir().join(format!("tender-store-{:016x}", rand::random::<u64>()));
    // A missing parent directory: `connect` must create it.
    let url = format!(
        "sqlite://{}",
        dir.join("nested").join("tender.db").display()
    );
    let store = tender_store::connect(&url).await.unwrap();
    // The case owns the store; when it returns, the store is dropped and its files closed.
    case(store).await;
    std::fs::remove_dir_all(&dir).unwrap();
}

async fn on_memory<F, Fut>(case: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    // Through `connect`, as `tender serve --database memory` opens it: each open is a new,
    // empty database even within one process (the cases run in parallel threads).
    let store = tender_store::connect("memory").await.unwrap();
    assert!(store.accounts().await.unwrap().is_empty());
    case(store).await;
}

async fn on_postgres<F, Fut>(case: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    let url = postgres_url();
    let schema = format!("tender_store_test_{:016x}", rand::random::<u64>());
    let store = PostgresStore::connect_in_schema(&url, &schema)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL must be reachable at {url}: {e}"));
    store.migrate().await.unwrap();
    case(Arc::new(store)).await;
    // Left in place when the case fails, for inspection.
    PostgresStore::drop_schema(&url, &schema).await.unwrap();
}

fn postgres_url() -> String {
    std::env::var("TENDER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}
