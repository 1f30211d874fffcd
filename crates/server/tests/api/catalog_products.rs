//! `/v1/products` end to end: every endpoint, `default_price_data`, `expand[]=default_price`,
//! the delete Stripe refuses while prices exist, list filters, and the events recorded.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::catalog_prices::event_types;
use crate::helpers::TestApp;

fn id(body: &Value) -> String {
    body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn create_retrieve_update_delete_with_events() {
    let app = TestApp::spawn().await;
    let created = app
        .post(
            "/v1/products",
            "name=Gold+plan&description=The+best&metadata[tier]=gold&images[]=https%3A%2F%2Fx.io%2Fa.png\
             &marketing_features[0][name]=Fast&statement_descriptor=GOLD+PLAN&unit_label=seat\
             &tax_code=txcd_10000000&url=https%3A%2F%2Fx.io&shippable=false",
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    let product = id(&created.body);
    assert!(product.starts_with("prod_"));
    assert_eq!(created.body["object"], "product");
    assert_eq!(created.body["active"], true);
    assert_eq!(created.body["type"], "service");
    assert_eq!(created.body["default_price"], Value::Null);
    assert_eq!(created.body["images"], json!(["https://x.io/a.png"]));
    assert_eq!(
        created.body["marketing_features"],
        json!([{"name": "Fast"}])
    );
    assert_eq!(created.body["package_dimensions"], Value::Null);
    assert_eq!(created.body["shippable"], false);
    assert_eq!(created.body["statement_descriptor"], "GOLD PLAN");
    assert_eq!(created.body["updated"], created.body["created"]);
    assert_eq!(created.body["livemode"], false);

    let fetched = app.get(&format!("/v1/products/{product}"), "").await;
    assert_eq!(fetched.body, created.body);

    let updated = app
        .post(
            &format!("/v1/products/{product}"),
            "name=Platinum&description=&metadata[tier]=",
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{:?}", updated.body);
    assert_eq!(updated.body["name"], "Platinum");
    assert_eq!(updated.body["description"], Value::Null);
    assert_eq!(updated.body["metadata"], json!({}));
    let immutable = app
        .post(&format!("/v1/products/{product}"), "type=good")
        .await;
    assert_eq!(immutable.status, StatusCode::BAD_REQUEST);
    assert_eq!(immutable.error("code"), Some("parameter_unknown"));
    assert_eq!(immutable.error("param"), Some("type"));

    let deleted = app
        .call(Method::DELETE, &format!("/v1/products/{product}"), "")
        .await;
    assert_eq!(
        deleted.body,
        json!({"id": product, "object": "product", "deleted": true})
    );
    let after = app.get(&format!("/v1/products/{product}"), "").await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.body["deleted"], true);
    let again = app
        .call(Method::DELETE, &format!("/v1/products/{product}"), "")
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(again.error("code"), Some("resource_missing"));

    let events = app.get("/v1/events", "type=product.*").await;
    let data = events.body["data"].as_array().unwrap();
    assert_eq!(
        event_types(&events.body),
        ["product.deleted", "product.updated", "product.created"]
    );
    assert_eq!(
        data[1]["data"]["previous_attributes"]["description"],
        "The best"
    );
    assert_eq!(data[1]["data"]["previous_attributes"]["name"], "Gold plan");
    assert_eq!(
        data[1]["data"]["previous_attributes"]["metadata"],
        json!({"tier": "gold"})
    );
    assert_eq!(data[0]["data"]["object"]["name"], "Platinum");
    app.stop().await;
}

#[tokio::test]
async fn default_price_data_creates_the_default_price_in_one_request() {
    let app = TestApp::spawn().await;
    let created = app
        .post(
            "/v1/products",
            "name=Monthly&default_price_data[currency]=usd&default_price_data[unit_amount]=1500\
             &default_price_data[recurring][interval]=month&default_price_data[tax_behavior]=exclusive\
             &expand[]=default_price",
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    let product = id(&created.body);
    let price = &created.body["default_price"];
    assert_eq!(price["object"], "price");
    assert_eq!(price["product"], product.as_str());
    assert_eq!(price["unit_amount"], 1500);
    assert_eq!(price["unit_amount_decimal"], "1500");
    assert_eq!(price["type"], "recurring");
    assert_eq!(price["recurring"]["interval"], "month");
    assert_eq!(price["tax_behavior"], "exclusive");
    let price_id = id(price);
    let plain = app.get(&format!("/v1/products/{product}"), "").await;
    assert_eq!(plain.body["default_price"], price_id.as_str());

    let events = app.get("/v1/events", "").await;
    assert_eq!(
        event_types(&events.body),
        ["price.created", "product.created"]
    );

    // The default price is archived only once another price is the default.
    let archive = app
        .post(&format!("/v1/prices/{price_id}"), "active=false")
        .await;
    assert_eq!(archive.status, StatusCode::BAD_REQUEST);
    assert_eq!(archive.error("param"), Some("active"));
    let yearly = app
        .post(
            "/v1/prices",
            &format!("product={product}&currency=usd&unit_amount=15000&recurring[interval]=year"),
        )
        .await;
    let yearly = id(&yearly.body);
    let other = app
        .post(
            "/v1/products",
            "name=Other&default_price_data[currency]=usd&default_price_data[unit_amount]=1",
        )
        .await;
    let foreign = other.body["default_price"].as_str().unwrap().to_owned();
    let refused = app
        .post(
            &format!("/v1/products/{product}"),
            &format!("default_price={foreign}"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.error("param"), Some("default_price"));
    let missing = app
        .post(
            &format!("/v1/products/{product}"),
            "default_price=price_nope",
        )
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.error("code"), Some("resource_missing"));
    assert_eq!(missing.error("param"), Some("default_price"));
    let switched = app
        .post(
            &format!("/v1/products/{product}"),
            &format!("default_price={yearly}&expand[]=default_price"),
        )
        .await;
    assert_eq!(switched.status, StatusCode::OK, "{:?}", switched.body);
    assert_eq!(switched.body["default_price"]["id"], yearly.as_str());
    let archived = app
        .post(&format!("/v1/prices/{price_id}"), "active=false")
        .await;
    assert_eq!(archived.status, StatusCode::OK, "{:?}", archived.body);
    assert_eq!(archived.body["active"], false);

    // Stripe refuses to delete a product with prices, archived ones included.
    let delete = app
        .call(Method::DELETE, &format!("/v1/products/{product}"), "")
        .await;
    assert_eq!(delete.status, StatusCode::BAD_REQUEST);
    assert_eq!(delete.error("type"), Some("invalid_request_error"));
    assert_eq!(
        delete.error("message"),
        Some("This product cannot be deleted because it has one or more user-created prices.")
    );
    app.stop().await;
}

#[tokio::test]
async fn create_refuses_bad_input() {
    let app = TestApp::spawn().await;
    let missing = app.post("/v1/products", "description=x").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.error("code"), Some("parameter_missing"));
    assert_eq!(missing.error("param"), Some("name"));
    let price_missing_currency = app
        .post("/v1/products", "name=x&default_price_data[unit_amount]=5")
        .await;
    assert_eq!(
        price_missing_currency.error("param"),
        Some("default_price_data[currency]")
    );
    let custom = app.post("/v1/products", "name=Custom&id=gold-plan").await;
    assert_eq!(custom.status, StatusCode::OK, "{:?}", custom.body);
    assert_eq!(custom.body["id"], "gold-plan");
    let taken = app.post("/v1/products", "name=Again&id=gold-plan").await;
    assert_eq!(taken.status, StatusCode::BAD_REQUEST);
    assert_eq!(taken.error("code"), Some("resource_already_exists"));
    assert_eq!(taken.error("param"), Some("id"));
    let bad_type = app.post("/v1/products", "name=x&type=thing").await;
    assert_eq!(bad_type.error("param"), Some("type"));
    let descriptor = app
        .post("/v1/products", "name=x&statement_descriptor=%3C%3E")
        .await;
    assert_eq!(descriptor.error("param"), Some("statement_descriptor"));
    app.stop().await;
}

#[tokio::test]
async fn list_filters_and_pages() {
    let app = TestApp::spawn().await;
    let mut ids = Vec::new();
    for i in 0..6 {
        let form = format!(
            "name=p{i}&shippable={}&active={}{}",
            i % 2 == 0,
            i != 5,
            if i == 1 {
                "&url=https%3A%2F%2Fone.io"
            } else {
                ""
            }
        );
        let created = app.post("/v1/products", &form).await;
        ids.push(id(&created.body));
    }
    ids.reverse(); // newest first
    let listed = |body: &Value| -> Vec<String> {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = app.get("/v1/products", "").await;
    assert_eq!(listed(&all.body), ids, "no default active filter");
    assert_eq!(all.body["url"], "/v1/products");
    let active = app.get("/v1/products", "active=true").await;
    assert_eq!(listed(&active.body), ids[1..].to_vec());
    let archived = app.get("/v1/products", "active=false").await;
    assert_eq!(listed(&archived.body), vec![ids[0].clone()]);
    let shippable = app.get("/v1/products", "shippable=true").await;
    assert_eq!(
        listed(&shippable.body),
        vec![ids[1].clone(), ids[3].clone(), ids[5].clone()]
    );
    let url = app.get("/v1/products", "url=https%3A%2F%2Fone.io").await;
    assert_eq!(listed(&url.body), vec![ids[4].clone()]);
    let some = app
        .get(
            "/v1/products",
            &format!("ids[]={}&ids[]={}&ids[]=prod_nope", ids[5], ids[2]),
        )
        .await;
    assert_eq!(listed(&some.body), vec![ids[2].clone(), ids[5].clone()]);
    let first = app.get("/v1/products", "limit=2").await;
    assert_eq!(listed(&first.body), ids[..2].to_vec());
    assert_eq!(first.body["has_more"], true);
    let next = app
        .get(
            "/v1/products",
            &format!("limit=2&shippable=true&starting_after={}", ids[1]),
        )
        .await;
    assert_eq!(listed(&next.body), vec![ids[3].clone(), ids[5].clone()]);
    assert_eq!(next.body["has_more"], false);
    let unknown = app.get("/v1/products", "colour=red").await;
    assert_eq!(unknown.error("param"), Some("colour"));
    app.stop().await;
}

/// Another account's secret key reaches none of this account's products and prices, and
/// lookup keys are per account: the same key is free in another.
#[tokio::test]
async fn accounts_see_only_their_own_catalog() {
    let app = TestApp::spawn().await;
    let product = app
        .post(
            "/v1/products",
            "name=Mine&default_price_data[currency]=usd&default_price_data[unit_amount]=5",
        )
        .await;
    let price = product.body["default_price"].as_str().unwrap().to_owned();
    let product = id(&product.body);
    let keyed = app
        .post(
            "/v1/prices",
            &format!("product={product}&currency=usd&unit_amount=9&lookup_key=shared"),
        )
        .await;
    assert_eq!(keyed.status, StatusCode::OK, "{:?}", keyed.body);
    let b = app.other_account().await;
    let as_b = |method: Method, path: String, form: String| {
        let key = b.secret_key.clone();
        let app = &app;
        async move { app.call_as(&key, method, &path, &form, &[]).await }
    };
    for (method, path, form) in [
        (Method::GET, format!("/v1/products/{product}"), ""),
        (
            Method::POST,
            format!("/v1/products/{product}"),
            "name=Theirs",
        ),
        (Method::DELETE, format!("/v1/products/{product}"), ""),
        (Method::GET, format!("/v1/prices/{price}"), ""),
        (Method::POST, format!("/v1/prices/{price}"), "nickname=x"),
    ] {
        let answer = as_b(method.clone(), path.clone(), form.into()).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(answer.error("code"), Some("resource_missing"));
    }
    let on_theirs = as_b(
        Method::POST,
        "/v1/prices".into(),
        format!("product={product}&currency=usd&unit_amount=5"),
    )
    .await;
    assert_eq!(on_theirs.status, StatusCode::BAD_REQUEST);
    assert_eq!(on_theirs.error("param"), Some("product"));
    let listed = as_b(
        Method::GET,
        "/v1/prices".into(),
        "lookup_keys[]=shared".into(),
    )
    .await;
    assert_eq!(listed.body["data"], json!([]));
    let all = as_b(Method::GET, "/v1/products".into(), String::new()).await;
    assert_eq!(all.body["data"], json!([]));
    let own = as_b(Method::POST, "/v1/products".into(), "name=Theirs".into()).await;
    let own = id(&own.body);
    let same_key = as_b(
        Method::POST,
        "/v1/prices".into(),
        format!("product={own}&currency=usd&unit_amount=5&lookup_key=shared"),
    )
    .await;
    assert_eq!(same_key.status, StatusCode::OK, "{:?}", same_key.body);
    let mine = app.get("/v1/prices", "lookup_keys[]=shared").await;
    assert_eq!(mine.body["data"][0]["id"], keyed.body["id"]);
    app.stop().await;
}
