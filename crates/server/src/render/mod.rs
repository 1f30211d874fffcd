//! Rendering responses: `expand[]` (spec §1.8) replaces ids with the objects they name, and
//! adds the fields Stripe leaves out unless asked for (`includable`).

mod includable;

use std::future::Future;
use std::pin::Pin;

use serde_json::Value;
use serde_json::value::RawValue;
use tender_store::Write;
use tender_wire::expand::Expand;
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::pipeline::Effect;
use crate::resources::{expandable, to_json, unparsable};

/// Expands `paths` in `value`. Objects written by the current request (`pending`) are found
/// before they are committed.
pub async fn expand(
    ctx: &Ctx,
    value: &mut Value,
    paths: &Expand,
    pending: &[Write],
) -> Result<(), ApiError> {
    if paths.is_empty() {
        return Ok(());
    }
    expand_level(ctx, value, paths, pending, Owner::default()).await
}

/// The successful answer of a write: `value` expanded as asked (objects the write creates
/// are found among `writes`), with the writes to commit.
pub async fn expanded_effect(
    ctx: &Ctx,
    mut value: Value,
    paths: &Expand,
    writes: Vec<Write>,
) -> Result<Effect, ApiError> {
    expand(ctx, &mut value, paths, &writes).await?;
    Ok(Effect::ok(value, writes))
}

/// `GET` of one object of kind `object` by the id in the URL: the stored body as it is unless
/// `expand[]` asks for more (decision 9). A deleted object reads as the stub stored for it.
pub async fn retrieve(
    ctx: &Ctx,
    mut p: Params,
    object: &str,
    id: &str,
) -> Result<Box<RawValue>, ApiError> {
    let paths = Expand::parse(&p.expand()?)?;
    p.finish()?;
    let record = match ctx.find(id).await? {
        Some(record) if record.kind == object => record,
        _ => return Err(ApiError::resource_missing(object, id, IdIn::Url("id"))),
    };
    if paths.is_empty() || record.deleted {
        return RawValue::from_string(record.body).map_err(|e| unparsable(id, &e));
    }
    let mut value: Value = serde_json::from_str(&record.body).map_err(|e| unparsable(id, &e))?;
    expand(ctx, &mut value, &paths, &[]).await?;
    to_json(&value)
}

/// Expands each item of a list's `data`.
pub async fn expand_items(ctx: &Ctx, items: &mut [Value], paths: &Expand) -> Result<(), ApiError> {
    if paths.is_empty() {
        return Ok(());
    }
    for item in items {
        expand_level(ctx, item, paths, &[], Owner::default()).await?;
    }
    Ok(())
}

/// Where a level of expansion is: the object that owns it (its `object`) and the path from
/// that object to this level (`invoice_settings.` inside a customer).
#[derive(Clone, Default)]
struct Owner {
    object: String,
    prefix: String,
}

fn expand_level<'a>(
    ctx: &'a Ctx,
    value: &'a mut Value,
    paths: &'a Expand,
    pending: &'a [Write],
    owner: Owner,
) -> Pin<Box<dyn Future<Output = Result<(), ApiError>> + Send + 'a>> {
    Box::pin(async move {
        let owner = match value.get("object").and_then(Value::as_str) {
            Some(object) => Owner {
                object: object.to_owned(),
                prefix: String::new(),
            },
            None => owner,
        };
        for field in paths.fields() {
            let below = paths.under(field);
            if value.get(field).is_none()
                && let Some(included) =
                    includable::include(ctx, &*value, field, &below, pending).await?
            {
                if let Value::Object(object) = value {
                    object.insert(field.to_owned(), included);
                }
                continue;
            }
            let Some(slot) = value.get_mut(field) else {
                return Err(not_expandable(field));
            };
            match slot {
                Value::Null => {}
                Value::String(id) => {
                    let path = format!("{}{field}", owner.prefix);
                    if !expandable(&owner.object, &path) {
                        return Err(not_expandable(field));
                    }
                    if let Some(object) = load(ctx, id, pending).await? {
                        *slot = object;
                        expand_level(ctx, slot, &below, pending, Owner::default()).await?;
                    }
                }
                // A hash is only a way through (`invoice_settings.default_payment_method`):
                // naming it alone (`expand[]=lines`) is refused, as on Stripe.
                Value::Object(inner) if below.is_empty() && !inner.contains_key("id") => {
                    return Err(not_expandable(field));
                }
                // A nested hash on the way to a field, or an object already expanded by an
                // earlier path.
                Value::Object(_) => {
                    let inner = Owner {
                        object: owner.object.clone(),
                        prefix: format!("{}{field}.", owner.prefix),
                    };
                    expand_level(ctx, slot, &below, pending, inner).await?;
                }
                _ => return Err(not_expandable(field)),
            }
        }
        Ok(())
    })
}

pub(crate) async fn load(
    ctx: &Ctx,
    id: &str,
    pending: &[Write],
) -> Result<Option<Value>, ApiError> {
    let body = match pending.iter().find(|w| w.record.id == id) {
        Some(write) => Some(write.record.body.clone()),
        None => ctx.find(id).await?.map(|record| record.body),
    };
    body.map(|body| {
        serde_json::from_str(&body).map_err(|error| {
            tracing::error!(%id, %error, "stored object does not parse");
            ApiError::internal()
        })
    })
    .transpose()
}

fn not_expandable(field: &str) -> ApiError {
    ApiError::invalid_request(format!("This property cannot be expanded ({field})."))
        .with_param("expand")
}
