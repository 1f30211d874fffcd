//! Every (status × command) pair, one table per command.

use super::*;
use crate::event_kind::EventKind;

// Status × command tables
// ------------------------------------------------------------------------------------------

fn confirm_refused(status: Status) -> Outcome {
    if status == Status::Succeeded {
        // Stripe's own wording for this case.
        return Outcome::Refused(
            "You cannot confirm this PaymentIntent because it has already succeeded after \
             being previously confirmed."
                .to_owned(),
        );
    }
    Outcome::Refused(format!(
        "You cannot confirm this PaymentIntent because it has a status of {}. Only a \
         PaymentIntent with one of the following statuses may be confirmed: \
         requires_payment_method, requires_confirmation, requires_action.",
        status.as_str()
    ))
}

/// Confirming with `pm_card_visa`, a declining card and a 3DS card (spec §3.4: confirmable
/// from requires_payment_method, requires_confirmation and requires_action; a terminal or
/// in-flight intent is refused).
fn confirm_expected(status: Status) -> [Outcome; 3] {
    match status {
        Status::RequiresPaymentMethod | Status::RequiresConfirmation | Status::RequiresAction => [
            Outcome::Next(Status::Succeeded),
            Outcome::Next(Status::RequiresPaymentMethod),
            Outcome::Next(Status::RequiresAction),
        ],
        Status::Processing | Status::RequiresCapture | Status::Canceled | Status::Succeeded => [
            confirm_refused(status),
            confirm_refused(status),
            confirm_refused(status),
        ],
    }
}

#[test]
fn confirm_by_status() {
    let cards = [
        "pm_card_visa",
        "pm_card_visa_chargeDeclined",
        "pm_card_threeDSecure2Required",
    ];
    for status in ALL_STATUSES {
        let expected = confirm_expected(status);
        for (test_id, expected) in cards.iter().zip(&expected) {
            let (intent, _) = in_status(status);
            let pm = card_pm(test_id);
            let result = intent.confirm(&ctx(&pm), &TestNetwork, NOW);
            check(
                &format!("confirm with {test_id}"),
                status,
                result.map(|t| t.intent.status),
                expected,
            );
        }
        // check_confirmable answers the same before anything else is looked at.
        let (intent, _) = in_status(status);
        let checked = intent.check_confirmable().map(|()| status);
        let expected = match &expected[0] {
            Outcome::Next(_) => Outcome::Next(status),
            refused => refused.clone(),
        };
        check("check_confirmable", status, checked, &expected);
    }
}

fn authenticate_refused(status: Status) -> Outcome {
    Outcome::Refused(format!(
        "You cannot authenticate this PaymentIntent because it has a status of {}. Only a \
         PaymentIntent with one of the following statuses may be authenticated: \
         requires_action.",
        status.as_str()
    ))
}

/// The customer's answer on the 3DS page (`succeeded`) for a `pm_card_threeDSecure2Required`
/// intent: only a `requires_action` intent can be authenticated.
fn complete_authentication_expected(status: Status, succeeded: bool) -> Outcome {
    match status {
        Status::RequiresAction if succeeded => Outcome::Next(Status::Succeeded),
        Status::RequiresAction => Outcome::Next(Status::RequiresPaymentMethod),
        Status::RequiresPaymentMethod
        | Status::RequiresConfirmation
        | Status::Processing
        | Status::RequiresCapture
        | Status::Canceled
        | Status::Succeeded => authenticate_refused(status),
    }
}

#[test]
fn complete_authentication_succeeded_by_status() {
    let pm = card_pm("pm_card_threeDSecure2Required");
    for status in ALL_STATUSES {
        let (intent, _) = in_status(status);
        let result = intent.complete_authentication(&ctx(&pm), true, &TestNetwork, NOW);
        check(
            "complete_authentication(succeeded=true)",
            status,
            result.map(|t| t.intent.status),
            &complete_authentication_expected(status, true),
        );
    }
}

#[test]
fn complete_authentication_failed_by_status() {
    let pm = card_pm("pm_card_threeDSecure2Required");
    for status in ALL_STATUSES {
        let (intent, _) = in_status(status);
        let result = intent.complete_authentication(&ctx(&pm), false, &TestNetwork, NOW);
        check(
            "complete_authentication(succeeded=false)",
            status,
            result.map(|t| t.intent.status),
            &complete_authentication_expected(status, false),
        );
    }
}

/// Capturing all of an authorization: only from `requires_capture` (Appendix B: capture
/// while requires_action → 400 payment_intent_unexpected_state).
fn capture_expected(status: Status) -> Outcome {
    match status {
        Status::RequiresCapture => Outcome::Next(Status::Succeeded),
        Status::RequiresPaymentMethod
        | Status::RequiresConfirmation
        | Status::RequiresAction
        | Status::Processing
        | Status::Canceled
        | Status::Succeeded => Outcome::Refused(format!(
            "This PaymentIntent could not be captured because it has a status of {}. Only a \
             PaymentIntent with one of the following statuses may be captured: \
             requires_capture.",
            status.as_str()
        )),
    }
}

#[test]
fn capture_by_status() {
    for status in ALL_STATUSES {
        let (intent, charge) = in_status(status);
        let result = intent.capture(charge.as_ref(), None);
        check(
            "capture",
            status,
            result.map(|t| t.intent.status),
            &capture_expected(status),
        );
        // An explicit amount changes nothing about which statuses may be captured.
        let (intent, charge) = in_status(status);
        let result = intent.capture(charge.as_ref(), Some(AMOUNT / 2));
        check(
            "capture(amount_to_capture)",
            status,
            result.map(|t| t.intent.status),
            &capture_expected(status),
        );
    }
}

/// Spec §3.4: cancel from requires_payment_method, requires_capture, requires_confirmation,
/// requires_action; other statuses → 400 payment_intent_unexpected_state. (`processing`
/// cannot be canceled for cards: Stripe allows it only "in rare cases", for other methods.)
fn cancel_expected(status: Status) -> Outcome {
    match status {
        Status::RequiresPaymentMethod
        | Status::RequiresConfirmation
        | Status::RequiresAction
        | Status::RequiresCapture => Outcome::Next(Status::Canceled),
        Status::Processing | Status::Canceled | Status::Succeeded => Outcome::Refused(format!(
            "You cannot cancel this PaymentIntent because it has a status of {}. Only a \
             PaymentIntent with one of the following statuses may be canceled: \
             requires_payment_method, requires_capture, requires_confirmation, \
             requires_action, processing.",
            status.as_str()
        )),
    }
}

#[test]
fn cancel_by_status() {
    for status in ALL_STATUSES {
        let (intent, charge) = in_status(status);
        let result = intent.cancel(charge.as_ref(), Some("requested_by_customer".into()), NOW);
        check(
            "cancel",
            status,
            result
                .as_ref()
                .map(|t| t.intent.status)
                .map_err(Clone::clone),
            &cancel_expected(status),
        );
        if let Ok(transition) = result {
            let canceled = &transition.intent;
            assert_eq!(canceled.canceled_at, Some(NOW));
            assert_eq!(
                canceled.cancellation_reason.as_deref(),
                Some("requested_by_customer")
            );
            assert_eq!(canceled.amount_capturable, 0);
            assert_eq!(canceled.amount_received, 0);
            assert_eq!(canceled.next_action, None);
            assert_eq!(transition.error, None);
            // Only an authorization is released; otherwise the charge is left alone.
            let released = status == Status::RequiresCapture;
            assert_eq!(transition.charge.is_some(), released, "{status:?}");
            let expected_events: &[EventKind] = if released {
                &[EventKind::ChargeRefunded, EventKind::PaymentIntentCanceled]
            } else {
                &[EventKind::PaymentIntentCanceled]
            };
            assert_eq!(event_names(&transition), expected_events, "{status:?}");
        }
    }
}

fn update_refused(status: Status) -> Outcome {
    Outcome::Refused(format!(
        "You cannot update this PaymentIntent because it has a status of {}.",
        status.as_str()
    ))
}

/// Changing the amount: allowed until the intent is authorized; the status stays.
fn update_amount_expected(status: Status) -> Outcome {
    match status {
        Status::RequiresPaymentMethod | Status::RequiresConfirmation | Status::RequiresAction => {
            Outcome::Next(status)
        }
        Status::RequiresCapture | Status::Succeeded => field_refused("amount", status),
        Status::Processing | Status::Canceled => update_refused(status),
    }
}

/// Stripe's refusal of one payment field once the intent is authorized or paid.
fn field_refused(field: &str, status: Status) -> Outcome {
    Outcome::Refused(format!(
        "This PaymentIntent's {field} could not be updated because it has a status of {}. You \
         may only update the {field} of a PaymentIntent with one of the following statuses: \
         requires_payment_method, requires_confirmation, requires_action.",
        status.as_str()
    ))
}

/// Changing only descriptive fields: allowed while the intent is open or authorized, and on
/// a succeeded intent (Stripe refuses per field, never metadata).
fn update_metadata_expected(status: Status) -> Outcome {
    match status {
        Status::RequiresPaymentMethod
        | Status::RequiresConfirmation
        | Status::RequiresAction
        | Status::RequiresCapture
        | Status::Succeeded => Outcome::Next(status),
        Status::Processing | Status::Canceled => update_refused(status),
    }
}

/// Changing the payment method always needs a new confirmation (spec §3.4).
fn update_payment_method_expected(status: Status) -> Outcome {
    match status {
        Status::RequiresPaymentMethod | Status::RequiresConfirmation | Status::RequiresAction => {
            Outcome::Next(Status::RequiresConfirmation)
        }
        Status::RequiresCapture | Status::Succeeded => field_refused("payment_method", status),
        Status::Processing | Status::Canceled => update_refused(status),
    }
}

fn amount_update() -> PaymentIntentUpdate {
    PaymentIntentUpdate {
        amount: Some(3500),
        ..PaymentIntentUpdate::default()
    }
}

pub(super) fn metadata_update() -> PaymentIntentUpdate {
    PaymentIntentUpdate {
        metadata: Some(MetadataUpdate::Merge(vec![(
            "order_id".to_owned(),
            Some("6735".to_owned()),
        )])),
        description: Some(Field::Set("Order 6735".to_owned())),
        ..PaymentIntentUpdate::default()
    }
}

/// Applies `update` to an intent in `status`: its status afterwards, or the error; on error
/// the intent must be left as it was.
fn apply_in(
    status: Status,
    update: &PaymentIntentUpdate,
) -> (PaymentIntent, Result<Status, ApiError>) {
    let (before, _) = in_status(status);
    let mut intent = before.clone();
    let result = update.apply(&mut intent).map(|()| intent.status);
    if result.is_err() {
        assert_eq!(intent, before, "a refused update changed the intent");
    }
    (intent, result)
}

#[test]
fn update_amount_by_status() {
    for status in ALL_STATUSES {
        let (intent, result) = apply_in(status, &amount_update());
        let expected = update_amount_expected(status);
        check("update amount", status, result, &expected);
        if let Outcome::Next(_) = expected {
            assert_eq!(intent.amount, 3500);
            assert_eq!(intent.currency, "usd");
        }
    }
}

#[test]
fn update_metadata_only_by_status() {
    for status in ALL_STATUSES {
        let (intent, result) = apply_in(status, &metadata_update());
        let expected = update_metadata_expected(status);
        check("update metadata", status, result, &expected);
        if let Outcome::Next(_) = expected {
            assert_eq!(
                intent.metadata.get("order_id").map(String::as_str),
                Some("6735")
            );
            assert_eq!(intent.description.as_deref(), Some("Order 6735"));
            assert_eq!(intent.amount, AMOUNT);
        }
    }
}

#[test]
fn update_metadata_of_a_succeeded_intent() {
    let status = Status::Succeeded;
    let (intent, result) = apply_in(status, &metadata_update());
    check(
        "update metadata",
        status,
        result,
        &update_metadata_expected(status),
    );
    assert_eq!(
        intent.metadata.get("order_id").map(String::as_str),
        Some("6735")
    );
    assert_eq!(intent.description.as_deref(), Some("Order 6735"));
    assert_eq!(intent.amount_received, AMOUNT);
}

#[test]
fn update_payment_method_by_status() {
    let update = PaymentIntentUpdate {
        payment_method: Some("pm_1Other".to_owned()),
        ..PaymentIntentUpdate::default()
    };
    for status in ALL_STATUSES {
        let (intent, result) = apply_in(status, &update);
        let expected = update_payment_method_expected(status);
        check("update payment_method", status, result, &expected);
        if let Outcome::Next(_) = expected {
            assert_eq!(intent.payment_method.as_deref(), Some("pm_1Other"));
            assert_eq!(intent.next_action, None);
        }
    }
}

#[test]
fn refused_update_names_the_field() {
    let (_, result) = apply_in(Status::Succeeded, &amount_update());
    let error = result.unwrap_err();
    assert_eq!(error.status, 400);
    assert_eq!(
        error.code.as_deref(),
        Some("payment_intent_unexpected_state")
    );
    assert_eq!(error.param.as_deref(), Some("amount"));
    assert_eq!(
        error.message,
        "This PaymentIntent's amount could not be updated because it has a status of \
         succeeded. You may only update the amount of a PaymentIntent with one of the \
         following statuses: requires_payment_method, requires_confirmation, requires_action."
    );
}

#[test]
fn updates_of_an_authorized_intent() {
    // Descriptive fields may change, payment fields may not.
    let (mut intent, _) = in_status(Status::RequiresCapture);
    let descriptive = PaymentIntentUpdate {
        receipt_email: Some(Field::Set("jenny@example.com".to_owned())),
        statement_descriptor_suffix: Some(Field::Set("ORDER 6735".to_owned())),
        transfer_group: Some(Field::Set("group_6735".to_owned())),
        ..metadata_update()
    };
    descriptive.apply(&mut intent).unwrap();
    assert_eq!(intent.status, Status::RequiresCapture);
    assert_eq!(intent.receipt_email.as_deref(), Some("jenny@example.com"));
    assert_eq!(
        intent.statement_descriptor_suffix.as_deref(),
        Some("ORDER 6735")
    );
    assert_eq!(intent.transfer_group.as_deref(), Some("group_6735"));
    assert_eq!(intent.amount_capturable, AMOUNT);

    let payment_fields = [
        PaymentIntentUpdate {
            currency: Some(money::currency("eur", "currency").unwrap()),
            ..PaymentIntentUpdate::default()
        },
        PaymentIntentUpdate {
            capture_method: Some(CaptureMethod::Automatic),
            ..PaymentIntentUpdate::default()
        },
        PaymentIntentUpdate {
            setup_future_usage: Some(Field::Set(crate::intent::Usage::OffSession)),
            ..PaymentIntentUpdate::default()
        },
        PaymentIntentUpdate {
            customer: Some(Field::Set("cus_1".to_owned())),
            ..PaymentIntentUpdate::default()
        },
        PaymentIntentUpdate {
            payment_method_types: Some(vec!["card".to_owned()]),
            ..PaymentIntentUpdate::default()
        },
    ];
    let fields = [
        "currency",
        "capture_method",
        "setup_future_usage",
        "customer",
        "payment_method_types",
    ];
    for (update, field) in payment_fields.into_iter().zip(fields) {
        let (_, result) = apply_in(Status::RequiresCapture, &update);
        let Outcome::Refused(message) = field_refused(field, Status::RequiresCapture) else {
            unreachable!()
        };
        assert_unexpected_state(&result.unwrap_err(), &message);
    }
}

#[test]
fn update_amount_below_the_minimum_is_refused() {
    let (mut intent, _) = in_status(Status::RequiresPaymentMethod);
    let update = PaymentIntentUpdate {
        amount: Some(49),
        ..PaymentIntentUpdate::default()
    };
    let error = update.apply(&mut intent).unwrap_err();
    assert_eq!(error.status, 400);
    assert_eq!(error.param.as_deref(), Some("amount"));
    assert_eq!(intent.amount, AMOUNT);
}

// ------------------------------------------------------------------------------------------
