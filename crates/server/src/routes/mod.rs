//! One module per resource; each exposes `routes()`.

mod customers;
mod events;
mod list;
mod payment_methods;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;

use crate::app::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(customers::routes())
        .merge(payment_methods::routes())
        .merge(events::routes())
}
