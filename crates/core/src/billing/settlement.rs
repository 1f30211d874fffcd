//! Settlement: what a payment of an invoice's PaymentIntent does to the invoice, its
//! subscription and their events. The confirmation engine decides the PaymentIntent's own
//! transition; when that PaymentIntent pays an invoice, the server asks [`settle`] what else
//! changes and writes it in the same unit of work, so a paid PaymentIntent never sits next
//! to an open invoice.

use crate::Timestamp;
use crate::billing::invoice::{Amounts, InvoiceStatus};
use crate::billing::subscription_status::{
    SubscriptionStatus, after_invoice_paid, after_invoice_payment_failed,
};
use crate::event_kind::EventKind;

/// Where the invoice's PaymentIntent ended up after a confirmation (or `/pay`, or the end of
/// 3D Secure).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentOutcome {
    Succeeded,
    /// Declined: the PaymentIntent is back in `requires_payment_method`.
    Failed,
    /// The customer must authenticate (`requires_action`).
    RequiresAction,
    /// Still running (`processing`): nothing changes yet.
    Processing,
}

/// The invoice as settlement needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceView {
    pub status: InvoiceStatus,
    pub amounts: Amounts,
    /// The subscription's first invoice (`billing_reason: subscription_create`).
    pub first_of_subscription: bool,
}

/// The invoice's subscription as settlement needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscriptionView {
    pub status: SubscriptionStatus,
    pub default_payment_method: Option<String>,
    /// `payment_settings[save_default_payment_method]=on_subscription`.
    pub save_default_payment_method: bool,
}

/// An event settlement emits, in the order the server writes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BillingEvent {
    InvoicePaid,
    InvoicePaymentSucceeded,
    InvoicePaymentPaid,
    InvoicePaymentFailed,
    InvoicePaymentActionRequired,
    InvoiceUpdated,
    SubscriptionUpdated,
}

impl BillingEvent {
    /// The kind of event written.
    pub fn kind(self) -> EventKind {
        match self {
            BillingEvent::InvoicePaid => EventKind::InvoicePaid,
            BillingEvent::InvoicePaymentSucceeded => EventKind::InvoicePaymentSucceeded,
            BillingEvent::InvoicePaymentPaid => EventKind::InvoicePaymentPaid,
            BillingEvent::InvoicePaymentFailed => EventKind::InvoicePaymentFailed,
            BillingEvent::InvoicePaymentActionRequired => EventKind::InvoicePaymentActionRequired,
            BillingEvent::InvoiceUpdated => EventKind::InvoiceUpdated,
            BillingEvent::SubscriptionUpdated => EventKind::CustomerSubscriptionUpdated,
        }
    }

    /// The event's `type`.
    pub fn type_name(self) -> &'static str {
        self.kind().as_str()
    }
}

/// What becomes of the subscription.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscriptionChange {
    pub status: SubscriptionStatus,
    pub default_payment_method: Option<String>,
}

/// Everything a payment outcome changes besides the PaymentIntent. `None` fields change
/// nothing; `events` may be empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settlement {
    pub invoice_status: InvoiceStatus,
    pub amounts: Amounts,
    /// `status_transitions.paid_at` (and the InvoicePayment's), when it is paid now.
    pub paid_at: Option<Timestamp>,
    /// The invoice was attempted (`attempted: true`, `attempt_count + 1`).
    pub attempted: bool,
    /// The subscription's new state, when it changes.
    pub subscription: Option<SubscriptionChange>,
    pub events: Vec<BillingEvent>,
}

impl Settlement {
    /// Nothing changes.
    fn none(invoice: &InvoiceView) -> Settlement {
        Settlement {
            invoice_status: invoice.status,
            amounts: invoice.amounts,
            paid_at: None,
            attempted: false,
            subscription: None,
            events: Vec::new(),
        }
    }

    pub fn changes_anything(&self) -> bool {
        self.attempted || self.paid_at.is_some() || self.subscription.is_some()
    }
}

/// Decides what `outcome` of the invoice's PaymentIntent, paid with `payment_method`, does.
///
/// - Succeeded: the invoice is paid in full (`invoice.paid`, `invoice.payment_succeeded`,
///   `invoice_payment.paid`, `invoice.updated`); its subscription becomes active (unless it
///   is a trial or has ended) and, with `save_default_payment_method=on_subscription`, takes
///   the payment method as its default (`customer.subscription.updated` when either
///   changes).
/// - Failed: the invoice stays open and attempted (`invoice.payment_failed`,
///   `invoice.updated`); a later invoice makes an active subscription `past_due`.
/// - Requires action: the same, with `invoice.payment_action_required`.
/// - Processing, or an invoice no longer payable (paid or void): nothing.
pub fn settle(
    outcome: PaymentOutcome,
    invoice: &InvoiceView,
    subscription: Option<&SubscriptionView>,
    payment_method: Option<&str>,
    now: Timestamp,
) -> Settlement {
    let payable = matches!(
        invoice.status,
        InvoiceStatus::Open | InvoiceStatus::Uncollectible
    );
    if !payable || outcome == PaymentOutcome::Processing {
        return Settlement::none(invoice);
    }
    let mut settlement = Settlement {
        attempted: true,
        ..Settlement::none(invoice)
    };
    let next_subscription = match outcome {
        PaymentOutcome::Succeeded => {
            settlement.invoice_status = InvoiceStatus::Paid;
            settlement.amounts = invoice.amounts.paid_in_full();
            settlement.paid_at = Some(now);
            settlement.events = vec![
                BillingEvent::InvoicePaid,
                BillingEvent::InvoicePaymentSucceeded,
                BillingEvent::InvoicePaymentPaid,
                BillingEvent::InvoiceUpdated,
            ];
            subscription.map(|current| SubscriptionChange {
                status: after_invoice_paid(current.status),
                default_payment_method: match payment_method {
                    Some(method) if current.save_default_payment_method => Some(method.to_owned()),
                    _ => current.default_payment_method.clone(),
                },
            })
        }
        PaymentOutcome::Failed | PaymentOutcome::RequiresAction => {
            let event = if outcome == PaymentOutcome::Failed {
                BillingEvent::InvoicePaymentFailed
            } else {
                BillingEvent::InvoicePaymentActionRequired
            };
            settlement.events = vec![event, BillingEvent::InvoiceUpdated];
            subscription.map(|current| SubscriptionChange {
                status: after_invoice_payment_failed(current.status, invoice.first_of_subscription),
                default_payment_method: current.default_payment_method.clone(),
            })
        }
        PaymentOutcome::Processing => None,
    };
    settlement.subscription = match (next_subscription, subscription) {
        (Some(next), Some(current))
            if next.status != current.status
                || next.default_payment_method != current.default_payment_method =>
        {
            settlement.events.push(BillingEvent::SubscriptionUpdated);
            Some(next)
        }
        _ => None,
    };
    settlement
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = 1_800_000_000;

    fn open_first_invoice() -> InvoiceView {
        InvoiceView {
            status: InvoiceStatus::Open,
            amounts: Amounts::of_lines(&[2000]).unwrap_or_default(),
            first_of_subscription: true,
        }
    }

    /// Settles the open first invoice of `subscription`, paid with `payment_method`.
    fn settle_first(
        outcome: PaymentOutcome,
        subscription: &SubscriptionView,
        payment_method: Option<&str>,
    ) -> Settlement {
        settle(
            outcome,
            &open_first_invoice(),
            Some(subscription),
            payment_method,
            NOW,
        )
    }

    fn incomplete(save_default: bool) -> SubscriptionView {
        SubscriptionView {
            status: SubscriptionStatus::Incomplete,
            default_payment_method: None,
            save_default_payment_method: save_default,
        }
    }

    #[test]
    fn a_success_pays_the_invoice_activates_and_saves_the_default_payment_method() {
        let sub = incomplete(true);
        let settled = settle_first(PaymentOutcome::Succeeded, &sub, Some("pm_1"));
        assert_eq!(settled.invoice_status, InvoiceStatus::Paid);
        assert_eq!(settled.amounts.amount_paid, 2000);
        assert_eq!(settled.amounts.amount_remaining, 0);
        assert_eq!(settled.paid_at, Some(NOW));
        assert!(settled.attempted);
        assert_eq!(
            settled.subscription,
            Some(SubscriptionChange {
                status: SubscriptionStatus::Active,
                default_payment_method: Some("pm_1".into()),
            })
        );
        let types: Vec<_> = settled.events.iter().map(|e| e.type_name()).collect();
        assert_eq!(
            types,
            [
                "invoice.paid",
                "invoice.payment_succeeded",
                "invoice_payment.paid",
                "invoice.updated",
                "customer.subscription.updated"
            ]
        );
    }

    #[test]
    fn without_on_subscription_the_default_payment_method_is_kept() {
        let sub = incomplete(false);
        let settled = settle_first(PaymentOutcome::Succeeded, &sub, Some("pm_1"));
        let change = settled.subscription.unwrap_or(SubscriptionChange {
            status: SubscriptionStatus::Canceled,
            default_payment_method: Some("wrong".into()),
        });
        assert_eq!(change.status, SubscriptionStatus::Active);
        assert_eq!(change.default_payment_method, None);
    }

    #[test]
    fn a_decline_or_3d_secure_leaves_the_invoice_open_and_the_subscription_incomplete() {
        let sub = incomplete(true);
        let failed = settle_first(PaymentOutcome::Failed, &sub, Some("pm_1"));
        assert_eq!(failed.invoice_status, InvoiceStatus::Open);
        assert_eq!(failed.amounts.amount_remaining, 2000);
        assert_eq!((failed.paid_at, failed.attempted), (None, true));
        assert_eq!(failed.subscription, None);
        assert_eq!(
            failed.events,
            [
                BillingEvent::InvoicePaymentFailed,
                BillingEvent::InvoiceUpdated
            ]
        );
        let action = settle_first(PaymentOutcome::RequiresAction, &sub, None);
        assert_eq!(
            action.events[0].type_name(),
            "invoice.payment_action_required"
        );
        assert_eq!(action.invoice_status, InvoiceStatus::Open);
    }

    #[test]
    fn a_later_invoices_failure_makes_an_active_subscription_past_due() {
        let invoice = InvoiceView {
            first_of_subscription: false,
            ..open_first_invoice()
        };
        let sub = SubscriptionView {
            status: SubscriptionStatus::Active,
            ..incomplete(false)
        };
        let failed = settle(PaymentOutcome::Failed, &invoice, Some(&sub), None, NOW);
        assert_eq!(
            failed.subscription.map(|change| change.status),
            Some(SubscriptionStatus::PastDue)
        );
        assert_eq!(
            failed.events.last(),
            Some(&BillingEvent::SubscriptionUpdated)
        );
    }

    #[test]
    fn a_paid_or_void_invoice_and_a_processing_payment_change_nothing() {
        let sub = incomplete(true);
        for status in [
            InvoiceStatus::Paid,
            InvoiceStatus::Void,
            InvoiceStatus::Draft,
        ] {
            let invoice = InvoiceView {
                status,
                ..open_first_invoice()
            };
            let settled = settle(PaymentOutcome::Succeeded, &invoice, Some(&sub), None, NOW);
            assert!(!settled.changes_anything());
            assert!(settled.events.is_empty());
        }
        let processing = settle_first(PaymentOutcome::Processing, &sub, None);
        assert!(!processing.changes_anything());
    }

    #[test]
    fn a_one_off_invoice_is_paid_without_a_subscription_and_a_canceled_one_stays_canceled() {
        let invoice = InvoiceView {
            first_of_subscription: false,
            ..open_first_invoice()
        };
        let settled = settle(PaymentOutcome::Succeeded, &invoice, None, Some("pm_1"), NOW);
        assert_eq!(settled.invoice_status, InvoiceStatus::Paid);
        assert_eq!(settled.subscription, None);
        assert!(!settled.events.contains(&BillingEvent::SubscriptionUpdated));
        let canceled = SubscriptionView {
            status: SubscriptionStatus::Canceled,
            ..incomplete(false)
        };
        let settled = settle(
            PaymentOutcome::Succeeded,
            &invoice,
            Some(&canceled),
            None,
            NOW,
        );
        assert_eq!(settled.invoice_status, InvoiceStatus::Paid);
        assert_eq!(settled.subscription, None);
    }
}
