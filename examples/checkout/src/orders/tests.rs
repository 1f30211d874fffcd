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
        currency: None,
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

fn new_membership() -> NewMembership<'static> {
    NewMembership {
        customer: "cus_1",
        price: "price_1",
        amount: 900,
        currency: "usd",
    }
}

fn invoice_paid(amount: i64) -> Effect {
    Effect::MembershipPaid {
        subscription: "sub_1".into(),
        amount_paid: amount,
        currency: "usd".into(),
    }
}

#[tokio::test]
async fn invoice_paid_activates_a_membership_once_and_deleted_ends_it() {
    let (orders, path) = open().await;
    let membership = orders.create_membership(&new_membership()).await.unwrap();
    assert_eq!(membership.status, "pending");
    // Before its subscription is recorded, an invoice.paid names nothing of the shop's.
    let early = orders.apply_event("evt_0", "invoice.paid", invoice_paid(900));
    assert_eq!(early.await.unwrap(), Applied::UnknownOrder);
    orders
        .attach_subscription(&membership.id, "sub_1")
        .await
        .unwrap();

    let failed = Effect::MembershipFailed {
        subscription: "sub_1".into(),
        message: "The payment failed.".into(),
    };
    orders
        .membership_error(&membership.id, Some("Your card was declined."))
        .await
        .unwrap();
    let applied = orders.apply_event("evt_1", "invoice.payment_failed", failed);
    assert_eq!(applied.await.unwrap(), Applied::Done);
    let pending = orders.membership(&membership.id).await.unwrap().unwrap();
    // The server's own message (from the decline) is kept over the webhook's plain one.
    assert_eq!(
        pending.last_error.as_deref(),
        Some("Your card was declined.")
    );

    let paid = orders.apply_event("evt_2", "invoice.paid", invoice_paid(900));
    assert_eq!(paid.await.unwrap(), Applied::Done);
    let again = orders.apply_event("evt_2", "invoice.paid", invoice_paid(900));
    assert_eq!(again.await.unwrap(), Applied::Duplicate);
    // A renewal's invoice.paid leaves the activation as it was.
    let renewal = orders.apply_event("evt_3", "invoice.paid", invoice_paid(900));
    assert_eq!(renewal.await.unwrap(), Applied::Done);
    let active = orders.membership(&membership.id).await.unwrap().unwrap();
    assert_eq!(active.status, "active");
    assert_eq!(active.activated_by.as_deref(), Some("evt_2"));
    assert_eq!(active.last_error, None);

    let ended = Effect::MembershipEnded {
        subscription: "sub_1".into(),
    };
    let applied = orders.apply_event("evt_4", "customer.subscription.deleted", ended);
    assert_eq!(applied.await.unwrap(), Applied::Done);
    let over = orders.membership(&membership.id).await.unwrap().unwrap();
    assert_eq!(over.status, "ended");
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn an_invoice_for_another_amount_leaves_the_membership_pending() {
    let (orders, path) = open().await;
    let membership = orders.create_membership(&new_membership()).await.unwrap();
    orders
        .attach_subscription(&membership.id, "sub_1")
        .await
        .unwrap();
    let applied = orders
        .apply_event("evt_1", "invoice.paid", invoice_paid(100))
        .await
        .unwrap();
    assert_eq!(applied, Applied::AmountMismatch);
    let membership = orders.membership(&membership.id).await.unwrap().unwrap();
    assert_eq!(membership.status, "pending");
    let _ = std::fs::remove_file(path);
}
