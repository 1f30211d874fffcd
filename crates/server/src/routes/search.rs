//! `GET /v1/<resource>/search` for every searchable resource (spec §1.9), all answered by
//! `services::search`. A resource becomes searchable with one line here and its fields
//! declared in `tender_core::search::fields`.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use tender_core::search::Searchable;
use tender_core::search::fields::{
    CHARGES, CUSTOMERS, INVOICES, PAYMENT_INTENTS, PRICES, PRODUCTS, SUBSCRIPTIONS,
};

use crate::http::{Api, Reply};
use crate::services::search::search;
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/charges/search", get(|api: Api| answer(api, &CHARGES)))
        .route(
            "/v1/customers/search",
            get(|api: Api| answer(api, &CUSTOMERS)),
        )
        .route(
            "/v1/payment_intents/search",
            get(|api: Api| answer(api, &PAYMENT_INTENTS)),
        )
        .route("/v1/prices/search", get(|api: Api| answer(api, &PRICES)))
        .route(
            "/v1/products/search",
            get(|api: Api| answer(api, &PRODUCTS)),
        )
        .route(
            "/v1/subscriptions/search",
            get(|api: Api| answer(api, &SUBSCRIPTIONS)),
        )
        .route(
            "/v1/invoices/search",
            get(|api: Api| answer(api, &INVOICES)),
        )
}

async fn answer(api: Api, resource: &'static Searchable) -> Reply {
    search(&api.ctx, api.params, resource).await.into()
}
