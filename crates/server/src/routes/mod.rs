//! One module per resource; each exposes `routes()`.

mod authenticate;
mod browser_sdk;
mod charges;
mod confirmation_tokens;
mod customers;
mod events;
mod faults;
mod payment_intents;
mod payment_methods;
mod prices;
mod products;
mod refunds;
mod search;
mod setup_intents;
mod test_clock;
mod tokens;
mod webhook_endpoints;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(customers::routes())
        .merge(payment_methods::routes())
        .merge(events::routes())
        .merge(charges::routes())
        .merge(refunds::routes())
        .merge(payment_intents::routes())
        .merge(setup_intents::routes())
        .merge(confirmation_tokens::routes())
        .merge(tokens::routes())
        .merge(authenticate::routes())
        .merge(browser_sdk::routes())
        .merge(webhook_endpoints::routes())
        .merge(products::routes())
        .merge(prices::routes())
        .merge(test_clock::routes())
        .merge(search::routes())
        .merge(faults::routes())
}
