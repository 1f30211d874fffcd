//! Faults against the guarantees: every kind in both phases (whether the change happened, and
//! whether the retry with the same key is a replay), and a confirmation struck after its
//! charge.

use reqwest::{Method, StatusCode};

use crate::faults::{arm, customers, events_of_type, send};
use crate::helpers::TestApp;

#[tokio::test]
async fn a_confirm_struck_after_its_charge_is_retried_into_the_saved_answer() {
    let app = TestApp::spawn().await;
    let pi = app
        .post(
            "/v1/payment_intents",
            "amount=1200&currency=usd&payment_method=pm_card_visa&payment_method_types[]=card",
        )
        .await;
    let pi = pi.body["id"].as_str().unwrap().to_owned();
    arm(
        &app,
        "match[method]=POST&match[path]=/v1/payment_intents/*/confirm&kind=connection_reset\
         &phase=after",
    )
    .await;
    let path = format!("/v1/payment_intents/{pi}/confirm");
    let lost = send(&app, Method::POST, &path, "", Some("confirm-1")).await;
    assert!(lost.is_err(), "{lost:?}");
    let retried = send(&app, Method::POST, &path, "", Some("confirm-1"))
        .await
        .unwrap();
    assert_eq!(retried.status, StatusCode::OK, "{:?}", retried.body);
    assert_eq!(retried.header("idempotent-replayed"), Some("true"));
    assert_eq!(retried.body["status"], "succeeded");
    let charges = app
        .get("/v1/charges", &format!("payment_intent={pi}"))
        .await;
    assert_eq!(charges.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(events_of_type(&app, "payment_intent.succeeded").await, 1);
    app.stop().await;
}

/// Every kind in both phases: what the client gets, whether the change happened, and that
/// the retry with the same key is answered as committed (replayed) or runs for the first time.
#[tokio::test]
async fn every_kind_in_every_phase() {
    let app = TestApp::spawn().await;
    let mut expected_customers = 0;
    for kind in [
        "api_error",
        "rate_limit",
        "lock_timeout",
        "idempotency_key_in_use",
        "connection_reset",
        "timeout",
        "latency",
    ] {
        for phase in ["before", "after"] {
            let duration = if kind == "timeout" || kind == "latency" {
                "&duration_ms=50"
            } else {
                ""
            };
            arm(
                &app,
                &format!("match[method]=POST&match[path]=/v1/customers&kind={kind}&phase={phase}{duration}"),
            )
            .await;
            let key = format!("matrix-{kind}-{phase}");
            let first = send(&app, Method::POST, "/v1/customers", "name=M", Some(&key)).await;
            let answered = kind == "latency";
            match (&first, kind) {
                (Err(_), "connection_reset" | "timeout") => {}
                (Ok(answer), "latency") => assert_eq!(answer.status, StatusCode::OK),
                (Ok(answer), _) => assert!(answer.status.as_u16() >= 400, "{kind} {phase}"),
                (Err(error), _) => panic!("{kind} {phase}: {error}"),
            }
            let committed = phase == "after" || answered;
            if committed {
                expected_customers += 1;
            }
            assert_eq!(customers(&app).await, expected_customers, "{kind} {phase}");
            let retried = send(&app, Method::POST, "/v1/customers", "name=M", Some(&key))
                .await
                .unwrap();
            assert_eq!(retried.status, StatusCode::OK, "{kind} {phase}");
            let replayed = if committed { "true" } else { "false" };
            assert_eq!(
                retried.header("idempotent-replayed"),
                Some(replayed),
                "{kind} {phase}"
            );
            if !committed {
                expected_customers += 1;
            }
            assert_eq!(customers(&app).await, expected_customers, "{kind} {phase}");
        }
    }
    assert_eq!(events_of_type(&app, "customer.created").await, 14);
    app.stop().await;
}
