//! `tender trigger EVENT`: makes the API calls whose side effect is that event, like
//! `stripe trigger`, and says what it created.

mod changes;
mod later;

use serde_json::Value;

use crate::client::{ApiClient, message};

/// Events `trigger` knows how to cause: every event its API calls cause is one of them, so
/// `tender trigger --help` lists them all (tests/commands.rs checks both ways).
pub const EVENTS: &[&str] = &[
    "customer.created",
    "customer.updated",
    "customer.deleted",
    "payment_intent.created",
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.requires_action",
    "payment_intent.canceled",
    "payment_intent.amount_capturable_updated",
    "charge.succeeded",
    "charge.failed",
    "charge.captured",
    "charge.refunded",
    "refund.created",
    "payment_method.attached",
    "setup_intent.created",
    "setup_intent.succeeded",
    "setup_intent.requires_action",
    "setup_intent.setup_failed",
    "setup_intent.canceled",
    "product.created",
    "price.created",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "invoice.created",
    "invoice.finalized",
    "invoice.paid",
    "invoice.payment_succeeded",
    "invoice.updated",
    "invoice.payment_failed",
    "invoice.payment_action_required",
    "invoice_payment.paid",
    // trigger/changes.rs: updates, deletions, and invoices that do not end paid.
    "product.updated",
    "product.deleted",
    "price.updated",
    "payment_method.updated",
    "payment_method.detached",
    "charge.updated",
    "refund.updated",
    "invoiceitem.created",
    "invoiceitem.deleted",
    "invoice.voided",
    "invoice.marked_uncollectible",
    // trigger/later.rs: test clocks, a debit in processing, a refund that fails later.
    "test_helpers.test_clock.created",
    "test_helpers.test_clock.advancing",
    "test_helpers.test_clock.ready",
    "test_helpers.test_clock.deleted",
    "payment_intent.processing",
    "charge.pending",
    "refund.failed",
    "charge.refund.updated",
    "customer.subscription.trial_will_end",
];

pub async fn trigger(client: &ApiClient, event: &str) -> Result<(), String> {
    let card_intent = |pm: &'static str| {
        vec![
            ("amount", "2000"),
            ("currency", "usd"),
            ("confirm", "true"),
            ("payment_method", pm),
            ("payment_method_types[]", "card"),
            ("description", "(created by tender trigger)"),
        ]
    };
    match event {
        "customer.created" | "customer.updated" | "customer.deleted" => {
            let customer = created(
                client,
                "/v1/customers",
                &[("description", "(created by tender trigger)")],
            )
            .await?;
            report("customer", &customer);
            let path = format!("/v1/customers/{}", id_of(&customer)?);
            if event == "customer.updated" {
                created(
                    client,
                    &path,
                    &[("description", "(updated by tender trigger)")],
                )
                .await?;
            } else if event == "customer.deleted" {
                let (status, answer) = client.delete(&path).await?;
                if status != 200 {
                    return Err(format!("{path} answered {status}: {}", message(&answer)));
                }
            }
        }
        "payment_intent.created" => {
            let intent = created(
                client,
                "/v1/payment_intents",
                &[
                    ("amount", "2000"),
                    ("currency", "usd"),
                    ("payment_method_types[]", "card"),
                ],
            )
            .await?;
            report("payment_intent", &intent);
        }
        "payment_intent.succeeded" | "charge.succeeded" => {
            let intent =
                created(client, "/v1/payment_intents", &card_intent("pm_card_visa")).await?;
            report("payment_intent", &intent);
        }
        "payment_intent.payment_failed" | "charge.failed" => {
            let (status, answer) = client
                .post(
                    "/v1/payment_intents",
                    &card_intent("pm_card_chargeDeclined"),
                )
                .await?;
            if status != 402 {
                return Err(format!(
                    "expected a decline, got {status}: {}",
                    message(&answer)
                ));
            }
            report("payment_intent", &answer["error"]["payment_intent"]);
        }
        "payment_intent.requires_action" => {
            let intent = created(
                client,
                "/v1/payment_intents",
                &card_intent("pm_card_authenticationRequired"),
            )
            .await?;
            report("payment_intent", &intent);
        }
        "payment_intent.canceled" => {
            let intent = created(
                client,
                "/v1/payment_intents",
                &[
                    ("amount", "2000"),
                    ("currency", "usd"),
                    ("payment_method_types[]", "card"),
                ],
            )
            .await?;
            let id = id_of(&intent)?;
            let canceled =
                created(client, &format!("/v1/payment_intents/{id}/cancel"), &[]).await?;
            report("payment_intent", &canceled);
        }
        "payment_intent.amount_capturable_updated" | "charge.captured" => {
            let mut form = card_intent("pm_card_visa");
            form.push(("capture_method", "manual"));
            let intent = created(client, "/v1/payment_intents", &form).await?;
            report("payment_intent", &intent);
            if event == "charge.captured" {
                let id = id_of(&intent)?;
                created(client, &format!("/v1/payment_intents/{id}/capture"), &[]).await?;
            }
        }
        "charge.refunded" | "refund.created" => {
            let intent =
                created(client, "/v1/payment_intents", &card_intent("pm_card_visa")).await?;
            report("payment_intent", &intent);
            let id = id_of(&intent)?;
            let refund = created(client, "/v1/refunds", &[("payment_intent", id)]).await?;
            report("refund", &refund);
        }
        "setup_intent.created"
        | "setup_intent.succeeded"
        | "payment_method.attached"
        | "setup_intent.requires_action"
        | "setup_intent.setup_failed"
        | "setup_intent.canceled" => setup_intent(client, event).await?,
        "product.created"
        | "price.created"
        | "customer.subscription.created"
        | "customer.subscription.updated"
        | "customer.subscription.deleted"
        | "invoice.created"
        | "invoice.finalized"
        | "invoice.paid"
        | "invoice.payment_succeeded"
        | "invoice.updated"
        | "invoice.payment_failed"
        | "invoice.payment_action_required"
        | "invoice_payment.paid" => subscription(client, event).await?,
        "product.updated" | "product.deleted" | "price.updated" => {
            changes::catalog(client, event).await?
        }
        "payment_method.updated" | "payment_method.detached" => {
            changes::payment_method(client, event).await?
        }
        "charge.updated" | "refund.updated" => changes::payment(client, event).await?,
        "invoiceitem.created"
        | "invoiceitem.deleted"
        | "invoice.voided"
        | "invoice.marked_uncollectible" => changes::invoice(client, event).await?,
        "test_helpers.test_clock.created"
        | "test_helpers.test_clock.advancing"
        | "test_helpers.test_clock.ready"
        | "test_helpers.test_clock.deleted" => later::test_clock(client, event).await?,
        "payment_intent.processing" | "charge.pending" => later::debit(client).await?,
        "refund.failed" | "charge.refund.updated" => later::failed_refund(client).await?,
        "customer.subscription.trial_will_end" => later::trial_will_end(client).await?,
        other => {
            return Err(format!(
                "tender trigger does not know how to cause `{other}`. Supported: {}",
                EVENTS.join(", ")
            ));
        }
    }
    println!("Trigger succeeded! Check your webhook endpoints or `tender listen` for {event}.");
    Ok(())
}

/// A customer and a SetupIntent for it, confirmed with the card that causes `event`.
async fn setup_intent(client: &ApiClient, event: &str) -> Result<(), String> {
    let customer = created(
        client,
        "/v1/customers",
        &[("description", "(created by tender trigger)")],
    )
    .await?;
    report("customer", &customer);
    let mut form = vec![
        ("customer", id_of(&customer)?),
        ("payment_method_types[]", "card"),
    ];
    let card = match event {
        "setup_intent.succeeded" | "payment_method.attached" => Some("pm_card_visa"),
        "setup_intent.requires_action" => Some("pm_card_authenticationRequired"),
        "setup_intent.setup_failed" => Some("pm_card_chargeDeclined"),
        _ => None,
    };
    if let Some(card) = card {
        form.extend([("confirm", "true"), ("payment_method", card)]);
    }
    let (status, answer) = client.post("/v1/setup_intents", &form).await?;
    match (status, event) {
        (200, _) => report("setup_intent", &answer),
        (402, "setup_intent.setup_failed") => {
            report("setup_intent", &answer["error"]["setup_intent"])
        }
        _ => {
            return Err(format!(
                "/v1/setup_intents answered {status}: {}",
                message(&answer)
            ));
        }
    }
    if event == "setup_intent.canceled" {
        let id = id_of(&answer)?;
        let canceled = created(client, &format!("/v1/setup_intents/{id}/cancel"), &[]).await?;
        report("setup_intent", &canceled);
    }
    Ok(())
}

/// A monthly price, a customer whose default card causes `event`, and a subscription paid
/// with it at once (`allow_incomplete`), canceled for `customer.subscription.deleted`.
async fn subscription(client: &ApiClient, event: &str) -> Result<(), String> {
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
    report("price", &price);
    let customer = created(
        client,
        "/v1/customers",
        &[("description", "(created by tender trigger)")],
    )
    .await?;
    report("customer", &customer);
    let customer_id = id_of(&customer)?;
    let card = match event {
        "invoice.payment_failed" => "pm_card_chargeCustomerFail",
        "invoice.payment_action_required" => "pm_card_authenticationRequired",
        _ => "pm_card_visa",
    };
    let pm = created(
        client,
        &format!("/v1/payment_methods/{card}/attach"),
        &[("customer", customer_id)],
    )
    .await?;
    created(
        client,
        &format!("/v1/customers/{customer_id}"),
        &[("invoice_settings[default_payment_method]", id_of(&pm)?)],
    )
    .await?;
    let subscription = created(
        client,
        "/v1/subscriptions",
        &[
            ("customer", customer_id),
            ("items[0][price]", id_of(&price)?),
        ],
    )
    .await?;
    report("subscription", &subscription);
    if event == "customer.subscription.deleted" {
        let path = format!("/v1/subscriptions/{}", id_of(&subscription)?);
        let (status, answer) = client.delete(&path).await?;
        if status != 200 {
            return Err(format!("{path} answered {status}: {}", message(&answer)));
        }
    }
    Ok(())
}

pub(super) async fn created(
    client: &ApiClient,
    path: &str,
    form: &[(&str, &str)],
) -> Result<Value, String> {
    let (status, answer) = client.post(path, form).await?;
    if status == 200 {
        Ok(answer)
    } else {
        Err(format!("{path} answered {status}: {}", message(&answer)))
    }
}

pub(super) fn id_of(object: &Value) -> Result<&str, String> {
    object["id"]
        .as_str()
        .ok_or_else(|| format!("no id in {object}"))
}

pub(super) fn report(kind: &str, object: &Value) {
    let status = object["status"]
        .as_str()
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    println!(
        "Created {kind} {}{status}",
        object["id"].as_str().unwrap_or("?")
    );
}

/// The list `tender trigger --help` ends with.
pub fn supported_events_help() -> String {
    let mut help = String::from("Supported events:\n");
    for event in EVENTS {
        help.push_str("  ");
        help.push_str(event);
        help.push('\n');
    }
    help
}
