//! The clock workload (`--workload clocks`): the scheduler under SIGKILLs. Before the kills
//! begin, a few test clocks get three customers each, each with a monthly subscription paid
//! by a good card, except one per clock whose card then starts failing. During the kills,
//! each client advances its clocks month by month (each advance with an idempotency key,
//! retried with it when the answer is lost) and waits until the clock is `ready`. Then,
//! against what is stored: every clock ready at its last target, every good subscription
//! billed exactly once per month with every invoice paid once, every failing one retried
//! exactly 8 times then canceled once, and (with the common checks) every committed event
//! delivered. A step that ran twice would show as an extra invoice, attempt or event; one
//! lost, as a missing one or a clock left `advancing`.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use super::clients::{Tally, Targets, until_answered};
use crate::api::{Api, Key};

/// 1 Jan 2027 00:00 UTC, where every clock starts.
const JAN_1: i64 = 1_798_761_600;
const DAY: i64 = 86_400;
/// The first of each month from February to July 2027: the months the clocks advance through.
const MONTH_STARTS: [i64; 6] = [
    JAN_1 + 31 * DAY,
    JAN_1 + 59 * DAY,
    JAN_1 + 90 * DAY,
    JAN_1 + 120 * DAY,
    JAN_1 + 151 * DAY,
    JAN_1 + 181 * DAY,
];
/// Each advance goes two hours past a month's start: the renewal and its draft hour.
const PAST_START: i64 = 2 * 3600;
/// How many clocks the run makes (three customers each: Stripe's limit).
const CLOCKS: usize = 6;

/// A clock and its subscriptions (id, whether its card fails).
#[derive(Clone, Debug)]
pub struct ClockPlan {
    pub clock: String,
    pub subscriptions: Vec<(String, bool)>,
}

/// Makes the clocks, customers and subscriptions (no kills yet).
pub async fn setup(api: &Api, base: &str, price: &str) -> Result<Vec<ClockPlan>, String> {
    let mut plans = Vec::new();
    for _ in 0..CLOCKS {
        let clock = post(
            api,
            base,
            "/v1/test_helpers/test_clocks",
            &format!("frozen_time={JAN_1}"),
        )
        .await?;
        let clock = id(&clock)?;
        let mut subscriptions = Vec::new();
        for n in 0..3 {
            let customer = post(
                api,
                base,
                "/v1/customers",
                &format!("test_clock={clock}&payment_method=pm_card_visa"),
            )
            .await?;
            let customer = id(&customer)?;
            let cards = api
                .get(base, &format!("/v1/payment_methods?customer={customer}"))
                .await
                .map_err(|e| e.to_string())?;
            let card = cards.body["data"][0]["id"]
                .as_str()
                .ok_or_else(|| format!("no card for {customer}: {}", cards.body))?
                .to_owned();
            let subscription = post(
                api,
                base,
                "/v1/subscriptions",
                &format!(
                    "customer={customer}&items[0][price]={price}&default_payment_method={card}"
                ),
            )
            .await?;
            let subscription = id(&subscription)?;
            let fails = n == 2;
            if fails {
                let failing = post(
                    api,
                    base,
                    "/v1/payment_methods/pm_card_chargeCustomerFail/attach",
                    &format!("customer={customer}"),
                )
                .await?;
                post(
                    api,
                    base,
                    &format!("/v1/subscriptions/{subscription}"),
                    &format!("default_payment_method={}", id(&failing)?),
                )
                .await?;
            }
            subscriptions.push((subscription, fails));
        }
        plans.push(ClockPlan {
            clock,
            subscriptions,
        });
    }
    Ok(plans)
}

/// Advances the clocks of this client (every `clients`-th, from `task`) through every month,
/// each step with its own idempotency key, waiting until the clock is ready after each.
pub async fn client(
    api: Api,
    targets: Arc<Targets>,
    tally: Arc<Tally>,
    plans: Arc<Vec<ClockPlan>>,
    run: String,
    task: usize,
    clients: usize,
) {
    for plan in plans.iter().skip(task).step_by(clients.max(1)) {
        for (step, start) in MONTH_STARTS.iter().enumerate() {
            let target = start + PAST_START;
            let key = format!("clock-{run}-{}-{step}", plan.clock);
            let path = format!("/v1/test_helpers/test_clocks/{}/advance", plan.clock);
            let form = format!("frozen_time={target}");
            let advanced = until_answered(&tally, || {
                api.post(targets.next(), &path, Key::Secret, &form, Some(&key))
            })
            .await;
            if advanced.status != 200 {
                tally.violations.lock().await.push(format!(
                    "advancing {} to {target}: HTTP {}: {}",
                    plan.clock, advanced.status, advanced.body
                ));
                return;
            }
            let clock_path = format!("/v1/test_helpers/test_clocks/{}", plan.clock);
            loop {
                let now = until_answered(&tally, || api.get(targets.next(), &clock_path)).await;
                if now.body["status"] == "ready" && now.body["frozen_time"] == target {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    }
}

/// Every violation of the clock invariants; empty means the run passed.
pub async fn check(api: &Api, base: &str, plans: &[ClockPlan]) -> Result<Vec<String>, String> {
    let mut violations = Vec::new();
    let last = MONTH_STARTS[MONTH_STARTS.len() - 1] + PAST_START;
    let events = api.list_all(base, "/v1/events").await?;
    let mut per_object: HashMap<(String, String), usize> = HashMap::new();
    for event in &events {
        let object = event["data"]["object"]["id"].as_str().unwrap_or_default();
        let kind = event["type"].as_str().unwrap_or_default();
        *per_object
            .entry((kind.to_owned(), object.to_owned()))
            .or_default() += 1;
    }
    let count = |kind: &str, object: &str| {
        per_object
            .get(&(kind.to_owned(), object.to_owned()))
            .copied()
            .unwrap_or(0)
    };
    for plan in plans {
        let clock = api
            .get(
                base,
                &format!("/v1/test_helpers/test_clocks/{}", plan.clock),
            )
            .await
            .map_err(|e| e.to_string())?;
        if clock.body["status"] != "ready" || clock.body["frozen_time"] != last {
            violations.push(format!(
                "{} ended {} at {}",
                plan.clock, clock.body["status"], clock.body["frozen_time"]
            ));
        }
        for (subscription, fails) in &plan.subscriptions {
            let invoices = api
                .list_all(base, &format!("/v1/invoices?subscription={subscription}"))
                .await?;
            let stored = api
                .get(base, &format!("/v1/subscriptions/{subscription}"))
                .await
                .map_err(|e| e.to_string())?
                .body;
            violations.extend(if *fails {
                check_failing(subscription, &stored, &invoices, &count)
            } else {
                check_renewed(subscription, &stored, &invoices, &count)
            });
        }
    }
    Ok(violations)
}

/// A good card: one invoice per month (the first, then one per renewal), each paid once.
fn check_renewed(
    id: &str,
    subscription: &Value,
    invoices: &[Value],
    count: &impl Fn(&str, &str) -> usize,
) -> Vec<String> {
    let mut violations = Vec::new();
    let expected = 1 + MONTH_STARTS.len();
    if invoices.len() != expected {
        violations.push(format!(
            "{id} has {} invoices, not {expected}",
            invoices.len()
        ));
    }
    let mut created: Vec<i64> = invoices
        .iter()
        .filter_map(|i| i["created"].as_i64())
        .collect();
    created.dedup();
    if created.len() != invoices.len() {
        violations.push(format!("{id} has two invoices for one period"));
    }
    for invoice in invoices {
        let invoice_id = invoice["id"].as_str().unwrap_or_default();
        if invoice["status"] != "paid" {
            violations.push(format!("{invoice_id} of {id} is {}", invoice["status"]));
        }
        if count("invoice.paid", invoice_id) != 1 {
            violations.push(format!(
                "{invoice_id} has {} invoice.paid events",
                count("invoice.paid", invoice_id)
            ));
        }
    }
    if subscription["status"] != "active" {
        violations.push(format!("{id} is {}", subscription["status"]));
    }
    violations
}

/// A failing card: the first renewal is tried 8 times, then the subscription is canceled once
/// and billed no more.
fn check_failing(
    id: &str,
    subscription: &Value,
    invoices: &[Value],
    count: &impl Fn(&str, &str) -> usize,
) -> Vec<String> {
    let mut violations = Vec::new();
    if subscription["status"] != "canceled"
        || subscription["cancellation_details"]["reason"] != "payment_failed"
    {
        violations.push(format!(
            "{id} is {} ({})",
            subscription["status"], subscription["cancellation_details"]["reason"]
        ));
    }
    if count("customer.subscription.deleted", id) != 1 {
        violations.push(format!(
            "{id} has {} customer.subscription.deleted events",
            count("customer.subscription.deleted", id)
        ));
    }
    // Newest first: the failed renewal, then the first invoice.
    if invoices.len() != 2 {
        violations.push(format!("{id} has {} invoices, not 2", invoices.len()));
        return violations;
    }
    let renewal = &invoices[0];
    let renewal_id = renewal["id"].as_str().unwrap_or_default();
    if renewal["attempt_count"] != 8 || renewal["status"] != "open" {
        violations.push(format!(
            "{renewal_id} of {id}: {} after {} attempts",
            renewal["status"], renewal["attempt_count"]
        ));
    }
    if count("invoice.payment_failed", renewal_id) != 8 {
        violations.push(format!(
            "{renewal_id} has {} invoice.payment_failed events",
            count("invoice.payment_failed", renewal_id)
        ));
    }
    violations
}

async fn post(api: &Api, base: &str, path: &str, form: &str) -> Result<Value, String> {
    let answer = api
        .post(base, path, Key::Secret, form, None)
        .await
        .map_err(|e| format!("POST {path}: {e}"))?;
    if !answer.ok() {
        return Err(format!(
            "POST {path}: HTTP {}: {}",
            answer.status, answer.body
        ));
    }
    Ok(answer.body)
}

fn id(object: &Value) -> Result<String, String> {
    object["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no id in {object}"))
}
