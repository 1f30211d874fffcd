//! Renewals driven by the test clock: at a period's end a subscription is billed for the next
//! period (with its pending prorations) and paid off-session, or becomes `past_due` when the
//! payment fails, or ends when it was set to cancel then; a trial's end bills the first
//! period.

use serde_json::Value;

use crate::billing_subscriptions::{Shop, customer_with_card, get, shop, subscribe};
use crate::catalog_prices::{event_types, id};
use crate::helpers::{TestApp, answer_hosted_page};

async fn advance(app: &TestApp, seconds: i64) {
    let moved = app
        .post(
            "/v1/test_helpers/tender_clock/advance",
            &format!("seconds={seconds}"),
        )
        .await;
    assert!(moved.status.is_success(), "{:?}", moved.body);
}

/// Moves the clock just past the end of `subscription`'s current period and the renewal
/// invoice's hour as a draft, when it is finalized and charged.
async fn to_period_end(app: &TestApp, subscription: &Value) {
    let end = subscription["items"]["data"][0]["current_period_end"]
        .as_i64()
        .expect("period end");
    let now = get(app, "/v1/test_helpers/tender_clock").await["now"]
        .as_i64()
        .expect("now");
    advance(app, end - now + 3600 + 5).await;
}

async fn active(app: &TestApp, shop: &Shop) -> Value {
    let created = subscribe(app, shop, "").await;
    assert_eq!(created.body["status"], "active", "{:?}", created.body);
    created.body
}

#[tokio::test]
async fn a_period_end_bills_and_pays_the_next_period() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    customer_with_card(&app, &shop, "pm_card_visa").await;
    let subscription = active(&app, &shop).await;
    let sub_id = id(&subscription);
    let first_end = subscription["items"]["data"][0]["current_period_end"].clone();
    let item = subscription["items"]["data"][0]["id"]
        .as_str()
        .expect("item");
    // A prorated quantity change, pending until the renewal.
    app.post(
        &format!("/v1/subscriptions/{sub_id}"),
        &format!("items[0][id]={item}&items[0][quantity]=2"),
    )
    .await;
    to_period_end(&app, &subscription).await;

    let renewed = get(
        &app,
        &format!("/v1/subscriptions/{sub_id}?expand[]=latest_invoice"),
    )
    .await;
    assert_eq!(renewed["status"], "active");
    assert_eq!(
        renewed["items"]["data"][0]["current_period_start"],
        first_end
    );
    assert_eq!(renewed["current_period_start"], first_end);
    let invoice = &renewed["latest_invoice"];
    assert_eq!(invoice["billing_reason"], "subscription_cycle");
    assert_eq!(invoice["status"], "paid");
    let lines = invoice["lines"]["data"].as_array().expect("lines");
    // The period at the new quantity, then the two prorations.
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0]["amount"], 4000);
    assert_eq!(lines[0]["period"]["start"], first_end);
    let total: i64 = lines
        .iter()
        .map(|l| l["amount"].as_i64().expect("amount"))
        .sum();
    assert_eq!(invoice["amount_paid"], total);
    let pending = get(
        &app,
        &format!("/v1/invoiceitems?customer={}&pending=true", shop.customer),
    )
    .await;
    assert_eq!(pending["data"].as_array().map(Vec::len), Some(0));
    let events = app.get("/v1/events", "limit=40").await.body;
    let types = event_types(&events);
    for expected in ["invoice.created", "invoice.finalized", "invoice.paid"] {
        assert!(types.contains(&expected), "{expected}: {types:?}");
    }
    // Nothing is billed twice: advancing a little more changes nothing.
    advance(&app, 60).await;
    let invoices = get(&app, &format!("/v1/invoices?subscription={sub_id}")).await;
    assert_eq!(invoices["data"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_failed_renewal_makes_the_subscription_past_due() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    customer_with_card(&app, &shop, "pm_card_visa").await;
    let subscription = active(&app, &shop).await;
    let sub_id = id(&subscription);
    // The card on file now declines.
    let failing = customer_with_card(&app, &shop, "pm_card_chargeCustomerFail").await;
    app.post(
        &format!("/v1/subscriptions/{sub_id}"),
        &format!("default_payment_method={failing}"),
    )
    .await;
    to_period_end(&app, &subscription).await;
    let after = get(
        &app,
        &format!("/v1/subscriptions/{sub_id}?expand[]=latest_invoice"),
    )
    .await;
    assert_eq!(after["status"], "past_due");
    assert_eq!(after["latest_invoice"]["status"], "open");
    assert_eq!(after["latest_invoice"]["attempted"], true);
    let failed = app
        .get("/v1/events", "type=invoice.payment_failed&limit=1")
        .await
        .body;
    assert_eq!(
        failed["data"][0]["data"]["object"]["id"],
        after["latest_invoice"]["id"]
    );
    // Paying it with a good card makes it active again.
    let invoice = after["latest_invoice"]["id"].as_str().expect("invoice");
    let paid = app
        .post(
            &format!("/v1/invoices/{invoice}/pay"),
            "payment_method=pm_card_visa",
        )
        .await;
    assert_eq!(paid.body["status"], "paid", "{:?}", paid.body);
    assert_eq!(
        get(&app, &format!("/v1/subscriptions/{sub_id}")).await["status"],
        "active"
    );
}

#[tokio::test]
async fn cancel_at_period_end_ends_it_then_and_a_trial_bills_at_its_end() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    customer_with_card(&app, &shop, "pm_card_visa").await;
    let subscription = active(&app, &shop).await;
    let sub_id = id(&subscription);
    app.post(
        &format!("/v1/subscriptions/{sub_id}"),
        "cancel_at_period_end=true",
    )
    .await;
    let trial = subscribe(&app, &shop, "trial_period_days=7").await.body;
    assert_eq!(trial["status"], "trialing");
    let trial_id = id(&trial);

    to_period_end(&app, &trial).await;
    let converted = get(
        &app,
        &format!("/v1/subscriptions/{trial_id}?expand[]=latest_invoice"),
    )
    .await;
    assert_eq!(converted["status"], "active");
    assert_eq!(converted["latest_invoice"]["status"], "paid");
    assert_eq!(converted["latest_invoice"]["amount_paid"], 2000);
    assert_eq!(
        converted["items"]["data"][0]["current_period_start"],
        trial["trial_end"]
    );

    to_period_end(&app, &subscription).await;
    let ended = get(&app, &format!("/v1/subscriptions/{sub_id}")).await;
    assert_eq!(ended["status"], "canceled");
    assert_eq!(
        ended["ended_at"],
        subscription["items"]["data"][0]["current_period_end"]
    );
    let invoices = get(&app, &format!("/v1/invoices?subscription={sub_id}")).await;
    assert_eq!(invoices["data"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_failed_renewal_is_retried_then_the_subscription_canceled() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    customer_with_card(&app, &shop, "pm_card_visa").await;
    let subscription = active(&app, &shop).await;
    let sub_id = id(&subscription);
    let failing = customer_with_card(&app, &shop, "pm_card_chargeCustomerFail").await;
    app.post(
        &format!("/v1/subscriptions/{sub_id}"),
        &format!("default_payment_method={failing}"),
    )
    .await;
    to_period_end(&app, &subscription).await;
    let past_due = get(
        &app,
        &format!("/v1/subscriptions/{sub_id}?expand[]=latest_invoice"),
    )
    .await;
    assert_eq!(past_due["status"], "past_due");
    let invoice = &past_due["latest_invoice"];
    let finalized = invoice["status_transitions"]["finalized_at"]
        .as_i64()
        .expect("finalized");
    assert_eq!(invoice["attempt_count"], 1);
    assert_eq!(
        invoice["next_payment_attempt"].as_i64(),
        Some(finalized + 86_400)
    );
    let invoice_id = invoice["id"].as_str().expect("id").to_owned();

    // A day later: the second attempt, failing too; the next is a day after.
    advance(&app, 86_400).await;
    let retried = get(&app, &format!("/v1/invoices/{invoice_id}")).await;
    assert_eq!(retried["attempt_count"], 2);
    assert_eq!(
        retried["next_payment_attempt"].as_i64(),
        Some(finalized + 2 * 86_400)
    );
    // Two weeks on, every attempt has failed: the subscription is canceled.
    advance(&app, 14 * 86_400).await;
    let exhausted = get(&app, &format!("/v1/invoices/{invoice_id}")).await;
    assert_eq!(exhausted["attempt_count"], 8);
    assert_eq!(exhausted["next_payment_attempt"], Value::Null);
    assert_eq!(exhausted["status"], "open");
    let canceled = get(&app, &format!("/v1/subscriptions/{sub_id}")).await;
    assert_eq!(canceled["status"], "canceled");
    assert_eq!(canceled["cancellation_details"]["reason"], "payment_failed");
}

#[tokio::test]
async fn a_retry_that_succeeds_makes_the_subscription_active_again() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    let good = customer_with_card(&app, &shop, "pm_card_visa").await;
    let subscription = active(&app, &shop).await;
    let sub_id = id(&subscription);
    let failing = customer_with_card(&app, &shop, "pm_card_chargeCustomerFail").await;
    app.post(
        &format!("/v1/subscriptions/{sub_id}"),
        &format!("default_payment_method={failing}"),
    )
    .await;
    to_period_end(&app, &subscription).await;
    assert_eq!(
        get(&app, &format!("/v1/subscriptions/{sub_id}")).await["status"],
        "past_due"
    );
    // The customer fixes their card: the subscription's failing one is cleared and the
    // customer's default is a good card again; the retry uses it.
    let cleared = app
        .post(
            &format!("/v1/subscriptions/{sub_id}"),
            "default_payment_method=",
        )
        .await;
    assert!(cleared.status.is_success(), "{:?}", cleared.body);
    app.post(
        &format!("/v1/customers/{}", shop.customer),
        &format!("invoice_settings[default_payment_method]={good}"),
    )
    .await;
    advance(&app, 86_400).await;
    let after = get(
        &app,
        &format!("/v1/subscriptions/{sub_id}?expand[]=latest_invoice"),
    )
    .await;
    assert_eq!(after["latest_invoice"]["status"], "paid", "{after:?}");
    assert_eq!(after["latest_invoice"]["next_payment_attempt"], Value::Null);
    assert_eq!(after["status"], "active");
}

#[tokio::test]
async fn a_trial_is_reminded_three_days_before_its_end_once() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    customer_with_card(&app, &shop, "pm_card_visa").await;
    let trial = subscribe(&app, &shop, "trial_period_days=10").await.body;
    let trial_id = id(&trial);
    let reminders = |events: &Value| {
        events["data"]
            .as_array()
            .expect("data")
            .iter()
            .filter(|e| {
                e["type"] == "customer.subscription.trial_will_end"
                    && e["data"]["object"]["id"] == trial_id.as_str()
            })
            .count()
    };
    // Six days in: not yet.
    advance(&app, 6 * 86_400).await;
    assert_eq!(reminders(&app.get("/v1/events", "limit=100").await.body), 0);
    // Seven days and a minute in: three days are left.
    advance(&app, 86_400 + 60).await;
    let events = app.get("/v1/events", "limit=100").await.body;
    assert_eq!(reminders(&events), 1);
    let reminder = events["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|e| e["type"] == "customer.subscription.trial_will_end")
        .expect("the reminder");
    assert_eq!(reminder["data"]["object"]["status"], "trialing");
    assert_eq!(reminder["request"]["id"], Value::Null);
    // Only once.
    advance(&app, 3600).await;
    assert_eq!(reminders(&app.get("/v1/events", "limit=100").await.body), 1);
}

#[tokio::test]
async fn a_renewal_that_needs_authentication_waits_for_the_customer_on_the_hosted_page() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    customer_with_card(&app, &shop, "pm_card_visa").await;
    let subscription = active(&app, &shop).await;
    let sub_id = id(&subscription);
    // The card on file now always asks for authentication, even off-session.
    let card = customer_with_card(&app, &shop, "pm_card_authenticationRequired").await;
    app.post(
        &format!("/v1/subscriptions/{sub_id}"),
        &format!("default_payment_method={card}"),
    )
    .await;
    to_period_end(&app, &subscription).await;
    let waiting = get(
        &app,
        &format!("/v1/subscriptions/{sub_id}?expand[]=latest_invoice.payment_intent"),
    )
    .await;
    assert_eq!(waiting["status"], "past_due");
    let invoice = &waiting["latest_invoice"];
    assert_eq!(invoice["status"], "open");
    // Not retried off-session: only the customer can finish it.
    assert_eq!(invoice["next_payment_attempt"], Value::Null);
    let intent = &invoice["payment_intent"];
    assert_eq!(intent["status"], "requires_action");
    let action = app
        .get("/v1/events", "type=invoice.payment_action_required&limit=1")
        .await
        .body;
    assert_eq!(action["data"][0]["data"]["object"]["id"], invoice["id"]);
    let failed = app
        .get("/v1/events", "type=invoice.payment_failed&limit=1")
        .await
        .body;
    assert_eq!(failed["data"].as_array().map(Vec::len), Some(0));

    let url = intent["next_action"]["use_stripe_sdk"]["stripe_js"]
        .as_str()
        .or_else(|| intent["next_action"]["redirect_to_url"]["url"].as_str())
        .expect("the hosted page");
    let done = answer_hosted_page(url, "complete").await;
    assert!(done.status().is_success() || done.status().is_redirection());
    let after = get(
        &app,
        &format!("/v1/subscriptions/{sub_id}?expand[]=latest_invoice"),
    )
    .await;
    assert_eq!(after["latest_invoice"]["status"], "paid");
    assert_eq!(after["status"], "active");
}

/// A subscription whose renewal keeps failing, on a server whose "if all retries fail" choice
/// is `choice`: after the last retry it is `status`.
async fn exhaust_retries(choice: tender_server::AfterRetries) -> (TestApp, Value) {
    let app = TestApp::spawn_configured(|config| config.after_retries = choice).await;
    let shop = shop(&app).await;
    customer_with_card(&app, &shop, "pm_card_visa").await;
    let subscription = active(&app, &shop).await;
    let sub_id = id(&subscription);
    let failing = customer_with_card(&app, &shop, "pm_card_chargeCustomerFail").await;
    app.post(
        &format!("/v1/subscriptions/{sub_id}"),
        &format!("default_payment_method={failing}"),
    )
    .await;
    to_period_end(&app, &subscription).await;
    advance(&app, 15 * 86_400).await;
    let after = get(
        &app,
        &format!("/v1/subscriptions/{sub_id}?expand[]=latest_invoice"),
    )
    .await;
    assert_eq!(after["latest_invoice"]["attempt_count"], 8);
    (app, after)
}

#[tokio::test]
async fn when_all_retries_fail_the_server_can_mark_unpaid_or_leave_past_due() {
    let (app, unpaid) = exhaust_retries(tender_server::AfterRetries::MarkUnpaid).await;
    assert_eq!(unpaid["status"], "unpaid");
    assert_eq!(unpaid["canceled_at"], Value::Null);
    let updated = app
        .get("/v1/events", "type=customer.subscription.updated&limit=1")
        .await
        .body;
    assert_eq!(
        updated["data"][0]["data"]["previous_attributes"]["status"],
        "past_due"
    );
    let (_, left) = exhaust_retries(tender_server::AfterRetries::LeavePastDue).await;
    assert_eq!(left["status"], "past_due");
    assert_eq!(left["latest_invoice"]["status"], "open");
}
