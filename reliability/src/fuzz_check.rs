//! What the HTTP fuzzer checks of each response, and the database fingerprint that shows
//! whether a rejected request changed anything.

use std::collections::BTreeMap;

use rusqlite::{Connection, OpenFlags};
use serde_json::Value;

use super::wire::Response;

/// Stripe's error types (API v1).
const ERROR_TYPES: &[&str] = &[
    "api_error",
    "card_error",
    "idempotency_error",
    "invalid_request_error",
];

/// Checks a response's shape; returns the problem, if any, and the error code (or type) of an
/// error response for the report.
pub fn check_response(method: &str, response: &Response) -> (Option<String>, Option<String>) {
    let status = response.status;
    if status >= 500 {
        return (Some(format!("server error {status}")), None);
    }
    if !(200..500).contains(&status) {
        return (Some(format!("unexpected status {status}")), None);
    }
    if response.header("request-id").is_none() {
        return (Some("no Request-Id header".into()), None);
    }
    // HEAD has no body; a CORS preflight answers with headers only.
    if method == "HEAD" || (method == "OPTIONS" && status < 300) {
        return (None, None);
    }
    let content_type = response.header("content-type").unwrap_or_default();
    if !content_type.starts_with("application/json") {
        return (
            Some(format!("content type {content_type:?}, not JSON")),
            None,
        );
    }
    let body: Value = match serde_json::from_slice(&response.body) {
        Ok(body) => body,
        Err(e) => return (Some(format!("body is not JSON: {e}")), None),
    };
    if status < 300 {
        let shaped = body["object"].is_string() || body["deleted"].is_boolean();
        let problem = (!shaped).then(|| "2xx body without `object`".to_owned());
        return (problem, None);
    }
    let error = &body["error"];
    let Some(kind) = error["type"].as_str() else {
        return (Some("error without error.type".into()), None);
    };
    let code = error["code"].as_str().unwrap_or(kind).to_owned();
    let problem = if !ERROR_TYPES.contains(&kind) {
        Some(format!("unknown error.type {kind:?}"))
    } else if error["message"].as_str().is_none_or(str::is_empty) {
        Some("error without a message".into())
    } else if code.starts_with("parameter_") && !error["param"].is_string() {
        // Stripe names the parameter at fault whenever the code is about one.
        Some(format!("{code} without error.param"))
    } else if (status == 402) != (kind == "card_error") {
        Some(format!("status {status} with error.type {kind}"))
    } else {
        None
    };
    (problem, Some(code))
}

/// Row counts, highest rowids and version sums of every table, read through a read-only
/// connection. Tables the webhook dispatcher writes in the background are left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint(BTreeMap<String, Vec<i64>>);

/// Written in the background, not by a request's unit of work: the webhook dispatcher's
/// attempts, and the log of every API request (rejected ones are logged too, by design:
/// they are what the dashboard's Logs page is for).
const BACKGROUND_TABLES: &[&str] = &["request_logs", "webhook_attempts"];
/// Written by a request whose execution failed when it carried an Idempotency-Key: Stripe
/// saves that outcome (a parameter error is not saved).
pub const IDEMPOTENCY_TABLE: &str = "idempotency_keys";

pub struct Database {
    conn: Connection,
    /// Queries per table, found once.
    queries: Vec<(String, String)>,
    /// `PRAGMA data_version` of the last fingerprint: unchanged means no commit since.
    last: Option<(i64, Fingerprint)>,
}

impl Database {
    pub fn open(path: &str) -> Result<Database, String> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| format!("{path}: {e}"))?;
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
            .map_err(|e| format!("{path}: listing tables: {e}"))?;
        let mut queries = Vec::new();
        for table in tables {
            if BACKGROUND_TABLES.contains(&table.as_str()) {
                continue;
            }
            let columns: Vec<String> = conn
                .prepare(&format!("PRAGMA table_info(\"{table}\")"))
                .and_then(|mut s| s.query_map([], |row| row.get(1))?.collect())
                .map_err(|e| format!("{path}: columns of {table}: {e}"))?;
            let mut parts = vec!["count(*)".to_owned()];
            // WITHOUT ROWID tables have no rowid: counting them is all there is.
            if conn
                .prepare(&format!("SELECT max(rowid) FROM \"{table}\""))
                .is_ok()
            {
                parts.push("coalesce(max(rowid), 0)".into());
            }
            // In-place updates show in versions and delete flags.
            for column in ["version", "deleted"] {
                if columns.iter().any(|c| c == column) {
                    parts.push(format!("coalesce(sum({column}), 0)"));
                }
            }
            // SQLite's counters of AUTOINCREMENT tables gain a row when such a table gets its
            // first row: the background tables' counters are theirs.
            let filter = if table == "sqlite_sequence" {
                let names: Vec<String> =
                    BACKGROUND_TABLES.iter().map(|t| format!("'{t}'")).collect();
                format!(" WHERE name NOT IN ({})", names.join(", "))
            } else {
                String::new()
            };
            let sql = format!("SELECT {} FROM \"{table}\"{filter}", parts.join(", "));
            queries.push((table, sql));
        }
        if queries.is_empty() {
            return Err(format!(
                "{path} has no tables: is it the server's database?"
            ));
        }
        Ok(Database {
            conn,
            queries,
            last: None,
        })
    }

    pub fn fingerprint(&mut self) -> Result<Fingerprint, String> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA data_version", [], |row| row.get(0))
            .map_err(|e| format!("data_version: {e}"))?;
        if let Some((last_version, last)) = &self.last
            && *last_version == version
        {
            return Ok(last.clone());
        }
        let mut tables = BTreeMap::new();
        for (table, sql) in &self.queries {
            let values = self
                .conn
                .query_row(sql, [], |row| {
                    (0..row.as_ref().column_count())
                        .map(|i| row.get::<_, i64>(i))
                        .collect::<Result<Vec<i64>, _>>()
                })
                .map_err(|e| format!("fingerprint of {table}: {e}"))?;
            tables.insert(table.clone(), values);
        }
        let fingerprint = Fingerprint(tables);
        self.last = Some((version, fingerprint.clone()));
        Ok(fingerprint)
    }
}

impl Fingerprint {
    /// The tables that differ, as `table: before → after`; `allow_idempotency_row` lets
    /// `idempotency_keys` gain one row.
    pub fn changes(&self, after: &Fingerprint, allow_idempotency_row: bool) -> Vec<String> {
        let mut changes = Vec::new();
        for (table, before) in &self.0 {
            let now = after.0.get(table).cloned().unwrap_or_default();
            if *before == now {
                continue;
            }
            let one_more_row = before
                .first()
                .zip(now.first())
                .is_some_and(|(b, a)| a - b == 1);
            if allow_idempotency_row && table == IDEMPOTENCY_TABLE && one_more_row {
                continue;
            }
            changes.push(format!("{table}: {before:?} -> {now:?}"));
        }
        changes
    }
}
