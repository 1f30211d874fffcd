//! `GET /v1/<resource>/search`: each operator through HTTP, pagination with `page` /
//! `next_page`, `total_count`, errors naming `query`, and account isolation.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{Answer, TestApp};

fn ids(answer: &Answer) -> Vec<String> {
    answer.body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("a search result: {:?}", answer.body))
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

fn encode(query: &str) -> String {
    percent_encode(query)
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn search(app: &TestApp, resource: &str, query: &str, extra: &str) -> Answer {
    app.get(
        &format!("/v1/{resource}/search"),
        &format!("query={}{extra}", encode(query)),
    )
    .await
}

async fn customer(app: &TestApp, form: &str) -> String {
    let created = app.post("/v1/customers", form).await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn customers_by_each_operator() {
    let app = TestApp::spawn().await;
    let amy = customer(
        &app,
        "email=amy%40rocketrides.io&name=Amy+Lee&metadata[tier]=gold",
    )
    .await;
    let bob = customer(&app, "email=bob%40example.com&name=Bob&phone=%2B15550100").await;
    let cid = customer(&app, "name=Cid&metadata[tier]=silver").await;

    let exact = search(&app, "customers", "email:'AMY@rocketrides.io'", "").await;
    assert_eq!(exact.status, StatusCode::OK, "{:?}", exact.body);
    assert_eq!(exact.body["object"], "search_result");
    assert_eq!(exact.body["url"], "/v1/customers/search");
    assert_eq!(exact.body["has_more"], false);
    assert_eq!(exact.body["next_page"], Value::Null);
    assert!(exact.body.get("total_count").is_none());
    assert_eq!(ids(&exact), vec![amy.clone()]);
    assert_eq!(exact.body["data"][0]["object"], "customer");

    let cases: [(&str, Vec<&String>); 9] = [
        ("name~'lee'", vec![&amy]),
        ("-name~'lee'", vec![&cid, &bob]),
        ("metadata['tier']:'gold'", vec![&amy]),
        ("metadata['tier']:null", vec![&bob]),
        ("-metadata['tier']:null", vec![&cid, &amy]),
        ("phone:null", vec![&cid, &amy]),
        ("name:'Bob' OR name:'Cid'", vec![&cid, &bob]),
        ("name:'Bob' AND email~'example'", vec![&bob]),
        ("email~'nobody'", vec![]),
    ];
    for (query, expected) in cases {
        let answer = search(&app, "customers", query, "").await;
        assert_eq!(answer.status, StatusCode::OK, "{query}: {:?}", answer.body);
        let expected: Vec<String> = expected.into_iter().cloned().collect();
        assert_eq!(ids(&answer), expected, "{query}");
    }
    let created = app.get(&format!("/v1/customers/{bob}"), "").await.body["created"]
        .as_i64()
        .unwrap();
    let since = search(&app, "customers", &format!("created>={created}"), "").await;
    assert!(ids(&since).contains(&bob), "{:?}", since.body);
    let before = search(&app, "customers", &format!("created<{created}"), "").await;
    assert!(!ids(&before).contains(&bob));

    // Deleted customers are not found.
    app.call(Method::DELETE, &format!("/v1/customers/{cid}"), "")
        .await;
    let after = search(&app, "customers", "name:'Cid'", "").await;
    assert_eq!(ids(&after), Vec::<String>::new());
    app.stop().await;
}

#[tokio::test]
async fn pages_follow_next_page_newest_first_and_total_count_is_on_request() {
    let app = TestApp::spawn().await;
    let mut made = Vec::new();
    for i in 0..7 {
        made.push(customer(&app, &format!("name=Page+{i}&metadata[batch]=p")).await);
        customer(&app, &format!("name=Other+{i}")).await;
    }
    made.reverse();
    let query = "metadata['batch']:'p'";
    let mut seen = Vec::new();
    let mut page = String::new();
    let mut pages = 0;
    loop {
        let answer = search(&app, "customers", query, &format!("&limit=3{page}")).await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        pages += 1;
        seen.extend(ids(&answer));
        match answer.body["next_page"].as_str() {
            Some(next) => {
                assert_eq!(answer.body["has_more"], true);
                page = format!("&page={next}");
            }
            None => {
                assert_eq!(answer.body["has_more"], false);
                break;
            }
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, made);

    let counted = search(&app, "customers", query, "&limit=2&expand[]=total_count").await;
    assert_eq!(counted.body["total_count"], 7);
    assert_eq!(ids(&counted), made[..2].to_vec());
    let default_limit = search(&app, "customers", "name~'page' OR name~'other'", "").await;
    assert_eq!(ids(&default_limit).len(), 10);
    assert_eq!(default_limit.body["has_more"], true);
    app.stop().await;
}

#[tokio::test]
async fn payment_intents_charges_and_the_catalog() {
    let app = TestApp::spawn().await;
    let cus = customer(&app, "name=Payer").await;
    let mut intents = Vec::new();
    for (amount, currency) in [(500, "usd"), (1500, "usd"), (2500, "eur")] {
        let pi = app
            .post(
                "/v1/payment_intents",
                &format!(
                    "amount={amount}&currency={currency}&customer={cus}&confirm=true\
                     &payment_method=pm_card_visa&payment_method_types[]=card&metadata[n]={amount}"
                ),
            )
            .await;
        assert_eq!(pi.status, StatusCode::OK, "{:?}", pi.body);
        intents.push(pi.body);
    }
    let id = |i: usize| intents[i]["id"].as_str().unwrap().to_owned();
    let charge = |i: usize| intents[i]["latest_charge"].as_str().unwrap().to_owned();
    for (query, expected) in [
        ("amount>1000", vec![id(2), id(1)]),
        ("amount>=1500 AND currency:'usd'", vec![id(1)]),
        ("-currency:'usd'", vec![id(2)]),
        ("amount<=500 OR amount:2500", vec![id(2), id(0)]),
        ("status:'succeeded' metadata['n']:'1500'", vec![id(1)]),
        (&format!("customer:'{cus}' amount<1000"), vec![id(0)]),
    ] {
        let answer = search(&app, "payment_intents", query, "").await;
        assert_eq!(ids(&answer), expected, "{query}: {:?}", answer.body);
    }
    let charges = search(&app, "charges", "amount>1000 refunded:false", "").await;
    assert_eq!(charges.body["url"], "/v1/charges/search");
    assert_eq!(ids(&charges), vec![charge(2), charge(1)]);
    let by_card = search(
        &app,
        "charges",
        "payment_method_details.card.last4:4242",
        "",
    )
    .await;
    assert_eq!(ids(&by_card).len(), 3);
    let by_intent = search(&app, "charges", &format!("payment_intent:'{}'", id(0)), "").await;
    assert_eq!(ids(&by_intent), vec![charge(0)]);
    let expanded = search(&app, "charges", "amount:500", "&expand[]=data.customer").await;
    assert_eq!(expanded.body["data"][0]["customer"]["id"], cus.as_str());

    let product = app
        .post("/v1/products", "name=Gold+plan&description=Shiny")
        .await;
    let product = product.body["id"].as_str().unwrap().to_owned();
    app.post("/v1/products", "name=Silver&active=false").await;
    let price = app
        .post(
            "/v1/prices",
            &format!("product={product}&unit_amount=900&currency=usd&lookup_key=gold_m"),
        )
        .await;
    let price = price.body["id"].as_str().unwrap().to_owned();
    let products = search(&app, "products", "name~'gold' active:'true'", "").await;
    assert_eq!(ids(&products), vec![product.clone()]);
    let inactive = search(&app, "products", "active:false", "").await;
    assert_eq!(ids(&inactive).len(), 1);
    let prices = search(
        &app,
        "prices",
        &format!("product:'{product}' AND lookup_key:'gold_m' AND type:'one_time'"),
        "",
    )
    .await;
    assert_eq!(prices.body["url"], "/v1/prices/search");
    assert_eq!(ids(&prices), vec![price]);
    app.stop().await;
}

#[tokio::test]
async fn bad_queries_are_400s_naming_query() {
    let app = TestApp::spawn().await;
    let missing = app.get("/v1/customers/search", "").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.error("code"), Some("parameter_missing"));
    assert_eq!(missing.error("param"), Some("query"));
    for (query, message) in [
        (
            "colour:'red'",
            "Field `colour` is an unsupported search field for resource `customers`",
        ),
        ("email~'am'", "at least 3 characters"),
        (
            "name:'a' AND name:'b' OR name:'c'",
            "cannot combine `AND` and `OR`",
        ),
        ("email>3", "does not support numeric comparison"),
        ("email:amy", "must be quoted"),
        ("email:'amy", "never closed"),
        ("created>'yesterday'", "takes an integer"),
    ] {
        let answer = search(&app, "customers", query, "").await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(answer.error("type"), Some("invalid_request_error"));
        assert_eq!(answer.error("param"), Some("query"), "{query}");
        let text = answer.error("message").unwrap();
        assert!(text.contains(message), "{query}: {text}");
    }
    let limit = search(&app, "customers", "name:'a'", "&limit=101").await;
    assert_eq!(limit.error("param"), Some("limit"));
    let page = search(&app, "customers", "name:'a'", "&page=%21%21").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_eq!(page.error("param"), Some("page"));
    let unknown = search(&app, "customers", "name:'a'", "&starting_after=cus_1").await;
    assert_eq!(unknown.error("param"), Some("starting_after"));
    app.stop().await;
}

#[tokio::test]
async fn an_account_searches_only_its_own_objects() {
    let app = TestApp::spawn().await;
    let mine = customer(&app, "email=same%40example.com").await;
    let other = app.other_account().await;
    let theirs = app
        .call_as(
            &other.secret_key,
            Method::POST,
            "/v1/customers",
            "email=same%40example.com",
            &[],
        )
        .await;
    let theirs = theirs.body["id"].as_str().unwrap().to_owned();
    let query = format!("query={}", encode("email:'same@example.com'"));
    let as_me = app.get("/v1/customers/search", &query).await;
    assert_eq!(ids(&as_me), vec![mine.clone()]);
    let as_them = app
        .call_as(
            &other.secret_key,
            Method::GET,
            "/v1/customers/search",
            &query,
            &[],
        )
        .await;
    assert_eq!(ids(&as_them), vec![theirs]);
    // A page token made for one account reads nothing of another's.
    let page = crate::search::page_of(&mine);
    let foreign = app
        .call_as(
            &other.secret_key,
            Method::GET,
            "/v1/customers/search",
            &format!("{query}&page={page}"),
            &[],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::BAD_REQUEST);
    assert_eq!(foreign.error("param"), Some("page"));
    // The publishable key cannot search.
    let public = app
        .call_as(
            crate::helpers::PUBLISHABLE_KEY,
            Method::GET,
            "/v1/customers/search",
            &query,
            &[],
        )
        .await;
    assert_eq!(public.status, StatusCode::UNAUTHORIZED);
    app.stop().await;
}

/// The `next_page` Tender gives after object `id` (base64url of the id, unpadded).
fn page_of(id: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bytes = id.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}
