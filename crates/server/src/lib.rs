//! Tender's HTTP server.
//!
//! A request passes, in order: [`http::request_layer`] (request id, logs, standard headers) →
//! the [`http::Api`] extractor (key → account, parameters decoded) → a handler in [`routes`]
//! (one module per resource). Reads render straight from the store; writes go through
//! [`pipeline::mutate`] (idempotency, parse, execute, one atomic commit).

mod accounts;
mod app;
mod clock;
mod ctx;
mod dashboard;
mod faults;
mod housekeeping;
mod http;
mod pipeline;
mod render;
pub mod request_logs;
mod resources;
mod routes;
mod scheduler;
mod services;
mod state;
pub mod webhooks;

pub use accounts::new_account;

/// Creates the default account on an empty database, with the keys `config` fixes.
pub async fn ensure_default_account(
    store: &dyn tender_store::Store,
    config: &Config,
) -> Result<tender_store::Account, ServerError> {
    let (account, _) = accounts::ensure_default_account(
        store,
        config.secret_key.clone(),
        config.publishable_key.clone(),
    )
    .await?;
    Ok(account)
}
pub use app::{Config, Server, router};
pub use http::{Limits, RateLimit};
pub use request_logs::RequestLogConfig;
pub use state::AppState;
pub use tender_core::billing::dunning::AfterRetries;
pub use tender_core::debit::SettleSpeed;
pub use webhooks::{DispatcherConfig, RetrySchedule};

use tender_store::StoreError;
use tender_wire::ApiError;
use thiserror::Error;

/// The API version Tender renders (one superset shape for every version's SDKs).
pub const API_VERSION: &str = tender_core::event::API_VERSION;

/// Why the server could not start or stopped abnormally.
#[derive(Debug, Error)]
pub enum ServerError {
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    #[error("cannot listen on {0}: {1}")]
    Bind(String, std::io::Error),
    #[error("server failed: {0}")]
    Serve(std::io::Error),
    #[error("webhooks: {0}")]
    Webhooks(String),
}

/// The one mapping of storage failures to API errors.
pub(crate) fn store_error(error: StoreError) -> ApiError {
    match error {
        StoreError::CursorNotFound(id) => {
            ApiError::invalid_request(format!("No such object: '{id}'"))
                .with_code("resource_missing")
        }
        StoreError::Conflict { .. } => ApiError::invalid_request(
            "This object cannot be accessed right now because another API request is currently \
             accessing it. Please retry.",
        )
        .with_status(429)
        .with_code("lock_timeout"),
        other => {
            tracing::error!(error = %other, "storage failure");
            ApiError::internal()
        }
    }
}
