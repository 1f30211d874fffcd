//! Unit tests of the PaymentIntent state machine (spec §3.4–§3.7, §8, Appendix B).
//!
//! - Every (status × command) pair, table-driven: one test per command walks [`ALL_STATUSES`]
//!   and compares with an expectation written as an exhaustive `match` on [`Status`], so a
//!   new status does not compile until every table says what it does.
//! - Outcomes of card confirmations with Stripe's test cards: success, manual capture, each
//!   decline of §8.2, 3D Secure, `error_on_requires_action`, `off_session`.
//! - Capture (full, partial, refused) and cancel (release of an authorization).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod capture_cancel;
mod cards;
mod ideal;
mod statuses;
mod three_d_secure;

use crate::event_kind::EventKind;
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

fn event_names(transition: &Transition) -> Vec<EventKind> {
    transition.events.iter().map(|(kind, _)| *kind).collect()
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

#[test]
fn a_confirmations_own_parameters_are_written_onto_the_intent() {
    let mut intent = new_intent();
    intent.payment_method_options = payment_method_options(&["card".to_owned()], "automatic");
    let mut p = tender_wire::Params::from_form(
        b"setup_future_usage=off_session&receipt_email=jo%40x.io&capture_method=manual&payment_method_options[card][request_three_d_secure]=challenge",
    )
    .unwrap();
    let params = ConfirmParams::take(&mut p).unwrap();
    params.apply_to(&mut intent);
    assert_eq!(
        intent.setup_future_usage,
        Some(crate::intent::Usage::OffSession)
    );
    assert_eq!(intent.receipt_email.as_deref(), Some("jo@x.io"));
    assert_eq!(intent.capture_method, CaptureMethod::Manual);
    assert_eq!(
        intent.payment_method_options["card"]["request_three_d_secure"],
        "challenge"
    );
    // An empty value clears what it names.
    let mut p = tender_wire::Params::from_form(b"receipt_email=").unwrap();
    ConfirmParams::take(&mut p).unwrap().apply_to(&mut intent);
    assert_eq!(intent.receipt_email, None);
    assert_eq!(
        intent.setup_future_usage,
        Some(crate::intent::Usage::OffSession)
    );
}

fn created(form: &str) -> Result<PaymentIntentCreate, tender_wire::ApiError> {
    let mut p = tender_wire::Params::from_form(form.as_bytes()).unwrap();
    PaymentIntentCreate::take(&mut p)
}

#[test]
fn allowed_payment_method_types_keeps_what_fits_the_currency_and_drops_the_rest() {
    let eur = created(
        "amount=1500&currency=eur&allowed_payment_method_types[0]=us_bank_account\
         &allowed_payment_method_types[1]=card&allowed_payment_method_types[2]=sepa_debit\
         &allowed_payment_method_types[3]=klarna",
    )
    .unwrap();
    let intent = eur.build("pi_1".into(), "pi_1_secret_x".into(), 1_794_744_000);
    assert_eq!(intent.payment_method_types, ["card", "sepa_debit"]);
    assert_eq!(intent.automatic_payment_methods, None);

    let usd = created(
        "amount=1500&currency=usd&allowed_payment_method_types[0]=sepa_debit\
         &allowed_payment_method_types[1]=us_bank_account",
    )
    .unwrap();
    assert_eq!(
        usd.payment_method_types.as_deref(),
        Some(&["us_bank_account".to_owned()][..])
    );

    let none =
        created("amount=1500&currency=usd&allowed_payment_method_types[0]=ideal").unwrap_err();
    assert_eq!(none.param.as_deref(), Some("allowed_payment_method_types"));
    let both = created(
        "amount=1500&currency=eur&allowed_payment_method_types[0]=card\
         &automatic_payment_methods[enabled]=true",
    )
    .unwrap_err();
    assert_eq!(both.param.as_deref(), Some("allowed_payment_method_types"));
    assert!(
        both.message.contains("automatic_payment_methods"),
        "{}",
        both.message
    );
}
