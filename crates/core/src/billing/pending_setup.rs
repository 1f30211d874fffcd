//! The subscription's `pending_setup_intent` (billing-spec §2.2, step 6): a subscription created
//! with `payment_behavior=default_incomplete` whose first invoice asks no payment (a trial, a
//! free price) has no PaymentIntent to collect a payment method with, so Stripe makes a
//! SetupIntent for it (`usage: off_session`, the customer's). The front end confirms it
//! (`stripe.confirmSetup` with its client secret, or the server with a ConfirmationToken);
//! once it succeeds the subscription's `pending_setup_intent` is cleared and, under
//! `payment_settings.save_default_payment_method=on_subscription`, its payment method becomes
//! the subscription's default.

use crate::Timestamp;
use crate::billing::subscription::Subscription;
use crate::billing::subscription_status::PaymentBehavior;
use crate::intent::Usage;
use crate::setup_intent::{SetupIntent, payment_method_options};

/// Whether a new subscription gets a pending SetupIntent.
pub fn needs_pending_setup(
    behavior: PaymentBehavior,
    charges_automatically: bool,
    amount_due: i64,
) -> bool {
    behavior == PaymentBehavior::DefaultIncomplete && charges_automatically && amount_due == 0
}

/// The pending SetupIntent of `customer`'s new subscription, for `types` (the subscription's
/// `payment_settings.payment_method_types`, else cards).
pub fn pending_setup_intent(
    id: String,
    client_secret: String,
    customer: &str,
    types: Option<Vec<String>>,
    now: Timestamp,
) -> SetupIntent {
    let mut intent = SetupIntent::new(id, client_secret, now);
    let types = types.unwrap_or_else(|| vec!["card".to_owned()]);
    intent.payment_method_options = payment_method_options(&types, "automatic");
    intent.payment_method_types = types;
    intent.customer = Some(customer.to_owned());
    intent.usage = Usage::OffSession;
    intent
}

/// What the success of SetupIntent `setup_intent` (with `payment_method`) does to the
/// subscription it was made for; false when it no longer waits for that intent.
pub fn complete_pending_setup(
    subscription: &mut Subscription,
    setup_intent: &str,
    payment_method: Option<&str>,
) -> bool {
    if subscription.pending_setup_intent.as_deref() != Some(setup_intent) {
        return false;
    }
    subscription.pending_setup_intent = None;
    if subscription.payment_settings.saves_default_payment_method()
        && let Some(pm) = payment_method
    {
        subscription.default_payment_method = Some(pm.to_owned());
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::renewal::tests::monthly;

    #[test]
    fn only_default_incomplete_subscriptions_with_nothing_to_pay_get_one() {
        use PaymentBehavior::*;
        assert!(needs_pending_setup(DefaultIncomplete, true, 0));
        assert!(!needs_pending_setup(DefaultIncomplete, true, 2000));
        assert!(!needs_pending_setup(DefaultIncomplete, false, 0));
        assert!(!needs_pending_setup(AllowIncomplete, true, 0));
        assert!(!needs_pending_setup(ErrorIfIncomplete, true, 0));
    }

    #[test]
    fn the_intent_is_the_customers_for_off_session_use() {
        let intent =
            pending_setup_intent("seti_1".into(), "seti_1_secret_x".into(), "cus_1", None, 7);
        assert_eq!(intent.customer.as_deref(), Some("cus_1"));
        assert_eq!(intent.usage, Usage::OffSession);
        assert_eq!(intent.payment_method_types, vec!["card".to_owned()]);
        assert_eq!(intent.created, 7);
        assert_eq!(intent.status, crate::intent::Status::RequiresPaymentMethod);
        let sepa = pending_setup_intent(
            "seti_2".into(),
            "s".into(),
            "cus_1",
            Some(vec!["sepa_debit".into()]),
            7,
        );
        assert_eq!(sepa.payment_method_types, vec!["sepa_debit".to_owned()]);
    }

    #[test]
    fn success_clears_it_and_saves_the_default_when_asked() {
        let mut sub = monthly("trialing", 0, 100);
        sub.pending_setup_intent = Some("seti_1".into());
        assert!(!complete_pending_setup(
            &mut sub,
            "seti_other",
            Some("pm_1")
        ));
        assert_eq!(sub.pending_setup_intent.as_deref(), Some("seti_1"));
        // save_default_payment_method is "off" in the fixture: cleared, no default.
        assert!(complete_pending_setup(&mut sub, "seti_1", Some("pm_1")));
        assert_eq!(sub.pending_setup_intent, None);
        assert_eq!(sub.default_payment_method, None);

        sub.pending_setup_intent = Some("seti_2".into());
        sub.payment_settings.save_default_payment_method = "on_subscription".into();
        assert!(complete_pending_setup(&mut sub, "seti_2", Some("pm_2")));
        assert_eq!(sub.default_payment_method.as_deref(), Some("pm_2"));
    }
}
