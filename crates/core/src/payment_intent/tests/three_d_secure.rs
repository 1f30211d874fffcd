//! 3D Secure: next actions, completion, failure, the off-session rules.

use super::cards::DECLINED;
use super::cards::DeclineCase;
use super::cards::assert_card_error;
use super::cards::expected_card_error_object;
use super::*;
use crate::event_kind::EventKind;

// 3D Secure
// ------------------------------------------------------------------------------------------

const THREE_DS_CARDS: [&str; 4] = [
    "pm_card_authenticationRequiredOnSetup",
    "pm_card_threeDSecure2Required",
    "pm_card_threeDSecureRequired",
    "pm_card_authenticationRequired",
];

fn use_stripe_sdk_next_action() -> Value {
    json!({
        "type": "use_stripe_sdk",
        "use_stripe_sdk": {
            "type": "three_d_secure_redirect",
            "stripe_js": AUTH_URL,
            "source": "src_1TestNew",
        },
    })
}

pub(super) fn assert_requires_action(t: &Transition, next_action: &Value) {
    let next = &t.intent;
    assert_eq!(next.status, Status::RequiresAction);
    assert_eq!(next.next_action.as_ref(), Some(next_action));
    assert_eq!(next.payment_method.as_deref(), Some(PM_ID));
    // No charge until the customer has authenticated (spec §3.4).
    assert_eq!(next.latest_charge, None);
    assert_eq!(next.last_payment_error, None);
    assert_eq!(next.amount_received, 0);
    assert_eq!(next.amount_capturable, 0);
    assert_eq!(t.charge, None);
    assert_eq!(t.error, None);
    assert_eq!(
        t.events,
        [(EventKind::PaymentIntentRequiresAction, On::Intent)]
    );
}

#[test]
fn three_ds_card_with_use_stripe_sdk_needs_a_use_stripe_sdk_action() {
    for card in THREE_DS_CARDS {
        let pm = card_pm(card);
        let mut c = ctx(&pm);
        c.use_stripe_sdk = true;
        let t = new_intent().confirm(&c, &TestNetwork, NOW).unwrap();
        assert_requires_action(&t, &use_stripe_sdk_next_action());
        // A return_url does not change what an SDK confirmation gets.
        c.return_url = Some(RETURN_URL.to_owned());
        let t = new_intent().confirm(&c, &TestNetwork, NOW).unwrap();
        assert_requires_action(&t, &use_stripe_sdk_next_action());
    }
}

#[test]
fn three_ds_card_confirmed_by_the_server_with_a_return_url_redirects() {
    // [OBS] server-side confirm with return_url + pm_card_threeDSecure2Required.
    for card in THREE_DS_CARDS {
        let pm = card_pm(card);
        let mut c = ctx(&pm);
        c.return_url = Some(RETURN_URL.to_owned());
        let t = new_intent().confirm(&c, &TestNetwork, NOW).unwrap();
        assert_requires_action(&t, &redirect_next_action());
    }
}

#[test]
fn three_ds_card_without_return_url_or_sdk_gets_a_use_stripe_sdk_action() {
    let pm = card_pm("pm_card_threeDSecure2Required");
    let t = new_intent().confirm(&ctx(&pm), &TestNetwork, NOW).unwrap();
    assert_requires_action(&t, &use_stripe_sdk_next_action());
}

#[test]
fn error_on_requires_action_fails_instead_of_asking_for_authentication() {
    for card in THREE_DS_CARDS {
        let pm = card_pm(card);
        let mut c = ctx(&pm);
        c.error_on_requires_action = true;
        c.return_url = Some(RETURN_URL.to_owned());
        let t = new_intent().confirm(&c, &TestNetwork, NOW).unwrap();
        let case = DeclineCase {
            card,
            code: "authentication_required",
            decline_code: "authentication_not_handled",
            param: None,
            advice_code: None,
            message: "This payment required an authentication action to complete, but \
                      `error_on_requires_action` was set. When you're ready, you can upgrade \
                      your integration to handle actions at \
                      https://stripe.com/docs/payments/payment-intents/upgrade-to-handle-actions.",
            outcome: OutcomeKind::IssuerDeclined,
        };
        let error = t.error.as_ref().unwrap();
        assert_card_error(error, &case);
        assert_eq!(error.embedded.get("charge"), None);
        let next = &t.intent;
        assert_eq!(next.status, Status::RequiresPaymentMethod, "{card}");
        assert_eq!(next.payment_method, None);
        assert_eq!(next.next_action, None);
        assert_eq!(next.latest_charge, None);
        assert_eq!(
            next.last_payment_error,
            Some(expected_card_error_object(&case, &pm, None))
        );
        assert_eq!(t.charge, None);
        assert_eq!(
            t.events,
            [(EventKind::PaymentIntentPaymentFailed, On::Intent)]
        );
    }
    // A card that needs no authentication is unaffected.
    let visa = card_pm("pm_card_visa");
    let mut c = ctx(&visa);
    c.error_on_requires_action = true;
    let t = new_intent().confirm(&c, &TestNetwork, NOW).unwrap();
    assert_eq!(t.intent.status, Status::Succeeded);
}

fn authentication_required_case(card: &'static str) -> DeclineCase {
    DeclineCase {
        card,
        code: "authentication_required",
        decline_code: "authentication_required",
        param: None,
        advice_code: None,
        message: "Your card was declined. This transaction requires authentication.",
        outcome: OutcomeKind::IssuerDeclined,
    }
}

#[test]
fn off_session_with_an_always_authenticate_card_is_declined() {
    let card = "pm_card_authenticationRequired";
    let pm = card_pm(card);
    // Declined whether or not the card was set up for off-session use.
    for set_up in [false, true] {
        let mut c = ctx(&pm);
        c.off_session = true;
        c.set_up_for_off_session = set_up;
        let t = new_intent().confirm(&c, &TestNetwork, NOW).unwrap();
        let case = authentication_required_case(card);
        assert_card_error(t.error.as_ref().unwrap(), &case);
        let next = &t.intent;
        assert_eq!(next.status, Status::RequiresPaymentMethod);
        assert_eq!(next.payment_method, None);
        assert_eq!(next.next_action, None);
        assert_eq!(next.latest_charge.as_deref(), Some(CHARGE_ID));
        assert_eq!(
            next.last_payment_error,
            Some(expected_card_error_object(&case, &pm, Some(CHARGE_ID)))
        );
        assert_eq!(t.charge.as_ref().unwrap().status, ChargeStatus::Failed);
        assert_eq!(
            event_names(&t),
            [
                EventKind::ChargeFailed,
                EventKind::PaymentIntentPaymentFailed
            ]
        );
    }
}

#[test]
fn off_session_with_the_authenticate_unless_set_up_card() {
    let card = "pm_card_authenticationRequiredOnSetup";
    let pm = card_pm(card);
    let mut c = ctx(&pm);
    c.off_session = true;
    let t = new_intent().confirm(&c, &TestNetwork, NOW).unwrap();
    assert_eq!(t.intent.status, Status::RequiresPaymentMethod);
    assert_card_error(
        t.error.as_ref().unwrap(),
        &authentication_required_case(card),
    );
    // Once set up for off-session use, it goes through without authentication.
    c.set_up_for_off_session = true;
    let t = new_intent().confirm(&c, &TestNetwork, NOW).unwrap();
    assert_eq!(t.intent.status, Status::Succeeded);
    assert_eq!(t.error, None);
    assert_eq!(three_d_secure_flow(t.charge.as_ref().unwrap()), None);
}

#[test]
fn off_session_with_the_already_set_up_card_succeeds() {
    let pm = card_pm("pm_card_authenticationRequiredSetupForOffSession");
    let mut c = ctx(&pm);
    c.off_session = true;
    let t = new_intent().confirm(&c, &TestNetwork, NOW).unwrap();
    assert_eq!(t.intent.status, Status::Succeeded);
    // On session it needs authentication.
    c.off_session = false;
    let t = new_intent().confirm(&c, &TestNetwork, NOW).unwrap();
    assert_eq!(t.intent.status, Status::RequiresAction);
}

/// Confirms `intent` with `pm` (SDK flow), expecting `requires_action`.
pub(super) fn requiring_action(intent: &PaymentIntent, pm: &PaymentMethod) -> PaymentIntent {
    let mut c = ctx(pm);
    c.use_stripe_sdk = true;
    let t = intent.confirm(&c, &TestNetwork, NOW).unwrap();
    assert_eq!(t.intent.status, Status::RequiresAction);
    t.intent
}

/// The context of the hosted page's answer, as the server builds it.
fn page_ctx(pm: &PaymentMethod) -> ConfirmContext<'_> {
    ConfirmContext {
        use_stripe_sdk: true,
        charge_id: "ch_1TestAuth".to_owned(),
        ..ctx(pm)
    }
}

#[test]
fn completed_authentication_succeeds_with_a_challenge() {
    for card in THREE_DS_CARDS {
        let pm = card_pm(card);
        let waiting = requiring_action(&new_intent(), &pm);
        let t = waiting
            .complete_authentication(&page_ctx(&pm), true, &TestNetwork, NOW + 30)
            .unwrap();
        let next = &t.intent;
        assert_eq!(next.status, Status::Succeeded, "{card}");
        assert_eq!(next.amount_received, AMOUNT);
        assert_eq!(next.amount_capturable, 0);
        assert_eq!(next.next_action, None);
        assert_eq!(next.last_payment_error, None);
        assert_eq!(next.payment_method.as_deref(), Some(PM_ID));
        assert_eq!(next.latest_charge.as_deref(), Some("ch_1TestAuth"));
        assert_eq!(t.error, None);
        assert_eq!(
            t.events,
            [
                (EventKind::ChargeSucceeded, On::Charge),
                (EventKind::PaymentIntentSucceeded, On::Intent)
            ]
        );
        let charge = t.charge.unwrap();
        assert_eq!(charge.id, "ch_1TestAuth");
        assert_eq!(charge.status, ChargeStatus::Succeeded);
        assert!(charge.captured);
        assert_eq!(charge.created, NOW + 30);
        let card_details = charge.payment_method_details.card.unwrap();
        let tds = card_details.three_d_secure.unwrap();
        assert_eq!(tds.authentication_flow, "challenge");
        assert_eq!(tds.result, "authenticated");
        assert_eq!(tds.version, "2.2.0");
        assert_eq!(tds.electronic_commerce_indicator, "05");
        assert_eq!(
            card_details.electronic_commerce_indicator.as_deref(),
            Some("05")
        );
    }
}

#[test]
fn completed_authentication_of_a_manual_capture_intent_authorizes() {
    let pm = card_pm("pm_card_threeDSecure2Required");
    let waiting = requiring_action(&new_manual_intent(), &pm);
    let t = waiting
        .complete_authentication(&page_ctx(&pm), true, &TestNetwork, NOW)
        .unwrap();
    assert_eq!(t.intent.status, Status::RequiresCapture);
    assert_eq!(t.intent.amount_capturable, AMOUNT);
    assert_eq!(t.intent.amount_received, 0);
    assert_eq!(
        event_names(&t),
        [
            EventKind::ChargeSucceeded,
            EventKind::PaymentIntentAmountCapturableUpdated
        ]
    );
    let charge = t.charge.unwrap();
    assert!(!charge.captured);
    assert_eq!(three_d_secure_flow(&charge).as_deref(), Some("challenge"));
}

#[test]
fn completed_authentication_with_manual_confirmation_requires_confirmation() {
    let pm = card_pm("pm_card_threeDSecure2Required");
    let mut intent = new_intent();
    intent.confirmation_method = ConfirmationMethod::Manual;
    let waiting = requiring_action(&intent, &pm);
    let t = waiting
        .complete_authentication(&page_ctx(&pm), true, &TestNetwork, NOW)
        .unwrap();
    assert_eq!(t.intent.status, Status::RequiresConfirmation);
    assert_eq!(t.intent.payment_method.as_deref(), Some(PM_ID));
    assert_eq!(t.intent.next_action, None);
    assert_eq!(t.intent.latest_charge, None);
    assert_eq!(t.intent.amount_received, 0);
    assert_eq!(t.charge, None);
    assert_eq!(t.error, None);
}

#[test]
fn failed_authentication_returns_to_requires_payment_method() {
    for card in THREE_DS_CARDS {
        let pm = card_pm(card);
        let waiting = requiring_action(&new_intent(), &pm);
        let t = waiting
            .complete_authentication(&page_ctx(&pm), false, &TestNetwork, NOW)
            .unwrap();
        let next = &t.intent;
        assert_eq!(next.status, Status::RequiresPaymentMethod, "{card}");
        assert_eq!(next.payment_method, None);
        assert_eq!(next.next_action, None);
        assert_eq!(next.latest_charge, None);
        assert_eq!(next.amount_received, 0);
        assert_eq!(
            next.last_payment_error,
            Some(json!({
                "code": "payment_intent_authentication_failure",
                "doc_url": doc_url("payment_intent_authentication_failure"),
                "message": "The provided PaymentMethod has failed authentication. You can \
                            provide payment_method_data or a new PaymentMethod to attempt to \
                            fulfill this PaymentIntent again.",
                "payment_method": pm_json(&pm),
                "type": "invalid_request_error",
            }))
        );
        // No charge, and no error to answer: the customer is on the hosted page.
        assert_eq!(t.charge, None);
        assert_eq!(t.error, None);
        assert!(!t.save_payment_method);
        assert_eq!(
            t.events,
            [(EventKind::PaymentIntentPaymentFailed, On::Intent)]
        );
    }
}

#[test]
fn three_ds_required_then_declined_after_authentication() {
    let card = "pm_card_threeDSecureRequiredChargeDeclined";
    let pm = card_pm(card);
    assert_eq!(
        card::lookup_test_payment_method(card).unwrap().number,
        "4000008400001629"
    );
    let waiting = requiring_action(&new_intent(), &pm);
    assert_eq!(waiting.next_action, Some(use_stripe_sdk_next_action()));
    let t = waiting
        .complete_authentication(&page_ctx(&pm), true, &TestNetwork, NOW)
        .unwrap();
    let case = DeclineCase {
        card,
        code: "card_declined",
        decline_code: "generic_decline",
        param: None,
        advice_code: Some("try_again_later"),
        message: DECLINED,
        outcome: OutcomeKind::IssuerDeclined,
    };
    assert_card_error(t.error.as_ref().unwrap(), &case);
    let next = &t.intent;
    assert_eq!(next.status, Status::RequiresPaymentMethod);
    assert_eq!(next.payment_method, None);
    assert_eq!(next.next_action, None);
    assert_eq!(next.latest_charge.as_deref(), Some("ch_1TestAuth"));
    assert_eq!(
        next.last_payment_error,
        Some(expected_card_error_object(&case, &pm, Some("ch_1TestAuth")))
    );
    assert_eq!(
        t.events,
        [
            (EventKind::ChargeFailed, On::Charge),
            (EventKind::PaymentIntentPaymentFailed, On::Intent)
        ]
    );
    let charge = t.charge.unwrap();
    assert_eq!(charge.status, ChargeStatus::Failed);
    assert_eq!(charge.failure_code.as_deref(), Some("card_declined"));
    assert_eq!(three_d_secure_flow(&charge).as_deref(), Some("challenge"));
}

#[test]
fn authentication_then_insufficient_funds() {
    let pm = card_pm("pm_card_authenticationRequiredChargeDeclinedInsufficientFunds");
    let waiting = requiring_action(&new_intent(), &pm);
    let t = waiting
        .complete_authentication(&page_ctx(&pm), true, &TestNetwork, NOW)
        .unwrap();
    assert_eq!(t.intent.status, Status::RequiresPaymentMethod);
    let error = t.error.unwrap();
    assert_eq!(error.status, 402);
    assert_eq!(error.code.as_deref(), Some("card_declined"));
    assert_eq!(error.decline_code.as_deref(), Some("insufficient_funds"));
}

#[test]
fn frictionless_authentication_succeeds_without_an_action() {
    let pm = card_pm_by_number("4000000032200000");
    let t = new_intent().confirm(&ctx(&pm), &TestNetwork, NOW).unwrap();
    assert_eq!(t.intent.status, Status::Succeeded);
    assert_eq!(t.intent.next_action, None);
    assert_eq!(
        event_names(&t),
        [
            EventKind::ChargeSucceeded,
            EventKind::PaymentIntentSucceeded
        ]
    );
    let charge = t.charge.unwrap();
    assert_eq!(
        three_d_secure_flow(&charge).as_deref(),
        Some("frictionless")
    );
}

#[test]
fn requested_three_d_secure_challenges_a_card_that_supports_it() {
    let pm = card_pm("pm_card_threeDSecureOptional");
    let t = new_intent().confirm(&ctx(&pm), &TestNetwork, NOW).unwrap();
    assert_eq!(t.intent.status, Status::Succeeded);
    assert_eq!(three_d_secure_flow(t.charge.as_ref().unwrap()), None);

    for request in ["any", "challenge"] {
        let mut intent = new_intent();
        intent.payment_method_options = payment_method_options(&["card".to_owned()], request);
        let waiting = requiring_action(&intent, &pm);
        let t = waiting
            .complete_authentication(&page_ctx(&pm), true, &TestNetwork, NOW)
            .unwrap();
        assert_eq!(t.intent.status, Status::Succeeded, "{request}");
        assert_eq!(
            three_d_secure_flow(t.charge.as_ref().unwrap()).as_deref(),
            Some("challenge")
        );
    }
}

#[test]
fn confirming_again_while_requiring_action_starts_a_new_attempt() {
    let three_ds = card_pm("pm_card_threeDSecure2Required");
    let waiting = requiring_action(&new_intent(), &three_ds);
    let visa = card_pm("pm_card_visa");
    let t = waiting.confirm(&ctx(&visa), &TestNetwork, NOW).unwrap();
    assert_eq!(t.intent.status, Status::Succeeded);
    assert_eq!(t.intent.next_action, None);
    assert_eq!(three_d_secure_flow(t.charge.as_ref().unwrap()), None);
}

// ------------------------------------------------------------------------------------------

#[test]
fn an_invoices_off_session_payment_that_needs_authentication_asks_the_customer() {
    let pm = card_pm("pm_card_authenticationRequired");
    let mut c = ctx(&pm);
    c.off_session = true;
    c.set_up_for_off_session = true;
    let mut intent = new_intent();
    intent.invoice = Some("in_1".into());
    let t = intent.confirm(&c, &TestNetwork, NOW).unwrap();
    assert_eq!(t.error, None);
    assert_eq!(t.intent.status, Status::RequiresAction);
    assert!(t.intent.next_action.is_some());
    assert_eq!(t.charge, None);
    assert_eq!(event_names(&t), [EventKind::PaymentIntentRequiresAction]);
}
