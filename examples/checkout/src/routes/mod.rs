//! The shop's HTTP surface: pages, the JSON endpoints the pages call, and the webhook.

mod client_confirm;
mod returning;
mod server_confirm;
mod setup;
mod shop;
mod subscribe;
mod webhook;

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use crate::catalog::CartError;
use crate::orders::{Orders, OrdersError};
use crate::pages::Pages;
use crate::payments::{Gateway, PaymentError};
use crate::rules::{Refusal, Rules};
use crate::subscriptions::Plan;

/// What every handler shares.
pub struct App {
    pub gateway: Gateway,
    pub orders: Orders,
    pub rules: Rules,
    pub webhook_secret: String,
    /// The shop's address as the customer's browser reaches it, without a trailing `/`.
    pub public_url: String,
    pub pages: Pages,
    /// The membership plan's Price, found or created once (`App::plan`).
    pub plan: tokio::sync::OnceCell<Plan>,
}

impl App {
    /// Where a customer lands after paying (and after a redirect-based payment method).
    pub fn order_url(&self, order_id: &str) -> String {
        format!("{}/orders/{order_id}", self.public_url)
    }

    /// The manage page of a membership, where the customer lands after subscribing.
    pub fn membership_url(&self, membership_id: &str) -> String {
        format!("{}/membership/{membership_id}", self.public_url)
    }

    /// The plan, from the API the first time it is asked for (at start, see `crate::serve`);
    /// a failure is not remembered, the next caller tries again.
    pub async fn plan(&self) -> Result<Plan, PaymentError> {
        self.plan
            .get_or_try_init(|| self.gateway.ensure_plan())
            .await
            .cloned()
    }
}

pub fn router(app: Arc<App>) -> Router {
    let pages = app.pages.routes();
    let api = Router::new()
        .route("/orders/{id}", get(shop::order_page))
        .route("/api/catalog", get(shop::catalog))
        .route("/api/quote", post(shop::quote))
        .route("/api/orders/{id}", get(shop::order))
        // The guide's endpoint name, so the guide's client code reads the same.
        .route(
            "/create-confirm-intent",
            post(server_confirm::create_confirm_intent),
        )
        .route("/api/review", post(server_confirm::review))
        .route("/api/customer-session", post(returning::customer_session))
        .route("/api/create-intent", post(client_confirm::create_intent))
        .route("/create-confirm-setup", post(setup::create_confirm_setup))
        .route(
            "/api/saved-cards/{id}/charge",
            post(setup::charge_saved_card),
        )
        .route("/api/plan", get(subscribe::plan))
        .route(
            "/create-confirm-subscription",
            post(subscribe::create_confirm_subscription),
        )
        .route("/membership/{id}", get(subscribe::membership_page))
        .route("/api/memberships/{id}", get(subscribe::membership))
        .route("/api/memberships/{id}/cancel", post(subscribe::cancel))
        .route("/api/memberships/{id}/advance", post(subscribe::advance))
        .route(
            "/api/memberships/{id}/fail-card",
            post(subscribe::fail_card),
        )
        .route("/webhook", post(webhook::receive))
        .with_state(app.clone());
    pages.merge(api).fallback(move || {
        let app = app.clone();
        async move { app.pages.not_found() }
    })
}

/// An error answer the pages show: `{error: {message, code, decline_code}, order_id}`, with
/// `membership_id` instead of `order_id` on the membership's endpoints.
#[derive(Debug)]
pub struct Failure {
    status: StatusCode,
    message: String,
    code: Option<String>,
    decline_code: Option<String>,
    order_id: Option<String>,
    membership_id: Option<String>,
}

impl Failure {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: message.into(),
            code: Some(code.to_owned()),
            decline_code: None,
            order_id: None,
            membership_id: None,
        }
    }

    /// Tells the page which order the attempt belonged to, so a retry pays the same order.
    pub fn for_order(mut self, order_id: &str) -> Failure {
        self.order_id = Some(order_id.to_owned());
        self
    }

    /// Tells the page which membership the attempt belonged to: a retry pays its invoice.
    pub fn for_membership(mut self, membership_id: &str) -> Failure {
        self.membership_id = Some(membership_id.to_owned());
        self
    }

    pub fn not_found(what: &str) -> Failure {
        Failure::new(
            StatusCode::NOT_FOUND,
            "resource_missing",
            format!("No such {what}."),
        )
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut body = json!({
            "error": {
                "message": self.message,
                "code": self.code,
                "decline_code": self.decline_code,
            },
            "order_id": self.order_id,
        });
        if let Some(membership_id) = self.membership_id {
            body["membership_id"] = json!(membership_id);
        }
        (self.status, Json(body)).into_response()
    }
}

impl From<CartError> for Failure {
    fn from(error: CartError) -> Failure {
        Failure::new(StatusCode::BAD_REQUEST, "cart_invalid", error.to_string())
    }
}

impl From<Refusal> for Failure {
    fn from(refusal: Refusal) -> Failure {
        Failure::new(StatusCode::BAD_REQUEST, refusal.code, refusal.message)
    }
}

impl From<PaymentError> for Failure {
    fn from(error: PaymentError) -> Failure {
        match error {
            PaymentError::Declined {
                message,
                code,
                decline_code,
                ..
            } => Failure {
                status: StatusCode::PAYMENT_REQUIRED,
                message,
                code,
                decline_code,
                order_id: None,
                membership_id: None,
            },
            PaymentError::Refused {
                status,
                message,
                code,
            } => Failure {
                status: StatusCode::from_u16(status)
                    .ok()
                    .filter(StatusCode::is_client_error)
                    .unwrap_or(StatusCode::BAD_REQUEST),
                message,
                code,
                decline_code: None,
                order_id: None,
                membership_id: None,
            },
            PaymentError::Unavailable(detail) => {
                tracing::error!(%detail, "payments API call failed");
                Failure::new(
                    StatusCode::BAD_GATEWAY,
                    "payments_unavailable",
                    "We could not reach the payment service. Please try again.",
                )
            }
        }
    }
}

impl From<OrdersError> for Failure {
    fn from(error: OrdersError) -> Failure {
        tracing::error!(%error, "orders database");
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong on our side. Please try again.",
        )
    }
}
