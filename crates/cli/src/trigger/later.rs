//! `tender trigger` for what happens later (issue #24): a test clock's own events, a SEPA
//! debit in `processing`, a refund that fails after it succeeded, and a trial's reminder. The
//! last two are the scheduler's, later; the trigger puts the customer on a test clock and
//! advances it, so that the event exists when the trigger returns, whatever `--settle` says.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::{created, id_of, report};
use crate::client::{ApiClient, message};

/// How long the trigger waits for a clock it advanced to be ready.
const READY_WITHIN: Duration = Duration::from_secs(30);

/// `test_helpers.test_clock.*`: a clock made, advanced an hour, and deleted, as far as `event`
/// needs.
pub(super) async fn test_clock(client: &ApiClient, event: &str) -> Result<(), String> {
    let clock = new_clock(client).await?;
    report("test clock", &clock);
    let id = id_of(&clock)?.to_owned();
    if event == "test_helpers.test_clock.created" {
        return Ok(());
    }
    let frozen = clock["frozen_time"].as_i64().unwrap_or_default();
    advance(client, &id, frozen + 3600).await?;
    if event == "test_helpers.test_clock.deleted" {
        let path = format!("/v1/test_helpers/test_clocks/{id}");
        let (status, answer) = client.delete(&path).await?;
        if status != 200 {
            return Err(format!("{path} answered {status}: {}", message(&answer)));
        }
    }
    Ok(())
}

/// `payment_intent.processing`, `charge.pending`: a SEPA Direct Debit confirmed with Stripe's
/// test IBAN that succeeds (it settles a few seconds later, per `--settle`).
pub(super) async fn debit(client: &ApiClient) -> Result<(), String> {
    let intent = created(
        client,
        "/v1/payment_intents",
        &[
            ("amount", "2000"),
            ("currency", "eur"),
            ("confirm", "true"),
            ("payment_method_types[]", "sepa_debit"),
            ("payment_method_data[type]", "sepa_debit"),
            (
                "payment_method_data[sepa_debit][iban]",
                "DE89370400440532013000",
            ),
            ("payment_method_data[billing_details][name]", "Jenny Rosen"),
            (
                "payment_method_data[billing_details][email]",
                "jenny@example.com",
            ),
            ("description", "(created by tender trigger)"),
        ],
    )
    .await?;
    report("payment_intent", &intent);
    Ok(())
}

/// `refund.failed`, `charge.refund.updated`: a payment with the test card whose refunds fail
/// later, refunded, its customer's clock advanced past the refund's outcome.
pub(super) async fn failed_refund(client: &ApiClient) -> Result<(), String> {
    let clock = new_clock(client).await?;
    let clock_id = id_of(&clock)?.to_owned();
    let customer = created(
        client,
        "/v1/customers",
        &[
            ("description", "(created by tender trigger)"),
            ("test_clock", clock_id.as_str()),
        ],
    )
    .await?;
    let intent = created(
        client,
        "/v1/payment_intents",
        &[
            ("amount", "2000"),
            ("currency", "usd"),
            ("confirm", "true"),
            ("customer", id_of(&customer)?),
            ("payment_method", "pm_card_refundFail"),
            ("payment_method_types[]", "card"),
            ("description", "(created by tender trigger)"),
        ],
    )
    .await?;
    report("payment_intent", &intent);
    let refund = created(
        client,
        "/v1/refunds",
        &[("payment_intent", id_of(&intent)?)],
    )
    .await?;
    report("refund", &refund);
    let frozen = clock["frozen_time"].as_i64().unwrap_or_default();
    advance(client, &clock_id, frozen + 86_400).await
}

/// `customer.subscription.trial_will_end`: a subscription with a four-day trial for a customer
/// on a test clock, the clock advanced two days, past the reminder three days before the end.
pub(super) async fn trial_will_end(client: &ApiClient) -> Result<(), String> {
    let clock = new_clock(client).await?;
    let clock_id = id_of(&clock)?.to_owned();
    let price = created(
        client,
        "/v1/prices",
        &[
            ("currency", "usd"),
            ("unit_amount", "2000"),
            ("recurring[interval]", "month"),
            ("product_data[name]", "(created by tender trigger)"),
        ],
    )
    .await?;
    let customer = created(
        client,
        "/v1/customers",
        &[
            ("description", "(created by tender trigger)"),
            ("test_clock", clock_id.as_str()),
        ],
    )
    .await?;
    let subscription = created(
        client,
        "/v1/subscriptions",
        &[
            ("customer", id_of(&customer)?),
            ("items[0][price]", id_of(&price)?),
            ("trial_period_days", "4"),
        ],
    )
    .await?;
    report("subscription", &subscription);
    let frozen = clock["frozen_time"].as_i64().unwrap_or_default();
    advance(client, &clock_id, frozen + 2 * 86_400).await
}

async fn new_clock(client: &ApiClient) -> Result<Value, String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        .to_string();
    created(
        client,
        "/v1/test_helpers/test_clocks",
        &[("frozen_time", now.as_str()), ("name", "tender trigger")],
    )
    .await
}

/// Advances clock `id` to `to` and waits until it is ready.
async fn advance(client: &ApiClient, id: &str, to: i64) -> Result<(), String> {
    let path = format!("/v1/test_helpers/test_clocks/{id}");
    created(
        client,
        &format!("{path}/advance"),
        &[("frozen_time", to.to_string().as_str())],
    )
    .await?;
    let started = Instant::now();
    while started.elapsed() < READY_WITHIN {
        let (status, clock) = client.get(&path).await?;
        if status != 200 {
            return Err(format!("{path} answered {status}: {}", message(&clock)));
        }
        if clock["status"] == "ready" {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("{id} is still advancing"))
}
