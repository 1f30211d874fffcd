//! What a confirmation does around the intent's own transition, as typed effects the server
//! turns into writes: what becomes of the payment method, the facts to record, the token
//! marked used.

/// Everything a confirmation changes besides the intent, its charge and their events.
#[derive(Clone, Debug, Default)]
pub struct Effects {
    pub payment_method: PaymentMethodEffects,
    /// Record that the customer authenticated the payment method for this intent, so that
    /// the server's next confirmation of a manually confirmed intent does not ask again.
    pub record_authentication: bool,
    /// The confirmation used a ConfirmationToken: it now names the intent it confirmed
    /// ([`Confirmable::link_token`](super::Confirmable::link_token)) and is written back.
    pub link_token: bool,
}

/// What becomes of a confirmation's payment method once the intent has moved, for the server
/// to write. Empty when nothing changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaymentMethodEffects {
    /// Attach it to this customer (with a `payment_method.attached` event).
    pub attach_to: Option<String>,
    /// It was used once without being saved to a customer: it may not be used again.
    pub spent: bool,
    /// Record that it was set up for off-session use, which exempts later off-session
    /// payments from authentication on the regulatory test cards.
    pub set_up_for_off_session: bool,
}

impl PaymentMethodEffects {
    /// After a payment. `saved` says the intent asked to save the payment method
    /// (`setup_future_usage`); `off_session` that it asked for off-session use; `customer`
    /// is the intent's; `owner` the payment method's customer before the payment.
    pub fn after_payment(
        succeeded: bool,
        saved: bool,
        off_session: bool,
        customer: Option<&str>,
        owner: Option<&str>,
    ) -> PaymentMethodEffects {
        match (customer, succeeded, owner) {
            (Some(customer), true, None) if saved => PaymentMethodEffects {
                attach_to: Some(customer.to_owned()),
                spent: false,
                set_up_for_off_session: off_session,
            },
            (_, true, None) => PaymentMethodEffects {
                spent: true,
                ..PaymentMethodEffects::default()
            },
            _ => PaymentMethodEffects::default(),
        }
    }

    /// After a setup. A succeeded setup attaches the payment method to the intent's customer,
    /// if any; without one the card stays unattached, but set up, so the merchant can attach
    /// it later (what a customer-less SetupIntent is for). Off-session usage records the fact
    /// either way.
    pub fn after_setup(
        succeeded: bool,
        off_session: bool,
        customer: Option<&str>,
        owner: Option<&str>,
    ) -> PaymentMethodEffects {
        if !succeeded {
            return PaymentMethodEffects::default();
        }
        PaymentMethodEffects {
            attach_to: match (customer, owner) {
                (Some(customer), None) => Some(customer.to_owned()),
                _ => None,
            },
            spent: false,
            set_up_for_off_session: off_session,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payment_attaches_a_saved_method_and_spends_an_unsaved_one() {
        let after = PaymentMethodEffects::after_payment;
        assert_eq!(
            after(true, true, true, Some("cus_1"), None),
            PaymentMethodEffects {
                attach_to: Some("cus_1".into()),
                spent: false,
                set_up_for_off_session: true,
            }
        );
        assert!(!after(true, true, false, Some("cus_1"), None).set_up_for_off_session);
        // Not saved, or no customer to save it to: used once, spent.
        let spent = PaymentMethodEffects {
            spent: true,
            ..PaymentMethodEffects::default()
        };
        assert_eq!(after(true, false, false, Some("cus_1"), None), spent);
        assert_eq!(after(true, true, true, None, None), spent);
        // Already a customer's: stays as it is. A failed payment changes nothing.
        assert_eq!(
            after(true, true, true, Some("cus_1"), Some("cus_1")),
            PaymentMethodEffects::default()
        );
        assert_eq!(
            after(false, true, true, Some("cus_1"), None),
            PaymentMethodEffects::default()
        );
    }

    #[test]
    fn a_setup_attaches_to_the_customer_and_records_off_session_use() {
        let after = PaymentMethodEffects::after_setup;
        assert_eq!(
            after(true, true, Some("cus_1"), None),
            PaymentMethodEffects {
                attach_to: Some("cus_1".into()),
                spent: false,
                set_up_for_off_session: true,
            }
        );
        // Without a customer it stays unattached but set up; never spent.
        assert_eq!(
            after(true, true, None, None),
            PaymentMethodEffects {
                set_up_for_off_session: true,
                ..PaymentMethodEffects::default()
            }
        );
        assert_eq!(
            after(true, false, Some("cus_1"), Some("cus_1")),
            PaymentMethodEffects::default()
        );
        assert_eq!(
            after(false, true, Some("cus_1"), None),
            PaymentMethodEffects::default()
        );
    }
}
