#![allow(clippy::unwrap_used)]

use super::*;
use crate::take_form;

const NOW: Timestamp = 1_700_000_000;

fn spec(form: &str) -> Result<FaultSpec, tender_wire::ApiError> {
    take_form(form, |p| FaultSpec::take(p, NOW))
}

fn fault(form: &str) -> Fault {
    Fault::new("fault_1".into(), NOW, spec(form).unwrap())
}

fn target<'a>(method: &'a str, path: &'a str, params: &'a [(String, String)]) -> Target<'a> {
    Target {
        method,
        path,
        params,
    }
}

#[test]
fn paths_match_segment_by_segment() {
    let pattern = "/v1/payment_intents/*/confirm";
    assert!(path_matches(pattern, "/v1/payment_intents/pi_1/confirm"));
    assert!(path_matches(pattern, "/v1/payment_intents/pi_1/confirm/"));
    assert!(!path_matches(pattern, "/v1/payment_intents//confirm"));
    assert!(!path_matches(pattern, "/v1/payment_intents/pi_1/cancel"));
    assert!(!path_matches(pattern, "/v1/payment_intents/pi_1/confirm/x"));
    assert!(!path_matches(pattern, "/v1/payment_intents/pi_1"));
    assert!(path_matches("/v1/customers", "/v1/customers"));
    assert!(!path_matches("/v1/customers", "/v1/customers/cus_1"));
    assert!(path_matches("/v1/*", "/v1/customers"));
}

#[test]
fn a_fault_matches_method_path_and_param() {
    let f = fault(
        "match[method]=post&match[path]=/v1/customers&match[param]=metadata[k]=a%3Db&kind=api_error",
    );
    assert_eq!(f.spec.method.as_deref(), Some("POST"));
    assert_eq!(
        f.spec.param,
        Some(("metadata[k]".to_owned(), "a=b".to_owned()))
    );
    let with = vec![("metadata[k]".to_owned(), "a=b".to_owned())];
    let other = vec![("metadata[k]".to_owned(), "a".to_owned())];
    assert!(f.matches(&target("POST", "/v1/customers", &with), NOW));
    assert!(!f.matches(&target("POST", "/v1/customers", &other), NOW));
    assert!(!f.matches(&target("POST", "/v1/customers", &[]), NOW));
    assert!(!f.matches(&target("GET", "/v1/customers", &with), NOW));
    let any_method = fault("match[path]=/v1/customers&kind=rate_limit");
    assert!(any_method.matches(&target("GET", "/v1/customers", &[]), NOW));
    assert!(any_method.matches(&target("DELETE", "/v1/customers", &[]), NOW));
}

#[test]
fn count_defaults_to_one_and_is_spent() {
    let mut f = fault("match[path]=/v1/customers&kind=api_error");
    assert_eq!(f.remaining, Some(1));
    assert_eq!(f.spec.phase, Phase::Before);
    assert!(f.fire(0.5));
    assert!(f.is_over(NOW));
    assert!(!f.fire(0.0));
    assert!(!f.matches(&target("POST", "/v1/customers", &[]), NOW));
    assert_eq!(f.triggered, 1);
    let mut three = fault("match[path]=/v1/customers&kind=api_error&count=3&phase=after");
    assert_eq!(three.spec.phase, Phase::After);
    assert_eq!((0..5).filter(|_| three.fire(0.9)).count(), 3);
    assert_eq!(three.to_json()["count"], 0);
    assert_eq!(three.to_json()["triggered"], 3);
}

#[test]
fn probability_rolls_and_is_unlimited_without_count() {
    let mut f = fault("match[path]=/v1/customers&kind=api_error&probability=0.25");
    assert_eq!(f.remaining, None);
    assert!(f.fire(0.1));
    assert!(!f.fire(0.25));
    assert!(!f.fire(0.9));
    assert!(f.fire(0.0));
    assert!(!f.is_over(NOW + 1_000_000));
    let mut capped = fault("match[path]=/v1/customers&kind=api_error&probability=1&count=1");
    assert!(capped.fire(0.99));
    assert!(!capped.fire(0.0));
}

#[test]
fn expiry() {
    let f = fault(&format!(
        "match[path]=/v1/customers&kind=api_error&expires_at={}",
        NOW + 60
    ));
    assert!(f.matches(&target("POST", "/v1/customers", &[]), NOW + 59));
    assert!(!f.matches(&target("POST", "/v1/customers", &[]), NOW + 60));
    let past = spec(&format!(
        "match[path]=/v1/x&kind=api_error&expires_at={NOW}"
    ));
    assert_eq!(past.unwrap_err().param.as_deref(), Some("expires_at"));
}

#[test]
fn durations_belong_to_timeouts_and_latency() {
    let f = fault("match[path]=/v1/customers&kind=latency&duration_ms=250");
    assert_eq!(f.spec.duration_ms, Some(250));
    assert_eq!(f.to_json()["duration_ms"], 250);
    for (form, param) in [
        ("match[path]=/v1/x&kind=timeout", "duration_ms"),
        (
            "match[path]=/v1/x&kind=api_error&duration_ms=5",
            "duration_ms",
        ),
        (
            "match[path]=/v1/x&kind=latency&duration_ms=999999",
            "duration_ms",
        ),
        (
            "match[path]=/v1/x&kind=latency&duration_ms=-1",
            "duration_ms",
        ),
    ] {
        assert_eq!(
            spec(form).unwrap_err().param.as_deref(),
            Some(param),
            "{form}"
        );
    }
}

#[test]
fn bad_parameters_name_themselves() {
    for (form, param) in [
        ("kind=api_error", "match[path]"),
        ("match[method]=POST&kind=api_error", "match[path]"),
        ("match[path]=customers&kind=api_error", "match[path]"),
        ("match[path]=/v1/x?a=b&kind=api_error", "match[path]"),
        ("match[path]=/v1/x", "kind"),
        ("match[path]=/v1/x&kind=meltdown", "kind"),
        ("match[path]=/v1/x&kind=api_error&phase=during", "phase"),
        (
            "match[path]=/v1/x&match[method]=PATCH&kind=api_error",
            "match[method]",
        ),
        (
            "match[path]=/v1/x&match[param]=novalue&kind=api_error",
            "match[param]",
        ),
        (
            "match[path]=/v1/x&match[colour]=red&kind=api_error",
            "match[colour]",
        ),
        ("match[path]=/v1/x&kind=api_error&count=0", "count"),
        (
            "match[path]=/v1/x&kind=api_error&probability=0",
            "probability",
        ),
        (
            "match[path]=/v1/x&kind=api_error&probability=1.5",
            "probability",
        ),
        (
            "match[path]=/v1/x&kind=api_error&probability=often",
            "probability",
        ),
    ] {
        let error = spec(form).unwrap_err();
        assert_eq!(error.status, 400, "{form}");
        assert_eq!(error.param.as_deref(), Some(param), "{form}");
    }
}

#[test]
fn the_object() {
    let f = fault(
        "match[method]=POST&match[path]=/v1/payment_intents/*/confirm&kind=connection_reset&phase=after&count=2",
    );
    assert_eq!(
        f.to_json(),
        serde_json::json!({
            "id": "fault_1", "object": "test_helpers.fault", "created": NOW,
            "match": {"method": "POST", "path": "/v1/payment_intents/*/confirm", "param": null},
            "kind": "connection_reset", "phase": "after", "count": 2, "probability": null,
            "duration_ms": null, "expires_at": null, "triggered": 0, "livemode": false,
        })
    );
}
