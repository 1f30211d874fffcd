//! A trial under `default_incomplete`: no payment is due, so the subscription carries a
//! `pending_setup_intent` through which the front end collects the card; its success makes the
//! card the subscription's default (with `save_default_payment_method=on_subscription`).

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::billing_subscriptions::{get, shop, subscribe};
use crate::helpers::{PUBLISHABLE_KEY, TestApp, answer_hosted_page};

const TRIAL: &str = "payment_behavior=default_incomplete&trial_period_days=14\
    &payment_settings[save_default_payment_method]=on_subscription\
    &expand[]=pending_setup_intent&expand[]=latest_invoice";

#[tokio::test]
async fn a_trial_collects_its_card_through_the_pending_setup_intent() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    let created = subscribe(&app, &shop, TRIAL).await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    let sub = &created.body;
    assert_eq!(sub["status"], "trialing");
    assert_eq!(sub["latest_invoice"]["amount_due"], 0);
    assert_eq!(sub["latest_invoice"]["payment_intent"], Value::Null);
    let setup = &sub["pending_setup_intent"];
    assert_eq!(setup["object"], "setup_intent");
    assert_eq!(setup["status"], "requires_payment_method");
    assert_eq!(setup["usage"], "off_session");
    assert_eq!(setup["customer"], shop.customer.as_str());
    let setup_id = setup["id"].as_str().expect("id").to_owned();
    let secret = setup["client_secret"].as_str().expect("secret").to_owned();
    let sub_id = sub["id"].as_str().expect("id").to_owned();

    // The browser confirms it, as stripe.confirmSetup does, with the publishable key.
    let confirmed = app
        .call_as(
            PUBLISHABLE_KEY,
            Method::POST,
            &format!("/v1/setup_intents/{setup_id}/confirm"),
            &format!(
                "client_secret={secret}&payment_method_data[type]=card\
                 &payment_method_data[card][number]=4242424242424242\
                 &payment_method_data[card][exp_month]=12&payment_method_data[card][exp_year]=2034\
                 &payment_method_data[card][cvc]=123&return_url=https%3A%2F%2Fshop.example%2Fdone"
            ),
            &[],
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{:?}", confirmed.body);
    assert_eq!(confirmed.body["status"], "succeeded");
    let pm = confirmed.body["payment_method"]
        .as_str()
        .expect("pm")
        .to_owned();

    let after = get(&app, &format!("/v1/subscriptions/{sub_id}")).await;
    assert_eq!(after["pending_setup_intent"], Value::Null);
    assert_eq!(after["default_payment_method"], pm.as_str());
    assert_eq!(after["status"], "trialing");
    let events = get(
        &app,
        "/v1/events?type=customer.subscription.updated&limit=1",
    )
    .await;
    let event = &events["data"][0]["data"];
    assert_eq!(event["object"]["id"], sub_id.as_str());
    assert_eq!(
        event["previous_attributes"]["pending_setup_intent"],
        setup_id.as_str()
    );
    assert_eq!(
        event["previous_attributes"]["default_payment_method"],
        Value::Null
    );
}

#[tokio::test]
async fn three_d_secure_on_the_pending_setup_finishes_it_on_the_hosted_page() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    let created = subscribe(&app, &shop, TRIAL).await;
    let sub_id = created.body["id"].as_str().expect("id").to_owned();
    let setup_id = created.body["pending_setup_intent"]["id"]
        .as_str()
        .expect("setup")
        .to_owned();
    let confirmed = app
        .post(
            &format!("/v1/setup_intents/{setup_id}/confirm"),
            "payment_method=pm_card_authenticationRequired",
        )
        .await;
    assert_eq!(
        confirmed.body["status"], "requires_action",
        "{:?}",
        confirmed.body
    );
    let pending = get(&app, &format!("/v1/subscriptions/{sub_id}")).await;
    assert_eq!(pending["pending_setup_intent"], setup_id.as_str());

    let url = confirmed.body["next_action"]["use_stripe_sdk"]["stripe_js"]
        .as_str()
        .expect("hosted page")
        .to_owned();
    let done = answer_hosted_page(&url, "complete").await;
    assert_eq!(done.status(), StatusCode::OK);
    let after = get(&app, &format!("/v1/subscriptions/{sub_id}")).await;
    assert_eq!(after["pending_setup_intent"], Value::Null);
    assert!(
        after["default_payment_method"]
            .as_str()
            .is_some_and(|pm| pm.starts_with("pm_")),
        "{after:?}"
    );
}

#[tokio::test]
async fn only_default_incomplete_with_nothing_due_gets_one() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    // A trial without default_incomplete: no SetupIntent.
    let plain = subscribe(&app, &shop, "trial_period_days=7").await;
    assert_eq!(plain.body["status"], "trialing");
    assert_eq!(plain.body["pending_setup_intent"], Value::Null);
    // default_incomplete with a payment due: the invoice's PaymentIntent collects it.
    let paying = subscribe(&app, &shop, "payment_behavior=default_incomplete").await;
    assert_eq!(paying.body["status"], "incomplete");
    assert_eq!(paying.body["pending_setup_intent"], Value::Null);
    let setups = get(
        &app,
        &format!("/v1/setup_intents?customer={}", shop.customer),
    )
    .await;
    assert_eq!(setups["data"].as_array().map(Vec::len), Some(0));
}
