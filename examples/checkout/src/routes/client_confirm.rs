//! The paths that confirm in the browser (`stripe.confirmPayment`): the server only prices
//! the cart, creates the pending order and an unconfirmed PaymentIntent, and hands its
//! client secret to the page. Used by "intent first" (on page load, Elements made with the
//! client secret) and "deferred, client confirmation" (after `elements.submit()`).
//!
//! No business rule can look at the payment method here — the browser confirms — which is
//! why the headline path confirms on the server. The amount rule still applies.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use stripe_shared::PaymentIntentStatus;

use super::{App, Failure};
use crate::catalog::{Cart, Quote, price};
use crate::rules;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntentRequest {
    cart: Cart,
    /// `intent-first` or `deferred-client`.
    flow: String,
    /// A pending order whose intent was declined: its intent is reused.
    #[serde(default)]
    order_id: Option<String>,
}

#[derive(Serialize)]
pub struct IntentAnswer {
    client_secret: Option<String>,
    order_id: String,
    /// What the page shows next to the Pay button: the server's total.
    quote: Quote,
    /// Where `confirmPayment` sends the customer (`return_url`).
    return_url: String,
}

pub async fn create_intent(
    State(app): State<Arc<App>>,
    Json(request): Json<IntentRequest>,
) -> Result<Json<IntentAnswer>, Failure> {
    let flow = match request.flow.as_str() {
        "intent-first" => "intent-first",
        "deferred-client" => "deferred-client",
        other => {
            return Err(Failure::new(
                StatusCode::BAD_REQUEST,
                "flow_invalid",
                format!("Unknown flow {other:?}."),
            ));
        }
    };
    let quote = price(&request.cart)?;
    rules::check_amount(&app.rules, quote.total, &quote.currency)?;

    if let Some(reused) = reuse(&app, request.order_id.as_deref(), &quote).await? {
        return Ok(Json(reused));
    }
    let order = app.orders.create(flow, &quote).await?;
    let intent = app
        .gateway
        .create_intent(quote.total, &quote.currency, &order.id)
        .await
        .map_err(|e| Failure::from(e).for_order(&order.id))?;
    app.orders
        .attach_intent(&order.id, &intent.id, None)
        .await?;
    Ok(Json(IntentAnswer {
        client_secret: intent.client_secret,
        return_url: app.order_url(&order.id),
        order_id: order.id,
        quote,
    }))
}

/// A retry after a decline: the order's intent is back in `requires_payment_method` and can
/// be confirmed again, once its amount is the cart's.
async fn reuse(
    app: &App,
    order_id: Option<&str>,
    quote: &Quote,
) -> Result<Option<IntentAnswer>, Failure> {
    let Some(order) = (match order_id {
        Some(id) => app.orders.get(id).await?,
        None => None,
    }) else {
        return Ok(None);
    };
    let Some(intent_id) = order.payment_intent.as_deref() else {
        return Ok(None);
    };
    if order.status != "pending" {
        return Ok(None);
    }
    let intent = app.gateway.payment_intent(intent_id).await?;
    if intent.status != PaymentIntentStatus::RequiresPaymentMethod || intent.amount != quote.total {
        // A changed cart gets a new order: the old intent is simply never confirmed.
        return Ok(None);
    }
    app.orders.reprice(&order.id, quote).await?;
    Ok(Some(IntentAnswer {
        client_secret: intent.client_secret,
        return_url: app.order_url(&order.id),
        order_id: order.id,
        quote: quote.clone(),
    }))
}
