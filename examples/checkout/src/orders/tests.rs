#![allow(clippy::unwrap_used)]

use super::*;
use crate::catalog::{Cart, CartItem, price};

fn quote() -> Quote {
    price(&Cart {
        items: vec![CartItem {
            product: "tee".into(),
            quantity: 2,
        }],
        discount_code: None,
    })
    .unwrap()
}

fn paid(order: &Order, amount: i64) -> Effect {
    Effect::Paid {
        order_id: order.id.clone(),
        payment_intent: "pi_1".into(),
        amount_received: amount,
        currency: "usd".into(),
    }
}

async fn open() -> (Orders, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!("{}.db", new_id("orders-test")));
    (Orders::open(&path).unwrap(), path)
}

#[tokio::test]
async fn an_event_pays_and_fulfils_once() {
    let (orders, path) = open().await;
    let order = orders.create("server-confirm", &quote()).await.unwrap();
    assert_eq!(order.status, "pending");
    assert_eq!(order.amount, 5000);

    let effect = paid(&order, 5000);
    let first = orders.apply_event("evt_1", "payment_intent.succeeded", effect.clone());
    assert_eq!(first.await.unwrap(), Applied::Done);
    let again = orders.apply_event("evt_1", "payment_intent.succeeded", effect.clone());
    assert_eq!(again.await.unwrap(), Applied::Duplicate);
    // Another event for the same order: recorded, but nothing ships twice.
    let other = orders.apply_event("evt_2", "payment_intent.succeeded", effect);
    assert_eq!(other.await.unwrap(), Applied::Done);

    let order = orders.get(&order.id).await.unwrap().unwrap();
    assert_eq!(order.status, "paid");
    assert_eq!(order.fulfilment.unwrap().event_id, "evt_1");
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn a_wrong_amount_leaves_the_order_pending() {
    let (orders, path) = open().await;
    let order = orders.create("server-confirm", &quote()).await.unwrap();
    let applied = orders
        .apply_event("evt_1", "payment_intent.succeeded", paid(&order, 1))
        .await
        .unwrap();
    assert_eq!(applied, Applied::AmountMismatch);
    assert_eq!(
        orders.get(&order.id).await.unwrap().unwrap().status,
        "pending"
    );
    let _ = std::fs::remove_file(path);
}
