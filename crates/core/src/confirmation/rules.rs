//! The checks of a confirmation that both intents share: which payment method it uses
//! (Stripe's precedence), whether the intent may use that payment method, and whether it
//! needs a `return_url`.

use super::IntentKind;
use crate::payment_method::{PaymentMethod, PaymentMethodCreate};

use tender_wire::ApiError;

/// Where a confirmation's payment method comes from; `T` is the token's payment method, as
/// the caller loaded it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PaymentMethodSource<'a, T> {
    /// `payment_method`: a stored payment method or a `pm_card_*` test id.
    Named(&'a str),
    /// `payment_method_data`: a new payment method made for this confirmation.
    Data(&'a PaymentMethodCreate),
    /// The ConfirmationToken's.
    Token(T),
    /// The one already on the intent.
    OnIntent(&'a str),
}

/// The payment method a confirmation uses: values in the request take precedence over the
/// token's (spec §3.3), which take precedence over the one already on the intent. None of them
/// is Stripe's `*_unexpected_state` on `payment_method`.
pub fn choose_payment_method<'a, T>(
    kind: IntentKind,
    payment_method: Option<&'a str>,
    payment_method_data: Option<&'a PaymentMethodCreate>,
    from_token: Option<T>,
    on_intent: Option<&'a str>,
) -> Result<PaymentMethodSource<'a, T>, ApiError> {
    if let Some(id) = payment_method {
        Ok(PaymentMethodSource::Named(id))
    } else if let Some(data) = payment_method_data {
        Ok(PaymentMethodSource::Data(data))
    } else if let Some(token) = from_token {
        Ok(PaymentMethodSource::Token(token))
    } else if let Some(id) = on_intent {
        Ok(PaymentMethodSource::OnIntent(id))
    } else {
        let name = kind.name();
        Err(ApiError::invalid_request(format!(
            "You cannot confirm this {name} because it's missing a payment method. You can \
             either update the {name} with a payment method and then confirm it again, or \
             confirm it again directly with a payment method."
        ))
        .with_code(format!("{}_unexpected_state", kind.object()))
        .with_param("payment_method"))
    }
}

/// Refuses a payment method the intent may not use: spent (used once without being saved to
/// a customer, or detached), another customer's, or of a type the intent does not accept.
pub fn check_payment_method(
    kind: IntentKind,
    payment_method: &PaymentMethod,
    spent: bool,
    customer: Option<&String>,
    types: &[String],
) -> Result<(), ApiError> {
    if spent {
        return Err(ApiError::invalid_request(
            "This PaymentMethod was previously used without being attached to a Customer or was \
             detached from a Customer, and may not be used again.",
        )
        .with_param("payment_method"));
    }
    if let Some(owner) = &payment_method.customer
        && customer != Some(owner)
    {
        return Err(ApiError::invalid_request(format!(
            "The `payment_method` parameter supplied {} belongs to the Customer {owner}. Please \
             include the Customer in the `customer` parameter on the {}.",
            payment_method.id,
            kind.name()
        ))
        .with_param("payment_method"));
    }
    let pm_kind = payment_method.kind.as_str();
    if !types.iter().any(|t| t == pm_kind) {
        return Err(ApiError::invalid_request(format!(
            "The PaymentMethod provided ({pm_kind}) is not allowed for this {}. Allowed \
             types: {}.",
            kind.name(),
            types.join(", ")
        ))
        .with_param("payment_method"));
    }
    Ok(())
}

/// An intent whose automatic payment methods may redirect needs a `return_url` to confirm,
/// unless a client SDK confirms it (spec §3.6).
pub fn require_return_url(
    kind: IntentKind,
    allows_redirects: bool,
    return_url: Option<&str>,
    use_stripe_sdk: bool,
) -> Result<(), ApiError> {
    if allows_redirects && return_url.is_none() && !use_stripe_sdk {
        return Err(ApiError::invalid_request(format!(
            "This {} is configured to accept payment methods enabled in your Dashboard. \
             Because some of these payment methods might redirect your customer off of your \
             page, you must provide a `return_url`. If you don't want to accept redirect-based \
             payment methods, set `automatic_payment_methods[enabled]` to `true` and \
             `automatic_payment_methods[allow_redirects]` to `never` when creating Setup \
             Intents and Payment Intents.",
            kind.name()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::payment_method::PaymentMethodCreate;
    use tender_wire::Params;

    const KINDS: [IntentKind; 2] = [IntentKind::Payment, IntentKind::Setup];

    fn card(customer: Option<&str>) -> PaymentMethod {
        let mut p = Params::from_form(
            b"type=card&card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2040&card[cvc]=123",
        )
        .unwrap();
        let create = PaymentMethodCreate::take(&mut p).unwrap();
        let mut pm = create
            .into_payment_method("pm_1".into(), &[7; 32], 1_700_000_000)
            .unwrap();
        pm.customer = customer.map(str::to_owned);
        pm
    }

    #[test]
    fn the_request_wins_over_the_token_which_wins_over_the_intent() {
        let data = PaymentMethodCreate::take(
            &mut Params::from_form(b"type=card&card[number]=4242424242424242&card[exp_month]=1&card[exp_year]=2040&card[cvc]=1").unwrap(),
        )
        .unwrap();
        for kind in KINDS {
            let choose = |pm, data, token, on| choose_payment_method(kind, pm, data, token, on);
            assert_eq!(
                choose(Some("pm_a"), Some(&data), Some(()), Some("pm_b")).unwrap(),
                PaymentMethodSource::Named("pm_a")
            );
            assert_eq!(
                choose(None, Some(&data), Some(()), Some("pm_b")).unwrap(),
                PaymentMethodSource::Data(&data)
            );
            assert_eq!(
                choose(None, None, Some(()), Some("pm_b")).unwrap(),
                PaymentMethodSource::Token(())
            );
            assert_eq!(
                choose(None, None, None, Some("pm_b")).unwrap(),
                PaymentMethodSource::OnIntent("pm_b")
            );
            let none = choose(None, None, None, None).unwrap_err();
            assert_eq!(
                none.code,
                Some(format!("{}_unexpected_state", kind.object()))
            );
            assert_eq!(none.param.as_deref(), Some("payment_method"));
            assert!(none.message.contains(kind.name()), "{}", none.message);
        }
    }

    #[test]
    fn a_payment_method_must_be_unspent_the_customers_and_of_an_allowed_type() {
        let cards = vec!["card".to_owned()];
        let jo = "cus_jo".to_owned();
        for kind in KINDS {
            assert_eq!(
                check_payment_method(kind, &card(None), false, None, &cards),
                Ok(())
            );
            assert_eq!(
                check_payment_method(kind, &card(Some("cus_jo")), false, Some(&jo), &cards),
                Ok(())
            );
            let spent = check_payment_method(kind, &card(None), true, None, &cards).unwrap_err();
            assert!(
                spent
                    .message
                    .starts_with("This PaymentMethod was previously used")
            );
            let other = check_payment_method(kind, &card(Some("cus_al")), false, Some(&jo), &cards)
                .unwrap_err();
            assert!(other.message.contains("belongs to the Customer cus_al"));
            assert!(other.message.ends_with(&format!("on the {}.", kind.name())));
            let ideal_only = vec!["ideal".to_owned()];
            let refused =
                check_payment_method(kind, &card(None), false, None, &ideal_only).unwrap_err();
            assert_eq!(
                refused.message,
                format!(
                    "The PaymentMethod provided (card) is not allowed for this {}. Allowed \
                     types: ideal.",
                    kind.name()
                )
            );
            assert_eq!(refused.param.as_deref(), Some("payment_method"));
        }
    }

    #[test]
    fn redirects_need_a_return_url_unless_a_client_sdk_confirms() {
        for kind in KINDS {
            assert!(require_return_url(kind, true, None, false).is_err());
            assert!(require_return_url(kind, true, Some("https://x.io"), false).is_ok());
            assert!(require_return_url(kind, true, None, true).is_ok());
            assert!(require_return_url(kind, false, None, false).is_ok());
        }
    }
}
