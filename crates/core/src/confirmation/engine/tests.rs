//! The engine over both intents: where they share behaviour, one table-driven test runs it on
//! each; where they differ (a setup moves no money), the test says how.
#![allow(clippy::unwrap_used)]

use tender_wire::Metadata;

use super::*;
use crate::address::BillingDetails;
use crate::card;
use crate::event_kind::EventKind;
use crate::network::TestNetwork;
use crate::payment_intent::{self, PaymentIntent};
use crate::setup_intent::{self, SetupIntent};

const NOW: Timestamp = 1_794_744_000;
const SECRET: &[u8] = b"secret";

fn card_pm(test_id: &str, customer: Option<&str>) -> PaymentMethod {
    let test = card::lookup_test_payment_method(test_id).unwrap();
    let mut pm = PaymentMethod::from_test_payment_method("pm_1".into(), test, SECRET, NOW);
    pm.customer = customer.map(str::to_owned);
    pm
}

fn env() -> Env<'static, TestNetwork> {
    Env {
        network: &TestNetwork,
        now: NOW,
        account_secret: SECRET,
        authenticate_url: "http://tender/authenticate/acct_1/x".into(),
        charge_id: "ch_1".into(),
    }
}

fn sources(pm: &PaymentMethod) -> Sources<'_> {
    Sources {
        payment_method: pm,
        spent: false,
        token: None,
        set_up_for_off_session: false,
        authenticated: false,
    }
}

/// A payment of $10 for `customer`, saving the card for off-session use.
fn payment(customer: Option<&str>) -> PaymentIntent {
    let mut intent = PaymentIntent::new("pi_1".into(), "pi_1_secret_x".into(), 1000, "usd", NOW);
    intent.customer = customer.map(str::to_owned);
    intent.setup_future_usage = Some(crate::intent::Usage::OffSession);
    intent
}

fn setup(customer: Option<&str>) -> SetupIntent {
    let mut intent = SetupIntent::new("seti_1".into(), "seti_1_secret_x".into(), NOW);
    intent.customer = customer.map(str::to_owned);
    intent
}

/// Runs a confirmation of both intents with the same inputs; `check` sees each outcome.
fn both(
    pm: &PaymentMethod,
    customer: Option<&str>,
    adjust: impl Fn(&mut Sources<'_>),
    check: impl Fn(IntentKind, Result<(Option<String>, Effects, Vec<EventKind>), ApiError>),
) {
    let mut s = sources(pm);
    adjust(&mut s);
    let params = payment_intent::ConfirmParams::default();
    let outcome = confirm(&payment(customer), &params, s, env())
        .map(|c| (c.transition.event_kinds(), c))
        .map(|(kinds, c)| (c.transition.error.map(|e| e.message), c.effects, kinds));
    check(IntentKind::Payment, outcome);
    let params = setup_intent::ConfirmParams::default();
    let outcome = confirm(&setup(customer), &params, s, env())
        .map(|c| (c.transition.event_kinds(), c))
        .map(|(kinds, c)| (c.transition.error.map(|e| e.message), c.effects, kinds));
    check(IntentKind::Setup, outcome);
}

#[test]
fn a_success_attaches_the_card_to_the_customer_and_records_off_session_use() {
    let pm = card_pm("pm_card_visa", None);
    both(
        &pm,
        Some("cus_1"),
        |_| {},
        |kind, outcome| {
            let (error, effects, events) = outcome.unwrap();
            assert_eq!(error, None, "{kind:?}");
            assert_eq!(
                effects.payment_method,
                PaymentMethodEffects {
                    attach_to: Some("cus_1".into()),
                    spent: false,
                    set_up_for_off_session: true,
                },
                "{kind:?}"
            );
            assert!(!effects.record_authentication);
            assert!(!effects.link_token);
            let expected = match kind {
                IntentKind::Payment => vec![
                    EventKind::ChargeSucceeded,
                    EventKind::PaymentIntentSucceeded,
                ],
                IntentKind::Setup => vec![EventKind::SetupIntentSucceeded],
            };
            assert_eq!(events, expected, "{kind:?}");
        },
    );
}

#[test]
fn without_a_customer_a_payment_spends_the_card_and_a_setup_keeps_it_set_up() {
    let pm = card_pm("pm_card_visa", None);
    both(
        &pm,
        None,
        |_| {},
        |kind, outcome| {
            let (_, effects, _) = outcome.unwrap();
            let expected = match kind {
                IntentKind::Payment => PaymentMethodEffects {
                    spent: true,
                    ..PaymentMethodEffects::default()
                },
                IntentKind::Setup => PaymentMethodEffects {
                    set_up_for_off_session: true,
                    ..PaymentMethodEffects::default()
                },
            };
            assert_eq!(effects.payment_method, expected, "{kind:?}");
        },
    );
}

#[test]
fn a_decline_changes_nothing_about_the_card_and_answers_with_the_error() {
    let pm = card_pm("pm_card_chargeDeclined", None);
    both(
        &pm,
        Some("cus_1"),
        |_| {},
        |kind, outcome| {
            let (error, effects, _) = outcome.unwrap();
            assert_eq!(
                error.as_deref(),
                Some("Your card was declined."),
                "{kind:?}"
            );
            assert_eq!(effects.payment_method, PaymentMethodEffects::default());
        },
    );
}

#[test]
fn a_spent_or_foreign_card_is_refused_before_the_network_is_asked() {
    let pm = card_pm("pm_card_visa", None);
    both(
        &pm,
        None,
        |s| s.spent = true,
        |kind, outcome| {
            let error = outcome.unwrap_err();
            assert!(
                error
                    .message
                    .starts_with("This PaymentMethod was previously used"),
                "{kind:?}"
            );
        },
    );
    let theirs = card_pm("pm_card_visa", Some("cus_other"));
    both(
        &theirs,
        Some("cus_1"),
        |_| {},
        |kind, outcome| {
            let error = outcome.unwrap_err();
            assert!(
                error.message.contains("belongs to the Customer cus_other"),
                "{kind:?}"
            );
            assert!(error.message.ends_with(&format!("on the {}.", kind.name())));
        },
    );
}

#[test]
fn a_challenge_waits_for_the_customer_then_completes_on_the_hosted_page() {
    let payment_pm = card_pm("pm_card_authenticationRequired", Some("cus_1"));
    let params = payment_intent::ConfirmParams::default();
    let waiting = confirm(
        &payment(Some("cus_1")),
        &params,
        sources(&payment_pm),
        env(),
    )
    .unwrap();
    assert_eq!(
        waiting.transition.intent.status,
        payment_intent::Status::RequiresAction
    );
    assert_eq!(
        waiting.effects.payment_method,
        PaymentMethodEffects::default()
    );
    let done = complete_authentication(&waiting.transition.intent, &payment_pm, false, true, env())
        .unwrap();
    assert_eq!(
        done.transition.intent.status,
        payment_intent::Status::Succeeded
    );

    let setup_pm = card_pm("pm_card_authenticationRequiredOnSetup", None);
    let params = setup_intent::ConfirmParams::default();
    let waiting = confirm(&setup(Some("cus_1")), &params, sources(&setup_pm), env()).unwrap();
    assert_eq!(
        waiting.transition.intent.status,
        setup_intent::Status::RequiresAction
    );
    let done =
        complete_authentication(&waiting.transition.intent, &setup_pm, false, true, env()).unwrap();
    assert_eq!(
        done.transition.intent.status,
        setup_intent::Status::Succeeded
    );
    assert_eq!(
        done.effects.payment_method.attach_to.as_deref(),
        Some("cus_1")
    );
}

#[test]
fn only_cards_can_be_set_up_while_a_payment_takes_a_redirect_method() {
    let ideal = PaymentMethod::ideal(
        "pm_1".into(),
        Some("ing".into()),
        BillingDetails::default(),
        Metadata::new(),
        NOW,
    );
    let mut intent = setup(None);
    intent.payment_method_types = vec!["card".into(), "ideal".into()];
    let params = setup_intent::ConfirmParams::default();
    let error = confirm(&intent, &params, sources(&ideal), env()).unwrap_err();
    assert_eq!(error.message, "Only card payment methods can be set up.");
    assert_eq!(error.param.as_deref(), Some("payment_method"));

    let mut intent = payment(None);
    intent.currency = "eur".into();
    intent.payment_method_types = vec!["card".into(), "ideal".into()];
    let mut params = payment_intent::ConfirmParams::default();
    params.request.return_url = Some("https://shop.example/done".into());
    let waiting = confirm(&intent, &params, sources(&ideal), env()).unwrap();
    assert_eq!(
        waiting.transition.intent.status,
        payment_intent::Status::RequiresAction
    );
}

#[test]
fn redirects_need_a_return_url_from_the_request_unless_a_client_sdk_confirms() {
    let pm = card_pm("pm_card_visa", None);
    let mut intent = payment(None);
    intent.automatic_payment_methods = Some(payment_intent::AutomaticPaymentMethods {
        allow_redirects: None,
        enabled: true,
    });
    let mut params = payment_intent::ConfirmParams::default();
    let error = confirm(&intent, &params, sources(&pm), env()).unwrap_err();
    assert!(error.message.contains("you must provide a `return_url`"));
    params.request.use_stripe_sdk = true;
    assert!(confirm(&intent, &params, sources(&pm), env()).is_ok());

    let mut intent = setup(None);
    intent.automatic_payment_methods = Some(payment_intent::AutomaticPaymentMethods {
        allow_redirects: None,
        enabled: true,
    });
    let mut params = setup_intent::ConfirmParams::default();
    assert!(confirm(&intent, &params, sources(&pm), env()).is_err());
    params.request.return_url = Some("https://shop.example/done".into());
    assert!(confirm(&intent, &params, sources(&pm), env()).is_ok());
}

#[test]
fn prepare_writes_the_requests_values_onto_the_intent() {
    let params = payment_intent::ConfirmParams {
        receipt_email: Some(tender_wire::Field::Set("jo@example.com".into())),
        ..Default::default()
    };
    let prepared = prepare(payment(None), &params, None).unwrap();
    assert_eq!(prepared.receipt_email.as_deref(), Some("jo@example.com"));
}
