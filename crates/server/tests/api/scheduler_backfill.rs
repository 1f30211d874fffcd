//! A subscription stored by a Tender from before the scheduler has no job. The first start of
//! a node that finds such an account schedules its next step, once: later starts only read
//! the account's mark.

use std::time::Duration;

use tender_store::{ListQuery, Record, TagFilter};

use crate::billing_subscriptions::{customer_with_card, shop, subscribe};
use crate::helpers::TestApp;

/// The wall-clock jobs of `account` whose subject is `subscription`, done ones included.
async fn jobs_of(app: &TestApp, account: &str, subscription: &str) -> Vec<Record> {
    let query = ListQuery {
        account: account.to_owned(),
        kind: "scheduled_job".to_owned(),
        tag: Some(TagFilter::Exact("wall".to_owned())),
        limit: 100,
        ..ListQuery::default()
    };
    app.store
        .list(&query)
        .await
        .expect("jobs")
        .into_iter()
        .filter(|job| {
            job.body
                .contains(&format!("\"subject\":\"{subscription}\""))
        })
        .collect()
}

#[tokio::test]
async fn a_start_schedules_the_next_step_of_a_subscription_without_one() {
    let mut app = TestApp::spawn().await;
    let account = app.account_id().await;
    let shop = shop(&app).await;
    customer_with_card(&app, &shop, "pm_card_visa").await;
    let created = subscribe(&app, &shop, "").await.body;
    let period_end = created["items"]["data"][0]["current_period_end"]
        .as_i64()
        .expect("period end");

    // What an older Tender left: the same subscription under another id, with no job.
    let original = created["id"].as_str().expect("id");
    let mut older = app.store.get(&account, original).await.unwrap().unwrap();
    let old_id = "sub_storedbeforethescheduler";
    older.id = old_id.to_owned();
    older.body = older.body.replace(original, old_id);
    older.version = 1;
    let unit = tender_store::UnitOfWork {
        writes: vec![tender_store::Write {
            record: older,
            expected_version: None,
        }],
        ..Default::default()
    };
    app.store.commit(unit).await.expect("insert");
    assert!(jobs_of(&app, &account, old_id).await.is_empty());
    assert_eq!(jobs_of(&app, &account, original).await.len(), 1);
    // The first start found no subscription, so it left no mark.
    let mark = format!("schedbackfill_{account}");
    assert!(app.store.get(&account, &mark).await.unwrap().is_none());

    app.restart_with_webhooks().await;
    let mut jobs = Vec::new();
    for _ in 0..100 {
        jobs = jobs_of(&app, &account, old_id).await;
        if !jobs.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(jobs.len(), 1, "one job for the older subscription");
    assert_eq!(jobs[0].created, period_end, "due at its period's end");
    assert_eq!(
        jobs[0].id,
        format!("job_subscription_{old_id}_{period_end}")
    );
    assert_eq!(
        jobs_of(&app, &account, original).await.len(),
        1,
        "the subscription that had its job keeps just that one"
    );
    // Marked done: the next start reads only the mark.
    let mut marked = None;
    for _ in 0..100 {
        marked = app.store.get(&account, &mark).await.unwrap();
        if marked.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(marked.is_some_and(|m| !m.deleted && m.kind == "scheduler_backfill"));
}
