//! Capture (full, partial, refused) and cancel (release of an authorization).

use super::statuses::metadata_update;
use super::three_d_secure::requiring_action;
use super::*;
use crate::event_kind::EventKind;

// Capture
// ------------------------------------------------------------------------------------------

fn authorized() -> (PaymentIntent, Charge) {
    let (intent, charge) = in_status(Status::RequiresCapture);
    (intent, charge.unwrap())
}

#[test]
fn capture_everything_by_default() {
    let (intent, charge) = authorized();
    let t = intent.capture(Some(&charge), None).unwrap();
    let next = &t.intent;
    assert_eq!(next.status, Status::Succeeded);
    assert_eq!(next.amount_received, AMOUNT);
    assert_eq!(next.amount_capturable, 0);
    assert_eq!(next.latest_charge.as_deref(), Some(EXISTING_CHARGE_ID));
    assert_eq!(t.error, None);
    assert_eq!(
        t.events,
        [
            (EventKind::ChargeCaptured, On::Charge),
            (EventKind::PaymentIntentSucceeded, On::Intent)
        ]
    );
    let captured = t.charge.unwrap();
    assert_eq!(captured.id, EXISTING_CHARGE_ID);
    assert!(captured.captured);
    assert_eq!(captured.amount_captured, AMOUNT);
    assert_eq!(captured.amount_refunded, 0);
    assert!(!captured.refunded);
    // The same amount, given explicitly.
    let t = intent.capture(Some(&charge), Some(AMOUNT)).unwrap();
    assert_eq!(t.intent.amount_received, AMOUNT);
}

#[test]
fn capture_part_releases_the_rest() {
    let (intent, charge) = authorized();
    let t = intent.capture(Some(&charge), Some(1500)).unwrap();
    let next = &t.intent;
    assert_eq!(next.status, Status::Succeeded);
    assert_eq!(next.amount_received, 1500);
    assert_eq!(next.amount_capturable, 0);
    assert_eq!(next.amount, AMOUNT);
    let captured = t.charge.as_ref().unwrap();
    assert!(captured.captured);
    assert_eq!(captured.amount, AMOUNT);
    assert_eq!(captured.amount_captured, 1500);
    assert_eq!(captured.amount_refunded, 500);
    assert!(!captured.refunded);
    assert_eq!(
        event_names(&t),
        [EventKind::ChargeCaptured, EventKind::PaymentIntentSucceeded]
    );
}

fn assert_amount_to_capture_refused(error: &ApiError, amount: i64) {
    assert_eq!(error.status, 400);
    assert_eq!(error.error_type, ErrorType::InvalidRequestError);
    assert_eq!(error.param.as_deref(), Some("amount_to_capture"));
    assert_eq!(
        error.message,
        format!(
            "The amount to capture ({amount}) must be at least 1 and at most the amount \
             capturable ({AMOUNT})."
        )
    );
}

#[test]
fn capture_more_than_capturable_is_refused() {
    let (intent, charge) = authorized();
    for amount in [AMOUNT + 1, 0, -5] {
        let error = intent.capture(Some(&charge), Some(amount)).unwrap_err();
        assert_amount_to_capture_refused(&error, amount);
    }
    // Partly captured amounts cannot be captured again (amount_capturable is then 0).
    let (mut intent, charge) = authorized();
    intent.amount_capturable = 1000;
    let error = intent.capture(Some(&charge), Some(1001)).unwrap_err();
    assert_eq!(error.param.as_deref(), Some("amount_to_capture"));
    assert_eq!(
        error.message,
        "The amount to capture (1001) must be at least 1 and at most the amount capturable \
         (1000)."
    );
}

#[test]
fn capture_needs_a_successful_authorization() {
    let (intent, charge) = authorized();
    let pm = card_pm("pm_card_visa_chargeDeclined");
    let failed = earlier_charge(
        &intent,
        &pm,
        AttemptResult::Declined(card::GENERIC_DECLINE),
        false,
    );
    for given in [None, Some(&failed)] {
        let error = intent.capture(given, None).unwrap_err();
        assert_eq!(error.status, 400);
        assert_eq!(error.error_type, ErrorType::InvalidRequestError);
        assert_eq!(
            error.message,
            "This PaymentIntent has no successful authorization to capture."
        );
    }
    // An authorization that was already captured elsewhere cannot be captured twice.
    let mut captured = charge;
    captured.capture(AMOUNT).unwrap();
    let error = intent.capture(Some(&captured), None).unwrap_err();
    assert_eq!(error.code.as_deref(), Some("charge_already_captured"));
}

#[test]
fn capture_after_confirm_with_manual_capture() {
    let pm = card_pm("pm_card_visa");
    let authorized = new_manual_intent()
        .confirm(&ctx(&pm), &TestNetwork, NOW)
        .unwrap();
    let charge = authorized.charge.unwrap();
    let t = authorized
        .intent
        .capture(Some(&charge), Some(1200))
        .unwrap();
    assert_eq!(t.intent.status, Status::Succeeded);
    assert_eq!(t.intent.amount_received, 1200);
    assert_eq!(t.intent.amount_capturable, 0);
    let captured = t.charge.unwrap();
    assert_eq!(captured.id, CHARGE_ID);
    assert_eq!(captured.amount_captured, 1200);
    assert_eq!(captured.amount_refunded, 800);
}

// ------------------------------------------------------------------------------------------
// Cancel
// ------------------------------------------------------------------------------------------

#[test]
fn cancel_an_authorization_releases_the_charge() {
    let (intent, charge) = authorized();
    let t = intent
        .cancel(Some(&charge), Some("requested_by_customer".to_owned()), NOW)
        .unwrap();
    let next = &t.intent;
    assert_eq!(next.status, Status::Canceled);
    assert_eq!(next.canceled_at, Some(NOW));
    assert_eq!(
        next.cancellation_reason.as_deref(),
        Some("requested_by_customer")
    );
    assert_eq!(next.amount_capturable, 0);
    assert_eq!(next.amount_received, 0);
    assert_eq!(next.latest_charge.as_deref(), Some(EXISTING_CHARGE_ID));
    assert_eq!(
        t.events,
        [
            (EventKind::ChargeRefunded, On::Charge),
            (EventKind::PaymentIntentCanceled, On::Intent)
        ]
    );
    let released = t.charge.unwrap();
    assert_eq!(released.id, EXISTING_CHARGE_ID);
    assert!(released.refunded);
    assert_eq!(released.amount_refunded, AMOUNT);
    assert!(!released.captured);
    assert_eq!(released.amount_captured, 0);
    assert_eq!(released.status, ChargeStatus::Succeeded);
}

#[test]
fn cancel_without_a_reason() {
    for status in [
        Status::RequiresPaymentMethod,
        Status::RequiresConfirmation,
        Status::RequiresAction,
        Status::RequiresCapture,
    ] {
        let (intent, charge) = in_status(status);
        let t = intent.cancel(charge.as_ref(), None, NOW).unwrap();
        assert_eq!(t.intent.status, Status::Canceled);
        assert_eq!(t.intent.canceled_at, Some(NOW));
        assert_eq!(t.intent.cancellation_reason, None);
    }
}

#[test]
fn cancel_each_user_reason() {
    for reason in [
        "duplicate",
        "fraudulent",
        "requested_by_customer",
        "abandoned",
    ] {
        let (intent, _) = in_status(Status::RequiresPaymentMethod);
        let t = intent.cancel(None, Some(reason.to_owned()), NOW).unwrap();
        assert_eq!(t.intent.cancellation_reason.as_deref(), Some(reason));
    }
}

#[test]
fn cancel_while_requiring_action_drops_the_action() {
    let pm = card_pm("pm_card_threeDSecure2Required");
    let waiting = requiring_action(&new_intent(), &pm);
    assert!(waiting.next_action.is_some());
    let t = waiting.cancel(None, None, NOW).unwrap();
    assert_eq!(t.intent.status, Status::Canceled);
    assert_eq!(t.intent.next_action, None);
    assert_eq!(t.intent.payment_method.as_deref(), Some(PM_ID));
    assert_eq!(t.charge, None);
    assert_eq!(event_names(&t), [EventKind::PaymentIntentCanceled]);
}

#[test]
fn cancel_after_a_decline_leaves_the_failed_charge_alone() {
    let pm = card_pm("pm_card_visa_chargeDeclined");
    let declined = new_intent().confirm(&ctx(&pm), &TestNetwork, NOW).unwrap();
    let failed = declined.charge.unwrap();
    let t = declined
        .intent
        .cancel(Some(&failed), Some("abandoned".to_owned()), NOW + 60)
        .unwrap();
    assert_eq!(t.intent.status, Status::Canceled);
    assert_eq!(t.intent.canceled_at, Some(NOW + 60));
    assert_eq!(t.intent.latest_charge.as_deref(), Some(CHARGE_ID));
    assert_eq!(t.charge, None);
    assert_eq!(event_names(&t), [EventKind::PaymentIntentCanceled]);
}

#[test]
fn a_canceled_intent_refuses_everything() {
    let pm = card_pm("pm_card_visa");
    let (intent, _) = authorized();
    let canceled = intent.cancel(None, None, NOW).unwrap().intent;
    assert!(canceled.confirm(&ctx(&pm), &TestNetwork, NOW).is_err());
    assert!(canceled.capture(None, None).is_err());
    assert!(canceled.cancel(None, None, NOW).is_err());
    assert!(
        canceled
            .complete_authentication(&ctx(&pm), true, &TestNetwork, NOW)
            .is_err()
    );
    let mut updated = canceled.clone();
    assert!(metadata_update().apply(&mut updated).is_err());
}

// ------------------------------------------------------------------------------------------
