//! Stripe's test clocks (issue #24): a clock's customers and subscriptions live at its
//! frozen time; advancing it runs their renewals in order, then the clock is `ready`. Also
//! its limits, its errors, the lists that hide clock-bound objects, and deletion.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::billing_subscriptions::{Shop, customer_with_card, get};
use crate::catalog_prices::{event_types, id};
use crate::helpers::TestApp;

/// 1 Jan 2027 00:00 UTC.
const JAN_1: i64 = 1_798_761_600;
const DAY: i64 = 86_400;
const FEB_1: i64 = JAN_1 + 31 * DAY;
const MAR_1: i64 = FEB_1 + 28 * DAY;

async fn clock(app: &TestApp, frozen_time: i64) -> Value {
    let created = app
        .post(
            "/v1/test_helpers/test_clocks",
            &format!("frozen_time={frozen_time}&name=Renewals"),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    created.body
}

/// A monthly price and a customer on `clock` with a good default card.
async fn shop_on(app: &TestApp, clock: &str) -> Shop {
    let price = app
        .post(
            "/v1/prices",
            "currency=usd&unit_amount=2000&recurring[interval]=month&product_data[name]=Gold",
        )
        .await;
    let customer = app
        .post(
            "/v1/customers",
            &format!("email=clock%40example.com&test_clock={clock}"),
        )
        .await;
    assert_eq!(customer.status, StatusCode::OK, "{:?}", customer.body);
    assert_eq!(customer.body["test_clock"], clock);
    let shop = Shop {
        customer: id(&customer.body),
        price: id(&price.body),
    };
    customer_with_card(app, &shop, "pm_card_visa").await;
    shop
}

/// Advances `clock` to `to` and waits until it is ready again.
async fn advance(app: &TestApp, clock: &str, to: i64) -> Value {
    let path = format!("/v1/test_helpers/test_clocks/{clock}");
    let started = app
        .post(&format!("{path}/advance"), &format!("frozen_time={to}"))
        .await;
    assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
    assert_eq!(started.body["status"], "advancing");
    assert_eq!(
        started.body["status_details"]["advancing"]["target_frozen_time"],
        to
    );
    for _ in 0..200 {
        let now = get(app, &path).await;
        if now["status"] == "ready" {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the clock never became ready");
}

#[tokio::test]
async fn a_clock_renews_its_subscriptions_month_by_month_then_is_ready() {
    let app = TestApp::spawn().await;
    let created = clock(&app, JAN_1).await;
    let clock_id = id(&created);
    assert_eq!(created["object"], "test_helpers.test_clock");
    assert_eq!(created["frozen_time"], JAN_1);
    assert_eq!(created["status"], "ready");
    assert_eq!(created["name"], "Renewals");
    let shop = shop_on(&app, &clock_id).await;
    let subscription = app
        .post(
            "/v1/subscriptions",
            &format!("customer={}&items[0][price]={}", shop.customer, shop.price),
        )
        .await
        .body;
    assert_eq!(subscription["status"], "active", "{subscription:?}");
    assert_eq!(subscription["test_clock"], clock_id.as_str());
    assert_eq!(subscription["start_date"], JAN_1);
    assert_eq!(subscription["current_period_end"], FEB_1);
    let sub_id = id(&subscription);

    // Two months on, in two advances (each at most two periods): three invoices, all paid.
    let ready = advance(&app, &clock_id, FEB_1 + 2 * 3600).await;
    assert_eq!(ready["frozen_time"], FEB_1 + 2 * 3600);
    assert_eq!(ready["status_details"], serde_json::json!({}));
    advance(&app, &clock_id, MAR_1 + 2 * 3600).await;
    let invoices = get(&app, &format!("/v1/invoices?subscription={sub_id}")).await;
    let invoices = invoices["data"].as_array().expect("invoices");
    assert_eq!(invoices.len(), 3, "{invoices:?}");
    assert!(
        invoices.iter().all(|i| i["status"] == "paid"),
        "{invoices:?}"
    );
    // Newest first: the March renewal was created at the period's end, on the clock's time,
    // and finalized an hour later.
    assert_eq!(invoices[0]["created"], MAR_1);
    assert_eq!(invoices[0]["billing_reason"], "subscription_cycle");
    assert_eq!(
        invoices[0]["status_transitions"]["finalized_at"],
        MAR_1 + 3600
    );
    assert_eq!(invoices[0]["test_clock"], clock_id.as_str());
    let renewed = get(&app, &format!("/v1/subscriptions/{sub_id}")).await;
    assert_eq!(renewed["current_period_start"], MAR_1);
    assert_eq!(renewed["status"], "active");

    let events = app.get("/v1/events", "limit=100").await.body;
    let types = event_types(&events);
    for expected in [
        "test_helpers.test_clock.created",
        "test_helpers.test_clock.advancing",
        "test_helpers.test_clock.ready",
    ] {
        assert!(types.contains(&expected), "{expected}: {types:?}");
    }
    let paid = types.iter().filter(|t| **t == "invoice.paid").count();
    assert_eq!(paid, 3, "{types:?}");
}

#[tokio::test]
async fn a_clock_refuses_going_back_and_going_more_than_two_periods_ahead() {
    let app = TestApp::spawn().await;
    let clock_id = id(&clock(&app, JAN_1).await);
    let advance = |to: i64| {
        let app = &app;
        let path = format!("/v1/test_helpers/test_clocks/{clock_id}/advance");
        async move { app.post(&path, &format!("frozen_time={to}")).await }
    };
    let back = advance(JAN_1).await;
    assert_eq!(back.status, StatusCode::BAD_REQUEST);
    assert_eq!(back.error("param"), Some("frozen_time"));
    // Without subscriptions: two years at most.
    let far = advance(JAN_1 + 3 * 365 * DAY).await;
    assert_eq!(far.status, StatusCode::BAD_REQUEST);
    assert_eq!(far.error("param"), Some("frozen_time"));
    // With a monthly subscription: two months.
    let shop = shop_on(&app, &clock_id).await;
    app.post(
        "/v1/subscriptions",
        &format!("customer={}&items[0][price]={}", shop.customer, shop.price),
    )
    .await;
    let three_months = advance(JAN_1 + 90 * DAY).await;
    assert_eq!(three_months.status, StatusCode::BAD_REQUEST);
    assert_eq!(three_months.error("param"), Some("frozen_time"));
    let missing = app.post(
        "/v1/test_helpers/test_clocks/clock_nope/advance",
        "frozen_time=1",
    );
    let missing = missing.await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error("code"), Some("resource_missing"));
    let no_time = app
        .post(
            &format!("/v1/test_helpers/test_clocks/{clock_id}/advance"),
            "",
        )
        .await;
    assert_eq!(no_time.status, StatusCode::BAD_REQUEST);
    assert_eq!(no_time.error("param"), Some("frozen_time"));
}

#[tokio::test]
async fn a_clock_holds_three_customers_hidden_from_lists_unless_asked_for() {
    let app = TestApp::spawn().await;
    let clock_id = id(&clock(&app, JAN_1).await);
    let unbound = id(&app
        .post("/v1/customers", "email=free%40example.com")
        .await
        .body);
    let mut bound = Vec::new();
    for _ in 0..3 {
        let customer = app
            .post("/v1/customers", &format!("test_clock={clock_id}"))
            .await;
        assert_eq!(customer.status, StatusCode::OK, "{:?}", customer.body);
        bound.push(id(&customer.body));
    }
    let fourth = app
        .post("/v1/customers", &format!("test_clock={clock_id}"))
        .await;
    assert_eq!(fourth.status, StatusCode::BAD_REQUEST);
    assert_eq!(fourth.error("param"), Some("test_clock"));
    let unknown = app.post("/v1/customers", "test_clock=clock_nope").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.error("param"), Some("test_clock"));

    let listed = |body: &Value| -> Vec<String> {
        body["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(id)
            .collect()
    };
    assert_eq!(listed(&get(&app, "/v1/customers").await), vec![unbound]);
    let on_clock = listed(&get(&app, &format!("/v1/customers?test_clock={clock_id}")).await);
    bound.reverse();
    assert_eq!(on_clock, bound);
}

#[tokio::test]
async fn deleting_a_clock_deletes_its_customers_and_cancels_their_subscriptions() {
    let app = TestApp::spawn().await;
    let clock_id = id(&clock(&app, JAN_1).await);
    let shop = shop_on(&app, &clock_id).await;
    let subscription = app
        .post(
            "/v1/subscriptions",
            &format!("customer={}&items[0][price]={}", shop.customer, shop.price),
        )
        .await
        .body;
    let sub_id = id(&subscription);
    // Lists hide it unless its clock or customer is named.
    let all = get(&app, "/v1/subscriptions").await;
    assert_eq!(all["data"].as_array().map(Vec::len), Some(0));
    let mine = get(
        &app,
        &format!("/v1/subscriptions?customer={}", shop.customer),
    )
    .await;
    assert_eq!(mine["data"][0]["id"], sub_id.as_str());

    let deleted = app
        .call(
            Method::DELETE,
            &format!("/v1/test_helpers/test_clocks/{clock_id}"),
            "",
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{:?}", deleted.body);
    assert_eq!(deleted.body["deleted"], true);
    assert_eq!(deleted.body["object"], "test_helpers.test_clock");
    let gone = app
        .get(&format!("/v1/test_helpers/test_clocks/{clock_id}"), "")
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let canceled = get(&app, &format!("/v1/subscriptions/{sub_id}")).await;
    assert_eq!(canceled["status"], "canceled");
    let customer = get(&app, &format!("/v1/customers/{}", shop.customer)).await;
    assert_eq!(customer["deleted"], true);
    let listed = get(&app, "/v1/test_helpers/test_clocks").await;
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn changes_to_a_clock_bound_subscription_happen_at_the_clocks_time() {
    let app = TestApp::spawn().await;
    let clock_id = id(&clock(&app, JAN_1).await);
    let shop = shop_on(&app, &clock_id).await;
    let subscription = app
        .post(
            "/v1/subscriptions",
            &format!("customer={}&items[0][price]={}", shop.customer, shop.price),
        )
        .await
        .body;
    let sub_id = id(&subscription);
    let mid_january = JAN_1 + 10 * DAY;
    advance(&app, &clock_id, mid_january).await;
    let updated = app
        .post(
            &format!("/v1/subscriptions/{sub_id}"),
            "cancel_at_period_end=true",
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{:?}", updated.body);
    assert_eq!(updated.body["canceled_at"], mid_january);
    assert_eq!(updated.body["cancel_at"], FEB_1);
    let canceled = app
        .call(Method::DELETE, &format!("/v1/subscriptions/{sub_id}"), "")
        .await;
    assert_eq!(canceled.body["ended_at"], mid_january);
}

/// A subscription whose stored body no longer reads (as a storage fault would leave it): each
/// run of its renewal fails on Tender's side and commits nothing.
async fn break_subscription(app: &TestApp, id: &str) {
    let account = app.account_id().await;
    let mut record = app.store.get(&account, id).await.unwrap().unwrap();
    record.body = r#"{"id":"unreadable"}"#.to_owned();
    app.overwrite(record).await;
}

#[tokio::test]
async fn a_step_that_keeps_failing_ends_the_advance_in_internal_failure() {
    let app = TestApp::spawn().await;
    let clock_id = id(&clock(&app, JAN_1).await);
    let shop = shop_on(&app, &clock_id).await;
    let subscription = app
        .post(
            "/v1/subscriptions",
            &format!("customer={}&items[0][price]={}", shop.customer, shop.price),
        )
        .await
        .body;
    break_subscription(&app, &id(&subscription)).await;

    let path = format!("/v1/test_helpers/test_clocks/{clock_id}");
    let started = app
        .post(
            &format!("{path}/advance"),
            &format!("frozen_time={}", FEB_1 + 2 * 3600),
        )
        .await;
    assert_eq!(started.body["status"], "advancing", "{:?}", started.body);
    // Three tries, 1 s and then 2 s apart, then the clock gives up.
    let mut now = Value::Null;
    for _ in 0..300 {
        now = get(&app, &path).await;
        if now["status"] != "advancing" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(now["status"], "internal_failure", "{now:?}");
    assert_eq!(now["frozen_time"], JAN_1, "the time did not move");
    assert_eq!(now["status_details"], serde_json::json!({}));

    let events = app.get("/v1/events", "limit=100").await.body;
    let types = event_types(&events);
    let failures = types
        .iter()
        .filter(|t| **t == "test_helpers.test_clock.internal_failure")
        .count();
    assert_eq!(failures, 1, "{types:?}");
    assert!(
        !types.contains(&"test_helpers.test_clock.ready"),
        "{types:?}"
    );

    let again = app
        .post(
            &format!("{path}/advance"),
            &format!("frozen_time={}", FEB_1 + 3 * 3600),
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{:?}", again.body);
    assert!(
        again
            .error("message")
            .is_some_and(|m| m.contains("failed to advance")),
        "{:?}",
        again.body
    );
}
