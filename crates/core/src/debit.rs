//! What the simulated banks do with a debit that settles later (issue #24), and when.
//!
//! A SEPA or ACH payment is `processing` from its confirmation until the bank answers; the
//! answer is recognised from the payment method's rendered fields (Stripe's test IBANs and
//! test account numbers), and arrives after a delay that depends on the server's
//! [`SettleSpeed`]. The same goes for the refunds of the test cards whose refunds behave
//! asynchronously ([`crate::card::RefundBehavior`]).

use crate::Timestamp;
use crate::payment_method::{PaymentMethod, PaymentMethodType, bank::TEST_ROUTING_NUMBER};

/// Why a debit failed: the charge's `failure_code` and `failure_message`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DebitFailure {
    pub code: &'static str,
    pub message: &'static str,
}

/// What the bank answers to a debit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DebitOutcome {
    Succeeds,
    Fails(DebitFailure),
}

/// When the bank answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timing {
    /// The test numbers Stripe documents as settling (they still go through `processing`).
    Soon,
    /// Stripe's "after at least three minutes" test IBANs.
    Late,
}

/// A debit's fate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settlement {
    pub outcome: DebitOutcome,
    pub timing: Timing,
}

const INSUFFICIENT_FUNDS: DebitFailure = DebitFailure {
    code: "insufficient_funds",
    message: "The customer's account has insufficient funds to cover this payment.",
};
const ACCOUNT_CLOSED: DebitFailure = DebitFailure {
    code: "account_closed",
    message: "The customer's bank account has been closed.",
};
const NO_ACCOUNT: DebitFailure = DebitFailure {
    code: "no_account",
    message: "The customer's bank account could not be located.",
};
const DEBIT_NOT_AUTHORIZED: DebitFailure = DebitFailure {
    code: "debit_not_authorized",
    message: "The customer has notified their bank that this payment was unauthorized.",
};
const INVALID_CURRENCY: DebitFailure = DebitFailure {
    code: "invalid_currency",
    message: "The bank was unable to process this payment because of its currency.",
};

/// Stripe's German test IBANs (bank code 37040044), by last four digits.
/// `3002` is "succeeds, then disputed": Tender simulates no disputes, so it succeeds.
const SEPA_TEST_IBANS: &[(&str, DebitOutcome, Timing)] = &[
    ("3000", DebitOutcome::Succeeds, Timing::Soon),
    (
        "3001",
        DebitOutcome::Fails(INSUFFICIENT_FUNDS),
        Timing::Soon,
    ),
    ("3002", DebitOutcome::Succeeds, Timing::Soon),
    ("3003", DebitOutcome::Succeeds, Timing::Late),
    (
        "3004",
        DebitOutcome::Fails(INSUFFICIENT_FUNDS),
        Timing::Late,
    ),
];

/// Stripe's ACH test accounts at routing number 110000000, by last four digits.
/// `5559` is "succeeds, then disputed": it succeeds.
const ACH_TEST_ACCOUNTS: &[(&str, DebitOutcome)] = &[
    ("6789", DebitOutcome::Succeeds),
    ("1113", DebitOutcome::Fails(ACCOUNT_CLOSED)),
    ("1116", DebitOutcome::Fails(NO_ACCOUNT)),
    ("2227", DebitOutcome::Fails(INSUFFICIENT_FUNDS)),
    ("3335", DebitOutcome::Fails(DEBIT_NOT_AUTHORIZED)),
    ("4440", DebitOutcome::Fails(INVALID_CURRENCY)),
    ("5559", DebitOutcome::Succeeds),
];

/// Whether payments with this type settle later (are `processing` first).
pub fn settles_later(kind: PaymentMethodType) -> bool {
    matches!(
        kind,
        PaymentMethodType::SepaDebit | PaymentMethodType::UsBankAccount
    )
}

/// What the bank does with a debit of `pm`; `None` for a payment method that is no debit.
/// Any other valid account succeeds soon.
pub fn settlement_of(pm: &PaymentMethod) -> Option<Settlement> {
    let soon = |outcome| Settlement {
        outcome,
        timing: Timing::Soon,
    };
    if let Some(sepa) = &pm.sepa_debit {
        let test =
            sepa.country.as_deref() == Some("DE") && sepa.bank_code.as_deref() == Some("37040044");
        let found = SEPA_TEST_IBANS
            .iter()
            .find(|(last4, _, _)| test && *last4 == sepa.last4);
        return Some(match found {
            Some((_, outcome, timing)) => Settlement {
                outcome: *outcome,
                timing: *timing,
            },
            None => soon(DebitOutcome::Succeeds),
        });
    }
    if let Some(ach) = &pm.us_bank_account {
        let test = ach.routing_number == TEST_ROUTING_NUMBER;
        let found = ACH_TEST_ACCOUNTS
            .iter()
            .find(|(last4, _)| test && *last4 == ach.last4);
        return Some(soon(found.map_or(DebitOutcome::Succeeds, |(_, o)| *o)));
    }
    None
}

/// How long "later" is: `tender serve --settle stripe|fast`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SettleSpeed {
    /// Stripe's test-mode delays (decision 23).
    #[default]
    Stripe,
    /// A few seconds, for development and test suites.
    Fast,
}

impl SettleSpeed {
    pub fn parse(value: &str) -> Option<SettleSpeed> {
        match value {
            "stripe" => Some(SettleSpeed::Stripe),
            "fast" => Some(SettleSpeed::Fast),
            _ => None,
        }
    }

    /// Seconds from a debit's confirmation to the bank's answer.
    pub fn debit_delay(self, timing: Timing) -> Timestamp {
        match (self, timing) {
            (SettleSpeed::Stripe, Timing::Soon) => 5,
            (SettleSpeed::Stripe, Timing::Late) => 180,
            (SettleSpeed::Fast, Timing::Soon) => 1,
            (SettleSpeed::Fast, Timing::Late) => 3,
        }
    }

    /// Seconds from a refund of an asynchronous-refund test card to its later outcome.
    pub fn refund_delay(self) -> Timestamp {
        match self {
            SettleSpeed::Stripe => 60,
            SettleSpeed::Fast => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_is_seconds_and_stripe_keeps_the_three_minutes() {
        assert_eq!(SettleSpeed::Stripe.debit_delay(Timing::Late), 180);
        assert!(SettleSpeed::Stripe.debit_delay(Timing::Soon) < 180);
        for timing in [Timing::Soon, Timing::Late] {
            assert!(SettleSpeed::Fast.debit_delay(timing) <= 5);
        }
        assert!(SettleSpeed::Fast.refund_delay() <= 5);
        assert_eq!(SettleSpeed::parse("fast"), Some(SettleSpeed::Fast));
        assert_eq!(SettleSpeed::parse("stripe"), Some(SettleSpeed::Stripe));
        assert_eq!(SettleSpeed::parse("slow"), None);
    }

    #[test]
    fn only_bank_debits_settle_later() {
        assert!(settles_later(PaymentMethodType::SepaDebit));
        assert!(settles_later(PaymentMethodType::UsBankAccount));
        assert!(!settles_later(PaymentMethodType::Card));
        assert!(!settles_later(PaymentMethodType::Ideal));
    }
}
