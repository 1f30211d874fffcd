//! Limits at the HTTP edge: body and header sizes, slow clients, and the per-account rate
//! limit. Slow-client tests talk raw TCP, since an HTTP client library will not misbehave.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::Value;
use tender_server::{Limits, RateLimit};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{SECRET_KEY, TestApp};

const RATE_LIMIT_MESSAGE: &str = "Too many requests hit the API too quickly. We recommend an exponential backoff of your \
     requests.";

/// A test app whose server runs with `limits` (on the same kind of fresh database).
async fn spawn(limits: Limits) -> TestApp {
    TestApp::spawn_configured(|config| config.limits = limits).await
}

fn addr(app: &TestApp) -> SocketAddr {
    app.server.as_ref().expect("running").addr
}

/// Everything the server sends until it closes the connection; `None` if it has not closed
/// it within `wait`.
async fn read_until_closed(
    stream: &mut (impl AsyncRead + Unpin),
    wait: Duration,
) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    let reading = async {
        let mut buffer = [0u8; 8192];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    };
    tokio::time::timeout(wait, reading).await.ok()?;
    Some(received)
}

/// A raw HTTP/1.1 response: status, lower-cased head, and the body as JSON (if it is).
struct RawResponse {
    status: u16,
    head: String,
    body: Value,
}

fn parse(response: &[u8]) -> RawResponse {
    let text = String::from_utf8_lossy(response);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a status line, got {head:?}"));
    RawResponse {
        status,
        head: head.to_lowercase(),
        body: serde_json::from_str(body).unwrap_or(Value::Null),
    }
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_refused_with_413() {
    let app = TestApp::spawn_without_webhooks().await;
    let form = format!("description={}", "a".repeat(1 << 20));
    let answer = app.post("/v1/customers", &form).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.error("type"), Some("invalid_request_error"));
    assert_eq!(
        answer.error("message"),
        Some("Request body too large: the limit is 1048576 bytes.")
    );
    assert!(answer.header("request-id").unwrap().starts_with("req_"));
    // Nothing was created, and the server still serves.
    let list = app.get("/v1/customers", "").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body["data"].as_array().unwrap().len(), 0);
    app.stop().await;
}

#[tokio::test]
async fn oversized_or_too_many_headers_get_431() {
    let app = TestApp::spawn_without_webhooks().await;

    let mut stream = TcpStream::connect(addr(&app)).await.unwrap();
    let request = format!(
        "GET /v1/customers HTTP/1.1\r\nHost: tender\r\nAuthorization: Bearer {SECRET_KEY}\r\n\
         X-Padding: {}\r\n\r\n",
        "p".repeat(100 << 10)
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let response = read_until_closed(&mut stream, Duration::from_secs(2))
        .await
        .expect("the server answers and closes the connection");
    assert_eq!(parse(&response).status, 431);

    let mut stream = TcpStream::connect(addr(&app)).await.unwrap();
    let mut request = format!(
        "GET /v1/customers HTTP/1.1\r\nHost: tender\r\nAuthorization: Bearer {SECRET_KEY}\r\n"
    );
    for i in 0..150 {
        request.push_str(&format!("X-Header-{i}: {i}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let response = read_until_closed(&mut stream, Duration::from_secs(2))
        .await
        .expect("the server answers and closes the connection");
    assert_eq!(parse(&response).status, 431);

    // A large but acceptable head (32 KiB, 90 headers) is served.
    let mut stream = TcpStream::connect(addr(&app)).await.unwrap();
    let mut request = format!(
        "GET /v1/customers HTTP/1.1\r\nHost: tender\r\nConnection: close\r\n\
         Authorization: Bearer {SECRET_KEY}\r\nX-Padding: {}\r\n",
        "p".repeat(32 << 10)
    );
    for i in 0..86 {
        request.push_str(&format!("X-Header-{i}: {i}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let response = read_until_closed(&mut stream, Duration::from_secs(2))
        .await
        .expect("an answer");
    assert_eq!(parse(&response).status, 200);
    app.stop().await;
}

#[tokio::test]
async fn a_slow_header_sender_is_disconnected_while_others_are_served() {
    let app = spawn(Limits {
        header_timeout: Duration::from_millis(300),
        ..Limits::default()
    })
    .await;

    let started = Instant::now();
    let stream = TcpStream::connect(addr(&app)).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    // One byte every 50 ms: the head would take several seconds to arrive.
    let trickle = tokio::spawn(async move {
        let head = format!(
            "GET /v1/customers HTTP/1.1\r\nHost: tender\r\nX-Slow: {}\r\n\r\n",
            "s".repeat(100)
        );
        for byte in head.bytes() {
            if writer.write_all(&[byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });

    // Meanwhile an ordinary client is served at once.
    let answer = app.get("/v1/customers", "").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(started.elapsed() < Duration::from_millis(300));

    let received = read_until_closed(&mut reader, Duration::from_secs(2))
        .await
        .expect("the slow connection is closed");
    let elapsed = started.elapsed();
    assert_eq!(received, b"", "no answer, just a closed connection");
    assert!(
        elapsed >= Duration::from_millis(290),
        "closed after {elapsed:?}"
    );
    assert!(
        elapsed < Duration::from_millis(1500),
        "closed after {elapsed:?}"
    );
    trickle.abort();

    // An idle keep-alive connection is closed after the same timeout.
    let mut stream = TcpStream::connect(addr(&app)).await.unwrap();
    let request = format!(
        "GET /v1/customers HTTP/1.1\r\nHost: tender\r\nAuthorization: Bearer {SECRET_KEY}\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let started = Instant::now();
    let received = read_until_closed(&mut stream, Duration::from_secs(2))
        .await
        .expect("the idle connection is closed");
    let elapsed = started.elapsed();
    assert_eq!(parse(&received).status, 200);
    assert!(
        elapsed >= Duration::from_millis(250),
        "closed after {elapsed:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_stalled_or_trickled_body_gets_408() {
    let app = spawn(Limits {
        body_timeout: Duration::from_millis(300),
        ..Limits::default()
    })
    .await;
    let head = format!(
        "POST /v1/customers HTTP/1.1\r\nHost: tender\r\nAuthorization: Bearer {SECRET_KEY}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 40\r\n\r\n"
    );

    // Stalled: part of the body, then nothing.
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr(&app)).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(b"email=slow%40example.com").await.unwrap();
    let received = read_until_closed(&mut stream, Duration::from_secs(2))
        .await
        .expect("an answer, then the connection is closed");
    let elapsed = started.elapsed();
    let response = parse(&received);
    assert_eq!(response.status, 408);
    assert_eq!(response.body["error"]["type"], "invalid_request_error");
    assert_eq!(
        response.body["error"]["message"],
        "Timed out reading the request body: it must arrive within 0.3 seconds."
    );
    assert!(response.head.contains("\r\nconnection: close"));
    assert!(response.head.contains("\r\nrequest-id: req_"));
    assert!(
        elapsed >= Duration::from_millis(290),
        "answered after {elapsed:?}"
    );
    assert!(
        elapsed < Duration::from_millis(1500),
        "answered after {elapsed:?}"
    );

    // Trickled: a byte every 50 ms never finishes the body in time either.
    let started = Instant::now();
    let stream = TcpStream::connect(addr(&app)).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    writer.write_all(head.as_bytes()).await.unwrap();
    let trickle = tokio::spawn(async move {
        for byte in b"email=trickle%40example.com&name=Trickle".iter() {
            if writer.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let received = read_until_closed(&mut reader, Duration::from_secs(2))
        .await
        .expect("an answer, then the connection is closed");
    assert_eq!(parse(&received).status, 408);
    assert!(started.elapsed() < Duration::from_millis(1500));
    trickle.abort();

    // A body in two parts well within the timeout is served; nothing was created before.
    let mut stream = TcpStream::connect(addr(&app)).await.unwrap();
    let head = head.replace("HTTP/1.1\r\n", "HTTP/1.1\r\nConnection: close\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(b"email=ok%40example.com").await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    stream.write_all(b"&name=Fine_Customer").await.unwrap();
    let received = read_until_closed(&mut stream, Duration::from_secs(2))
        .await
        .expect("an answer");
    let response = parse(&received);
    assert_eq!(response.status, 200);
    assert_eq!(response.body["email"], "ok@example.com");
    let list = app.get("/v1/customers", "").await;
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn the_rate_limit_refuses_an_accounts_burst_with_stripes_429() {
    let app = spawn(Limits {
        rate_limit: RateLimit::PerSecond(5),
        ..Limits::default()
    })
    .await;

    let started = Instant::now();
    let mut answers = Vec::new();
    for _ in 0..20 {
        answers.push(app.get("/v1/customers", "limit=1").await);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let served = answers
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .count();
    let limited: Vec<_> = answers
        .iter()
        .filter(|a| a.status == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert_eq!(served + limited.len(), 20);
    // A full bucket of 5, plus at most what refilled (5/s) while the burst ran.
    assert!(answers[..5].iter().all(|a| a.status == StatusCode::OK));
    assert!(
        served <= 5 + (elapsed * 5.0).floor() as usize,
        "{served} served in {elapsed}s"
    );
    let refused = limited[0];
    assert_eq!(
        refused.body,
        serde_json::json!({"error": {
            "type": "invalid_request_error",
            "code": "rate_limit",
            "message": RATE_LIMIT_MESSAGE,
            "doc_url": "https://stripe.com/docs/error-codes/rate-limit",
        }})
    );
    assert_eq!(
        refused.header("stripe-rate-limited-reason"),
        Some("global-rate")
    );
    assert_eq!(refused.header("stripe-should-retry"), None);
    assert!(refused.header("request-id").unwrap().starts_with("req_"));

    // Another account has its own bucket.
    let other = app.other_account().await;
    for _ in 0..5 {
        let answer = app
            .call_as(&other.secret_key, Method::GET, "/v1/customers", "", &[])
            .await;
        assert_eq!(answer.status, StatusCode::OK);
    }

    // A refused request never reaches idempotency: the same key later runs for real.
    while app.get("/v1/customers", "").await.status == StatusCode::OK {}
    let keyed = |app: &TestApp| {
        let client = app.client.clone();
        let url = format!("{}/v1/customers", app.base);
        async move {
            client
                .post(url)
                .bearer_auth(SECRET_KEY)
                .header("idempotency-key", "limits-once")
                .form(&[("email", "limited@example.com")])
                .send()
                .await
                .unwrap()
        }
    };
    let response = keyed(&app).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);

    // After a pause the account is served again, and the key is new.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let response = keyed(&app).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers().get("idempotent-replayed").unwrap(),
        "false"
    );
    let replay = keyed(&app).await;
    assert_eq!(replay.status(), StatusCode::OK);
    assert_eq!(replay.headers().get("idempotent-replayed").unwrap(), "true");
    app.stop().await;
}

#[tokio::test]
async fn without_a_rate_limit_a_burst_is_served_in_full() {
    let app = TestApp::spawn_without_webhooks().await;
    for _ in 0..200 {
        let answer = app.get("/v1/customers", "limit=1").await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    app.stop().await;
}
