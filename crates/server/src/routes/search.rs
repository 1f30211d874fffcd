//! `GET /v1/<resource>/search` for every searchable resource (spec §1.9): one table, one
//! handler (`services::search`). A resource becomes searchable with one line here and its
//! fields declared in `tender_core::search::fields`.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use tender_core::search::Searchable;
use tender_core::search::fields::{CHARGES, CUSTOMERS, PAYMENT_INTENTS, PRICES, PRODUCTS};

use crate::http::{Api, Reply};
use crate::services::search::search;
use crate::state::AppState;

/// (URL, the stored objects' kind, their fields).
const SEARCHABLE: &[(&str, &str, Searchable)] = &[
    ("/v1/charges/search", "charge", CHARGES),
    ("/v1/customers/search", "customer", CUSTOMERS),
    (
        "/v1/payment_intents/search",
        "payment_intent",
        PAYMENT_INTENTS,
    ),
    ("/v1/prices/search", "price", PRICES),
    ("/v1/products/search", "product", PRODUCTS),
];

pub fn routes() -> Router<Arc<AppState>> {
    SEARCHABLE
        .iter()
        .fold(Router::new(), |router, (url, kind, resource)| {
            router.route(
                url,
                get(move |api: Api| async move {
                    Reply::from(search(&api.ctx, api.params, kind, url, resource).await)
                }),
            )
        })
}
