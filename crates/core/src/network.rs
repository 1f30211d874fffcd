//! The simulated card network: given a card's [`Behavior`] and the circumstances of an
//! attempt, it answers as Stripe's test mode does. Pure and deterministic, so every
//! confirmation can be decided — and re-decided after a lost race — without side effects.

use crate::card::{
    AUTHENTICATION_REQUIRED, AfterAuth, AuthFlow, AuthRule, Behavior, CheckResult, Decline,
    INCORRECT_CVC, RiskLevel,
};

/// When the merchant asks for 3D Secure (`payment_method_options[card][request_three_d_secure]`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RequestThreeDSecure {
    /// Radar decides: only cards that require it are challenged.
    #[default]
    Automatic,
    /// Authenticate whenever the card supports 3D Secure.
    Any,
    /// Always challenge when supported.
    Challenge,
}

/// One attempt to authorize a card payment (or verify a card for a SetupIntent).
#[derive(Clone, Copy, Debug)]
pub struct Attempt {
    pub behavior: Behavior,
    /// The customer is not present (`off_session=true`).
    pub off_session: bool,
    /// The card was set up for off-session use by a SetupIntent or `setup_future_usage`.
    pub set_up_for_off_session: bool,
    /// The customer completed authentication for this attempt.
    pub authenticated: bool,
    /// The payment method's CVC check failed (the CVC-fail test card given a CVC).
    pub cvc_check_failed: bool,
    pub request_three_d_secure: RequestThreeDSecure,
}

/// The network's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Approved {
        risk_level: RiskLevel,
        risk_score: i64,
    },
    Declined(Decline),
    /// The customer must authenticate before the attempt can go on.
    AuthenticationRequired(AuthFlow),
}

/// Something that can authorize card payments: the test network today, real processors later.
pub trait Processor {
    fn authorize(&self, attempt: &Attempt) -> Answer;
}

/// Stripe's test-mode card network.
#[derive(Clone, Copy, Debug, Default)]
pub struct TestNetwork;

const NORMAL: Answer = Answer::Approved {
    risk_level: RiskLevel::Normal,
    risk_score: 12,
};

impl Processor for TestNetwork {
    fn authorize(&self, attempt: &Attempt) -> Answer {
        if attempt.cvc_check_failed {
            // Stripe's default Radar rule blocks payments whose CVC check fails.
            return Answer::Declined(INCORRECT_CVC);
        }
        match attempt.behavior {
            Behavior::Declines(decline)
            | Behavior::ChargeFails(decline)
            | Behavior::Blocked(decline) => Answer::Declined(decline),
            Behavior::ElevatedRisk => Answer::Approved {
                risk_level: RiskLevel::Elevated,
                risk_score: 67,
            },
            Behavior::Checks { risk_level, .. } => Answer::Approved {
                risk_level,
                risk_score: score(risk_level),
            },
            Behavior::Authentication { rule, flow, then } => {
                authenticate(attempt, rule, flow, then)
            }
            Behavior::ThreeDSecureOptional { lookup_error } => {
                if requested(attempt) && !lookup_error {
                    Answer::AuthenticationRequired(AuthFlow::Challenge)
                } else {
                    NORMAL
                }
            }
            Behavior::Succeeds
            | Behavior::ThreeDSecureNotSupported
            | Behavior::Disputed(_)
            | Behavior::EarlyFraudWarning
            | Behavior::Refunds(_)
            | Behavior::BypassPendingBalance => NORMAL,
        }
    }
}

/// The merchant asked for 3DS on an on-session attempt that has not authenticated yet.
fn requested(attempt: &Attempt) -> bool {
    !attempt.authenticated
        && !attempt.off_session
        && attempt.request_three_d_secure != RequestThreeDSecure::Automatic
}

fn authenticate(attempt: &Attempt, rule: AuthRule, flow: AuthFlow, then: AfterAuth) -> Answer {
    if let AfterAuth::LookupFails(decline) = then {
        return Answer::Declined(decline);
    }
    let exempt = match rule {
        AuthRule::RequiredUnlessSetUp => attempt.off_session && attempt.set_up_for_off_session,
        AuthRule::OnSessionOnly => attempt.off_session,
        AuthRule::Always | AuthRule::ThreeDSecureRequired => false,
    };
    if attempt.authenticated || exempt {
        return match then {
            AfterAuth::Succeeds => NORMAL,
            AfterAuth::Declines(decline) | AfterAuth::LookupFails(decline) => {
                Answer::Declined(decline)
            }
        };
    }
    if attempt.off_session {
        // Nobody is there to authenticate: the issuer refuses.
        return Answer::Declined(AUTHENTICATION_REQUIRED);
    }
    Answer::AuthenticationRequired(flow)
}

fn score(risk_level: RiskLevel) -> i64 {
    match risk_level {
        RiskLevel::Normal => 12,
        RiskLevel::Elevated => 67,
        RiskLevel::Highest => 92,
    }
}

/// Whether a payment method's checks make the network refuse it.
pub fn cvc_failed(cvc_check: Option<CheckResult>) -> bool {
    cvc_check == Some(CheckResult::Fail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::{self, INSUFFICIENT_FUNDS};

    fn attempt(number: &str) -> Attempt {
        Attempt {
            behavior: card::lookup_number(number).behavior,
            off_session: false,
            set_up_for_off_session: false,
            authenticated: false,
            cvc_check_failed: false,
            request_three_d_secure: RequestThreeDSecure::Automatic,
        }
    }

    #[test]
    fn success_and_declines() {
        assert_eq!(TestNetwork.authorize(&attempt("4242424242424242")), NORMAL);
        let Answer::Declined(decline) = TestNetwork.authorize(&attempt("4000000000009995")) else {
            panic!("insufficient funds card must decline");
        };
        assert_eq!(decline, INSUFFICIENT_FUNDS);
        let blocked = TestNetwork.authorize(&attempt("4100000000000019"));
        assert!(matches!(blocked, Answer::Declined(d) if d.decline_code == Some("fraudulent")));
    }

    #[test]
    fn three_d_secure_required_then_authenticated() {
        let mut a = attempt("4000002500003155");
        assert_eq!(
            TestNetwork.authorize(&a),
            Answer::AuthenticationRequired(AuthFlow::Challenge)
        );
        a.authenticated = true;
        assert_eq!(TestNetwork.authorize(&a), NORMAL);
    }

    #[test]
    fn off_session_rules_of_the_regulatory_cards() {
        let mut unless_set_up = attempt("4000002500003155");
        unless_set_up.off_session = true;
        assert_eq!(
            TestNetwork.authorize(&unless_set_up),
            Answer::Declined(AUTHENTICATION_REQUIRED)
        );
        unless_set_up.set_up_for_off_session = true;
        assert_eq!(TestNetwork.authorize(&unless_set_up), NORMAL);

        let mut always = attempt("4000002760003184");
        always.off_session = true;
        always.set_up_for_off_session = true;
        assert_eq!(
            TestNetwork.authorize(&always),
            Answer::Declined(AUTHENTICATION_REQUIRED)
        );

        let mut already = attempt("4000003800000446");
        already.off_session = true;
        assert_eq!(TestNetwork.authorize(&already), NORMAL);
    }

    #[test]
    fn declined_after_authentication() {
        let mut a = attempt("4000008400001629");
        assert!(matches!(
            TestNetwork.authorize(&a),
            Answer::AuthenticationRequired(_)
        ));
        a.authenticated = true;
        assert!(
            matches!(TestNetwork.authorize(&a), Answer::Declined(d) if d.code == "card_declined")
        );
    }

    #[test]
    fn requested_three_d_secure_challenges_supported_cards() {
        let mut a = attempt("4000000000003055");
        assert_eq!(TestNetwork.authorize(&a), NORMAL);
        a.request_three_d_secure = RequestThreeDSecure::Any;
        assert_eq!(
            TestNetwork.authorize(&a),
            Answer::AuthenticationRequired(AuthFlow::Challenge)
        );
    }

    #[test]
    fn failed_cvc_check_declines() {
        let mut a = attempt("4242424242424242");
        a.cvc_check_failed = true;
        assert_eq!(TestNetwork.authorize(&a), Answer::Declined(INCORRECT_CVC));
    }
}
