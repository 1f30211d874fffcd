//! `reset_account`: one account's objects, keys and deliveries go; the account, its keys and
//! every other account's data stay.

use std::sync::Arc;

use tender_store::{Account, AccountReset, DeliveryOutcome, Store, UnitOfWork};

use crate::support::*;

fn account(id: &str) -> Account {
    Account {
        id: id.into(),
        secret_key: format!("sk_test_{id}"),
        publishable_key: format!("pk_test_{id}"),
        created: 1,
    }
}

pub async fn reset_empties_one_account(store: Arc<dyn Store>) {
    for id in [ACCT, OTHER] {
        store.create_account(&account(id)).await.unwrap();
        let mut gone = record(id, &format!("cus_gone_{id}"), "customer", 2);
        gone.deleted = true;
        store
            .commit(UnitOfWork {
                writes: vec![
                    insert(record(id, &format!("cus_{id}"), "customer", 1)),
                    insert(gone),
                    insert(record(id, &format!("evt_{id}"), "event", 1)),
                ],
                idempotency: Some(key(id, "k1", 1)),
                deliveries: vec![
                    delivery(id, &format!("whdel_1_{id}"), &format!("evt_{id}"), 0),
                    delivery(id, &format!("whdel_2_{id}"), &format!("evt_{id}"), 0),
                ],
            })
            .await
            .unwrap();
    }
    // Every delivery with an attempt recorded, and due again later.
    let claimed = store.claim_deliveries(0, 1_000, 10).await.unwrap();
    assert_eq!(claimed.len(), 4);
    for claim in claimed {
        let (tried, retry) = (attempt(&claim, 5), DeliveryOutcome::Retry { at_ms: 100 });
        assert!(store.finish_delivery(&claim, &tried, retry).await.unwrap());
    }

    let reset = store.reset_account(ACCT).await.unwrap();
    assert_eq!(
        reset,
        AccountReset {
            objects: 3,
            idempotency_keys: 1,
            webhook_deliveries: 2,
            request_logs: 0,
        }
    );
    assert_eq!(store.get(ACCT, "cus_acct_one").await.unwrap(), None);
    assert_eq!(store.get(ACCT, "cus_gone_acct_one").await.unwrap(), None);
    assert!(
        list_ids(&store, &query(ACCT, "customer", 10))
            .await
            .is_empty()
    );
    assert_eq!(store.idempotency(ACCT, "k1").await.unwrap(), None);
    assert!(report_ids(&store, ACCT, None).await.is_empty());
    // The account and its keys stay.
    let accounts: Vec<String> = store
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.secret_key)
        .collect();
    assert_eq!(accounts, vec!["sk_test_acct_one", "sk_test_acct_two"]);
    // The other account keeps everything.
    assert!(store.get(OTHER, "cus_acct_two").await.unwrap().is_some());
    assert_eq!(
        list_ids(&store, &query(OTHER, "customer", 10)).await,
        vec!["cus_acct_two"]
    );
    assert!(store.idempotency(OTHER, "k1").await.unwrap().is_some());
    assert_eq!(report_ids(&store, OTHER, None).await.len(), 2);
    // Only OTHER's deliveries are left to claim.
    let left = store.claim_deliveries(10_000, 1_000, 10).await.unwrap();
    assert_eq!(left.len(), 2);
    assert!(left.iter().all(|d| d.account == OTHER), "{left:?}");
    // The emptied account works as a new one: its ids can be used again.
    store
        .commit(unit(vec![insert(record(
            ACCT,
            "cus_acct_one",
            "customer",
            3,
        ))]))
        .await
        .unwrap();
    // A second reset, and one of an unknown account, delete only what there is.
    assert_eq!(
        store.reset_account(ACCT).await.unwrap(),
        AccountReset {
            objects: 1,
            ..AccountReset::default()
        }
    );
    assert_eq!(
        store.reset_account("acct_unknown").await.unwrap(),
        AccountReset::default()
    );
}
