//! Fields Stripe leaves out of an object unless `expand[]` names them ("includable"): a
//! charge's `refunds` (API versions since 2022-11-15), and an invoice's
//! `confirmation_secret` and `payments` (basil). They are never stored: each is read when
//! asked for, from the objects this request writes (`pending`) first.

use serde_json::{Value, json};
use tender_store::{ListQuery, Record, TagFilter, Write};
use tender_wire::ApiError;
use tender_wire::expand::Expand;
use tender_wire::list::envelope;

use super::{expand_items, load};
use crate::ctx::Ctx;
use crate::resources::unparsable;
use crate::store_error;

/// The includable `field` of `object`, or `None` when `field` is not one of its includable
/// fields (then it is an ordinary expansion).
pub(super) async fn include(
    ctx: &Ctx,
    object: &Value,
    field: &str,
    below: &Expand,
    pending: &[Write],
) -> Result<Option<Value>, ApiError> {
    let id = object["id"].as_str().unwrap_or_default();
    Ok(match (object["object"].as_str(), field) {
        (Some("charge"), "refunds") => Some(
            listed(
                ctx,
                "refund",
                id,
                Filter::Charge,
                below,
                pending,
                &format!("/v1/charges/{id}/refunds"),
            )
            .await?,
        ),
        (Some("invoice"), "payments") => Some(
            listed(
                ctx,
                "invoice_payment",
                id,
                Filter::Tag,
                below,
                pending,
                &format!("/v1/invoice_payments?invoice={id}"),
            )
            .await?,
        ),
        (Some("invoice"), "confirmation_secret") => {
            Some(confirmation_secret(ctx, object, pending).await?)
        }
        _ => None,
    })
}

/// Objects shown in an included list, newest first; the rest are a list call away
/// (`has_more`, `url`), as on Stripe.
const SHOWN: usize = 10;

/// How an included list finds its objects: by the charge index, or by the tag.
#[derive(Clone, Copy)]
enum Filter {
    Charge,
    Tag,
}

/// The `kind` objects of the owner `id`, as a list object. Objects written by this request
/// are shown as they will be committed.
async fn listed(
    ctx: &Ctx,
    kind: &str,
    id: &str,
    filter: Filter,
    below: &Expand,
    pending: &[Write],
    url: &str,
) -> Result<Value, ApiError> {
    let mut query = ListQuery {
        account: ctx.account_id().to_owned(),
        kind: kind.to_owned(),
        limit: SHOWN,
        ..ListQuery::default()
    };
    match filter {
        Filter::Charge => query.charge = Some(id.to_owned()),
        Filter::Tag => query.tag = Some(TagFilter::Exact(id.to_owned())),
    }
    // An owner this request creates has nothing stored yet: no query.
    let owner_is_new = pending
        .iter()
        .any(|w| w.record.id == id && w.expected_version.is_none());
    let stored = if owner_is_new {
        Vec::new()
    } else {
        ctx.store().list(&query).await.map_err(store_error)?
    };
    let owned = |w: &&Write| {
        w.record.kind == kind
            && match filter {
                Filter::Charge => w.record.index.charge.as_deref() == Some(id),
                Filter::Tag => w.record.index.tag.as_deref() == Some(id),
            }
    };
    let mut records: Vec<&Record> = pending
        .iter()
        .filter(owned)
        .filter(|w| w.expected_version.is_none())
        .map(|w| &w.record)
        .collect();
    records.extend(stored.iter().map(|r| {
        pending
            .iter()
            .find(|w| w.record.id == r.id)
            .map_or(r, |w| &w.record)
    }));
    let has_more = records.len() > SHOWN;
    records.truncate(SHOWN);
    let mut items = records
        .iter()
        .map(|r| serde_json::from_str(&r.body).map_err(|e| unparsable(&r.id, &e)))
        .collect::<Result<Vec<Value>, _>>()?;
    expand_items(ctx, &mut items, &below.for_list_items()?).await?;
    Ok(envelope(url, items, has_more))
}

/// An invoice's `confirmation_secret`: its PaymentIntent's client secret, for the browser to
/// confirm or to handle the next action; null when nothing is to be paid by a PaymentIntent.
async fn confirmation_secret(
    ctx: &Ctx,
    invoice: &Value,
    pending: &[Write],
) -> Result<Value, ApiError> {
    let Some(intent) = invoice["payment_intent"].as_str() else {
        return Ok(Value::Null);
    };
    Ok(match load(ctx, intent, pending).await? {
        Some(intent) => json!({
            "client_secret": intent["client_secret"],
            "type": "payment_intent",
        }),
        None => Value::Null,
    })
}
