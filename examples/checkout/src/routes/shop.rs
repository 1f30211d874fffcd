//! The catalogue, cart quotes and the order page's data.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Value, json};

use super::{App, Failure};
use crate::catalog::{
    CURRENCIES, CURRENCY, Cart, MAX_QUANTITY, PRODUCTS, Quote, payment_method_types, price,
};

/// What the shop page lists. Discount codes are not listed: customers type them.
/// `payment_method_types` maps a currency to the types the shop names for it (the Payment
/// Element's `paymentMethodTypes`); a currency not listed uses automatic payment methods.
pub async fn catalog() -> Json<Value> {
    let named: serde_json::Map<String, Value> = CURRENCIES
        .iter()
        .filter_map(|c| payment_method_types(c).map(|types| ((*c).to_owned(), json!(types))))
        .collect();
    Json(json!({
        "currency": CURRENCY,
        "currencies": CURRENCIES,
        "payment_method_types": named,
        "max_quantity": MAX_QUANTITY,
        "products": PRODUCTS,
    }))
}

/// The server's price for a cart: the page shows this and feeds it to `elements.update`.
pub async fn quote(Json(cart): Json<Cart>) -> Result<Json<Quote>, Failure> {
    Ok(Json(price(&cart)?))
}

/// The order page, or the not-found page with a 404 for an order the shop does not have:
/// a mistyped or foreign order id must not look like an order that is still loading.
pub async fn order_page(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    Ok(match app.orders.get(&id).await? {
        Some(_) => app.pages.order(),
        None => app.pages.not_found(),
    })
}

/// The order, and while it is pending, its PaymentIntent's `status` as `payment_status`:
/// a bank debit is `processing` for days on Stripe (seconds on Tender), and the order page
/// says the shop is waiting for the bank rather than for the payment to be confirmed. The
/// order still turns paid only by the webhook.
pub async fn order(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, Failure> {
    let order = app
        .orders
        .get(&id)
        .await?
        .ok_or_else(|| Failure::not_found("order"))?;
    let payment_status = match (&order.payment_intent, order.status.as_str()) {
        (Some(intent), "pending") => match app.gateway.payment_intent(intent).await {
            Ok(intent) => Some(intent.status.as_str().to_owned()),
            // The page can do without it: the order's own status is what counts.
            Err(error) => {
                tracing::warn!(%error, order = %order.id, "payment status unavailable");
                None
            }
        },
        _ => None,
    };
    let mut body = serde_json::to_value(&order)
        .map_err(|e| Failure::from(crate::orders::OrdersError::Corrupt(e.to_string())))?;
    body["payment_status"] = json!(payment_status);
    Ok(Json(body))
}
