//! The billing sections' pages (subscriptions, invoices, test clocks) and the routes of the
//! forms in `commands`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use axum::routing::{get, post};

use super::session::Signed;
use super::{commands, listed, pages, query_fields, shown};
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/dashboard/subscriptions", get(subscriptions))
        .route("/dashboard/subscriptions/{id}", get(subscription))
        .route("/dashboard/invoices", get(invoices))
        .route("/dashboard/invoices/{id}", get(invoice))
        .route("/dashboard/test_clocks", get(clocks))
        .route("/dashboard/test_clocks/{id}", get(clock))
        .route(
            "/dashboard/test_clocks/{id}/advance",
            post(commands::advance),
        )
        .route("/dashboard/events/{id}/resend", post(commands::resend))
}

async fn subscriptions(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    RawQuery(q): RawQuery,
) -> Response {
    let result =
        pages::subscriptions::list(state.store.as_ref(), &session.account.id, &query_fields(q))
            .await;
    listed("Subscriptions", "Subscriptions", &session, result)
}

async fn subscription(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    Path(id): Path<String>,
) -> Response {
    let content = pages::subscriptions::detail(state.store.as_ref(), &session, &id).await;
    shown("Subscription", "Subscriptions", &session, content)
}

async fn invoices(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    RawQuery(q): RawQuery,
) -> Response {
    let result =
        pages::invoices::list(state.store.as_ref(), &session.account.id, &query_fields(q)).await;
    listed("Invoices", "Invoices", &session, result)
}

async fn invoice(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    Path(id): Path<String>,
) -> Response {
    let content = pages::invoices::detail(state.store.as_ref(), &session.account.id, &id).await;
    shown("Invoice", "Invoices", &session, content)
}

async fn clocks(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    RawQuery(q): RawQuery,
) -> Response {
    let result =
        pages::clocks::list(state.store.as_ref(), &session.account.id, &query_fields(q)).await;
    listed("Test clocks", "Test clocks", &session, result)
}

async fn clock(
    State(state): State<Arc<AppState>>,
    Signed(session): Signed,
    Path(id): Path<String>,
) -> Response {
    let content = pages::clocks::detail(state.store.as_ref(), &session, &id).await;
    shown("Test clock", "Test clocks", &session, content)
}
