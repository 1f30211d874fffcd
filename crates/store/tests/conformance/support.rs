//! Fixtures shared by the cases.

use std::sync::Arc;

use tender_store::{
    ClaimedDelivery, Cursor, DeliveryAttempt, IdempotencyRecord, IndexKeys, ListQuery, NewDelivery,
    Record, Store, StoreError, UnitOfWork, Write,
};

pub const ACCT: &str = "acct_one";
pub const OTHER: &str = "acct_two";

/// A version-1 record with a body naming its id.
pub fn record(account: &str, id: &str, kind: &str, created: i64) -> Record {
    Record {
        account: account.into(),
        id: id.into(),
        kind: kind.into(),
        created,
        version: 1,
        deleted: false,
        index: IndexKeys::default(),
        body: format!(r#"{{"id":"{id}","object":"{kind}"}}"#),
    }
}

pub fn insert(record: Record) -> Write {
    Write {
        record,
        expected_version: None,
    }
}

/// The write that replaces `read` (as last read) by `changed` (`changed.version` is set here).
pub fn update(read: &Record, mut changed: Record) -> Write {
    changed.version = read.version + 1;
    Write {
        record: changed,
        expected_version: Some(read.version),
    }
}

pub fn unit(writes: Vec<Write>) -> UnitOfWork {
    UnitOfWork {
        writes,
        idempotency: None,
        ..UnitOfWork::default()
    }
}

pub fn key(account: &str, key: &str, created: i64) -> IdempotencyRecord {
    IdempotencyRecord {
        account: account.into(),
        key: key.into(),
        fingerprint: format!("POST /v1/customers {key}"),
        request_id: format!("req_{key}"),
        status: 200,
        body: format!(r#"{{"key":"{key}"}}"#),
        created,
    }
}

/// Inserts each record in its own commit, in order (so insertion order is the slice order).
pub async fn insert_each(store: &Arc<dyn Store>, records: &[Record]) {
    for record in records {
        store
            .commit(unit(vec![insert(record.clone())]))
            .await
            .unwrap();
    }
}

pub fn query(account: &str, kind: &str, limit: usize) -> ListQuery {
    ListQuery {
        account: account.into(),
        kind: kind.into(),
        limit,
        ..ListQuery::default()
    }
}

pub async fn list_ids(store: &Arc<dyn Store>, query: &ListQuery) -> Vec<String> {
    ids(&store.list(query).await.unwrap())
}

pub fn ids(records: &[Record]) -> Vec<String> {
    records.iter().map(|r| r.id.clone()).collect()
}

pub fn assert_conflict(result: Result<(), StoreError>, id: &str) {
    match result {
        Err(StoreError::Conflict { id: got }) => assert_eq!(got, id),
        other => panic!("expected Conflict on {id}, got {other:?}"),
    }
}

/// Follows `starting_after` = last id of each page, as a client does; returns the pages.
pub async fn walk_forward(store: &Arc<dyn Store>, base: &ListQuery) -> Vec<Vec<String>> {
    let (mut pages, mut cursor) = (Vec::new(), None);
    loop {
        let got = ids(&store
            .list(&ListQuery {
                cursor: cursor.clone(),
                ..base.clone()
            })
            .await
            .unwrap());
        let has_more = got.len() > base.limit;
        let page = got[..got.len().min(base.limit)].to_vec();
        cursor = page.last().map(|id| Cursor::After(id.clone()));
        pages.push(page);
        if !has_more {
            return pages;
        }
    }
}

/// Follows `ending_before` = first id of each page from `start`; returns the pages in the
/// order they were fetched (newest page last).
pub async fn walk_backward(
    store: &Arc<dyn Store>,
    base: &ListQuery,
    start: &str,
) -> Vec<Vec<String>> {
    let (mut pages, mut cursor) = (Vec::new(), Cursor::Before(start.into()));
    loop {
        let got = ids(&store
            .list(&ListQuery {
                cursor: Some(cursor.clone()),
                ..base.clone()
            })
            .await
            .unwrap());
        let has_more = got.len() > base.limit;
        // The extra record is the farthest from the cursor: the newest, first.
        let page = got[got.len().saturating_sub(base.limit)..].to_vec();
        let Some(first) = page.first() else {
            return pages;
        };
        cursor = Cursor::Before(first.clone());
        pages.push(page);
        if !has_more {
            return pages;
        }
    }
}

pub fn delivery(account: &str, id: &str, event_id: &str, due_at_ms: i64) -> NewDelivery {
    NewDelivery {
        id: id.into(),
        account: account.into(),
        event_id: event_id.into(),
        endpoint_id: format!("we_{event_id}"),
        due_at_ms,
    }
}

/// Schedules each delivery in a unit of its own (no writes).
pub async fn schedule(store: &Arc<dyn Store>, deliveries: Vec<NewDelivery>) {
    store
        .commit(UnitOfWork {
            deliveries,
            ..UnitOfWork::default()
        })
        .await
        .unwrap();
}

pub fn attempt(claim: &ClaimedDelivery, at_ms: i64) -> DeliveryAttempt {
    DeliveryAttempt {
        delivery_id: claim.id.clone(),
        attempt: claim.attempts + 1,
        at_ms,
        status_code: Some(500),
        latency_ms: 12,
        error: None,
        response_snippet: Some("oops".into()),
    }
}

pub fn claimed_ids(claimed: &[ClaimedDelivery]) -> Vec<&str> {
    claimed.iter().map(|c| c.id.as_str()).collect()
}

pub async fn report_ids(store: &Arc<dyn Store>, account: &str, event: Option<&str>) -> Vec<String> {
    let reports = store.deliveries(account, event, 100).await.unwrap();
    reports.into_iter().map(|r| r.id).collect()
}

/// The one claimable delivery at `now_ms` (fails if there is not exactly one).
pub async fn claim_one(store: &Arc<dyn Store>, now_ms: i64, lease_ms: i64) -> ClaimedDelivery {
    let mut claimed = store.claim_deliveries(now_ms, lease_ms, 10).await.unwrap();
    assert_eq!(claimed.len(), 1, "{claimed:?}");
    claimed.remove(0)
}
