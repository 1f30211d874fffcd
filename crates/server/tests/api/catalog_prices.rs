//! `/v1/prices` end to end: the Price object as Stripe renders it, `product` and
//! `product_data`, errors naming their parameter, lookup keys (unique per account, moved with
//! `transfer_lookup_key`; under concurrency in `catalog_races.rs`), list filters and
//! `expand[]=product`.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::TestApp;

pub fn id(body: &Value) -> String {
    body["id"].as_str().unwrap().to_owned()
}

pub fn listed(body: &Value) -> Vec<String> {
    body["data"].as_array().unwrap().iter().map(id).collect()
}

/// The `type` of each event `/v1/events?{query}` lists, newest first.
pub fn event_types(events: &Value) -> Vec<&str> {
    events["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect()
}

pub async fn product(app: &TestApp, name: &str) -> String {
    id(&app.post("/v1/products", &format!("name={name}")).await.body)
}

#[tokio::test]
async fn create_retrieve_update_with_events() {
    let app = TestApp::spawn().await;
    let product = product(&app, "Gold").await;
    let created = app
        .post(
            "/v1/prices",
            &format!(
                "product={product}&currency=USD&unit_amount=2000&recurring[interval]=month\
                 &recurring[interval_count]=3&nickname=Quarterly&metadata[plan]=gold&lookup_key=gold_q"
            ),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    let price = id(&created.body);
    assert!(price.starts_with("price_"));
    let expected = json!({
        "id": price,
        "object": "price",
        "active": true,
        "billing_scheme": "per_unit",
        "created": created.body["created"],
        "currency": "usd",
        "custom_unit_amount": null,
        "livemode": false,
        "lookup_key": "gold_q",
        "metadata": {"plan": "gold"},
        "nickname": "Quarterly",
        "product": product,
        "recurring": {
            "interval": "month",
            "interval_count": 3,
            "meter": null,
            "trial_period_days": null,
            "usage_type": "licensed"
        },
        "tax_behavior": "unspecified",
        "tiers_mode": null,
        "transform_quantity": null,
        "type": "recurring",
        "unit_amount": 2000,
        "unit_amount_decimal": "2000"
    });
    assert_eq!(created.body, expected);
    let fetched = app.get(&format!("/v1/prices/{price}"), "").await;
    assert_eq!(fetched.body, expected);
    let expanded = app
        .get(&format!("/v1/prices/{price}"), "expand[]=product")
        .await;
    assert_eq!(expanded.body["product"]["id"], product.as_str());
    assert_eq!(expanded.body["product"]["name"], "Gold");

    let updated = app
        .post(
            &format!("/v1/prices/{price}"),
            "nickname=&metadata[plan]=platinum&tax_behavior=inclusive",
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{:?}", updated.body);
    assert_eq!(updated.body["nickname"], Value::Null);
    assert_eq!(updated.body["tax_behavior"], "inclusive");
    for immutable in [
        "unit_amount=5",
        "currency=eur",
        "recurring[interval]=year",
        "product=x",
    ] {
        let refused = app.post(&format!("/v1/prices/{price}"), immutable).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{immutable}");
        assert_eq!(
            refused.error("code"),
            Some("parameter_unknown"),
            "{immutable}"
        );
    }
    let fixed = app
        .post(&format!("/v1/prices/{price}"), "tax_behavior=exclusive")
        .await;
    assert_eq!(fixed.error("param"), Some("tax_behavior"));
    let no_delete = app
        .call(Method::DELETE, &format!("/v1/prices/{price}"), "")
        .await;
    assert_eq!(no_delete.status, StatusCode::NOT_FOUND);

    let events = app.get("/v1/events", "type=price.*").await;
    assert_eq!(
        event_types(&events.body),
        ["price.updated", "price.created"]
    );
    let data = events.body["data"].as_array().unwrap();
    assert_eq!(
        data[0]["data"]["previous_attributes"],
        json!({"metadata": {"plan": "gold"}, "nickname": "Quarterly", "tax_behavior": "unspecified"})
    );
    app.stop().await;
}

#[tokio::test]
async fn product_data_decimals_and_custom_amounts() {
    let app = TestApp::spawn().await;
    let created = app
        .post(
            "/v1/prices",
            "product_data[name]=Metered+thing&product_data[metadata][k]=v&currency=eur\
             &unit_amount_decimal=12.50&expand[]=product",
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    assert_eq!(created.body["unit_amount"], Value::Null);
    assert_eq!(created.body["unit_amount_decimal"], "12.5");
    assert_eq!(created.body["type"], "one_time");
    assert_eq!(created.body["recurring"], Value::Null);
    assert_eq!(created.body["product"]["name"], "Metered thing");
    assert_eq!(created.body["product"]["type"], "service");
    assert_eq!(created.body["product"]["metadata"], json!({"k": "v"}));
    let custom = app
        .post(
            "/v1/prices",
            "product_data[name]=Tip&currency=usd&custom_unit_amount[enabled]=true\
             &custom_unit_amount[minimum]=100&custom_unit_amount[maximum]=10000",
        )
        .await;
    assert_eq!(custom.status, StatusCode::OK, "{:?}", custom.body);
    assert_eq!(
        custom.body["custom_unit_amount"],
        json!({"maximum": 10000, "minimum": 100, "preset": null})
    );
    assert_eq!(custom.body["unit_amount"], Value::Null);
    let events = app.get("/v1/events", "").await;
    assert_eq!(
        event_types(&events.body),
        [
            "price.created",
            "product.created",
            "price.created",
            "product.created"
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn errors_name_their_parameter() {
    let app = TestApp::spawn().await;
    let product = product(&app, "P").await;
    let cases: &[(&str, u16, Option<&str>, Option<&str>)] = &[
        (
            "product=prod_nope&currency=usd&unit_amount=5",
            400,
            Some("product"),
            Some("resource_missing"),
        ),
        (
            "unit_amount=5&product={p}",
            400,
            Some("currency"),
            Some("parameter_missing"),
        ),
        (
            "product={p}&currency=usd&unit_amount=5&unit_amount_decimal=5",
            400,
            Some("unit_amount"),
            None,
        ),
        (
            "product={p}&currency=usd&unit_amount=5&recurring[interval]=fortnight",
            400,
            Some("recurring[interval]"),
            None,
        ),
        (
            "product={p}&currency=usd&unit_amount=5&recurring[interval]=year&recurring[interval_count]=4",
            400,
            Some("recurring[interval_count]"),
            None,
        ),
        (
            "product={p}&currency=usd&unit_amount=5&recurring[interval]=month&recurring[usage_type]=metered",
            400,
            Some("recurring[usage_type]"),
            None,
        ),
        (
            "product={p}&currency=usd&unit_amount=5&billing_scheme=tiered",
            400,
            Some("billing_scheme"),
            None,
        ),
        (
            "product={p}&currency=xyz&unit_amount=5",
            400,
            Some("currency"),
            None,
        ),
        (
            "product={p}&product_data[name]=x&currency=usd&unit_amount=5",
            400,
            Some("product"),
            None,
        ),
        ("currency=usd&unit_amount=5", 400, None, None),
        (
            "product={p}&currency=usd&unit_amount=5&colour=red",
            400,
            Some("colour"),
            Some("parameter_unknown"),
        ),
    ];
    for (form, status, param, code) in cases {
        let form = form.replace("{p}", &product);
        let answer = app.post("/v1/prices", &form).await;
        assert_eq!(answer.status.as_u16(), *status, "{form}: {:?}", answer.body);
        assert_eq!(
            answer.error("type"),
            Some("invalid_request_error"),
            "{form}"
        );
        assert_eq!(answer.error("param"), *param, "{form}");
        assert_eq!(answer.error("code"), *code, "{form}");
    }
    let missing = app
        .post("/v1/prices", "product=prod_nope&currency=usd&unit_amount=5")
        .await;
    assert_eq!(
        missing.error("message"),
        Some("No such product: 'prod_nope'")
    );
    let deleted = product_deleted(&app).await;
    let on_deleted = app
        .post(
            "/v1/prices",
            &format!("product={deleted}&currency=usd&unit_amount=5"),
        )
        .await;
    assert_eq!(on_deleted.error("code"), Some("resource_missing"));
    let unknown = app.get("/v1/prices/price_nope", "").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(
        unknown.error("message"),
        Some("No such price: 'price_nope'")
    );
    let none = app.get("/v1/events", "type=price.created").await;
    assert_eq!(
        none.body["data"],
        json!([]),
        "refused requests write nothing"
    );
    app.stop().await;
}

async fn product_deleted(app: &TestApp) -> String {
    let product = product(app, "Gone").await;
    app.call(Method::DELETE, &format!("/v1/products/{product}"), "")
        .await;
    product
}

#[tokio::test]
async fn lookup_keys_are_unique_and_transfer() {
    let app = TestApp::spawn().await;
    let product = product(&app, "P").await;
    let base = format!("product={product}&currency=usd&unit_amount=5");
    let first = app
        .post("/v1/prices", &format!("{base}&lookup_key=std"))
        .await;
    let first = id(&first.body);
    // Taken even once archived.
    app.post(&format!("/v1/prices/{first}"), "active=false")
        .await;
    let taken = app
        .post("/v1/prices", &format!("{base}&lookup_key=std"))
        .await;
    assert_eq!(taken.status, StatusCode::BAD_REQUEST);
    assert_eq!(taken.error("param"), Some("lookup_key"));
    assert_eq!(
        taken.error("message"),
        Some(format!("A price (`{first}`) already uses that lookup key.").as_str())
    );
    let moved = app
        .post(
            "/v1/prices",
            &format!("{base}&lookup_key=std&transfer_lookup_key=true"),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    let second = id(&moved.body);
    assert_eq!(moved.body["lookup_key"], "std");
    let old = app.get(&format!("/v1/prices/{first}"), "").await;
    assert_eq!(old.body["lookup_key"], Value::Null);
    let events = app.get("/v1/events", "type=price.updated").await;
    let last = &events.body["data"][0];
    assert_eq!(last["data"]["object"]["id"], first.as_str());
    assert_eq!(
        last["data"]["previous_attributes"],
        json!({"lookup_key": "std"})
    );

    // An update takes a key the same way, and frees the one it had.
    let third = app
        .post("/v1/prices", &format!("{base}&lookup_key=other"))
        .await;
    let third = id(&third.body);
    let refused = app
        .post(&format!("/v1/prices/{third}"), "lookup_key=std")
        .await;
    assert_eq!(refused.error("param"), Some("lookup_key"));
    let took = app
        .post(
            &format!("/v1/prices/{third}"),
            "lookup_key=std&transfer_lookup_key=true",
        )
        .await;
    assert_eq!(took.body["lookup_key"], "std");
    let freed = app
        .post("/v1/prices", &format!("{base}&lookup_key=other"))
        .await;
    assert_eq!(freed.status, StatusCode::OK, "{:?}", freed.body);
    let by_key = app
        .get(
            "/v1/prices",
            "lookup_keys[]=std&lookup_keys[]=other&lookup_keys[]=none",
        )
        .await;
    assert_eq!(listed(&by_key.body), vec![id(&freed.body), third.clone()]);
    let second_now = app.get(&format!("/v1/prices/{second}"), "").await;
    assert_eq!(second_now.body["lookup_key"], Value::Null);
    app.stop().await;
}

#[tokio::test]
async fn list_shows_active_prices_and_filters() {
    let app = TestApp::spawn().await;
    let a = product(&app, "A").await;
    let b = product(&app, "B").await;
    let mut ids = Vec::new();
    for (product, extra) in [
        (&a, "currency=usd&recurring[interval]=month"),
        (&a, "currency=usd"),
        (&b, "currency=eur&recurring[interval]=year"),
        (&b, "currency=usd&recurring[interval]=month&active=false"),
        (&a, "currency=eur&recurring[interval]=month"),
    ] {
        let created = app
            .post(
                "/v1/prices",
                &format!("product={product}&unit_amount=100&{extra}"),
            )
            .await;
        assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
        ids.push(id(&created.body));
    }
    let [m_usd, once_usd, y_eur, archived, m_eur] = ids.try_into().unwrap();
    let list = |query: &'static str| {
        let app = &app;
        async move { listed(&app.get("/v1/prices", query).await.body) }
    };
    assert_eq!(
        list("").await,
        [
            m_eur.as_str(),
            y_eur.as_str(),
            once_usd.as_str(),
            m_usd.as_str()
        ]
    );
    assert_eq!(list("active=false").await, [archived.as_str()]);
    assert_eq!(list("type=one_time").await, [once_usd.as_str()]);
    assert_eq!(list("type=recurring&currency=usd").await, [m_usd.as_str()]);
    assert_eq!(
        list("recurring[interval]=month").await,
        [m_eur.as_str(), m_usd.as_str()]
    );
    assert_eq!(
        list("recurring[usage_type]=licensed").await,
        [m_eur.as_str(), y_eur.as_str(), m_usd.as_str()]
    );
    assert_eq!(list("currency=EUR").await, [m_eur.as_str(), y_eur.as_str()]);
    let of_a = app.get("/v1/prices", &format!("product={a}&limit=2")).await;
    assert_eq!(listed(&of_a.body), [m_eur.as_str(), once_usd.as_str()]);
    assert_eq!(of_a.body["has_more"], true);
    let rest = app
        .get(
            "/v1/prices",
            &format!("product={a}&limit=2&starting_after={once_usd}"),
        )
        .await;
    assert_eq!(listed(&rest.body), [m_usd.as_str()]);
    assert_eq!(rest.body["has_more"], false);
    let back = app
        .get(
            "/v1/prices",
            &format!("limit=1&ending_before={once_usd}&currency=eur"),
        )
        .await;
    assert_eq!(listed(&back.body), [y_eur.as_str()]);
    assert_eq!(back.body["has_more"], true);
    let expanded = app
        .get("/v1/prices", &format!("product={b}&expand[]=data.product"))
        .await;
    assert_eq!(expanded.body["data"][0]["product"]["name"], "B");
    let bad = app.get("/v1/prices", "recurring[interval]=hour").await;
    assert_eq!(bad.error("param"), Some("recurring[interval]"));
    let bad_type = app.get("/v1/prices", "type=sometimes").await;
    assert_eq!(bad_type.error("param"), Some("type"));
    app.stop().await;
}
