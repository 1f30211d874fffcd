//! List parameters and the list envelope (spec §1.7).

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::form::Node;
use crate::params::Params;

pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 100;

/// Bounds on a timestamp filter such as `created` (`created=123` or `created[gte]=…`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Range {
    pub gt: Option<i64>,
    pub gte: Option<i64>,
    pub lt: Option<i64>,
    pub lte: Option<i64>,
}

/// Which page of a list to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Page {
    First,
    StartingAfter(String),
    EndingBefore(String),
}

/// The parameters every list endpoint takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListParams {
    pub limit: usize,
    pub page: Page,
    pub created: Range,
}

impl ListParams {
    /// Takes `limit`, `starting_after`, `ending_before` and `created` from `p`.
    pub fn take(p: &mut Params) -> Result<ListParams, ApiError> {
        let limit = take_limit(p)?;
        let starting_after = p.string("starting_after")?;
        let ending_before = p.string("ending_before")?;
        let page = match (starting_after, ending_before) {
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid_request(
                    "You may only specify one of these parameters: ending_before, starting_after.",
                )
                .with_param("ending_before"));
            }
            (Some(id), None) => Page::StartingAfter(id),
            (None, Some(id)) => Page::EndingBefore(id),
            (None, None) => Page::First,
        };
        let created = take_range(p, "created")?;
        Ok(ListParams {
            limit,
            page,
            created,
        })
    }
}

/// `limit`: 1 to [`MAX_LIMIT`], [`DEFAULT_LIMIT`] when absent (lists and searches).
pub fn take_limit(p: &mut Params) -> Result<usize, ApiError> {
    match p.integer("limit")? {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT as i64).contains(&n) => Ok(n as usize),
        Some(n) => Err(ApiError::invalid_request(format!(
            "Invalid limit: must be between 1 and {MAX_LIMIT} (received {n})"
        ))
        .with_param("limit")),
    }
}

/// A timestamp filter: an exact integer or a hash of `gt`, `gte`, `lt`, `lte`.
pub fn take_range(p: &mut Params, key: &str) -> Result<Range, ApiError> {
    match p.take(key) {
        None => Ok(Range::default()),
        Some(Node::Leaf(v)) => {
            let at = v
                .parse::<i64>()
                .map_err(|_| ApiError::invalid_integer(&p.name(key), &v))?;
            Ok(Range {
                gte: Some(at),
                lte: Some(at),
                ..Range::default()
            })
        }
        Some(Node::Map(fields)) => {
            let mut nested = Params::from_map(fields, p.name(key));
            let range = Range {
                gt: nested.integer("gt")?,
                gte: nested.integer("gte")?,
                lt: nested.integer("lt")?,
                lte: nested.integer("lte")?,
            };
            nested.finish()?;
            Ok(range)
        }
        Some(Node::List(_)) => {
            Err(ApiError::invalid_request("Invalid hash").with_param(p.name(key)))
        }
    }
}

/// `{"object":"list","data":[…],"has_more":…,"url":…}`.
pub fn envelope(url: &str, data: Vec<Value>, has_more: bool) -> Value {
    json!({
        "object": "list",
        "data": data,
        "has_more": has_more,
        "url": url,
    })
}

/// [`envelope`] around items that are already JSON text (stored bodies), written as they are:
/// no item is parsed into a tree and serialized again. Same fields, same order.
pub fn envelope_raw(
    url: &str,
    data: &[&RawValue],
    has_more: bool,
) -> Result<Box<RawValue>, serde_json::Error> {
    #[derive(Serialize)]
    struct Envelope<'a> {
        object: &'static str,
        data: &'a [&'a RawValue],
        has_more: bool,
        url: &'a str,
    }
    serde_json::value::to_raw_value(&Envelope {
        object: "list",
        data,
        has_more,
        url,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn take(s: &str) -> Result<ListParams, ApiError> {
        let mut p = Params::from_form(s.as_bytes()).unwrap();
        let list = ListParams::take(&mut p)?;
        p.finish()?;
        Ok(list)
    }

    #[test]
    fn the_raw_envelope_is_the_envelope_as_text() {
        let items = [
            r#"{"id":"pi_1","amount":5}"#,
            r#"{"id":"pi_2","note":"a \"q\""}"#,
        ];
        let raw: Vec<&RawValue> = items
            .iter()
            .map(|s| serde_json::from_str(s).unwrap())
            .collect();
        let values: Vec<Value> = items
            .iter()
            .map(|s| serde_json::from_str(s).unwrap())
            .collect();
        let url = "/v1/payment_intents";
        assert_eq!(
            envelope_raw(url, &raw, true).unwrap().get(),
            envelope(url, values, true).to_string()
        );
        assert_eq!(
            envelope_raw(url, &[], false).unwrap().get(),
            r#"{"object":"list","data":[],"has_more":false,"url":"/v1/payment_intents"}"#
        );
    }

    #[test]
    fn defaults_and_bounds() {
        assert_eq!(take("").unwrap().limit, 10);
        assert_eq!(take("limit=100").unwrap().limit, 100);
        assert_eq!(take("limit=0").unwrap_err().param.as_deref(), Some("limit"));
        assert_eq!(
            take("limit=-5").unwrap_err().param.as_deref(),
            Some("limit")
        );
        assert_eq!(
            take("limit=101").unwrap_err().param.as_deref(),
            Some("limit")
        );
        assert!(take("starting_after=a&ending_before=b").is_err());
    }

    #[test]
    fn created_filters() {
        let list = take("created[gte]=10&created[lt]=20").unwrap();
        assert_eq!(
            list.created,
            Range {
                gte: Some(10),
                lt: Some(20),
                ..Range::default()
            }
        );
        let list = take("created=15").unwrap();
        assert_eq!(
            list.created,
            Range {
                gte: Some(15),
                lte: Some(15),
                ..Range::default()
            }
        );
        assert_eq!(
            take("created[after]=1").unwrap_err().param.as_deref(),
            Some("created[after]")
        );
    }
}
