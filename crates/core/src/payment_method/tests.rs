//! Unit tests of payment methods: key sets, checks, parameters, updates.
#![allow(clippy::unwrap_used)]
use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::*;
use crate::card::{self, Behavior, CheckResult};

const SECRET: &[u8] = b"account secret";
/// 2026-11-15T12:00:00Z.
const NOW: Timestamp = 1_794_744_000;

fn params(s: &str) -> Params {
    Params::from_form(s.as_bytes()).unwrap()
}

fn create(form: &str) -> Result<PaymentMethod, ApiError> {
    let mut p = params(form);
    let create = PaymentMethodCreate::take(&mut p)?;
    p.finish()?;
    create.into_payment_method("pm_123".into(), SECRET, NOW)
}

fn keys(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

const VISA: &str = "type=card&card[number]=4242424242424242&card[exp_month]=12&\
                    card[exp_year]=2034&card[cvc]=123";

#[test]
fn ideal_payment_methods_carry_the_bank_and_its_bic() {
    let pm = create("type=ideal&ideal[bank]=rabobank").unwrap();
    let json = serde_json::to_value(&pm).unwrap();
    assert_eq!(json["type"], "ideal");
    assert_eq!(
        json["ideal"],
        json!({"bank": "rabobank", "bic": "RABONL2U"})
    );
    assert!(json.get("card").is_none());
    assert_eq!(pm.card_behavior(SECRET), None);
    let err = create("type=ideal&ideal[bank]=nope").unwrap_err();
    assert_eq!(err.param.as_deref(), Some("ideal[bank]"));
}

#[test]
fn renders_stripe_key_set() {
    let pm = create(VISA).unwrap();
    let json = serde_json::to_value(&pm).unwrap();
    assert_eq!(
        keys(&json),
        BTreeSet::from([
            "id",
            "object",
            "allow_redisplay",
            "billing_details",
            "card",
            "created",
            "customer",
            "customer_account",
            "livemode",
            "metadata",
            "type",
        ])
    );
    assert_eq!(
        keys(&json["card"]),
        BTreeSet::from([
            "brand",
            "checks",
            "country",
            "display_brand",
            "exp_month",
            "exp_year",
            "fingerprint",
            "funding",
            "generated_from",
            "last4",
            "networks",
            "regulated_status",
            "three_d_secure_usage",
            "wallet",
        ])
    );
    assert_eq!(json["object"], "payment_method");
    assert_eq!(json["type"], "card");
    assert_eq!(json["allow_redisplay"], "unspecified");
    assert_eq!(json["customer"], Value::Null);
    assert_eq!(json["customer_account"], Value::Null);
    assert_eq!(json["livemode"], false);
    assert_eq!(json["metadata"], json!({}));
    assert_eq!(json["created"], NOW);
    assert_eq!(json["billing_details"]["address"]["line1"], Value::Null);
    let card = &json["card"];
    assert_eq!(card["brand"], "visa");
    assert_eq!(card["display_brand"], "visa");
    assert_eq!(card["country"], "US");
    assert_eq!(card["funding"], "credit");
    assert_eq!(card["last4"], "4242");
    assert_eq!(card["exp_month"], 12);
    assert_eq!(card["exp_year"], 2034);
    assert_eq!(card["generated_from"], Value::Null);
    assert_eq!(card["wallet"], Value::Null);
    assert_eq!(card["regulated_status"], "unregulated");
    assert_eq!(
        card["networks"],
        json!({"available": ["visa"], "preferred": null})
    );
    assert_eq!(card["three_d_secure_usage"], json!({"supported": true}));
    assert_eq!(
        card["checks"],
        json!({"address_line1_check": null, "address_postal_code_check": null,
               "cvc_check": "pass"})
    );
    assert!(!json.to_string().contains("4242424242424242"));
    assert!(!json.to_string().contains("\"123\""));
    let back: PaymentMethod = serde_json::from_value(json).unwrap();
    assert_eq!(back, pm);
}

#[test]
fn checks_follow_the_provided_values_and_the_test_card() {
    let pm = create(
        "type=card&card[number]=4000000000000010&card[exp_month]=1&card[exp_year]=2030&\
         billing_details[address][line1]=1+Main&billing_details[address][postal_code]=1",
    )
    .unwrap();
    let checks = pm.card.as_ref().unwrap().checks.clone();
    assert_eq!(checks.address_line1_check, Some(CheckResult::Fail));
    assert_eq!(checks.address_postal_code_check, Some(CheckResult::Fail));
    assert_eq!(checks.cvc_check, None);
    let pm = create(
        "type=card&card[number]=4000000000000101&card[exp_month]=1&card[exp_year]=2030&\
         card[cvc]=999",
    )
    .unwrap();
    assert_eq!(pm.card.unwrap().checks.cvc_check, Some(CheckResult::Fail));
}

#[test]
fn create_params_and_errors() {
    let pm = create(&format!(
        "{VISA}&billing_details[name]=Jenny&metadata[k]=v&allow_redisplay=always&\
         radar_options[hcaptcha_token]=x"
    ))
    .unwrap();
    assert_eq!(pm.billing_details.name.as_deref(), Some("Jenny"));
    assert_eq!(pm.metadata.get("k").map(String::as_str), Some("v"));
    assert_eq!(pm.allow_redisplay, AllowRedisplay::Always);
    let json = serde_json::to_value(&pm).unwrap();
    assert_eq!(json["radar_options"], json!({}));

    let err = create("card[number]=4242424242424242").unwrap_err();
    assert_eq!(
        (err.code.as_deref(), err.param.as_deref()),
        (Some("parameter_missing"), Some("type"))
    );
    let err = create("type=bacs_debit").unwrap_err();
    assert_eq!((err.status, err.param.as_deref()), (400, Some("type")));
    assert!(
        err.message.contains("`bacs_debit` is not supported"),
        "{}",
        err.message
    );
    let err = create("type=card").unwrap_err();
    assert_eq!(err.param.as_deref(), Some("card"));
    let err = create("type=card&card[exp_month]=12&card[exp_year]=2034").unwrap_err();
    assert_eq!(
        (err.code.as_deref(), err.param.as_deref()),
        (Some("parameter_missing"), Some("card[number]"))
    );
    let err = create("type=card&card[number]=4242424242424242&card[exp_year]=2034").unwrap_err();
    assert_eq!(err.param.as_deref(), Some("card[exp_month]"));
    let err = create(&format!("{VISA}&card[bogus]=1")).unwrap_err();
    assert_eq!(
        (err.code.as_deref(), err.param.as_deref()),
        (Some("parameter_unknown"), Some("card[bogus]"))
    );
    let err = create(&format!("{VISA}&billing_details[address][bogus]=1")).unwrap_err();
    assert_eq!(
        err.param.as_deref(),
        Some("billing_details[address][bogus]")
    );
    let err = create(&format!("{VISA}&allow_redisplay=sometimes")).unwrap_err();
    assert_eq!(err.param.as_deref(), Some("allow_redisplay"));
    // Card data errors are 402 card errors.
    let err = create(&VISA.replace("4242424242424242", "4242424242424241")).unwrap_err();
    assert_eq!(
        (err.status, err.code.as_deref()),
        (402, Some("incorrect_number"))
    );
    let err = create(&VISA.replace("4242424242424242", "4111111111111111")).unwrap_err();
    assert_eq!(err.status, 402);
    assert_eq!(err.decline_code.as_deref(), Some("test_mode_live_card"));
    assert!(create(&VISA.replace("4242424242424242", "4000000000000002")).is_ok());
    let err = create(&VISA.replace("card[exp_month]=12", "card[exp_month]=13")).unwrap_err();
    assert_eq!(
        (err.code.as_deref(), err.param.as_deref()),
        (Some("invalid_expiry_month"), Some("exp_month"))
    );
}

#[test]
fn debug_of_create_params_hides_the_number() {
    let mut p = params(VISA);
    let create = PaymentMethodCreate::take(&mut p).unwrap();
    let debug = format!("{create:?}");
    assert!(!debug.contains("4242424242424242"), "{debug}");
    assert!(!debug.contains("\"123\""), "{debug}");
}

#[test]
fn test_payment_methods_and_behavior_lookup() {
    let test = card::lookup_test_payment_method("pm_card_visa_chargeDeclined").unwrap();
    let pm = PaymentMethod::from_test_payment_method("pm_abc".into(), test, SECRET, NOW);
    let card = pm.card.as_ref().unwrap();
    assert_eq!(
        (card.last4.as_str(), card.exp_month, card.exp_year),
        ("0002", 12, 2027)
    );
    assert_eq!(card.checks.cvc_check, Some(CheckResult::Unchecked));
    assert_eq!(
        card.fingerprint,
        card::fingerprint(SECRET, "4000000000000002")
    );
    assert_eq!(
        pm.card_behavior(SECRET),
        Some(Behavior::Declines(card::GENERIC_DECLINE))
    );
    // The behaviour survives the store's JSON round trip.
    let stored = serde_json::to_string(&pm).unwrap();
    assert!(!stored.contains("4000000000000002"));
    let loaded: PaymentMethod = serde_json::from_str(&stored).unwrap();
    assert_eq!(
        loaded.card_behavior(SECRET),
        Some(Behavior::Declines(card::GENERIC_DECLINE))
    );

    let amex = card::lookup_test_payment_method("pm_card_amex").unwrap();
    let pm = PaymentMethod::from_test_payment_method("pm_x".into(), amex, SECRET, NOW);
    let json = serde_json::to_value(&pm).unwrap();
    assert_eq!(json["card"]["display_brand"], "american_express");
    assert_eq!(json["card"]["three_d_secure_usage"]["supported"], false);
    let cb = card::lookup_test_payment_method("pm_card_visa_cartesBancaires").unwrap();
    let pm = PaymentMethod::from_test_payment_method("pm_y".into(), cb, SECRET, NOW);
    let json = serde_json::to_value(&pm).unwrap();
    assert_eq!(
        json["card"]["networks"]["available"],
        json!(["cartes_bancaires", "visa"])
    );
    assert_eq!(json["card"]["country"], "FR");
}

#[test]
fn update_merges_and_reports_previous_attributes() {
    let mut pm = create(&format!(
        "{VISA}&billing_details[name]=Old&billing_details[email]=a@b.c"
    ))
    .unwrap();
    let mut p = params(
        "billing_details[name]=New&metadata[purpose]=test&card[exp_month]=11&\
         card[exp_year]=2036",
    );
    let update = PaymentMethodUpdate::take(&mut p).unwrap();
    p.finish().unwrap();

    let err = update.apply(&mut pm.clone(), NOW).unwrap_err();
    assert_eq!(err.status, 400);

    pm.customer = Some("cus_1".into());
    let old = serde_json::to_value(&pm).unwrap();
    let previous = update.apply(&mut pm, NOW).unwrap().unwrap();
    assert_eq!(
        keys(&previous),
        BTreeSet::from(["billing_details", "card", "metadata"])
    );
    for key in ["billing_details", "card", "metadata"] {
        assert_eq!(previous[key], old[key], "{key}");
    }
    assert_eq!(pm.billing_details.name.as_deref(), Some("New"));
    assert_eq!(pm.billing_details.email.as_deref(), Some("a@b.c"));
    assert_eq!(pm.metadata.get("purpose").map(String::as_str), Some("test"));
    let card = pm.card.as_ref().unwrap();
    assert_eq!(
        (card.exp_month, card.exp_year, card.last4.as_str()),
        (11, 2036, "4242")
    );

    // Nothing changes: no previous attributes.
    assert_eq!(update.apply(&mut pm, NOW).unwrap(), None);

    // A bad expiry leaves the payment method untouched.
    let before = pm.clone();
    let mut p = params("card[exp_month]=13&metadata[x]=y");
    let bad = PaymentMethodUpdate::take(&mut p).unwrap();
    let err = bad.apply(&mut pm, NOW).unwrap_err();
    assert_eq!(
        (err.code.as_deref(), err.param.as_deref()),
        (Some("invalid_expiry_month"), Some("exp_month"))
    );
    assert_eq!(pm, before);

    let err = PaymentMethodUpdate::take(&mut params("card[number]=4242424242424242")).unwrap_err();
    assert_eq!(err.param.as_deref(), Some("card[number]"));
}
