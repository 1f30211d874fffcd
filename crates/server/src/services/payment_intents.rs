//! Confirming a PaymentIntent: find the payment method the confirmation names (a
//! ConfirmationToken, a payment method id or test id, inline card data, or the one already on
//! the intent), let the domain decide, and turn the transition into writes and an answer.

use serde_json::Value;
use tender_core::card::Behavior;
use tender_core::charge::Charge;
use tender_core::confirmation::{self, PaymentMethodEffects};
use tender_core::intent::Usage;
use tender_core::network::TestNetwork;
use tender_core::payment_intent::{
    ConfirmContext, ConfirmParams, EventSubject, OffSession, PaymentIntent, Transition,
};
use tender_store::Write;
use tender_wire::ApiError;
use tender_wire::expand::Expand;

use crate::ctx::Ctx;
use crate::http::KeyKind;
use crate::pipeline::Effect;
use crate::resources::{new_id, persist, persist_json, to_json};
use crate::services::facts::{
    IntentAuthentication, already_authenticated, intent_authentication_id, off_session_setup_id,
};
use crate::services::intents::Source;
use crate::services::intents::{self, IntentKind, render_intent, state_error};
use crate::services::payment_methods::apply_payment_method_effects;

/// Finds the payment method of a confirmation, writing the token's values onto the intent.
pub async fn resolve_source(
    ctx: &Ctx,
    intent: &mut PaymentIntent,
    params: &ConfirmParams,
) -> Result<Source, ApiError> {
    let token = intents::load_token(ctx, params.confirmation_token.as_deref()).await?;
    if let Some(token) = &token {
        token.object.apply_to_payment_intent(intent)?;
    }
    intents::resolve_source(
        ctx,
        IntentKind::Payment,
        token,
        params.payment_method.as_deref(),
        params.payment_method_data.as_ref(),
        intent.payment_method.as_deref(),
    )
    .await
}

/// Confirms `intent` (stored at `version`, or new) and says what to write and answer.
/// `prior` holds writes that must come first (the intent's creation event).
pub async fn confirm(
    ctx: &Ctx,
    mut intent: PaymentIntent,
    version: Option<i64>,
    params: &ConfirmParams,
    expand: &Expand,
    prior: Vec<Write>,
) -> Result<Effect, ApiError> {
    if let Err(error) = intent.check_confirmable() {
        return Err(state_error(ctx, &intent, error).await);
    }
    params.apply_to(&mut intent);
    let mut source = resolve_source(ctx, &mut intent, params).await?;
    let pm = &source.payment_method;
    confirmation::check_payment_method(
        IntentKind::Payment,
        &pm.object,
        pm.spent,
        intent.customer.as_ref(),
        &intent.payment_method_types,
    )?;
    let return_url = params.return_url.clone().or_else(|| {
        source
            .token
            .as_ref()
            .and_then(|t| t.object.token.return_url.clone())
    });
    let use_stripe_sdk = params.use_stripe_sdk || source.token.is_some();
    confirmation::require_return_url(
        IntentKind::Payment,
        intent.allows_redirects(),
        return_url.as_deref(),
        use_stripe_sdk,
    )?;
    // A payment method or intent made by this very request has no facts yet: no read.
    let set_up = pm.version.is_some()
        && ctx
            .find(&off_session_setup_id(&pm.object.id))
            .await?
            .is_some();
    let authenticated =
        version.is_some() && already_authenticated(ctx, &intent.id, &pm.object.id).await?;
    // Only cards meet the card network; other types answer on their hosted page.
    let behavior = pm
        .object
        .card_behavior(&ctx.fingerprint_key())
        .unwrap_or(Behavior::Succeeds);
    let confirm_ctx = ConfirmContext {
        payment_method: &pm.object,
        behavior,
        set_up_for_off_session: set_up,
        off_session: params.off_session == Some(OffSession::Yes),
        use_stripe_sdk,
        return_url,
        error_on_requires_action: params.error_on_requires_action,
        authenticate_url: authenticate_url(ctx, &intent),
        charge_id: new_id::<Charge>(),
        authenticated,
    };
    let transition = intent.confirm(&confirm_ctx, &TestNetwork, ctx.now)?;
    if let Some(token) = source.token.as_mut() {
        token.object.token.payment_intent = Some(transition.intent.id.clone());
    }
    let base = Base {
        intent_version: version,
        charge_version: None,
        prior,
    };
    apply(ctx, transition, base, Some(&mut source), expand).await
}

/// The hosted page where the customer completes 3D Secure for this intent.
pub fn authenticate_url(ctx: &Ctx, intent: &PaymentIntent) -> String {
    intents::authenticate_url(ctx, &intent.id, &intent.client_secret)
}

/// What a transition is applied over: the versions its objects were read at (`None`: made by
/// this request), and the writes that must come before its own (the intent's creation event).
#[derive(Default)]
pub struct Base {
    pub intent_version: Option<i64>,
    /// The version of an existing charge the transition changes (a capture, a cancel).
    pub charge_version: Option<i64>,
    pub prior: Vec<Write>,
}

/// Turns a transition into writes (intent, charge, payment method, token, events) and the
/// answer. `source` is the payment method (and token) a confirmation used.
pub async fn apply(
    ctx: &Ctx,
    transition: Transition,
    base: Base,
    source: Option<&mut Source>,
    expand: &Expand,
) -> Result<Effect, ApiError> {
    let Base {
        intent_version: version,
        charge_version,
        prior,
    } = base;
    let Transition {
        intent,
        charge,
        events,
        error,
        save_payment_method,
        record_authentication,
    } = transition;
    let mut writes = prior;
    if record_authentication && let Some(pm) = &intent.payment_method {
        let fact =
            IntentAuthentication::new(intent_authentication_id(&intent.id), pm.clone(), ctx.now);
        let read = ctx.find(&fact.id).await?.map(|record| record.version);
        writes.push(persist(ctx.account_id(), &fact, read)?);
    }
    let mut late_events = Vec::new();
    if let Some(source) = source {
        let pm = &mut source.payment_method;
        let succeeded = error.is_none() && charge.as_ref().is_some_and(|c| c.succeeded());
        let effects = PaymentMethodEffects::after_payment(
            succeeded,
            save_payment_method,
            intent.setup_future_usage == Some(Usage::OffSession),
            intent.customer.as_deref(),
            pm.object.customer.as_deref(),
        );
        let (effect_writes, attached) = apply_payment_method_effects(ctx, pm, &effects).await?;
        writes.extend(effect_writes);
        late_events.extend(attached);
        if pm.version.is_none() || pm.spent || !late_events.is_empty() {
            writes.push(pm.write(ctx)?);
        }
        if let Some(token) = &source.token {
            writes.push(token.update(ctx.account_id())?);
        }
    }
    // Each object is serialized once; its record, its events and the answer share the text.
    let intent_json = to_json(&intent)?;
    writes.push(persist_json(
        ctx.account_id(),
        &intent,
        version,
        &intent_json,
    ));
    let charge_json = charge.as_ref().map(to_json).transpose()?;
    if let (Some(charge), Some(json)) = (&charge, &charge_json) {
        writes.push(persist_json(ctx.account_id(), charge, charge_version, json));
    }
    for (kind, subject) in events {
        let object = match (subject, &charge_json) {
            (EventSubject::Intent, _) => intent_json.clone(),
            (EventSubject::Charge, Some(json)) => json.clone(),
            (EventSubject::Charge, None) => to_json(&Value::Null)?,
        };
        writes.push(ctx.event_json(kind, object, None)?);
    }
    writes.extend(late_events);
    // The secret key's answer without expansions is the intent as stored.
    if error.is_none() && ctx.key == KeyKind::Secret && expand.is_empty() {
        return Ok(Effect::ok_json(intent_json.get().to_owned(), writes));
    }
    let rendered = render_intent(ctx, &intent, expand, &writes).await?;
    Ok(match error {
        None => Effect::ok(rendered, writes),
        Some(error) => Effect::error(&error.with_embedded("payment_intent", rendered), writes),
    })
}
