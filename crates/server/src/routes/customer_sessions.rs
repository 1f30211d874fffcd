//! `POST /v1/customer_sessions` (secret key): a CustomerSession for one customer, whose
//! client secret the merchant hands to `stripe.elements({customerSessionClientSecret})`.
//! Stripe has no endpoint that reads a session back, nor lists them; neither does Tender.
//!
//! What the Payment Element does with the secret goes through Tender's own publishable-key
//! routes under `/v1/elements/customer_session` (Stripe.js uses its internal
//! `elements/sessions`): the saved cards it may show, and removing one. Each needs the
//! session's client secret and touches only that session's customer (decision 0015).

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::{Value, json};
use tender_core::customer_session::{CustomerSessionCreate, Toggle, redisplayed, saved_view};
use tender_core::payment_method::PaymentMethod;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::http::{Api, ClientKeys, Path, Reply};
use crate::pipeline::{Command, Effect, mutate};
use crate::render::expand;
use crate::resources::{insert, to_value};
use crate::services::customer_sessions::{
    SECRET_PARAM, live_session, new_client_secret, saved_cards, session_id,
};
use crate::services::customers::load_customer;
use crate::services::payment_methods::{NamedPaymentMethod, detach_named};
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/customer_sessions", post(create))
        .route("/v1/elements/customer_session", get(elements_session))
        .route(
            "/v1/elements/customer_session/payment_methods/{id}/detach",
            post(remove),
        )
}

struct Create {
    create: CustomerSessionCreate,
    expand: Expand,
}

impl Command for Create {
    type Path = ();

    fn parse(mut p: Params, _: (), _: &Ctx) -> Result<Self, ApiError> {
        let create = CustomerSessionCreate::take(&mut p)?;
        let expand = Expand::parse(&p.expand()?)?;
        p.finish()?;
        Ok(Create { create, expand })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        load_customer(ctx, &self.create.customer, IdIn::Param("customer")).await?;
        let secret = new_client_secret();
        let stored = self
            .create
            .clone()
            .into_session(session_id(&secret), secret, ctx.now);
        let writes = vec![insert(ctx.account_id(), &stored)?];
        let mut value = to_value(&stored.session)?;
        expand(ctx, &mut value, &self.expand, &writes).await?;
        Ok(Effect::ok(value, writes))
    }
}

async fn create(api: Api) -> Reply {
    mutate::<Create>(api.into(), ()).await
}

/// What the Payment Element needs of a session: its features and the saved cards it may
/// show (brand, last four digits, expiry; nothing else of the card or the customer).
async fn elements_session(api: Api<ClientKeys>) -> Reply {
    read_elements_session(&api.ctx, api.params).await.into()
}

async fn read_elements_session(ctx: &Ctx, mut p: Params) -> Result<Value, ApiError> {
    let secret = p.required_string(SECRET_PARAM)?;
    p.finish()?;
    let (session, features) = live_session(ctx, &secret).await?;
    let saved = saved_cards(ctx, &session.session.customer).await?;
    Ok(json!({
        "object": "elements_customer_session",
        "expires_at": session.session.expires_at,
        "features": features,
        "payment_methods": redisplayed(&features, &saved),
    }))
}

/// Removes (detaches) one of the session's customer's saved cards, when the session enables
/// `payment_method_remove`. A card of another customer, or one the session would not show,
/// is `resource_missing` as if it did not exist.
struct Remove {
    id: String,
    secret: String,
}

impl Command for Remove {
    type Path = String;

    fn parse(mut p: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        let secret = p.required_string(SECRET_PARAM)?;
        p.finish()?;
        Ok(Remove { id, secret })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let (session, features) = live_session(ctx, &self.secret).await?;
        if features.payment_method_remove != Toggle::Enabled {
            return Err(ApiError::invalid_request(
                "This CustomerSession does not allow removing payment methods: create it with \
                 `components[payment_element][features][payment_method_remove]=enabled`.",
            )
            .with_param(SECRET_PARAM));
        }
        let missing =
            || ApiError::resource_missing("payment_method", &self.id, IdIn::Url("payment_method"));
        if !self.id.starts_with("pm_") {
            return Err(missing());
        }
        // Unknown: the same `resource_missing` as `missing()`.
        let mut named =
            NamedPaymentMethod::resolve(ctx, &self.id, IdIn::Url("payment_method")).await?;
        let theirs = named.version.is_some()
            && !named.spent
            && named.object.customer.as_deref() == Some(session.session.customer.as_str())
            && features.shows(&named.object);
        if !theirs {
            return Err(missing());
        }
        let writes = detach_named(ctx, &mut named).await?;
        let shown: Option<Value> = saved_view(&named.object);
        Ok(Effect::ok(
            shown.unwrap_or_else(|| removed(&named.object)),
            writes,
        ))
    }
}

/// The answer for a removed payment method that is not a card.
fn removed(pm: &PaymentMethod) -> Value {
    json!({ "id": pm.id, "object": "payment_method" })
}

async fn remove(Path(id): Path<String>, api: Api<ClientKeys>) -> Reply {
    mutate::<Remove>(api.into(), id).await
}
