//! API request logs: what the dashboard's Logs page, a payment's timeline and `tender logs
//! tail` read. The types and the SQL both backends share (as `query.rs` does for lists).
//!
//! Rows are ordered by `seq`, the insertion order, which is also the order the server captured
//! them in (one background writer inserts them in batches). Pages walk `seq` downwards
//! (newest first) or, for a tail, upwards from a known row. Retention deletes from the oldest
//! end in bounded chunks, so that pruning never holds the writer for long.

use crate::query::{Dialect, Param, prefix_upper_bound};

/// One API request as the server saw it. Card numbers, CVCs and secrets are redacted from
/// `params` before the row reaches the store (the server's `request_logs::redact`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestLog {
    /// Assigned by the store on insert (ignored there); increases with insertion order.
    pub seq: i64,
    /// The `Request-Id` (`req_…`).
    pub id: String,
    pub account: String,
    /// When the request arrived, Unix milliseconds.
    pub created_ms: i64,
    pub method: String,
    pub path: String,
    pub status: i64,
    pub idempotency_key: Option<String>,
    /// Answered by replaying a saved response (`Idempotent-Replayed: true`).
    pub replayed: bool,
    pub latency_us: i64,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    /// The object the request was about (the path's id, or the created object's), so that an
    /// object's page can list the requests that touched it.
    pub object: Option<String>,
    /// The parameters, redacted, as a JSON object.
    pub params: String,
    /// The response body (truncated beyond the server's cap).
    pub response: String,
}

/// A page of one account's request logs, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestLogQuery {
    pub account: String,
    /// 2, 4 or 5: statuses 200–299, 400–499 or 500–599.
    pub status_class: Option<i64>,
    /// Exact status (`tender logs tail --filter-status-code`).
    pub status: Option<i64>,
    pub method: Option<String>,
    /// Paths starting with this text.
    pub path_prefix: Option<String>,
    pub request_id: Option<String>,
    /// Requests about any of these objects.
    pub objects: Vec<String>,
    /// Only rows with `seq` strictly below (an older page) …
    pub before_seq: Option<i64>,
    /// … or strictly above (newer rows, for a tail).
    pub after_seq: Option<i64>,
    /// Returns at most `limit + 1` rows so that the caller can tell whether there are more.
    pub limit: usize,
}

pub(crate) const COLUMNS: &str = "seq, id, account, created_ms, method, path, status, \
     idempotency_key, replayed, latency_us, source_ip, user_agent, object, params, response";

/// PostgreSQL's `text` refuses NUL; a request's path or parameters may hold one. Logs are a
/// record of what came in, not an exact copy, so NUL becomes U+FFFD (both backends alike).
pub(crate) fn storable(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\0') {
        std::borrow::Cow::Owned(text.replace('\0', "\u{FFFD}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The page `query` asks for: the statement and its parameters. `None` when a filter can
/// match nothing (text with NUL, which no row holds).
pub(crate) fn select_sql(
    dialect: Dialect,
    query: &RequestLogQuery,
) -> Option<(String, Vec<Param>)> {
    let texts = [&query.method, &query.path_prefix, &query.request_id];
    if texts
        .iter()
        .any(|t| t.as_deref().is_some_and(|t| t.contains('\0')))
        || query.objects.iter().any(|o| o.contains('\0'))
    {
        return None;
    }
    let mut params = vec![Param::Text(query.account.clone())];
    let mut conditions = vec![format!("account = {}", dialect.placeholder(1))];
    let bind = |params: &mut Vec<Param>, param: Param| {
        params.push(param);
        dialect.placeholder(params.len())
    };
    if let Some(class) = query.status_class {
        let low = bind(&mut params, Param::Int(class * 100));
        let high = bind(&mut params, Param::Int(class * 100 + 100));
        conditions.push(format!("status >= {low} AND status < {high}"));
    }
    if let Some(status) = query.status {
        let p = bind(&mut params, Param::Int(status));
        conditions.push(format!("status = {p}"));
    }
    if let Some(method) = &query.method {
        let p = bind(&mut params, Param::Text(method.to_ascii_uppercase()));
        conditions.push(format!("method = {p}"));
    }
    if let Some(prefix) = &query.path_prefix {
        // A range rather than LIKE: no wildcards to escape, and both engines compare bytes.
        let low = bind(&mut params, Param::Text(prefix.clone()));
        conditions.push(format!("path >= {low}"));
        if let Some(upper) = prefix_upper_bound(prefix) {
            let high = bind(&mut params, Param::Text(upper));
            conditions.push(format!("path < {high}"));
        }
    }
    if let Some(id) = &query.request_id {
        let p = bind(&mut params, Param::Text(id.clone()));
        conditions.push(format!("id = {p}"));
    }
    if let Some(seq) = query.before_seq {
        let p = bind(&mut params, Param::Int(seq));
        conditions.push(format!("seq < {p}"));
    }
    if let Some(seq) = query.after_seq {
        let p = bind(&mut params, Param::Int(seq));
        conditions.push(format!("seq > {p}"));
    }
    let limit = bind(
        &mut params,
        Param::Int(i64::try_from(query.limit.saturating_add(1)).unwrap_or(i64::MAX)),
    );
    let page = |conditions: &str| {
        format!(
            "SELECT {COLUMNS} FROM request_logs WHERE {conditions} ORDER BY seq DESC LIMIT {limit}"
        )
    };
    if query.objects.is_empty() {
        return Some((page(&conditions.join(" AND ")), params));
    }
    // One index range per object, merged: with `object IN (…)` SQLite walks the account's
    // rows in `seq` order instead (the order the page wants), every row of the account when
    // the objects have few requests: 2 s at a million rows.
    let common = conditions.join(" AND ");
    let branches: Vec<String> = query
        .objects
        .iter()
        .enumerate()
        .map(|(n, object)| {
            let p = bind(&mut params, Param::Text(object.clone()));
            format!(
                "SELECT * FROM ({}) AS o{n}",
                page(&format!("{common} AND object = {p}"))
            )
        })
        .collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM ({}) AS u ORDER BY seq DESC LIMIT {limit}",
        branches.join(" UNION ALL ")
    );
    Some((sql, params))
}

/// Deletes the oldest rows, at most `?3` of them: those older than `?1` (Unix ms) and those
/// beyond the newest `?2`. Finding the first row to keep by age walks `seq` from the oldest
/// end, over exactly the rows that go, so no index on `created_ms` is needed.
pub(crate) fn prune_sql(dialect: Dialect) -> String {
    let (p1, p2, p3) = (
        dialect.placeholder(1),
        dialect.placeholder(2),
        dialect.placeholder(3),
    );
    let (greatest, least) = match dialect {
        Dialect::Sqlite => ("max", "min"),
        Dialect::Postgres => ("greatest", "least"),
    };
    let end = "(SELECT coalesce(max(seq), 0) + 1 FROM request_logs)";
    let by_age = format!(
        "coalesce((SELECT seq FROM request_logs WHERE created_ms >= {p1} ORDER BY seq LIMIT 1), \
         {end})"
    );
    let by_count = format!("({end} - {p2})");
    let chunk = format!("(SELECT coalesce(min(seq), 0) + {p3} FROM request_logs)");
    format!(
        "DELETE FROM request_logs WHERE seq < {least}({greatest}({by_age}, {by_count}), {chunk})"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_filtered_page() {
        let query = RequestLogQuery {
            account: "acct_1".into(),
            status_class: Some(4),
            path_prefix: Some("/v1/refunds".into()),
            before_seq: Some(9),
            limit: 20,
            ..RequestLogQuery::default()
        };
        let Some((sql, params)) = select_sql(Dialect::Sqlite, &query) else {
            panic!("a storable query");
        };
        assert!(sql.contains("status >= ?2 AND status < ?3"), "{sql}");
        assert!(sql.contains("path >= ?4 AND path < ?5"), "{sql}");
        assert!(
            sql.ends_with("seq < ?6 ORDER BY seq DESC LIMIT ?7"),
            "{sql}"
        );
        assert_eq!(params[1], Param::Int(400));
        assert_eq!(params[4], Param::Text("/v1/refundt".into()));
        assert_eq!(params[6], Param::Int(21));
    }

    #[test]
    fn nul_matches_nothing_and_is_replaced_when_stored() {
        let query = RequestLogQuery {
            account: "acct_1".into(),
            request_id: Some("req_\0".into()),
            ..RequestLogQuery::default()
        };
        assert_eq!(select_sql(Dialect::Postgres, &query), None);
        assert_eq!(storable("a\0b"), "a\u{FFFD}b");
    }
}
