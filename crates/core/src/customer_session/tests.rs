//! Unit tests of CustomerSessions: parameters, defaults, expiry, what is redisplayed.
#![allow(clippy::unwrap_used)]
use super::*;
use crate::card;
use crate::take_form;

fn create(form: &str) -> Result<CustomerSessionCreate, ApiError> {
    take_form(form, CustomerSessionCreate::take)
}

fn saved(id: &str, allow: AllowRedisplay) -> PaymentMethod {
    let test = card::lookup_test_payment_method("pm_card_visa").unwrap();
    let mut pm = PaymentMethod::from_test_payment_method(id.into(), test, b"s", 100);
    pm.allow_redisplay = allow;
    pm.customer = Some("cus_1".into());
    pm
}

const ELEMENT: &str = "customer=cus_1&components[payment_element][enabled]=true";

#[test]
fn defaults_are_stripes() {
    let made = create(ELEMENT).unwrap();
    let session = made.into_session("cuss_x".into(), "cuss_secret_y".into(), 1000);
    let json = serde_json::to_value(&session.session).unwrap();
    assert_eq!(json["object"], "customer_session");
    assert_eq!(json["client_secret"], "cuss_secret_y");
    assert_eq!(json["customer"], "cus_1");
    assert_eq!(json["expires_at"], 1000 + 1800);
    assert_eq!(json["livemode"], false);
    assert_eq!(json.get("id"), None);
    let features = &json["components"]["payment_element"]["features"];
    assert_eq!(
        features["payment_method_allow_redisplay_filters"],
        serde_json::json!(["always"])
    );
    assert_eq!(features["payment_method_redisplay"], "disabled");
    assert_eq!(features["payment_method_redisplay_limit"], 3);
    assert_eq!(features["payment_method_remove"], "disabled");
    assert_eq!(features["payment_method_save"], "disabled");
    assert_eq!(features["payment_method_save_usage"], Value::Null);
    assert_eq!(json["components"]["buy_button"]["enabled"], false);
    assert_eq!(
        json["components"]["customer_sheet"]["features"],
        Value::Null
    );
}

#[test]
fn features_are_read() {
    let made = create(&format!(
        "{ELEMENT}&components[payment_element][features][payment_method_redisplay]=enabled\
         &components[payment_element][features][payment_method_save]=enabled\
         &components[payment_element][features][payment_method_remove]=enabled\
         &components[payment_element][features][payment_method_save_usage]=on_session\
         &components[payment_element][features][payment_method_redisplay_limit]=10\
         &components[payment_element][features][payment_method_allow_redisplay_filters][]=always\
         &components[payment_element][features][payment_method_allow_redisplay_filters][]=limited"
    ))
    .unwrap();
    let f = made.components.payment_element.features.unwrap();
    assert_eq!(f.payment_method_redisplay, Toggle::Enabled);
    assert_eq!(f.payment_method_save, Toggle::Enabled);
    assert_eq!(f.payment_method_remove, Toggle::Enabled);
    assert_eq!(f.payment_method_save_usage, Some(SaveUsage::OnSession));
    assert_eq!(f.payment_method_redisplay_limit, Some(10));
    assert_eq!(
        f.payment_method_allow_redisplay_filters,
        vec![AllowRedisplay::Always, AllowRedisplay::Limited]
    );
}

#[test]
fn bad_input_names_its_param() {
    let cases = [
        ("components[payment_element][enabled]=true", "customer"),
        ("customer=cus_1", "components"),
        (
            "customer=cus_1&components[payment_element][enabled]=false",
            "components",
        ),
        (
            "customer=cus_1&components[payment_element][features][payment_method_save]=enabled",
            "components[payment_element][enabled]",
        ),
        (
            "customer=cus_1&components[payment_element][enabled]=true\
          &components[payment_element][features][payment_method_save]=yes",
            "components[payment_element][features][payment_method_save]",
        ),
        (
            "customer=cus_1&components[payment_element][enabled]=true\
          &components[payment_element][features][payment_method_redisplay_limit]=11",
            "components[payment_element][features][payment_method_redisplay_limit]",
        ),
        (
            "customer=cus_1&components[payment_element][enabled]=true\
          &components[payment_element][features][payment_method_allow_redisplay_filters][]=never",
            "components[payment_element][features][payment_method_allow_redisplay_filters]",
        ),
        (
            "customer=cus_1&components[payment_element][enabled]=true&components[checkout][enabled]=true",
            "components[checkout]",
        ),
    ];
    for (form, param) in cases {
        let err = create(form).unwrap_err();
        assert_eq!(err.param.as_deref(), Some(param), "{form}: {err:?}");
    }
    // Another component alone is enabled: a session without the Payment Element.
    let table = create("customer=cus_1&components[pricing_table][enabled]=true").unwrap();
    assert!(table.components.pricing_table.enabled);
    assert_eq!(table.components.payment_element.features, None);
}

#[test]
fn an_expired_or_element_less_session_opens_nothing() {
    let session = create(ELEMENT)
        .unwrap()
        .into_session("i".into(), "s".into(), 1000);
    assert!(session.payment_element(1000 + 1799).is_ok());
    let err = session.payment_element(1000 + 1800).unwrap_err();
    assert_eq!(err.param.as_deref(), Some("customer_session_client_secret"));
    let table = create("customer=cus_1&components[buy_button][enabled]=true")
        .unwrap()
        .into_session("i".into(), "s".into(), 1000);
    assert!(table.payment_element(1001).is_err());
}

#[test]
fn redisplay_follows_the_filters_and_the_limit() {
    let cards = [
        saved("pm_a", AllowRedisplay::Always),
        saved("pm_b", AllowRedisplay::Limited),
        saved("pm_c", AllowRedisplay::Unspecified),
        saved("pm_d", AllowRedisplay::Always),
    ];
    let ids = |f: &Features| -> Vec<String> {
        redisplayed(f, &cards)
            .iter()
            .map(|v| v["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut f = Features::default();
    assert!(ids(&f).is_empty(), "redisplay is disabled by default");
    f.payment_method_redisplay = Toggle::Enabled;
    assert_eq!(ids(&f), ["pm_a", "pm_d"]);
    f.payment_method_allow_redisplay_filters = vec![
        AllowRedisplay::Always,
        AllowRedisplay::Limited,
        AllowRedisplay::Unspecified,
    ];
    assert_eq!(ids(&f), ["pm_a", "pm_b", "pm_c"]);
    f.payment_method_redisplay_limit = Some(1);
    assert_eq!(ids(&f), ["pm_a"]);
}

#[test]
fn the_saved_view_shows_only_what_recognises_the_card() {
    let view = saved_view(&saved("pm_a", AllowRedisplay::Always)).unwrap();
    assert_eq!(view["card"]["last4"], "4242");
    assert_eq!(view["card"]["brand"], "visa");
    assert_eq!(view["card"].get("fingerprint"), None);
    assert_eq!(view.get("customer"), None);
    assert_eq!(view.get("billing_details"), None);
    assert_eq!(view.get("metadata"), None);
}

#[test]
fn a_browser_names_a_customers_card_only_through_their_session() {
    let theirs =
        create(ELEMENT)
            .unwrap()
            .into_session("cuss_a".into(), "cuss_secret_a".into(), 1000);
    let someone_elses = create("customer=cus_2&components[payment_element][enabled]=true")
        .unwrap()
        .into_session("cuss_b".into(), "cuss_secret_b".into(), 1000);
    let attached = saved("pm_1", AllowRedisplay::Always);
    assert!(browser_may_use(&attached, Some(&theirs)));
    assert!(!browser_may_use(&attached, Some(&someone_elses)));
    assert!(!browser_may_use(&attached, None));
    let mut loose = attached.clone();
    loose.customer = None;
    assert!(browser_may_use(&loose, None));
    assert!(browser_may_use(&loose, Some(&someone_elses)));
}
