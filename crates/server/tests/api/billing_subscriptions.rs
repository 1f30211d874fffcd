//! Subscriptions end to end (issue #22): the guide's "Create a subscription" path
//! (`default_incomplete`, then the first invoice's PaymentIntent confirmed with a
//! ConfirmationToken), declines and 3D Secure on the first invoice, `error_if_incomplete`,
//! trials, the error shapes, and what older API versions read. What happens to a subscription
//! afterwards is in `billing_lifecycle.rs`.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::catalog_prices::{event_types, id};
use crate::helpers::{Answer, PUBLISHABLE_KEY, TestApp, answer_hosted_page};

const GUIDE_EXPAND: &str =
    "expand[]=latest_invoice.confirmation_secret&expand[]=latest_invoice.payments";

pub struct Shop {
    pub customer: String,
    pub price: String,
}

pub async fn shop(app: &TestApp) -> Shop {
    let price = app
        .post(
            "/v1/prices",
            "currency=usd&unit_amount=2000&recurring[interval]=month&product_data[name]=Gold",
        )
        .await;
    assert_eq!(price.status, StatusCode::OK, "{:?}", price.body);
    let customer = app.post("/v1/customers", "email=jenny%40example.com").await;
    Shop {
        customer: id(&customer.body),
        price: id(&price.body),
    }
}

/// A ConfirmationToken as Stripe.js makes it for Elements in `mode: 'subscription'`.
pub async fn subscription_token(app: &TestApp, number: &str) -> String {
    let form = format!(
        "payment_method_data[type]=card&payment_method_data[card][number]={number}\
         &payment_method_data[card][exp_month]=12&payment_method_data[card][exp_year]=2034\
         &payment_method_data[card][cvc]=123&return_url=https%3A%2F%2Fshop.example%2Fdone\
         &setup_future_usage=off_session&client_context[mode]=subscription\
         &client_context[currency]=usd&client_context[setup_future_usage]=off_session"
    );
    let answer = app
        .call_as(
            PUBLISHABLE_KEY,
            Method::POST,
            "/v1/confirmation_tokens",
            &form,
            &[],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    id(&answer.body)
}

pub async fn subscribe(app: &TestApp, shop: &Shop, extra: &str) -> Answer {
    app.post(
        "/v1/subscriptions",
        &format!(
            "customer={}&items[0][price]={}&{extra}",
            shop.customer, shop.price
        ),
    )
    .await
}

/// The guide's create call; answers the subscription and its first PaymentIntent's id.
pub async fn guide_subscription(app: &TestApp, shop: &Shop) -> (Value, String) {
    let created = subscribe(
        app,
        shop,
        &format!(
            "payment_behavior=default_incomplete\
             &payment_settings[save_default_payment_method]=on_subscription&{GUIDE_EXPAND}"
        ),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    let payment = &created.body["latest_invoice"]["payments"]["data"][0];
    let intent = payment["payment"]["payment_intent"]
        .as_str()
        .expect("the invoice's PaymentIntent")
        .to_owned();
    (created.body, intent)
}

pub async fn get(app: &TestApp, path: &str) -> Value {
    let answer = app.get(path, "").await;
    assert_eq!(answer.status, StatusCode::OK, "{path}: {:?}", answer.body);
    answer.body
}

#[tokio::test]
async fn the_guides_path_activates_the_subscription_in_the_confirming_request() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    let (subscription, intent) = guide_subscription(&app, &shop).await;
    assert_eq!(subscription["status"], "incomplete");
    assert_eq!(subscription["default_payment_method"], Value::Null);
    let item = &subscription["items"]["data"][0];
    assert_eq!(item["price"]["id"], shop.price.as_str());
    assert_eq!(item["plan"]["object"], "plan");
    assert_eq!(item["quantity"], 1);
    let start = item["current_period_start"].as_i64().expect("period start");
    // A month from now (30 or 31 days, or 28–29 in February).
    let end = item["current_period_end"].as_i64().expect("period end");
    assert!((28 * 86_400..=31 * 86_400).contains(&(end - start)));
    let invoice = &subscription["latest_invoice"];
    assert_eq!(invoice["status"], "open");
    assert_eq!(invoice["billing_reason"], "subscription_create");
    assert_eq!(invoice["amount_due"], 2000);
    assert_eq!(invoice["amount_remaining"], 2000);
    assert_eq!(invoice["attempted"], false);
    assert_eq!(invoice["lines"]["data"][0]["amount"], 2000);
    assert_eq!(
        invoice["lines"]["data"][0]["description"],
        "1 × Gold (at $20.00 / month)"
    );
    let secret = invoice["confirmation_secret"]["client_secret"]
        .as_str()
        .expect("confirmation_secret");
    assert!(secret.starts_with(&format!("{intent}_secret_")), "{secret}");
    assert_eq!(invoice["confirmation_secret"]["type"], "payment_intent");
    let payment = &invoice["payments"]["data"][0];
    assert_eq!(payment["object"], "invoice_payment");
    assert_eq!(payment["is_default"], true);
    assert_eq!(payment["status"], "open");
    assert_eq!(payment["amount_requested"], 2000);

    // Not attempted: the PaymentIntent waits for the merchant's confirmation.
    let pi = get(&app, &format!("/v1/payment_intents/{intent}")).await;
    assert_eq!(pi["status"], "requires_payment_method");
    assert_eq!(pi["description"], "Subscription creation");
    assert_eq!(pi["setup_future_usage"], "off_session");
    assert_eq!(pi["amount"], 2000);
    assert_eq!(pi["customer"], shop.customer.as_str());

    let token = subscription_token(&app, "4242424242424242").await;
    let confirmed = app
        .post(
            &format!("/v1/payment_intents/{intent}/confirm"),
            &format!("confirmation_token={token}"),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{:?}", confirmed.body);
    assert_eq!(confirmed.body["status"], "succeeded");
    let pm = confirmed.body["payment_method"].as_str().expect("pm");

    let sub_id = subscription["id"].as_str().expect("id");
    let after = get(
        &app,
        &format!("/v1/subscriptions/{sub_id}?expand[]=latest_invoice.payments"),
    )
    .await;
    assert_eq!(after["status"], "active");
    assert_eq!(after["default_payment_method"], pm);
    let invoice = &after["latest_invoice"];
    assert_eq!(invoice["status"], "paid");
    assert_eq!(invoice["amount_paid"], 2000);
    assert_eq!(invoice["amount_remaining"], 0);
    assert_eq!(invoice["attempted"], true);
    assert_eq!(invoice["attempt_count"], 1);
    assert!(invoice["status_transitions"]["paid_at"].is_i64());
    assert_eq!(invoice["payments"]["data"][0]["status"], "paid");
    assert_eq!(invoice["payments"]["data"][0]["amount_paid"], 2000);
    // The card is saved to the customer for the renewals.
    let card = get(&app, &format!("/v1/payment_methods/{pm}")).await;
    assert_eq!(card["customer"], shop.customer.as_str());

    let events = app.get("/v1/events", "limit=30").await.body;
    let mut types = event_types(&events);
    types.reverse();
    let tail: Vec<&str> = types.iter().rev().take(6).rev().copied().collect();
    assert_eq!(
        tail,
        [
            "invoice.paid",
            "invoice.payment_succeeded",
            "invoice_payment.paid",
            "invoice.updated",
            "customer.subscription.updated"
        ][..]
            .iter()
            .copied()
            .fold(vec!["payment_method.attached"], |mut v, t| {
                v.push(t);
                v
            })
    );
    for created in [
        "customer.subscription.created",
        "invoice.created",
        "invoice.finalized",
        "payment_intent.created",
        "payment_intent.succeeded",
        "charge.succeeded",
    ] {
        assert!(types.contains(&created), "{created} in {types:?}");
    }
    let updated = &events["data"][0];
    assert_eq!(updated["type"], "customer.subscription.updated");
    assert_eq!(
        updated["data"]["previous_attributes"]["status"],
        "incomplete"
    );
    assert_eq!(
        updated["data"]["previous_attributes"]["default_payment_method"],
        Value::Null
    );
}

#[tokio::test]
async fn a_declined_first_payment_leaves_the_subscription_incomplete() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    let (subscription, intent) = guide_subscription(&app, &shop).await;
    let token = subscription_token(&app, "4000000000000002").await;
    let declined = app
        .post(
            &format!("/v1/payment_intents/{intent}/confirm"),
            &format!("confirmation_token={token}"),
        )
        .await;
    assert_eq!(declined.status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(declined.body["error"]["decline_code"], "generic_decline");
    let sub_id = subscription["id"].as_str().expect("id");
    let after = get(
        &app,
        &format!("/v1/subscriptions/{sub_id}?expand[]=latest_invoice"),
    )
    .await;
    assert_eq!(after["status"], "incomplete");
    assert_eq!(after["latest_invoice"]["status"], "open");
    assert_eq!(after["latest_invoice"]["attempted"], true);
    assert_eq!(after["latest_invoice"]["amount_remaining"], 2000);
    let events = app.get("/v1/events", "limit=3").await.body;
    assert_eq!(
        event_types(&events),
        [
            "invoice.updated",
            "invoice.payment_failed",
            "payment_intent.payment_failed"
        ]
    );
}

#[tokio::test]
async fn three_d_secure_on_the_first_invoice_activates_after_the_hosted_page() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    let (subscription, intent) = guide_subscription(&app, &shop).await;
    let token = subscription_token(&app, "4000002500003155").await;
    let challenged = app
        .post(
            &format!("/v1/payment_intents/{intent}/confirm"),
            &format!("confirmation_token={token}"),
        )
        .await;
    assert_eq!(challenged.body["status"], "requires_action");
    let sub_id = subscription["id"].as_str().expect("id");
    let waiting = get(&app, &format!("/v1/subscriptions/{sub_id}")).await;
    assert_eq!(waiting["status"], "incomplete");
    let events = app.get("/v1/events", "limit=1").await.body;
    assert_eq!(event_types(&events), ["invoice.updated"]);
    let all = app.get("/v1/events", "limit=4").await.body;
    assert!(event_types(&all).contains(&"invoice.payment_action_required"));

    let url = challenged.body["next_action"]["use_stripe_sdk"]["stripe_js"]
        .as_str()
        .expect("the hosted page");
    let done = answer_hosted_page(url, "complete").await;
    assert_eq!(done.status(), StatusCode::OK);
    let after = get(
        &app,
        &format!("/v1/subscriptions/{sub_id}?expand[]=latest_invoice"),
    )
    .await;
    assert_eq!(after["status"], "active");
    assert_eq!(after["latest_invoice"]["status"], "paid");
}

/// A customer with a saved default card, for the behaviours that pay at once.
pub async fn customer_with_card(app: &TestApp, shop: &Shop, card: &str) -> String {
    let pm = app
        .post(
            &format!("/v1/payment_methods/{card}/attach"),
            &format!("customer={}", shop.customer),
        )
        .await;
    assert_eq!(pm.status, StatusCode::OK, "{:?}", pm.body);
    let pm = id(&pm.body);
    let updated = app
        .post(
            &format!("/v1/customers/{}", shop.customer),
            &format!("invoice_settings[default_payment_method]={pm}"),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{:?}", updated.body);
    pm
}

#[tokio::test]
async fn error_if_incomplete_pays_at_once_or_creates_nothing() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    customer_with_card(&app, &shop, "pm_card_visa").await;
    let paid = subscribe(
        &app,
        &shop,
        "payment_behavior=error_if_incomplete&expand[]=latest_invoice",
    )
    .await;
    assert_eq!(paid.status, StatusCode::OK, "{:?}", paid.body);
    assert_eq!(paid.body["status"], "active");
    assert_eq!(paid.body["latest_invoice"]["status"], "paid");

    let declining = Shop {
        customer: id(&app.post("/v1/customers", "").await.body),
        price: shop.price.clone(),
    };
    customer_with_card(&app, &declining, "pm_card_chargeCustomerFail").await;
    let before = app.get("/v1/subscriptions", "status=all").await.body["data"]
        .as_array()
        .expect("data")
        .len();
    let refused = subscribe(&app, &declining, "payment_behavior=error_if_incomplete").await;
    assert_eq!(
        refused.status,
        StatusCode::PAYMENT_REQUIRED,
        "{:?}",
        refused.body
    );
    assert_eq!(refused.body["error"]["type"], "card_error");
    assert_eq!(refused.body["error"]["code"], "card_declined");
    let after = app.get("/v1/subscriptions", "status=all").await.body["data"]
        .as_array()
        .expect("data")
        .len();
    assert_eq!(after, before, "nothing is created");

    // allow_incomplete (the default) keeps the subscription, incomplete.
    let kept = subscribe(&app, &declining, "").await;
    assert_eq!(kept.status, StatusCode::OK, "{:?}", kept.body);
    assert_eq!(kept.body["status"], "incomplete");
}

#[tokio::test]
async fn a_trial_starts_trialing_with_a_paid_zero_invoice() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    let trial = subscribe(
        &app,
        &shop,
        "trial_period_days=14&payment_behavior=default_incomplete&expand[]=latest_invoice",
    )
    .await;
    assert_eq!(trial.status, StatusCode::OK, "{:?}", trial.body);
    let body = &trial.body;
    assert_eq!(body["status"], "trialing");
    let start = body["trial_start"].as_i64().expect("trial_start");
    assert_eq!(body["trial_end"].as_i64(), Some(start + 14 * 86_400));
    assert_eq!(
        body["items"]["data"][0]["current_period_end"],
        body["trial_end"]
    );
    let invoice = &body["latest_invoice"];
    assert_eq!(invoice["status"], "paid");
    assert_eq!(invoice["amount_due"], 0);
    assert_eq!(invoice["payment_intent"], Value::Null);
    assert_eq!(
        invoice["lines"]["data"][0]["description"],
        "Trial period for Gold"
    );
}

#[tokio::test]
async fn errors_name_the_parameter() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    let missing = app
        .post(
            "/v1/subscriptions",
            &format!("items[0][price]={}", shop.price),
        )
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.body["error"]["code"], "parameter_missing");
    assert_eq!(missing.body["error"]["param"], "customer");

    let unknown = app
        .post(
            "/v1/subscriptions",
            &format!("customer={}&items[0][price]=price_nope", shop.customer),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.body["error"]["code"], "resource_missing");
    assert_eq!(unknown.body["error"]["param"], "items[0][price]");
    assert_eq!(
        unknown.body["error"]["message"],
        "No such price: 'price_nope'"
    );

    let one_time = app
        .post(
            "/v1/prices",
            "currency=usd&unit_amount=500&product_data[name]=Mug",
        )
        .await;
    let refused = app
        .post(
            "/v1/subscriptions",
            &format!(
                "customer={}&items[0][price]={}",
                shop.customer,
                id(&one_time.body)
            ),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.body["error"]["param"], "items[0][price]");

    // allow_incomplete with nothing to pay with.
    let no_card = subscribe(&app, &shop, "").await;
    assert_eq!(
        no_card.status,
        StatusCode::BAD_REQUEST,
        "{:?}",
        no_card.body
    );
    assert_eq!(no_card.body["error"]["code"], "resource_missing");

    let missing = app.get("/v1/subscriptions/sub_nope", "").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.body["error"]["code"], "resource_missing");
}

#[tokio::test]
async fn older_versions_reach_the_payment_intent_through_the_invoice() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    let created = subscribe(
        &app,
        &shop,
        "payment_behavior=default_incomplete&expand[]=latest_invoice.payment_intent",
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    let intent = &created.body["latest_invoice"]["payment_intent"];
    assert_eq!(intent["object"], "payment_intent");
    assert_eq!(intent["status"], "requires_payment_method");
    assert_eq!(intent["invoice"], created.body["latest_invoice"]["id"]);
    // The subscription keeps its period for versions before basil.
    assert_eq!(
        created.body["current_period_end"],
        created.body["items"]["data"][0]["current_period_end"]
    );
    // confirmation_secret and payments are left out unless expanded.
    let invoice = created.body["latest_invoice"]["id"].as_str().expect("id");
    let plain = get(&app, &format!("/v1/invoices/{invoice}")).await;
    assert!(plain.get("confirmation_secret").is_none());
    assert!(plain.get("payments").is_none());
    // A hash is not expandable on its own.
    let refused = app
        .get(&format!("/v1/invoices/{invoice}"), "expand[]=lines")
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.body["error"]["param"], "expand");
    assert_eq!(
        refused.body["error"]["message"],
        "This property cannot be expanded (lines)."
    );
}
