//! The query text into a [`Query`], with every clause checked against the resource's fields:
//! a query that parses can be evaluated on any object without further errors.

use tender_wire::ApiError;

use super::{
    Clause, FieldType, Join, MAX_CLAUSES, MIN_SUBSTRING, Op, Operand, Query, Searchable, Target,
};

/// Parses `text` as a query on `resource`. Errors are 400s naming `query`.
pub fn parse(text: &str, resource: &Searchable) -> Result<Query, ApiError> {
    let mut parser = Parser {
        chars: text.chars().collect(),
        at: 0,
        resource,
    };
    parser.query()
}

fn error(message: impl Into<String>) -> ApiError {
    ApiError::invalid_request(message).with_param("query")
}

struct Parser<'r> {
    chars: Vec<char>,
    at: usize,
    resource: &'r Searchable,
}

impl Parser<'_> {
    fn query(&mut self) -> Result<Query, ApiError> {
        self.skip_spaces();
        if self.at == self.chars.len() {
            return Err(error("The search query is empty."));
        }
        let mut clauses = vec![self.clause()?];
        let mut join: Option<Join> = None;
        loop {
            let spaced = self.skip_spaces();
            if self.at == self.chars.len() {
                break;
            }
            if !spaced {
                return Err(self.syntax("expected a space, `AND` or `OR` between clauses"));
            }
            let next = match self.keyword() {
                Some(keyword) => keyword,
                // Clauses separated by spaces only are joined with AND.
                None => Join::And,
            };
            if join.is_some_and(|join| join != next) {
                return Err(error(
                    "A search query cannot combine `AND` and `OR`: use one of them between all of \
                     its clauses.",
                ));
            }
            join = Some(next);
            self.skip_spaces();
            if self.at == self.chars.len() {
                return Err(self.syntax("expected a clause after the last operator"));
            }
            clauses.push(self.clause()?);
            if clauses.len() > MAX_CLAUSES {
                return Err(error(format!(
                    "A search query may have at most {MAX_CLAUSES} clauses."
                )));
            }
        }
        Ok(Query {
            join: join.unwrap_or(Join::And),
            clauses,
        })
    }

    /// `AND` or `OR` (any case) followed by a space, consumed if present.
    fn keyword(&mut self) -> Option<Join> {
        for (word, join) in [("and", Join::And), ("or", Join::Or)] {
            let end = self.at + word.len();
            let matches = end < self.chars.len()
                && self.chars[self.at..end]
                    .iter()
                    .zip(word.chars())
                    .all(|(c, w)| c.to_ascii_lowercase() == w)
                && self.chars[end].is_whitespace();
            if matches {
                self.at = end;
                return Some(join);
            }
        }
        None
    }

    fn clause(&mut self) -> Result<Clause, ApiError> {
        let negated = self.eat('-');
        let target = self.target()?;
        let op = self.op()?;
        let value = self.value()?;
        let value = check(&target, op, value)?;
        Ok(Clause {
            negated,
            target,
            op,
            value,
        })
    }

    fn target(&mut self) -> Result<Target, ApiError> {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            self.at += 1;
        }
        let name: String = self.chars[start..self.at].iter().collect();
        if name.is_empty() {
            return Err(self.syntax("expected a field name"));
        }
        if name == "metadata" {
            if !self.eat('[') {
                return Err(error(
                    "Metadata must be searched by key, as in `metadata['key']:'value'`.",
                ));
            }
            let key = self.quoted()?;
            if !self.eat(']') {
                return Err(self.syntax("expected `]` after the metadata key"));
            }
            if key.is_empty() {
                return Err(error("A metadata key in a search query cannot be empty."));
            }
            return Ok(Target::Metadata(key));
        }
        match self.resource.field(&name) {
            Some(field) => Ok(Target::Field(field)),
            None => Err(error(format!(
                "Field `{name}` is an unsupported search field for resource `{resource}`. See \
                 https://stripe.com/docs/search#query-fields-for-{resource} for a list of \
                 supported fields.",
                resource = self.resource.resource.replace('_', "")
            ))),
        }
    }

    fn op(&mut self) -> Result<Op, ApiError> {
        let op = match self.peek() {
            Some(':') => Op::Equals,
            Some('~') => Op::Contains,
            Some('>') if self.peek_at(1) == Some('=') => Op::GreaterOrEqual,
            Some('>') => Op::Greater,
            Some('<') if self.peek_at(1) == Some('=') => Op::LessOrEqual,
            Some('<') => Op::Less,
            _ => {
                return Err(self.syntax("expected an operator (`:`, `~`, `>`, `>=`, `<` or `<=`)"));
            }
        };
        self.at += op.as_str().len();
        Ok(op)
    }

    fn value(&mut self) -> Result<Raw, ApiError> {
        match self.peek() {
            Some('\'' | '"') => Ok(Raw::Quoted(self.quoted()?)),
            Some(c) if !c.is_whitespace() => {
                let start = self.at;
                while self.peek().is_some_and(|c| !c.is_whitespace()) {
                    self.at += 1;
                }
                Ok(Raw::Word(self.chars[start..self.at].iter().collect()))
            }
            _ => Err(self.syntax("expected a value")),
        }
    }

    /// A string in single or double quotes; a backslash escapes the next character.
    fn quoted(&mut self) -> Result<String, ApiError> {
        let Some(quote) = self.peek().filter(|c| *c == '\'' || *c == '"') else {
            return Err(self.syntax("expected a quoted string"));
        };
        let start = self.at;
        self.at += 1;
        let mut text = String::new();
        loop {
            match self.peek() {
                None => {
                    return Err(error(format!(
                        "The quoted string starting at position {start} is never closed."
                    )));
                }
                Some('\\') => {
                    self.at += 1;
                    match self.peek() {
                        Some(c) => text.push(c),
                        None => return Err(self.syntax("expected a character after `\\`")),
                    }
                }
                Some(c) if c == quote => {
                    self.at += 1;
                    return Ok(text);
                }
                Some(c) => text.push(c),
            }
            self.at += 1;
        }
    }

    fn syntax(&self, expected: &str) -> ApiError {
        let found = match self.peek() {
            Some(c) => format!("`{c}`"),
            None => "the end of the query".to_owned(),
        };
        error(format!(
            "Syntax error in the search query at position {}: {expected}, found {found}.",
            self.at
        ))
    }

    fn peek(&self) -> Option<char> {
        self.peek_at(0)
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.at + offset).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.at += 1;
        }
        found
    }

    /// Skips whitespace; whether there was any.
    fn skip_spaces(&mut self) -> bool {
        let start = self.at;
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
        self.at > start
    }
}

/// A value as written: in quotes, or not.
enum Raw {
    Quoted(String),
    Word(String),
}

/// Checks that `op` and `value` suit the target's type, and reads the value as that type:
/// quotes are optional around numbers (`amount:'1000'`, `last4:4242`) and booleans.
fn check(target: &Target, op: Op, value: Raw) -> Result<Operand, ApiError> {
    let (name, ty, substring) = match target {
        Target::Field(field) => (field.name.to_owned(), field.ty, field.substring),
        Target::Metadata(key) => (format!("metadata['{key}']"), FieldType::String, false),
    };
    let value = match (ty, value) {
        (_, Raw::Word(word)) if word == "null" => {
            if op != Op::Equals {
                return Err(error(format!(
                    "`null` can only be matched with `:` (as in `{name}:null`)."
                )));
            }
            return Ok(Operand::Null);
        }
        (FieldType::Numeric, Raw::Quoted(text) | Raw::Word(text)) => {
            text.parse().map(Operand::Integer).map_err(|_| {
                error(format!(
                    "Field `{name}` takes an integer (amounts in the smallest currency unit, \
                     dates as Unix timestamps), not `{text}`."
                ))
            })?
        }
        (FieldType::Boolean, Raw::Quoted(text) | Raw::Word(text)) => match text.as_str() {
            "true" => Operand::Boolean(true),
            "false" => Operand::Boolean(false),
            _ => {
                return Err(error(format!(
                    "Field `{name}` takes `true` or `false`, not `{text}`."
                )));
            }
        },
        (FieldType::String | FieldType::Token, Raw::Quoted(text)) => Operand::Text(text),
        (FieldType::String | FieldType::Token, Raw::Word(word)) => {
            if word.parse::<i64>().is_err() {
                return Err(error(format!(
                    "Search values must be quoted, except numbers and `null`: write '{word}' \
                     in quotes."
                )));
            }
            Operand::Text(word)
        }
    };
    match op {
        Op::Equals => {}
        Op::Contains => {
            if !substring {
                return Err(error(format!(
                    "Field `{name}` does not support substring matching (`~`)."
                )));
            }
            if let Operand::Text(text) = &value
                && text.chars().count() < MIN_SUBSTRING
            {
                return Err(error(format!(
                    "A substring search (`~`) needs at least {MIN_SUBSTRING} characters."
                )));
            }
        }
        _ => {
            if ty != FieldType::Numeric {
                return Err(error(format!(
                    "Field `{name}` does not support numeric comparison (`{}`).",
                    op.as_str()
                )));
            }
        }
    }
    Ok(value)
}
