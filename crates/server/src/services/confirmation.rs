//! Confirming an intent, whichever it is, with core's confirmation engine
//! (`tender_core::confirmation`): load what the confirmation names, let core decide, and turn
//! the transition and its effects into writes and an answer. Also the writes of every other
//! transition of an intent (capture, cancel, the hosted page's authentication).

use serde_json::Value;
use tender_core::charge::Charge;
use tender_core::confirmation::{self, Confirmation, Effects, Env, Sources};
use tender_core::intent::{EventSubject, Transition};
use tender_core::network::TestNetwork;
use tender_store::Write;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn};

use crate::ctx::Ctx;
use crate::http::KeyKind;
use crate::pipeline::Effect;
use crate::resources::{Loaded, insert, new_id, persist_json, to_json};
use crate::services::billing::{pending_setup, settle};
use crate::services::facts;
use crate::services::intents::{self, Intent, Source, render_intent, state_error};
use crate::services::payment_methods::{NamedPaymentMethod, apply_payment_method_effects};
use crate::services::settle_later;

/// Confirms `intent` (stored at `version`, or new) and says what to write and answer.
/// `prior` holds writes that must come first (the intent's creation event).
pub async fn confirm<I: Intent>(
    ctx: &Ctx,
    intent: I,
    version: Option<i64>,
    params: &I::Params,
    expand: &Expand,
    prior: Vec<Write>,
) -> Result<Effect, ApiError> {
    if let Err(error) = intent.check_confirmable() {
        return Err(state_error(ctx, &intent, error).await);
    }
    let request = I::request(params);
    let token = intents::load_token(ctx, request.confirmation_token.as_deref()).await?;
    // What a debit's mandate records: the confirmation's acceptance, else its token's.
    let mandate_data = match &request.mandate_data {
        Some(given) => {
            let mut given = given.clone();
            tender_core::mandate::infer_from_client(&mut given, &ctx.client);
            Some(given)
        }
        None => token
            .as_ref()
            .and_then(|t| t.object.token.mandate_data.clone()),
    };
    let prepared = confirmation::prepare(intent, params, token.as_ref().map(|t| &t.object))?;
    let source =
        intents::resolve_source(ctx, I::KIND, token, request, prepared.view().payment_method)
            .await?;
    let pm = &source.payment_method;
    // A payment method or intent made by this very request has no facts yet: no read; nor
    // for an intent whose machine does not read them.
    let set_up_for_off_session = I::READS_FACTS
        && pm.version.is_some()
        && facts::set_up_for_off_session(ctx, &pm.object.id).await?;
    let authenticated = I::READS_FACTS
        && version.is_some()
        && facts::already_authenticated(ctx, prepared.id(), &pm.object.id).await?;
    let sources = Sources {
        payment_method: &pm.object,
        spent: pm.spent,
        token: source.token.as_ref().map(|t| &t.object),
        set_up_for_off_session,
        authenticated,
    };
    let key = ctx.fingerprint_key();
    let outcome = confirmation::confirm(&prepared, params, sources, env(ctx, &prepared, &key))?;
    let base = Base {
        intent_version: version,
        charge_version: None,
        prior,
        mandate_data,
    };
    apply(ctx, outcome, base, Some(source), expand).await
}

/// Completes the authentication of a `requires_action` intent from the hosted page.
pub async fn complete_authentication<I: Intent>(
    ctx: &Ctx,
    loaded: Loaded<I>,
    succeeded: bool,
) -> Result<Effect, ApiError> {
    let intent = &loaded.object;
    let pm_id = intent.view().payment_method.ok_or_else(|| {
        ApiError::invalid_request(format!(
            "This {} has no payment method to authenticate.",
            I::KIND.name()
        ))
    })?;
    let pm = NamedPaymentMethod::resolve(ctx, pm_id, IdIn::Param("payment_method")).await?;
    let set_up_for_off_session =
        I::READS_FACTS && facts::set_up_for_off_session(ctx, &pm.object.id).await?;
    let key = ctx.fingerprint_key();
    let outcome = confirmation::complete_authentication(
        intent,
        &pm.object,
        set_up_for_off_session,
        succeeded,
        env(ctx, intent, &key),
    )?;
    let base = Base {
        intent_version: Some(loaded.version),
        ..Base::default()
    };
    let source = Source {
        payment_method: pm,
        token: None,
    };
    apply(ctx, outcome, base, Some(source), &Expand::default()).await
}

/// What core's engine needs from the world for `intent`; `key` is the account's
/// fingerprint secret.
fn env<'a, I: Intent>(ctx: &Ctx, intent: &I, key: &'a [u8]) -> Env<'a, TestNetwork> {
    Env {
        network: &TestNetwork,
        now: ctx.wall,
        account_secret: key,
        authenticate_url: intents::authenticate_url(ctx, intent.id(), intent.client_secret()),
        charge_id: new_id::<Charge>(),
    }
}

/// What a transition is applied over: the versions its objects were read at (`None`: made by
/// this request), and the writes that must come before its own (the intent's creation event).
#[derive(Default)]
pub struct Base {
    pub intent_version: Option<i64>,
    /// The version of an existing charge the transition changes (a capture, a cancel).
    pub charge_version: Option<i64>,
    pub prior: Vec<Write>,
    /// A confirmation's `mandate_data` (or its token's): recorded by the mandate of a debit
    /// it submits.
    pub mandate_data: Option<Value>,
}

/// Turns a transition that is not a confirmation (a capture, a cancel) into writes and the
/// answer.
pub async fn apply_transition<I: Intent>(
    ctx: &Ctx,
    transition: Transition<I>,
    base: Base,
    expand: &Expand,
) -> Result<Effect, ApiError> {
    let outcome = Confirmation {
        transition,
        effects: Effects::default(),
    };
    apply(ctx, outcome, base, None, expand).await
}

/// Turns a confirmation's outcome into writes (facts, payment method, token, intent, charge,
/// events) and the answer. `source` is the payment method (and token) it used.
async fn apply<I: Intent>(
    ctx: &Ctx,
    outcome: Confirmation<I>,
    base: Base,
    source: Option<Source>,
    expand: &Expand,
) -> Result<Effect, ApiError> {
    let Confirmation {
        transition,
        effects,
    } = outcome;
    let Transition {
        intent,
        charge,
        events,
        error,
        settles_later,
        ..
    } = transition;
    let reusable =
        effects.payment_method.attach_to.is_some() || effects.payment_method.set_up_for_off_session;
    let mut writes = base.prior;
    if effects.record_authentication
        && let Some(pm) = intent.view().payment_method
    {
        writes.push(facts::record_authentication(ctx, intent.id(), pm).await?);
    }
    let mut attached = None;
    if let Some(Source {
        payment_method: mut pm,
        token,
    }) = source
    {
        let (fact, event) =
            apply_payment_method_effects(ctx, &mut pm, &effects.payment_method).await?;
        writes.extend(fact);
        attached = event;
        if pm.version.is_none() {
            writes.extend(pm.new_writes(ctx)?);
        } else if pm.spent || attached.is_some() {
            writes.push(pm.write(ctx)?);
        }
        if let Some(mut token) = token.filter(|_| effects.link_token) {
            intent.link_token(&mut token.object);
            writes.push(token.update(ctx.account_id())?);
        }
    }
    // Each object is serialized once; its record, its events and the answer share the text.
    let intent_json = to_json(&intent)?;
    writes.push(persist_json(
        ctx.account_id(),
        &intent,
        base.intent_version,
        &intent_json,
    ));
    let charge_json = charge.as_ref().map(to_json).transpose()?;
    if let (Some(charge), Some(json)) = (&charge, &charge_json) {
        writes.push(persist_json(
            ctx.account_id(),
            charge,
            base.charge_version,
            json,
        ));
    }
    for (kind, subject) in events {
        let object = match (subject, &charge_json) {
            (EventSubject::Intent, _) => intent_json.clone(),
            (EventSubject::Charge, Some(json)) => json.clone(),
            (EventSubject::Charge, None) => to_json(&Value::Null)?,
        };
        writes.push(ctx.event_json(kind, object, None)?);
    }
    writes.extend(attached);
    if let Some(timing) = settles_later {
        // A submitted debit's new charge names its mandate: stored with it.
        if let Some(charge) = charge.as_ref().filter(|_| base.charge_version.is_none())
            && let Some(mandate) = tender_core::mandate::for_debit(
                charge,
                base.mandate_data.as_ref(),
                reusable,
                &ctx.origin,
                ctx.wall,
            )
        {
            writes.push(insert(ctx.account_id(), &mandate)?);
        }
        let customer = intent.view().customer.map(String::as_str);
        settle_later::schedule_payment(ctx, intent.id(), customer, timing, &mut writes).await?;
    }
    if let Some((invoice, status)) = intent.invoice_payment()
        && let Some(outcome) = settle::outcome_of(status, error.is_some())
    {
        let payment_method = intent.view().payment_method;
        settle::settle_invoice(ctx, invoice, outcome, payment_method, &mut writes).await?;
    }
    if intent.is_successful_setup() {
        let payment_method = intent.view().payment_method;
        pending_setup::complete(ctx, intent.id(), payment_method, &mut writes).await?;
    }
    // The secret key's answer without expansions is the intent as stored.
    if error.is_none() && ctx.key == KeyKind::Secret && expand.is_empty() {
        return Ok(Effect::ok_json(intent_json.get().to_owned(), writes));
    }
    let rendered = render_intent(ctx, &intent, expand, &writes).await?;
    Ok(match error {
        None => Effect::ok(rendered, writes),
        Some(error) => Effect::error(&error.with_embedded(I::KIND.object(), rendered), writes),
    })
}
