//! The catalog's rules under concurrency, on both backends: one lookup key, one price; never a
//! price of a deleted product (decision 13). Every request goes out at once on its own task
//! over a real HTTP client, on a multi-threaded runtime; the assertions count outcomes.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::catalog_prices::{id, listed, product};
use crate::helpers::{SECRET_KEY, TestApp};

/// Sends every `(method, path, form)` at once, each on its own task; a `429 lock_timeout`
/// (Tender gave up re-executing after losing races) is retried, as SDKs retry it.
async fn race(app: &TestApp, requests: Vec<(Method, String, String)>) -> Vec<(StatusCode, Value)> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(requests.len())
        .build()
        .unwrap();
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|(method, path, form)| {
            let client = client.clone();
            let url = format!("{}{path}", app.base);
            tokio::spawn(async move {
                loop {
                    let response = client
                        .request(method.clone(), &url)
                        .bearer_auth(SECRET_KEY)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(form.clone())
                        .send()
                        .await
                        .unwrap();
                    let status = response.status();
                    let body: Value = response.json().await.unwrap();
                    if status != StatusCode::TOO_MANY_REQUESTS {
                        return (status, body);
                    }
                }
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

/// Twenty requests race for one lookup key: exactly one gets it, the others are refused with
/// Stripe's error naming the winner, and exactly one price holds the key.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_lookup_key_has_one_price_under_concurrency() {
    let app = TestApp::spawn().await;
    let product = product(&app, "Race").await;
    let form = format!("product={product}&currency=usd&unit_amount=5&lookup_key=race");
    let requests = (0..20)
        .map(|_| (Method::POST, "/v1/prices".to_owned(), form.clone()))
        .collect();
    let mut won = Vec::new();
    let mut refused = Vec::new();
    for (status, body) in race(&app, requests).await {
        match status {
            StatusCode::OK => won.push(id(&body)),
            StatusCode::BAD_REQUEST => {
                refused.push(body["error"]["message"].as_str().unwrap().to_owned())
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(won.len(), 1, "{won:?}");
    assert_eq!(refused.len(), 19);
    let message = format!("A price (`{}`) already uses that lookup key.", won[0]);
    assert!(refused.iter().all(|m| *m == message), "{refused:?}");
    let holders = app.get("/v1/prices", "lookup_keys[]=race").await;
    assert_eq!(listed(&holders.body), won);
    let all = app.get("/v1/prices", &format!("product={product}")).await;
    assert_eq!(all.body["data"].as_array().unwrap().len(), 1);
    app.stop().await;
}

/// A product delete racing price creates for that product: never a price of a deleted
/// product. Either the delete is refused (a price committed first), or it commits and every
/// create that lost to it is refused as naming a missing product.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_product_delete_never_leaves_prices_behind() {
    let app = TestApp::spawn().await;
    for _ in 0..5 {
        let product = product(&app, "Contested").await;
        let create = format!("product={product}&currency=usd&unit_amount=5");
        let mut requests: Vec<_> = (0..6)
            .map(|_| (Method::POST, "/v1/prices".to_owned(), create.clone()))
            .collect();
        requests.insert(
            3,
            (
                Method::DELETE,
                format!("/v1/products/{product}"),
                String::new(),
            ),
        );
        let answers = race(&app, requests).await;
        let (delete_status, delete_body) = &answers[3];
        let created = answers
            .iter()
            .filter(|(status, body)| *status == StatusCode::OK && body["object"] == "price")
            .count();
        let prices = app
            .get("/v1/prices", &format!("product={product}&limit=100"))
            .await;
        assert_eq!(prices.body["data"].as_array().unwrap().len(), created);
        if *delete_status == StatusCode::OK {
            assert_eq!(delete_body["deleted"], true);
            assert_eq!(created, 0, "a price outlived its product");
        } else {
            assert_eq!(*delete_status, StatusCode::BAD_REQUEST, "{delete_body}");
            assert!(created > 0);
        }
        for (status, body) in &answers {
            if *status != StatusCode::OK {
                let code = body["error"]["code"].as_str();
                assert!(
                    code == Some("resource_missing")
                        || body["error"]["message"]
                            .as_str()
                            .unwrap()
                            .starts_with("This product cannot be deleted"),
                    "{body}"
                );
            }
        }
    }
    app.stop().await;
}
