//! "Finalize payments on the server": the page sends a ConfirmationToken and its cart; the
//! server prices the cart, runs the business rules on the token's payment method preview,
//! and only then creates and confirms the PaymentIntent. Also the review step of the
//! two-step confirmation, which shows the same token's card before the customer confirms.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use stripe_payment::ConfirmationToken;
use stripe_shared::{PaymentIntent, PaymentIntentStatus};

use super::{App, Failure, returning};
use crate::catalog::{Cart, Quote, payment_method_types, price};
use crate::orders::Order;
use crate::payments::{self, CardSummary, NewPayment, PaymentError};
use crate::rules::{self, Refusal};

/// The page's request. There is deliberately no `amount`: a client-sent amount would be
/// ignored anyway (unknown fields are), the cart is priced here.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfirmRequest {
    confirmation_token_id: String,
    cart: Cart,
    /// The order of an earlier failed attempt: a retry pays the same order.
    #[serde(default)]
    order_id: Option<String>,
    /// `server-confirm` (one page) or `two-step` (review page).
    #[serde(default)]
    flow: Option<String>,
}

/// The guide's answer: what `handleNextAction` needs, plus the order to show afterwards.
#[derive(Serialize)]
pub struct ConfirmAnswer {
    client_secret: Option<String>,
    status: String,
    order_id: String,
}

pub async fn create_confirm_intent(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Json(request): Json<ConfirmRequest>,
) -> Result<Json<ConfirmAnswer>, Failure> {
    let quote = price(&request.cart)?;
    let token = checked_token(&app, &request.confirmation_token_id, &quote).await?;
    let flow = match request.flow.as_deref() {
        Some("two-step") => "two-step",
        _ => "server-confirm",
    };
    let order = order_for_attempt(&app, request.order_id.as_deref(), flow, &quote).await?;
    let return_url = app.order_url(&order.id);
    let customer = returning::customer_of(&app, &headers).await?;
    let payment = NewPayment {
        amount: quote.total,
        currency: &quote.currency,
        order_id: &order.id,
        confirmation_token: token.id.as_str(),
        return_url: &return_url,
        customer: customer.as_deref(),
        payment_method_types: payment_method_types(&quote.currency),
    };
    match attempt(&app, &order, &payment).await {
        Ok(intent) => {
            app.orders
                .attach_intent(&order.id, &intent.id, None)
                .await?;
            Ok(Json(ConfirmAnswer {
                client_secret: intent.client_secret,
                status: intent.status.as_str().to_owned(),
                order_id: order.id,
            }))
        }
        Err(error) => {
            if let PaymentError::Declined {
                payment_intent: Some(intent),
                message,
                ..
            } = &error
            {
                // The declined intent is reused by the next attempt.
                app.orders
                    .attach_intent(&order.id, intent, Some(message))
                    .await?;
            }
            Err(Failure::from(error).for_order(&order.id))
        }
    }
}

/// Retrieves the token with the secret key and runs every rule on it. Nothing is created
/// before this passes: a refused payment leaves no order and no PaymentIntent behind.
async fn checked_token(
    app: &App,
    token_id: &str,
    quote: &Quote,
) -> Result<ConfirmationToken, Failure> {
    // The amount rule first: it needs no API call.
    rules::check_amount(&app.rules, quote.total, &quote.currency)?;
    let token = app.gateway.confirmation_token(token_id).await?;
    let instrument = payments::instrument(&token).ok_or_else(|| Refusal {
        code: "payment_method_unreadable",
        message: "We could not read your payment details. Please enter them again.".to_owned(),
    })?;
    rules::check_instrument(&app.rules, &instrument)?;
    Ok(token)
}

/// The pending order this attempt pays: the earlier attempt's if the page sent one, else new.
async fn order_for_attempt(
    app: &App,
    order_id: Option<&str>,
    flow: &str,
    quote: &Quote,
) -> Result<Order, Failure> {
    if let Some(id) = order_id
        && let Some(order) = app.orders.get(id).await?
    {
        if order.status != "pending" {
            return Err(Failure::from(already_paid()).for_order(id));
        }
        app.orders.reprice(id, quote).await?;
        return Ok(order);
    }
    Ok(app.orders.create(flow, quote).await?)
}

/// One PaymentIntent per order at a time: an intent whose attempt failed is confirmed again
/// with the new token; one left waiting for authentication is canceled first, so that it
/// cannot succeed later next to the new one.
async fn attempt(
    app: &App,
    order: &Order,
    payment: &NewPayment<'_>,
) -> Result<PaymentIntent, PaymentError> {
    if let Some(id) = &order.payment_intent {
        let intent = app.gateway.payment_intent(id).await?;
        match intent.status {
            PaymentIntentStatus::RequiresPaymentMethod => {
                return app.gateway.reconfirm(&intent, payment).await;
            }
            PaymentIntentStatus::RequiresConfirmation | PaymentIntentStatus::RequiresAction => {
                app.gateway.cancel(id).await?;
            }
            PaymentIntentStatus::Canceled => {}
            _ => return Err(already_paid()),
        }
    }
    app.gateway.create_and_confirm(payment).await
}

fn already_paid() -> PaymentError {
    PaymentError::Refused {
        status: 409,
        message: "This order is already paid.".to_owned(),
        code: Some("order_already_paid".to_owned()),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewRequest {
    confirmation_token_id: String,
    cart: Cart,
}

#[derive(Serialize)]
pub struct Review {
    quote: Quote,
    card: Option<CardSummary>,
    /// Set when the rules would refuse this payment: the page says so before "Pay".
    refusal: Option<String>,
}

/// The two-step confirmation's review page: the priced cart and the card the customer
/// entered on the previous page, read from the ConfirmationToken.
pub async fn review(
    State(app): State<Arc<App>>,
    Json(request): Json<ReviewRequest>,
) -> Result<Json<Review>, Failure> {
    let quote = price(&request.cart)?;
    let token = app
        .gateway
        .confirmation_token(&request.confirmation_token_id)
        .await?;
    let refusal = match payments::instrument(&token) {
        Some(instrument) => {
            rules::check(&app.rules, &instrument, quote.total, &quote.currency).err()
        }
        None => None,
    };
    Ok(Json(Review {
        card: payments::describe(&token),
        quote,
        refusal: refusal.map(|r| r.message),
    }))
}
