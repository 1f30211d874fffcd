//! "Save a card for later": the Payment Element in setup mode makes a ConfirmationToken, the
//! server checks the card against the rules, creates a Customer and a SetupIntent confirmed
//! with the token (3D Secure, if the bank asks, through `handleNextAction`). Later, with the
//! customer away, the shop charges the saved card off-session.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use stripe_shared::SetupIntentStatus;

use super::{App, Failure};
use crate::catalog::{Cart, price};
use crate::payments::{self, PaymentError, SavedPayment};
use crate::rules::{self, Refusal};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupRequest {
    confirmation_token_id: String,
    #[serde(default)]
    email: Option<String>,
}

#[derive(Serialize)]
pub struct SetupAnswer {
    client_secret: Option<String>,
    status: String,
    saved_card_id: String,
}

pub async fn create_confirm_setup(
    State(app): State<Arc<App>>,
    Json(request): Json<SetupRequest>,
) -> Result<Json<SetupAnswer>, Failure> {
    let token = app
        .gateway
        .confirmation_token(&request.confirmation_token_id)
        .await?;
    let instrument = payments::instrument(&token).ok_or_else(|| Refusal {
        code: "payment_method_unreadable",
        message: "We could not read your card details. Please enter them again.".to_owned(),
    })?;
    rules::check_instrument(&app.rules, &instrument)?;

    let email = request.email.as_deref().filter(|e| !e.trim().is_empty());
    let customer = app.gateway.create_customer(email).await?;
    let return_url = format!("{}/save-card", app.public_url);
    let intent = app
        .gateway
        .create_and_confirm_setup(&customer, token.id.as_str(), &return_url)
        .await?;
    let card = app.orders.save_card(&customer, &intent.id).await?;
    Ok(Json(SetupAnswer {
        client_secret: intent.client_secret,
        status: intent.status.as_str().to_owned(),
        saved_card_id: card.id,
    }))
}

#[derive(Serialize)]
pub struct ChargeAnswer {
    status: String,
    order_id: String,
}

/// Charges the saved card for `cart`, the customer not being there: a new order, paid (like
/// every order) only when the webhook says so.
pub async fn charge_saved_card(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Json(cart): Json<Cart>,
) -> Result<Json<ChargeAnswer>, Failure> {
    let quote = price(&cart)?;
    rules::check_amount(&app.rules, quote.total, &quote.currency)?;
    let saved = app
        .orders
        .saved_card(&id)
        .await?
        .ok_or_else(|| Failure::not_found("saved card"))?;
    // The SetupIntent, read from the API, is the truth about what was saved.
    let setup = app.gateway.setup_intent(&saved.setup_intent).await?;
    let payment_method = match (&setup.status, &setup.payment_method) {
        (SetupIntentStatus::Succeeded, Some(pm)) => pm.id().to_string(),
        _ => {
            return Err(Failure::new(
                StatusCode::CONFLICT,
                "card_not_saved",
                "This card was not saved: finish saving it first.",
            ));
        }
    };
    let order = app.orders.create("saved-card", &quote).await?;
    let return_url = app.order_url(&order.id);
    let payment = SavedPayment {
        customer: &saved.customer,
        payment_method: &payment_method,
        order_id: &order.id,
        return_url: &return_url,
    };
    match app
        .gateway
        .charge_saved_card(&payment, quote.total, &quote.currency)
        .await
    {
        Ok(intent) => {
            app.orders
                .attach_intent(&order.id, &intent.id, None)
                .await?;
            Ok(Json(ChargeAnswer {
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
                app.orders
                    .attach_intent(&order.id, intent, Some(message))
                    .await?;
            }
            Err(Failure::from(error).for_order(&order.id))
        }
    }
}
