//! `/v1/invoice_payments` (basil): an invoice's payments. Tender makes one per invoice paid
//! through a PaymentIntent, its default payment.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use tender_core::billing::invoice_payment::InvoicePayment;
use tender_store::{BodyFilter, TagFilter};
use tender_wire::ApiError;

use crate::http::{Api, Path, Reply};
use crate::render;
use crate::resources::Resource;
use crate::services::list::list;
use crate::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/invoice_payments", get(list_payments))
        .route("/v1/invoice_payments/{id}", get(retrieve))
}

async fn retrieve(Path(id): Path<String>, api: Api) -> Reply {
    render::retrieve(&api.ctx, api.params, InvoicePayment::OBJECT, &id)
        .await
        .into()
}

async fn list_payments(api: Api) -> Reply {
    list(
        &api.ctx,
        api.params,
        InvoicePayment::OBJECT,
        "/v1/invoice_payments",
        |p, query| {
            if let Some(invoice) = p.string("invoice")? {
                query.tag = Some(TagFilter::Exact(invoice));
            }
            if let Some(mut payment) = p.object("payment")? {
                let kind = payment.required_string("type")?;
                if kind != "payment_intent" {
                    // Tender's invoices are paid through PaymentIntents only.
                    query.ids = Some(Vec::new());
                }
                query.payment_intent = payment.string("payment_intent")?;
                payment.ignore(&["payment_record"]);
                payment.finish()?;
            }
            if let Some(status) = p.enumeration("status", &["canceled", "open", "paid"])? {
                query
                    .body
                    .push(BodyFilter::equals("status", &status.into()));
            }
            Ok::<(), ApiError>(())
        },
    )
    .await
    .into()
}
