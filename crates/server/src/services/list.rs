//! The one implementation of list endpoints: pagination, `created`, `expand[]=data.…`.

use serde_json::Value;
use serde_json::value::RawValue;
use tender_store::{CreatedRange, Cursor, ListQuery, Record, Store, StoreError};
use tender_wire::expand::Expand;
use tender_wire::list::{ListParams, Page, envelope, envelope_raw};
use tender_wire::{ApiError, IdIn, Params};

use crate::ctx::Ctx;
use crate::render::expand_items;
use crate::resources::{to_json, unparsable};
use crate::store_error;

/// Every record `query` matches, newest first, read `page` at a time (its cursor and limit
/// are the function's): what work on all of a set reads (a clock's subscriptions, the jobs
/// due), not an endpoint's page.
pub async fn every(
    store: &dyn Store,
    mut query: ListQuery,
    page: usize,
) -> Result<Vec<Record>, ApiError> {
    let page = page.max(1);
    query.limit = page;
    query.cursor = None;
    let mut records = Vec::new();
    loop {
        let mut read = store.list(&query).await.map_err(store_error)?;
        let more = read.len() > page;
        read.truncate(page);
        let last = read.last().map(|record| record.id.clone());
        records.extend(read);
        match last {
            Some(last) if more => query.cursor = Some(Cursor::After(last)),
            _ => return Ok(records),
        }
    }
}

/// Reads a list page of `kind`. `filters` takes the endpoint's own filters from the
/// parameters into the query; anything left over is an unknown parameter.
///
/// Bodies are stored in their wire shape, so without `expand[]` the page is the stored bodies
/// as they are, only checked to be JSON: no tree per item, no second serialization
/// (docs/decisions/0009-stored-bodies-are-the-answer.md).
pub async fn list(
    ctx: &Ctx,
    params: Params,
    kind: &str,
    url: &str,
    filters: impl FnOnce(&mut Params, &mut ListQuery) -> Result<(), ApiError>,
) -> Result<Box<RawValue>, ApiError> {
    let page = read_page(ctx, params, kind, filters).await?;
    if !page.expand.is_empty() {
        let items = parse_items(&page.records, Ok)?;
        return to_json(&render_items(ctx, page, url, items).await?);
    }
    let items = page
        .records
        .iter()
        .map(|record| {
            serde_json::from_str::<&RawValue>(&record.body).map_err(|e| unparsable(&record.id, &e))
        })
        .collect::<Result<Vec<_>, _>>()?;
    envelope_raw(url, &items, page.has_more).map_err(|error| {
        tracing::error!(%error, "list page does not serialize");
        ApiError::internal()
    })
}

/// [`list`] for kinds whose stored body is not what the API shows, or whose items the caller
/// completes: `render` turns each stored body into the rendered object.
pub async fn list_rendered(
    ctx: &Ctx,
    params: Params,
    kind: &str,
    url: &str,
    filters: impl FnOnce(&mut Params, &mut ListQuery) -> Result<(), ApiError>,
    render: impl Fn(Value) -> Result<Value, ApiError>,
) -> Result<Value, ApiError> {
    let page = read_page(ctx, params, kind, filters).await?;
    let items = parse_items(&page.records, render)?;
    render_items(ctx, page, url, items).await
}

/// One page of records, in list order, and what the request asked of it.
struct StoredPage {
    records: Vec<Record>,
    has_more: bool,
    expand: Expand,
}

async fn read_page(
    ctx: &Ctx,
    mut params: Params,
    kind: &str,
    filters: impl FnOnce(&mut Params, &mut ListQuery) -> Result<(), ApiError>,
) -> Result<StoredPage, ApiError> {
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
            StoreError::CursorNotFound(id) => {
                ApiError::resource_missing(kind, &id, IdIn::Param(cursor_param))
            }
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
    Ok(StoredPage {
        records,
        has_more,
        expand,
    })
}

fn parse_items(
    records: &[Record],
    render: impl Fn(Value) -> Result<Value, ApiError>,
) -> Result<Vec<Value>, ApiError> {
    records
        .iter()
        .map(|record| {
            serde_json::from_str::<Value>(&record.body)
                .map_err(|e| unparsable(&record.id, &e))
                .and_then(&render)
        })
        .collect()
}

async fn render_items(
    ctx: &Ctx,
    page: StoredPage,
    url: &str,
    mut items: Vec<Value>,
) -> Result<Value, ApiError> {
    expand_items(ctx, &mut items, &page.expand).await?;
    Ok(envelope(url, items, page.has_more))
}

/// A page of a list held inside another object (an invoice's lines, a subscription's items):
/// the items after `starting_after` or before `ending_before`, at most `limit`, and whether
/// more are left on that side.
pub fn page_of<T>(
    items: Vec<T>,
    id_of: impl Fn(&T) -> &str,
    page: &ListParams,
    kind: &str,
) -> Result<(Vec<T>, bool), ApiError> {
    let position = |id: &str, param: &str| {
        items
            .iter()
            .position(|item| id_of(item) == id)
            .ok_or_else(|| ApiError::resource_missing(kind, id, IdIn::Param(param)))
    };
    let (start, end) = match &page.page {
        Page::First => (0, items.len()),
        Page::StartingAfter(id) => (position(id, "starting_after")? + 1, items.len()),
        Page::EndingBefore(id) => {
            let end = position(id, "ending_before")?;
            (end.saturating_sub(page.limit), end)
        }
    };
    let has_more = match &page.page {
        Page::EndingBefore(_) => start > 0,
        _ => end - start > page.limit,
    };
    let taken = items
        .into_iter()
        .skip(start)
        .take((end - start).min(page.limit))
        .collect();
    Ok((taken, has_more))
}
