//! Payments that settle later (issue #24): SEPA Direct Debit and ACH debits are `processing`
//! with a `pending` charge, then succeed or fail when the scheduled settlement runs (moved to
//! by the Tender clock, or a Stripe test clock); the refunds of the asynchronous-refund test
//! cards end later too.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::catalog_prices::{event_types, id};
use crate::helpers::TestApp;

const MANDATE: &str = "mandate_data[customer_acceptance][type]=online&mandate_data[customer_acceptance][online][ip_address]=127.0.0.1&mandate_data[customer_acceptance][online][user_agent]=test";

fn sepa_data(iban: &str) -> String {
    format!(
        "payment_method_data[type]=sepa_debit&payment_method_data[sepa_debit][iban]={iban}&payment_method_data[billing_details][name]=Jenny%20Rosen&payment_method_data[billing_details][email]=jenny%40example.com&{MANDATE}"
    )
}

/// A EUR PaymentIntent confirmed at once with the SEPA account `iban`.
async fn sepa_payment(app: &TestApp, iban: &str, extra: &str) -> Value {
    let created = app
        .post(
            "/v1/payment_intents",
            &format!(
                "amount=1500&currency=eur&payment_method_types[]=sepa_debit&confirm=true&{}{extra}",
                sepa_data(iban)
            ),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    created.body
}

async fn advance_tender_clock(app: &TestApp, seconds: i64) {
    let moved = app
        .post(
            "/v1/test_helpers/tender_clock/advance",
            &format!("seconds={seconds}"),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
}

async fn get(app: &TestApp, path: &str) -> Value {
    let answer = app.get(path, "").await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    answer.body
}

async fn events_of(app: &TestApp, n: usize) -> Vec<String> {
    let events = app.get("/v1/events", &format!("limit={n}")).await.body;
    event_types(&events)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn a_sepa_debit_is_processing_then_succeeds() {
    let app = TestApp::spawn().await;
    let pi = sepa_payment(&app, "DE89370400440532013000", "").await;
    assert_eq!(pi["status"], "processing");
    assert_eq!(pi["amount_received"], 0);
    let charge = get(
        &app,
        &format!("/v1/charges/{}", pi["latest_charge"].as_str().unwrap()),
    )
    .await;
    assert_eq!(charge["status"], "pending");
    assert_eq!(charge["paid"], false);
    assert_eq!(charge["payment_method_details"]["type"], "sepa_debit");
    assert_eq!(
        charge["payment_method_details"]["sepa_debit"]["last4"],
        "3000"
    );
    assert!(
        charge["payment_method_details"]["sepa_debit"]["mandate"]
            .as_str()
            .unwrap()
            .starts_with("mandate_")
    );
    let pm = get(
        &app,
        &format!(
            "/v1/payment_methods/{}",
            pi["payment_method"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(pm["type"], "sepa_debit");
    assert_eq!(pm["sepa_debit"]["bank_code"], "37040044");
    assert_eq!(pm["sepa_debit"]["country"], "DE");
    assert_eq!(
        events_of(&app, 2).await,
        ["payment_intent.processing", "charge.pending"]
    );

    // Not yet: Stripe's test IBAN settles after a few seconds.
    advance_tender_clock(&app, 1).await;
    assert_eq!(
        get(&app, &format!("/v1/payment_intents/{}", id(&pi))).await["status"],
        "processing"
    );
    advance_tender_clock(&app, 10).await;
    let settled = get(&app, &format!("/v1/payment_intents/{}", id(&pi))).await;
    assert_eq!(settled["status"], "succeeded");
    assert_eq!(settled["amount_received"], 1500);
    let charge = get(
        &app,
        &format!("/v1/charges/{}", pi["latest_charge"].as_str().unwrap()),
    )
    .await;
    assert_eq!(charge["status"], "succeeded");
    assert_eq!(charge["paid"], true);
    assert_eq!(
        events_of(&app, 2).await,
        ["payment_intent.succeeded", "charge.succeeded"]
    );
    // The job is done: moving on changes nothing more.
    advance_tender_clock(&app, 600).await;
    assert_eq!(
        events_of(&app, 2).await,
        ["payment_intent.succeeded", "charge.succeeded"]
    );
    app.stop().await;
}

#[tokio::test]
async fn a_failing_sepa_debit_returns_to_requires_payment_method() {
    let app = TestApp::spawn().await;
    let pi = sepa_payment(&app, "DE62370400440532013001", "").await;
    assert_eq!(pi["status"], "processing");
    advance_tender_clock(&app, 10).await;
    let failed = get(&app, &format!("/v1/payment_intents/{}", id(&pi))).await;
    assert_eq!(failed["status"], "requires_payment_method");
    assert_eq!(failed["last_payment_error"]["code"], "insufficient_funds");
    assert_eq!(failed["payment_method"], Value::Null);
    let charge = get(
        &app,
        &format!("/v1/charges/{}", pi["latest_charge"].as_str().unwrap()),
    )
    .await;
    assert_eq!(charge["status"], "failed");
    assert_eq!(charge["failure_code"], "insufficient_funds");
    assert_eq!(
        events_of(&app, 2).await,
        ["payment_intent.payment_failed", "charge.failed"]
    );
    app.stop().await;
}

#[tokio::test]
async fn the_delayed_test_ibans_take_three_minutes() {
    let app = TestApp::spawn().await;
    let late_success = sepa_payment(&app, "DE08370400440532013003", "").await;
    let late_failure = sepa_payment(&app, "DE78370400440532013004", "").await;
    advance_tender_clock(&app, 60).await;
    for pi in [&late_success, &late_failure] {
        let now = get(&app, &format!("/v1/payment_intents/{}", id(pi))).await;
        assert_eq!(now["status"], "processing");
    }
    advance_tender_clock(&app, 130).await;
    let success = get(&app, &format!("/v1/payment_intents/{}", id(&late_success))).await;
    assert_eq!(success["status"], "succeeded");
    let failure = get(&app, &format!("/v1/payment_intents/{}", id(&late_failure))).await;
    assert_eq!(failure["status"], "requires_payment_method");
    app.stop().await;
}

async fn ach_payment_method(app: &TestApp, account: &str) -> String {
    let pm = app
        .post(
            "/v1/payment_methods",
            &format!(
                "type=us_bank_account&us_bank_account[account_number]={account}&us_bank_account[routing_number]=110000000&us_bank_account[account_holder_type]=individual&billing_details[name]=Jenny%20Rosen"
            ),
        )
        .await;
    assert_eq!(pm.status, StatusCode::OK, "{:?}", pm.body);
    assert_eq!(
        pm.body["us_bank_account"]["last4"],
        account[account.len() - 4..]
    );
    assert_eq!(pm.body["us_bank_account"]["routing_number"], "110000000");
    assert_eq!(pm.body["us_bank_account"]["bank_name"], "STRIPE TEST BANK");
    id(&pm.body)
}

#[tokio::test]
async fn ach_debits_succeed_or_fail_later() {
    let app = TestApp::spawn().await;
    let mut intents = Vec::new();
    for account in ["000123456789", "000111111113"] {
        let pm = ach_payment_method(&app, account).await;
        let pi = app
            .post(
                "/v1/payment_intents",
                &format!("amount=2500&currency=usd&payment_method_types[]=us_bank_account&payment_method={pm}&confirm=true&{MANDATE}"),
            )
            .await;
        assert_eq!(pi.status, StatusCode::OK, "{:?}", pi.body);
        assert_eq!(pi.body["status"], "processing");
        intents.push(id(&pi.body));
    }
    advance_tender_clock(&app, 10).await;
    let ok = get(&app, &format!("/v1/payment_intents/{}", intents[0])).await;
    assert_eq!(ok["status"], "succeeded");
    let closed = get(&app, &format!("/v1/payment_intents/{}", intents[1])).await;
    assert_eq!(closed["status"], "requires_payment_method");
    assert_eq!(closed["last_payment_error"]["code"], "account_closed");
    app.stop().await;
}

#[tokio::test]
async fn bad_accounts_and_currencies_are_refused_with_their_param() {
    let app = TestApp::spawn().await;
    let bad_iban = app
        .post(
            "/v1/payment_methods",
            "type=sepa_debit&sepa_debit[iban]=DE89370400440532013001&billing_details[name]=J",
        )
        .await;
    assert_eq!(bad_iban.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad_iban.error("code"), Some("invalid_bank_account_iban"));
    assert_eq!(bad_iban.error("param"), Some("sepa_debit[iban]"));
    let no_name = app
        .post(
            "/v1/payment_methods",
            "type=sepa_debit&sepa_debit[iban]=DE89370400440532013000",
        )
        .await;
    assert_eq!(no_name.status, StatusCode::BAD_REQUEST);
    assert_eq!(no_name.error("param"), Some("billing_details[name]"));
    let bad_routing = app
        .post("/v1/payment_methods", "type=us_bank_account&us_bank_account[account_number]=000123456789&us_bank_account[routing_number]=12&billing_details[name]=J")
        .await;
    assert_eq!(bad_routing.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        bad_routing.error("param"),
        Some("us_bank_account[routing_number]")
    );
    let dollars = app
        .post(
            "/v1/payment_intents",
            &format!(
                "amount=1500&currency=usd&payment_method_types[]=sepa_debit&confirm=true&{}",
                sepa_data("DE89370400440532013000")
            ),
        )
        .await;
    assert_eq!(
        dollars.status,
        StatusCode::BAD_REQUEST,
        "{:?}",
        dollars.body
    );
    assert_eq!(dollars.error("param"), Some("currency"));
    app.stop().await;
}

#[tokio::test]
async fn a_test_clock_advance_settles_its_customers_debits() {
    let app = TestApp::spawn().await;
    let clock = app
        .post("/v1/test_helpers/test_clocks", "frozen_time=1798761600")
        .await;
    assert_eq!(clock.status, StatusCode::OK, "{:?}", clock.body);
    let clock = id(&clock.body);
    let customer = app
        .post("/v1/customers", &format!("test_clock={clock}"))
        .await;
    let customer = id(&customer.body);
    let pi = sepa_payment(
        &app,
        "DE78370400440532013004",
        &format!("&customer={customer}"),
    )
    .await;
    assert_eq!(pi["status"], "processing");
    // The wall clock does not settle it: it follows the customer's test clock.
    advance_tender_clock(&app, 600).await;
    assert_eq!(
        get(&app, &format!("/v1/payment_intents/{}", id(&pi))).await["status"],
        "processing"
    );
    let path = format!("/v1/test_helpers/test_clocks/{clock}");
    let started = app
        .post(&format!("{path}/advance"), "frozen_time=1798765200")
        .await;
    assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
    for _ in 0..200 {
        if get(&app, &path).await["status"] == "ready" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let failed = get(&app, &format!("/v1/payment_intents/{}", id(&pi))).await;
    assert_eq!(failed["status"], "requires_payment_method");
    app.stop().await;
}

async fn card_payment(app: &TestApp, pm: &str) -> Value {
    let pi = app
        .post(
            "/v1/payment_intents",
            &format!("amount=1000&currency=usd&payment_method={pm}&confirm=true&payment_method_types[]=card"),
        )
        .await;
    assert_eq!(pi.status, StatusCode::OK, "{:?}", pi.body);
    assert_eq!(pi.body["status"], "succeeded");
    pi.body
}

#[tokio::test]
async fn a_pending_refund_succeeds_later() {
    let app = TestApp::spawn().await;
    let pi = card_payment(&app, "pm_card_pendingRefund").await;
    let refund = app
        .post("/v1/refunds", &format!("payment_intent={}", id(&pi)))
        .await;
    assert_eq!(refund.status, StatusCode::OK, "{:?}", refund.body);
    assert_eq!(refund.body["status"], "pending");
    advance_tender_clock(&app, 120).await;
    let done = get(&app, &format!("/v1/refunds/{}", id(&refund.body))).await;
    assert_eq!(done["status"], "succeeded");
    assert_eq!(
        events_of(&app, 2).await,
        ["charge.refund.updated", "refund.updated"]
    );
    let events = app.get("/v1/events", "limit=1").await.body;
    assert_eq!(events["data"][0]["data"]["object"]["object"], "refund");
    assert_eq!(
        events["data"][0]["data"]["previous_attributes"]["status"],
        "pending"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_failing_refund_fails_later_and_the_charge_can_be_refunded_again() {
    let app = TestApp::spawn().await;
    let pi = card_payment(&app, "pm_card_refundFail").await;
    let refund = app
        .post("/v1/refunds", &format!("payment_intent={}", id(&pi)))
        .await;
    assert_eq!(refund.body["status"], "succeeded");
    advance_tender_clock(&app, 120).await;
    let failed = get(&app, &format!("/v1/refunds/{}", id(&refund.body))).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["failure_reason"], "expired_or_canceled_card");
    assert_eq!(
        events_of(&app, 3).await,
        ["charge.refund.updated", "refund.failed", "refund.updated"]
    );
    let charge = get(
        &app,
        &format!("/v1/charges/{}", pi["latest_charge"].as_str().unwrap()),
    )
    .await;
    assert_eq!(charge["amount_refunded"], 0);
    assert_eq!(charge["refunded"], false);
    app.stop().await;
}

#[tokio::test]
async fn a_debit_with_setup_future_usage_saves_the_account_when_submitted() {
    let app = TestApp::spawn().await;
    let customer = id(&app
        .post("/v1/customers", "email=sepa%40example.com")
        .await
        .body);
    let pi = sepa_payment(
        &app,
        "DE89370400440532013000",
        &format!("&customer={customer}&setup_future_usage=off_session"),
    )
    .await;
    assert_eq!(pi["status"], "processing");
    let pm = get(
        &app,
        &format!(
            "/v1/payment_methods/{}",
            pi["payment_method"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(pm["customer"], customer.as_str());
    app.stop().await;
}
