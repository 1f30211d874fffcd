//! Bank debits (SEPA Direct Debit, ACH): `processing` at confirmation, settled later.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use tender_wire::{Metadata, Params};

use super::*;
use crate::address::BillingDetails;
use crate::card::Behavior;
use crate::charge::ChargeStatus;
use crate::debit::Timing;
use crate::event_kind::EventKind;
use crate::intent::EventSubject as On;
use crate::payment_method::PaymentMethodCreate;

const NOW: Timestamp = 1_794_744_000;
const SECRET: &[u8] = b"tender test account";

fn pm(form: &str) -> PaymentMethod {
    let mut p = Params::from_form(form.as_bytes()).unwrap();
    let create = PaymentMethodCreate::take(&mut p).unwrap();
    p.finish().unwrap();
    create
        .into_payment_method("pm_1Debit".to_owned(), SECRET, NOW)
        .unwrap()
}

fn sepa(iban: &str) -> PaymentMethod {
    pm(&format!(
        "type=sepa_debit&sepa_debit[iban]={iban}&billing_details[name]=Jenny%20Rosen&billing_details[email]=jenny@example.com"
    ))
}

fn ach(account: &str) -> PaymentMethod {
    pm(&format!(
        "type=us_bank_account&us_bank_account[account_number]={account}&us_bank_account[routing_number]=110000000&us_bank_account[account_holder_type]=individual&billing_details[name]=Jenny%20Rosen"
    ))
}

fn ctx(pm: &PaymentMethod) -> ConfirmContext<'_> {
    ConfirmContext {
        payment_method: pm,
        behavior: Behavior::Succeeds,
        set_up_for_off_session: false,
        off_session: false,
        use_stripe_sdk: false,
        return_url: None,
        error_on_requires_action: false,
        authenticate_url: "http://localhost/authenticate".to_owned(),
        charge_id: "ch_1Debit".to_owned(),
        authenticated: false,
    }
}

fn intent(currency: &str, kind: &str) -> PaymentIntent {
    let mut intent = PaymentIntent::new(
        "pi_1Debit".to_owned(),
        "pi_1Debit_secret_x".to_owned(),
        2000,
        currency,
        NOW - 60,
    );
    intent.payment_method_types = vec![kind.to_owned()];
    intent
}

fn submitted(pm: &PaymentMethod, currency: &str) -> Transition {
    intent(currency, pm.kind.as_str())
        .confirm(&ctx(pm), &crate::network::TestNetwork, NOW)
        .unwrap()
}

#[test]
fn a_debit_is_processing_with_a_pending_charge_and_a_mandate() {
    let pm = sepa("DE89370400440532013000");
    let t = submitted(&pm, "eur");
    assert_eq!(t.intent.status, Status::Processing);
    assert_eq!(t.intent.amount_received, 0);
    assert_eq!(t.intent.latest_charge.as_deref(), Some("ch_1Debit"));
    assert_eq!(t.settles_later, Some(Timing::Soon));
    assert_eq!(
        t.events,
        vec![
            (EventKind::ChargePending, On::Charge),
            (EventKind::PaymentIntentProcessing, On::Intent)
        ]
    );
    let charge = t.charge.unwrap();
    assert_eq!(charge.status, ChargeStatus::Pending);
    assert!(!charge.paid);
    let details = serde_json::to_value(&charge.payment_method_details).unwrap();
    assert_eq!(details["type"], "sepa_debit");
    assert_eq!(details["sepa_debit"]["last4"], "3000");
    assert_eq!(details["sepa_debit"]["mandate"], "mandate_1Debit");
    assert!(details.get("card").is_none());
}

#[test]
fn the_delayed_test_ibans_settle_late() {
    for iban in ["DE08370400440532013003", "DE78370400440532013004"] {
        assert_eq!(
            submitted(&sepa(iban), "eur").settles_later,
            Some(Timing::Late)
        );
    }
}

#[test]
fn a_debit_in_the_wrong_currency_or_with_manual_capture_is_refused() {
    let error = intent("usd", "sepa_debit")
        .confirm(
            &ctx(&sepa("DE89370400440532013000")),
            &crate::network::TestNetwork,
            NOW,
        )
        .unwrap_err();
    assert_eq!(error.param.as_deref(), Some("currency"));
    let error = intent("eur", "us_bank_account")
        .confirm(
            &ctx(&ach("000123456789")),
            &crate::network::TestNetwork,
            NOW,
        )
        .unwrap_err();
    assert_eq!(error.param.as_deref(), Some("currency"));
    let mut manual = intent("eur", "sepa_debit");
    manual.capture_method = CaptureMethod::Manual;
    let error = manual
        .confirm(
            &ctx(&sepa("DE89370400440532013000")),
            &crate::network::TestNetwork,
            NOW,
        )
        .unwrap_err();
    assert_eq!(error.param.as_deref(), Some("capture_method"));
}

fn settle(pm: &PaymentMethod, currency: &str) -> Transition {
    let t = submitted(pm, currency);
    t.intent
        .settle_debit(t.charge.as_ref().unwrap(), pm)
        .expect("a processing debit settles")
}

#[test]
fn success_numbers_settle_to_succeeded() {
    for pm in [
        sepa("DE89370400440532013000"),
        sepa("DE08370400440532013003"),
        sepa("AT611904300234573201"),
        ach("000123456789"),
    ] {
        let currency = if pm.kind == PaymentMethodType::SepaDebit {
            "eur"
        } else {
            "usd"
        };
        let t = settle(&pm, currency);
        assert_eq!(t.intent.status, Status::Succeeded, "{:?}", pm.kind);
        assert_eq!(t.intent.amount_received, 2000);
        let charge = t.charge.as_ref().unwrap();
        assert_eq!(charge.status, ChargeStatus::Succeeded);
        assert!(charge.paid && charge.captured);
        assert_eq!(
            t.events,
            vec![
                (EventKind::ChargeSucceeded, On::Charge),
                (EventKind::PaymentIntentSucceeded, On::Intent)
            ]
        );
    }
}

#[test]
fn failure_numbers_settle_to_requires_payment_method() {
    for (pm, currency, code) in [
        (sepa("DE62370400440532013001"), "eur", "insufficient_funds"),
        (sepa("DE78370400440532013004"), "eur", "insufficient_funds"),
        (ach("000111111113"), "usd", "account_closed"),
        (ach("000111111116"), "usd", "no_account"),
        (ach("000222222227"), "usd", "insufficient_funds"),
        (ach("000333333335"), "usd", "debit_not_authorized"),
    ] {
        let t = settle(&pm, currency);
        assert_eq!(t.intent.status, Status::RequiresPaymentMethod, "{code}");
        assert_eq!(t.intent.payment_method, None);
        let error = t.intent.last_payment_error.as_ref().unwrap();
        assert_eq!(error["code"], json!(code));
        assert_eq!(error["charge"], json!("ch_1Debit"));
        let charge = t.charge.as_ref().unwrap();
        assert_eq!(charge.status, ChargeStatus::Failed);
        assert_eq!(charge.failure_code.as_deref(), Some(code));
        assert!(!charge.paid && !charge.captured);
        assert_eq!(
            t.events,
            vec![
                (EventKind::ChargeFailed, On::Charge),
                (EventKind::PaymentIntentPaymentFailed, On::Intent)
            ]
        );
    }
}

#[test]
fn a_settled_debit_does_not_settle_again() {
    let pm = sepa("DE89370400440532013000");
    let t = settle(&pm, "eur");
    assert!(
        t.intent
            .settle_debit(t.charge.as_ref().unwrap(), &pm)
            .is_none()
    );
    let submitted = submitted(&pm, "eur");
    let mut other = submitted.charge.clone().unwrap();
    other.id = "ch_1Other".to_owned();
    assert!(submitted.intent.settle_debit(&other, &pm).is_none());
}

#[test]
fn a_debit_needs_a_name_and_a_valid_account() {
    let mut p =
        Params::from_form(b"type=sepa_debit&sepa_debit[iban]=DE89370400440532013000").unwrap();
    let error = PaymentMethodCreate::take(&mut p).unwrap_err();
    assert_eq!(error.param.as_deref(), Some("billing_details[name]"));
    let mut p = Params::from_form(
        b"payment_method_data[type]=sepa_debit&payment_method_data[sepa_debit][iban]=DE00123&payment_method_data[billing_details][name]=J",
    )
    .unwrap();
    let error = crate::intent::take_payment_method_data(&mut p).unwrap_err();
    assert_eq!(error.code.as_deref(), Some("invalid_bank_account_iban"));
    assert_eq!(
        error.param.as_deref(),
        Some("payment_method_data[sepa_debit][iban]")
    );
    let _ = (BillingDetails::default(), Metadata::new());
}

#[test]
fn the_mandate_of_a_debit_is_the_one_its_charge_names() {
    let sepa_charge = submitted(&sepa("DE89370400440532013000"), "eur")
        .charge
        .unwrap();
    let accepted = json!({"customer_acceptance": {"type": "online",
        "online": {"ip_address": "127.0.0.1", "user_agent": "Mozilla/5.0"}}});
    let stored =
        crate::mandate::for_debit(&sepa_charge, Some(&accepted), false, "http://t", NOW).unwrap();
    let rendered = serde_json::to_value(&stored.mandate).unwrap();
    assert_eq!(stored.id, "mandate_1Debit");
    assert_eq!(stored.created, NOW);
    assert_eq!(rendered["object"], "mandate");
    assert_eq!(rendered["type"], "multi_use");
    assert_eq!(rendered["multi_use"], json!({}));
    assert_eq!(rendered["single_use"], serde_json::Value::Null);
    assert_eq!(rendered["status"], "active");
    assert_eq!(rendered["payment_method"], "pm_1Debit");
    assert_eq!(rendered["customer_acceptance"]["type"], "online");
    assert_eq!(rendered["customer_acceptance"]["accepted_at"], NOW);
    assert_eq!(
        rendered["customer_acceptance"]["online"]["user_agent"],
        "Mozilla/5.0"
    );
    assert_eq!(rendered["payment_method_details"]["type"], "sepa_debit");
    assert_eq!(
        rendered["payment_method_details"]["sepa_debit"]["reference"],
        "1DEBIT"
    );
    assert_eq!(
        rendered["payment_method_details"]["sepa_debit"]["url"],
        "http://t/dashboard/payments/pi_1Debit"
    );

    // A one-off ACH debit's mandate is for its amount only, unless the account is kept.
    let ach_charge = submitted(&ach("000123456789"), "usd").charge.unwrap();
    let once = crate::mandate::for_debit(&ach_charge, None, false, "http://t", NOW).unwrap();
    let once = serde_json::to_value(&once.mandate).unwrap();
    assert_eq!(once["type"], "single_use");
    assert_eq!(
        once["single_use"],
        json!({"amount": 2000, "currency": "usd"})
    );
    assert_eq!(once["multi_use"], serde_json::Value::Null);
    assert_eq!(once["customer_acceptance"]["type"], "offline");
    assert_eq!(
        once["payment_method_details"],
        json!({"type": "us_bank_account", "us_bank_account": {"collection_method": null}})
    );
    let kept = crate::mandate::for_debit(&ach_charge, None, true, "http://t", NOW).unwrap();
    assert_eq!(kept.mandate.kind, "multi_use");
}
