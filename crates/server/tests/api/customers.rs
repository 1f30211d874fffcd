//! `/v1/customers` end to end, and the events it records.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn create_retrieve_update_delete() {
    let app = TestApp::spawn().await;
    let created = app
        .post(
            "/v1/customers",
            "email=jo%40example.com&name=Jo+Doe&metadata[order]=6735&metadata[tier]=gold\
             &address[city]=Paris&address[country]=FR",
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("cus_"));
    assert_eq!(created.body["object"], "customer");
    assert_eq!(created.body["name"], "Jo Doe");
    assert_eq!(created.body["address"]["city"], "Paris");
    assert_eq!(created.body["address"]["line1"], serde_json::Value::Null);
    assert_eq!(
        created.body["metadata"],
        json!({"order": "6735", "tier": "gold"})
    );
    assert_eq!(created.body["livemode"], false);

    let fetched = app.get(&format!("/v1/customers/{id}"), "").await;
    assert_eq!(fetched.body, created.body);

    let updated = app
        .post(&format!("/v1/customers/{id}"), "metadata[order]=&name=")
        .await;
    assert_eq!(updated.body["metadata"], json!({"tier": "gold"}));
    assert_eq!(updated.body["name"], serde_json::Value::Null);
    let cleared = app.post(&format!("/v1/customers/{id}"), "metadata=").await;
    assert_eq!(cleared.body["metadata"], json!({}));

    let deleted = app
        .call(Method::DELETE, &format!("/v1/customers/{id}"), "")
        .await;
    assert_eq!(
        deleted.body,
        json!({"id": id, "object": "customer", "deleted": true})
    );
    let after = app.get(&format!("/v1/customers/{id}"), "").await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.body["deleted"], true);
    let again = app
        .call(Method::DELETE, &format!("/v1/customers/{id}"), "")
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(again.error("code"), Some("resource_missing"));
    assert_eq!(again.error("param"), Some("id"));
    let update_deleted = app.post(&format!("/v1/customers/{id}"), "name=x").await;
    assert_eq!(update_deleted.status, StatusCode::NOT_FOUND);
    let list = app.get("/v1/customers", "").await;
    assert_eq!(list.body["data"], json!([]));
    app.stop().await;
}

#[tokio::test]
async fn events_record_every_change_with_request_and_previous_attributes() {
    let app = TestApp::spawn().await;
    let created = app
        .call_as(
            crate::helpers::SECRET_KEY,
            Method::POST,
            "/v1/customers",
            "email=a%40x.io",
            &[("idempotency-key", "evt-key")],
        )
        .await;
    let id = created.body["id"].as_str().unwrap();
    app.post(&format!("/v1/customers/{id}"), "email=b%40x.io")
        .await;
    // An update that changes nothing records no event.
    app.post(&format!("/v1/customers/{id}"), "email=b%40x.io")
        .await;
    app.call(Method::DELETE, &format!("/v1/customers/{id}"), "")
        .await;

    let events = app.get("/v1/events", "").await;
    let data = events.body["data"].as_array().unwrap();
    let types: Vec<&str> = data.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        vec!["customer.deleted", "customer.updated", "customer.created"]
    );
    let created_event = &data[2];
    assert_eq!(created_event["data"]["object"]["id"], id);
    assert_eq!(created_event["request"]["idempotency_key"], "evt-key");
    assert_eq!(
        created_event["request"]["id"].as_str(),
        created.header("request-id")
    );
    assert_eq!(
        data[1]["data"]["previous_attributes"],
        json!({"email": "a@x.io"})
    );
    assert_eq!(data[1]["data"]["object"]["email"], "b@x.io");

    let filtered = app.get("/v1/events", "type=customer.up*").await;
    assert_eq!(filtered.body["data"].as_array().unwrap().len(), 1);
    let filtered = app
        .get(
            "/v1/events",
            "types[0]=customer.created&types[1]=customer.deleted",
        )
        .await;
    assert_eq!(filtered.body["data"].as_array().unwrap().len(), 2);
    let one = app
        .get(
            &format!("/v1/events/{}", data[0]["id"].as_str().unwrap()),
            "",
        )
        .await;
    assert_eq!(one.body["type"], "customer.deleted");
    app.stop().await;
}

#[tokio::test]
async fn list_pages_both_ways_and_filters() {
    let app = TestApp::spawn().await;
    let mut ids = Vec::new();
    for i in 0..25 {
        let email = if i % 5 == 0 {
            "five%40x.io"
        } else {
            "other%40x.io"
        };
        let created = app
            .post("/v1/customers", &format!("email={email}&name=c{i}"))
            .await;
        ids.push(created.body["id"].as_str().unwrap().to_owned());
    }
    ids.reverse(); // newest first

    let mut seen = Vec::new();
    let mut query = "limit=10".to_owned();
    loop {
        let page = app.get("/v1/customers", &query).await;
        assert_eq!(page.body["url"], "/v1/customers");
        let data = page.body["data"].as_array().unwrap();
        seen.extend(data.iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        if page.body["has_more"] == false {
            break;
        }
        query = format!("limit=10&starting_after={}", seen.last().unwrap());
    }
    assert_eq!(seen, ids);

    let before = app
        .get(
            "/v1/customers",
            &format!("limit=3&ending_before={}", ids[10]),
        )
        .await;
    let page: Vec<&str> = before.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        page,
        vec![ids[7].as_str(), ids[8].as_str(), ids[9].as_str()]
    );
    assert_eq!(before.body["has_more"], true);

    let filtered = app
        .get("/v1/customers", "email=five%40x.io&limit=100")
        .await;
    assert_eq!(filtered.body["data"].as_array().unwrap().len(), 5);
    // A cursor is a parameter: an unknown one is a 400, as for any id passed as a parameter.
    let missing = app.get("/v1/customers", "starting_after=cus_nope").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.error("code"), Some("resource_missing"));
    assert_eq!(missing.error("param"), Some("starting_after"));
    app.stop().await;
}

#[tokio::test]
async fn another_account_sees_nothing() {
    let app = TestApp::spawn().await;
    let created = app.post("/v1/customers", "name=Mine").await;
    let id = created.body["id"].as_str().unwrap();
    let other = app.other_account().await;
    let path = format!("/v1/customers/{id}");
    for (method, form) in [
        (Method::GET, ""),
        (Method::POST, "name=x"),
        (Method::DELETE, ""),
    ] {
        let answer = app
            .call_as(&other.secret_key, method, &path, form, &[])
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        assert_eq!(answer.error("code"), Some("resource_missing"));
    }
    let list = app
        .call_as(&other.secret_key, Method::GET, "/v1/customers", "", &[])
        .await;
    assert_eq!(list.body["data"], json!([]));
    let events = app
        .call_as(&other.secret_key, Method::GET, "/v1/events", "", &[])
        .await;
    assert_eq!(events.body["data"], json!([]));
    let mine = app.get(&path, "").await;
    assert_eq!(mine.body["name"], "Mine");
    app.stop().await;
}

#[tokio::test]
async fn detaching_the_default_payment_method_clears_it_with_a_customer_updated_event() {
    let app = TestApp::spawn().await;
    let customer = app.post("/v1/customers", "").await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let attached = app
        .post(
            "/v1/payment_methods/pm_card_visa/attach",
            &format!("customer={customer}"),
        )
        .await;
    let pm = attached.body["id"].as_str().unwrap().to_owned();
    let set = app
        .post(
            &format!("/v1/customers/{customer}"),
            &format!("invoice_settings[default_payment_method]={pm}"),
        )
        .await;
    assert_eq!(set.body["invoice_settings"]["default_payment_method"], pm);

    let detached = app
        .post(&format!("/v1/payment_methods/{pm}/detach"), "")
        .await;
    assert_eq!(detached.status, StatusCode::OK, "{:?}", detached.body);
    let after = app.get(&format!("/v1/customers/{customer}"), "").await;
    assert_eq!(
        after.body["invoice_settings"]["default_payment_method"],
        serde_json::Value::Null
    );
    let events = app.get("/v1/events", "type=customer.updated").await;
    let latest = &events.body["data"][0]["data"];
    assert_eq!(latest["object"]["id"], customer.as_str());
    assert_eq!(
        latest["previous_attributes"]["invoice_settings"]["default_payment_method"],
        pm.as_str()
    );
    assert_eq!(
        latest["object"]["invoice_settings"]["default_payment_method"],
        serde_json::Value::Null
    );
    app.stop().await;
}
