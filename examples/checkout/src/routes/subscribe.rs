//! The membership: the "Create a subscription" tab of "Finalize payments on the server". The
//! page sends a ConfirmationToken made by the Payment Element in `mode: 'subscription'`; the
//! server checks the card against the rules, creates the Customer and a `default_incomplete`
//! Subscription, and confirms its first invoice's PaymentIntent with the token. The membership
//! becomes active only with the verified `invoice.paid` webhook. The manage page shows the
//! subscription and its invoices, cancels it at the end of the period, and (test mode: each
//! member is on a test clock of their own) moves the member's time a month on, or makes the
//! card on file decline, to show a renewal paid or failing.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use stripe_shared::{PaymentIntent, PaymentIntentStatus, Subscription, SubscriptionStatus};

use super::{App, Failure};
use crate::clocks::InvoiceLine;
use crate::orders::{Membership, NewMembership};
use crate::payments::{self, PaymentError};
use crate::rules::{self, Refusal};
use crate::subscriptions::{self, Plan};

pub async fn plan(State(app): State<Arc<App>>) -> Result<Json<Plan>, Failure> {
    Ok(Json(app.plan().await?))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscribeRequest {
    confirmation_token_id: String,
    #[serde(default)]
    email: Option<String>,
    /// The membership of an earlier failed attempt: a retry pays its subscription's invoice.
    #[serde(default)]
    membership_id: Option<String>,
}

/// What `handleNextAction` needs, and the membership to show afterwards.
#[derive(Serialize)]
pub struct SubscribeAnswer {
    client_secret: Option<String>,
    status: String,
    membership_id: String,
}

pub async fn create_confirm_subscription(
    State(app): State<Arc<App>>,
    Json(request): Json<SubscribeRequest>,
) -> Result<Json<SubscribeAnswer>, Failure> {
    let plan = app.plan().await?;
    // The rules first: a refused card leaves no customer and no subscription behind.
    rules::check_amount(&app.rules, plan.amount, &plan.currency)?;
    let token = app
        .gateway
        .confirmation_token(&request.confirmation_token_id)
        .await?;
    let instrument = payments::instrument(&token).ok_or_else(|| Refusal {
        code: "payment_method_unreadable",
        message: "We could not read your payment details. Please enter them again.".to_owned(),
    })?;
    rules::check_instrument(&app.rules, &instrument)?;

    let (membership, payment_intent) = match retried(&app, request.membership_id.as_deref()).await?
    {
        Some(pending) => pending,
        None => subscribe(&app, &plan, request.email.as_deref()).await?,
    };
    let return_url = app.membership_url(&membership.id);
    let confirmed = app
        .gateway
        .confirm_invoice_payment(&payment_intent, token.id.as_str(), &return_url)
        .await;
    match confirmed {
        Ok(intent) => Ok(Json(SubscribeAnswer {
            client_secret: intent.client_secret,
            status: intent.status.as_str().to_owned(),
            membership_id: membership.id,
        })),
        Err(error) => {
            if let PaymentError::Declined { message, .. } = &error {
                app.orders
                    .membership_error(&membership.id, Some(message))
                    .await?;
            }
            Err(Failure::from(error).for_membership(&membership.id))
        }
    }
}

/// A new membership: the Customer, the membership row, then the `incomplete` subscription
/// and the PaymentIntent of its first invoice.
async fn subscribe(
    app: &App,
    plan: &Plan,
    email: Option<&str>,
) -> Result<(Membership, String), Failure> {
    let email = email.map(str::trim).filter(|e| !e.is_empty());
    // On a test clock of its own, so that the manage page can move the member's time.
    let (customer, _clock) = app.gateway.create_customer_on_clock(email).await?;
    let membership = app
        .orders
        .create_membership(&NewMembership {
            customer: &customer,
            price: &plan.price,
            amount: plan.amount,
            currency: &plan.currency,
        })
        .await?;
    let subscription = app
        .gateway
        .create_subscription(&customer, &plan.price, &membership.id)
        .await
        .map_err(|e| Failure::from(e).for_membership(&membership.id))?;
    app.orders
        .attach_subscription(&membership.id, subscription.id.as_str())
        .await?;
    let payment_intent = subscriptions::first_payment_intent(&subscription)
        .ok_or_else(|| no_invoice_payment(&subscription))?;
    Ok((membership, payment_intent))
}

/// The pending membership of an earlier attempt whose first invoice can still be paid: the
/// same subscription and PaymentIntent are confirmed again with the new token, rather than a
/// second subscription left to expire. `None` when there is nothing to retry.
async fn retried(
    app: &App,
    membership_id: Option<&str>,
) -> Result<Option<(Membership, String)>, Failure> {
    let Some(id) = membership_id else {
        return Ok(None);
    };
    let Some(membership) = app.orders.membership(id).await? else {
        return Ok(None);
    };
    if membership.status != "pending" {
        return Err(Failure::new(
            StatusCode::CONFLICT,
            "membership_already_paid",
            "This membership is already paid.",
        )
        .for_membership(id));
    }
    let Some(subscription_id) = &membership.subscription else {
        return Ok(None);
    };
    let subscription = app.gateway.subscription(subscription_id).await?;
    if subscription.status != SubscriptionStatus::Incomplete {
        return Ok(None);
    }
    let Some(intent_id) = subscriptions::first_payment_intent(&subscription) else {
        return Ok(None);
    };
    let intent: PaymentIntent = app.gateway.invoice_payment_intent(&intent_id).await?;
    let payable = matches!(
        intent.status,
        PaymentIntentStatus::RequiresPaymentMethod
            | PaymentIntentStatus::RequiresConfirmation
            | PaymentIntentStatus::RequiresAction
    );
    if !payable {
        return Ok(None);
    }
    app.orders.membership_error(id, None).await?;
    Ok(Some((membership, intent_id)))
}

fn no_invoice_payment(subscription: &Subscription) -> Failure {
    tracing::error!(subscription = %subscription.id, "no PaymentIntent on the first invoice");
    Failure::new(
        StatusCode::BAD_GATEWAY,
        "payments_unavailable",
        "We could not start your membership. Please try again.",
    )
}

/// The manage page's data: the shop's membership and the subscription as the API has it.
#[derive(Serialize)]
pub struct MembershipView {
    membership: Membership,
    subscription: Option<SubscriptionView>,
}

#[derive(Serialize)]
pub struct SubscriptionView {
    id: String,
    status: String,
    current_period_end: Option<i64>,
    cancel_at_period_end: bool,
    cancel_at: Option<i64>,
    /// The member's test clock and its time, when the subscription is on one.
    test_clock: Option<String>,
    clock_time: Option<i64>,
    /// Its invoices, newest first: the first one, then one per renewal.
    invoices: Vec<InvoiceLine>,
}

impl SubscriptionView {
    /// The subscription with its clock's time and its invoices, read from the API.
    async fn read(app: &App, subscription: &Subscription) -> Result<SubscriptionView, Failure> {
        let test_clock = subscription
            .test_clock
            .as_ref()
            .map(|clock| clock.id().to_string());
        let clock_time = match &test_clock {
            Some(clock) => Some(app.gateway.clock_time(clock).await?),
            None => None,
        };
        Ok(SubscriptionView {
            id: subscription.id.to_string(),
            status: subscription.status.as_str().to_owned(),
            current_period_end: subscriptions::current_period_end(subscription),
            cancel_at_period_end: subscription.cancel_at_period_end,
            cancel_at: subscription.cancel_at,
            test_clock,
            clock_time,
            invoices: app.gateway.invoices(subscription.id.as_str()).await?,
        })
    }
}

pub async fn membership_page(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    Ok(match app.orders.membership(&id).await? {
        Some(_) => app.pages.membership(),
        None => app.pages.not_found(),
    })
}

pub async fn membership(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<Json<MembershipView>, Failure> {
    let membership = find(&app, &id).await?;
    view(&app, membership).await
}

async fn view(app: &App, membership: Membership) -> Result<Json<MembershipView>, Failure> {
    let subscription = match &membership.subscription {
        Some(sub) => {
            let subscription = app.gateway.subscription(sub).await?;
            Some(SubscriptionView::read(app, &subscription).await?)
        }
        None => None,
    };
    Ok(Json(MembershipView {
        membership,
        subscription,
    }))
}

/// Test mode: moves the member's test clock past the end of the current period, so that the
/// subscription renews (or fails to) now; the page then shows the renewal's invoice.
pub async fn advance(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<Json<MembershipView>, Failure> {
    let membership = find(&app, &id).await?;
    let subscription = app
        .gateway
        .subscription(subscription_of(&membership)?)
        .await?;
    let (Some(clock), Some(period_end)) = (
        subscription.test_clock.as_ref().map(|c| c.id().to_string()),
        subscriptions::current_period_end(&subscription),
    ) else {
        return Err(Failure::new(
            StatusCode::CONFLICT,
            "no_test_clock",
            "This membership is not on a test clock.",
        ));
    };
    app.gateway.advance_past(&clock, period_end).await?;
    view(&app, membership).await
}

/// Test mode: the card on file starts declining, so that the next renewal fails.
pub async fn fail_card(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<Json<MembershipView>, Failure> {
    let membership = find(&app, &id).await?;
    let subscription = subscription_of(&membership)?.to_owned();
    app.gateway
        .make_card_fail(&membership.customer, &subscription)
        .await?;
    view(&app, membership).await
}

fn subscription_of(membership: &Membership) -> Result<&str, Failure> {
    membership.subscription.as_deref().ok_or_else(|| {
        Failure::new(
            StatusCode::CONFLICT,
            "no_subscription",
            "This membership has no subscription.",
        )
    })
}

/// Cancels at the end of the period the member paid for (`cancel_at_period_end=true`): the
/// membership stays active until `customer.subscription.deleted` says it is over.
pub async fn cancel(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<Json<MembershipView>, Failure> {
    let membership = find(&app, &id).await?;
    let Some(subscription) = &membership.subscription else {
        return Err(Failure::new(
            StatusCode::CONFLICT,
            "no_subscription",
            "This membership has no subscription to cancel.",
        ));
    };
    app.gateway.cancel_at_period_end(subscription).await?;
    view(&app, membership).await
}

async fn find(app: &App, id: &str) -> Result<Membership, Failure> {
    app.orders
        .membership(id)
        .await?
        .ok_or_else(|| Failure::not_found("membership"))
}
