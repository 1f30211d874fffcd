//! `/v1/confirmation_tokens` (spec §4): created by the browser SDK with a publishable key,
//! read by the merchant's server, used once to confirm an intent.

use std::sync::Arc;
use tender_core::payment_method::PaymentMethod;

use axum::Router;
use axum::routing::{get, post};
use serde_json::Value;
use tender_core::confirmation_token::{
    CLIENT_EXTRAS, ConfirmationToken, ConfirmationTokenCreate, StoredConfirmationToken,
};
use tender_core::customer_session::browser_may_use;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, ClientKeys, KeyKind, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::render::expand;
use crate::resources::{insert, new_id, to_json, to_value};
use crate::services::customer_sessions::{SECRET_PARAM, live_session};
use crate::services::payment_methods::NamedPaymentMethod;
use crate::services::tokens;
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/confirmation_tokens", post(create))
        .route("/v1/confirmation_tokens/{id}", get(retrieve))
        .route(
            "/v1/test_helpers/confirmation_tokens",
            post(create_for_tests),
        )
}

struct Create {
    create: ConfirmationTokenCreate,
    expand: Expand,
    /// The browser's CustomerSession, when it names one of the customer's saved cards.
    session_secret: Option<String>,
}

impl Command for Create {
    type Path = ();

    fn parse(mut p: Params, _: (), _: &Ctx) -> Result<Self, ApiError> {
        let create = ConfirmationTokenCreate::take(&mut p)?;
        let expand = Expand::parse(&p.expand()?)?;
        let session_secret = p.string(SECRET_PARAM)?;
        p.ignore(CLIENT_EXTRAS);
        p.finish()?;
        Ok(Create {
            create,
            expand,
            session_secret,
        })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        // The browser expands nothing: the preview of a saved payment method names its
        // customer, which a publishable key must not read.
        if ctx.key == KeyKind::Publishable
            && let Some(field) = self.expand.fields().first()
        {
            return Err(ApiError::invalid_request(format!(
                "This property cannot be expanded ({field})."
            ))
            .with_param("expand"));
        }
        let mut create = self.create.clone();
        // The browser made this token: an online acceptance asking to be inferred records
        // its address and user agent, as Stripe's token shows them.
        if let Some(mandate_data) = create.mandate_data.as_mut() {
            tender_core::mandate::infer_from_client(mandate_data, &ctx.client);
        }
        let mut writes = Vec::new();
        // A stored card token is redeemed now, marked used with the new ConfirmationToken.
        let redeemed = match &create.payment_method_data {
            Some(data) => tokens::redeem(ctx, data).await?,
            None => None,
        };
        let (payment_method, stored) = match (
            redeemed,
            &create.payment_method_data,
            &create.payment_method,
        ) {
            (Some((pm, token_write)), _, _) => {
                writes.push(token_write);
                (pm, None)
            }
            (None, Some(data), _) => (
                data.clone().into_payment_method(
                    new_id::<PaymentMethod>(),
                    &ctx.fingerprint_key(),
                    ctx.now,
                )?,
                None,
            ),
            (None, None, Some(pm)) => {
                let named =
                    NamedPaymentMethod::resolve(ctx, pm, IdIn::Param("payment_method")).await?;
                if ctx.key == KeyKind::Publishable && named.version.is_some() {
                    self.check_browser_may_use(ctx, &named.object).await?;
                }
                if named.spent {
                    return Err(ApiError::invalid_request(
                        "This PaymentMethod was previously used without being attached to a \
                         Customer or was detached from a Customer, and may not be used again.",
                    )
                    .with_param("payment_method"));
                }
                // A test id mints a fresh payment method at confirmation; a stored one is
                // used as it is.
                let stored = named.version.map(|_| named.object.id.clone());
                (named.object, stored)
            }
            (None, None, None) => return Err(ApiError::missing_parameter("payment_method_data")),
        };
        let token = create.build(
            new_id::<StoredConfirmationToken>(),
            payment_method,
            stored,
            ctx.now,
        );
        writes.push(insert(ctx.account_id(), &token)?);
        if self.expand.is_empty() {
            // Serialized straight from the typed token, without a JSON tree in between.
            let shown = shown(ctx, &token);
            return Ok(Effect::ok_json(to_json(&shown)?.get().to_owned(), writes));
        }
        let mut value = to_value(&shown(ctx, &token))?;
        expand(ctx, &mut value, &self.expand, &writes).await?;
        Ok(Effect::ok(value, writes))
    }
}

impl Create {
    /// A browser names a customer's saved card only with a live CustomerSession of that
    /// customer; otherwise the card is "missing", as any object the key may not read.
    async fn check_browser_may_use(&self, ctx: &Ctx, pm: &PaymentMethod) -> Result<(), ApiError> {
        let session = match &self.session_secret {
            Some(secret) => Some(live_session(ctx, secret).await?.0),
            None => None,
        };
        if browser_may_use(pm, session.as_ref()) {
            return Ok(());
        }
        Err(ApiError::resource_missing(
            "payment_method",
            &pm.id,
            IdIn::Param("payment_method"),
        ))
    }
}

/// The token as the API shows it; the browser never sees the card's fingerprint.
fn shown(ctx: &Ctx, token: &StoredConfirmationToken) -> ConfirmationToken {
    let mut shown = token.rendered();
    if ctx.key == KeyKind::Publishable
        && let Some(card) = shown
            .payment_method_preview
            .as_mut()
            .and_then(|p| p.get_mut("card"))
            .and_then(Value::as_object_mut)
    {
        card.remove("fingerprint");
    }
    shown
}

async fn create(api: Api<ClientKeys>) -> Reply {
    mutate::<Create>(api.into(), ()).await
}

/// The test helper only takes existing payment methods (or `pm_card_*` ids), never raw card
/// numbers, as on Stripe.
async fn create_for_tests(api: Api) -> Reply {
    if api.params.contains("payment_method_data") && !api.params.contains("payment_method") {
        let error = ApiError::invalid_request(
            "Test helper ConfirmationTokens take `payment_method` (for example `pm_card_visa`); \
             raw card data is not accepted here.",
        )
        .with_param("payment_method_data");
        return Reply::error(&error);
    }
    mutate::<Create>(api.into(), ()).await
}

async fn retrieve(Path(id): Path<String>, api: Api) -> Reply {
    retrieve_token(&api.ctx, api.params, &id).await.into()
}

async fn retrieve_token(ctx: &Ctx, mut p: Params, id: &str) -> Result<Value, ApiError> {
    let paths = Expand::parse(&p.expand()?)?;
    p.finish()?;
    let token = ctx
        .load::<StoredConfirmationToken>(id, IdIn::Url("confirmation_token"))
        .await?;
    let mut value = to_value(&shown(ctx, &token.object))?;
    expand(ctx, &mut value, &paths, &[]).await?;
    Ok(value)
}
