//! Rendering responses: `expand[]` (spec §1.8) replaces ids with the objects they name.

use std::future::Future;
use std::pin::Pin;

use serde_json::Value;
use tender_store::Write;
use tender_wire::ApiError;
use tender_wire::expand::Expand;

use crate::ctx::Ctx;

/// Id prefixes of objects an expansion can load.
const EXPANDABLE_PREFIXES: &[&str] = &[
    "cus_", "pm_", "pi_", "seti_", "ch_", "py_", "re_", "pyr_", "txn_", "setatt_", "man_",
];

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
    expand_level(ctx, value, paths, pending).await
}

/// Expands each item of a list's `data`.
pub async fn expand_items(ctx: &Ctx, items: &mut [Value], paths: &Expand) -> Result<(), ApiError> {
    if paths.is_empty() {
        return Ok(());
    }
    for item in items {
        expand_level(ctx, item, paths, &[]).await?;
    }
    Ok(())
}

fn expand_level<'a>(
    ctx: &'a Ctx,
    value: &'a mut Value,
    paths: &'a Expand,
    pending: &'a [Write],
) -> Pin<Box<dyn Future<Output = Result<(), ApiError>> + Send + 'a>> {
    Box::pin(async move {
        for field in paths.fields() {
            let below = paths.under(field);
            let Some(slot) = value.get_mut(field) else {
                return Err(not_expandable(field));
            };
            match slot {
                Value::Null => {}
                Value::String(id) => {
                    if !EXPANDABLE_PREFIXES.iter().any(|p| id.starts_with(p)) {
                        return Err(not_expandable(field));
                    }
                    if let Some(object) = load(ctx, id, pending).await? {
                        *slot = object;
                        expand_level(ctx, slot, &below, pending).await?;
                    }
                }
                // A nested hash (`invoice_settings.default_payment_method`) or an object
                // already expanded by an earlier path.
                Value::Object(_) => expand_level(ctx, slot, &below, pending).await?,
                _ => return Err(not_expandable(field)),
            }
        }
        Ok(())
    })
}

async fn load(ctx: &Ctx, id: &str, pending: &[Write]) -> Result<Option<Value>, ApiError> {
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
