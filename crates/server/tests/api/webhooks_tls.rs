//! Deliveries to `https://` endpoints: verified against the system's roots and an extra CA
//! file; a certificate from nowhere trusted is a failed attempt.

use std::time::Duration;

use serde_json::Value;

use crate::helpers::{TestApp, test_webhooks};
use crate::webhook_receivers::{Recorder, TestCa};
use crate::webhooks::{endpoint, verify};

/// Writes `pem` to a fresh file, removed when the guard drops.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(pem: &str) -> TempFile {
        let name = format!("tender-ca-{}.pem", tender_wire::id::random_base62(12));
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, pem).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[tokio::test]
async fn https_endpoints_get_signed_deliveries_when_their_ca_is_trusted() {
    let trusted_ca = TestCa::new("Tender test CA");
    let ca_file = TempFile::new(&trusted_ca.pem());
    let app = TestApp::spawn_with_webhooks(tender_server::DispatcherConfig {
        ca_file: Some(ca_file.0.clone()),
        ..test_webhooks()
    })
    .await;
    let trusted = Recorder::new(Duration::ZERO, Duration::ZERO);
    let trusted_url = trusted.serve_tls(&trusted_ca.server_identity()).await;
    let (_, secret) = endpoint(&app, &trusted_url, &["customer.created"]).await;
    // Same receiver code, but its certificate comes from a CA nobody trusts.
    let stranger = Recorder::new(Duration::ZERO, Duration::ZERO);
    let stranger_url = stranger
        .serve_tls(&TestCa::new("Unknown CA").server_identity())
        .await;
    let (stranger_endpoint, _) = endpoint(&app, &stranger_url, &["customer.created"]).await;

    let first = app.post("/v1/customers", "").await;
    let events = trusted.wait_for(1).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["data"]["object"]["id"], first.body["id"]);
    let (headers, body) = trusted.got()[0].clone();
    assert!(
        verify(&headers, &body, &secret),
        "signed as over plain HTTP"
    );

    // The test schedule is 100ms,200ms: three attempts, each refused at the handshake.
    let account = app.store.accounts().await.unwrap().remove(0);
    let mut failed = None;
    for _ in 0..100 {
        let reports = app.store.deliveries(&account.id, None, 10).await.unwrap();
        failed = reports
            .into_iter()
            .find(|r| r.endpoint_id == stranger_endpoint && r.status == "failed");
        if failed.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let failed = failed.expect("the untrusted endpoint's delivery fails");
    assert_eq!(failed.attempts.len(), 3);
    for attempt in &failed.attempts {
        assert_eq!(attempt.status_code, None);
        let error = attempt.error.as_deref().unwrap_or_default();
        assert!(
            error.starts_with("connection failed: invalid peer certificate: UnknownIssuer"),
            "{error}"
        );
    }
    assert!(
        stranger.got().is_empty(),
        "nothing was sent past the handshake"
    );

    // The dispatcher goes on: the next event reaches the trusted receiver.
    let second = app.post("/v1/customers", "").await;
    let events = trusted.wait_for(2).await;
    assert_eq!(events.len(), 2);
    assert_eq!(events[1]["data"]["object"]["id"], second.body["id"]);
    let event: Value = app
        .get(
            &format!("/v1/events/{}", events[1]["id"].as_str().unwrap()),
            "",
        )
        .await
        .body;
    assert_eq!(event["type"], "customer.created");
    app.stop().await;
}

#[tokio::test]
async fn a_test_ca_is_not_trusted_without_the_ca_file() {
    let app = TestApp::spawn().await;
    let ca = TestCa::new("Tender test CA");
    let receiver = Recorder::new(Duration::ZERO, Duration::ZERO);
    let url = receiver.serve_tls(&ca.server_identity()).await;
    endpoint(&app, &url, &["customer.created"]).await;
    app.post("/v1/customers", "").await;
    let account = app.store.accounts().await.unwrap().remove(0);
    let mut first_error = None;
    for _ in 0..100 {
        let reports = app.store.deliveries(&account.id, None, 10).await.unwrap();
        first_error = reports
            .first()
            .and_then(|r| r.attempts.first())
            .and_then(|a| a.error.clone());
        if first_error.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let error = first_error.expect("an attempt was recorded");
    assert!(
        error.contains("invalid peer certificate: UnknownIssuer"),
        "{error}"
    );
    assert!(receiver.got().is_empty());
    app.stop().await;
}
