//! Unit tests of card Tokens: parameters, the rendered object, redemption.
#![allow(clippy::unwrap_used)]
use std::collections::BTreeSet;

use super::*;
use crate::payment_method::{PaymentMethodCreate, PaymentMethodType};

const SECRET: &[u8] = b"account secret";
/// 2026-11-15T12:00:00Z.
const NOW: Timestamp = 1_794_744_000;

fn token(form: &str) -> Result<StoredToken, ApiError> {
    let mut p = Params::from_form(form.as_bytes()).unwrap();
    let create = TokenCreate::take(&mut p)?;
    p.finish()?;
    create.into_token(("tok_1".into(), "card_1".into()), SECRET, NOW)
}

const VISA: &str = "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&\
                    card[cvc]=123";

#[test]
fn a_card_token_renders_as_stripe_shows_it() {
    let stored = token(&format!(
        "{VISA}&card[name]=Jenny Rosen&card[address_zip]=94111"
    ))
    .unwrap();
    let json = serde_json::to_value(&stored.token).unwrap();
    let keys: BTreeSet<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "id",
            "object",
            "card",
            "client_ip",
            "created",
            "livemode",
            "type",
            "used"
        ])
    );
    assert_eq!(json["object"], "token");
    assert_eq!(json["type"], "card");
    assert_eq!(json["used"], false);
    assert_eq!(json["created"], NOW);
    let card = &json["card"];
    assert_eq!(card["id"], "card_1");
    assert_eq!(card["object"], "card");
    assert_eq!(card["brand"], "Visa");
    assert_eq!(card["last4"], "4242");
    assert_eq!(card["exp_month"], 12);
    assert_eq!(card["exp_year"], 2034);
    assert_eq!(card["funding"], "credit");
    assert_eq!(card["country"], "US");
    assert_eq!(card["cvc_check"], "pass");
    assert_eq!(card["address_zip"], "94111");
    assert_eq!(card["address_zip_check"], "pass");
    assert_eq!(card["address_line1_check"], serde_json::Value::Null);
    assert_eq!(card["name"], "Jenny Rosen");
    assert_eq!(card["fingerprint"].as_str().unwrap().len(), 16);
    assert!(!json.to_string().contains("4242424242424242"));
    assert!(stored.for_publishable_key().card.fingerprint.is_none());
}

#[test]
fn brands_are_spelled_the_legacy_way() {
    let amex = token("card[number]=378282246310005&card[exp_month]=1&card[exp_year]=2030").unwrap();
    assert_eq!(amex.token.card.brand, "American Express");
    assert_eq!(amex.token.card.cvc_check, None, "no CVC given: no check");
    assert_eq!(legacy_brand_name(Brand::Mastercard), "MasterCard");
}

#[test]
fn card_errors_and_other_token_kinds_are_refused() {
    let bad =
        token("card[number]=4242424242424241&card[exp_month]=12&card[exp_year]=2034").unwrap_err();
    assert_eq!(bad.code.as_deref(), Some("incorrect_number"));
    let live = token("card[number]=4000056655665556&card[exp_month]=12&card[exp_year]=2034");
    assert!(live.is_ok(), "a test debit card tokenises");
    let missing = token("").unwrap_err();
    assert_eq!(missing.param.as_deref(), Some("card"));
    let pii = token("pii[id_number]=000000000").unwrap_err();
    assert_eq!(pii.param.as_deref(), Some("pii"));
    let unknown = token(&format!("{VISA}&card[bogus]=1")).unwrap_err();
    assert_eq!(unknown.param.as_deref(), Some("card[bogus]"));
}

#[test]
fn a_token_redeems_once_into_a_payment_method() {
    let mut stored = token(&format!("{VISA}&card[name]=Jenny Rosen")).unwrap();
    let pm = stored
        .redeem(
            "pm_9".into(),
            Redemption::default(),
            "card[token]",
            NOW + 60,
        )
        .unwrap();
    assert_eq!(pm.id, "pm_9");
    assert_eq!(pm.created, NOW + 60);
    assert_eq!(pm.kind, PaymentMethodType::Card);
    let card = pm.card.as_ref().unwrap();
    assert_eq!(card.last4, "4242");
    assert_eq!(
        Some(card.fingerprint.clone()),
        stored.token.card.fingerprint
    );
    assert_eq!(pm.billing_details.name.as_deref(), Some("Jenny Rosen"));
    assert!(stored.token.used);
    let again = stored
        .redeem(
            "pm_10".into(),
            Redemption::default(),
            "card[token]",
            NOW + 61,
        )
        .unwrap_err();
    assert_eq!(again.code.as_deref(), Some("token_already_used"));
    assert_eq!(again.param.as_deref(), Some("card[token]"));
    assert_eq!(
        again.message,
        "You cannot use a Stripe token more than once: tok_1."
    );
}

#[test]
fn billing_details_given_at_redemption_replace_the_cards() {
    let mut stored = token(&format!("{VISA}&card[name]=Jenny Rosen")).unwrap();
    let redemption = Redemption {
        billing_details: Some(BillingDetails {
            name: Some("J. Rosen".into()),
            ..BillingDetails::default()
        }),
        ..Redemption::default()
    };
    let pm = stored
        .redeem("pm_9".into(), redemption, "card[token]", NOW)
        .unwrap();
    assert_eq!(pm.billing_details.name.as_deref(), Some("J. Rosen"));
}

#[test]
fn card_token_in_payment_method_data_parses_and_test_tokens_mint() {
    let mut p = Params::from_form(b"type=card&card[token]=tok_abc").unwrap();
    let create = PaymentMethodCreate::take(&mut p).unwrap();
    assert_eq!(create.stored_card_token(), Some(("tok_abc", "card[token]")));
    let refused = create
        .into_payment_method("pm_1".into(), SECRET, NOW)
        .unwrap_err();
    assert_eq!(refused.param.as_deref(), Some("card[token]"));
    let mut p = Params::from_form(
        b"payment_method_data[type]=card&payment_method_data[card][token]=tok_abc",
    )
    .unwrap();
    let mut data = p.object("payment_method_data").unwrap().unwrap();
    let nested = PaymentMethodCreate::take(&mut data).unwrap();
    assert_eq!(
        nested.stored_card_token(),
        Some(("tok_abc", "payment_method_data[card][token]"))
    );

    let mut p =
        Params::from_form(b"type=card&card[token]=tok_chargeDeclined&billing_details[name]=A")
            .unwrap();
    let create = PaymentMethodCreate::take(&mut p).unwrap();
    assert_eq!(
        create.stored_card_token(),
        None,
        "test tokens need no lookup"
    );
    let pm = create
        .into_payment_method("pm_1".into(), SECRET, NOW)
        .unwrap();
    assert_eq!(pm.card.as_ref().unwrap().last4, "0002");
    assert_eq!(pm.billing_details.name.as_deref(), Some("A"));

    let mut p = Params::from_form(b"type=card&card[token]=tok_abc&card[number]=4242").unwrap();
    let mixed = PaymentMethodCreate::take(&mut p).unwrap_err();
    assert_eq!(mixed.param.as_deref(), Some("card[number]"));
}
