//! iDEAL: a redirect method, answered by the bank on the hosted page.

use super::three_d_secure::assert_requires_action;
use super::*;
use crate::event_kind::EventKind;

// iDEAL (a redirect method: the bank answers on the hosted page)
// ------------------------------------------------------------------------------------------

fn ideal_pm() -> PaymentMethod {
    PaymentMethod::ideal(
        PM_ID.to_owned(),
        Some("ing".to_owned()),
        BillingDetails::default(),
        Metadata::new(),
        CREATED,
    )
}

fn ideal_ctx(pm: &PaymentMethod) -> ConfirmContext<'_> {
    ConfirmContext {
        payment_method: pm,
        behavior: Behavior::Succeeds,
        set_up_for_off_session: false,
        off_session: false,
        use_stripe_sdk: true,
        return_url: Some(RETURN_URL.to_owned()),
        error_on_requires_action: false,
        authenticate_url: AUTH_URL.to_owned(),
        charge_id: CHARGE_ID.to_owned(),
        authenticated: false,
    }
}

fn euro_intent() -> PaymentIntent {
    let mut intent = new_intent();
    intent.currency = "eur".to_owned();
    intent.payment_method_types = vec!["card".to_owned(), "ideal".to_owned()];
    intent
}

#[test]
fn ideal_redirects_even_an_sdk_confirmation() {
    let pm = ideal_pm();
    let t = euro_intent()
        .confirm(&ideal_ctx(&pm), &TestNetwork, NOW)
        .unwrap();
    assert_requires_action(&t, &redirect_next_action());
}

#[test]
fn ideal_confirmations_that_are_refused() {
    let pm = ideal_pm();
    let mut no_return_url = ideal_ctx(&pm);
    no_return_url.return_url = None;
    let error = euro_intent()
        .confirm(&no_return_url, &TestNetwork, NOW)
        .unwrap_err();
    assert_eq!(error.status, 400);
    assert_eq!(error.param.as_deref(), Some("return_url"));

    let error = new_intent()
        .confirm(&ideal_ctx(&pm), &TestNetwork, NOW)
        .unwrap_err();
    assert_eq!(error.status, 400);
    assert_eq!(error.param.as_deref(), Some("currency"));

    let mut manual = euro_intent();
    manual.capture_method = CaptureMethod::Manual;
    let error = manual
        .confirm(&ideal_ctx(&pm), &TestNetwork, NOW)
        .unwrap_err();
    assert_eq!(error.status, 400);
    assert_eq!(error.param.as_deref(), Some("capture_method"));
}

#[test]
fn ideal_authorized_at_the_bank_succeeds() {
    let pm = ideal_pm();
    let waiting = euro_intent()
        .confirm(&ideal_ctx(&pm), &TestNetwork, NOW)
        .unwrap()
        .intent;
    let t = waiting
        .complete_authentication(&ideal_ctx(&pm), true, &TestNetwork, NOW + 30)
        .unwrap();
    assert_eq!(t.intent.status, Status::Succeeded);
    assert_eq!(t.intent.amount_received, AMOUNT);
    assert_eq!(t.intent.next_action, None);
    assert_eq!(t.intent.latest_charge.as_deref(), Some(CHARGE_ID));
    assert_eq!(
        event_names(&t),
        [
            EventKind::ChargeSucceeded,
            EventKind::PaymentIntentSucceeded
        ]
    );
    let charge = t.charge.unwrap();
    assert!(charge.captured);
    assert_eq!(charge.currency, "eur");
    let ideal = charge.payment_method_details.ideal.unwrap();
    assert_eq!(ideal.bank.as_deref(), Some("ing"));
    assert_eq!(ideal.bic.as_deref(), Some("INGBNL2A"));
}

#[test]
fn ideal_refused_at_the_bank_returns_to_requires_payment_method() {
    let pm = ideal_pm();
    let waiting = euro_intent()
        .confirm(&ideal_ctx(&pm), &TestNetwork, NOW)
        .unwrap()
        .intent;
    let t = waiting
        .complete_authentication(&ideal_ctx(&pm), false, &TestNetwork, NOW)
        .unwrap();
    assert_eq!(t.intent.status, Status::RequiresPaymentMethod);
    assert_eq!(t.intent.payment_method, None);
    assert_eq!(t.intent.next_action, None);
    let error = t.intent.last_payment_error.as_ref().unwrap();
    assert_eq!(error["code"], "payment_intent_payment_attempt_failed");
    assert_eq!(error["type"], "invalid_request_error");
    assert_eq!(t.charge, None);
    assert_eq!(event_names(&t), [EventKind::PaymentIntentPaymentFailed]);
}
