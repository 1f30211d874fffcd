//! The membership: the plan set up once, the "Create a subscription" path through the shop's
//! server, activation by the `invoice.paid` webhook only, a decline retried on the same
//! subscription, 3D Secure, and cancellation at the end of the period.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tender_checkout::payments::Gateway;
use tender_checkout::subscriptions::{PLAN_AMOUNT, PLAN_LOOKUP_KEY};

use crate::harness::{SECRET_KEY, Shop};

async fn subscribe(shop: &Shop, number: &str, membership: Option<&str>) -> (StatusCode, Value) {
    let token = shop.token_for(number, "subscription").await;
    let answer = shop
        .post(
            "/create-confirm-subscription",
            json!({"confirmationTokenId": token, "email": "member@example.com",
                   "membershipId": membership}),
        )
        .await;
    (answer.status, answer.body)
}

async fn membership(shop: &Shop, id: &str) -> Value {
    let url = format!("{}/api/memberships/{id}", shop.url);
    shop.http
        .get(url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Waits for the webhook to activate the membership.
async fn until_active(shop: &Shop, id: &str) -> Value {
    for _ in 0..200 {
        let view = membership(shop, id).await;
        if view["membership"]["status"] == "active" {
            return view;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "membership {id} never became active: {}",
        membership(shop, id).await
    );
}

#[tokio::test]
async fn the_plan_is_created_once_and_found_again_by_its_lookup_key() {
    let shop = Shop::start().await;
    let plan = shop
        .http
        .get(format!("{}/api/plan", shop.url))
        .send()
        .await
        .unwrap();
    assert_eq!(plan.status(), StatusCode::OK);
    let plan: Value = plan.json().await.unwrap();
    assert_eq!(plan["amount"], PLAN_AMOUNT);
    assert_eq!(plan["currency"], "usd");
    assert_eq!(plan["interval"], "month");
    assert_eq!(plan["name"], "Tender shop membership");
    // A second shop on the same account (a restart) finds the same price.
    let gateway = Gateway::new(SECRET_KEY, &format!("{}/", shop.tender)).unwrap();
    let again = gateway.ensure_plan().await.unwrap();
    assert_eq!(again.price, plan["price"].as_str().unwrap());
    let path = format!("/v1/prices?lookup_keys[]={PLAN_LOOKUP_KEY}");
    let prices = shop.api_get(&path).await;
    assert_eq!(prices["data"].as_array().unwrap().len(), 1, "{prices}");
    shop.stop().await;
}

#[tokio::test]
async fn a_membership_is_active_only_after_invoice_paid_and_cancels_at_period_end() {
    let shop = Shop::start().await;
    let (status, answer) = subscribe(&shop, "4242424242424242", None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["status"], "succeeded");
    let id = answer["membership_id"].as_str().unwrap();

    let view = until_active(&shop, id).await;
    let event = view["membership"]["activated_by"].as_str().unwrap();
    let event = shop.api_get(&format!("/v1/events/{event}")).await;
    assert_eq!(event["type"], "invoice.paid");
    let subscription = &view["subscription"];
    assert_eq!(subscription["status"], "active");
    assert_eq!(subscription["cancel_at_period_end"], false);
    let sub_id = subscription["id"].as_str().unwrap();
    let api = shop.api_get(&format!("/v1/subscriptions/{sub_id}")).await;
    assert_eq!(api["metadata"]["membership_id"], id);
    assert_eq!(api["items"]["data"][0]["price"]["unit_amount"], PLAN_AMOUNT);
    assert_eq!(
        subscription["current_period_end"],
        api["items"]["data"][0]["current_period_end"]
    );
    assert!(api["default_payment_method"].is_string(), "{api}");

    let canceled = shop
        .post(&format!("/api/memberships/{id}/cancel"), json!({}))
        .await;
    assert_eq!(canceled.status, StatusCode::OK, "{}", canceled.body);
    assert_eq!(canceled.body["subscription"]["cancel_at_period_end"], true);
    assert_eq!(canceled.body["subscription"]["status"], "active");
    assert_eq!(canceled.body["membership"]["status"], "active");
    shop.stop().await;
}

#[tokio::test]
async fn a_decline_is_retried_on_the_same_subscription() {
    let shop = Shop::start().await;
    let (status, declined) = subscribe(&shop, "4000000000000002", None).await;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED, "{declined}");
    assert_eq!(declined["error"]["message"], "Your card was declined.");
    let id = declined["membership_id"].as_str().unwrap();
    let view = membership(&shop, id).await;
    assert_eq!(view["membership"]["status"], "pending");
    assert_eq!(view["subscription"]["status"], "incomplete");
    let first = view["subscription"]["id"].clone();

    let (status, paid) = subscribe(&shop, "4242424242424242", Some(id)).await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    assert_eq!(paid["membership_id"], id);
    let view = until_active(&shop, id).await;
    assert_eq!(view["subscription"]["id"], first, "the same subscription");
    assert!(view["membership"]["last_error"].is_null());
    // The member is on a test clock of their own: their subscriptions are listed by customer.
    let customer = view["membership"]["customer"].as_str().unwrap();
    let all = shop
        .api_get(&format!("/v1/subscriptions?status=all&customer={customer}"))
        .await;
    assert_eq!(all["data"].as_array().unwrap().len(), 1, "{all}");
    shop.stop().await;
}

#[tokio::test]
async fn three_d_secure_is_answered_to_the_page_and_completes_on_the_hosted_page() {
    let shop = Shop::start().await;
    let (status, answer) = subscribe(&shop, "4000002500003155", None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["status"], "requires_action");
    let id = answer["membership_id"].as_str().unwrap();
    assert_eq!(
        membership(&shop, id).await["subscription"]["status"],
        "incomplete"
    );
    shop.authenticate(answer["client_secret"].as_str().unwrap(), "complete")
        .await;
    let view = until_active(&shop, id).await;
    assert_eq!(view["subscription"]["status"], "active");
    shop.stop().await;
}
