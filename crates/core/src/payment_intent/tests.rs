//! Unit tests of the PaymentIntent state machine (spec §3.4–§3.7, §8, Appendix B).
//!
//! - Every (status × command) pair, table-driven: one test per command walks [`ALL_STATUSES`]
//!   and compares with an expectation written as an exhaustive `match` on [`Status`], so a
//!   new status does not compile until every table says what it does.
//! - Outcomes of card confirmations with Stripe's test cards: success, manual capture, each
//!   decline of §8.2, 3D Secure, `error_on_requires_action`, `off_session`.
//! - Capture (full, partial, refused) and cancel (release of an authorization).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use tender_wire::{ApiError, ErrorType, Field, Metadata, MetadataUpdate};

use super::*;
use crate::address::BillingDetails;
use crate::card::{self, Behavior, CheckResult, RiskLevel};
use crate::charge::{
    AttemptResult, Charge, ChargeAttempt, ChargeStatus, NetworkStatus, OutcomeKind,
};
use crate::money;
use crate::network::TestNetwork;
use crate::payment_method::PaymentMethod;

use EventSubject as On;

// ------------------------------------------------------------------------------------------
// Fixtures
// ------------------------------------------------------------------------------------------

const NOW: Timestamp = 1_794_744_000;
const CREATED: Timestamp = NOW - 600;
/// When the fixtures' earlier charges were made.
const EARLIER: Timestamp = NOW - 300;
const SECRET: &[u8] = b"tender test account";
const AMOUNT: i64 = 2000;
const PI_ID: &str = "pi_1TestIntent";
const CLIENT_SECRET: &str = "pi_1TestIntent_secret_abc";
const PM_ID: &str = "pm_1TestCard";
/// The id the context hands out for a charge made by the transition under test.
const CHARGE_ID: &str = "ch_1TestNew";
/// The id of a charge that already exists in a fixture.
const EXISTING_CHARGE_ID: &str = "ch_1TestOld";
const AUTH_URL: &str = "http://localhost:4242/authenticate/acct_1/pi_1TestIntent?client_secret=pi_1TestIntent_secret_abc";
const RETURN_URL: &str = "https://shop.example/checkout/complete";

/// Every status, in the order of [`status_index`].
const ALL_STATUSES: [Status; 7] = [
    Status::RequiresPaymentMethod,
    Status::RequiresConfirmation,
    Status::RequiresAction,
    Status::Processing,
    Status::RequiresCapture,
    Status::Canceled,
    Status::Succeeded,
];

/// Exhaustive on purpose: adding a status fails to compile here (and in every expectation
/// table below) until the tables cover it.
fn status_index(status: Status) -> usize {
    match status {
        Status::RequiresPaymentMethod => 0,
        Status::RequiresConfirmation => 1,
        Status::RequiresAction => 2,
        Status::Processing => 3,
        Status::RequiresCapture => 4,
        Status::Canceled => 5,
        Status::Succeeded => 6,
    }
}

#[test]
fn all_statuses_lists_every_status_once_in_order() {
    for (i, status) in ALL_STATUSES.iter().enumerate() {
        assert_eq!(status_index(*status), i, "{status:?}");
    }
    let names: Vec<&str> = ALL_STATUSES.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        names,
        [
            "requires_payment_method",
            "requires_confirmation",
            "requires_action",
            "processing",
            "requires_capture",
            "canceled",
            "succeeded",
        ]
    );
    // The wire names are the serde names.
    for status in ALL_STATUSES {
        assert_eq!(
            serde_json::to_value(status).unwrap(),
            json!(status.as_str())
        );
    }
}

/// A payment method minted from a `pm_card_*` id, always with id [`PM_ID`].
fn card_pm(test_id: &str) -> PaymentMethod {
    let test = card::lookup_test_payment_method(test_id)
        .unwrap_or_else(|| panic!("{test_id} is not a test payment method"));
    PaymentMethod::from_test_payment_method(PM_ID.to_owned(), test, SECRET, CREATED)
}

/// A payment method for a table number that has no `pm_card_*` id.
fn card_pm_by_number(number: &str) -> PaymentMethod {
    let test = card::test_card_by_number(number).unwrap();
    PaymentMethod::from_test_payment_method(PM_ID.to_owned(), test, SECRET, CREATED)
}

/// An on-session confirmation with `pm`, as the server builds it: neither `use_stripe_sdk`
/// nor a `return_url`.
fn ctx(pm: &PaymentMethod) -> ConfirmContext<'_> {
    ConfirmContext {
        payment_method: pm,
        behavior: pm.card_behavior(SECRET).unwrap(),
        set_up_for_off_session: false,
        off_session: false,
        use_stripe_sdk: false,
        return_url: None,
        error_on_requires_action: false,
        authenticate_url: AUTH_URL.to_owned(),
        charge_id: CHARGE_ID.to_owned(),
        authenticated: false,
    }
}

fn new_intent() -> PaymentIntent {
    PaymentIntent::new(
        PI_ID.to_owned(),
        CLIENT_SECRET.to_owned(),
        AMOUNT,
        "usd",
        CREATED,
    )
}

fn new_manual_intent() -> PaymentIntent {
    let mut intent = new_intent();
    intent.capture_method = CaptureMethod::Manual;
    intent
}

const APPROVED: AttemptResult = AttemptResult::Approved {
    risk_level: RiskLevel::Normal,
    risk_score: 12,
};

/// A charge of `intent` made earlier by a confirmation with `pm`.
fn earlier_charge(
    intent: &PaymentIntent,
    pm: &PaymentMethod,
    result: AttemptResult,
    capture: bool,
) -> Charge {
    Charge::for_attempt(
        EXISTING_CHARGE_ID.to_owned(),
        &ChargeAttempt {
            payment_intent: &intent.id,
            payment_method: pm,
            customer: intent.customer.as_deref(),
            amount: intent.amount,
            currency: &intent.currency,
            capture,
            result,
            three_d_secure: None,
            description: intent.description.as_deref(),
            receipt_email: intent.receipt_email.as_deref(),
            shipping: intent.shipping.as_ref(),
            statement_descriptor: intent.statement_descriptor.as_deref(),
            statement_descriptor_suffix: intent.statement_descriptor_suffix.as_deref(),
            metadata: &intent.metadata,
        },
        EARLIER,
    )
}

fn redirect_next_action() -> Value {
    json!({
        "type": "redirect_to_url",
        "redirect_to_url": {"url": AUTH_URL, "return_url": RETURN_URL},
    })
}

/// An intent in `status` with the fields that status implies, and its latest charge (the
/// one capture and cancel are handed) when it has one.
fn in_status(status: Status) -> (PaymentIntent, Option<Charge>) {
    let pm = card_pm("pm_card_visa");
    let mut intent = new_intent();
    let mut charge = None;
    match status {
        Status::RequiresPaymentMethod => {}
        Status::RequiresConfirmation => {
            intent.payment_method = Some(PM_ID.to_owned());
        }
        Status::RequiresAction => {
            intent.payment_method = Some(PM_ID.to_owned());
            intent.next_action = Some(redirect_next_action());
        }
        Status::Processing => {
            intent.payment_method = Some(PM_ID.to_owned());
            intent.processing = Some(json!({"type": "card", "card": {}}));
        }
        Status::RequiresCapture => {
            intent.capture_method = CaptureMethod::Manual;
            intent.payment_method = Some(PM_ID.to_owned());
            intent.amount_capturable = AMOUNT;
            let authorization = earlier_charge(&intent, &pm, APPROVED, false);
            intent.latest_charge = Some(authorization.id.clone());
            charge = Some(authorization);
        }
        Status::Canceled => {
            intent.canceled_at = Some(EARLIER);
            intent.cancellation_reason = Some("abandoned".to_owned());
        }
        Status::Succeeded => {
            intent.payment_method = Some(PM_ID.to_owned());
            intent.amount_received = AMOUNT;
            let captured = earlier_charge(&intent, &pm, APPROVED, true);
            intent.latest_charge = Some(captured.id.clone());
            charge = Some(captured);
        }
    }
    intent.status = status;
    (intent, charge)
}

#[test]
fn fixtures_are_consistent() {
    for status in ALL_STATUSES {
        let (intent, charge) = in_status(status);
        assert_eq!(intent.status, status);
        assert_eq!(intent.id, PI_ID);
        assert_eq!(intent.amount, AMOUNT);
        assert_eq!(intent.latest_charge, charge.as_ref().map(|c| c.id.clone()));
        if let Some(charge) = &charge {
            assert_eq!(charge.payment_intent.as_deref(), Some(PI_ID));
            assert_eq!(charge.status, ChargeStatus::Succeeded);
        }
    }
    let (authorized, charge) = in_status(Status::RequiresCapture);
    let charge = charge.unwrap();
    assert_eq!(authorized.amount_capturable, AMOUNT);
    assert!(!charge.captured);
    assert!(charge.paid);
    assert_eq!(charge.amount_captured, 0);
    // The test card behind a minted payment method is found again from its fingerprint.
    assert_eq!(
        card_pm("pm_card_visa").card_behavior(SECRET),
        Some(Behavior::Succeeds)
    );
}

// ------------------------------------------------------------------------------------------
// Assertions
// ------------------------------------------------------------------------------------------

/// What a command does to an intent in some status.
#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    /// It succeeds, leaving the intent in this status.
    Next(Status),
    /// It is refused with 400 `payment_intent_unexpected_state` and this message.
    Refused(String),
}

fn assert_unexpected_state(error: &ApiError, message: &str) {
    assert_eq!(error.status, 400, "{error:?}");
    assert_eq!(
        error.error_type,
        ErrorType::InvalidRequestError,
        "{error:?}"
    );
    assert_eq!(
        error.code.as_deref(),
        Some("payment_intent_unexpected_state"),
        "{error:?}"
    );
    assert_eq!(error.message, message);
    // Stripe names the refused field ("This PaymentIntent's amount could not be updated…").
    let field = message
        .strip_prefix("This PaymentIntent's ")
        .and_then(|rest| rest.split(' ').next());
    assert_eq!(error.param.as_deref(), field);
    assert_eq!(error.decline_code, None);
    assert_eq!(error.advice_code, None);
    assert!(error.embedded.is_empty(), "{error:?}");
}

/// Compares what a command did in `status` with the expected outcome.
fn check(command: &str, status: Status, actual: Result<Status, ApiError>, expected: &Outcome) {
    match (expected, actual) {
        (Outcome::Next(next), Ok(actual)) => {
            assert_eq!(actual, *next, "{command} in {}", status.as_str());
        }
        (Outcome::Refused(message), Err(error)) => assert_unexpected_state(&error, message),
        (expected, actual) => {
            panic!(
                "{command} in {}: expected {expected:?}, got {actual:?}",
                status.as_str()
            )
        }
    }
}

fn event_names(transition: &Transition) -> Vec<&'static str> {
    transition.events.iter().map(|(name, _)| *name).collect()
}

fn pm_json(pm: &PaymentMethod) -> Value {
    serde_json::to_value(pm).unwrap()
}

fn doc_url(code: &str) -> String {
    format!(
        "https://stripe.com/docs/error-codes/{}",
        code.replace('_', "-")
    )
}

fn three_d_secure_flow(charge: &Charge) -> Option<String> {
    charge
        .payment_method_details
        .card
        .as_ref()
        .unwrap()
        .three_d_secure
        .as_ref()
        .map(|tds| tds.authentication_flow.clone())
}

// ------------------------------------------------------------------------------------------
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
            let expected_events: &[&str] = if released {
                &["charge.refunded", "payment_intent.canceled"]
            } else {
                &["payment_intent.canceled"]
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

fn metadata_update() -> PaymentIntentUpdate {
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
            setup_future_usage: Some(Field::Set("off_session".to_owned())),
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
// Confirming with test cards
// ------------------------------------------------------------------------------------------

#[test]
fn confirm_pm_card_visa_succeeds() {
    let pm = card_pm("pm_card_visa");
    let mut intent = new_intent();
    intent.metadata = Metadata::from([("order_id".to_owned(), "6735".to_owned())]);
    let t = intent.confirm(&ctx(&pm), &TestNetwork, NOW).unwrap();
    let next = &t.intent;
    assert_eq!(next.status, Status::Succeeded);
    assert_eq!(next.amount_received, AMOUNT);
    assert_eq!(next.amount_capturable, 0);
    assert_eq!(next.payment_method.as_deref(), Some(PM_ID));
    assert_eq!(next.latest_charge.as_deref(), Some(CHARGE_ID));
    assert_eq!(next.last_payment_error, None);
    assert_eq!(next.next_action, None);
    assert_eq!(next.canceled_at, None);
    assert_eq!(t.error, None);
    assert!(!t.save_payment_method);
    assert_eq!(
        t.events,
        [
            ("charge.succeeded", On::Charge),
            ("payment_intent.succeeded", On::Intent)
        ]
    );
    let charge = t.charge.unwrap();
    assert_eq!(charge.id, CHARGE_ID);
    assert_eq!(charge.status, ChargeStatus::Succeeded);
    assert_eq!(charge.amount, AMOUNT);
    assert_eq!(charge.amount_captured, AMOUNT);
    assert_eq!(charge.amount_refunded, 0);
    assert!(charge.captured);
    assert!(charge.paid);
    assert!(!charge.refunded);
    assert_eq!(charge.currency, "usd");
    assert_eq!(charge.created, NOW);
    assert_eq!(charge.payment_intent.as_deref(), Some(PI_ID));
    assert_eq!(charge.payment_method.as_deref(), Some(PM_ID));
    assert_eq!(charge.metadata, intent.metadata);
    assert_eq!(charge.failure_code, None);
    assert_eq!(charge.outcome.kind, OutcomeKind::Authorized);
    assert_eq!(
        charge.outcome.network_status,
        NetworkStatus::ApprovedByNetwork
    );
    assert_eq!(charge.outcome.seller_message, "Payment complete.");
    assert_eq!(three_d_secure_flow(&charge), None);
    // The intent itself is untouched: transitions are pure.
    assert_eq!(intent.status, Status::RequiresPaymentMethod);
}

#[test]
fn confirm_with_automatic_capture_methods_succeeds() {
    for method in [CaptureMethod::Automatic, CaptureMethod::AutomaticAsync] {
        let pm = card_pm("pm_card_mastercard");
        let mut intent = new_intent();
        intent.capture_method = method;
        let t = intent.confirm(&ctx(&pm), &TestNetwork, NOW).unwrap();
        assert_eq!(t.intent.status, Status::Succeeded, "{method:?}");
        assert_eq!(t.intent.amount_received, AMOUNT);
        assert!(t.charge.unwrap().captured);
    }
}

#[test]
fn confirm_with_manual_capture_authorizes() {
    let pm = card_pm("pm_card_visa");
    let t = new_manual_intent()
        .confirm(&ctx(&pm), &TestNetwork, NOW)
        .unwrap();
    let next = &t.intent;
    assert_eq!(next.status, Status::RequiresCapture);
    assert_eq!(next.amount_capturable, AMOUNT);
    assert_eq!(next.amount_received, 0);
    assert_eq!(next.latest_charge.as_deref(), Some(CHARGE_ID));
    assert_eq!(next.payment_method.as_deref(), Some(PM_ID));
    assert_eq!(t.error, None);
    assert_eq!(
        t.events,
        [
            ("charge.succeeded", On::Charge),
            ("payment_intent.amount_capturable_updated", On::Intent)
        ]
    );
    // spec §3.7: captured false, paid true, amount_captured 0.
    let charge = t.charge.unwrap();
    assert_eq!(charge.status, ChargeStatus::Succeeded);
    assert!(!charge.captured);
    assert!(charge.paid);
    assert_eq!(charge.amount_captured, 0);
    assert_eq!(charge.amount_refunded, 0);
    let card = charge.payment_method_details.card.unwrap();
    assert_eq!(card.amount_authorized, Some(AMOUNT));
    assert_eq!(card.capture_before, Some(NOW + 7 * 24 * 60 * 60));
}

/// One row of spec §8.2 (plus Radar's block, §8.3): the card and the exact card error.
struct DeclineCase {
    card: &'static str,
    code: &'static str,
    decline_code: &'static str,
    param: Option<&'static str>,
    advice_code: Option<&'static str>,
    message: &'static str,
    outcome: OutcomeKind,
}

const DECLINED: &str = "Your card was declined.";

const DECLINES: &[DeclineCase] = &[
    DeclineCase {
        card: "pm_card_visa_chargeDeclined",
        code: "card_declined",
        decline_code: "generic_decline",
        param: None,
        advice_code: Some("try_again_later"),
        message: DECLINED,
        outcome: OutcomeKind::IssuerDeclined,
    },
    DeclineCase {
        card: "pm_card_chargeDeclined",
        code: "card_declined",
        decline_code: "generic_decline",
        param: None,
        advice_code: Some("try_again_later"),
        message: DECLINED,
        outcome: OutcomeKind::IssuerDeclined,
    },
    DeclineCase {
        card: "pm_card_visa_chargeDeclinedInsufficientFunds",
        code: "card_declined",
        decline_code: "insufficient_funds",
        param: None,
        advice_code: Some("try_again_later"),
        message: "Your card has insufficient funds.",
        outcome: OutcomeKind::IssuerDeclined,
    },
    DeclineCase {
        card: "pm_card_visa_chargeDeclinedLostCard",
        code: "card_declined",
        decline_code: "lost_card",
        param: None,
        advice_code: Some("do_not_try_again"),
        message: DECLINED,
        outcome: OutcomeKind::IssuerDeclined,
    },
    DeclineCase {
        card: "pm_card_visa_chargeDeclinedStolenCard",
        code: "card_declined",
        decline_code: "stolen_card",
        param: None,
        advice_code: Some("do_not_try_again"),
        message: DECLINED,
        outcome: OutcomeKind::IssuerDeclined,
    },
    DeclineCase {
        card: "pm_card_chargeDeclinedExpiredCard",
        code: "expired_card",
        decline_code: "expired_card",
        param: Some("exp_month"),
        advice_code: Some("confirm_card_data"),
        message: "Your card has expired.",
        outcome: OutcomeKind::IssuerDeclined,
    },
    DeclineCase {
        card: "pm_card_chargeDeclinedIncorrectCvc",
        code: "incorrect_cvc",
        decline_code: "incorrect_cvc",
        param: Some("cvc"),
        advice_code: Some("confirm_card_data"),
        message: "Your card's security code is incorrect.",
        outcome: OutcomeKind::IssuerDeclined,
    },
    DeclineCase {
        card: "pm_card_chargeDeclinedProcessingError",
        code: "processing_error",
        decline_code: "processing_error",
        param: None,
        advice_code: Some("try_again_later"),
        message: "An error occurred while processing your card. Try again in a little bit.",
        outcome: OutcomeKind::IssuerDeclined,
    },
    // §8.2 gives only code and decline code ([K]); the advice code is Tender's choice.
    DeclineCase {
        card: "pm_card_visa_chargeDeclinedVelocityLimitExceeded",
        code: "card_declined",
        decline_code: "card_velocity_exceeded",
        param: None,
        advice_code: Some("try_again_later"),
        message: "Your card was declined for making repeated attempts too frequently or \
                  exceeding its amount limit.",
        outcome: OutcomeKind::IssuerDeclined,
    },
    // Attaching succeeds, any charge is declined.
    DeclineCase {
        card: "pm_card_chargeCustomerFail",
        code: "card_declined",
        decline_code: "generic_decline",
        param: None,
        advice_code: Some("try_again_later"),
        message: DECLINED,
        outcome: OutcomeKind::IssuerDeclined,
    },
    // §8.3 / §2 [OBS]: fraudulent, no advice code; blocked by Radar.
    DeclineCase {
        card: "pm_card_radarBlock",
        code: "card_declined",
        decline_code: "fraudulent",
        param: None,
        advice_code: None,
        message: DECLINED,
        outcome: OutcomeKind::Blocked,
    },
    DeclineCase {
        card: "pm_card_chargeDeclinedFraudulent",
        code: "card_declined",
        decline_code: "fraudulent",
        param: None,
        advice_code: None,
        message: DECLINED,
        outcome: OutcomeKind::Blocked,
    },
];

/// The `last_payment_error` Stripe renders for a decline of `pm` on charge `charge`.
fn expected_card_error_object(
    case: &DeclineCase,
    pm: &PaymentMethod,
    charge: Option<&str>,
) -> Value {
    let mut expected = json!({
        "code": case.code,
        "doc_url": doc_url(case.code),
        "decline_code": case.decline_code,
        "message": case.message,
        "payment_method": pm_json(pm),
        "type": "card_error",
    });
    if let Some(charge) = charge {
        expected["charge"] = json!(charge);
    }
    if let Some(param) = case.param {
        expected["param"] = json!(param);
    }
    if let Some(advice_code) = case.advice_code {
        expected["advice_code"] = json!(advice_code);
    }
    expected
}

fn assert_card_error(error: &ApiError, case: &DeclineCase) {
    assert_eq!(error.status, 402, "{}", case.card);
    assert_eq!(error.error_type, ErrorType::CardError, "{}", case.card);
    assert_eq!(error.code.as_deref(), Some(case.code), "{}", case.card);
    assert_eq!(
        error.decline_code.as_deref(),
        Some(case.decline_code),
        "{}",
        case.card
    );
    assert_eq!(error.param.as_deref(), case.param, "{}", case.card);
    assert_eq!(
        error.advice_code.as_deref(),
        case.advice_code,
        "{}",
        case.card
    );
    assert_eq!(error.message, case.message, "{}", case.card);
}

#[test]
fn confirm_with_each_declining_card() {
    for case in DECLINES {
        let pm = card_pm(case.card);
        // From every confirmable status, the attempt ends the same way.
        for status in [
            Status::RequiresPaymentMethod,
            Status::RequiresConfirmation,
            Status::RequiresAction,
        ] {
            let (intent, _) = in_status(status);
            let t = intent.confirm(&ctx(&pm), &TestNetwork, NOW).unwrap();
            let next = &t.intent;
            assert_eq!(next.status, Status::RequiresPaymentMethod, "{}", case.card);
            assert_eq!(next.payment_method, None, "{}", case.card);
            assert_eq!(
                next.latest_charge.as_deref(),
                Some(CHARGE_ID),
                "{}",
                case.card
            );
            assert_eq!(next.amount_received, 0);
            assert_eq!(next.amount_capturable, 0);
            assert_eq!(next.next_action, None);
            assert_eq!(
                next.last_payment_error,
                Some(expected_card_error_object(case, &pm, Some(CHARGE_ID))),
                "{}",
                case.card
            );
            let error = t.error.as_ref().unwrap();
            assert_card_error(error, case);
            assert_eq!(error.embedded.get("charge"), Some(&json!(CHARGE_ID)));
            assert_eq!(error.embedded.get("payment_method"), Some(&pm_json(&pm)));
            assert!(!t.save_payment_method);
            assert_eq!(
                t.events,
                [
                    ("charge.failed", On::Charge),
                    ("payment_intent.payment_failed", On::Intent)
                ],
                "{}",
                case.card
            );
            let charge = t.charge.as_ref().unwrap();
            assert_eq!(charge.id, CHARGE_ID);
            assert_eq!(charge.status, ChargeStatus::Failed, "{}", case.card);
            assert_eq!(
                serde_json::to_value(charge.status).unwrap(),
                json!("failed")
            );
            assert!(!charge.paid);
            assert!(!charge.captured);
            assert_eq!(charge.amount_captured, 0);
            assert_eq!(charge.failure_code.as_deref(), Some(case.code));
            assert_eq!(charge.failure_message.as_deref(), Some(case.message));
            assert_eq!(charge.outcome.kind, case.outcome, "{}", case.card);
            assert_eq!(charge.outcome.advice_code.as_deref(), case.advice_code);
            let network_status = match case.outcome {
                OutcomeKind::Blocked => NetworkStatus::NotSentToNetwork,
                _ => NetworkStatus::DeclinedByNetwork,
            };
            assert_eq!(
                charge.outcome.network_status, network_status,
                "{}",
                case.card
            );
            assert_eq!(charge.payment_intent.as_deref(), Some(PI_ID));
        }
    }
}

#[test]
fn confirm_after_a_decline_clears_the_error_and_succeeds() {
    let declining = card_pm("pm_card_visa_chargeDeclinedInsufficientFunds");
    let declined = new_intent()
        .confirm(&ctx(&declining), &TestNetwork, NOW)
        .unwrap()
        .intent;
    assert!(declined.last_payment_error.is_some());
    let visa = card_pm("pm_card_visa");
    let mut retry = ctx(&visa);
    retry.charge_id = "ch_1TestRetry".to_owned();
    let t = declined.confirm(&retry, &TestNetwork, NOW + 10).unwrap();
    assert_eq!(t.intent.status, Status::Succeeded);
    assert_eq!(t.intent.last_payment_error, None);
    assert_eq!(t.intent.payment_method.as_deref(), Some(PM_ID));
    assert_eq!(t.intent.latest_charge.as_deref(), Some("ch_1TestRetry"));
    assert_eq!(t.intent.amount_received, AMOUNT);
    assert_eq!(
        event_names(&t),
        ["charge.succeeded", "payment_intent.succeeded"]
    );
}

#[test]
fn confirm_with_a_failed_cvc_check_is_declined_by_radar() {
    let mut pm = card_pm("pm_card_cvcCheckFail");
    // pm_card_* ids carry cvc_check "unchecked": that card succeeds.
    let t = new_intent().confirm(&ctx(&pm), &TestNetwork, NOW).unwrap();
    assert_eq!(t.intent.status, Status::Succeeded);
    // Given a CVC, its check fails and Stripe's default rule blocks the payment.
    pm.card.as_mut().unwrap().checks.cvc_check = Some(CheckResult::Fail);
    let t = new_intent().confirm(&ctx(&pm), &TestNetwork, NOW).unwrap();
    assert_eq!(t.intent.status, Status::RequiresPaymentMethod);
    let error = t.error.unwrap();
    assert_eq!(error.status, 402);
    assert_eq!(error.code.as_deref(), Some("incorrect_cvc"));
    assert_eq!(error.decline_code.as_deref(), Some("incorrect_cvc"));
    assert_eq!(error.param.as_deref(), Some("cvc"));
}

#[test]
fn confirm_with_setup_future_usage_saves_the_payment_method_on_success_only() {
    let mut intent = new_intent();
    intent.setup_future_usage = Some("off_session".to_owned());
    intent.customer = Some("cus_1".to_owned());
    let visa = card_pm("pm_card_visa");
    let t = intent.confirm(&ctx(&visa), &TestNetwork, NOW).unwrap();
    assert_eq!(t.intent.status, Status::Succeeded);
    assert!(t.save_payment_method);
    assert_eq!(t.charge.unwrap().customer.as_deref(), Some("cus_1"));

    let declining = card_pm("pm_card_visa_chargeDeclined");
    let t = intent.confirm(&ctx(&declining), &TestNetwork, NOW).unwrap();
    assert!(!t.save_payment_method);

    let three_ds = card_pm("pm_card_threeDSecure2Required");
    let t = intent.confirm(&ctx(&three_ds), &TestNetwork, NOW).unwrap();
    assert_eq!(t.intent.status, Status::RequiresAction);
    assert!(!t.save_payment_method);
}

// ------------------------------------------------------------------------------------------
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

fn assert_requires_action(t: &Transition, next_action: &Value) {
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
    assert_eq!(t.events, [("payment_intent.requires_action", On::Intent)]);
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
        assert_eq!(t.events, [("payment_intent.payment_failed", On::Intent)]);
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
            ["charge.failed", "payment_intent.payment_failed"]
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
fn requiring_action(intent: &PaymentIntent, pm: &PaymentMethod) -> PaymentIntent {
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
                ("charge.succeeded", On::Charge),
                ("payment_intent.succeeded", On::Intent)
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
            "charge.succeeded",
            "payment_intent.amount_capturable_updated"
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
        assert_eq!(t.events, [("payment_intent.payment_failed", On::Intent)]);
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
            ("charge.failed", On::Charge),
            ("payment_intent.payment_failed", On::Intent)
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
        ["charge.succeeded", "payment_intent.succeeded"]
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
            ("charge.captured", On::Charge),
            ("payment_intent.succeeded", On::Intent)
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
        ["charge.captured", "payment_intent.succeeded"]
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
            ("charge.refunded", On::Charge),
            ("payment_intent.canceled", On::Intent)
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
    assert_eq!(event_names(&t), ["payment_intent.canceled"]);
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
    assert_eq!(event_names(&t), ["payment_intent.canceled"]);
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
        ["charge.succeeded", "payment_intent.succeeded"]
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
    assert_eq!(event_names(&t), ["payment_intent.payment_failed"]);
}
