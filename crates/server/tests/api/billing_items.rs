//! Changing a subscription's items: a new price for an item (an upgrade), an item added or
//! removed, through `POST /v1/subscriptions/:id` and through `/v1/subscription_items`, with
//! their prorations.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::billing_subscriptions::{Shop, customer_with_card, get, shop, subscribe};
use crate::catalog_prices::id;
use crate::helpers::TestApp;

/// A $50 monthly price of a second product, "Platinum".
async fn platinum(app: &TestApp) -> String {
    let price = app
        .post(
            "/v1/prices",
            "currency=usd&unit_amount=5000&recurring[interval]=month&product_data[name]=Platinum",
        )
        .await;
    assert_eq!(price.status, StatusCode::OK, "{:?}", price.body);
    id(&price.body)
}

/// An active $20 monthly subscription paid by card, ten days into its period: its id, its
/// item and the period.
async fn ten_days_in(app: &TestApp, shop: &Shop) -> (String, String, (i64, i64)) {
    customer_with_card(app, shop, "pm_card_visa").await;
    let subscription = subscribe(app, shop, "").await.body;
    assert_eq!(subscription["status"], "active");
    let item = &subscription["items"]["data"][0];
    let period = (
        item["current_period_start"].as_i64().expect("start"),
        item["current_period_end"].as_i64().expect("end"),
    );
    app.post("/v1/test_helpers/tender_clock/advance", "seconds=864000")
        .await;
    (
        id(&subscription),
        item["id"].as_str().expect("item").to_owned(),
        period,
    )
}

fn prorated(unit: i64, units: i64, (start, end): (i64, i64), now: i64) -> i64 {
    let full = i128::from(unit * units) * i128::from(end - now);
    let length = i128::from(end - start);
    i64::try_from((2 * full + length) / (2 * length)).expect("fits")
}

async fn pending_items(app: &TestApp, customer: &str) -> Vec<Value> {
    let pending = get(
        app,
        &format!("/v1/invoiceitems?customer={customer}&pending=true"),
    )
    .await;
    pending["data"].as_array().expect("data").clone()
}

#[tokio::test]
async fn an_upgrade_changes_the_items_price_and_prorates_both_prices() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    let platinum = platinum(&app).await;
    let (sub_id, item_id, period) = ten_days_in(&app, &shop).await;
    let changed = app
        .post(
            &format!("/v1/subscriptions/{sub_id}"),
            &format!("items[0][id]={item_id}&items[0][price]={platinum}"),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    let items = changed.body["items"]["data"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], item_id.as_str(), "the item is kept");
    assert_eq!(items[0]["price"]["id"], platinum.as_str());
    assert_eq!(items[0]["plan"]["amount"], 5000);
    assert_eq!(
        items[0]["current_period_end"], period.1,
        "the period is kept"
    );

    let pending = pending_items(&app, &shop.customer).await;
    assert_eq!(pending.len(), 2, "{pending:?}");
    // Newest first: the charge at the new price, then the credit at the old one.
    let (debit, credit) = (&pending[0], &pending[1]);
    let now = credit["date"].as_i64().expect("date");
    assert_eq!(credit["amount"], -prorated(2000, 1, period, now));
    assert_eq!(
        credit["pricing"]["price_details"]["price"],
        shop.price.as_str()
    );
    assert_eq!(debit["amount"], prorated(5000, 1, period, now));
    assert_eq!(
        debit["pricing"]["price_details"]["price"],
        platinum.as_str()
    );
    assert!(
        debit["description"]
            .as_str()
            .expect("description")
            .starts_with("Remaining time on 1 × Platinum after "),
        "{debit:?}"
    );

    // The event says what changed.
    let events = get(
        &app,
        "/v1/events?type=customer.subscription.updated&limit=1",
    )
    .await;
    let previous = &events["data"][0]["data"]["previous_attributes"];
    assert_eq!(
        previous["items"]["data"][0]["price"]["id"],
        shop.price.as_str()
    );
}

#[tokio::test]
async fn items_are_added_and_removed_with_their_prorations() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    let platinum = platinum(&app).await;
    let (sub_id, item_id, period) = ten_days_in(&app, &shop).await;
    let added = app
        .post(
            &format!("/v1/subscriptions/{sub_id}"),
            &format!(
                "items[0][price]={platinum}&items[0][quantity]=2&proration_behavior=always_invoice\
                 &expand[]=latest_invoice"
            ),
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{:?}", added.body);
    let items = added.body["items"]["data"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    let new_item = items[1]["id"].as_str().expect("id").to_owned();
    assert_ne!(new_item, item_id);
    assert_eq!(items[1]["quantity"], 2);
    assert_eq!(items[1]["current_period_end"], period.1);
    let invoice = &added.body["latest_invoice"];
    assert_eq!(invoice["billing_reason"], "subscription_update");
    assert_eq!(invoice["status"], "paid");
    let now = invoice["created"].as_i64().expect("created");
    assert_eq!(invoice["amount_paid"], prorated(5000, 2, period, now));
    // The new item is found by id.
    let fetched = get(&app, &format!("/v1/subscription_items/{new_item}")).await;
    assert_eq!(fetched["quantity"], 2);

    // Removing the first item credits its unused time.
    let removed = app
        .post(
            &format!("/v1/subscriptions/{sub_id}"),
            &format!("items[0][id]={item_id}&items[0][deleted]=true"),
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{:?}", removed.body);
    let ids: Vec<&str> = removed.body["items"]["data"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["id"].as_str())
        .collect();
    assert_eq!(ids, vec![new_item.as_str()]);
    let pending = pending_items(&app, &shop.customer).await;
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0]["amount"], -prorated(2000, 1, period, now));
    let gone = app
        .get(&format!("/v1/subscription_items/{item_id}"), "")
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);

    // The last item cannot go; a price already on the subscription cannot be added twice.
    let last = app
        .post(
            &format!("/v1/subscriptions/{sub_id}"),
            &format!("items[0][id]={new_item}&items[0][deleted]=true"),
        )
        .await;
    assert_eq!(last.status, StatusCode::BAD_REQUEST);
    assert_eq!(last.error("param"), Some("items"));
    let twice = app
        .post(
            &format!("/v1/subscriptions/{sub_id}"),
            &format!("items[0][price]={platinum}"),
        )
        .await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        twice.error("message"),
        Some(
            format!("Cannot add multiple subscription items with the same plan: {platinum}")
                .as_str()
        )
    );
}

#[tokio::test]
async fn subscription_items_are_created_updated_and_deleted_by_their_own_endpoints() {
    let app = TestApp::spawn().await;
    let shop = shop(&app).await;
    let platinum = platinum(&app).await;
    let (sub_id, item_id, _) = ten_days_in(&app, &shop).await;
    let created = app
        .post(
            "/v1/subscription_items",
            &format!(
                "subscription={sub_id}&price={platinum}&quantity=3&metadata[seat]=team\
                 &proration_behavior=none"
            ),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    assert_eq!(created.body["object"], "subscription_item");
    assert_eq!(created.body["subscription"], sub_id.as_str());
    assert_eq!(created.body["quantity"], 3);
    assert_eq!(created.body["metadata"]["seat"], "team");
    let new_item = id(&created.body);
    assert!(pending_items(&app, &shop.customer).await.is_empty());

    let updated = app
        .post(
            &format!("/v1/subscription_items/{new_item}"),
            "quantity=5&proration_behavior=none",
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{:?}", updated.body);
    assert_eq!(updated.body["id"], new_item.as_str());
    assert_eq!(updated.body["quantity"], 5);

    let deleted = app
        .call(
            Method::DELETE,
            &format!("/v1/subscription_items/{item_id}"),
            "proration_behavior=none",
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{:?}", deleted.body);
    assert_eq!(deleted.body["deleted"], true);
    assert_eq!(deleted.body["id"], item_id.as_str());
    let subscription = get(&app, &format!("/v1/subscriptions/{sub_id}")).await;
    let items = subscription["items"]["data"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["quantity"], 5);

    // Errors name the endpoint's own parameters.
    let unknown = app
        .post(
            "/v1/subscription_items",
            &format!("subscription={sub_id}&price=price_missing"),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.error("code"), Some("resource_missing"));
    assert_eq!(unknown.error("param"), Some("price"));
    let no_sub = app
        .post(
            "/v1/subscription_items",
            &format!("subscription=sub_missing&price={platinum}"),
        )
        .await;
    assert_eq!(no_sub.status, StatusCode::BAD_REQUEST);
    assert_eq!(no_sub.error("code"), Some("resource_missing"));
    assert_eq!(no_sub.error("param"), Some("subscription"));
    let missing = app
        .post("/v1/subscription_items/si_missing", "quantity=2")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}
