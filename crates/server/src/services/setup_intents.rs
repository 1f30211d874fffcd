//! Confirming a SetupIntent: find the payment method the confirmation names (a
//! ConfirmationToken, a payment method id or test id, inline card data, or the one already on
//! the intent), let the domain verify it, and turn the transition into writes and an answer.

use tender_core::card::Behavior;
use tender_core::confirmation::{self, PaymentMethodEffects};
use tender_core::network::TestNetwork;
use tender_core::setup_intent::{ConfirmContext, ConfirmParams, SetupIntent, Transition, Usage};
use tender_store::Write;
use tender_wire::ApiError;
use tender_wire::expand::Expand;

use crate::ctx::Ctx;
use crate::pipeline::Effect;
use crate::resources::{persist, to_value};
use crate::services::intents::Source;
use crate::services::intents::{self, IntentKind, render_intent, state_error};
use crate::services::payment_methods::apply_payment_method_effects;

/// What the network does with the payment method's card. Only cards can be set up here, and
/// the intent's types (cards only) were checked before.
pub fn card_behavior(ctx: &Ctx, source: &Source) -> Result<Behavior, ApiError> {
    source
        .payment_method
        .object
        .card_behavior(&ctx.fingerprint_key())
        .ok_or_else(|| {
            ApiError::invalid_request("Only card payment methods can be set up.")
                .with_param("payment_method")
        })
}

/// Confirms `intent` (stored at `version`, or new) and says what to write and answer.
/// `prior` holds writes that must come first (the intent's creation event).
pub async fn confirm(
    ctx: &Ctx,
    mut intent: SetupIntent,
    version: Option<i64>,
    params: &ConfirmParams,
    expand: &Expand,
    prior: Vec<Write>,
) -> Result<Effect, ApiError> {
    if let Err(error) = intent.check_confirmable() {
        return Err(state_error(ctx, &intent, error).await);
    }
    params.apply_to(&mut intent);
    let token = intents::load_token(ctx, params.confirmation_token.as_deref()).await?;
    if let Some(token) = &token {
        token.object.apply_to_setup_intent(&intent)?;
    }
    let mut source = intents::resolve_source(
        ctx,
        IntentKind::Setup,
        token,
        params.payment_method.as_deref(),
        params.payment_method_data.as_ref(),
        intent.payment_method.as_deref(),
    )
    .await?;
    confirmation::check_payment_method(
        IntentKind::Setup,
        &source.payment_method.object,
        source.payment_method.spent,
        intent.customer.as_ref(),
        &intent.payment_method_types,
    )?;
    let token_return_url = source
        .token
        .as_ref()
        .and_then(|t| t.object.token.return_url.clone());
    let return_url = params.return_url.clone().or(token_return_url);
    let use_stripe_sdk = params.use_stripe_sdk || source.token.is_some();
    confirmation::require_return_url(
        IntentKind::Setup,
        intent.allows_redirects(),
        return_url.as_deref(),
        use_stripe_sdk,
    )?;
    let confirm_ctx = ConfirmContext {
        payment_method: &source.payment_method.object,
        behavior: card_behavior(ctx, &source)?,
        use_stripe_sdk,
        return_url,
        authenticate_url: intents::authenticate_url(ctx, &intent.id, &intent.client_secret),
    };
    let transition = intent.confirm(&confirm_ctx, &TestNetwork)?;
    if let Some(token) = source.token.as_mut() {
        token.object.token.setup_intent = Some(transition.intent.id.clone());
    }
    apply(ctx, transition, version, &mut source, expand, prior).await
}

/// Turns a transition into writes (payment method, token, intent, events) and the answer.
pub async fn apply(
    ctx: &Ctx,
    transition: Transition,
    version: Option<i64>,
    source: &mut Source,
    expand: &Expand,
    prior: Vec<Write>,
) -> Result<Effect, ApiError> {
    let mut writes = prior;
    let effects = PaymentMethodEffects::after_setup(
        transition.succeeded(),
        transition.intent.usage == Usage::OffSession,
        transition.intent.customer.as_deref(),
        source.payment_method.object.customer.as_deref(),
    );
    let (saved, attached) =
        apply_payment_method_effects(ctx, &mut source.payment_method, &effects).await?;
    writes.extend(saved);
    let pm = &source.payment_method;
    if pm.version.is_none() || pm.spent || attached.is_some() {
        writes.push(pm.write(ctx)?);
    }
    if let Some(token) = &source.token {
        writes.push(token.update(ctx.account_id())?);
    }
    let Transition {
        intent,
        events,
        error,
    } = transition;
    writes.push(persist(ctx.account_id(), &intent, version)?);
    let snapshot = to_value(&intent)?;
    for kind in events {
        writes.push(ctx.event(kind, snapshot.clone(), None)?);
    }
    writes.extend(attached);
    let rendered = render_intent(ctx, &intent, expand, &writes).await?;
    Ok(match error {
        None => Effect::ok(rendered, writes),
        Some(error) => Effect::error(&error.with_embedded("setup_intent", rendered), writes),
    })
}
