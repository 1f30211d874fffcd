//! Reads the pages share: query strings and forms, pages of a kind of object, one object.
//! Everything is read through the session's account, so another account's objects are
//! never found (the store scopes every read by account).

use std::collections::HashMap;

use serde_json::Value;
use tender_store::{Cursor, ListQuery, Record, Store, StoreError};
use tender_wire::form::{self, Node};

/// Rows per list page.
pub const PAGE: usize = 25;

/// How many objects a page with a filter on the stored body (a payment's amount, an
/// invoice's status) looks at, at most: such a filter narrows an index scan rather than
/// choosing one, so one that few objects pass would otherwise read every object of the
/// account (seconds at a million payments). A page that reaches this many without filling
/// up ends there, and its "Older" link goes on from where it stopped. At a million
/// payments a window takes 5 ms from memory; read from disk the first time, up to about
/// 120 ms (docs/BENCHMARKS.md).
pub const WINDOW: usize = 2_000;

/// The plain fields of a query string or form body (nested and repeated ones are ignored).
pub fn fields(input: &[u8]) -> HashMap<String, String> {
    form::decode(input)
        .map(|fields| {
            fields
                .into_iter()
                .filter_map(|(key, node)| match node {
                    Node::Leaf(value) => Some((key, value)),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A field, trimmed, if not empty.
pub fn field<'a>(fields: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    fields.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// One page of a list: its objects (newest first) and the cursors to the pages around it.
pub struct Page {
    pub items: Vec<Value>,
    /// The last item's id, when older items exist.
    pub next: Option<String>,
    /// The first item's id, when this is not the first page.
    pub previous: Option<String>,
    /// The page looked at [`WINDOW`] objects without filling up, and more lie beyond them:
    /// its link on that side goes on from the last one it looked at.
    pub window_ended: bool,
}

/// Reads the page `query` names; `after`/`before` are the page's cursor (`starting_after`,
/// `ending_before`), as the API's lists take them.
pub async fn page(
    store: &dyn Store,
    mut query: ListQuery,
    after: Option<&str>,
    before: Option<&str>,
) -> Result<Page, StoreError> {
    query.limit = PAGE;
    query.cursor = match (after, before) {
        (Some(after), _) => Some(Cursor::After(after.to_owned())),
        (None, Some(before)) => Some(Cursor::Before(before.to_owned())),
        (None, None) => None,
    };
    if !query.body.is_empty() {
        query.window = Some(WINDOW);
    }
    let mut records = match store.list(&query).await {
        Ok(records) => records,
        // A stale or foreign cursor shows the first page rather than an error.
        Err(StoreError::CursorNotFound(_)) => {
            query.cursor = None;
            store.list(&query).await?
        }
        Err(other) => return Err(other),
    };
    let more = records.len() > PAGE;
    let backwards = matches!(query.cursor, Some(Cursor::Before(_)));
    if more {
        if backwards {
            records.remove(0);
        } else {
            records.truncate(PAGE);
        }
    }
    let items: Vec<Value> = records.iter().filter_map(body).collect();
    let id = |v: Option<&Value>| v.and_then(|v| v["id"].as_str()).map(str::to_owned);
    // Where the window ended, when the page did not fill up within it.
    let window_end = match query.window {
        Some(_) if !more => window_end(store, &query, backwards).await?,
        _ => None,
    };
    let onwards = |from_items: Option<String>| {
        if more { from_items } else { window_end.clone() }
    };
    let (next, previous) = match &query.cursor {
        None => (onwards(id(items.last())), None),
        Some(Cursor::After(_)) => (onwards(id(items.last())), id(items.first())),
        Some(Cursor::Before(_)) => (id(items.last()), onwards(id(items.first()))),
    };
    Ok(Page {
        items,
        next,
        previous,
        window_ended: window_end.is_some(),
    })
}

/// The id of the last object `query`'s window looked at, if more objects lie beyond it: the
/// `WINDOW`-th object of its range, read without the body filters (an index walk).
async fn window_end(
    store: &dyn Store,
    query: &ListQuery,
    backwards: bool,
) -> Result<Option<String>, StoreError> {
    let mut end = query.clone();
    end.body.clear();
    end.window = None;
    end.skip = WINDOW - 1;
    end.limit = 1;
    // The window's last object and, if there is one, the next beyond it; newest first.
    let found = store.list(&end).await?;
    if found.len() < 2 {
        return Ok(None);
    }
    let last = if backwards {
        found.last()
    } else {
        found.first()
    };
    Ok(last.map(|record| record.id.clone()))
}

/// The whole list (up to `limit`) of a query, newest first.
pub async fn all(store: &dyn Store, mut query: ListQuery, limit: usize) -> Vec<Value> {
    query.limit = limit;
    match store.list(&query).await {
        Ok(records) => records.iter().take(limit).filter_map(body).collect(),
        Err(error) => {
            tracing::warn!(%error, "dashboard: cannot list");
            Vec::new()
        }
    }
}

/// One object of `account` (not deleted), as JSON.
pub async fn object(store: &dyn Store, account: &str, id: &str) -> Option<Value> {
    let record = store.get(account, id).await.ok().flatten()?;
    if record.deleted || record.account != account {
        return None;
    }
    body(&record)
}

fn body(record: &Record) -> Option<Value> {
    serde_json::from_str(&record.body).ok()
}

pub fn query(account: &str, kind: &str) -> ListQuery {
    ListQuery {
        account: account.to_owned(),
        kind: kind.to_owned(),
        ..ListQuery::default()
    }
}

/// `s` for a JSON string field, "" otherwise.
pub fn text<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field].as_str().unwrap_or("")
}

/// Pretty JSON for a `<pre>` block (escaped by the template like any text).
pub fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// Pretty JSON of text that may or may not be JSON (a receiver's answer, a log's body).
pub fn pretty_text(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .map(|v| pretty(&v))
        .unwrap_or_else(|_| text.to_owned())
}
