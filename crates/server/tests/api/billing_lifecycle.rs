//! A subscription after its creation: cancellation now or at the period's end, quantity
//! changes (in place, and prorated), the 23-hour expiry driven by the test clock, paying and
//! voiding its invoices, and `send_invoice` subscriptions.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::billing_subscriptions::{customer_with_card, get, guide_subscription, shop, subscribe};
use crate::catalog_prices::{event_types, id};
use crate::helpers::TestApp;

#[tokio::test]
async fn cancel_now_or_at_the_period_end() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    customer_with_card(&app, &shop, "pm_card_visa").await;
    let first = id(&subscribe(&app, &shop, "").await.body);
    let second = subscribe(&app, &shop, "").await.body;
    let second_id = id(&second);

    let at_end = app
        .post(
            &format!("/v1/subscriptions/{second_id}"),
            "cancel_at_period_end=true",
        )
        .await;
    assert_eq!(at_end.status, StatusCode::OK, "{:?}", at_end.body);
    assert_eq!(at_end.body["status"], "active");
    assert_eq!(at_end.body["cancel_at_period_end"], true);
    assert_eq!(
        at_end.body["cancel_at"],
        second["items"]["data"][0]["current_period_end"]
    );
    assert_eq!(
        at_end.body["cancellation_details"]["reason"],
        "cancellation_requested"
    );
    let event = &app.get("/v1/events", "limit=1").await.body["data"][0];
    assert_eq!(event["type"], "customer.subscription.updated");
    assert_eq!(
        event["data"]["previous_attributes"]["cancel_at_period_end"],
        false
    );

    let canceled = app
        .call(
            Method::DELETE,
            &format!("/v1/subscriptions/{first}"),
            "cancellation_details[comment]=moving",
        )
        .await;
    assert_eq!(canceled.status, StatusCode::OK, "{:?}", canceled.body);
    assert_eq!(canceled.body["status"], "canceled");
    assert!(canceled.body["ended_at"].is_i64());
    assert_eq!(canceled.body["cancellation_details"]["comment"], "moving");
    let event = &app.get("/v1/events", "limit=1").await.body["data"][0];
    assert_eq!(event["type"], "customer.subscription.deleted");

    // Listed by default unless canceled.
    let listed = app.get("/v1/subscriptions", "").await.body;
    let ids: Vec<&str> = listed["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|s| s["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, [second_id.as_str()]);
    let all = app.get("/v1/subscriptions", "status=canceled").await.body;
    assert_eq!(all["data"][0]["id"], first.as_str());

    let again = app
        .call(Method::DELETE, &format!("/v1/subscriptions/{first}"), "")
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let refused = app
        .post(&format!("/v1/subscriptions/{first}"), "description=x")
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.body["error"]["param"], "description");
}

#[tokio::test]
async fn a_quantity_change_updates_the_item_in_place() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    customer_with_card(&app, &shop, "pm_card_visa").await;
    let subscription = subscribe(&app, &shop, "").await.body;
    let sub_id = id(&subscription);
    let item = subscription["items"]["data"][0]["id"]
        .as_str()
        .expect("item");
    let changed = app
        .post(
            &format!("/v1/subscriptions/{sub_id}"),
            &format!("items[0][id]={item}&items[0][quantity]=3&proration_behavior=none"),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    assert_eq!(changed.body["items"]["data"][0]["quantity"], 3);
    let fetched = get(&app, &format!("/v1/subscription_items/{item}")).await;
    assert_eq!(fetched["quantity"], 3);
    assert_eq!(fetched["subscription"], sub_id.as_str());
    let listed = get(
        &app,
        &format!("/v1/subscription_items?subscription={sub_id}"),
    )
    .await;
    assert_eq!(listed["data"][0]["id"], item);
    let unknown = app
        .post(
            &format!("/v1/subscriptions/{sub_id}"),
            "items[0][id]=si_nope&items[0][quantity]=2",
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.body["error"]["param"], "items[0][id]");
}

#[tokio::test]
async fn an_unpaid_subscription_expires_after_23_hours() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    let (subscription, intent) = guide_subscription(&app, &shop).await;
    let sub_id = subscription["id"].as_str().expect("id");
    // A minute short of 23 hours (the wall clock moves on meanwhile), then past them.
    let almost = app
        .post("/v1/test_helpers/tender_clock/advance", "seconds=82740")
        .await;
    assert_eq!(almost.status, StatusCode::OK, "{:?}", almost.body);
    let waiting = get(&app, &format!("/v1/subscriptions/{sub_id}")).await;
    assert_eq!(waiting["status"], "incomplete");

    app.post("/v1/test_helpers/tender_clock/advance", "seconds=120")
        .await;
    let expired = get(
        &app,
        &format!("/v1/subscriptions/{sub_id}?expand[]=latest_invoice"),
    )
    .await;
    assert_eq!(expired["status"], "incomplete_expired");
    assert!(expired["ended_at"].is_i64());
    assert_eq!(expired["latest_invoice"]["status"], "void");
    assert_eq!(expired["latest_invoice"]["amount_remaining"], 0);
    let pi = get(&app, &format!("/v1/payment_intents/{intent}")).await;
    assert_eq!(pi["status"], "canceled");
    assert_eq!(pi["cancellation_reason"], "void_invoice");
    let events = app.get("/v1/events", "limit=4").await.body;
    assert_eq!(
        event_types(&events),
        [
            "customer.subscription.updated",
            "invoice.updated",
            "invoice.voided",
            "payment_intent.canceled"
        ]
    );
    assert_eq!(events["data"][0]["request"]["id"], Value::Null);
    assert_eq!(
        events["data"][0]["data"]["previous_attributes"]["status"],
        "incomplete"
    );
    // Listed unless the list asks for other statuses.
    let listed = app.get("/v1/subscriptions", "status=ended").await.body;
    assert_eq!(listed["data"][0]["id"], sub_id);
}

#[tokio::test]
async fn invoices_pay_void_and_refuse_what_their_status_forbids() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    let (subscription, intent) = guide_subscription(&app, &shop).await;
    let invoice = subscription["latest_invoice"]["id"]
        .as_str()
        .expect("invoice");
    // The invoice's own PaymentIntent is not canceled directly.
    let cancel = app
        .post(&format!("/v1/payment_intents/{intent}/cancel"), "")
        .await;
    assert_eq!(cancel.status, StatusCode::BAD_REQUEST, "{:?}", cancel.body);

    let paid = app
        .post(
            &format!("/v1/invoices/{invoice}/pay"),
            "payment_method=pm_card_visa",
        )
        .await;
    assert_eq!(paid.status, StatusCode::OK, "{:?}", paid.body);
    assert_eq!(paid.body["status"], "paid");
    let sub_id = subscription["id"].as_str().expect("id");
    let active = get(&app, &format!("/v1/subscriptions/{sub_id}")).await;
    assert_eq!(active["status"], "active");
    let again = app.post(&format!("/v1/invoices/{invoice}/pay"), "").await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.body["error"]["message"], "Invoice is already paid");
    let void = app.post(&format!("/v1/invoices/{invoice}/void"), "").await;
    assert_eq!(void.status, StatusCode::BAD_REQUEST, "{:?}", void.body);

    let lines = get(&app, &format!("/v1/invoices/{invoice}/lines")).await;
    assert_eq!(lines["data"][0]["amount"], 2000);
    let listed = get(&app, &format!("/v1/invoices?subscription={sub_id}")).await;
    assert_eq!(listed["data"][0]["id"], invoice);
    let payments = get(&app, &format!("/v1/invoice_payments?invoice={invoice}")).await;
    assert_eq!(payments["data"][0]["status"], "paid");
    let by_intent = get(
        &app,
        &format!(
            "/v1/invoice_payments?payment[type]=payment_intent&payment[payment_intent]={intent}"
        ),
    )
    .await;
    assert_eq!(by_intent["data"][0]["invoice"], invoice);

    // Void an open one.
    let (other, other_intent) = guide_subscription(&app, &shop).await;
    let other_invoice = other["latest_invoice"]["id"].as_str().expect("invoice");
    let voided = app
        .post(&format!("/v1/invoices/{other_invoice}/void"), "")
        .await;
    assert_eq!(voided.status, StatusCode::OK, "{:?}", voided.body);
    assert_eq!(voided.body["status"], "void");
    let pi = get(&app, &format!("/v1/payment_intents/{other_intent}")).await;
    assert_eq!(pi["status"], "canceled");
    let payment = get(
        &app,
        &format!("/v1/invoice_payments?invoice={other_invoice}"),
    )
    .await;
    assert_eq!(payment["data"][0]["status"], "canceled");
}

#[tokio::test]
async fn send_invoice_activates_at_once_and_the_invoice_is_paid_later() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    let created = subscribe(
        &app,
        &shop,
        "collection_method=send_invoice&days_until_due=7&expand[]=latest_invoice",
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    assert_eq!(created.body["status"], "active");
    assert_eq!(created.body["days_until_due"], 7);
    let invoice = &created.body["latest_invoice"];
    assert_eq!(invoice["status"], "open");
    assert_eq!(invoice["collection_method"], "send_invoice");
    assert_eq!(
        invoice["due_date"].as_i64(),
        invoice["created"].as_i64().map(|c| c + 7 * 86_400)
    );
    let intent = invoice["payment_intent"].as_str().expect("a PaymentIntent");
    let pi = get(&app, &format!("/v1/payment_intents/{intent}")).await;
    assert_eq!(pi["status"], "requires_payment_method");
    let id = invoice["id"].as_str().expect("id");
    let paid = app
        .post(
            &format!("/v1/invoices/{id}/pay"),
            "payment_method=pm_card_visa",
        )
        .await;
    assert_eq!(paid.status, StatusCode::OK, "{:?}", paid.body);
    assert_eq!(paid.body["status"], "paid");
    let declined = subscribe(
        &app,
        &shop,
        "collection_method=send_invoice&days_until_due=7",
    )
    .await;
    let other = declined.body["latest_invoice"].as_str().expect("invoice");
    let refused = app
        .post(
            &format!("/v1/invoices/{other}/pay"),
            "payment_method=pm_card_chargeDeclined",
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::PAYMENT_REQUIRED,
        "{:?}",
        refused.body
    );
    let still = get(&app, &format!("/v1/invoices/{other}")).await;
    assert_eq!(still["status"], "open");
    assert_eq!(still["attempt_count"], 1);
    let sub = get(
        &app,
        &format!(
            "/v1/subscriptions/{}",
            declined.body["id"].as_str().expect("id")
        ),
    )
    .await;
    assert_eq!(sub["status"], "active");
}

/// Stripe's proration of `units` at `unit` for the part of `[start, end)` left at `now`.
fn prorated(unit: i64, units: i64, start: i64, end: i64, now: i64) -> i64 {
    let full = i128::from(unit * units) * i128::from(end - now);
    let length = i128::from(end - start);
    i64::try_from((2 * full + length) / (2 * length)).expect("fits")
}

#[tokio::test]
async fn quantity_changes_are_prorated_pending_or_invoiced_at_once() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    customer_with_card(&app, &shop, "pm_card_visa").await;
    let subscription = subscribe(&app, &shop, "").await.body;
    let sub_id = id(&subscription);
    let item = &subscription["items"]["data"][0];
    let item_id = item["id"].as_str().expect("item");
    let (start, end) = (
        item["current_period_start"].as_i64().expect("start"),
        item["current_period_end"].as_i64().expect("end"),
    );
    // Ten days into the period.
    app.post("/v1/test_helpers/tender_clock/advance", "seconds=864000")
        .await;
    let changed = app
        .post(
            &format!("/v1/subscriptions/{sub_id}"),
            &format!("items[0][id]={item_id}&items[0][quantity]=3"),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    let pending = get(
        &app,
        &format!("/v1/invoiceitems?customer={}&pending=true", shop.customer),
    )
    .await;
    let items = pending["data"].as_array().expect("data");
    assert_eq!(items.len(), 2, "{pending:?}");
    // Newest first: the charge for the remaining time, then the credit.
    let (debit, credit) = (&items[0], &items[1]);
    let now = credit["date"].as_i64().expect("date");
    assert_eq!(credit["proration"], true);
    assert_eq!(credit["amount"], -prorated(2000, 1, start, end, now));
    assert_eq!(debit["amount"], prorated(2000, 3, start, end, now));
    assert!(
        credit["description"]
            .as_str()
            .expect("description")
            .starts_with("Unused time on 1 × Gold after ")
    );
    assert_eq!(
        credit["parent"]["subscription_details"]["subscription"],
        sub_id.as_str()
    );
    assert_eq!(credit["period"]["end"], end);

    // always_invoice: an invoice of the prorations, paid now with the default card.
    let again = app
        .post(
            &format!("/v1/subscriptions/{sub_id}"),
            &format!(
                "items[0][id]={item_id}&items[0][quantity]=4&proration_behavior=always_invoice\
                 &expand[]=latest_invoice"
            ),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{:?}", again.body);
    let invoice = &again.body["latest_invoice"];
    assert_eq!(invoice["billing_reason"], "subscription_update");
    assert_eq!(invoice["status"], "paid");
    let now = invoice["created"].as_i64().expect("created");
    let expected = prorated(2000, 4, start, end, now) - prorated(2000, 3, start, end, now);
    assert_eq!(invoice["amount_paid"], expected);
    assert_eq!(invoice["lines"]["data"].as_array().map(Vec::len), Some(2));
    assert_eq!(again.body["status"], "active");
    // The earlier prorations are still pending: they wait for the renewal invoice.
    let still = get(
        &app,
        &format!("/v1/invoiceitems?customer={}&pending=true", shop.customer),
    )
    .await;
    assert_eq!(still["data"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn subscriptions_and_invoices_are_searchable() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    let (subscription, _) = guide_subscription(&app, &shop).await;
    let sub_id = subscription["id"].as_str().expect("id");
    let found = get(&app, "/v1/subscriptions/search?query=status:'incomplete'").await;
    assert_eq!(found["object"], "search_result");
    assert_eq!(found["data"][0]["id"], sub_id);
    let none = get(&app, "/v1/subscriptions/search?query=status:'active'").await;
    assert_eq!(none["data"].as_array().map(Vec::len), Some(0));
    let invoices = get(
        &app,
        &format!("/v1/invoices/search?query=subscription:'{sub_id}' AND total>1000"),
    )
    .await;
    assert_eq!(
        invoices["data"][0]["id"],
        subscription["latest_invoice"]["id"]
    );
    let refused = app
        .get("/v1/subscriptions/search", "query=colour:'red'")
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.body["error"]["param"], "query");
}
