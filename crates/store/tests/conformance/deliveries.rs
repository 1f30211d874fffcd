//! What the outbox tells about deliveries: which stop being claimed, events'
//! `pending_webhooks`, and the per-delivery reports with their attempts.

use std::sync::Arc;

use tender_store::{DeliveryAttempt, DeliveryOutcome, Store};

use crate::support::*;

pub async fn delivered_and_failed_stop_claims(store: Arc<dyn Store>) {
    schedule(
        &store,
        vec![
            delivery(ACCT, "whdel_ok", "evt_1", 0),
            delivery(ACCT, "whdel_ko", "evt_1", 0),
        ],
    )
    .await;
    let claimed = store.claim_deliveries(0, 1_000, 10).await.unwrap();
    assert_eq!(claimed_ids(&claimed), vec!["whdel_ko", "whdel_ok"]);
    for (claim, outcome) in claimed
        .iter()
        .zip([DeliveryOutcome::Failed, DeliveryOutcome::Delivered])
    {
        let finished = store
            .finish_delivery(claim, &attempt(claim, 10), outcome)
            .await
            .unwrap();
        assert!(finished);
    }
    assert!(
        store
            .claim_deliveries(i64::MAX, 1_000, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.next_delivery_due().await.unwrap(), None);
    // A failed delivery still counts as not delivered.
    assert_eq!(
        store
            .pending_webhooks(ACCT, &["evt_1".into()])
            .await
            .unwrap(),
        vec![("evt_1".to_owned(), 1)]
    );
}

pub async fn pending_webhooks_per_event_and_account(store: Arc<dyn Store>) {
    schedule(
        &store,
        vec![
            delivery(ACCT, "whdel_a1", "evt_a", 0),
            delivery(ACCT, "whdel_a2", "evt_a", 0),
            delivery(ACCT, "whdel_a3", "evt_a", 0),
            delivery(ACCT, "whdel_b1", "evt_b", 0),
            delivery(OTHER, "whdel_o1", "evt_a", 0),
            delivery(OTHER, "whdel_o2", "evt_a", 0),
        ],
    )
    .await;
    let ask: Vec<String> = ["evt_b", "evt_c", "evt_a", "evt_b"].map(Into::into).into();
    assert_eq!(
        store.pending_webhooks(ACCT, &ask).await.unwrap(),
        vec![("evt_a".to_owned(), 3), ("evt_b".to_owned(), 1)]
    );
    assert_eq!(
        store.pending_webhooks(OTHER, &ask).await.unwrap(),
        vec![("evt_a".to_owned(), 2)]
    );
    assert!(store.pending_webhooks(ACCT, &[]).await.unwrap().is_empty());
    assert!(
        store
            .pending_webhooks("acct_none", &ask)
            .await
            .unwrap()
            .is_empty()
    );

    let claim = store.claim_deliveries(0, 1_000, 1).await.unwrap().remove(0);
    assert_eq!(claim.id, "whdel_a1");
    let finished = store
        .finish_delivery(&claim, &attempt(&claim, 1), DeliveryOutcome::Delivered)
        .await
        .unwrap();
    assert!(finished);
    assert_eq!(
        store.pending_webhooks(ACCT, &ask).await.unwrap(),
        vec![("evt_a".to_owned(), 2), ("evt_b".to_owned(), 1)]
    );

    // A page of many events (SQLite binds them in chunks).
    let many: Vec<String> = (0..1_200)
        .map(|i| format!("evt_{i:04}"))
        .chain(["evt_b".to_owned()])
        .collect();
    assert_eq!(
        store.pending_webhooks(ACCT, &many).await.unwrap(),
        vec![("evt_b".to_owned(), 1)]
    );
}

pub async fn delivery_reports_newest_first_with_attempts(store: Arc<dyn Store>) {
    schedule(
        &store,
        vec![
            delivery(ACCT, "whdel_1", "evt_1", 100),
            delivery(ACCT, "whdel_3", "evt_2", 200),
            delivery(ACCT, "whdel_2", "evt_2", 200),
            delivery(ACCT, "whdel_4", "evt_1", 300),
            delivery(OTHER, "whdel_9", "evt_1", 400),
        ],
    )
    .await;
    let claimed = store.claim_deliveries(200, 10_000, 10).await.unwrap();
    assert_eq!(claimed_ids(&claimed), vec!["whdel_1", "whdel_2", "whdel_3"]);
    let claim = &claimed[2];
    let first = attempt(claim, 210);
    store
        .finish_delivery(claim, &first, DeliveryOutcome::Retry { at_ms: 900 })
        .await
        .unwrap();
    let claimed = store.claim_deliveries(1_500, 10_000, 10).await.unwrap();
    assert_eq!(claimed_ids(&claimed), vec!["whdel_4", "whdel_9", "whdel_3"]);
    let claim = claimed[2].clone();
    assert_eq!(claim.attempts, 1);
    let second = DeliveryAttempt {
        status_code: Some(200),
        response_snippet: Some("{\"ok\":true}".into()),
        ..attempt(&claim, 1_510)
    };
    store
        .finish_delivery(&claim, &second, DeliveryOutcome::Delivered)
        .await
        .unwrap();

    // Newest first: by first due time, then id.
    assert_eq!(
        report_ids(&store, ACCT, None).await,
        vec!["whdel_4", "whdel_3", "whdel_2", "whdel_1"]
    );
    let page = store.deliveries(ACCT, None, 2).await.unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(page[1].id, "whdel_3");
    assert_eq!(page[1].event_id, "evt_2");
    assert_eq!(page[1].endpoint_id, "we_evt_2");
    assert_eq!(page[1].status, "delivered");
    assert_eq!(page[1].next_attempt_ms, None);
    assert_eq!(page[1].attempts, vec![first, second]);
    assert_eq!(page[0].status, "pending");
    assert_eq!(page[0].next_attempt_ms, Some(300));
    assert!(page[0].attempts.is_empty());

    assert_eq!(
        report_ids(&store, ACCT, Some("evt_1")).await,
        vec!["whdel_4", "whdel_1"]
    );
    assert_eq!(report_ids(&store, OTHER, None).await, vec!["whdel_9"]);
    assert!(report_ids(&store, OTHER, Some("evt_2")).await.is_empty());
    assert!(store.deliveries(ACCT, None, 0).await.unwrap().is_empty());
}
