//! The test clock (`/v1/test_helpers/tender_clock`): tests move the time requests see
//! instead of sleeping; a server started without it does not serve the paths.

use reqwest::{Method, StatusCode};

use crate::helpers::{PUBLISHABLE_KEY, TestApp};

const CLOCK: &str = "/v1/test_helpers/tender_clock";
const ADVANCE: &str = "/v1/test_helpers/tender_clock/advance";
const TWENTY_THREE_HOURS: i64 = 23 * 3600;

#[tokio::test]
async fn advancing_moves_the_time_every_request_sees() {
    let app = TestApp::spawn().await;
    let clock = app.get(CLOCK, "").await;
    assert_eq!(clock.status, StatusCode::OK, "{:?}", clock.body);
    assert_eq!(clock.body["object"], "tender_clock");
    assert_eq!(clock.body["offset"], 0);
    let before = app.post("/v1/customers", "").await.body["created"]
        .as_i64()
        .expect("created");

    let moved = app
        .post(ADVANCE, &format!("seconds={TWENTY_THREE_HOURS}"))
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    assert_eq!(moved.body["offset"], TWENTY_THREE_HOURS);
    let now = moved.body["now"].as_i64().expect("now");
    assert!(now >= before + TWENTY_THREE_HOURS, "{now} vs {before}");

    // Objects made afterwards are made "23 hours later".
    let after = app.post("/v1/customers", "").await.body["created"]
        .as_i64()
        .expect("created");
    assert!(
        (before + TWENTY_THREE_HOURS..before + TWENTY_THREE_HOURS + 60).contains(&after),
        "{after} vs {before}"
    );
    // It adds up.
    let again = app.post(ADVANCE, "seconds=3600").await;
    assert_eq!(again.body["offset"], TWENTY_THREE_HOURS + 3600);
    app.stop().await;
}

#[tokio::test]
async fn the_clock_only_moves_forward_and_only_for_the_secret_key() {
    let app = TestApp::spawn().await;
    for bad in ["seconds=0", "seconds=-5", "seconds=999999999999"] {
        let refused = app.post(ADVANCE, bad).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(refused.error("param"), Some("seconds"), "{bad}");
    }
    let missing = app.post(ADVANCE, "").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.error("code"), Some("parameter_missing"));
    assert_eq!(missing.error("param"), Some("seconds"));
    let unknown = app.post(ADVANCE, "seconds=5&frozen_time=1").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    let publishable = app
        .call_as(PUBLISHABLE_KEY, Method::POST, ADVANCE, "seconds=5", &[])
        .await;
    assert_eq!(publishable.status, StatusCode::UNAUTHORIZED);
    // Nothing refused moved it.
    assert_eq!(app.get(CLOCK, "").await.body["offset"], 0);
    app.stop().await;
}

#[tokio::test]
async fn a_server_without_a_test_clock_does_not_serve_it() {
    let app = TestApp::spawn_configured(|config| config.test_clock = false).await;
    let refused = app.post(ADVANCE, "seconds=60").await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{:?}", refused.body);
    assert_eq!(
        refused.error("message"),
        Some(
            "Unrecognized request URL (POST: /v1/test_helpers/tender_clock/advance). Please see https://stripe.com/docs or we can help at https://support.stripe.com/."
        )
    );
    assert_eq!(app.get(CLOCK, "").await.status, StatusCode::NOT_FOUND);
    app.stop().await;
}
