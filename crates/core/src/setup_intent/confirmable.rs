//! How the confirmation engine (`crate::confirmation`) confirms a SetupIntent.

use tender_wire::{ApiError, Params};

use super::{ConfirmParams, SetupIntent, Transition, Usage};
use crate::Timestamp;
use crate::card::Behavior;
use crate::confirmation::{
    ConfirmContext, ConfirmRequest, Confirmable, IntentKind, IntentView, PaymentMethodEffects,
};
use crate::confirmation_token::StoredConfirmationToken;
use crate::network::Processor;
use crate::payment_method::PaymentMethod;

impl Confirmable for SetupIntent {
    const KIND: IntentKind = IntentKind::Setup;
    const READS_FACTS: bool = false;
    type Params = ConfirmParams;

    fn take_params(p: &mut Params) -> Result<ConfirmParams, ApiError> {
        ConfirmParams::take(p)
    }

    fn request(params: &ConfirmParams) -> &ConfirmRequest {
        &params.request
    }

    fn check_confirmable(&self) -> Result<(), ApiError> {
        SetupIntent::check_confirmable(self)
    }

    fn apply_params(&mut self, params: &ConfirmParams) {
        params.apply_to(self);
    }

    fn apply_token(&mut self, token: &StoredConfirmationToken) -> Result<(), ApiError> {
        token.apply_to_setup_intent(self)
    }

    fn view(&self) -> IntentView<'_> {
        IntentView {
            payment_method: self.payment_method.as_deref(),
            customer: self.customer.as_ref(),
            payment_method_types: &self.payment_method_types,
            allows_redirects: SetupIntent::allows_redirects(self),
        }
    }

    /// Only cards can be set up here (the intent's types, cards only, were checked before).
    fn behavior(
        payment_method: &PaymentMethod,
        account_secret: &[u8],
    ) -> Result<Behavior, ApiError> {
        payment_method.card_behavior(account_secret).ok_or_else(|| {
            ApiError::invalid_request("Only card payment methods can be set up.")
                .with_param("payment_method")
        })
    }

    /// A setup moves no money: the time plays no part.
    fn decide(
        &self,
        ctx: &ConfirmContext<'_>,
        network: &impl Processor,
        _now: Timestamp,
    ) -> Result<Transition, ApiError> {
        self.confirm(ctx, network)
    }

    fn decide_authentication(
        &self,
        ctx: &ConfirmContext<'_>,
        succeeded: bool,
        network: &impl Processor,
        _now: Timestamp,
    ) -> Result<Transition, ApiError> {
        self.complete_authentication(ctx, succeeded, network)
    }

    /// A succeeded setup saves the payment method to the intent's customer and, for
    /// off-session usage, records it as set up.
    fn payment_method_effects(
        transition: &Transition,
        owner: Option<&str>,
    ) -> PaymentMethodEffects {
        let intent = &transition.intent;
        PaymentMethodEffects::after_setup(
            transition.succeeded(),
            intent.usage == Usage::OffSession,
            intent.customer.as_deref(),
            owner,
        )
    }

    fn link_token(&self, token: &mut StoredConfirmationToken) {
        token.token.setup_intent = Some(self.id.clone());
    }
}
