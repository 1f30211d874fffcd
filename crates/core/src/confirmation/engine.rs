//! The confirmation engine: [`prepare`], [`confirm`] and [`complete_authentication`], generic
//! over the intent ([`Confirmable`]).

use tender_wire::{ApiError, Params};

use super::effects::{Effects, PaymentMethodEffects};
use super::request::{ConfirmRequest, OffSession};
use super::{IntentKind, rules};
use crate::Timestamp;
use crate::card::Behavior;
use crate::confirmation_token::StoredConfirmationToken;
use crate::intent::Transition;
use crate::network::Processor;
use crate::payment_method::PaymentMethod;

/// What a state machine knows of a confirmation beyond the intent: the payment method, what
/// the network will do with it, and how the confirming client can show an authentication.
#[derive(Clone, Debug)]
pub struct ConfirmContext<'a> {
    pub payment_method: &'a PaymentMethod,
    pub behavior: Behavior,
    /// The payment method was set up for off-session use before (exempts merchant-initiated
    /// payments from authentication on the regulatory test cards).
    pub set_up_for_off_session: bool,
    pub off_session: bool,
    pub use_stripe_sdk: bool,
    pub return_url: Option<String>,
    pub error_on_requires_action: bool,
    /// The hosted authentication page for this intent.
    pub authenticate_url: String,
    /// The id to give a charge, should the attempt create one.
    pub charge_id: String,
    /// The customer already authenticated this payment method for this intent (a manually
    /// confirmed intent, confirmed again after its challenge).
    pub authenticated: bool,
}

/// What differs between the intents a confirmation moves.
pub trait Confirmable: Clone {
    const KIND: IntentKind;
    /// Whether the state machine reads the facts in [`Sources`] (set up for off-session use,
    /// already authenticated): the server loads them only then. A setup verifies with the
    /// customer present, so it needs neither.
    const READS_FACTS: bool;
    /// The confirmation's parameters: the shared [`ConfirmRequest`] and the intent's own.
    type Params;

    /// Reads the parameters of a confirmation.
    fn take_params(p: &mut Params) -> Result<Self::Params, ApiError>;
    fn request(params: &Self::Params) -> &ConfirmRequest;
    /// Refuses a confirmation from a client (a publishable key) that only the merchant's
    /// server may make.
    fn check_client_may_confirm(&self) -> Result<(), ApiError> {
        Ok(())
    }
    /// Refuses a terminal or in-flight intent. Checked before anything else about the
    /// confirmation, so that the answer does not depend on its parameters.
    fn check_confirmable(&self) -> Result<(), ApiError>;
    /// Writes the confirmation's own parameters onto the intent.
    fn apply_params(&mut self, params: &Self::Params);
    /// Writes the token's values onto the intent, refusing a token made for another kind of
    /// intent or with other settings.
    fn apply_token(&mut self, token: &StoredConfirmationToken) -> Result<(), ApiError>;
    /// What the engine reads of the intent.
    fn view(&self) -> IntentView<'_>;
    /// What the network does with `payment_method` for this intent; `account_secret` is the
    /// one its card's fingerprint was made with.
    fn behavior(
        payment_method: &PaymentMethod,
        account_secret: &[u8],
    ) -> Result<Behavior, ApiError>;
    /// The state machine's answer to a confirmation.
    fn decide(
        &self,
        ctx: &ConfirmContext<'_>,
        network: &impl Processor,
        now: Timestamp,
    ) -> Result<Transition<Self>, ApiError>;
    /// The state machine's answer to the customer's authentication (or its failure).
    fn decide_authentication(
        &self,
        ctx: &ConfirmContext<'_>,
        succeeded: bool,
        network: &impl Processor,
        now: Timestamp,
    ) -> Result<Transition<Self>, ApiError>;
    /// What becomes of the payment method after `transition`; `owner` is its customer
    /// before it.
    fn payment_method_effects(
        transition: &Transition<Self>,
        owner: Option<&str>,
    ) -> PaymentMethodEffects;
    /// Marks `token` as used by this intent.
    fn link_token(&self, token: &mut StoredConfirmationToken);
}

/// What the engine reads of an intent, whichever it is.
#[derive(Clone, Copy, Debug)]
pub struct IntentView<'a> {
    /// The payment method already on the intent.
    pub payment_method: Option<&'a str>,
    pub customer: Option<&'a String>,
    pub payment_method_types: &'a [String],
    /// Automatic payment methods may redirect: confirming needs a `return_url`.
    pub allows_redirects: bool,
}

/// What the server loaded for a confirmation.
#[derive(Clone, Copy, Debug)]
pub struct Sources<'a> {
    /// The payment method [`choose_payment_method`](super::choose_payment_method) picked.
    pub payment_method: &'a PaymentMethod,
    /// It was used once without being saved to a customer, or detached.
    pub spent: bool,
    pub token: Option<&'a StoredConfirmationToken>,
    /// It was set up for off-session use before.
    pub set_up_for_off_session: bool,
    /// The customer already authenticated it for this intent.
    pub authenticated: bool,
}

/// What a confirmation needs from the world: the network, the time, the account's
/// fingerprint secret, this intent's hosted authentication page, and a fresh charge id.
pub struct Env<'a, N> {
    pub network: &'a N,
    pub now: Timestamp,
    pub account_secret: &'a [u8],
    pub authenticate_url: String,
    pub charge_id: String,
}

/// A confirmation's outcome: the intent's transition and what it does around it.
#[derive(Clone, Debug)]
pub struct Confirmation<I> {
    pub transition: Transition<I>,
    pub effects: Effects,
}

/// The intent as the confirmation will use it: its own parameters written on, then the
/// token's values (the payment method is chosen from this intent).
pub fn prepare<I: Confirmable>(
    intent: I,
    params: &I::Params,
    token: Option<&StoredConfirmationToken>,
) -> Result<I, ApiError> {
    let mut next = intent;
    next.apply_params(params);
    if let Some(token) = token {
        next.apply_token(token)?;
    }
    Ok(next)
}

/// Confirms the `prepared` intent with the payment method in `sources`.
pub fn confirm<I: Confirmable, N: Processor>(
    prepared: &I,
    params: &I::Params,
    sources: Sources<'_>,
    env: Env<'_, N>,
) -> Result<Confirmation<I>, ApiError> {
    let request = I::request(params);
    let pm = sources.payment_method;
    let view = prepared.view();
    rules::check_payment_method(
        I::KIND,
        pm,
        sources.spent,
        view.customer,
        view.payment_method_types,
    )?;
    // The request's `return_url` wins over the one the token was made with; a token always
    // comes from a client SDK, which can show the authentication itself.
    let return_url = request
        .return_url
        .clone()
        .or_else(|| sources.token.and_then(|t| t.token.return_url.clone()));
    let use_stripe_sdk = request.use_stripe_sdk || sources.token.is_some();
    rules::require_return_url(
        I::KIND,
        view.allows_redirects,
        return_url.as_deref(),
        use_stripe_sdk,
    )?;
    let ctx = ConfirmContext {
        payment_method: pm,
        behavior: I::behavior(pm, env.account_secret)?,
        set_up_for_off_session: sources.set_up_for_off_session,
        off_session: request.off_session == Some(OffSession::Yes),
        use_stripe_sdk,
        return_url,
        error_on_requires_action: request.error_on_requires_action,
        authenticate_url: env.authenticate_url,
        charge_id: env.charge_id,
        authenticated: sources.authenticated,
    };
    let transition = prepared.decide(&ctx, env.network, env.now)?;
    Ok(outcome(transition, pm, sources.token.is_some()))
}

/// Completes the authentication of `intent`, waiting in `requires_action` with
/// `payment_method`, from the hosted page (the customer is present there).
pub fn complete_authentication<I: Confirmable, N: Processor>(
    intent: &I,
    payment_method: &PaymentMethod,
    set_up_for_off_session: bool,
    succeeded: bool,
    env: Env<'_, N>,
) -> Result<Confirmation<I>, ApiError> {
    let ctx = ConfirmContext {
        payment_method,
        behavior: I::behavior(payment_method, env.account_secret)?,
        set_up_for_off_session,
        off_session: false,
        use_stripe_sdk: true,
        return_url: None,
        error_on_requires_action: false,
        authenticate_url: env.authenticate_url,
        charge_id: env.charge_id,
        authenticated: false,
    };
    let transition = intent.decide_authentication(&ctx, succeeded, env.network, env.now)?;
    Ok(outcome(transition, payment_method, false))
}

fn outcome<I: Confirmable>(
    transition: Transition<I>,
    payment_method: &PaymentMethod,
    link_token: bool,
) -> Confirmation<I> {
    let effects = Effects {
        payment_method: I::payment_method_effects(&transition, payment_method.customer.as_deref()),
        record_authentication: transition.record_authentication,
        link_token,
    };
    Confirmation {
        transition,
        effects,
    }
}

#[cfg(test)]
mod tests;
