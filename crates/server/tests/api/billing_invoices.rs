//! One-off invoices: invoice items pending for a customer, a draft that takes them, items
//! added to the draft, finalization with its PaymentIntent, `send_invoice` paid later, and
//! the refusals of what a status forbids.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::catalog_prices::{event_types, id};
use crate::helpers::{Answer, TestApp};

async fn ok(answer: Answer) -> Value {
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    answer.body
}

#[tokio::test]
async fn a_draft_takes_pending_items_is_finalized_and_paid() {
    let app = TestApp::spawn().await;
    let customer = id(&ok(app.post("/v1/customers", "email=a%40b.c").await).await);
    let setup = ok(app
        .post(
            "/v1/invoiceitems",
            &format!("customer={customer}&amount=5000&currency=usd&description=Setup"),
        )
        .await)
    .await;
    assert_eq!(setup["object"], "invoiceitem");
    assert_eq!(setup["invoice"], Value::Null);
    assert!(setup["date"].is_i64());
    let mug = ok(app
        .post(
            "/v1/prices",
            "currency=usd&unit_amount=1200&product_data[name]=Mug",
        )
        .await)
    .await;
    ok(app
        .post(
            "/v1/invoiceitems",
            &format!("customer={customer}&pricing[price]={}&quantity=2", id(&mug)),
        )
        .await)
    .await;
    let pending = ok(app
        .get(
            "/v1/invoiceitems",
            &format!("customer={customer}&pending=true"),
        )
        .await)
    .await;
    assert_eq!(pending["data"].as_array().map(Vec::len), Some(2));

    let draft = ok(app
        .post(
            "/v1/invoices",
            &format!(
                "customer={customer}&collection_method=send_invoice&days_until_due=14\
                 &pending_invoice_items_behavior=include&description=Order"
            ),
        )
        .await)
    .await;
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["billing_reason"], "manual");
    assert_eq!(draft["amount_due"], 7400);
    assert_eq!(draft["lines"]["data"][0]["description"], "Setup");
    assert_eq!(draft["lines"]["data"][1]["amount"], 2400);
    assert_eq!(draft["number"], Value::Null);
    let invoice = id(&draft);

    // More items join the draft directly.
    ok(app
        .post(
            "/v1/invoiceitems",
            &format!(
                "customer={customer}&unit_amount=300&quantity=2&currency=usd&invoice={invoice}"
            ),
        )
        .await)
    .await;
    let updated = ok(app.get(&format!("/v1/invoices/{invoice}"), "").await).await;
    assert_eq!(updated["amount_due"], 8000);
    assert_eq!(updated["lines"]["data"].as_array().map(Vec::len), Some(3));
    let none_left = ok(app
        .get(
            "/v1/invoiceitems",
            &format!("customer={customer}&pending=true"),
        )
        .await)
    .await;
    assert_eq!(none_left["data"].as_array().map(Vec::len), Some(0));

    let finalized = ok(app
        .post(&format!("/v1/invoices/{invoice}/finalize"), "")
        .await)
    .await;
    assert_eq!(finalized["status"], "open");
    assert!(finalized["number"].is_string());
    assert!(finalized["due_date"].is_i64());
    let intent = finalized["payment_intent"]
        .as_str()
        .expect("a PaymentIntent");
    let pi = ok(app.get(&format!("/v1/payment_intents/{intent}"), "").await).await;
    assert_eq!(pi["amount"], 8000);
    assert_eq!(pi["invoice"], invoice.as_str());

    let again = app
        .post(&format!("/v1/invoices/{invoice}/finalize"), "")
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    let late = app
        .post(
            "/v1/invoiceitems",
            &format!("customer={customer}&amount=1&currency=usd&invoice={invoice}"),
        )
        .await;
    assert_eq!(late.status, StatusCode::BAD_REQUEST);
    assert_eq!(late.body["error"]["param"], "invoice");
    let edit = app
        .post(&format!("/v1/invoices/{invoice}"), "description=late")
        .await;
    assert_eq!(edit.status, StatusCode::BAD_REQUEST);
    ok(app
        .post(&format!("/v1/invoices/{invoice}"), "metadata[order]=42")
        .await)
    .await;

    let paid = ok(app
        .post(
            &format!("/v1/invoices/{invoice}/pay"),
            "payment_method=pm_card_visa",
        )
        .await)
    .await;
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["amount_paid"], 8000);
    assert_eq!(paid["metadata"]["order"], "42");
    let events = ok(app.get("/v1/events", "limit=30").await).await;
    let types = event_types(&events);
    for expected in [
        "invoiceitem.created",
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice_payment.paid",
    ] {
        assert!(types.contains(&expected), "{expected}: {types:?}");
    }
}

#[tokio::test]
async fn paying_a_draft_finalizes_it_first() {
    let app = TestApp::spawn().await;
    let customer = id(&ok(app.post("/v1/customers", "").await).await);
    let draft = id(&ok(app
        .post("/v1/invoices", &format!("customer={customer}"))
        .await)
    .await);
    ok(app
        .post(
            "/v1/invoiceitems",
            &format!("customer={customer}&amount=2500&currency=usd&invoice={draft}"),
        )
        .await)
    .await;
    let paid = ok(app
        .post(
            &format!("/v1/invoices/{draft}/pay"),
            "payment_method=pm_card_visa",
        )
        .await)
    .await;
    assert_eq!(paid["status"], "paid");
    assert!(paid["status_transitions"]["finalized_at"].is_i64());
    let payments = ok(app
        .get("/v1/invoice_payments", &format!("invoice={draft}"))
        .await)
    .await;
    assert_eq!(payments["data"][0]["status"], "paid");

    // An empty draft finalizes as paid: nothing is due.
    let empty = id(&ok(app
        .post("/v1/invoices", &format!("customer={customer}"))
        .await)
    .await);
    let finalized = ok(app
        .post(&format!("/v1/invoices/{empty}/finalize"), "")
        .await)
    .await;
    assert_eq!(finalized["status"], "paid");
    assert_eq!(finalized["payment_intent"], Value::Null);
}

#[tokio::test]
async fn invoice_items_and_invoices_refuse_bad_input() {
    let app = TestApp::spawn().await;
    let missing = app.post("/v1/invoices", "").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.body["error"]["code"], "parameter_missing");
    assert_eq!(
        missing.body["error"]["message"],
        "Must provide customer or from_invoice."
    );
    let customer = id(&ok(app.post("/v1/customers", "").await).await);
    let no_due = app
        .post(
            "/v1/invoices",
            &format!("customer={customer}&collection_method=send_invoice"),
        )
        .await;
    assert_eq!(no_due.body["error"]["param"], "days_until_due");
    let no_currency = app
        .post("/v1/invoiceitems", &format!("customer={customer}&amount=5"))
        .await;
    assert_eq!(no_currency.body["error"]["param"], "currency");
    let monthly = ok(app
        .post(
            "/v1/prices",
            "currency=usd&unit_amount=100&recurring[interval]=month&product_data[name]=P",
        )
        .await)
    .await;
    let recurring = app
        .post(
            "/v1/invoiceitems",
            &format!("customer={customer}&price={}", id(&monthly)),
        )
        .await;
    assert_eq!(recurring.status, StatusCode::BAD_REQUEST);
    assert_eq!(recurring.body["error"]["param"], "price");
    let unknown = app
        .post(
            "/v1/invoiceitems",
            "customer=cus_nope&amount=5&currency=usd",
        )
        .await;
    assert_eq!(unknown.body["error"]["code"], "resource_missing");
    assert_eq!(unknown.body["error"]["param"], "customer");

    let item = id(&ok(app
        .post(
            "/v1/invoiceitems",
            &format!("customer={customer}&amount=5&currency=usd"),
        )
        .await)
    .await);
    let deleted = ok(app
        .call(Method::DELETE, &format!("/v1/invoiceitems/{item}"), "")
        .await)
    .await;
    assert_eq!(deleted["deleted"], true);
    let gone = ok(app
        .get("/v1/invoiceitems", &format!("customer={customer}"))
        .await)
    .await;
    assert_eq!(gone["data"].as_array().map(Vec::len), Some(0));
}
