//! The webhook outbox: deliveries commit with their unit of work, dispatchers claim them under
//! leases, attempts are recorded only by the lease holder.

use std::collections::HashSet;
use std::sync::Arc;

use tender_store::{DeliveryOutcome, Store, StoreError, UnitOfWork, Write};

use crate::support::*;

pub async fn deliveries_commit_with_their_unit(store: Arc<dyn Store>) {
    let v1 = record(ACCT, "cus_a", "customer", 1);
    store
        .commit(UnitOfWork {
            writes: vec![
                insert(v1.clone()),
                insert(record(ACCT, "evt_1", "event", 1)),
            ],
            idempotency: Some(key(ACCT, "used", 1)),
            deliveries: vec![
                delivery(ACCT, "whdel_1", "evt_1", 100),
                delivery(ACCT, "whdel_2", "evt_1", 100),
            ],
        })
        .await
        .unwrap();
    assert_eq!(
        report_ids(&store, ACCT, Some("evt_1")).await,
        vec!["whdel_2", "whdel_1"]
    );

    // A stale version: the unit's event and delivery go with it.
    let result = store
        .commit(UnitOfWork {
            writes: vec![
                insert(record(ACCT, "evt_2", "event", 2)),
                Write {
                    record: tender_store::Record {
                        version: 5,
                        ..v1.clone()
                    },
                    expected_version: Some(4),
                },
            ],
            deliveries: vec![delivery(ACCT, "whdel_3", "evt_2", 100)],
            ..UnitOfWork::default()
        })
        .await;
    assert_conflict(result, "cus_a");

    // A taken idempotency key.
    let result = store
        .commit(UnitOfWork {
            writes: vec![insert(record(ACCT, "evt_3", "event", 3))],
            idempotency: Some(key(ACCT, "used", 3)),
            deliveries: vec![delivery(ACCT, "whdel_4", "evt_3", 100)],
        })
        .await;
    assert!(
        matches!(result, Err(StoreError::IdempotencyKeyTaken)),
        "{result:?}"
    );

    // A duplicate delivery id: a conflict on it, and the unit's writes are not applied.
    let result = store
        .commit(UnitOfWork {
            writes: vec![insert(record(ACCT, "evt_4", "event", 4))],
            deliveries: vec![
                delivery(ACCT, "whdel_5", "evt_4", 100),
                delivery(ACCT, "whdel_1", "evt_4", 100),
            ],
            ..UnitOfWork::default()
        })
        .await;
    assert_conflict(result, "whdel_1");

    for event in ["evt_2", "evt_3", "evt_4"] {
        assert_eq!(store.get(ACCT, event).await.unwrap(), None, "{event}");
    }
    assert_eq!(
        report_ids(&store, ACCT, None).await,
        vec!["whdel_2", "whdel_1"]
    );
    let events: Vec<String> = ["evt_1", "evt_2", "evt_3", "evt_4"].map(Into::into).into();
    assert_eq!(
        store.pending_webhooks(ACCT, &events).await.unwrap(),
        vec![("evt_1".to_owned(), 2)]
    );
    let claimed = store.claim_deliveries(1_000, 100, 10).await.unwrap();
    assert_eq!(claimed_ids(&claimed), vec!["whdel_1", "whdel_2"]);
}

pub async fn claims_respect_due_time_and_lease(store: Arc<dyn Store>) {
    assert_eq!(store.next_delivery_due().await.unwrap(), None);
    schedule(
        &store,
        vec![
            delivery(ACCT, "whdel_c", "evt_1", 300),
            delivery(ACCT, "whdel_a", "evt_1", 100),
            delivery(OTHER, "whdel_b", "evt_2", 200),
        ],
    )
    .await;
    assert_eq!(store.next_delivery_due().await.unwrap(), Some(100));
    assert!(
        store
            .claim_deliveries(99, 1_000, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .claim_deliveries(200, 1_000, 0)
            .await
            .unwrap()
            .is_empty()
    );
    let result = store.claim_deliveries(200, -1, 10).await;
    assert!(matches!(result, Err(StoreError::Backend(_))), "{result:?}");

    // Due ones, oldest due first, whatever their account.
    let first = store.claim_deliveries(200, 1_000, 10).await.unwrap();
    assert_eq!(claimed_ids(&first), vec!["whdel_a", "whdel_b"]);
    assert_eq!(first[0].account, ACCT);
    assert_eq!(first[0].event_id, "evt_1");
    assert_eq!(first[0].endpoint_id, "we_evt_1");
    assert_eq!(first[1].account, OTHER);
    for claim in &first {
        assert_eq!(claim.attempts, 0);
        assert_eq!(claim.lease_until_ms, 1_200);
        assert!(claim.lease_token.len() >= 16, "{claim:?}");
    }
    assert_ne!(first[0].lease_token, first[1].lease_token);
    // The leased ones are due again one millisecond after their lease ends.
    assert_eq!(store.next_delivery_due().await.unwrap(), Some(300));

    assert!(
        store
            .claim_deliveries(299, 1_000, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let third = store.claim_deliveries(300, 1_000, 1).await.unwrap();
    assert_eq!(claimed_ids(&third), vec!["whdel_c"]);
    assert_eq!(store.next_delivery_due().await.unwrap(), Some(1_201));

    // Held up to and including `lease_until_ms`.
    assert!(
        store
            .claim_deliveries(1_200, 1_000, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let again = store.claim_deliveries(1_201, 500, 1).await.unwrap();
    assert_eq!(claimed_ids(&again), vec!["whdel_a"]);
    assert_eq!(again[0].lease_until_ms, 1_701);
    assert_ne!(again[0].lease_token, first[0].lease_token);
    let rest = store.claim_deliveries(1_201, 500, 10).await.unwrap();
    assert_eq!(claimed_ids(&rest), vec!["whdel_b"]);
    assert_eq!(store.next_delivery_due().await.unwrap(), Some(1_301));
}

pub async fn concurrent_claims_are_disjoint(store: Arc<dyn Store>) {
    let deliveries = (0..50)
        .map(|i| delivery(ACCT, &format!("whdel_{i:02}"), "evt_1", i))
        .collect();
    schedule(&store, deliveries).await;

    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                // Claim until nothing is left: a row skipped because another claim held it
                // is then leased by that claim.
                let mut mine = Vec::new();
                loop {
                    let claimed = store.claim_deliveries(1_000, 60_000, 3).await.unwrap();
                    if claimed.is_empty() {
                        return mine;
                    }
                    mine.extend(claimed);
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    assert_eq!(all.len(), 50);
    let ids: HashSet<&str> = all.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), 50);
    let tokens: HashSet<&str> = all.iter().map(|c| c.lease_token.as_str()).collect();
    assert_eq!(tokens.len(), 50);
    assert!(
        store
            .claim_deliveries(1_000, 60_000, 100)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.next_delivery_due().await.unwrap(), Some(61_001));
}

pub async fn expired_lease_is_reclaimed_from_the_old_claimer(store: Arc<dyn Store>) {
    schedule(&store, vec![delivery(ACCT, "whdel_1", "evt_1", 0)]).await;
    let old = claim_one(&store, 10, 100).await;
    assert!(
        store
            .claim_deliveries(110, 100, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let new = claim_one(&store, 111, 100).await;
    assert_eq!(new.attempts, 0);
    assert_ne!(new.lease_token, old.lease_token);

    let late = store
        .finish_delivery(&old, &attempt(&old, 150), DeliveryOutcome::Delivered)
        .await
        .unwrap();
    assert!(!late);
    let report = &store.deliveries(ACCT, None, 10).await.unwrap()[0];
    assert_eq!(report.status, "pending");
    assert_eq!(report.next_attempt_ms, Some(0));
    assert!(report.attempts.is_empty());

    // An attempt filed under another delivery is a caller bug.
    let mut stray = attempt(&new, 150);
    stray.delivery_id = "whdel_other".into();
    let result = store
        .finish_delivery(&new, &stray, DeliveryOutcome::Failed)
        .await;
    assert!(matches!(result, Err(StoreError::Backend(_))), "{result:?}");

    let done = store
        .finish_delivery(&new, &attempt(&new, 160), DeliveryOutcome::Delivered)
        .await
        .unwrap();
    assert!(done);
    // Finishing clears the lease: the same claim cannot finish twice.
    let twice = store
        .finish_delivery(&new, &attempt(&new, 170), DeliveryOutcome::Failed)
        .await
        .unwrap();
    assert!(!twice);
    let report = &store.deliveries(ACCT, None, 10).await.unwrap()[0];
    assert_eq!(report.status, "delivered");
    assert_eq!(report.next_attempt_ms, None);
    assert_eq!(report.attempts, vec![attempt(&new, 160)]);

    // A lease that expired without being taken over still lets its holder finish.
    schedule(&store, vec![delivery(ACCT, "whdel_2", "evt_1", 0)]).await;
    let slow = claim_one(&store, 1_000, 10).await;
    let finished = store
        .finish_delivery(&slow, &attempt(&slow, 5_000), DeliveryOutcome::Failed)
        .await
        .unwrap();
    assert!(finished);
}

pub async fn retry_reschedules_until_failed(store: Arc<dyn Store>) {
    schedule(&store, vec![delivery(ACCT, "whdel_1", "evt_1", 0)]).await;
    let first = claim_one(&store, 0, 1_000).await;
    let retried = store
        .finish_delivery(
            &first,
            &attempt(&first, 20),
            DeliveryOutcome::Retry { at_ms: 5_000 },
        )
        .await
        .unwrap();
    assert!(retried);
    assert_eq!(store.next_delivery_due().await.unwrap(), Some(5_000));
    // Not before its new time, even though the lease was given back.
    assert!(
        store
            .claim_deliveries(4_999, 1_000, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let second = claim_one(&store, 5_000, 1_000).await;
    assert_eq!(second.attempts, 1);

    // An attempt number already recorded: a conflict, and the delivery stays as it was.
    let result = store
        .finish_delivery(&second, &attempt(&first, 5_010), DeliveryOutcome::Failed)
        .await;
    assert_conflict(result.map(|_| ()), "whdel_1");
    let report = &store.deliveries(ACCT, None, 10).await.unwrap()[0];
    assert_eq!(report.status, "pending");
    assert_eq!(report.attempts.len(), 1);

    let mut timeout = attempt(&second, 5_020);
    timeout.status_code = None;
    timeout.error = Some("timed out after 10s".into());
    timeout.response_snippet = None;
    let failed = store
        .finish_delivery(&second, &timeout, DeliveryOutcome::Failed)
        .await
        .unwrap();
    assert!(failed);
    assert!(
        store
            .claim_deliveries(i64::MAX, 1_000, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.next_delivery_due().await.unwrap(), None);

    let reports = store.deliveries(ACCT, Some("evt_1"), 10).await.unwrap();
    assert_eq!(reports.len(), 1);
    let report = &reports[0];
    assert_eq!(report.status, "failed");
    assert_eq!(report.next_attempt_ms, None);
    assert_eq!(report.attempts, vec![attempt(&first, 20), timeout]);
}
