//! The triggers of changes after creation: updates, deletions, detaching, and invoices that
//! end voided or uncollectible (each makes what it changes first).

use crate::client::{ApiClient, message};

use super::{created, id_of, report};

const BY_TRIGGER: (&str, &str) = ("description", "(created by tender trigger)");
const UPDATED: (&str, &str) = ("metadata[tender_trigger]", "updated");

/// `product.updated`, `product.deleted`, `price.updated`.
pub(super) async fn catalog(client: &ApiClient, event: &str) -> Result<(), String> {
    let product = created(
        client,
        "/v1/products",
        &[("name", "(created by tender trigger)")],
    )
    .await?;
    report("product", &product);
    let path = format!("/v1/products/{}", id_of(&product)?);
    match event {
        "product.updated" => {
            created(client, &path, &[UPDATED]).await?;
        }
        "product.deleted" => delete(client, &path).await?,
        _ => {
            let price = created(
                client,
                "/v1/prices",
                &[
                    ("currency", "usd"),
                    ("unit_amount", "2000"),
                    ("product", id_of(&product)?),
                ],
            )
            .await?;
            report("price", &price);
            created(
                client,
                &format!("/v1/prices/{}", id_of(&price)?),
                &[UPDATED],
            )
            .await?;
        }
    }
    Ok(())
}

/// `payment_method.updated`, `payment_method.detached`: a card attached to a new customer,
/// then changed or detached.
pub(super) async fn payment_method(client: &ApiClient, event: &str) -> Result<(), String> {
    let customer = created(client, "/v1/customers", &[BY_TRIGGER]).await?;
    report("customer", &customer);
    let card = created(
        client,
        "/v1/payment_methods/pm_card_visa/attach",
        &[("customer", id_of(&customer)?)],
    )
    .await?;
    report("payment_method", &card);
    let path = format!("/v1/payment_methods/{}", id_of(&card)?);
    if event == "payment_method.detached" {
        created(client, &format!("{path}/detach"), &[]).await?;
    } else {
        created(client, &path, &[UPDATED]).await?;
    }
    Ok(())
}

/// `charge.updated`, `refund.updated`: a paid PaymentIntent, then its charge (or a refund of
/// it) changed.
pub(super) async fn payment(client: &ApiClient, event: &str) -> Result<(), String> {
    let intent = created(
        client,
        "/v1/payment_intents",
        &[
            ("amount", "2000"),
            ("currency", "usd"),
            ("confirm", "true"),
            ("payment_method", "pm_card_visa"),
            ("payment_method_types[]", "card"),
            BY_TRIGGER,
        ],
    )
    .await?;
    report("payment_intent", &intent);
    if event == "charge.updated" {
        let charge = intent["latest_charge"]
            .as_str()
            .ok_or_else(|| format!("no latest_charge in {intent}"))?;
        created(client, &format!("/v1/charges/{charge}"), &[UPDATED]).await?;
    } else {
        let refund = created(
            client,
            "/v1/refunds",
            &[("payment_intent", id_of(&intent)?)],
        )
        .await?;
        report("refund", &refund);
        created(
            client,
            &format!("/v1/refunds/{}", id_of(&refund)?),
            &[UPDATED],
        )
        .await?;
    }
    Ok(())
}

/// `invoiceitem.created`, `invoiceitem.deleted`, `invoice.voided`,
/// `invoice.marked_uncollectible`: an invoice item for a new customer, then deleted, or
/// invoiced, finalized and voided or marked uncollectible.
pub(super) async fn invoice(client: &ApiClient, event: &str) -> Result<(), String> {
    let customer = created(client, "/v1/customers", &[BY_TRIGGER]).await?;
    report("customer", &customer);
    let customer = id_of(&customer)?;
    let item = created(
        client,
        "/v1/invoiceitems",
        &[
            ("customer", customer),
            ("amount", "2000"),
            ("currency", "usd"),
            BY_TRIGGER,
        ],
    )
    .await?;
    report("invoiceitem", &item);
    match event {
        "invoiceitem.created" => return Ok(()),
        "invoiceitem.deleted" => {
            return delete(client, &format!("/v1/invoiceitems/{}", id_of(&item)?)).await;
        }
        _ => {}
    }
    let invoice = created(
        client,
        "/v1/invoices",
        &[
            ("customer", customer),
            ("pending_invoice_items_behavior", "include"),
            BY_TRIGGER,
        ],
    )
    .await?;
    let path = format!("/v1/invoices/{}", id_of(&invoice)?);
    created(client, &format!("{path}/finalize"), &[]).await?;
    let action = if event == "invoice.voided" {
        "void"
    } else {
        "mark_uncollectible"
    };
    let done = created(client, &format!("{path}/{action}"), &[]).await?;
    report("invoice", &done);
    Ok(())
}

async fn delete(client: &ApiClient, path: &str) -> Result<(), String> {
    let (status, answer) = client.delete(path).await?;
    if status == 200 {
        Ok(())
    } else {
        Err(format!("{path} answered {status}: {}", message(&answer)))
    }
}
