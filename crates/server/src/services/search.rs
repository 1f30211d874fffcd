//! The one implementation of search endpoints (`GET /v1/<resource>/search`, spec §1.9).
//!
//! The query is parsed by `tender_core::search` against the resource's declared fields; the
//! account's objects of that kind are then read from the store newest first, in batches, and
//! kept when they match. Stripe answers from a search index that lags writes by up to a
//! minute; this scan sees every committed write at once (docs/decisions/0016-search.md).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use tender_core::search::{Query, Searchable};
use tender_store::{Cursor, ListQuery, Record, StoreError};
use tender_wire::expand::Expand;
use tender_wire::list::take_limit;
use tender_wire::{ApiError, Params};

use crate::ctx::Ctx;
use crate::render::expand_items;
use crate::resources::unparsable;
use crate::store_error;

/// Objects read from the store per batch.
const BATCH: usize = 100;

/// The most objects one request reads to fill a page. A page that reaches it without filling
/// up ends early, with `has_more` and a `next_page` that resumes the scan where it stopped: a
/// request's cost stays bounded however few objects match.
pub const MAX_SCANNED: usize = 10_000;

/// Answers a search of `resource`'s objects.
pub async fn search(
    ctx: &Ctx,
    mut params: Params,
    resource: &Searchable,
) -> Result<Value, ApiError> {
    let (kind, url) = (resource.object, resource.url);
    let text = params
        .string("query")?
        .ok_or_else(|| ApiError::missing_parameter("query"))?;
    let limit = take_limit(&mut params)?;
    let page = params
        .string("page")?
        .map(|token| decode_page(&token))
        .transpose()?;
    let mut paths = params.expand()?;
    let total_count = paths.iter().any(|path| path == "total_count");
    paths.retain(|path| path != "total_count");
    let expand = Expand::parse(&paths)?.for_list_items()?;
    params.finish()?;
    let query = tender_core::search::parse(&text, resource)?;

    let mut scan = Scan::new(ctx, kind, page);
    let mut data = Vec::new();
    let mut last_match = None;
    let mut next_page = None;
    while let Some((record, body)) = scan.next(&query).await? {
        if data.len() == limit {
            // One more match exists: the next page starts after this page's last.
            next_page = last_match.take();
            break;
        }
        last_match = Some(record.id);
        data.push(body);
    }
    if next_page.is_none() && scan.stopped_early() {
        next_page = scan.last_read.clone();
    }
    expand_items(ctx, &mut data, &expand).await?;

    let mut result = Map::new();
    result.insert("object".into(), "search_result".into());
    result.insert("data".into(), Value::Array(data));
    result.insert("has_more".into(), next_page.is_some().into());
    result.insert(
        "next_page".into(),
        next_page.map_or(Value::Null, |id| encode_page(&id).into()),
    );
    result.insert("url".into(), url.into());
    if total_count {
        let mut all = Scan::new(ctx, kind, None);
        all.budget = usize::MAX;
        let mut count = 0u64;
        while all.next(&query).await?.is_some() {
            count += 1;
        }
        result.insert("total_count".into(), count.into());
    }
    Ok(Value::Object(result))
}

/// The matching objects of one kind, newest first, read from the store in batches.
struct Scan<'c> {
    ctx: &'c Ctx,
    query: ListQuery,
    batch: std::vec::IntoIter<Record>,
    /// Whether the store has objects past the current batch.
    more: bool,
    /// The last object read, matching or not.
    last_read: Option<String>,
    read: usize,
    budget: usize,
}

impl<'c> Scan<'c> {
    fn new(ctx: &'c Ctx, kind: &str, after: Option<String>) -> Scan<'c> {
        Scan {
            ctx,
            query: ListQuery {
                account: ctx.account_id().to_owned(),
                kind: kind.to_owned(),
                cursor: after.map(Cursor::After),
                limit: BATCH,
                ..ListQuery::default()
            },
            batch: Vec::new().into_iter(),
            more: true,
            last_read: None,
            read: 0,
            budget: MAX_SCANNED,
        }
    }

    /// Whether the scan stopped at its budget with objects left unread.
    fn stopped_early(&self) -> bool {
        self.read >= self.budget && (self.more || self.batch.len() > 0)
    }

    async fn next(&mut self, query: &Query) -> Result<Option<(Record, Value)>, ApiError> {
        loop {
            if self.read >= self.budget {
                return Ok(None);
            }
            let Some(record) = self.batch.next() else {
                if !self.more {
                    return Ok(None);
                }
                self.fill().await?;
                continue;
            };
            self.read += 1;
            self.last_read = Some(record.id.clone());
            let body: Value =
                serde_json::from_str(&record.body).map_err(|e| unparsable(&record.id, &e))?;
            if query.matches(&body) {
                return Ok(Some((record, body)));
            }
        }
    }

    async fn fill(&mut self) -> Result<(), ApiError> {
        if let Some(last) = &self.last_read {
            self.query.cursor = Some(Cursor::After(last.clone()));
        }
        let mut records =
            self.ctx
                .store()
                .list(&self.query)
                .await
                .map_err(|error| match error {
                    StoreError::CursorNotFound(_) => invalid_page(),
                    other => store_error(other),
                })?;
        self.more = records.len() > BATCH;
        records.truncate(BATCH);
        self.batch = records.into_iter();
        Ok(())
    }
}

/// `next_page` is the id to resume after, encoded so that clients treat it as opaque.
fn encode_page(id: &str) -> String {
    URL_SAFE_NO_PAD.encode(id)
}

fn decode_page(token: &str) -> Result<String, ApiError> {
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .filter(|id| !id.is_empty())
        .ok_or_else(invalid_page)
}

fn invalid_page() -> ApiError {
    ApiError::invalid_request(
        "Invalid page: use the `next_page` value of a previous search's result.",
    )
    .with_param("page")
}
