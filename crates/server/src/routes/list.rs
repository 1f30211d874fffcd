//! The one implementation of list endpoints: pagination, `created`, `expand[]=data.…`.

use serde_json::Value;
use tender_store::{CreatedRange, Cursor, ListQuery, StoreError};
use tender_wire::expand::Expand;
use tender_wire::list::{ListParams, Page, envelope};
use tender_wire::{ApiError, Params};

use crate::ctx::Ctx;
use crate::render::expand_items;
use crate::store_error;

/// Reads a list page of `kind`. `filters` takes the endpoint's own filters from the
/// parameters into the query; anything left over is an unknown parameter.
pub async fn list(
    ctx: &Ctx,
    params: Params,
    kind: &str,
    url: &str,
    filters: impl FnOnce(&mut Params, &mut ListQuery) -> Result<(), ApiError>,
) -> Result<Value, ApiError> {
    list_rendered(ctx, params, kind, url, filters, Ok).await
}

/// [`list`] for kinds whose stored body is not what the API shows: `render` turns each stored
/// body into the rendered object.
pub async fn list_rendered(
    ctx: &Ctx,
    mut params: Params,
    kind: &str,
    url: &str,
    filters: impl FnOnce(&mut Params, &mut ListQuery) -> Result<(), ApiError>,
    render: impl Fn(Value) -> Result<Value, ApiError>,
) -> Result<Value, ApiError> {
    let page = ListParams::take(&mut params)?;
    let expand = Expand::parse(&params.expand()?)?.for_list_items()?;
    let mut query = ListQuery {
        account: ctx.account_id().to_owned(),
        kind: kind.to_owned(),
        created: CreatedRange {
            gt: page.created.gt,
            gte: page.created.gte,
            lt: page.created.lt,
            lte: page.created.lte,
        },
        limit: page.limit,
        ..ListQuery::default()
    };
    let (cursor_param, cursor) = match page.page {
        Page::First => ("", None),
        Page::StartingAfter(id) => ("starting_after", Some(Cursor::After(id))),
        Page::EndingBefore(id) => ("ending_before", Some(Cursor::Before(id))),
    };
    query.cursor = cursor;
    filters(&mut params, &mut query)?;
    params.finish()?;

    let mut records = ctx
        .store()
        .list(&query)
        .await
        .map_err(|error| match error {
            StoreError::CursorNotFound(id) => ApiError::resource_missing(kind, &id, cursor_param),
            other => store_error(other),
        })?;
    let has_more = records.len() > page.limit;
    if has_more {
        match query.cursor {
            // The extra record is the one farthest from the cursor: the newest.
            Some(Cursor::Before(_)) => {
                records.remove(0);
            }
            _ => records.truncate(page.limit),
        }
    }
    let mut items = records
        .iter()
        .map(|record| {
            serde_json::from_str::<Value>(&record.body)
                .map_err(|error| {
                    tracing::error!(id = %record.id, %error, "stored object does not parse");
                    ApiError::internal()
                })
                .and_then(&render)
        })
        .collect::<Result<Vec<_>, _>>()?;
    expand_items(ctx, &mut items, &expand).await?;
    Ok(envelope(url, items, has_more))
}
