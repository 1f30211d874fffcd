//! `POST /webhook`: the only way an order becomes paid or a membership active. The body is verified against the
//! endpoint's signing secret with async-stripe's verifier (HMAC-SHA256 over
//! `timestamp.payload`, at most five minutes old) before anything is believed; the event is
//! then applied once per event id.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use stripe_shared::{ApiErrorsType, Invoice};
use stripe_webhook::{EventObject, Webhook, WebhookError};

use super::App;
use crate::orders::{Applied, Effect};
use crate::wording;

pub async fn receive(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let Some(signature) = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
    else {
        return (StatusCode::BAD_REQUEST, "missing Stripe-Signature");
    };
    // The signature covers the exact bytes received: verify before any parsing.
    let Ok(payload) = std::str::from_utf8(&body) else {
        return (StatusCode::BAD_REQUEST, "body is not UTF-8");
    };
    let event = match Webhook::construct_event(payload, signature, &app.webhook_secret) {
        Ok(event) => event,
        Err(WebhookError::BadParse(detail)) => {
            // Authentic but unreadable: the sender renders an object async-stripe cannot
            // read. Refused so that it shows up in the sender's delivery log and is retried.
            tracing::error!(%detail, "signed webhook event could not be parsed");
            return (StatusCode::BAD_REQUEST, "unreadable event");
        }
        Err(error) => {
            tracing::warn!(%error, "webhook refused: bad signature");
            return (StatusCode::BAD_REQUEST, "invalid signature");
        }
    };

    let effect = match event.data.object {
        EventObject::PaymentIntentSucceeded(intent) => {
            intent
                .metadata
                .get("order_id")
                .map(|order_id| Effect::Paid {
                    order_id: order_id.clone(),
                    payment_intent: intent.id.to_string(),
                    amount_received: intent.amount_received,
                    currency: intent.currency.to_string(),
                })
        }
        EventObject::PaymentIntentPaymentFailed(intent) => {
            // The order page shows it to the shopper: not the API's developer wording.
            let error = intent.last_payment_error.as_ref();
            let message = wording::for_shopper(
                error.is_some_and(|e| matches!(e.type_, ApiErrorsType::CardError)),
                error.and_then(|e| e.code.as_ref()).map(|c| c.as_str()),
                error.and_then(|e| e.message.as_deref()),
            );
            intent
                .metadata
                .get("order_id")
                .map(|order_id| Effect::Failed {
                    order_id: order_id.clone(),
                    message,
                })
        }
        EventObject::InvoicePaid(invoice) => {
            subscription_of(&invoice).map(|subscription| Effect::MembershipPaid {
                subscription,
                amount_paid: invoice.amount_paid,
                currency: invoice.currency.to_string(),
            })
        }
        EventObject::InvoicePaymentFailed(invoice) => {
            subscription_of(&invoice).map(|subscription| Effect::MembershipFailed {
                subscription,
                message: wording::PAYMENT_FAILED.to_owned(),
            })
        }
        EventObject::CustomerSubscriptionDeleted(subscription) => Some(Effect::MembershipEnded {
            subscription: subscription.id.to_string(),
        }),
        // Everything else is acknowledged: a 2xx stops the sender's retries.
        _ => None,
    };
    let Some(effect) = effect else {
        return (StatusCode::OK, "ignored");
    };
    match app
        .orders
        .apply_event(event.id.as_str(), event.type_.as_str(), effect)
        .await
    {
        Ok(Applied::Done) => (StatusCode::OK, "applied"),
        Ok(Applied::Duplicate) => (StatusCode::OK, "already applied"),
        Ok(Applied::UnknownOrder) => (StatusCode::OK, "no such order"),
        Ok(Applied::AmountMismatch) => (StatusCode::OK, "amount mismatch: held for review"),
        Err(error) => {
            // Not applied and not recorded: a 5xx makes the sender retry later.
            tracing::error!(%error, event = %event.id, "webhook not applied");
            (StatusCode::INTERNAL_SERVER_ERROR, "try again")
        }
    }
}

/// The subscription an invoice bills (`parent.subscription_details.subscription`, from API
/// version `2025-03-31.basil` on); `None` for a one-off invoice.
fn subscription_of(invoice: &Invoice) -> Option<String> {
    let details = invoice.parent.as_ref()?.subscription_details.as_ref()?;
    Some(details.subscription.id().to_string())
}
