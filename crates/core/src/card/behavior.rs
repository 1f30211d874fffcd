//! What the simulated card network does with a card: the [`Behavior`] of each test card.
//!
//! This is data, not logic: the payments engine matches on it to decide an attempt's outcome.
//! Codes, decline codes, params, advice codes and messages are Stripe's (spec §2 and §8);
//! where the spec marks a value as unverified the doc comment says so.

use serde::{Deserialize, Serialize};
use tender_wire::ApiError;

/// What the network does with a card, for every kind of use (attach, SetupIntent, charge,
/// refund, dispute).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behavior {
    /// Every use succeeds. 3D Secure is supported but the card is not enrolled: even when
    /// 3DS is requested, the customer is never challenged (Stripe's `attempt_acknowledged`).
    Succeeds,
    /// The issuer refuses every use, including attaching to a customer and SetupIntent
    /// verification ("You can't attach cards that simulate issuer declines").
    Declines(Decline),
    /// Attaching and setting up succeed; every charge is declined (4000000000000341).
    ChargeFails(Decline),
    /// Radar blocks every charge and SetupIntent with `outcome.type = blocked`. A plain attach
    /// succeeds: Radar only evaluates Charges, PaymentIntents and SetupIntents.
    Blocked(Decline),
    /// Succeeds with `risk_level: elevated` (Radar might queue it for review).
    ElevatedRisk,
    /// Address and CVC checks have these results when the value is provided (a check on an
    /// omitted value is `null`). Stripe's default Radar rules block a charge whose CVC check
    /// fails, with [`INCORRECT_CVC`]; failed address checks do not block by default.
    Checks {
        cvc: CheckResult,
        address_line1: CheckResult,
        address_postal_code: CheckResult,
        risk_level: RiskLevel,
    },
    /// Payments and setups need customer authentication per `rule`, shown as `flow`; once
    /// authenticated (or exempt under `rule`), `then` decides the outcome.
    Authentication {
        rule: AuthRule,
        flow: AuthFlow,
        then: AfterAuth,
    },
    /// 3D Secure is supported but not required; Radar does not request it by default. If
    /// the merchant requests it (`request_three_d_secure`), the customer is challenged —
    /// unless `lookup_error`, where the attempt errors and Stripe completes the payment
    /// without authentication (Stripe makes "a final attempt to complete the payment
    /// without" 3DS when it cannot be initiated).
    ThreeDSecureOptional { lookup_error: bool },
    /// 3D Secure cannot be invoked; intents proceed without authentication, and the payment
    /// method shows `three_d_secure_usage.supported: false`.
    ThreeDSecureNotSupported,
    /// The charge succeeds, then is disputed.
    Disputed(DisputeKind),
    /// The charge succeeds, then receives an early fraud warning.
    EarlyFraudWarning,
    /// The charge succeeds; refunds of it behave asynchronously.
    Refunds(RefundBehavior),
    /// The charge succeeds and its funds go straight to the available balance.
    BypassPendingBalance,
}

impl Behavior {
    /// The CVC check result when a CVC was provided.
    pub fn cvc_check(&self) -> CheckResult {
        match self {
            Behavior::Checks { cvc, .. } => *cvc,
            _ => CheckResult::Pass,
        }
    }

    /// The address line 1 check result when `address.line1` was provided.
    pub fn address_line1_check(&self) -> CheckResult {
        match self {
            Behavior::Checks { address_line1, .. } => *address_line1,
            _ => CheckResult::Pass,
        }
    }

    /// The postal code check result when `address.postal_code` was provided.
    pub fn address_postal_code_check(&self) -> CheckResult {
        match self {
            Behavior::Checks {
                address_postal_code,
                ..
            } => *address_postal_code,
            _ => CheckResult::Pass,
        }
    }

    /// The Radar risk level of a charge with this card.
    pub fn risk_level(&self) -> RiskLevel {
        match self {
            Behavior::Declines(d) | Behavior::ChargeFails(d) | Behavior::Blocked(d) => d.risk_level,
            Behavior::ElevatedRisk => RiskLevel::Elevated,
            Behavior::Checks { risk_level, .. } => *risk_level,
            _ => RiskLevel::Normal,
        }
    }

    /// `card.three_d_secure_usage.supported` of a payment method with this card.
    pub fn three_d_secure_supported(&self) -> bool {
        !matches!(self, Behavior::ThreeDSecureNotSupported)
    }

    /// The decline that verification (attach, SetupIntent) meets, if any. Authentication
    /// and Radar are the engine's business; this is only the issuer's refusal.
    pub fn verification_decline(&self) -> Option<Decline> {
        match self {
            Behavior::Declines(decline) => Some(*decline),
            _ => None,
        }
    }
}

/// When a card asks for customer authentication (the regulatory and 3DS test cards).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthRule {
    /// 4000002500003155: on-session payments and setups always need authentication;
    /// off-session payments need it unless the card was set up for future use (SetupIntent
    /// or `setup_future_usage`).
    RequiredUnlessSetUp,
    /// 4000002760003184: every payment and setup, even after set-up. An off-session payment
    /// fails with [`AUTHENTICATION_REQUIRED`].
    Always,
    /// 4000003800000446 ("already set up"): on-session payments need authentication;
    /// off-session payments succeed as if the card had been set up.
    OnSessionOnly,
    /// The 3DS-required cards (4000000000003220, 4000000000003063, …): Radar requests 3DS by
    /// default and it must be completed; like [`AuthRule::Always`] for off-session use.
    ThreeDSecureRequired,
}

/// How the authentication presents itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthFlow {
    /// The customer must complete a challenge (Tender's hosted page: Complete / Fail).
    Challenge,
    /// Authentication happens without customer interaction and succeeds (4000000032200000).
    Frictionless,
}

/// What happens once authentication succeeded, or was not needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterAuth {
    Succeeds,
    /// The issuer declines anyway (4000008400001629: `card_declined`; 4000008260003178:
    /// `insufficient_funds`, even when exempt as set up).
    Declines(Decline),
    /// The 3DS lookup fails before any challenge and the payment is declined
    /// (4000008400001280).
    LookupFails(Decline),
}

/// A refusal by the issuer or by Radar, as Stripe reports it in a `card_error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decline {
    pub code: &'static str,
    pub decline_code: Option<&'static str>,
    pub param: Option<&'static str>,
    pub advice_code: Option<&'static str>,
    pub message: &'static str,
    /// The charge's `outcome.type`.
    pub outcome: OutcomeType,
    /// The charge's `outcome.risk_level`.
    pub risk_level: RiskLevel,
}

impl Decline {
    /// The 402 `card_error` for this decline; the caller embeds the intent, charge and
    /// payment method as the request requires.
    pub fn to_error(&self) -> ApiError {
        let mut error = ApiError::card(self.code, self.message);
        error.decline_code = self.decline_code.map(str::to_owned);
        error.advice_code = self.advice_code.map(str::to_owned);
        error.param = self.param.map(str::to_owned);
        error
    }
}

/// `outcome.type` of a failed charge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeType {
    IssuerDeclined,
    Blocked,
}

/// Radar's `risk_level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Normal,
    Elevated,
    Highest,
}

/// A card check's result, as in `card.checks` and `payment_method_details.card.checks`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    Pass,
    Fail,
    Unavailable,
    Unchecked,
}

/// The dispute a dispute test card receives after its charge succeeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisputeKind {
    Fraudulent,
    ProductNotReceived,
    Inquiry,
    Multiple,
    VisaCompellingEvidence3,
    VisaCompliance,
    MastercardCompliance,
    SmartDisputes,
    /// Prevented by Visa RDR when enrolled in Dispute Resolution; otherwise a dispute.
    RapidDisputeResolution,
    /// Blocked by CE 3.0 when enrolled in Dispute Deflection; otherwise a dispute.
    Ce3Block,
    /// Prevented by an Ethoca alert when enrolled in Dispute Resolution; otherwise a dispute.
    EthocaAlert,
}

/// How refunds of a charge behave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefundBehavior {
    /// The refund starts `pending`, later `succeeded` (`refund.updated`).
    PendingThenSucceeds,
    /// The refund starts `succeeded`, later `failed` (`refund.failed`).
    SucceedsThenFails,
}

const fn issuer(
    code: &'static str,
    decline_code: &'static str,
    param: Option<&'static str>,
    advice_code: Option<&'static str>,
    message: &'static str,
) -> Decline {
    Decline {
        code,
        decline_code: Some(decline_code),
        param,
        advice_code,
        message,
        outcome: OutcomeType::IssuerDeclined,
        risk_level: RiskLevel::Normal,
    }
}

const DECLINED: &str = "Your card was declined.";

/// 4000000000000002 [OBS].
pub const GENERIC_DECLINE: Decline = issuer(
    "card_declined",
    "generic_decline",
    None,
    Some("try_again_later"),
    DECLINED,
);
/// 4000000000009995 [OBS].
pub const INSUFFICIENT_FUNDS: Decline = issuer(
    "card_declined",
    "insufficient_funds",
    None,
    Some("try_again_later"),
    "Your card has insufficient funds.",
);
/// 4000000000009987 [OBS].
pub const LOST_CARD: Decline = issuer(
    "card_declined",
    "lost_card",
    None,
    Some("do_not_try_again"),
    DECLINED,
);
/// 4000000000009979 [OBS].
pub const STOLEN_CARD: Decline = issuer(
    "card_declined",
    "stolen_card",
    None,
    Some("do_not_try_again"),
    DECLINED,
);
/// 4000000000000069 [OBS]: `param` is `exp_month`.
pub const EXPIRED_CARD: Decline = issuer(
    "expired_card",
    "expired_card",
    Some("exp_month"),
    Some("confirm_card_data"),
    "Your card has expired.",
);
/// 4000000000000127 [OBS], and a failed CVC check blocked by the default Radar rule.
pub const INCORRECT_CVC: Decline = issuer(
    "incorrect_cvc",
    "incorrect_cvc",
    Some("cvc"),
    Some("confirm_card_data"),
    "Your card's security code is incorrect.",
);
/// 4000000000000119 [OBS].
pub const PROCESSING_ERROR: Decline = issuer(
    "processing_error",
    "processing_error",
    None,
    Some("try_again_later"),
    "An error occurred while processing your card. Try again in a little bit.",
);
/// 4000000000006975. Codes per Stripe's table; the advice code is unverified.
pub const VELOCITY_EXCEEDED: Decline = issuer(
    "card_declined",
    "card_velocity_exceeded",
    None,
    Some("try_again_later"),
    "Your card was declined for making repeated attempts too frequently or exceeding its amount \
     limit.",
);
/// Radar's block (4100000000000019 always; 4000000000004954 under the default
/// "block if risk level is highest" rule): `fraudulent`, no advice code [OBS].
pub const RADAR_BLOCKED: Decline = Decline {
    code: "card_declined",
    decline_code: Some("fraudulent"),
    param: None,
    advice_code: None,
    message: DECLINED,
    outcome: OutcomeType::Blocked,
    risk_level: RiskLevel::Highest,
};
/// 4000008400001280: the 3DS lookup fails and the payment is declined with `card_declined`
/// (Stripe's docs); the decline code is unverified.
pub const THREE_D_SECURE_LOOKUP_FAILED: Decline = issuer(
    "card_declined",
    "generic_decline",
    None,
    Some("try_again_later"),
    DECLINED,
);
/// An off-session payment with a card that needs authentication [OBS codes; message K].
pub const AUTHENTICATION_REQUIRED: Decline = issuer(
    "authentication_required",
    "authentication_required",
    None,
    None,
    "Your card was declined. This transaction requires authentication.",
);
/// `error_on_requires_action=true` with a card that needs authentication [OBS codes].
pub const AUTHENTICATION_NOT_HANDLED: Decline = issuer(
    "authentication_required",
    "authentication_not_handled",
    None,
    None,
    "This payment required an authentication action to complete, but `error_on_requires_action` \
     was set. When you're ready, you can upgrade your integration to handle actions at \
     https://stripe.com/docs/payments/payment-intents/upgrade-to-handle-actions.",
);
/// Any number outside the test card table: test mode refuses real cards.
pub const TEST_MODE_LIVE_CARD: Decline = issuer(
    "card_declined",
    "test_mode_live_card",
    None,
    None,
    "Your card was declined. Your request was in test mode, but used a non test card. For a list \
     of valid test cards, visit: https://stripe.com/docs/testing.",
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declines_become_card_errors() {
        let err = EXPIRED_CARD.to_error();
        assert_eq!(err.status, 402);
        assert_eq!(err.error_type.as_str(), "card_error");
        assert_eq!(err.code.as_deref(), Some("expired_card"));
        assert_eq!(err.decline_code.as_deref(), Some("expired_card"));
        assert_eq!(err.param.as_deref(), Some("exp_month"));
        assert_eq!(err.advice_code.as_deref(), Some("confirm_card_data"));
        assert_eq!(err.message, "Your card has expired.");

        let err = RADAR_BLOCKED.to_error();
        assert_eq!(err.advice_code, None);
        assert_eq!(err.param, None);
    }

    #[test]
    fn checks_default_to_pass() {
        assert_eq!(Behavior::Succeeds.cvc_check(), CheckResult::Pass);
        let avs = Behavior::Checks {
            cvc: CheckResult::Pass,
            address_line1: CheckResult::Fail,
            address_postal_code: CheckResult::Unavailable,
            risk_level: RiskLevel::Elevated,
        };
        assert_eq!(avs.address_line1_check(), CheckResult::Fail);
        assert_eq!(avs.address_postal_code_check(), CheckResult::Unavailable);
        assert_eq!(avs.risk_level(), RiskLevel::Elevated);
        assert!(!Behavior::ThreeDSecureNotSupported.three_d_secure_supported());
        assert_eq!(
            Behavior::Declines(LOST_CARD).verification_decline(),
            Some(LOST_CARD)
        );
        assert_eq!(
            Behavior::ChargeFails(GENERIC_DECLINE).verification_decline(),
            None
        );
    }
}
