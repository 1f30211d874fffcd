//! What a shopper is told when a payment fails. The API's messages are written for the
//! developer, except a card error's, which Stripe says can be shown to customers. Where
//! Stripe.js shows shoppers its own words instead (a failed 3D Secure check), the shop uses
//! the same words, so that a shopper reads the same thing on every path.

/// Stripe.js's message for a failed authentication (`payment_intent_authentication_failure`,
/// `setup_intent_authentication_failure`); Tender's browser SDK uses the same.
pub const AUTHENTICATION_FAILED: &str = "We are unable to authenticate your payment method. \
                                         Please choose a different payment method and try again.";

/// For failures whose API message is not meant for shoppers.
pub const PAYMENT_FAILED: &str =
    "The payment failed. Please try again or use another payment method.";

/// The shopper's message for an API error (`last_payment_error` and the like).
pub fn for_shopper(card_error: bool, code: Option<&str>, message: Option<&str>) -> String {
    match code {
        Some("payment_intent_authentication_failure" | "setup_intent_authentication_failure") => {
            AUTHENTICATION_FAILED.to_owned()
        }
        _ => match message {
            Some(message) if card_error && !message.is_empty() => message.to_owned(),
            _ => PAYMENT_FAILED.to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_authentication_gets_stripe_js_words_not_the_api_message() {
        let api = "The provided PaymentMethod has failed authentication. You can provide \
                   payment_method_data or a new PaymentMethod to attempt to fulfill this \
                   PaymentIntent again.";
        assert_eq!(
            for_shopper(
                false,
                Some("payment_intent_authentication_failure"),
                Some(api)
            ),
            "We are unable to authenticate your payment method. Please choose a different \
             payment method and try again."
        );
        assert_eq!(
            for_shopper(
                false,
                Some("setup_intent_authentication_failure"),
                Some(api)
            ),
            AUTHENTICATION_FAILED
        );
    }

    #[test]
    fn card_errors_keep_their_message_and_others_get_a_plain_one() {
        let declined = for_shopper(true, Some("card_declined"), Some("Your card was declined."));
        assert_eq!(declined, "Your card was declined.");
        let bank = "The customer did not authorize the payment with their bank. You can provide \
                    payment_method_data or a new PaymentMethod to attempt to fulfill this \
                    PaymentIntent again.";
        assert_eq!(
            for_shopper(
                false,
                Some("payment_intent_payment_attempt_failed"),
                Some(bank)
            ),
            PAYMENT_FAILED
        );
        assert_eq!(for_shopper(true, None, None), PAYMENT_FAILED);
    }
}
