//! Refunds whose outcome comes later (issue #24): Stripe's test cards `4000000000007726`
//! (the refund is `pending`, then `succeeded`) and `4000000000005126` (`succeeded`, then
//! `failed`). The refund is made as usual; the server schedules its later step, which
//! [`later`] decides from the refund's current state, so a step run twice changes nothing.

use crate::card::{self, Behavior, RefundBehavior};
use crate::charge::Charge;
use crate::event_kind::EventKind;
use crate::refund::{Refund, RefundStatus};

/// Why an asynchronously failing test refund failed.
const FAILURE_REASON: &str = "expired_or_canceled_card";

/// How refunds of `charge` behave, when its card is one of the asynchronous-refund test
/// cards; `account_secret` is the one its fingerprint was made with.
pub fn refund_behavior(charge: &Charge, account_secret: &[u8]) -> Option<RefundBehavior> {
    let card = charge.payment_method_details.card.as_ref()?;
    match card::behavior_of_stored_card(account_secret, &card.last4, &card.fingerprint) {
        Behavior::Refunds(behavior) => Some(behavior),
        _ => None,
    }
}

/// A new refund of a card whose refunds behave as `behavior`: the pending one starts
/// `pending` (the charge's `amount_refunded` already counts it, as on Stripe).
pub fn start(refund: &mut Refund, behavior: RefundBehavior) {
    if behavior == RefundBehavior::PendingThenSucceeds {
        refund.status = RefundStatus::Pending;
        refund.pending_reason = Some("processing".to_owned());
    }
}

/// The later step of a refund of `charge`: the refund and charge after it, and the events
/// (about the refund) it emits; `None` when the refund is not waiting for one.
pub fn later(
    refund: &Refund,
    charge: &Charge,
    behavior: RefundBehavior,
) -> Option<(Refund, Charge, Vec<EventKind>)> {
    let mut refund = refund.clone();
    let mut charge = charge.clone();
    match (behavior, refund.status) {
        (RefundBehavior::PendingThenSucceeds, RefundStatus::Pending) => {
            refund.status = RefundStatus::Succeeded;
            refund.pending_reason = None;
            Some((
                refund,
                charge,
                vec![EventKind::RefundUpdated, EventKind::ChargeRefundUpdated],
            ))
        }
        (RefundBehavior::SucceedsThenFails, RefundStatus::Succeeded) => {
            refund.status = RefundStatus::Failed;
            refund.failure_reason = Some(FAILURE_REASON.to_owned());
            // The money comes back: the charge can be refunded again.
            charge.amount_refunded = (charge.amount_refunded - refund.amount).max(0);
            charge.refunded = charge.amount_refunded >= charge.amount;
            Some((
                refund,
                charge,
                vec![
                    EventKind::RefundUpdated,
                    EventKind::RefundFailed,
                    EventKind::ChargeRefundUpdated,
                ],
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::charge::{AttemptResult, ChargeAttempt};
    use crate::payment_method::PaymentMethod;
    use crate::refund::RefundCreate;
    use tender_wire::{Metadata, Params};

    const SECRET: &[u8] = b"k";

    fn charge(pm_id: &str) -> Charge {
        let test = card::lookup_test_payment_method(pm_id).unwrap();
        let pm = PaymentMethod::from_test_payment_method("pm_1".into(), test, SECRET, 100);
        Charge::for_attempt(
            "ch_1".into(),
            &ChargeAttempt {
                payment_intent: "pi_1",
                payment_method: &pm,
                customer: None,
                amount: 1000,
                currency: "usd",
                capture: true,
                result: AttemptResult::Approved {
                    risk_level: card::RiskLevel::Normal,
                    risk_score: 10,
                },
                three_d_secure: None,
                description: None,
                receipt_email: None,
                shipping: None,
                statement_descriptor: None,
                statement_descriptor_suffix: None,
                metadata: &Metadata::new(),
            },
            100,
        )
    }

    fn refund(charge: &mut Charge) -> Refund {
        let mut p = Params::from_form(b"").unwrap();
        let params = RefundCreate::take(&mut p).unwrap();
        Refund::create("re_1".into(), charge, &params, 200).unwrap()
    }

    #[test]
    fn a_pending_refund_succeeds_later_once() {
        let mut charge = charge("pm_card_pendingRefund");
        let behavior = refund_behavior(&charge, SECRET).unwrap();
        assert_eq!(behavior, RefundBehavior::PendingThenSucceeds);
        let mut refund = refund(&mut charge);
        start(&mut refund, behavior);
        assert_eq!(refund.status, RefundStatus::Pending);
        let (done, charge, events) = later(&refund, &charge, behavior).unwrap();
        assert_eq!(done.status, RefundStatus::Succeeded);
        assert_eq!(done.pending_reason, None);
        assert_eq!(charge.amount_refunded, 1000);
        assert_eq!(
            events,
            vec![EventKind::RefundUpdated, EventKind::ChargeRefundUpdated]
        );
        assert!(later(&done, &charge, behavior).is_none());
    }

    #[test]
    fn a_failing_refund_fails_later_and_gives_the_amount_back() {
        let mut charge = charge("pm_card_refundFail");
        let behavior = refund_behavior(&charge, SECRET).unwrap();
        let mut refund = refund(&mut charge);
        start(&mut refund, behavior);
        assert_eq!(refund.status, RefundStatus::Succeeded);
        assert!(charge.refunded);
        let (failed, charge, events) = later(&refund, &charge, behavior).unwrap();
        assert_eq!(failed.status, RefundStatus::Failed);
        assert_eq!(failed.failure_reason.as_deref(), Some(FAILURE_REASON));
        assert_eq!(charge.amount_refunded, 0);
        assert!(!charge.refunded);
        assert!(events.contains(&EventKind::RefundFailed));
        assert!(later(&failed, &charge, behavior).is_none());
    }

    #[test]
    fn ordinary_cards_refund_at_once() {
        assert_eq!(refund_behavior(&charge("pm_card_visa"), SECRET), None);
    }
}
