//! Confirming with Stripe's test cards: success, manual capture, each decline.

use super::*;
use crate::event_kind::EventKind;

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
            (EventKind::ChargeSucceeded, On::Charge),
            (EventKind::PaymentIntentSucceeded, On::Intent)
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
            (EventKind::ChargeSucceeded, On::Charge),
            (EventKind::PaymentIntentAmountCapturableUpdated, On::Intent)
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
pub(super) struct DeclineCase {
    pub(super) card: &'static str,
    pub(super) code: &'static str,
    pub(super) decline_code: &'static str,
    pub(super) param: Option<&'static str>,
    pub(super) advice_code: Option<&'static str>,
    pub(super) message: &'static str,
    pub(super) outcome: OutcomeKind,
}

pub(super) const DECLINED: &str = "Your card was declined.";

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
pub(super) fn expected_card_error_object(
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

pub(super) fn assert_card_error(error: &ApiError, case: &DeclineCase) {
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
                    (EventKind::ChargeFailed, On::Charge),
                    (EventKind::PaymentIntentPaymentFailed, On::Intent)
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
        [
            EventKind::ChargeSucceeded,
            EventKind::PaymentIntentSucceeded
        ]
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
    intent.setup_future_usage = Some(crate::intent::Usage::OffSession);
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
