//! What the PaymentIntent and SetupIntent code shares, written once for both (over
//! [`Intent`], in `intent_kinds`):
//! rendering (the publishable view), state errors, loading with a client secret, the hosted
//! authentication page's address, and loading the payment method a confirmation uses (core's
//! `confirmation` module decides which). So the two intents answer alike.

use serde_json::{Map, Value};
use subtle::ConstantTimeEq;
use tender_core::confirmation::{self, ConfirmRequest, PaymentMethodSource};
use tender_core::confirmation_token::StoredConfirmationToken;
use tender_core::payment_method::{PaymentMethod, PaymentMethodCreate};
use tender_store::Write;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn};

use crate::ctx::Ctx;
use crate::http::KeyKind;
use crate::render::expand;
use crate::resources::{Loaded, new_id, to_value};
use crate::services::payment_methods::NamedPaymentMethod;
use crate::services::tokens;

pub use crate::services::intent_kinds::{Intent, latest_charge};
pub use tender_core::confirmation::IntentKind;

/// The intent as the caller may see it: publishable keys get Stripe's reduced field set,
/// without what a browser may not read of its payment methods.
pub async fn render_intent<I: Intent>(
    ctx: &Ctx,
    intent: &I,
    paths: &Expand,
    pending: &[Write],
) -> Result<Value, ApiError> {
    let mut value = to_value(intent)?;
    if ctx.key == KeyKind::Publishable {
        value = publishable_subset(value, I::PUBLISHABLE_FIELDS);
        check_publishable_expand(paths)?;
    }
    expand(ctx, &mut value, paths, pending).await?;
    if ctx.key == KeyKind::Publishable {
        redact_payment_methods(&mut value, I::LAST_ERROR);
    }
    Ok(value)
}

/// Stripe names the intent in errors about its state (`error.payment_intent`,
/// `error.setup_intent`), so that a client can see why; other errors pass unchanged.
pub async fn state_error<I: Intent>(ctx: &Ctx, intent: &I, error: ApiError) -> ApiError {
    let object = I::KIND.object();
    if error.code.as_deref() != Some(format!("{object}_unexpected_state").as_str()) {
        return error;
    }
    match render_intent(ctx, intent, &Expand::default(), &[]).await {
        Ok(rendered) => error.with_embedded(object, rendered),
        Err(_) => error,
    }
}

/// Loads an intent named in the URL; with a publishable key the request must carry its
/// client secret.
pub async fn load_intent<I: Intent>(
    ctx: &Ctx,
    id: &str,
    client_secret: Option<&str>,
) -> Result<Loaded<I>, ApiError> {
    let loaded = ctx.load::<I>(id, IdIn::Url("intent")).await?;
    if ctx.key == KeyKind::Publishable {
        check_client_secret(I::KIND, loaded.object.client_secret(), client_secret)?;
    }
    Ok(loaded)
}

/// Keeps only the fields a publishable key may read.
fn publishable_subset(value: Value, fields: &[&str]) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .into_iter()
                .filter(|(key, _)| fields.contains(&key.as_str()))
                .collect::<Map<String, Value>>(),
        ),
        other => other,
    }
}

/// Refuses what a publishable key may not expand on an intent. Stripe.js expands the payment
/// method (spec §3.9); anything else, or anything below it (its customer), would reach objects
/// that the client secret does not open.
fn check_publishable_expand(paths: &Expand) -> Result<(), ApiError> {
    for field in paths.fields() {
        let below = paths.under(field);
        let refused = match below.fields().first() {
            Some(next) => format!("{field}.{next}"),
            None if field == "payment_method" => continue,
            None => field.to_owned(),
        };
        return Err(ApiError::invalid_request(format!(
            "This property cannot be expanded ({refused})."
        ))
        .with_param("expand"));
    }
    Ok(())
}

/// Removes from a publishable view of an intent what a browser may not read of the payment
/// methods it carries (expanded, or inside the last error): their `metadata`, which Stripe
/// redacts from publishable-key responses, and the card's `fingerprint`, which would let a
/// page track a card across sites.
fn redact_payment_methods(intent: &mut Value, last_error: &str) {
    let redact = |pm: Option<&mut Value>| {
        let Some(pm) = pm.and_then(Value::as_object_mut) else {
            return;
        };
        pm.remove("metadata");
        if let Some(card) = pm.get_mut("card").and_then(Value::as_object_mut) {
            card.remove("fingerprint");
        }
    };
    redact(intent.get_mut("payment_method"));
    redact(
        intent
            .get_mut(last_error)
            .and_then(|e| e.get_mut("payment_method")),
    );
}

/// A publishable key must name the intent's `client_secret`. Checked while parsing, so that
/// leaving it out is a parameter error that is not saved under the idempotency key: the
/// retry that adds it must run, not replay the refusal.
pub fn require_client_secret(ctx: &Ctx, given: Option<&str>) -> Result<(), ApiError> {
    if ctx.key == KeyKind::Publishable && given.is_none() {
        return Err(ApiError::missing_parameter("client_secret"));
    }
    Ok(())
}

/// Compares a client secret in constant time.
pub fn check_client_secret(
    kind: IntentKind,
    expected: &str,
    given: Option<&str>,
) -> Result<(), ApiError> {
    let Some(given) = given else {
        return Err(ApiError::missing_parameter("client_secret"));
    };
    if bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
        Ok(())
    } else {
        Err(ApiError::invalid_request(format!(
            "The client_secret provided does not match the client_secret associated with the \
             {}.",
            kind.name()
        ))
        .with_param("client_secret")
        .with_code(format!("{}_invalid_parameter", kind.object())))
    }
}

/// The hosted page where the customer completes 3D Secure for an intent.
pub fn authenticate_url(ctx: &Ctx, intent: &str, client_secret: &str) -> String {
    format!(
        "{}/authenticate/{}/{intent}?client_secret={client_secret}",
        ctx.origin,
        ctx.account_id(),
    )
}

/// The ConfirmationToken a confirmation names, loaded and checked still usable.
pub async fn load_token(
    ctx: &Ctx,
    token_id: Option<&str>,
) -> Result<Option<Loaded<StoredConfirmationToken>>, ApiError> {
    let Some(token_id) = token_id else {
        return Ok(None);
    };
    let loaded = ctx
        .load::<StoredConfirmationToken>(token_id, IdIn::Param("confirmation_token"))
        .await?;
    loaded.object.check_usable(ctx.now)?;
    Ok(Some(loaded))
}

/// Finds the payment method of a confirmation (see [`choose_payment_method`]) given its
/// token, whose values the caller has already written onto the intent.
pub async fn resolve_source(
    ctx: &Ctx,
    kind: IntentKind,
    token: Option<Loaded<StoredConfirmationToken>>,
    request: &ConfirmRequest,
    on_intent: Option<&str>,
) -> Result<Source, ApiError> {
    let from_token = match &token {
        Some(token) => Some(token_payment_method(ctx, &token.object).await?),
        None => None,
    };
    let payment_method = choose_payment_method(
        ctx,
        kind,
        request.payment_method.as_deref(),
        request.payment_method_data.as_ref(),
        from_token,
        on_intent,
    )
    .await?;
    Ok(Source {
        payment_method,
        token,
    })
}

/// The payment method a ConfirmationToken carries: the stored one it names, or a new one
/// minted from its preview (confirming with a token creates a new `pm_…`, spec §4.3).
async fn token_payment_method(
    ctx: &Ctx,
    token: &StoredConfirmationToken,
) -> Result<NamedPaymentMethod, ApiError> {
    if let Some(stored) = &token.stored_payment_method {
        return NamedPaymentMethod::resolve(ctx, stored, IdIn::Param("confirmation_token")).await;
    }
    let mut pm = token.payment_method.clone();
    pm.id = new_id::<PaymentMethod>();
    pm.created = ctx.now;
    Ok(NamedPaymentMethod {
        object: pm,
        version: None,
        spent: false,
        redeemed_token: None,
    })
}

/// Loads the payment method a confirmation uses, as core's precedence chooses it
/// ([`confirmation::choose_payment_method`]).
async fn choose_payment_method(
    ctx: &Ctx,
    kind: IntentKind,
    payment_method: Option<&str>,
    payment_method_data: Option<&PaymentMethodCreate>,
    from_token: Option<NamedPaymentMethod>,
    on_intent: Option<&str>,
) -> Result<NamedPaymentMethod, ApiError> {
    let chosen = confirmation::choose_payment_method(
        kind,
        payment_method,
        payment_method_data,
        from_token,
        on_intent,
    )?;
    match chosen {
        PaymentMethodSource::Named(id) | PaymentMethodSource::OnIntent(id) => {
            NamedPaymentMethod::resolve(ctx, id, IdIn::Param("payment_method")).await
        }
        PaymentMethodSource::Data(data) => mint(ctx, data).await,
        PaymentMethodSource::Token(named) => Ok(named),
    }
}

/// A new payment method from `payment_method_data`; a stored card token in it
/// (`payment_method_data[card][token]`) is redeemed.
pub async fn mint(ctx: &Ctx, data: &PaymentMethodCreate) -> Result<NamedPaymentMethod, ApiError> {
    if let Some((pm, token_write)) = tokens::redeem(ctx, data).await? {
        return Ok(NamedPaymentMethod {
            object: pm,
            version: None,
            spent: false,
            redeemed_token: Some(token_write),
        });
    }
    let pm = data.clone().into_payment_method(
        new_id::<PaymentMethod>(),
        &ctx.fingerprint_key(),
        ctx.now,
    )?;
    Ok(NamedPaymentMethod {
        object: pm,
        version: None,
        spent: false,
        redeemed_token: None,
    })
}

/// The payment method a create or update names by `payment_method` or
/// `payment_method_data`, if any: resolved (a test id mints one) so that a bad id fails the
/// request, as on Stripe.
pub async fn named_payment_method(
    ctx: &Ctx,
    payment_method: Option<&str>,
    payment_method_data: Option<&PaymentMethodCreate>,
) -> Result<Option<NamedPaymentMethod>, ApiError> {
    match (payment_method, payment_method_data) {
        (Some(pm), _) => Ok(Some(
            NamedPaymentMethod::resolve(ctx, pm, IdIn::Param("payment_method")).await?,
        )),
        (None, Some(data)) => Ok(Some(mint(ctx, data).await?)),
        (None, None) => Ok(None),
    }
}

/// The payment method a confirmation charges, and how it came to be named.
pub struct Source {
    pub payment_method: NamedPaymentMethod,
    /// The token used, to be marked as used.
    pub token: Option<Loaded<StoredConfirmationToken>>,
}
