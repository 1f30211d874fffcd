//! How the confirmation engine (`crate::confirmation`) confirms a PaymentIntent.

use tender_wire::{ApiError, Params};

use super::{ConfirmParams, ConfirmationMethod, PaymentIntent, Transition};
use crate::Timestamp;
use crate::card::Behavior;
use crate::confirmation::{
    ConfirmContext, ConfirmRequest, Confirmable, IntentKind, IntentView, PaymentMethodEffects,
};
use crate::confirmation_token::StoredConfirmationToken;
use crate::intent::Usage;
use crate::network::Processor;
use crate::payment_method::PaymentMethod;

impl Confirmable for PaymentIntent {
    const KIND: IntentKind = IntentKind::Payment;
    const READS_FACTS: bool = true;
    type Params = ConfirmParams;

    fn take_params(p: &mut Params) -> Result<ConfirmParams, ApiError> {
        ConfirmParams::take(p)
    }

    fn request(params: &ConfirmParams) -> &ConfirmRequest {
        &params.request
    }

    /// A manually confirmed intent is confirmed by the merchant's server only.
    fn check_client_may_confirm(&self) -> Result<(), ApiError> {
        if self.confirmation_method == ConfirmationMethod::Manual {
            return Err(ApiError::invalid_request(
                "This PaymentIntent's confirmation_method is manual: all payment attempts must \
                 be initiated using a secret key.",
            ));
        }
        Ok(())
    }

    fn check_confirmable(&self) -> Result<(), ApiError> {
        PaymentIntent::check_confirmable(self)
    }

    fn apply_params(&mut self, params: &ConfirmParams) {
        params.apply_to(self);
    }

    fn apply_token(&mut self, token: &StoredConfirmationToken) -> Result<(), ApiError> {
        token.apply_to_payment_intent(self)
    }

    fn view(&self) -> IntentView<'_> {
        IntentView {
            payment_method: self.payment_method.as_deref(),
            customer: self.customer.as_ref(),
            payment_method_types: &self.payment_method_types,
            allows_redirects: PaymentIntent::allows_redirects(self),
        }
    }

    /// Only cards meet the card network; other types answer on their hosted page.
    fn behavior(
        payment_method: &PaymentMethod,
        account_secret: &[u8],
    ) -> Result<Behavior, ApiError> {
        Ok(payment_method
            .card_behavior(account_secret)
            .unwrap_or(Behavior::Succeeds))
    }

    fn decide(
        &self,
        ctx: &ConfirmContext<'_>,
        network: &impl Processor,
        now: Timestamp,
    ) -> Result<Transition, ApiError> {
        self.confirm(ctx, network, now)
    }

    fn decide_authentication(
        &self,
        ctx: &ConfirmContext<'_>,
        succeeded: bool,
        network: &impl Processor,
        now: Timestamp,
    ) -> Result<Transition, ApiError> {
        self.complete_authentication(ctx, succeeded, network, now)
    }

    /// A payment saves its payment method when it succeeds with `setup_future_usage`, and
    /// spends one it does not save.
    fn payment_method_effects(
        transition: &Transition,
        owner: Option<&str>,
    ) -> PaymentMethodEffects {
        // A submitted bank debit (a pending charge) counts: Stripe saves the account and its
        // mandate when the debit is submitted, not when it settles.
        let succeeded = transition.error.is_none()
            && transition
                .charge
                .as_ref()
                .is_some_and(|c| c.succeeded() || c.status == crate::charge::ChargeStatus::Pending);
        let intent = &transition.intent;
        PaymentMethodEffects::after_payment(
            succeeded,
            transition.save_payment_method,
            intent.setup_future_usage == Some(Usage::OffSession),
            intent.customer.as_deref(),
            owner,
        )
    }

    fn link_token(&self, token: &mut StoredConfirmationToken) {
        token.token.payment_intent = Some(self.id.clone());
    }
}
