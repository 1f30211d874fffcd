//! Stripe's search query language (`GET /v1/<resource>/search?query=…`): parsing a query
//! against a resource's declared fields ([`fields`]) and testing an object's JSON body
//! against it. Pure: the server scans the account's objects and keeps those that match.
//!
//! ```text
//! query  := clause ( (" " | " AND " | " OR ") clause )*     AND and OR never mixed
//! clause := ["-"] target op value
//! target := field | "metadata[" quoted "]"
//! op     := ":" | "~" | ">" | ">=" | "<" | "<="
//! value  := quoted | integer | "null" | "true" | "false"
//! ```

mod eval;
pub mod fields;
mod parse;

pub use fields::{FieldType, SearchField, Searchable};
pub use parse::parse;

/// The most clauses one query may hold.
pub const MAX_CLAUSES: usize = 10;

/// The fewest characters a `~` (substring) value may have.
pub const MIN_SUBSTRING: usize = 3;

/// A parsed query: its clauses and how they combine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub join: Join,
    pub clauses: Vec<Clause>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Join {
    And,
    Or,
}

/// `[-]target op value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    pub negated: bool,
    pub target: Target,
    pub op: Op,
    pub value: Operand,
}

/// What a clause looks at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Field(&'static SearchField),
    /// `metadata['key']`.
    Metadata(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `:`
    Equals,
    /// `~`
    Contains,
    /// `>`
    Greater,
    /// `>=`
    GreaterOrEqual,
    /// `<`
    Less,
    /// `<=`
    LessOrEqual,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Equals => ":",
            Op::Contains => "~",
            Op::Greater => ">",
            Op::GreaterOrEqual => ">=",
            Op::Less => "<",
            Op::LessOrEqual => "<=",
        }
    }
}

/// A clause's value, checked against its field's type when parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operand {
    Null,
    Text(String),
    Integer(i64),
    Boolean(bool),
}

impl Query {
    /// Whether the object whose body is `object` matches.
    pub fn matches(&self, object: &serde_json::Value) -> bool {
        let mut results = self.clauses.iter().map(|clause| clause.matches(object));
        match self.join {
            Join::And => results.all(|matched| matched),
            Join::Or => results.any(|matched| matched),
        }
    }
}

#[cfg(test)]
mod tests;
