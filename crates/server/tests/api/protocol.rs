//! Protocol behaviour shared by every endpoint: auth, request ids, errors, idempotency.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{PUBLISHABLE_KEY, SECRET_KEY, TestApp};

#[tokio::test]
async fn every_response_has_a_request_id_and_version() {
    let app = TestApp::spawn().await;
    let answer = app.get("/v1/customers", "").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.header("request-id").unwrap().starts_with("req_"));
    assert_eq!(answer.header("stripe-version"), Some("2026-10-28.endive"));
    let answer = app
        .call_as(
            SECRET_KEY,
            Method::GET,
            "/v1/customers",
            "",
            &[("stripe-version", "2020-08-27")],
        )
        .await;
    assert_eq!(answer.header("stripe-version"), Some("2020-08-27"));
    let answer = app
        .call_as(
            SECRET_KEY,
            Method::GET,
            "/v1/customers",
            "",
            &[("stripe-version", "banana")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    app.stop().await;
}

#[tokio::test]
async fn authentication_errors() {
    let app = TestApp::spawn().await;
    let answer = app.call_as("", Method::GET, "/v1/customers", "", &[]).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(
        answer
            .error("message")
            .unwrap()
            .starts_with("You did not provide an API key")
    );
    assert_eq!(
        answer.header("www-authenticate"),
        Some("Basic realm=\"Stripe\"")
    );

    let answer = app
        .call_as("sk_test_nope1234", Method::GET, "/v1/customers", "", &[])
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        answer.error("message"),
        Some("Invalid API Key provided: sk_test_****1234")
    );

    let answer = app
        .call_as(PUBLISHABLE_KEY, Method::GET, "/v1/customers", "", &[])
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.error("code"), Some("secret_key_required"));

    // Basic auth with the key as the user name, as `curl -u sk_test_…:` sends it.
    let response = app
        .client
        .get(format!("{}/v1/customers", app.base))
        .basic_auth(SECRET_KEY, Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn unknown_routes_and_methods_are_stripe_404s() {
    let app = TestApp::spawn().await;
    let answer = app.get("/v1/nope", "").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(
        answer
            .error("message")
            .unwrap()
            .starts_with("Unrecognized request URL (GET: /v1/nope)")
    );
    let answer = app.call(Method::DELETE, "/v1/customers", "").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.error("type"), Some("invalid_request_error"));
    app.stop().await;
}

#[tokio::test]
async fn bad_input_is_a_4xx_with_param_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let deep = format!("name{}=x", "[a]".repeat(50));
    let many = (0..10_000)
        .map(|i| format!("k{i}=v"))
        .collect::<Vec<_>>()
        .join("&");
    let cases: Vec<(String, u16, Option<&str>)> = vec![
        ("name=%zz".into(), 400, None),
        ("name=%ff%fe".into(), 400, None),
        (deep, 400, None),
        (many, 400, None),
        ("metadata=foo".into(), 400, Some("metadata")),
        ("email[a]=b".into(), 400, Some("email")),
        ("balance=99999999999999999999".into(), 400, Some("balance")),
        ("balance[x]=1".into(), 400, Some("balance")),
        ("bogus=1".into(), 400, Some("bogus")),
        ("address[bogus]=1".into(), 400, Some("address[bogus]")),
    ];
    for (form, status, param) in cases {
        let answer = app.post("/v1/customers", &form).await;
        assert_eq!(
            answer.status.as_u16(),
            status,
            "{form:.60}: {:?}",
            answer.body
        );
        assert!(answer.error("message").is_some());
        if let Some(param) = param {
            assert_eq!(answer.error("param"), Some(param), "{form:.60}");
        }
    }
    let big = format!("name={}", "x".repeat(2 << 20));
    let answer = app.post("/v1/customers", &big).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    let answer = app.get("/v1/customers", "limit=-5").await;
    assert_eq!(answer.error("param"), Some("limit"));
    let list = app.get("/v1/customers", "").await;
    assert_eq!(list.body["data"], json!([]));
    app.stop().await;
}

#[tokio::test]
async fn idempotent_replay_mismatch_and_errors_saved() {
    let app = TestApp::spawn().await;
    let key = [("idempotency-key", "key-1")];
    let first = app
        .call_as(SECRET_KEY, Method::POST, "/v1/customers", "name=A", &key)
        .await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.header("idempotent-replayed"), Some("false"));
    let again = app
        .call_as(SECRET_KEY, Method::POST, "/v1/customers", "name=A", &key)
        .await;
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.header("original-request"), first.header("request-id"));
    assert_ne!(again.header("request-id"), first.header("request-id"));

    let other = app
        .call_as(SECRET_KEY, Method::POST, "/v1/customers", "name=B", &key)
        .await;
    assert_eq!(other.status, StatusCode::BAD_REQUEST);
    assert_eq!(other.error("type"), Some("idempotency_error"));
    // Parameters that would not even parse: still the key's mismatch, not their own error
    // (the saved response is looked up even though nothing new is committed).
    let unparsable = app
        .call_as(SECRET_KEY, Method::POST, "/v1/customers", "bogus=1", &key)
        .await;
    assert_eq!(unparsable.status, StatusCode::BAD_REQUEST);
    assert_eq!(unparsable.error("type"), Some("idempotency_error"));
    assert_eq!(unparsable.error("param"), None);

    // Validation failures are not saved: the same key then succeeds with good parameters.
    let key2 = [("idempotency-key", "key-2")];
    let bad = app
        .call_as(SECRET_KEY, Method::POST, "/v1/customers", "bogus=1", &key2)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let good = app
        .call_as(SECRET_KEY, Method::POST, "/v1/customers", "bogus=1", &key2)
        .await;
    assert_eq!(good.status, StatusCode::BAD_REQUEST);
    assert_eq!(good.header("idempotent-replayed"), None);

    // Errors after execution began are saved and replayed.
    let key3 = [("idempotency-key", "key-3")];
    let missing = app
        .call_as(
            SECRET_KEY,
            Method::POST,
            "/v1/customers/cus_missing",
            "name=x",
            &key3,
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let replay = app
        .call_as(
            SECRET_KEY,
            Method::POST,
            "/v1/customers/cus_missing",
            "name=x",
            &key3,
        )
        .await;
    assert_eq!(replay.status, StatusCode::NOT_FOUND);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));

    let list = app.get("/v1/customers", "").await;
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn racing_requests_with_one_key_create_one_object() {
    let app = TestApp::spawn().await;
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let client = app.client.clone();
        let url = format!("{}/v1/customers", app.base);
        tasks.push(tokio::spawn(async move {
            let response = client
                .post(url)
                .bearer_auth(SECRET_KEY)
                .header("idempotency-key", "race")
                .body("name=Racer")
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.unwrap();
            (status, body)
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            200 => {
                ids.insert(body["id"].as_str().unwrap().to_owned());
            }
            409 => assert_eq!(body["error"]["code"], "idempotency_key_in_use"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(ids.len(), 1);
    let list = app.get("/v1/customers", "").await;
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn cors_preflight_and_headers() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .request(Method::OPTIONS, format!("{}/v1/payment_methods", app.base))
        .header("origin", "http://shop.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    assert_eq!(
        response
            .headers()
            .get("access-control-allow-origin")
            .unwrap(),
        "*"
    );
    app.stop().await;
}

/// An id that is not UTF-8 is an unknown URL, answered in Stripe's JSON (found by the HTTP
/// fuzzer: axum's own rejection was plain text, before authentication).
#[tokio::test]
async fn a_malformed_path_id_gets_a_json_404() {
    let app = TestApp::spawn().await;
    for key in [SECRET_KEY, ""] {
        let answer = app
            .call_as(key, Method::GET, "/v1/customers/%FF", "", &[])
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        assert_eq!(answer.error("type"), Some("invalid_request_error"));
        assert_eq!(
            answer.error("message"),
            Some(
                "Unrecognized request URL (GET: /v1/customers/%FF). Please see \
                 https://stripe.com/docs or we can help at https://support.stripe.com/."
            )
        );
    }
    let answer = app
        .call_as(
            SECRET_KEY,
            Method::POST,
            "/v1/payment_intents/pi_%C3%28/confirm",
            "",
            &[],
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.error("type"), Some("invalid_request_error"));
    app.stop().await;
}

/// A publishable-key confirm without `client_secret` is a parameter error, not saved under
/// its idempotency key: the retry that adds the secret confirms (found by the HTTP fuzzer).
#[tokio::test]
async fn a_confirm_missing_its_client_secret_is_not_saved() {
    let app = TestApp::spawn().await;
    let intent = app
        .post(
            "/v1/payment_intents",
            "amount=1000&currency=usd&payment_method_types[]=card",
        )
        .await;
    assert_eq!(intent.status, StatusCode::OK);
    let id = intent.body["id"].as_str().unwrap();
    let secret = intent.body["client_secret"].as_str().unwrap();
    let path = format!("/v1/payment_intents/{id}/confirm");
    let key = [("idempotency-key", "confirm-once")];
    let refused = app
        .call_as(
            PUBLISHABLE_KEY,
            Method::POST,
            &path,
            "payment_method=pm_card_visa",
            &key,
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.error("code"), Some("parameter_missing"));
    assert_eq!(refused.error("param"), Some("client_secret"));
    let form = format!("payment_method=pm_card_visa&client_secret={secret}");
    let confirmed = app
        .call_as(PUBLISHABLE_KEY, Method::POST, &path, &form, &key)
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{:?}", confirmed.body);
    assert_eq!(confirmed.body["status"], json!("succeeded"));
    assert_eq!(confirmed.header("idempotent-replayed"), Some("false"));
    app.stop().await;
}
