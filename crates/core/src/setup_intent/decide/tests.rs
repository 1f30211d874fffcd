//! Unit tests of the SetupIntent machine: every (status × command) pair, then the outcomes
//! of verification with each kind of test card.
#![allow(clippy::unwrap_used)]

use crate::event_kind::EventKind;
use tender_wire::Params;

use super::*;
use crate::card;
use crate::network::TestNetwork;
use crate::setup_intent::SetupIntentUpdate;

const NOW: crate::Timestamp = 1_794_744_000;
const SECRET: &[u8] = b"secret";

fn payment_method(test_id: &str) -> PaymentMethod {
    let test = card::lookup_test_payment_method(test_id).unwrap();
    PaymentMethod::from_test_payment_method("pm_1".into(), test, SECRET, NOW)
}

fn context(pm: &PaymentMethod) -> ConfirmContext<'_> {
    ConfirmContext {
        payment_method: pm,
        behavior: pm.card_behavior(SECRET).unwrap(),
        set_up_for_off_session: false,
        off_session: false,
        use_stripe_sdk: false,
        return_url: None,
        error_on_requires_action: false,
        authenticate_url: "http://tender/authenticate/acct_1/seti_1".into(),
        charge_id: "ch_unused".into(),
        authenticated: false,
    }
}

fn intent(status: Status) -> SetupIntent {
    let mut intent = SetupIntent::new("seti_1".into(), "seti_1_secret_x".into(), NOW);
    intent.status = status;
    if status != Status::RequiresPaymentMethod {
        intent.payment_method = Some("pm_0".into());
    }
    intent
}

fn assert_unexpected(result: Result<Transition, ApiError>, status: Status) {
    let err = result.unwrap_err();
    assert_eq!(err.status, 400, "{status:?}");
    assert_eq!(
        err.code.as_deref(),
        Some("setup_intent_unexpected_state"),
        "{status:?}"
    );
    assert!(err.message.contains(status.as_str()), "{}", err.message);
}

#[test]
fn confirm_from_every_status() {
    let pm = payment_method("pm_card_visa");
    for status in Status::ALL {
        let result = intent(status).confirm(&context(&pm), &TestNetwork);
        if status.is_open() {
            let t = result.unwrap();
            assert_eq!(t.intent.status, Status::Succeeded, "{status:?}");
            assert_eq!(t.intent.payment_method.as_deref(), Some("pm_1"));
            assert_eq!(t.event_kinds(), vec![EventKind::SetupIntentSucceeded]);
            assert!(t.succeeded());
        } else {
            assert_unexpected(result, status);
        }
    }
}

#[test]
fn complete_authentication_from_every_status() {
    let pm = payment_method("pm_card_authenticationRequiredOnSetup");
    for status in Status::ALL {
        for succeeded in [true, false] {
            let result =
                intent(status).complete_authentication(&context(&pm), succeeded, &TestNetwork);
            if status != Status::RequiresAction {
                assert_unexpected(result, status);
                continue;
            }
            let t = result.unwrap();
            assert!(t.error.is_none());
            if succeeded {
                assert_eq!(t.intent.status, Status::Succeeded);
                assert_eq!(t.event_kinds(), vec![EventKind::SetupIntentSucceeded]);
            } else {
                assert_eq!(t.intent.status, Status::RequiresPaymentMethod);
                assert_eq!(t.intent.payment_method, None);
                let error = t.intent.last_setup_error.as_ref().unwrap();
                assert_eq!(error["code"], "setup_intent_authentication_failure");
                assert_eq!(error["type"], "invalid_request_error");
                assert_eq!(error["payment_method"]["id"], "pm_1");
                assert_eq!(t.event_kinds(), vec![EventKind::SetupIntentSetupFailed]);
            }
        }
    }
}

#[test]
fn cancel_from_every_status() {
    for status in Status::ALL {
        let result = intent(status).cancel(Some("abandoned".into()));
        if status.is_open() {
            let t = result.unwrap();
            assert_eq!(t.intent.status, Status::Canceled);
            assert_eq!(t.intent.cancellation_reason.as_deref(), Some("abandoned"));
            assert_eq!(t.intent.next_action, None);
            assert_eq!(t.event_kinds(), vec![EventKind::SetupIntentCanceled]);
        } else {
            assert_unexpected(result, status);
        }
    }
}

fn update(form: &str) -> SetupIntentUpdate {
    let mut p = Params::from_form(form.as_bytes()).unwrap();
    let update = SetupIntentUpdate::take(&mut p).unwrap();
    p.finish().unwrap();
    update
}

#[test]
fn update_from_every_status() {
    let set_up = update("payment_method=pm_2");
    let label = update("description=Main+card&metadata[k]=v");
    for status in Status::ALL {
        let mut si = intent(status);
        si.next_action = Some(serde_json::json!({"type": "use_stripe_sdk"}));
        let result = set_up.apply(&mut si);
        if status.is_open() {
            result.unwrap();
            assert_eq!(si.status, Status::RequiresConfirmation);
            assert_eq!(si.payment_method.as_deref(), Some("pm_2"));
            assert_eq!(si.next_action, None);
        } else {
            let err = result.unwrap_err();
            assert_eq!(err.code.as_deref(), Some("setup_intent_unexpected_state"));
            assert_eq!(err.param.as_deref(), Some("payment_method"));
            assert!(err.message.contains(status.as_str()), "{}", err.message);
            assert_eq!(si.status, status, "a refused update changes nothing");
        }
        // Descriptive fields may change in any status.
        let mut si = intent(status);
        label.apply(&mut si).unwrap();
        assert_eq!(si.status, status);
        assert_eq!(si.description.as_deref(), Some("Main card"));
        assert_eq!(si.metadata.get("k").map(String::as_str), Some("v"));
    }
}

#[test]
fn declines_answer_402_and_reopen_the_intent() {
    for (test_id, decline_code) in [
        ("pm_card_visa_chargeDeclined", "generic_decline"),
        (
            "pm_card_visa_chargeDeclinedInsufficientFunds",
            "insufficient_funds",
        ),
        ("pm_card_radarBlock", "fraudulent"),
    ] {
        let pm = payment_method(test_id);
        let t = intent(Status::RequiresPaymentMethod)
            .confirm(&context(&pm), &TestNetwork)
            .unwrap();
        let error = t.error.as_ref().unwrap();
        assert_eq!(error.status, 402, "{test_id}");
        assert_eq!(error.decline_code.as_deref(), Some(decline_code));
        assert_eq!(t.intent.status, Status::RequiresPaymentMethod);
        assert_eq!(t.intent.payment_method, None);
        assert_eq!(
            t.intent.last_setup_error.as_ref().unwrap()["decline_code"],
            decline_code
        );
        assert_eq!(t.event_kinds(), vec![EventKind::SetupIntentSetupFailed]);
        assert!(!t.succeeded());
    }
}

#[test]
fn cards_whose_charges_fail_set_up_fine() {
    for test_id in [
        "pm_card_chargeCustomerFail",
        "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds",
    ] {
        let pm = payment_method(test_id);
        let si = intent(Status::RequiresPaymentMethod);
        let mut t = si.confirm(&context(&pm), &TestNetwork).unwrap();
        if t.intent.status == Status::RequiresAction {
            t = t
                .intent
                .complete_authentication(&context(&pm), true, &TestNetwork)
                .unwrap();
        }
        assert_eq!(t.intent.status, Status::Succeeded, "{test_id}");
    }
}

#[test]
fn authentication_cards_require_action_even_for_off_session_usage() {
    for test_id in [
        "pm_card_authenticationRequiredOnSetup",
        "pm_card_authenticationRequired",
        "pm_card_threeDSecure2Required",
    ] {
        let pm = payment_method(test_id);
        let si = intent(Status::RequiresPaymentMethod);
        assert_eq!(si.usage, super::super::Usage::OffSession);
        let t = si.confirm(&context(&pm), &TestNetwork).unwrap();
        assert_eq!(t.intent.status, Status::RequiresAction, "{test_id}");
        assert_eq!(t.event_kinds(), vec![EventKind::SetupIntentRequiresAction]);
        let action = t.intent.next_action.as_ref().unwrap();
        assert_eq!(action["type"], "use_stripe_sdk");
        assert_eq!(
            action["use_stripe_sdk"]["stripe_js"],
            "http://tender/authenticate/acct_1/seti_1"
        );
        assert_eq!(action["use_stripe_sdk"]["source"], "src_1");
    }
}

#[test]
fn server_side_confirm_with_return_url_redirects() {
    let pm = payment_method("pm_card_authenticationRequiredOnSetup");
    let mut ctx = context(&pm);
    ctx.return_url = Some("https://shop.example/back".into());
    let t = intent(Status::RequiresPaymentMethod)
        .confirm(&ctx, &TestNetwork)
        .unwrap();
    let action = t.intent.next_action.unwrap();
    assert_eq!(action["type"], "redirect_to_url");
    assert_eq!(
        action["redirect_to_url"]["return_url"],
        "https://shop.example/back"
    );
    ctx.use_stripe_sdk = true;
    let t = intent(Status::RequiresPaymentMethod)
        .confirm(&ctx, &TestNetwork)
        .unwrap();
    assert_eq!(t.intent.next_action.unwrap()["type"], "use_stripe_sdk");
}

#[test]
fn requested_three_d_secure_challenges_optional_cards() {
    let pm = payment_method("pm_card_threeDSecureOptional");
    let mut si = intent(Status::RequiresPaymentMethod);
    let t = si.confirm(&context(&pm), &TestNetwork).unwrap();
    assert_eq!(t.intent.status, Status::Succeeded);
    update("payment_method_options[card][request_three_d_secure]=any")
        .apply(&mut si)
        .unwrap();
    assert_eq!(
        si.payment_method_options["card"]["request_three_d_secure"],
        "any"
    );
    let t = si.confirm(&context(&pm), &TestNetwork).unwrap();
    assert_eq!(t.intent.status, Status::RequiresAction);
}
