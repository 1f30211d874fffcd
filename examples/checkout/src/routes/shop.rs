//! The catalogue, cart quotes and the order page's data.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Value, json};

use super::{App, Failure};
use crate::catalog::{CURRENCY, Cart, MAX_QUANTITY, PRODUCTS, Quote, price};
use crate::orders::Order;

/// What the shop page lists. Discount codes are not listed: customers type them.
pub async fn catalog() -> Json<Value> {
    Json(json!({
        "currency": CURRENCY,
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

pub async fn order(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<Json<Order>, Failure> {
    app.orders
        .get(&id)
        .await?
        .map(Json)
        .ok_or_else(|| Failure::not_found("order"))
}
