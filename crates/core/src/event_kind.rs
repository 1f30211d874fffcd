//! The kinds of event Tender emits, as a type: a misspelt kind is a build error, and the
//! list of what Tender emits is this enum (every one is a type Stripe documents, see
//! [`crate::event_types`]).

use std::fmt;

/// One kind of event Tender emits; [`EventKind::as_str`] is its wire `type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    ChargeCaptured,
    ChargeFailed,
    ChargePending,
    ChargeRefunded,
    ChargeRefundUpdated,
    ChargeSucceeded,
    ChargeUpdated,
    CustomerCreated,
    CustomerDeleted,
    CustomerUpdated,
    CustomerSubscriptionCreated,
    CustomerSubscriptionDeleted,
    CustomerSubscriptionTrialWillEnd,
    CustomerSubscriptionUpdated,
    InvoiceCreated,
    InvoiceFinalized,
    InvoiceMarkedUncollectible,
    InvoicePaid,
    InvoicePaymentActionRequired,
    InvoicePaymentFailed,
    InvoicePaymentSucceeded,
    InvoiceUpdated,
    InvoiceVoided,
    InvoicePaymentPaid,
    InvoiceitemCreated,
    InvoiceitemDeleted,
    PaymentIntentAmountCapturableUpdated,
    PaymentIntentCanceled,
    PaymentIntentCreated,
    PaymentIntentPaymentFailed,
    PaymentIntentProcessing,
    PaymentIntentRequiresAction,
    PaymentIntentSucceeded,
    PaymentMethodAttached,
    PaymentMethodDetached,
    PaymentMethodUpdated,
    PriceCreated,
    PriceUpdated,
    ProductCreated,
    ProductDeleted,
    ProductUpdated,
    RefundCreated,
    RefundFailed,
    RefundUpdated,
    SetupIntentCanceled,
    SetupIntentCreated,
    SetupIntentRequiresAction,
    SetupIntentSetupFailed,
    SetupIntentSucceeded,
    TestClockAdvancing,
    TestClockCreated,
    TestClockDeleted,
    TestClockInternalFailure,
    TestClockReady,
}

impl EventKind {
    /// Every kind, in the order above.
    pub const ALL: &[EventKind] = &[
        EventKind::ChargeCaptured,
        EventKind::ChargeFailed,
        EventKind::ChargePending,
        EventKind::ChargeRefunded,
        EventKind::ChargeRefundUpdated,
        EventKind::ChargeSucceeded,
        EventKind::ChargeUpdated,
        EventKind::CustomerCreated,
        EventKind::CustomerDeleted,
        EventKind::CustomerUpdated,
        EventKind::CustomerSubscriptionCreated,
        EventKind::CustomerSubscriptionDeleted,
        EventKind::CustomerSubscriptionTrialWillEnd,
        EventKind::CustomerSubscriptionUpdated,
        EventKind::InvoiceCreated,
        EventKind::InvoiceFinalized,
        EventKind::InvoiceMarkedUncollectible,
        EventKind::InvoicePaid,
        EventKind::InvoicePaymentActionRequired,
        EventKind::InvoicePaymentFailed,
        EventKind::InvoicePaymentSucceeded,
        EventKind::InvoiceUpdated,
        EventKind::InvoiceVoided,
        EventKind::InvoicePaymentPaid,
        EventKind::InvoiceitemCreated,
        EventKind::InvoiceitemDeleted,
        EventKind::PaymentIntentAmountCapturableUpdated,
        EventKind::PaymentIntentCanceled,
        EventKind::PaymentIntentCreated,
        EventKind::PaymentIntentPaymentFailed,
        EventKind::PaymentIntentProcessing,
        EventKind::PaymentIntentRequiresAction,
        EventKind::PaymentIntentSucceeded,
        EventKind::PaymentMethodAttached,
        EventKind::PaymentMethodDetached,
        EventKind::PaymentMethodUpdated,
        EventKind::PriceCreated,
        EventKind::PriceUpdated,
        EventKind::ProductCreated,
        EventKind::ProductDeleted,
        EventKind::ProductUpdated,
        EventKind::RefundCreated,
        EventKind::RefundFailed,
        EventKind::RefundUpdated,
        EventKind::SetupIntentCanceled,
        EventKind::SetupIntentCreated,
        EventKind::SetupIntentRequiresAction,
        EventKind::SetupIntentSetupFailed,
        EventKind::SetupIntentSucceeded,
        EventKind::TestClockAdvancing,
        EventKind::TestClockCreated,
        EventKind::TestClockDeleted,
        EventKind::TestClockInternalFailure,
        EventKind::TestClockReady,
    ];

    /// The event's `type` on the wire (`payment_intent.succeeded`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::ChargeCaptured => "charge.captured",
            EventKind::ChargeFailed => "charge.failed",
            EventKind::ChargePending => "charge.pending",
            EventKind::ChargeRefunded => "charge.refunded",
            EventKind::ChargeRefundUpdated => "charge.refund.updated",
            EventKind::ChargeSucceeded => "charge.succeeded",
            EventKind::ChargeUpdated => "charge.updated",
            EventKind::CustomerCreated => "customer.created",
            EventKind::CustomerDeleted => "customer.deleted",
            EventKind::CustomerUpdated => "customer.updated",
            EventKind::CustomerSubscriptionCreated => "customer.subscription.created",
            EventKind::CustomerSubscriptionDeleted => "customer.subscription.deleted",
            EventKind::CustomerSubscriptionTrialWillEnd => "customer.subscription.trial_will_end",
            EventKind::CustomerSubscriptionUpdated => "customer.subscription.updated",
            EventKind::InvoiceCreated => "invoice.created",
            EventKind::InvoiceFinalized => "invoice.finalized",
            EventKind::InvoiceMarkedUncollectible => "invoice.marked_uncollectible",
            EventKind::InvoicePaid => "invoice.paid",
            EventKind::InvoicePaymentActionRequired => "invoice.payment_action_required",
            EventKind::InvoicePaymentFailed => "invoice.payment_failed",
            EventKind::InvoicePaymentSucceeded => "invoice.payment_succeeded",
            EventKind::InvoiceUpdated => "invoice.updated",
            EventKind::InvoiceVoided => "invoice.voided",
            EventKind::InvoicePaymentPaid => "invoice_payment.paid",
            EventKind::InvoiceitemCreated => "invoiceitem.created",
            EventKind::InvoiceitemDeleted => "invoiceitem.deleted",
            EventKind::PaymentIntentAmountCapturableUpdated => {
                "payment_intent.amount_capturable_updated"
            }
            EventKind::PaymentIntentCanceled => "payment_intent.canceled",
            EventKind::PaymentIntentCreated => "payment_intent.created",
            EventKind::PaymentIntentPaymentFailed => "payment_intent.payment_failed",
            EventKind::PaymentIntentProcessing => "payment_intent.processing",
            EventKind::PaymentIntentRequiresAction => "payment_intent.requires_action",
            EventKind::PaymentIntentSucceeded => "payment_intent.succeeded",
            EventKind::PaymentMethodAttached => "payment_method.attached",
            EventKind::PaymentMethodDetached => "payment_method.detached",
            EventKind::PaymentMethodUpdated => "payment_method.updated",
            EventKind::PriceCreated => "price.created",
            EventKind::PriceUpdated => "price.updated",
            EventKind::ProductCreated => "product.created",
            EventKind::ProductDeleted => "product.deleted",
            EventKind::ProductUpdated => "product.updated",
            EventKind::RefundCreated => "refund.created",
            EventKind::RefundFailed => "refund.failed",
            EventKind::RefundUpdated => "refund.updated",
            EventKind::SetupIntentCanceled => "setup_intent.canceled",
            EventKind::SetupIntentCreated => "setup_intent.created",
            EventKind::SetupIntentRequiresAction => "setup_intent.requires_action",
            EventKind::SetupIntentSetupFailed => "setup_intent.setup_failed",
            EventKind::SetupIntentSucceeded => "setup_intent.succeeded",
            EventKind::TestClockAdvancing => "test_helpers.test_clock.advancing",
            EventKind::TestClockCreated => "test_helpers.test_clock.created",
            EventKind::TestClockDeleted => "test_helpers.test_clock.deleted",
            EventKind::TestClockInternalFailure => "test_helpers.test_clock.internal_failure",
            EventKind::TestClockReady => "test_helpers.test_clock.ready",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event_types;

    #[test]
    fn every_kind_is_a_documented_type_named_once() {
        let mut seen = std::collections::HashSet::new();
        for kind in EventKind::ALL {
            assert!(event_types::is_documented(kind.as_str()), "{kind}");
            assert!(seen.insert(kind.as_str()), "{kind} twice");
        }
        assert_eq!(
            EventKind::PaymentIntentSucceeded.to_string(),
            "payment_intent.succeeded"
        );
        assert_eq!(EventKind::ChargeRefunded.as_str(), "charge.refunded");
    }
}
