//! What one unit of work of each scenario sends, and what counts as success.

use std::sync::Arc;

use clap::ValueEnum;
use hyper::Method;
use rand::Rng;
use serde::Deserialize;

use crate::client::{Conn, HttpError, Response};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    /// The guide's payment: a ConfirmationToken (publishable key, card data) then a
    /// PaymentIntent created with `confirm=true` and that token (secret key, Idempotency-Key).
    /// One unit = one succeeded payment = two requests.
    Payment,
    /// `GET /v1/payment_intents/:id` of random existing intents.
    Retrieve,
    /// `GET /v1/payment_intents?limit=10`: the first page.
    List,
    /// `GET /v1/payment_intents?limit=10&starting_after=<an old intent>`: a page deep in the list.
    ListDeep,
    /// The call localstripe supports: `POST /v1/payment_intents` with
    /// `confirm=true&payment_method=pm_card_visa&payment_method_types[0]=card` (secret key,
    /// Idempotency-Key). One unit = one succeeded payment. `payment_method_types` because,
    /// as on Stripe since API 2023-08-16, Tender turns automatic payment methods on by
    /// default and then wants a `return_url`; localstripe accepts the parameter too.
    Localstripe,
    /// `GET /healthz`: the HTTP stack alone (the ceiling).
    Ceiling,
    /// The guide's "Create a subscription" path: a ConfirmationToken in subscription mode,
    /// `POST /v1/subscriptions` (`default_incomplete`, `expand[]=latest_invoice.payments`,
    /// Idempotency-Key) for one of the run's customers, then the first invoice's
    /// PaymentIntent confirmed with the token. One unit = one active subscription = three
    /// requests.
    Subscription,
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Payment => "payment",
            Scenario::Retrieve => "retrieve",
            Scenario::List => "list",
            Scenario::ListDeep => "list-deep",
            Scenario::Localstripe => "localstripe",
            Scenario::Ceiling => "ceiling",
            Scenario::Subscription => "subscription",
        }
    }

    /// What one unit is called in reports.
    pub fn unit(self) -> &'static str {
        match self {
            Scenario::Payment | Scenario::Localstripe => "payments",
            Scenario::Subscription => "subscriptions",
            _ => "requests",
        }
    }

    pub fn needs_ids(self) -> bool {
        matches!(self, Scenario::Retrieve | Scenario::ListDeep)
    }
}

/// What every task of a run shares.
pub struct Plan {
    pub scenario: Scenario,
    pub secret_key: String,
    pub publishable_key: String,
    pub amount: u64,
    /// Existing intent ids (for `retrieve`).
    pub ids: Vec<String>,
    /// The `starting_after` of `list-deep`.
    pub deep_cursor: Option<String>,
    /// Makes idempotency keys unique across runs.
    pub nonce: String,
    /// `subscription`: the price subscribed to, and one customer per connection.
    pub price: Option<String>,
    pub customers: Vec<String>,
}

/// The outcome of one unit.
pub enum Outcome {
    Ok {
        requests: u32,
    },
    /// A well-formed answer that is not the expected one (status code, or not `succeeded`).
    Unexpected {
        requests: u32,
        detail: String,
    },
}

/// The confirmation token's form, as Stripe.js sends it (brackets percent-encoded).
fn confirmation_token_form(publishable_key: &str) -> String {
    format!(
        "key={publishable_key}\
         &payment_method_data%5Btype%5D=card\
         &payment_method_data%5Bcard%5D%5Bnumber%5D=4242424242424242\
         &payment_method_data%5Bcard%5D%5Bexp_month%5D=12\
         &payment_method_data%5Bcard%5D%5Bexp_year%5D=2034\
         &payment_method_data%5Bcard%5D%5Bcvc%5D=123\
         &return_url=https%3A%2F%2Fexample.com%2Freturn"
    )
}

/// The same for Elements in `mode: 'subscription'`, which saves the card for renewals.
fn subscription_token_form(publishable_key: &str) -> String {
    format!(
        "{}&setup_future_usage=off_session&client_context%5Bmode%5D=subscription\
         &client_context%5Bcurrency%5D=usd\
         &client_context%5Bsetup_future_usage%5D=off_session",
        confirmation_token_form(publishable_key)
    )
}

#[derive(Deserialize)]
struct Object {
    id: Option<String>,
    status: Option<String>,
}

fn object(response: &Response) -> Option<Object> {
    serde_json::from_slice(&response.body).ok()
}

fn unexpected(requests: u32, what: &str, response: &Response) -> Outcome {
    let body = String::from_utf8_lossy(&response.body);
    let body: String = body.chars().take(600).collect();
    Outcome::Unexpected {
        requests,
        detail: format!("{what}: HTTP {}: {body}", response.status),
    }
}

fn ok_status(response: &Response) -> bool {
    (200..300).contains(&response.status)
}

/// Runs one unit of `plan.scenario` on `conn`. `seq` numbers the task's units (idempotency
/// keys are `bench-<nonce>-<task>-<seq>`, unique like the SDKs' random ones).
pub async fn run_unit(
    plan: &Arc<Plan>,
    conn: &mut Conn,
    task: usize,
    seq: u64,
) -> Result<Outcome, HttpError> {
    let bearer = format!("Bearer {}", plan.secret_key);
    match plan.scenario {
        Scenario::Payment => {
            let token = conn
                .send(
                    Method::POST,
                    "/v1/confirmation_tokens",
                    &[],
                    Some(confirmation_token_form(&plan.publishable_key)),
                )
                .await?;
            let Some(token_id) = object(&token)
                .filter(|_| ok_status(&token))
                .and_then(|o| o.id)
            else {
                return Ok(unexpected(1, "POST /v1/confirmation_tokens", &token));
            };
            let key = format!("bench-{}-{task}-{seq}", plan.nonce);
            let form = format!(
                "amount={}&currency=usd&confirm=true&confirmation_token={token_id}\
                 &automatic_payment_methods%5Benabled%5D=true",
                plan.amount
            );
            let intent = conn
                .send(
                    Method::POST,
                    "/v1/payment_intents",
                    &[("authorization", &bearer), ("idempotency-key", &key)],
                    Some(form),
                )
                .await?;
            Ok(succeeded(2, &intent))
        }
        Scenario::Subscription => subscription_unit(plan, conn, &bearer, task, seq).await,
        Scenario::Localstripe => {
            let key = format!("bench-{}-{task}-{seq}", plan.nonce);
            let form = format!(
                "amount={}&currency=usd&confirm=true&payment_method=pm_card_visa\
                 &payment_method_types%5B0%5D=card",
                plan.amount
            );
            let intent = conn
                .send(
                    Method::POST,
                    "/v1/payment_intents",
                    &[("authorization", &bearer), ("idempotency-key", &key)],
                    Some(form),
                )
                .await?;
            Ok(succeeded(1, &intent))
        }
        Scenario::Retrieve => {
            let id = {
                let i = rand::rng().random_range(0..plan.ids.len());
                &plan.ids[i]
            };
            let path = format!("/v1/payment_intents/{id}");
            let response = conn
                .send(Method::GET, &path, &[("authorization", &bearer)], None)
                .await?;
            Ok(expect_ok(&path, &response))
        }
        Scenario::List | Scenario::ListDeep => {
            let path = match &plan.deep_cursor {
                Some(cursor) if plan.scenario == Scenario::ListDeep => {
                    format!("/v1/payment_intents?limit=10&starting_after={cursor}")
                }
                _ => "/v1/payment_intents?limit=10".to_owned(),
            };
            let response = conn
                .send(Method::GET, &path, &[("authorization", &bearer)], None)
                .await?;
            Ok(expect_ok(&path, &response))
        }
        Scenario::Ceiling => {
            let response = conn.send(Method::GET, "/healthz", &[], None).await?;
            Ok(expect_ok("/healthz", &response))
        }
    }
}

/// One unit of the `subscription` scenario.
async fn subscription_unit(
    plan: &Plan,
    conn: &mut Conn,
    bearer: &str,
    task: usize,
    seq: u64,
) -> Result<Outcome, HttpError> {
    let token = conn
        .send(
            Method::POST,
            "/v1/confirmation_tokens",
            &[],
            Some(subscription_token_form(&plan.publishable_key)),
        )
        .await?;
    let Some(token_id) = object(&token)
        .filter(|_| ok_status(&token))
        .and_then(|o| o.id)
    else {
        return Ok(unexpected(1, "POST /v1/confirmation_tokens", &token));
    };
    let customer = &plan.customers[task % plan.customers.len().max(1)];
    let price = plan.price.as_deref().unwrap_or_default();
    let key = format!("bench-{}-{task}-{seq}", plan.nonce);
    let form = format!(
        "customer={customer}&items%5B0%5D%5Bprice%5D={price}\
         &payment_behavior=default_incomplete\
         &payment_settings%5Bsave_default_payment_method%5D=on_subscription\
         &expand%5B%5D=latest_invoice.payments"
    );
    let subscription = conn
        .send(
            Method::POST,
            "/v1/subscriptions",
            &[("authorization", bearer), ("idempotency-key", &key)],
            Some(form),
        )
        .await?;
    let intent = serde_json::from_slice::<serde_json::Value>(&subscription.body)
        .ok()
        .and_then(|s| {
            s["latest_invoice"]["payments"]["data"][0]["payment"]["payment_intent"]
                .as_str()
                .map(str::to_owned)
        });
    let Some(intent) = intent.filter(|_| ok_status(&subscription)) else {
        return Ok(unexpected(2, "POST /v1/subscriptions", &subscription));
    };
    let confirmed = conn
        .send(
            Method::POST,
            &format!("/v1/payment_intents/{intent}/confirm"),
            &[
                ("authorization", bearer),
                ("idempotency-key", &format!("{key}-c")),
            ],
            Some(format!("confirmation_token={token_id}")),
        )
        .await?;
    Ok(succeeded(3, &confirmed))
}

fn succeeded(requests: u32, intent: &Response) -> Outcome {
    match object(intent) {
        Some(o) if ok_status(intent) && o.status.as_deref() == Some("succeeded") => {
            Outcome::Ok { requests }
        }
        _ => unexpected(requests, "POST /v1/payment_intents", intent),
    }
}

fn expect_ok(what: &str, response: &Response) -> Outcome {
    if ok_status(response) {
        Outcome::Ok { requests: 1 }
    } else {
        unexpected(1, what, response)
    }
}

/// Collects up to `max` intent ids, newest first, by paging `GET /v1/payment_intents`.
pub async fn fetch_ids(
    conn: &mut Conn,
    secret_key: &str,
    max: usize,
) -> Result<Vec<String>, String> {
    #[derive(Deserialize)]
    struct Page {
        data: Vec<Object>,
        has_more: bool,
    }
    let bearer = format!("Bearer {secret_key}");
    let mut ids: Vec<String> = Vec::new();
    loop {
        let mut path = "/v1/payment_intents?limit=100".to_owned();
        if let Some(last) = ids.last() {
            path.push_str("&starting_after=");
            path.push_str(last);
        }
        let response = conn
            .send(Method::GET, &path, &[("authorization", &bearer)], None)
            .await
            .map_err(|e| e.to_string())?;
        if !ok_status(&response) {
            return Err(format!(
                "GET {path}: HTTP {}: {}",
                response.status,
                String::from_utf8_lossy(&response.body)
            ));
        }
        let page: Page = serde_json::from_slice(&response.body)
            .map_err(|e| format!("GET {path}: not a list: {e}"))?;
        ids.extend(page.data.into_iter().filter_map(|o| o.id));
        if !page.has_more || ids.len() >= max {
            ids.truncate(max);
            return Ok(ids);
        }
    }
}
