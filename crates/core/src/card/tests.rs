#![allow(clippy::unwrap_used)]

use std::collections::HashSet;

use super::*;

const SECRET: &[u8] = b"account one";

fn pm(id: &str) -> &'static TestCard {
    lookup_test_payment_method(id).unwrap_or_else(|| panic!("{id} is not in the table"))
}

fn luhn_ok(number: &str) -> bool {
    validate_card(number, 12, 2099, None, SECRET, 0).is_ok()
}

#[test]
fn table_is_well_formed() {
    let mut numbers = HashSet::new();
    let mut ids = HashSet::new();
    for card in TEST_CARDS {
        assert!(luhn_ok(card.number), "{} fails validation", card.number);
        assert!(
            numbers.insert(card.number),
            "{} is listed twice",
            card.number
        );
        for id in card.payment_methods {
            assert!(id.starts_with("pm_card_"), "{id}");
            assert!(ids.insert(*id), "{id} is listed twice");
        }
        for id in card.tokens {
            assert!(id.starts_with("tok_"), "{id}");
            assert!(ids.insert(*id), "{id} is listed twice");
        }
        assert_eq!(card.profile.country.len(), 2, "{}", card.number);
        assert_ne!(card.profile.brand, Brand::Unknown, "{}", card.number);
        // A table row's brand agrees with prefix inference (co-brands aside).
        assert_eq!(
            Brand::from_number(card.number),
            card.profile.brand,
            "{}",
            card.number
        );
    }
}

#[test]
fn every_decline_row_is_exact() {
    // (pm id, number, code, decline_code, param, advice_code, message)
    #[rustfmt::skip]
    let rows = [
        ("pm_card_visa_chargeDeclined", "4000000000000002", "card_declined", "generic_decline",
         None, Some("try_again_later"), "Your card was declined."),
        ("pm_card_visa_chargeDeclinedInsufficientFunds", "4000000000009995", "card_declined",
         "insufficient_funds", None, Some("try_again_later"), "Your card has insufficient funds."),
        ("pm_card_visa_chargeDeclinedLostCard", "4000000000009987", "card_declined", "lost_card",
         None, Some("do_not_try_again"), "Your card was declined."),
        ("pm_card_visa_chargeDeclinedStolenCard", "4000000000009979", "card_declined", "stolen_card",
         None, Some("do_not_try_again"), "Your card was declined."),
        ("pm_card_chargeDeclinedExpiredCard", "4000000000000069", "expired_card", "expired_card",
         Some("exp_month"), Some("confirm_card_data"), "Your card has expired."),
        ("pm_card_chargeDeclinedIncorrectCvc", "4000000000000127", "incorrect_cvc", "incorrect_cvc",
         Some("cvc"), Some("confirm_card_data"), "Your card's security code is incorrect."),
        ("pm_card_chargeDeclinedProcessingError", "4000000000000119", "processing_error",
         "processing_error", None, Some("try_again_later"),
         "An error occurred while processing your card. Try again in a little bit."),
        ("pm_card_visa_chargeDeclinedVelocityLimitExceeded", "4000000000006975", "card_declined",
         "card_velocity_exceeded", None, Some("try_again_later"),
         "Your card was declined for making repeated attempts too frequently or exceeding its \
          amount limit."),
    ];
    for (id, number, code, decline_code, param, advice, message) in rows {
        let card = pm(id);
        assert_eq!(card.number, number, "{id}");
        let Behavior::Declines(decline) = card.profile.behavior else {
            panic!("{id} should decline")
        };
        let err = decline.to_error();
        assert_eq!(err.status, 402, "{id}");
        assert_eq!(err.code.as_deref(), Some(code), "{id}");
        assert_eq!(err.decline_code.as_deref(), Some(decline_code), "{id}");
        assert_eq!(err.param.as_deref(), param, "{id}");
        assert_eq!(err.advice_code.as_deref(), advice, "{id}");
        assert_eq!(err.message, message, "{id}");
        assert_eq!(decline.outcome, OutcomeType::IssuerDeclined, "{id}");
        assert_eq!(lookup_number(number).behavior, card.profile.behavior);
    }
    assert_eq!(pm("pm_card_chargeDeclined").number, "4000000000000002");

    let fail_after_attach = pm("pm_card_chargeCustomerFail");
    assert_eq!(fail_after_attach.number, "4000000000000341");
    assert_eq!(
        fail_after_attach.profile.behavior,
        Behavior::ChargeFails(GENERIC_DECLINE)
    );
    assert_eq!(
        fail_after_attach.profile.behavior.verification_decline(),
        None
    );

    for id in ["pm_card_radarBlock", "pm_card_chargeDeclinedFraudulent"] {
        let card = pm(id);
        assert_eq!(card.number, "4100000000000019");
        let Behavior::Blocked(decline) = card.profile.behavior else {
            panic!("{id}")
        };
        assert_eq!(decline.code, "card_declined");
        assert_eq!(decline.decline_code, Some("fraudulent"));
        assert_eq!(decline.advice_code, None);
        assert_eq!(decline.outcome, OutcomeType::Blocked);
        assert_eq!(decline.risk_level, RiskLevel::Highest);
    }
}

#[test]
fn brands_funding_and_countries() {
    let cases = [
        (
            "pm_card_visa",
            "4242424242424242",
            Brand::Visa,
            Funding::Credit,
            "US",
        ),
        (
            "pm_card_us",
            "4242424242424242",
            Brand::Visa,
            Funding::Credit,
            "US",
        ),
        (
            "pm_card_visa_debit",
            "4000056655665556",
            Brand::Visa,
            Funding::Debit,
            "US",
        ),
        (
            "pm_card_mastercard",
            "5555555555554444",
            Brand::Mastercard,
            Funding::Credit,
            "US",
        ),
        (
            "pm_card_mastercard_debit",
            "5200828282828210",
            Brand::Mastercard,
            Funding::Debit,
            "US",
        ),
        (
            "pm_card_mastercard_prepaid",
            "5105105105105100",
            Brand::Mastercard,
            Funding::Prepaid,
            "US",
        ),
        (
            "pm_card_amex",
            "378282246310005",
            Brand::Amex,
            Funding::Credit,
            "US",
        ),
        (
            "pm_card_discover",
            "6011111111111117",
            Brand::Discover,
            Funding::Credit,
            "US",
        ),
        (
            "pm_card_diners",
            "3056930009020004",
            Brand::Diners,
            Funding::Credit,
            "US",
        ),
        (
            "pm_card_jcb",
            "3566002020360505",
            Brand::Jcb,
            Funding::Credit,
            "JP",
        ),
        (
            "pm_card_unionpay",
            "6200000000000005",
            Brand::Unionpay,
            Funding::Credit,
            "CN",
        ),
        (
            "pm_card_gb",
            "4000008260000000",
            Brand::Visa,
            Funding::Credit,
            "GB",
        ),
        (
            "pm_card_gb_debit",
            "4000058260000005",
            Brand::Visa,
            Funding::Debit,
            "GB",
        ),
        (
            "pm_card_gb_mastercard",
            "5555558265554449",
            Brand::Mastercard,
            Funding::Credit,
            "GB",
        ),
        (
            "pm_card_fr",
            "4000002500000003",
            Brand::Visa,
            Funding::Credit,
            "FR",
        ),
        (
            "pm_card_br",
            "4000000760000002",
            Brand::Visa,
            Funding::Credit,
            "BR",
        ),
        (
            "pm_card_th_debit",
            "4000057640000008",
            Brand::Visa,
            Funding::Debit,
            "TH",
        ),
        (
            "pm_card_threeDSecure2Required",
            "4000000000003220",
            Brand::Visa,
            Funding::Credit,
            "IE",
        ),
    ];
    for (id, number, brand, funding, country) in cases {
        let card = pm(id);
        assert_eq!(card.number, number, "{id}");
        assert_eq!(card.profile.brand, brand, "{id}");
        assert_eq!(card.profile.funding, funding, "{id}");
        assert_eq!(card.profile.country, country, "{id}");
    }
    let cb = pm("pm_card_visa_cartesBancaires").profile;
    assert_eq!(cb.networks(), vec![Brand::CartesBancaires, Brand::Visa]);
    assert_eq!(pm("pm_card_visa").profile.networks(), vec![Brand::Visa]);
    assert_eq!(lookup_test_payment_method("pm_card_nonexistent"), None);
    assert_eq!(
        lookup_test_token("tok_visa").map(|c| c.number),
        Some("4242424242424242")
    );
    assert_eq!(
        lookup_test_token("tok_chargeDeclined").map(|c| c.number),
        Some("4000000000000002")
    );
}

#[test]
fn authentication_and_three_d_secure_cards() {
    let always = pm("pm_card_authenticationRequired");
    assert_eq!(always.number, "4000002760003184");
    assert!(matches!(
        always.profile.behavior,
        Behavior::Authentication {
            rule: AuthRule::Always,
            then: AfterAuth::Succeeds,
            ..
        }
    ));
    assert!(matches!(
        pm("pm_card_authenticationRequiredOnSetup").profile.behavior,
        Behavior::Authentication {
            rule: AuthRule::RequiredUnlessSetUp,
            ..
        }
    ));
    assert!(matches!(
        pm("pm_card_authenticationRequiredSetupForOffSession")
            .profile
            .behavior,
        Behavior::Authentication {
            rule: AuthRule::OnSessionOnly,
            ..
        }
    ));
    assert!(matches!(
        pm("pm_card_authenticationRequiredChargeDeclinedInsufficientFunds")
            .profile
            .behavior,
        Behavior::Authentication {
            then: AfterAuth::Declines(INSUFFICIENT_FUNDS),
            ..
        }
    ));
    assert!(matches!(
        pm("pm_card_threeDSecure2Required").profile.behavior,
        Behavior::Authentication {
            rule: AuthRule::ThreeDSecureRequired,
            flow: AuthFlow::Challenge,
            ..
        }
    ));
    assert!(matches!(
        pm("pm_card_threeDSecureRequiredChargeDeclined")
            .profile
            .behavior,
        Behavior::Authentication {
            then: AfterAuth::Declines(GENERIC_DECLINE),
            ..
        }
    ));
    assert!(matches!(
        pm("pm_card_threeDSecureRequiredProcessingError")
            .profile
            .behavior,
        Behavior::Authentication {
            then: AfterAuth::LookupFails(_),
            ..
        }
    ));
    assert_eq!(
        pm("pm_card_threeDSecureOptional").profile.behavior,
        Behavior::ThreeDSecureOptional {
            lookup_error: false
        }
    );
    let amex = pm("pm_card_amex_threeDSecureNotSupported");
    assert_eq!(amex.number, "378282246310005");
    assert!(!amex.profile.behavior.three_d_secure_supported());
    for number in [
        "4000000000003238",
        "4000000000003246",
        "4000000000003253",
        "4000000000003063",
    ] {
        assert!(matches!(
            lookup_number(number).behavior,
            Behavior::Authentication { .. }
        ));
    }
}

#[test]
fn checks_risk_refund_and_dispute_cards() {
    assert_eq!(
        pm("pm_card_cvcCheckFail").profile.behavior.cvc_check(),
        CheckResult::Fail
    );
    assert_eq!(
        pm("pm_card_avsZipFail")
            .profile
            .behavior
            .address_postal_code_check(),
        CheckResult::Fail
    );
    assert_eq!(
        pm("pm_card_avsLine1Fail")
            .profile
            .behavior
            .address_line1_check(),
        CheckResult::Fail
    );
    let avs = pm("pm_card_avsUnchecked").profile.behavior;
    assert_eq!(avs.address_line1_check(), CheckResult::Unavailable);
    assert_eq!(avs.address_postal_code_check(), CheckResult::Unavailable);
    assert_eq!(
        pm("pm_card_riskLevelElevated")
            .profile
            .behavior
            .risk_level(),
        RiskLevel::Elevated
    );
    assert_eq!(
        pm("pm_card_riskLevelHighest").profile.behavior.risk_level(),
        RiskLevel::Highest
    );
    assert_eq!(
        pm("pm_card_cvcCheckFailElevatedRisk")
            .profile
            .behavior
            .risk_level(),
        RiskLevel::Elevated
    );
    assert_eq!(
        pm("pm_card_pendingRefund").profile.behavior,
        Behavior::Refunds(RefundBehavior::PendingThenSucceeds)
    );
    assert_eq!(
        pm("pm_card_refundFail").profile.behavior,
        Behavior::Refunds(RefundBehavior::SucceedsThenFails)
    );
    assert_eq!(
        pm("pm_card_createDispute").profile.behavior,
        Behavior::Disputed(DisputeKind::Fraudulent)
    );
    assert_eq!(
        pm("pm_card_createIssuerFraudRecord").profile.behavior,
        Behavior::EarlyFraudWarning
    );
    assert_eq!(
        pm("pm_card_bypassPending").profile.behavior,
        Behavior::BypassPendingBalance
    );
}

#[test]
fn unknown_numbers_get_a_prefix_brand_and_a_live_card_decline() {
    let cases = [
        ("4111111111111111", Brand::Visa),
        ("5431111111111111", Brand::Mastercard),
        ("2221000000000009", Brand::Mastercard),
        ("2720990000000007", Brand::Mastercard),
        ("341111111111111", Brand::Amex),
        ("6011000000000004", Brand::Discover),
        ("6445644564456445", Brand::Discover),
        ("6500000000000002", Brand::Discover),
        ("30569309025904", Brand::Diners),
        ("38520000023237", Brand::Diners),
        ("3530111333300008", Brand::Jcb),
        ("6212345678901232", Brand::Unionpay),
        ("9999999999999995", Brand::Unknown),
    ];
    for (number, brand) in cases {
        let profile = lookup_number(number);
        assert_eq!(profile.brand, brand, "{number}");
        assert_eq!(profile.funding, Funding::Credit);
        assert_eq!(profile.country, "US");
        let Behavior::Declines(decline) = profile.behavior else {
            panic!("{number}")
        };
        assert_eq!(decline.code, "card_declined");
        assert_eq!(decline.decline_code, Some("test_mode_live_card"));
        assert_eq!(
            decline.message,
            "Your card was declined. Your request was in test mode, but used a non test card. \
             For a list of valid test cards, visit: https://stripe.com/docs/testing."
        );
    }
}

#[test]
fn display_brands() {
    assert_eq!(Brand::Amex.display_brand(), DisplayBrand::AmericanExpress);
    let json = |b: Brand| serde_json::to_value(b.display_brand()).unwrap();
    assert_eq!(json(Brand::Amex), "american_express");
    assert_eq!(json(Brand::Diners), "diners_club");
    assert_eq!(json(Brand::Unionpay), "union_pay");
    assert_eq!(json(Brand::EftposAu), "eftpos_australia");
    assert_eq!(json(Brand::Unknown), "other");
    assert_eq!(serde_json::to_value(Brand::Unionpay).unwrap(), "unionpay");
    assert_eq!(
        serde_json::to_value(Brand::CartesBancaires).unwrap(),
        "cartes_bancaires"
    );
    assert_eq!(serde_json::to_value(Brand::EftposAu).unwrap(), "eftpos_au");
}

#[test]
fn fingerprints_are_stable_per_account_and_differ_across_accounts() {
    let a = fingerprint(SECRET, "4242424242424242");
    assert_eq!(a, fingerprint(SECRET, "4242 4242 4242 4242"));
    assert_eq!(a.len(), 16);
    assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_ne!(a, fingerprint(b"account two", "4242424242424242"));
    assert_ne!(a, fingerprint(SECRET, "5555555555554444"));
}

#[test]
fn stored_cards_find_their_behavior_from_the_fingerprint() {
    for card in TEST_CARDS {
        let found =
            test_card_for_fingerprint(SECRET, card.last4(), &fingerprint(SECRET, card.number));
        assert_eq!(found.map(|c| c.number), Some(card.number));
    }
    let declined = fingerprint(SECRET, "4000000000000002");
    assert_eq!(
        behavior_of_stored_card(SECRET, "0002", &declined),
        Behavior::Declines(GENERIC_DECLINE)
    );
    // Another account's fingerprint, or a number outside the table, is a live card.
    let other = fingerprint(b"account two", "4000000000000002");
    assert_eq!(
        behavior_of_stored_card(SECRET, "0002", &other),
        Behavior::Declines(TEST_MODE_LIVE_CARD)
    );
    let live = fingerprint(SECRET, "4111111111111111");
    assert_eq!(
        behavior_of_stored_card(SECRET, "1111", &live),
        Behavior::Declines(TEST_MODE_LIVE_CARD)
    );
}
