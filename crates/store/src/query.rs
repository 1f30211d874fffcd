//! SQL and checks shared by both backends.
//!
//! List semantics (order, filters, cursors) are subtle enough that writing them twice would
//! make the backends drift; this module builds one statement text for either dialect, and each
//! backend only binds the [`Param`]s and decodes rows.

use crate::{Cursor, ListQuery, StoreError, TagFilter, UnitOfWork};

/// The two SQL dialects the backends speak. They differ only in placeholders and booleans.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    pub(crate) fn placeholder(self, n: usize) -> String {
        match self {
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Postgres => format!("${n}"),
        }
    }

    /// `id` is one of the strings of the JSON array bound at `p`: one statement text
    /// whatever the number of ids, so the prepared-statement caches stay small.
    fn id_in_json(self, p: &str) -> String {
        match self {
            Dialect::Sqlite => format!("id IN (SELECT value FROM json_each({p}))"),
            Dialect::Postgres => {
                format!("id = ANY (ARRAY(SELECT jsonb_array_elements_text({p}::text::jsonb)))")
            }
        }
    }

    /// The JSON text of the body's value at the dotted path bound at `path` equals the text
    /// bound at `json`. Both engines print a scalar the way serde_json does (`"usd"`, `true`).
    fn body_equals(self, path: &str, json: &str) -> String {
        match self {
            Dialect::Sqlite => format!("body -> ('$.' || {path}) = {json}"),
            Dialect::Postgres => {
                format!("(body::jsonb #> string_to_array({path}, '.'))::text = {json}")
            }
        }
    }

    /// Spelled exactly like the partial indexes' predicate, so the planners can use them.
    fn not_deleted(self, table: &str) -> String {
        match self {
            Dialect::Sqlite => format!("{table}deleted = 0"),
            Dialect::Postgres => format!("NOT {table}deleted"),
        }
    }
}

/// A value bound to a statement built here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Param {
    Text(String),
    Int(i64),
}

/// The columns every record read selects, in the order the backends decode them.
pub(crate) const RECORD_COLUMNS: &str =
    "account, id, kind, created, version, deleted, customer, payment_intent, charge, tag, body";

/// Where a list cursor's object sits in list order, and which side of it the page is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Anchor {
    /// Objects strictly older than (created, seq).
    After { created: i64, seq: i64 },
    /// Objects strictly newer than (created, seq).
    Before { created: i64, seq: i64 },
}

impl Anchor {
    pub(crate) fn new(cursor: &Cursor, created: i64, seq: i64) -> Anchor {
        match cursor {
            Cursor::After(_) => Anchor::After { created, seq },
            Cursor::Before(_) => Anchor::Before { created, seq },
        }
    }
}

/// The object id a cursor names.
pub(crate) fn cursor_id(cursor: &Cursor) -> &str {
    match cursor {
        Cursor::After(id) | Cursor::Before(id) => id,
    }
}

/// Looks up a cursor's position: params account, kind, id; columns created, seq. Deleted
/// objects are found too (see [`crate::Store::list`]).
pub(crate) fn cursor_sql(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => {
            "SELECT created, seq FROM objects WHERE account = ?1 AND kind = ?2 AND id = ?3"
        }
        Dialect::Postgres => {
            "SELECT created, seq FROM objects WHERE account = $1 AND kind = $2 AND id = $3"
        }
    }
}

/// A list statement ready to bind.
#[derive(Debug)]
pub(crate) struct ListSql {
    pub(crate) text: String,
    pub(crate) params: Vec<Param>,
    /// The rows come oldest first and must be reversed to be newest first (for
    /// [`Cursor::Before`], whose page is the objects *closest* to the cursor).
    pub(crate) reversed: bool,
}

/// Builds the statement for `query`, with the cursor already resolved to `anchor`.
///
/// Every shape is an index range scan: `account = AND kind =` plus at most one more equality
/// (customer, payment intent, charge or tag) picks an index ordered by (created, seq), and the
/// cursor becomes a row-value bound on it, so a page costs O(limit), not O(objects).
/// [`TagFilter::AnyOf`] becomes one such scan per tag, merged (O(tags × limit)); a
/// [`TagFilter::Prefix`] still here (see [`expand_prefix`]) is a range over the tag index that
/// must be sorted: O(matching objects).
pub(crate) fn list_sql(dialect: Dialect, query: &ListQuery, anchor: Option<Anchor>) -> ListSql {
    let mut b = Builder {
        dialect,
        text: String::new(),
        params: Vec::new(),
    };
    let p = b.bind(Param::Text(query.account.clone()));
    b.text.push_str(&format!("account = {p}"));
    let p = b.bind(Param::Text(query.kind.clone()));
    b.and(&format!("kind = {p}"));
    b.and(&dialect.not_deleted(""));
    for (column, value) in [
        ("customer", &query.customer),
        ("payment_intent", &query.payment_intent),
        ("charge", &query.charge),
    ] {
        if let Some(value) = value {
            let p = b.bind(Param::Text(value.clone()));
            b.and(&format!("{column} = {p}"));
        }
    }
    if let Some(ids) = &query.ids {
        let json = serde_json::Value::from(ids.clone()).to_string();
        let p = b.bind(Param::Text(json));
        b.and(&dialect.id_in_json(&p));
    }
    // In a window, the body filters apply to the window's rows, outside the index scan.
    let windowed = query
        .window
        .filter(|_| !query.body.is_empty() && !matches!(query.tag, Some(TagFilter::AnyOf(_))));
    let mut outer = Vec::new();
    for filter in &query.body {
        let path = b.bind(Param::Text(filter.path.clone()));
        let json = b.bind(Param::Text(filter.json.clone()));
        if windowed.is_some() {
            outer.push(dialect.body_equals(&path, &json));
        } else {
            b.and(&dialect.body_equals(&path, &json));
        }
    }
    for (op, bound) in [
        (">", query.created.gt),
        (">=", query.created.gte),
        ("<", query.created.lt),
        ("<=", query.created.lte),
    ] {
        if let Some(bound) = bound {
            let p = b.bind(Param::Int(bound));
            b.and(&format!("created {op} {p}"));
        }
    }
    let reversed = match anchor {
        None => false,
        Some(Anchor::After { created, seq }) => {
            b.row_bound("<", created, seq);
            false
        }
        Some(Anchor::Before { created, seq }) => {
            b.row_bound(">", created, seq);
            true
        }
    };
    let direction = if reversed { "ASC" } else { "DESC" };
    let order = format!("ORDER BY created {direction}, seq {direction}");
    let limit = i64::try_from(query.limit.saturating_add(1)).unwrap_or(i64::MAX);
    let limit = b.bind(Param::Int(limit));
    let text = match &query.tag {
        None => scan(&mut b, query, windowed, &outer, &order, &limit),
        Some(TagFilter::Exact(tag)) => {
            let p = b.bind(Param::Text(tag.clone()));
            b.and(&format!("tag = {p}"));
            scan(&mut b, query, windowed, &outer, &order, &limit)
        }
        // A range rather than LIKE: LIKE is case-insensitive in SQLite, needs escaping of `_`
        // and `%`, and cannot use an index with a bound pattern on PostgreSQL.
        Some(TagFilter::Prefix(prefix)) => {
            let p = b.bind(Param::Text(prefix.clone()));
            b.and(&format!("tag >= {p}"));
            if let Some(upper) = prefix_upper_bound(prefix) {
                let p = b.bind(Param::Text(upper));
                b.and(&format!("tag < {p}"));
            }
            scan(&mut b, query, windowed, &outer, &order, &limit)
        }
        Some(TagFilter::AnyOf(tags)) if tags.is_empty() => {
            b.and("1 = 0");
            page(&b.text, "", &order, &limit)
        }
        Some(TagFilter::AnyOf(tags)) => {
            // One index scan per tag, each already in order and cut at the limit; the merge
            // sorts at most tags × (limit + 1) rows. The common parameters are bound once
            // and their placeholders repeated in every branch. A repeated tag would repeat
            // its rows, hence the dedup.
            let mut tags = tags.clone();
            tags.sort_unstable();
            tags.dedup();
            let common = b.text.clone();
            let branches: Vec<String> = tags
                .iter()
                .enumerate()
                .map(|(n, tag)| {
                    let p = b.bind(Param::Text(tag.clone()));
                    let branch = page(&format!("{common} AND tag = {p}"), ", seq", &order, &limit);
                    format!("SELECT * FROM ({branch}) AS t{n}")
                })
                .collect();
            format!(
                "SELECT {RECORD_COLUMNS} FROM ({}) AS u {order} LIMIT {limit}",
                branches.join(" UNION ALL ")
            )
        }
    };
    ListSql {
        text,
        params: b.params,
        reversed,
    }
}

/// The index scan of `b`'s conditions: a page, past `query.skip` objects; or, in a window,
/// the window's rows filtered by the `outer` (body) conditions, then the page.
fn scan(
    b: &mut Builder,
    query: &ListQuery,
    window: Option<usize>,
    outer: &[String],
    order: &str,
    limit: &str,
) -> String {
    if let Some(window) = window {
        let rows = b.bind(Param::Int(i64::try_from(window).unwrap_or(i64::MAX)));
        let inner = page(&b.text, ", seq", order, &rows);
        return format!(
            "SELECT {RECORD_COLUMNS} FROM ({inner}) AS w WHERE {} {order} LIMIT {limit}",
            outer.join(" AND ")
        );
    }
    if query.skip > 0 {
        let skip = b.bind(Param::Int(i64::try_from(query.skip).unwrap_or(i64::MAX)));
        return page(&b.text, "", order, &format!("{limit} OFFSET {skip}"));
    }
    page(&b.text, "", order, limit)
}

/// One ordered, limited index scan of `objects`.
fn page(conditions: &str, extra_columns: &str, order: &str, limit: &str) -> String {
    format!(
        "SELECT {RECORD_COLUMNS}{extra_columns} FROM objects WHERE {conditions} {order} \
         LIMIT {limit}"
    )
}

/// A prefix filter over few distinct tags (event types: `payment_intent.*`) is answered fastest
/// as [`TagFilter::AnyOf`] those tags. Beyond this many, the range scan is used as is.
pub(crate) const PREFIX_EXPANSION: usize = 32;

/// The distinct tags of `query`'s account and kind that start with `prefix`, at most
/// [`PREFIX_EXPANSION`] + 1 of them, found by a skip scan of the tag index: one index seek per
/// distinct tag, however many objects carry it. One text column, `tag`.
pub(crate) fn prefix_tags_sql(
    dialect: Dialect,
    query: &ListQuery,
    prefix: &str,
) -> (String, Vec<Param>) {
    let mut b = Builder {
        dialect,
        text: String::new(),
        params: Vec::new(),
    };
    let account = b.bind(Param::Text(query.account.clone()));
    let kind = b.bind(Param::Text(query.kind.clone()));
    let lower = b.bind(Param::Text(prefix.into()));
    let upper = match prefix_upper_bound(prefix) {
        Some(upper) => format!(" AND o.tag < {}", b.bind(Param::Text(upper))),
        None => String::new(),
    };
    // Inlined, not bound: PostgreSQL would infer int4 from `n` and refuse an i64.
    let cap = PREFIX_EXPANSION + 1;
    let next = |after: &str| {
        format!(
            "(SELECT o.tag FROM objects AS o WHERE o.account = {account} AND o.kind = {kind} \
             AND {} AND o.tag {after}{upper} ORDER BY o.tag LIMIT 1)",
            dialect.not_deleted("o.")
        )
    };
    let text = format!(
        "WITH RECURSIVE tags (tag, n) AS (SELECT {}, 1 UNION ALL SELECT {}, n + 1 FROM tags \
         WHERE tag IS NOT NULL AND n < {cap}) SELECT tag FROM tags WHERE tag IS NOT NULL",
        next(&format!(">= {lower}")),
        next("> tags.tag"),
    );
    (text, b.params)
}

/// `query` with its prefix filter replaced by the `tags` [`prefix_tags_sql`] found, unless
/// there are too many of them.
pub(crate) fn expand_prefix(query: &ListQuery, tags: Vec<String>) -> Option<ListQuery> {
    (tags.len() <= PREFIX_EXPANSION).then(|| ListQuery {
        tag: Some(TagFilter::AnyOf(tags)),
        ..query.clone()
    })
}

struct Builder {
    dialect: Dialect,
    text: String,
    params: Vec<Param>,
}

impl Builder {
    fn bind(&mut self, param: Param) -> String {
        self.params.push(param);
        self.dialect.placeholder(self.params.len())
    }

    fn and(&mut self, condition: &str) {
        self.text.push_str(" AND ");
        self.text.push_str(condition);
    }

    fn row_bound(&mut self, op: &str, created: i64, seq: i64) {
        let c = self.bind(Param::Int(created));
        let s = self.bind(Param::Int(seq));
        self.and(&format!("(created, seq) {op} ({c}, {s})"));
    }
}

/// The smallest string greater than every string that starts with `prefix`, in code point
/// order (which is UTF-8 byte order: SQLite's BINARY collation and PostgreSQL's "C", the
/// collation of the `tag` column). `None` when no such string exists (empty prefix, or one made
/// only of `char::MAX`): then the range has no upper end.
pub(crate) fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match u32::from(last) + 1 {
            0xD800 => Some('\u{E000}'), // skip the surrogate gap
            n => char::from_u32(n),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// Rejects units that break [`crate::Write`]'s version rule. Such a unit is a bug in the caller,
/// and storing it would make the version a client holds differ from the stored one.
pub(crate) fn check_unit(unit: &UnitOfWork) -> Result<(), StoreError> {
    if let Some(text) = unstorable_text(unit) {
        // Refused alone, before it joins a group commit whose every unit it would fail.
        return Err(StoreError::Backend(format!(
            "unit of work holds text with a NUL character: {text:?}"
        )));
    }
    for write in &unit.writes {
        let want = match write.expected_version {
            None => Some(1),
            Some(v) => v.checked_add(1),
        };
        if want != Some(write.record.version) {
            return Err(StoreError::Backend(format!(
                "invalid write of {}: version {} after expected version {:?} (must be 1 on \
                 insert, expected + 1 on update)",
                write.record.id, write.record.version, write.expected_version
            )));
        }
    }
    Ok(())
}

/// True for text both backends can store: PostgreSQL's `text` refuses NUL, so no stored id,
/// key or value holds one, and a lookup of such text finds nothing without asking.
pub(crate) fn storable(text: &str) -> bool {
    !text.contains('\0')
}

/// True when every filter of `query` is storable text (a filter that is not matches nothing).
pub(crate) fn filters_storable(query: &ListQuery) -> bool {
    let tags: Vec<&str> = match &query.tag {
        None => Vec::new(),
        Some(TagFilter::Exact(tag) | TagFilter::Prefix(tag)) => vec![tag],
        Some(TagFilter::AnyOf(tags)) => tags.iter().map(String::as_str).collect(),
    };
    let ids = query.ids.iter().flatten().map(String::as_str);
    let body = query
        .body
        .iter()
        .flat_map(|filter| [filter.path.as_str(), filter.json.as_str()]);
    [&query.customer, &query.payment_intent, &query.charge]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .chain(tags)
        .chain(ids)
        .chain(body)
        .all(storable)
}

/// The first text of `unit` that cannot be stored, if any.
fn unstorable_text(unit: &UnitOfWork) -> Option<&str> {
    let records = unit.writes.iter().map(|write| &write.record);
    let record_texts = records.flat_map(|r| {
        [
            Some(r.account.as_str()),
            Some(r.id.as_str()),
            Some(r.kind.as_str()),
            Some(r.body.as_str()),
            r.index.customer.as_deref(),
            r.index.payment_intent.as_deref(),
            r.index.charge.as_deref(),
            r.index.tag.as_deref(),
        ]
    });
    let key_texts = unit.idempotency.iter().flat_map(|r| {
        [
            Some(r.account.as_str()),
            Some(r.key.as_str()),
            Some(r.fingerprint.as_str()),
            Some(r.request_id.as_str()),
            Some(r.body.as_str()),
        ]
    });
    record_texts
        .chain(key_texts)
        .flatten()
        .find(|text| !storable(text))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::CreatedRange;

    #[test]
    fn upper_bound_of_prefix() {
        assert_eq!(
            prefix_upper_bound("payment_intent."),
            Some("payment_intent/".into())
        );
        assert_eq!(prefix_upper_bound("a\u{10FFFF}"), Some("b".into()));
        assert_eq!(prefix_upper_bound("\u{D7FF}"), Some("\u{E000}".into()));
        assert_eq!(prefix_upper_bound(""), None);
        assert_eq!(prefix_upper_bound("\u{10FFFF}"), None);
    }

    #[test]
    fn builds_a_filtered_cursor_page() {
        let query = ListQuery {
            account: "acct_1".into(),
            kind: "event".into(),
            customer: Some("cus_1".into()),
            tag: Some(TagFilter::Prefix("payment_intent.".into())),
            created: CreatedRange {
                gte: Some(10),
                ..CreatedRange::default()
            },
            limit: 10,
            ..ListQuery::default()
        };
        let anchor = Anchor::Before {
            created: 20,
            seq: 7,
        };
        let sql = list_sql(Dialect::Postgres, &query, Some(anchor));
        assert_eq!(
            sql.text,
            format!(
                "SELECT {RECORD_COLUMNS} FROM objects WHERE account = $1 AND kind = $2 AND NOT \
                 deleted AND customer = $3 AND created >= $4 AND (created, seq) > ($5, $6) AND \
                 tag >= $8 AND tag < $9 ORDER BY created ASC, seq ASC LIMIT $7"
            )
        );
        assert!(sql.reversed);
        assert_eq!(
            sql.params[6..],
            [
                Param::Int(11),
                Param::Text("payment_intent.".into()),
                Param::Text("payment_intent/".into())
            ]
        );
    }

    #[test]
    fn any_of_merges_one_scan_per_tag() {
        let query = ListQuery {
            account: "acct_1".into(),
            kind: "event".into(),
            tag: Some(TagFilter::AnyOf(vec!["a".into(), "b".into()])),
            limit: usize::MAX,
            ..ListQuery::default()
        };
        let sql = list_sql(Dialect::Sqlite, &query, None);
        let branch = |n: usize, p: usize| {
            format!(
                "SELECT * FROM (SELECT {RECORD_COLUMNS}, seq FROM objects WHERE account = ?1 AND \
                 kind = ?2 AND deleted = 0 AND tag = ?{p} ORDER BY created DESC, seq DESC LIMIT \
                 ?3) AS t{n}"
            )
        };
        assert_eq!(
            sql.text,
            format!(
                "SELECT {RECORD_COLUMNS} FROM ({} UNION ALL {}) AS u ORDER BY created DESC, seq \
                 DESC LIMIT ?3",
                branch(0, 4),
                branch(1, 5)
            )
        );
        assert_eq!(sql.params[2], Param::Int(i64::MAX));
        assert_eq!(sql.params.len(), 5);
        assert!(!sql.reversed);
    }

    #[test]
    fn prefix_expands_only_when_few_tags() {
        let query = ListQuery {
            tag: Some(TagFilter::Prefix("p.".into())),
            ..ListQuery::default()
        };
        let few = expand_prefix(&query, vec!["p.a".into(), "p.b".into()]).unwrap();
        assert_eq!(
            few.tag,
            Some(TagFilter::AnyOf(vec!["p.a".into(), "p.b".into()]))
        );
        let many = (0..=PREFIX_EXPANSION).map(|n| format!("p.{n}")).collect();
        assert!(expand_prefix(&query, many).is_none());
    }
}
