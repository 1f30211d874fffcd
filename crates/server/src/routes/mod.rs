//! One module per resource; each exposes `routes()`.

mod account_reset;
mod authenticate;
mod browser_sdk;
mod charges;
mod confirmation_tokens;
mod customer_sessions;
mod customers;
mod events;
mod faults;
mod invoice_items;
mod invoice_payments;
mod invoices;
mod mandates;
mod payment_intents;
mod payment_methods;
mod prices;
mod products;
mod refunds;
mod search;
mod setup_intents;
mod subscription_items;
mod subscriptions;
mod tender_clock;
mod test_clocks;
mod tokens;
mod webhook_endpoints;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub(crate) use events::retry as retry_event;
/// The commands the dashboard's actions run: the API's own, so that a refund from the
/// dashboard is the refund the API makes (`dashboard::actions`).
pub(crate) use payment_intents::Capture as CapturePaymentIntent;
pub(crate) use refunds::Create as CreateRefund;
pub(crate) use test_clocks::Advance as AdvanceTestClock;
pub(crate) use webhook_endpoints::{
    Create as CreateWebhookEndpoint, Delete as DeleteWebhookEndpoint,
    Update as UpdateWebhookEndpoint,
};

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(customers::routes())
        .merge(customer_sessions::routes())
        .merge(payment_methods::routes())
        .merge(events::routes())
        .merge(charges::routes())
        .merge(mandates::routes())
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
        .merge(subscriptions::routes())
        .merge(subscription_items::routes())
        .merge(invoices::routes())
        .merge(invoice_payments::routes())
        .merge(invoice_items::routes())
        .merge(tender_clock::routes())
        .merge(test_clocks::routes())
        .merge(search::routes())
        .merge(faults::routes())
        .merge(crate::dashboard::routes())
        .merge(account_reset::routes())
}
