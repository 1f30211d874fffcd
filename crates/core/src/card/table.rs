//! Stripe's test card table (https://docs.stripe.com/testing; spec §8), as data.
//!
//! One row per card number, with every `pm_card_*` and `tok_*` id that names it. To add a
//! card, add a row; the tests check that every number passes Luhn and that numbers and ids
//! are unique.

use super::behavior::{
    AfterAuth, AuthFlow, AuthRule, Behavior, CheckResult, DisputeKind, EXPIRED_CARD,
    GENERIC_DECLINE, INCORRECT_CVC, INSUFFICIENT_FUNDS, LOST_CARD, PROCESSING_ERROR, RADAR_BLOCKED,
    RefundBehavior, RiskLevel, STOLEN_CARD, THREE_D_SECURE_LOOKUP_FAILED, VELOCITY_EXCEEDED,
};
use super::{Brand, CardProfile, Funding, TestCard};

use Behavior::{Declines, Succeeds};
use Brand::{Amex, CartesBancaires, Diners, Discover, EftposAu, Jcb, Mastercard, Unionpay, Visa};
use Funding::{Credit, Debit, Prepaid};

const fn card(
    number: &'static str,
    brand: Brand,
    funding: Funding,
    country: &'static str,
    behavior: Behavior,
) -> TestCard {
    TestCard {
        number,
        profile: CardProfile {
            brand,
            co_brand: None,
            funding,
            country,
            behavior,
        },
        payment_methods: &[],
        tokens: &[],
    }
}

/// A Visa credit card issued in the US: most behaviour cards are.
const fn visa(number: &'static str, behavior: Behavior) -> TestCard {
    card(number, Visa, Credit, "US", behavior)
}

/// A plain successful Visa credit card from `country`.
const fn country(number: &'static str, country: &'static str) -> TestCard {
    card(number, Visa, Credit, country, Succeeds)
}

impl TestCard {
    const fn pm(self, payment_methods: &'static [&'static str]) -> TestCard {
        TestCard {
            payment_methods,
            ..self
        }
    }

    const fn tok(self, tokens: &'static [&'static str]) -> TestCard {
        TestCard { tokens, ..self }
    }

    const fn co_brand(self, co_brand: Brand) -> TestCard {
        TestCard {
            profile: CardProfile {
                co_brand: Some(co_brand),
                ..self.profile
            },
            ..self
        }
    }
}

const fn checks(
    cvc: CheckResult,
    line1: CheckResult,
    postal: CheckResult,
    risk: RiskLevel,
) -> Behavior {
    Behavior::Checks {
        cvc,
        address_line1: line1,
        address_postal_code: postal,
        risk_level: risk,
    }
}

const fn auth(rule: AuthRule, then: AfterAuth) -> Behavior {
    Behavior::Authentication {
        rule,
        flow: AuthFlow::Challenge,
        then,
    }
}

/// A card that needs 3D Secure on every payment (Radar requests it by default).
const fn three_ds(then: AfterAuth) -> Behavior {
    auth(AuthRule::ThreeDSecureRequired, then)
}

use Behavior::{BypassPendingBalance, ChargeFails, Disputed, ElevatedRisk, Refunds};
use CheckResult::{Fail, Pass, Unavailable};
use DisputeKind::{
    Ce3Block, EthocaAlert, Fraudulent, Inquiry, MastercardCompliance, Multiple, ProductNotReceived,
    RapidDisputeResolution, SmartDisputes, VisaCompellingEvidence3, VisaCompliance,
};
use RiskLevel::{Elevated, Normal};

/// Authentication succeeds and so does the payment.
const OK: AfterAuth = AfterAuth::Succeeds;

/// Every test card Tender's network knows.
#[rustfmt::skip]
pub static TEST_CARDS: &[TestCard] = &[
    // --- Success by brand ---------------------------------------------------------------
    visa("4242424242424242", Succeeds).pm(&["pm_card_visa", "pm_card_us"]).tok(&["tok_visa", "tok_us"]),
    card("4000056655665556", Visa, Debit, "US", Succeeds).pm(&["pm_card_visa_debit"]).tok(&["tok_visa_debit"]),
    card("5555555555554444", Mastercard, Credit, "US", Succeeds).pm(&["pm_card_mastercard"]).tok(&["tok_mastercard"]),
    card("2223003122003222", Mastercard, Credit, "US", Succeeds),
    card("5200828282828210", Mastercard, Debit, "US", Succeeds)
        .pm(&["pm_card_mastercard_debit"]).tok(&["tok_mastercard_debit"]),
    card("5105105105105100", Mastercard, Prepaid, "US", Succeeds)
        .pm(&["pm_card_mastercard_prepaid"]).tok(&["tok_mastercard_prepaid"]),
    card("378282246310005", Amex, Credit, "US", Behavior::ThreeDSecureNotSupported)
        .pm(&["pm_card_amex", "pm_card_amex_threeDSecureNotSupported"])
        .tok(&["tok_amex", "tok_amex_threeDSecureNotSupported"]),
    card("371449635398431", Amex, Credit, "US", Succeeds),
    card("6011111111111117", Discover, Credit, "US", Succeeds).pm(&["pm_card_discover"]).tok(&["tok_discover"]),
    card("6011000990139424", Discover, Credit, "US", Succeeds),
    card("6011981111111113", Discover, Debit, "US", Succeeds),
    card("3056930009020004", Diners, Credit, "US", Succeeds).pm(&["pm_card_diners"]).tok(&["tok_diners"]),
    card("36227206271667", Diners, Credit, "US", Succeeds),
    // BCcard and DinaCard run on the Discover network.
    card("6555900000604105", Discover, Credit, "US", Succeeds),
    card("3566002020360505", Jcb, Credit, "JP", Succeeds).pm(&["pm_card_jcb"]).tok(&["tok_jcb"]),
    card("6200000000000005", Unionpay, Credit, "CN", Succeeds).pm(&["pm_card_unionpay"]).tok(&["tok_unionpay"]),
    card("6200000000000047", Unionpay, Debit, "CN", Succeeds),
    card("6205500000000000004", Unionpay, Credit, "CN", Succeeds),
    // --- Co-branded ---------------------------------------------------------------------
    card("4000002500001001", Visa, Credit, "FR", Succeeds).co_brand(CartesBancaires)
        .pm(&["pm_card_visa_cartesBancaires"]).tok(&["tok_visa_cartesBancaires"]),
    card("5555552500001001", Mastercard, Credit, "FR", Succeeds).co_brand(CartesBancaires)
        .pm(&["pm_card_mastercard_cartesBancaires"]).tok(&["tok_mastercard_cartesBancaires"]),
    card("4000050360000001", Visa, Debit, "AU", Succeeds).co_brand(EftposAu)
        .pm(&["pm_card_visa_debit_eftposAuCoBranded"]).tok(&["tok_visa_debit_eftposAuCoBranded"]),
    card("5555050360000080", Mastercard, Debit, "AU", Succeeds).co_brand(EftposAu)
        .pm(&["pm_card_mastercard_debit_eftposAuCoBranded"]).tok(&["tok_mastercard_debit_eftposAuCoBranded"]),
    // --- By country (the US card is 4242 above) ------------------------------------------
    country("4000000320000021", "AR").pm(&["pm_card_ar"]).tok(&["tok_ar"]),
    country("4000000760000002", "BR").pm(&["pm_card_br"]).tok(&["tok_br"]),
    country("4000001240000000", "CA").pm(&["pm_card_ca"]).tok(&["tok_ca"]),
    country("4000001520000001", "CL").pm(&["pm_card_cl"]).tok(&["tok_cl"]),
    country("4000001700000003", "CO").pm(&["pm_card_co"]).tok(&["tok_co"]),
    country("4000001880000005", "CR").pm(&["pm_card_cr"]).tok(&["tok_cr"]),
    country("4000002180000000", "EC").pm(&["pm_card_ec"]).tok(&["tok_ec"]),
    country("4000004840008001", "MX").pm(&["pm_card_mx"]).tok(&["tok_mx"]),
    country("4000005910000000", "PA").pm(&["pm_card_pa"]).tok(&["tok_pa"]),
    country("4000006000000066", "PY").pm(&["pm_card_py"]).tok(&["tok_py"]),
    country("4000006040000068", "PE").pm(&["pm_card_pe"]).tok(&["tok_pe"]),
    country("4000008580000003", "UY").pm(&["pm_card_uy"]).tok(&["tok_uy"]),
    country("4000007840000001", "AE").pm(&["pm_card_ae"]).tok(&["tok_ae"]),
    card("5200007840000022", Mastercard, Credit, "AE", Succeeds)
        .pm(&["pm_card_ae_mastercard"]).tok(&["tok_ae_mastercard"]),
    country("4000000400000008", "AT").pm(&["pm_card_at"]).tok(&["tok_at"]),
    country("4000000560000004", "BE").pm(&["pm_card_be"]).tok(&["tok_be"]),
    country("4000001000000000", "BG").pm(&["pm_card_bg"]).tok(&["tok_bg"]),
    country("4000001120000005", "BY").pm(&["pm_card_by"]).tok(&["tok_by"]),
    country("4000001910000009", "HR").pm(&["pm_card_hr"]).tok(&["tok_hr"]),
    country("4000001960000008", "CY").pm(&["pm_card_cy"]).tok(&["tok_cy"]),
    country("4000002030000002", "CZ").pm(&["pm_card_cz"]).tok(&["tok_cz"]),
    country("4000002080000001", "DK").pm(&["pm_card_dk"]).tok(&["tok_dk"]),
    country("4000002330000009", "EE").pm(&["pm_card_ee"]).tok(&["tok_ee"]),
    country("4000002460000001", "FI").pm(&["pm_card_fi"]).tok(&["tok_fi"]),
    country("4000002500000003", "FR").pm(&["pm_card_fr"]).tok(&["tok_fr"]),
    country("4000002760000016", "DE").pm(&["pm_card_de"]).tok(&["tok_de"]),
    country("4000002920000005", "GI").pm(&["pm_card_gi"]).tok(&["tok_gi"]),
    country("4000003000000030", "GR").pm(&["pm_card_gr"]).tok(&["tok_gr"]),
    country("4000003480000005", "HU").pm(&["pm_card_hu"]).tok(&["tok_hu"]),
    country("4000003720000005", "IE").pm(&["pm_card_ie"]).tok(&["tok_ie"]),
    country("4000003800000008", "IT").pm(&["pm_card_it"]).tok(&["tok_it"]),
    country("4000004280000005", "LV").pm(&["pm_card_lv"]).tok(&["tok_lv"]),
    country("4000004380000004", "LI").pm(&["pm_card_li"]).tok(&["tok_li"]),
    country("4000004400000000", "LT").pm(&["pm_card_lt"]).tok(&["tok_lt"]),
    country("4000004420000006", "LU").pm(&["pm_card_lu"]).tok(&["tok_lu"]),
    country("4000004700000007", "MT").pm(&["pm_card_mt"]).tok(&["tok_mt"]),
    country("4000005280000002", "NL").pm(&["pm_card_nl"]).tok(&["tok_nl"]),
    country("4000005780000007", "NO").pm(&["pm_card_no"]).tok(&["tok_no"]),
    country("4000006160000005", "PL").pm(&["pm_card_pl"]).tok(&["tok_pl"]),
    country("4000006200000007", "PT").pm(&["pm_card_pt"]).tok(&["tok_pt"]),
    country("4000006420000001", "RO").pm(&["pm_card_ro"]).tok(&["tok_ro"]),
    country("4000006820000007", "SA"),
    country("4000007050000006", "SI").pm(&["pm_card_si"]).tok(&["tok_si"]),
    country("4000007030000001", "SK").pm(&["pm_card_sk"]).tok(&["tok_sk"]),
    country("4000007240000007", "ES").pm(&["pm_card_es"]).tok(&["tok_es"]),
    country("4000007520000008", "SE").pm(&["pm_card_se"]).tok(&["tok_se"]),
    country("4000007560000009", "CH").pm(&["pm_card_ch"]).tok(&["tok_ch"]),
    country("4000008260000000", "GB").pm(&["pm_card_gb"]).tok(&["tok_gb"]),
    card("4000058260000005", Visa, Debit, "GB", Succeeds).pm(&["pm_card_gb_debit"]).tok(&["tok_gb_debit"]),
    card("5555558265554449", Mastercard, Credit, "GB", Succeeds)
        .pm(&["pm_card_gb_mastercard"]).tok(&["tok_gb_mastercard"]),
    country("4000000360000006", "AU").pm(&["pm_card_au"]).tok(&["tok_au"]),
    country("4000001560000002", "CN").pm(&["pm_card_cn"]).tok(&["tok_cn"]),
    country("4000003440000004", "HK").pm(&["pm_card_hk"]).tok(&["tok_hk"]),
    country("4000003560000008", "IN").pm(&["pm_card_in"]).tok(&["tok_in"]),
    country("4000003920000003", "JP").pm(&["pm_card_jp"]).tok(&["tok_jp"]),
    card("3530111333300000", Jcb, Credit, "JP", Succeeds),
    country("4000004580000002", "MY").pm(&["pm_card_my"]).tok(&["tok_my"]),
    country("4000005540000008", "NZ").pm(&["pm_card_nz"]).tok(&["tok_nz"]),
    country("4000007020000003", "SG").pm(&["pm_card_sg"]).tok(&["tok_sg"]),
    country("4000001580000008", "TW").pm(&["pm_card_tw"]).tok(&["tok_tw"]),
    country("4000007640000003", "TH").pm(&["pm_card_th_credit"]).tok(&["tok_th_credit"]),
    card("4000057640000008", Visa, Debit, "TH", Succeeds).pm(&["pm_card_th_debit"]).tok(&["tok_th_debit"]),
    // --- HSA / FSA ------------------------------------------------------------------------
    card("4000051230000072", Visa, Debit, "US", Succeeds)
        .pm(&["pm_card_debit_visaFsaProductCode", "pm_card_debit_visaHsaProductCode"]),
    card("5200828282828897", Mastercard, Debit, "US", Succeeds)
        .pm(&["pm_card_mastercard_debit_mastercardFsaProductCode"]),
    // --- Declines (attach and setup fail too) -----------------------------------------------
    visa("4000000000000002", Declines(GENERIC_DECLINE))
        .pm(&["pm_card_visa_chargeDeclined", "pm_card_chargeDeclined"])
        .tok(&["tok_visa_chargeDeclined", "tok_chargeDeclined"]),
    visa("4000000000009995", Declines(INSUFFICIENT_FUNDS))
        .pm(&["pm_card_visa_chargeDeclinedInsufficientFunds", "pm_card_chargeDeclinedInsufficientFunds"])
        .tok(&["tok_visa_chargeDeclinedInsufficientFunds"]),
    visa("4000000000009987", Declines(LOST_CARD))
        .pm(&["pm_card_visa_chargeDeclinedLostCard", "pm_card_chargeDeclinedLostCard"])
        .tok(&["tok_visa_chargeDeclinedLostCard"]),
    visa("4000000000009979", Declines(STOLEN_CARD))
        .pm(&["pm_card_visa_chargeDeclinedStolenCard", "pm_card_chargeDeclinedStolenCard"])
        .tok(&["tok_visa_chargeDeclinedStolenCard"]),
    visa("4000000000000069", Declines(EXPIRED_CARD))
        .pm(&["pm_card_chargeDeclinedExpiredCard", "pm_card_visa_chargeDeclinedExpiredCard"])
        .tok(&["tok_chargeDeclinedExpiredCard", "tok_visa_chargeDeclinedExpiredCard"]),
    visa("4000000000000127", Declines(INCORRECT_CVC))
        .pm(&["pm_card_chargeDeclinedIncorrectCvc", "pm_card_visa_chargeDeclinedIncorrectCvc"])
        .tok(&["tok_chargeDeclinedIncorrectCvc", "tok_visa_chargeDeclinedIncorrectCvc"]),
    visa("4000000000000119", Declines(PROCESSING_ERROR))
        .pm(&["pm_card_chargeDeclinedProcessingError", "pm_card_visa_chargeDeclinedProcessingError"])
        .tok(&["tok_chargeDeclinedProcessingError", "tok_visa_chargeDeclinedProcessingError"]),
    visa("4000000000006975", Declines(VELOCITY_EXCEEDED))
        .pm(&["pm_card_visa_chargeDeclinedVelocityLimitExceeded", "pm_card_chargeDeclinedVelocityLimitExceeded"])
        .tok(&["tok_visa_chargeDeclinedVelocityLimitExceeded"]),
    visa("4000000000000341", ChargeFails(GENERIC_DECLINE))
        .pm(&["pm_card_chargeCustomerFail", "pm_card_visa_chargeCustomerFail"])
        .tok(&["tok_chargeCustomerFail", "tok_visa_chargeCustomerFail"]),
    // --- Fraud prevention (Radar) -------------------------------------------------------------
    visa("4100000000000019", Behavior::Blocked(RADAR_BLOCKED))
        .pm(&["pm_card_radarBlock", "pm_card_chargeDeclinedFraudulent", "pm_card_visa_chargeDeclinedFraudulent"])
        .tok(&["tok_radarBlock", "tok_chargeDeclinedFraudulent", "tok_visa_chargeDeclinedFraudulent"]),
    // Blocked by the default rule "block if risk level is highest", which Tender always runs.
    visa("4000000000004954", Behavior::Blocked(RADAR_BLOCKED))
        .pm(&["pm_card_riskLevelHighest"]).tok(&["tok_riskLevelHighest"]),
    visa("4000000000009235", ElevatedRisk).pm(&["pm_card_riskLevelElevated"]).tok(&["tok_riskLevelElevated"]),
    // These act only under Radar settings Tender does not have, so they simply succeed.
    visa("4000008400000407", Succeeds).pm(&["pm_card_highFraudDisputeScore"]).tok(&["tok_highFraudDisputeScore"]),
    visa("4000008400000159", Succeeds).pm(&["pm_card_highEfwScore"]).tok(&["tok_highEfwScore"]),
    visa("4000008400001017", Succeeds)
        .pm(&["pm_card_radarDynamicRiskThreshold"]).tok(&["tok_radarDynamicRiskThreshold"]),
    visa("4000008405600003", Succeeds).pm(&["pm_card_adaptive3dsChallenge"]).tok(&["tok_adaptive3dsChallenge"]),
    // checks(cvc, address line1, postal code, risk level): results when the value is given.
    visa("4000000000000101", checks(Fail, Pass, Pass, Normal))
        .pm(&["pm_card_cvcCheckFail"]).tok(&["tok_cvcCheckFail"]),
    visa("4000000000000036", checks(Pass, Pass, Fail, Normal))
        .pm(&["pm_card_avsZipFail"]).tok(&["tok_avsZipFail"]),
    visa("4000058400307872", checks(Fail, Pass, Pass, Elevated))
        .pm(&["pm_card_cvcCheckFailElevatedRisk"]).tok(&["tok_cvcCheckFailElevatedRisk"]),
    visa("4000058400306072", checks(Pass, Pass, Fail, Elevated))
        .pm(&["pm_card_avsZipFailElevatedRisk"]).tok(&["tok_avsZipFailElevatedRisk"]),
    visa("4000000000000028", checks(Pass, Fail, Pass, Normal))
        .pm(&["pm_card_avsLine1Fail"]).tok(&["tok_avsLine1Fail"]),
    visa("4000000000000010", checks(Pass, Fail, Fail, Normal))
        .pm(&["pm_card_avsFail"]).tok(&["tok_avsFail"]),
    visa("4000000000000044", checks(Pass, Unavailable, Unavailable, Normal))
        .pm(&["pm_card_avsUnchecked"]).tok(&["tok_avsUnchecked"]),
    // --- Disputes -----------------------------------------------------------------------------
    visa("4000000000000259", Disputed(Fraudulent)).pm(&["pm_card_createDispute"]).tok(&["tok_createDispute"]),
    visa("4000000000002685", Disputed(ProductNotReceived))
        .pm(&["pm_card_createDisputeProductNotReceived"]).tok(&["tok_createDisputeProductNotReceived"]),
    visa("4000000000001976", Disputed(Inquiry))
        .pm(&["pm_card_createDisputeInquiry"]).tok(&["tok_createDisputeInquiry"]),
    visa("4000000000005423", Behavior::EarlyFraudWarning)
        .pm(&["pm_card_createIssuerFraudRecord"]).tok(&["tok_createIssuerFraudRecord"]),
    visa("4000000404000079", Disputed(Multiple))
        .pm(&["pm_card_createMultipleDisputes"]).tok(&["tok_createMultipleDisputes"]),
    visa("4000000404000038", Disputed(VisaCompellingEvidence3))
        .pm(&["pm_card_createCe3EligibleDispute"]).tok(&["tok_createCe3EligibleDispute"]),
    visa("4000008400000779", Disputed(VisaCompliance))
        .pm(&["pm_card_createComplianceDispute"]).tok(&["tok_createComplianceDispute"]),
    card("5105008400000002", Mastercard, Credit, "US", Disputed(MastercardCompliance))
        .pm(&["pm_card_createMastercardComplianceDispute"]).tok(&["tok_createMastercardComplianceDispute"]),
    visa("4000000001000043", Disputed(SmartDisputes))
        .pm(&["pm_card_createAutoRepresentmentEligibleDispute"])
        .tok(&["tok_createAutoRepresentmentEligibleDispute"]),
    visa("4000000404004816", Disputed(RapidDisputeResolution))
        .pm(&["pm_card_createRapidDisputeResolutionDispute"]).tok(&["tok_createRapidDisputeResolutionDispute"]),
    visa("4000000404005649", Disputed(Ce3Block))
        .pm(&["pm_card_createCe3BlockDispute"]).tok(&["tok_createCe3BlockDispute"]),
    card("5105000300000018", Mastercard, Credit, "US", Disputed(EthocaAlert))
        .pm(&["pm_card_createEthocaAlert"]).tok(&["tok_createEthocaAlert"]),
    // --- Refunds and balance --------------------------------------------------------------------
    visa("4000000000007726", Refunds(RefundBehavior::PendingThenSucceeds))
        .pm(&["pm_card_pendingRefund"]).tok(&["tok_pendingRefund"]),
    visa("4000000000005126", Refunds(RefundBehavior::SucceedsThenFails))
        .pm(&["pm_card_refundFail"]).tok(&["tok_refundFail"]),
    visa("4000000000000077", BypassPendingBalance).pm(&["pm_card_bypassPending"]).tok(&["tok_bypassPending"]),
    card("4000003720000278", Visa, Credit, "IE", BypassPendingBalance)
        .pm(&["pm_card_bypassPendingInternational"]).tok(&["tok_bypassPendingInternational"]),
    // --- Regulatory (SCA) cards -----------------------------------------------------------------
    card("4000002500003155", Visa, Credit, "FR", auth(AuthRule::RequiredUnlessSetUp, OK))
        .pm(&["pm_card_authenticationRequiredOnSetup"]),
    card("4000002760003184", Visa, Credit, "DE", auth(AuthRule::Always, OK))
        .pm(&["pm_card_authenticationRequired"]),
    card("4000003800000446", Visa, Credit, "IT", auth(AuthRule::OnSessionOnly, OK))
        .pm(&["pm_card_authenticationRequiredSetupForOffSession"]),
    card("4000008260003178", Visa, Credit, "GB",
         auth(AuthRule::RequiredUnlessSetUp, AfterAuth::Declines(INSUFFICIENT_FUNDS)))
        .pm(&["pm_card_authenticationRequiredChargeDeclinedInsufficientFunds"]),
    // --- 3D Secure ----------------------------------------------------------------------------
    card("4000000000003220", Visa, Credit, "IE", three_ds(OK))
        .pm(&["pm_card_threeDSecure2Required"]).tok(&["tok_threeDSecure2Required"]),
    visa("4000008400000027", three_ds(OK)),
    visa("4000000000003063", three_ds(OK)).pm(&["pm_card_threeDSecureRequired"]),
    visa("4000008400001629", three_ds(AfterAuth::Declines(GENERIC_DECLINE)))
        .pm(&["pm_card_threeDSecureRequiredChargeDeclined"]).tok(&["tok_threeDSecureRequiredChargeDeclined"]),
    visa("4000008400001280", three_ds(AfterAuth::LookupFails(THREE_D_SECURE_LOOKUP_FAILED)))
        .pm(&["pm_card_threeDSecureRequiredProcessingError"]).tok(&["tok_threeDSecureRequiredProcessingError"]),
    visa("4000000000003055", Behavior::ThreeDSecureOptional { lookup_error: false })
        .pm(&["pm_card_threeDSecureOptional"]).tok(&["tok_threeDSecureOptional"]),
    visa("4000000000003097", Behavior::ThreeDSecureOptional { lookup_error: true })
        .pm(&["pm_card_threeDSecureOptionalProcessingError"]).tok(&["tok_threeDSecureOptionalProcessingError"]),
    visa("4000000032200000",
         Behavior::Authentication { rule: AuthRule::Always, flow: AuthFlow::Frictionless, then: OK }),
    // Mobile challenge-UI cards: in browsers and API calls they are plain 3DS-required cards.
    card("4000582600000094", Visa, Credit, "GB", auth(AuthRule::Always, OK)),
    card("4000582600000045", Visa, Credit, "GB", auth(AuthRule::Always, OK)),
    card("4000582600000102", Visa, Credit, "GB", auth(AuthRule::Always, OK)),
    card("4000582600000110", Visa, Credit, "GB", auth(AuthRule::Always, OK)),
    visa("4000000000003238", three_ds(OK)),
    visa("4000000000003246", three_ds(OK)),
    visa("4000000000003253", three_ds(OK)),
];
