//! Unit tests of charges: key sets, outcomes, capture, release and updates.
#![allow(clippy::unwrap_used)]
use std::collections::BTreeSet;

use serde_json::json;
use tender_wire::{ApiError, Field, Params};

use super::details::AUTHORIZATION_LIFETIME;
use super::*;
use crate::card::{self, GENERIC_DECLINE, INSUFFICIENT_FUNDS, RADAR_BLOCKED};

const NOW: Timestamp = 1_794_744_000;

pub(crate) fn visa() -> PaymentMethod {
    let test = card::lookup_test_payment_method("pm_card_visa").unwrap();
    PaymentMethod::from_test_payment_method("pm_1".into(), test, b"secret", NOW)
}

pub(crate) fn charge(result: AttemptResult, capture: bool) -> Charge {
    let pm = visa();
    let metadata = Metadata::from([("order".to_owned(), "6735".to_owned())]);
    let attempt = ChargeAttempt {
        payment_intent: "pi_1",
        payment_method: &pm,
        customer: Some("cus_1"),
        amount: 1000,
        currency: "usd",
        capture,
        result,
        three_d_secure: None,
        description: Some("Order 6735"),
        receipt_email: None,
        shipping: None,
        statement_descriptor: None,
        statement_descriptor_suffix: None,
        metadata: &metadata,
    };
    Charge::for_attempt("ch_1".into(), &attempt, NOW)
}

pub(crate) const APPROVED: AttemptResult = AttemptResult::Approved {
    risk_level: RiskLevel::Normal,
    risk_score: 32,
};

/// A set of keys written as one space-separated string.
fn words(list: &str) -> BTreeSet<&str> {
    list.split_whitespace().collect()
}

fn keys(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn renders_stripe_key_set_and_round_trips() {
    let charge = charge(APPROVED, true);
    let json = serde_json::to_value(&charge).unwrap();
    assert_eq!(
        keys(&json),
        words(
            "id object amount amount_captured amount_refunded application application_fee \
            application_fee_amount balance_transaction billing_details \
            calculated_statement_descriptor captured created currency customer description \
            disputed failure_balance_transaction failure_code failure_message \
            fraud_details livemode metadata on_behalf_of outcome paid payment_intent \
            payment_method payment_method_details radar_options receipt_email \
            receipt_number receipt_url refunded review shipping source source_transfer \
            statement_descriptor statement_descriptor_suffix status transfer_data \
            transfer_group"
        )
    );
    let card = &json["payment_method_details"]["card"];
    assert_eq!(
        keys(card),
        words(
            "amount_authorized authorization_code brand checks country \
            electronic_commerce_indicator exp_month exp_year extended_authorization \
            fingerprint funding incremental_authorization installments last4 mandate \
            multicapture network network_token network_transaction_id overcapture \
            regulated_status three_d_secure wallet"
        )
    );
    assert_eq!(json["object"], "charge");
    assert_eq!(json["payment_method_details"]["type"], "card");
    assert_eq!(json["fraud_details"], json!({}));
    assert_eq!(json["radar_options"], json!({}));
    assert_eq!(json["metadata"], json!({"order": "6735"}));
    assert_eq!(json["calculated_statement_descriptor"], "TENDER");
    assert_eq!(json["balance_transaction"], Value::Null);
    assert_eq!(
        card["extended_authorization"],
        json!({"status": "disabled"})
    );
    assert_eq!(card["multicapture"], json!({"status": "unavailable"}));
    assert_eq!(
        card["overcapture"],
        json!({"maximum_amount_capturable": 1000, "status": "unavailable"})
    );
    assert_eq!(card["network_token"], json!({"used": false}));
    assert_eq!(
        (card["brand"].as_str(), card["network"].as_str()),
        (Some("visa"), Some("visa"))
    );
    assert_eq!(card["network_transaction_id"].as_str().unwrap().len(), 15);
    assert_eq!(card["three_d_secure"], Value::Null);
    let back: Charge = serde_json::from_value(json).unwrap();
    assert_eq!(back, charge);
}

#[test]
fn approved_and_failed_shapes() {
    let ok = serde_json::to_value(charge(APPROVED, true)).unwrap();
    assert_eq!(
        (
            ok["status"].as_str(),
            ok["paid"].as_bool(),
            ok["captured"].as_bool()
        ),
        (Some("succeeded"), Some(true), Some(true))
    );
    assert_eq!(ok["amount_captured"], 1000);
    assert_eq!(ok["failure_code"], Value::Null);
    assert_eq!(
        ok["outcome"],
        json!({"advice_code": null, "network_advice_code": null,
               "network_decline_code": null, "network_status": "approved_by_network",
               "reason": null, "risk_level": "normal", "risk_score": 32,
               "seller_message": "Payment complete.", "type": "authorized"})
    );

    let failed =
        serde_json::to_value(charge(AttemptResult::Declined(INSUFFICIENT_FUNDS), true)).unwrap();
    assert_eq!(
        (
            failed["status"].as_str(),
            failed["paid"].as_bool(),
            failed["captured"].as_bool()
        ),
        (Some("failed"), Some(false), Some(false))
    );
    assert_eq!(failed["amount_captured"], 0);
    assert_eq!(failed["failure_code"], "card_declined");
    assert_eq!(
        failed["failure_message"],
        "Your card has insufficient funds."
    );
    let outcome = &failed["outcome"];
    assert_eq!(outcome["type"], "issuer_declined");
    assert_eq!(outcome["network_status"], "declined_by_network");
    assert_eq!(outcome["reason"], "insufficient_funds");
    assert_eq!(outcome["advice_code"], "try_again_later");
    assert_eq!(
        outcome["seller_message"],
        "The bank returned the decline code `insufficient_funds`."
    );
    let card = &failed["payment_method_details"]["card"];
    assert_eq!(card["amount_authorized"], Value::Null);
    assert_eq!(card["network_transaction_id"], Value::Null);

    let generic = charge(AttemptResult::Declined(GENERIC_DECLINE), true);
    assert_eq!(
        generic.outcome.seller_message,
        "The bank did not return any further details with this decline."
    );

    let blocked =
        serde_json::to_value(charge(AttemptResult::Declined(RADAR_BLOCKED), true)).unwrap();
    let outcome = &blocked["outcome"];
    assert_eq!(outcome["type"], "blocked");
    assert_eq!(outcome["network_status"], "not_sent_to_network");
    assert_eq!(outcome["risk_level"], "highest");
    assert_eq!(outcome["reason"], "highest_risk_level");
    assert_eq!(
        outcome["seller_message"],
        "Stripe blocked this payment as too risky."
    );
    assert_eq!(blocked["failure_code"], "card_declined");
}

#[test]
fn three_d_secure_and_descriptors() {
    let pm = visa();
    let metadata = Metadata::new();
    let shipping = Shipping {
        name: "Jo".into(),
        ..Shipping::default()
    };
    let attempt = ChargeAttempt {
        payment_intent: "pi_1",
        payment_method: &pm,
        customer: None,
        amount: 500,
        currency: "eur",
        capture: true,
        result: APPROVED,
        three_d_secure: Some(ThreeDSecureDetails {
            authentication_flow: "challenge",
            result: "authenticated",
            version: "2.2.0",
        }),
        description: None,
        receipt_email: Some("jo@example.com"),
        shipping: Some(&shipping),
        statement_descriptor: None,
        statement_descriptor_suffix: Some("ORDER 42"),
        metadata: &metadata,
    };
    let json = serde_json::to_value(Charge::for_attempt("ch_3ds".into(), &attempt, NOW)).unwrap();
    let tds = &json["payment_method_details"]["card"]["three_d_secure"];
    assert_eq!(
        keys(tds),
        words(
            "authentication_flow electronic_commerce_indicator exemption_indicator result \
            result_reason transaction_id version"
        )
    );
    assert_eq!(tds["authentication_flow"], "challenge");
    assert_eq!(tds["electronic_commerce_indicator"], "05");
    assert_eq!(tds["transaction_id"].as_str().unwrap().len(), 36);
    assert_eq!(json["calculated_statement_descriptor"], "TENDER* ORDER 42");
    assert_eq!(json["shipping"]["name"], "Jo");
    assert_eq!(json["receipt_email"], "jo@example.com");
    assert_eq!(json["customer"], Value::Null);
}

#[test]
fn capture_arithmetic_and_errors() {
    let mut auth = charge(APPROVED, false);
    assert_eq!(
        (auth.captured, auth.amount_captured, auth.paid),
        (false, 0, true)
    );
    assert!(auth.succeeded());
    assert_eq!(
        auth.payment_method_details
            .card
            .as_ref()
            .unwrap()
            .capture_before,
        Some(NOW + AUTHORIZATION_LIFETIME)
    );
    for bad in [0, -1, 1001] {
        let err = auth.clone().capture(bad).unwrap_err();
        assert_eq!(
            (err.status, err.param.as_deref()),
            (400, Some("amount_to_capture"))
        );
    }
    auth.capture(600).unwrap();
    assert_eq!(
        (
            auth.captured,
            auth.amount_captured,
            auth.amount_refunded,
            auth.refunded
        ),
        (true, 600, 400, false)
    );
    assert_eq!(auth.unrefunded(), 600);
    let err = auth.capture(600).unwrap_err();
    assert_eq!(err.code.as_deref(), Some("charge_already_captured"));

    let mut full = charge(APPROVED, false);
    full.capture(1000).unwrap();
    assert_eq!((full.amount_captured, full.amount_refunded), (1000, 0));

    let mut failed = charge(AttemptResult::Declined(GENERIC_DECLINE), false);
    assert_eq!(failed.capture(1000).unwrap_err().status, 400);
    failed.release();
    assert_eq!((failed.amount_refunded, failed.refunded), (0, false));
}

#[test]
fn release_refunds_the_authorization() {
    let mut auth = charge(APPROVED, false);
    auth.release();
    assert_eq!(
        (auth.captured, auth.amount_refunded, auth.refunded),
        (false, 1000, true)
    );
    let err = auth.capture(1000).unwrap_err();
    assert_eq!(err.code.as_deref(), Some("charge_already_refunded"));
    let mut captured = charge(APPROVED, true);
    captured.release();
    assert_eq!((captured.amount_refunded, captured.refunded), (0, false));
}

fn update(form: &str) -> Result<ChargeUpdate, ApiError> {
    let mut p = Params::from_form(form.as_bytes()).unwrap();
    let update = ChargeUpdate::take(&mut p)?;
    p.finish()?;
    Ok(update)
}

#[test]
fn update_changes_fields_and_reports_previous_attributes() {
    let mut ch = charge(APPROVED, true);
    let previous = update(
        "description=New&metadata[tier]=gold&receipt_email=a%40b.c&\
         fraud_details[user_report]=safe&shipping[name]=Jo&shipping[address][city]=Paris",
    )
    .unwrap()
    .apply(&mut ch)
    .unwrap()
    .unwrap();
    assert_eq!(
        keys(&previous),
        words("description fraud_details metadata receipt_email shipping")
    );
    assert_eq!(previous["description"], "Order 6735");
    assert_eq!(previous["fraud_details"], json!({}));
    assert_eq!(ch.fraud_details.user_report.as_deref(), Some("safe"));
    assert_eq!(ch.metadata.len(), 2);
    assert_eq!(
        ch.shipping.as_ref().unwrap().address.city.as_deref(),
        Some("Paris")
    );
    let same = update("description=New").unwrap();
    assert_eq!(same.apply(&mut ch).unwrap(), None);
    update("description=&fraud_details=")
        .unwrap()
        .apply(&mut ch)
        .unwrap();
    assert_eq!(
        (
            ch.description.as_deref(),
            ch.fraud_details.user_report.as_deref()
        ),
        (None, None)
    );

    let err = update("fraud_details[user_report]=maybe").unwrap_err();
    assert_eq!(err.param.as_deref(), Some("fraud_details[user_report]"));
    let err = update("fraud_details[bogus]=1").unwrap_err();
    assert_eq!(err.param.as_deref(), Some("fraud_details[bogus]"));
    let cleared = update("fraud_details[user_report]=").unwrap();
    assert_eq!(cleared.fraud_user_report, Field::Clear);
    let err = update("shipping[name]=Jo").unwrap_err();
    assert_eq!(err.param.as_deref(), Some("shipping[address]"));
    let err = update("amount=5").unwrap_err();
    assert_eq!(err.code.as_deref(), Some("parameter_unknown"));

    let before = ch.clone();
    let err = update("customer=cus_2&metadata[x]=1")
        .unwrap()
        .apply(&mut ch)
        .unwrap_err();
    assert_eq!(err.param.as_deref(), Some("customer"));
    assert_eq!(ch, before);
    let mut anonymous = charge(APPROVED, true);
    anonymous.customer = None;
    update("customer=cus_2&transfer_group=g1")
        .unwrap()
        .apply(&mut anonymous)
        .unwrap();
    assert_eq!(anonymous.customer.as_deref(), Some("cus_2"));
    let err = update("transfer_group=g2")
        .unwrap()
        .apply(&mut anonymous)
        .unwrap_err();
    assert_eq!(err.param.as_deref(), Some("transfer_group"));
}
