//! Typed reads of a decoded parameter tree, with Stripe's errors.
//!
//! A handler takes each parameter it knows by name (`p.integer("amount")?`), descends into
//! nested objects (`p.object("shipping")?` yields [`Params`] that name errors
//! `shipping[address]`, …), and finally calls [`Params::finish`], which answers
//! `parameter_unknown` for anything nobody took.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use crate::error::ApiError;
use crate::form::{self, Node};

/// A field of an update: absent, cleared with an empty value, or set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field<T> {
    Absent,
    Clear,
    Set(T),
}

impl<T> Field<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }

    /// The set value changed by `f`; absent and cleared stay as they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Field<U> {
        match self {
            Field::Absent => Field::Absent,
            Field::Clear => Field::Clear,
            Field::Set(v) => Field::Set(f(v)),
        }
    }

    /// `Set(v)` → `Some(v)`, otherwise `None`.
    pub fn set(self) -> Option<T> {
        match self {
            Field::Set(v) => Some(v),
            _ => None,
        }
    }
}

/// Object metadata: string keys and values.
pub type Metadata = BTreeMap<String, String>;

/// Most metadata keys an object may hold, and the longest key and value (Stripe's limits).
pub const METADATA_MAX_KEYS: usize = 50;
pub const METADATA_MAX_KEY_LEN: usize = 40;
pub const METADATA_MAX_VALUE_LEN: usize = 500;

/// The longest string most parameters take, in characters (Stripe's default limit).
pub const STRING_MAX_CHARS: usize = 5000;

/// The longest string parameter `key` takes: Stripe's tighter limits by name, where its API
/// reference gives one, else [`STRING_MAX_CHARS`].
pub fn string_max_chars(key: &str) -> usize {
    match key {
        // "Maximum 22 characters" (statement descriptors, for the card network's field).
        "statement_descriptor" | "statement_descriptor_suffix" => 22,
        _ => STRING_MAX_CHARS,
    }
}

/// Refuses a string longer than its parameter's limit, in Stripe's words. `param` names it,
/// and is only built for the error: this runs on every string of every request.
fn check_length(key: &str, param: impl FnOnce() -> String, value: &str) -> Result<(), ApiError> {
    let max = string_max_chars(key);
    // No more bytes than the limit means no more characters: most strings stop here.
    if value.len() <= max || value.chars().count() <= max {
        return Ok(());
    }
    let message = if key == "statement_descriptor" {
        format!("The statement descriptor must be at most {max} characters.")
    } else {
        let head: String = value.chars().take(20).collect();
        format!("Invalid string: {head}...; must be at most {max} characters")
    };
    Err(ApiError::invalid_request(message).with_param(param()))
}

/// A change to metadata: `metadata=` clears all keys, `metadata[k]=` removes one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetadataUpdate {
    Clear,
    /// Keys to set (`Some`) or remove (`None`), in request order.
    Merge(Vec<(String, Option<String>)>),
}

impl MetadataUpdate {
    /// Applies the change, refusing a result above the key limit.
    pub fn apply(&self, metadata: &mut Metadata, param: &str) -> Result<(), ApiError> {
        match self {
            MetadataUpdate::Clear => metadata.clear(),
            MetadataUpdate::Merge(entries) => {
                for (key, value) in entries {
                    match value {
                        Some(value) => metadata.insert(key.clone(), value.clone()),
                        None => metadata.remove(key),
                    };
                }
            }
        }
        if metadata.len() > METADATA_MAX_KEYS {
            return Err(ApiError::invalid_request(format!(
                "Invalid {param}: metadata cannot have more than {METADATA_MAX_KEYS} keys."
            ))
            .with_param(param));
        }
        Ok(())
    }
}

/// The parameters of one request, or of one nested object within it.
#[derive(Clone, Debug, Default)]
pub struct Params {
    fields: IndexMap<String, Node>,
    /// The full name of this object (`shipping[address]`), empty at the top level.
    prefix: String,
}

impl Params {
    /// Decodes a form body or query string.
    pub fn from_form(input: &[u8]) -> Result<Params, ApiError> {
        Ok(Params {
            fields: form::decode(input)?,
            prefix: String::new(),
        })
    }

    /// No parameters: what a unit of work Tender starts itself (a scheduled step) parses.
    pub fn empty() -> Params {
        Params {
            fields: IndexMap::new(),
            prefix: String::new(),
        }
    }

    /// Parameters of a nested object named `prefix` (used by readers of custom shapes).
    pub fn from_map(fields: IndexMap<String, Node>, prefix: String) -> Params {
        Params { fields, prefix }
    }

    /// The full parameter name of `key` in this object, as errors name it.
    pub fn name(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{}[{key}]", self.prefix)
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    pub fn contains(&self, key: &str) -> bool {
        self.fields.contains_key(key)
    }

    /// Removes and returns a raw node.
    pub fn take(&mut self, key: &str) -> Option<Node> {
        self.fields.shift_remove(key)
    }

    /// Accepts and drops parameters that have no effect here (Stripe.js fraud signals, …).
    pub fn ignore(&mut self, keys: &[&str]) {
        for key in keys {
            self.fields.shift_remove(*key);
        }
    }

    /// Refuses whatever was not taken, naming the first such parameter.
    pub fn finish(self) -> Result<(), ApiError> {
        match self.fields.keys().next() {
            Some(key) => Err(ApiError::unknown_parameter(&self.name(key))),
            None => Ok(()),
        }
    }

    /// A string that may be cleared with an empty value.
    pub fn string_field(&mut self, key: &str) -> Result<Field<String>, ApiError> {
        match self.take(key) {
            None => Ok(Field::Absent),
            Some(Node::Leaf(v)) if v.is_empty() => Ok(Field::Clear),
            Some(Node::Leaf(v)) => {
                check_length(key, || self.name(key), &v)?;
                Ok(Field::Set(v))
            }
            Some(_) => Err(self.invalid_string(key)),
        }
    }

    /// A string that cannot be cleared: an empty value is `parameter_invalid_empty`.
    pub fn string(&mut self, key: &str) -> Result<Option<String>, ApiError> {
        match self.string_field(key)? {
            Field::Absent => Ok(None),
            Field::Clear => Err(ApiError::invalid_empty(&self.name(key))),
            Field::Set(v) => Ok(Some(v)),
        }
    }

    pub fn required_string(&mut self, key: &str) -> Result<String, ApiError> {
        self.string(key)?
            .ok_or_else(|| ApiError::missing_parameter(&self.name(key)))
    }

    /// A string limited to `allowed` values.
    pub fn enumeration(&mut self, key: &str, allowed: &[&str]) -> Result<Option<String>, ApiError> {
        match self.string(key)? {
            Some(v) if !allowed.contains(&v.as_str()) => Err(self.invalid_enum(key, &v, allowed)),
            other => Ok(other),
        }
    }

    /// An enumeration that may be cleared with an empty value.
    pub fn enumeration_field(
        &mut self,
        key: &str,
        allowed: &[&str],
    ) -> Result<Field<String>, ApiError> {
        match self.string_field(key)? {
            Field::Set(v) if !allowed.contains(&v.as_str()) => {
                Err(self.invalid_enum(key, &v, allowed))
            }
            other => Ok(other),
        }
    }

    fn invalid_enum(&self, key: &str, value: &str, allowed: &[&str]) -> ApiError {
        let list = match allowed {
            [] => String::new(),
            [one] => format!("`{one}`"),
            [init @ .., last] => {
                let init: Vec<String> = init.iter().map(|a| format!("`{a}`")).collect();
                format!("{}, or `{last}`", init.join(", "))
            }
        };
        ApiError::invalid_request(format!(
            "Invalid {}: must be one of {list} (received `{value}`)",
            self.name(key)
        ))
        .with_param(self.name(key))
    }

    fn invalid_string(&self, key: &str) -> ApiError {
        ApiError::invalid_request(format!(
            "Invalid string: {} must be a string, not a hash or an array",
            self.name(key)
        ))
        .with_param(self.name(key))
    }

    /// A signed 64-bit integer.
    pub fn integer(&mut self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.take(key) {
            None => Ok(None),
            Some(Node::Leaf(v)) if v.is_empty() => Err(ApiError::invalid_empty(&self.name(key))),
            Some(Node::Leaf(v)) => v
                .parse::<i64>()
                .map(Some)
                .map_err(|_| ApiError::invalid_integer(&self.name(key), &v)),
            Some(_) => Err(ApiError::invalid_integer(
                &self.name(key),
                "a hash or an array",
            )),
        }
    }

    pub fn required_integer(&mut self, key: &str) -> Result<i64, ApiError> {
        self.integer(key)?
            .ok_or_else(|| ApiError::missing_parameter(&self.name(key)))
    }

    /// `true` or `false`, as every SDK sends booleans.
    pub fn boolean(&mut self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.take(key) {
            None => Ok(None),
            Some(Node::Leaf(v)) if v == "true" => Ok(Some(true)),
            Some(Node::Leaf(v)) if v == "false" => Ok(Some(false)),
            Some(Node::Leaf(v)) if v.is_empty() => Err(ApiError::invalid_empty(&self.name(key))),
            Some(Node::Leaf(v)) => Err(ApiError::invalid_request(format!("Invalid boolean: {v}"))
                .with_param(self.name(key))),
            Some(_) => Err(
                ApiError::invalid_request("Invalid boolean: a hash or an array")
                    .with_param(self.name(key)),
            ),
        }
    }

    /// A nested object that may be cleared with an empty value (`shipping=`).
    pub fn object_field(&mut self, key: &str) -> Result<Field<Params>, ApiError> {
        match self.take(key) {
            None => Ok(Field::Absent),
            Some(Node::Leaf(v)) if v.is_empty() => Ok(Field::Clear),
            Some(Node::Map(fields)) => Ok(Field::Set(Params::from_map(fields, self.name(key)))),
            Some(_) => Err(ApiError::invalid_request("Invalid hash").with_param(self.name(key))),
        }
    }

    /// A nested object that cannot be cleared.
    pub fn object(&mut self, key: &str) -> Result<Option<Params>, ApiError> {
        match self.object_field(key)? {
            Field::Absent => Ok(None),
            Field::Clear => Err(ApiError::invalid_empty(&self.name(key))),
            Field::Set(p) => Ok(Some(p)),
        }
    }

    /// An array in either spelling (`a[]=x` or `a[0]=x`); `a=` is the empty array.
    pub fn list(&mut self, key: &str) -> Result<Option<Vec<Node>>, ApiError> {
        let name = self.name(key);
        let invalid = || ApiError::invalid_request("Invalid array").with_param(name.clone());
        match self.take(key) {
            None => Ok(None),
            Some(Node::List(items)) => Ok(Some(items)),
            Some(Node::Leaf(v)) if v.is_empty() => Ok(Some(Vec::new())),
            Some(Node::Leaf(_)) => Err(invalid()),
            Some(Node::Map(map)) => indexed_items(map).map(Some).map_err(|_| invalid()),
        }
    }

    /// An array of strings.
    pub fn string_list(&mut self, key: &str) -> Result<Option<Vec<String>>, ApiError> {
        let name = self.name(key);
        let Some(items) = self.list(key)? else {
            return Ok(None);
        };
        items
            .into_iter()
            .enumerate()
            .map(|(i, node)| match node {
                Node::Leaf(v) => {
                    check_length(key, || format!("{name}[{i}]"), &v)?;
                    Ok(v)
                }
                _ => {
                    Err(ApiError::invalid_request("Invalid string")
                        .with_param(format!("{name}[{i}]")))
                }
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// An array of objects, each readable as [`Params`] named `key[i]`.
    pub fn object_list(&mut self, key: &str) -> Result<Option<Vec<Params>>, ApiError> {
        let name = self.name(key);
        let Some(items) = self.list(key)? else {
            return Ok(None);
        };
        items
            .into_iter()
            .enumerate()
            .map(|(i, node)| match node {
                Node::Map(fields) => Ok(Params::from_map(fields, format!("{name}[{i}]"))),
                _ => {
                    Err(ApiError::invalid_request("Invalid hash")
                        .with_param(format!("{name}[{i}]")))
                }
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// `metadata` with Stripe's limits and unset rules.
    pub fn metadata(&mut self, key: &str) -> Result<Option<MetadataUpdate>, ApiError> {
        let name = self.name(key);
        match self.take(key) {
            None => Ok(None),
            Some(Node::Leaf(v)) if v.is_empty() => Ok(Some(MetadataUpdate::Clear)),
            Some(Node::Map(map)) => {
                if map.len() > METADATA_MAX_KEYS {
                    return Err(ApiError::invalid_request(format!(
                        "Invalid {name}: metadata cannot have more than {METADATA_MAX_KEYS} keys."
                    ))
                    .with_param(name));
                }
                let mut entries = Vec::with_capacity(map.len());
                for (k, node) in map {
                    let param = format!("{name}[{k}]");
                    let Node::Leaf(value) = node else {
                        return Err(ApiError::invalid_request(format!(
                            "Invalid value for {param}: metadata values must be strings."
                        ))
                        .with_param(param));
                    };
                    if k.chars().count() > METADATA_MAX_KEY_LEN {
                        return Err(ApiError::invalid_request(format!(
                            "Metadata keys can have up to {METADATA_MAX_KEY_LEN} characters; \
                             `{k}` has {}.",
                            k.chars().count()
                        ))
                        .with_param(param));
                    }
                    if value.chars().count() > METADATA_MAX_VALUE_LEN {
                        return Err(ApiError::invalid_request(format!(
                            "Metadata values can have up to {METADATA_MAX_VALUE_LEN} characters, \
                             but you passed in a value that is {} characters. Invalid value: {param}",
                            value.chars().count()
                        ))
                        .with_param(param));
                    }
                    entries.push((k, (!value.is_empty()).then_some(value)));
                }
                Ok(Some(MetadataUpdate::Merge(entries)))
            }
            Some(_) => Err(ApiError::invalid_request("Invalid hash").with_param(name)),
        }
    }

    /// A parameter Tender accepts and echoes without interpreting it (Connect and reporting
    /// fields), as JSON: strings stay strings, hashes become objects, arrays arrays.
    /// Its strings are held to the default length limit.
    pub fn opaque(&mut self, key: &str) -> Result<Option<serde_json::Value>, ApiError> {
        let name = self.name(key);
        match self.take(key) {
            None => Ok(None),
            Some(node) => {
                check_leaf_lengths(&node, &name)?;
                Ok(Some(node_to_value(node)))
            }
        }
    }

    /// The `expand` list.
    pub fn expand(&mut self) -> Result<Vec<String>, ApiError> {
        Ok(self.string_list("expand")?.unwrap_or_default())
    }
}

/// An array index as the SDKs write it (`expand[0]`): decimal digits only. `str::parse`
/// alone would also take `+1`, making `a[1]` and `a[+1]` two items at one index.
fn array_index(key: &str) -> Option<usize> {
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    key.parse().ok()
}

/// The items of an indexed hash (`a[1]=b&a[0]=a`) in index order, or the hash back when a
/// key is not an index or two keys name one index (`a[1]` and `a[01]`).
fn indexed_items(map: IndexMap<String, Node>) -> Result<Vec<Node>, IndexMap<String, Node>> {
    let mut indexes = Vec::with_capacity(map.len());
    for key in map.keys() {
        match array_index(key) {
            Some(index) => indexes.push(index),
            None => return Err(map),
        }
    }
    let mut sorted = indexes.clone();
    sorted.sort_unstable();
    if sorted.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(map);
    }
    let mut items: Vec<(usize, Node)> = indexes.into_iter().zip(map.into_values()).collect();
    items.sort_by_key(|(index, _)| *index);
    Ok(items.into_iter().map(|(_, node)| node).collect())
}

/// Refuses any string in `node` longer than [`STRING_MAX_CHARS`], naming it as `a[b][0]`.
fn check_leaf_lengths(node: &Node, name: &str) -> Result<(), ApiError> {
    match node {
        Node::Leaf(v) => check_length("", || name.to_owned(), v),
        Node::List(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| check_leaf_lengths(item, &format!("{name}[{i}]"))),
        Node::Map(map) => map
            .iter()
            .try_for_each(|(k, item)| check_leaf_lengths(item, &format!("{name}[{k}]"))),
    }
}

fn node_to_value(node: Node) -> serde_json::Value {
    match node {
        Node::Leaf(v) => serde_json::Value::String(v),
        Node::List(items) => items.into_iter().map(node_to_value).collect(),
        Node::Map(map) if map.is_empty() => serde_json::Value::Object(serde_json::Map::new()),
        Node::Map(map) => match indexed_items(map) {
            Ok(items) => items.into_iter().map(node_to_value).collect(),
            Err(map) => map
                .into_iter()
                .map(|(k, v)| (k, node_to_value(v)))
                .collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn opaque_values_keep_their_shape() {
        let mut p = params("transfer_data[destination]=acct_1&types[0]=a&types[1]=b&x=1");
        assert_eq!(
            p.opaque("transfer_data").unwrap(),
            Some(serde_json::json!({"destination": "acct_1"}))
        );
        assert_eq!(
            p.opaque("types").unwrap(),
            Some(serde_json::json!(["a", "b"]))
        );
        assert_eq!(p.opaque("x").unwrap(), Some(serde_json::json!("1")));
        assert_eq!(p.opaque("missing").unwrap(), None);
    }

    #[test]
    fn strings_longer_than_their_limit_are_refused_naming_the_param() {
        let at_limit = "d".repeat(STRING_MAX_CHARS);
        assert_eq!(
            params(&format!("description={at_limit}"))
                .string("description")
                .unwrap(),
            Some(at_limit.clone())
        );
        let error = params(&format!("description={at_limit}d"))
            .string("description")
            .unwrap_err();
        assert_eq!(error.status, 400);
        assert_eq!(error.param.as_deref(), Some("description"));
        assert_eq!(
            error.message,
            "Invalid string: dddddddddddddddddddd...; must be at most 5000 characters"
        );
        // Characters, not bytes: 5,000 two-byte characters fit.
        let accented = "é".repeat(STRING_MAX_CHARS);
        assert!(
            params(&format!("name={accented}"))
                .string("name")
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn nested_list_and_opaque_strings_are_limited_too() {
        let long = "x".repeat(STRING_MAX_CHARS + 1);
        let error = params(&format!("shipping[address][line1]={long}"))
            .object("shipping")
            .unwrap()
            .unwrap()
            .object("address")
            .unwrap()
            .unwrap()
            .string("line1")
            .unwrap_err();
        assert_eq!(error.param.as_deref(), Some("shipping[address][line1]"));
        let error = params(&format!("expand[]=a&expand[]={long}"))
            .expand()
            .unwrap_err();
        assert_eq!(error.param.as_deref(), Some("expand[1]"));
        let error = params(&format!("mandate_data[customer_acceptance][type]={long}"))
            .opaque("mandate_data")
            .unwrap_err();
        assert_eq!(
            error.param.as_deref(),
            Some("mandate_data[customer_acceptance][type]")
        );
    }

    #[test]
    fn statement_descriptors_take_22_characters() {
        let ok = "A".repeat(22);
        assert_eq!(
            params(&format!("statement_descriptor={ok}"))
                .string("statement_descriptor")
                .unwrap(),
            Some(ok.clone())
        );
        let error = params(&format!("statement_descriptor={ok}B"))
            .string("statement_descriptor")
            .unwrap_err();
        assert_eq!(
            error.message,
            "The statement descriptor must be at most 22 characters."
        );
        assert_eq!(error.param.as_deref(), Some("statement_descriptor"));
        let error = params(&format!("statement_descriptor_suffix={ok}B"))
            .string_field("statement_descriptor_suffix")
            .unwrap_err();
        assert_eq!(error.param.as_deref(), Some("statement_descriptor_suffix"));
    }

    fn params(s: &str) -> Params {
        Params::from_form(s.as_bytes()).unwrap()
    }

    #[test]
    fn reads_typed_values_and_reports_leftovers() {
        let mut p = params("amount=100&confirm=true&shipping[name]=Jo&shipping[bogus]=1");
        assert_eq!(p.integer("amount").unwrap(), Some(100));
        assert_eq!(p.boolean("confirm").unwrap(), Some(true));
        let mut shipping = p.object("shipping").unwrap().unwrap();
        assert_eq!(shipping.string("name").unwrap().as_deref(), Some("Jo"));
        let err = shipping.finish().unwrap_err();
        assert_eq!(err.param.as_deref(), Some("shipping[bogus]"));
        assert_eq!(err.code.as_deref(), Some("parameter_unknown"));
        assert_eq!(err.message, "Received unknown parameter: shipping[bogus]");
        p.finish().unwrap();
    }

    #[test]
    fn integer_errors_name_the_parameter() {
        let err = params("amount=12x").integer("amount").unwrap_err();
        assert_eq!(err.code.as_deref(), Some("parameter_invalid_integer"));
        assert_eq!(err.param.as_deref(), Some("amount"));
        let err = params("amount=99999999999999999999")
            .integer("amount")
            .unwrap_err();
        assert_eq!(err.code.as_deref(), Some("parameter_invalid_integer"));
        let err = params("amount[a]=1").integer("amount").unwrap_err();
        assert_eq!(err.param.as_deref(), Some("amount"));
        let err = params("amount=").integer("amount").unwrap_err();
        assert_eq!(err.code.as_deref(), Some("parameter_invalid_empty"));
        assert_eq!(params("x=-5").integer("x").unwrap(), Some(-5));
    }

    #[test]
    fn missing_and_type_mismatches() {
        let err = params("").required_string("currency").unwrap_err();
        assert_eq!(err.code.as_deref(), Some("parameter_missing"));
        assert_eq!(err.message, "Missing required param: currency.");
        let err = params("metadata=foo").metadata("metadata").unwrap_err();
        assert_eq!(err.param.as_deref(), Some("metadata"));
        let err = params("email[a]=b").string("email").unwrap_err();
        assert_eq!(err.param.as_deref(), Some("email"));
        let err = params("confirm=yes").boolean("confirm").unwrap_err();
        assert_eq!(err.param.as_deref(), Some("confirm"));
    }

    #[test]
    fn enumerations_list_allowed_values() {
        let err = params("usage=sometimes")
            .enumeration("usage", &["on_session", "off_session"])
            .unwrap_err();
        assert_eq!(err.param.as_deref(), Some("usage"));
        assert!(
            err.message.contains("`on_session`, or `off_session`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn lists_in_every_spelling() {
        assert_eq!(
            params("expand[1]=b&expand[0]=a").expand().unwrap(),
            vec!["a".to_owned(), "b".to_owned()]
        );
        assert_eq!(params("expand[]=a").expand().unwrap(), vec!["a".to_owned()]);
        assert!(params("expand[x]=a").expand().is_err());
        // Indexes are plain digits, one item each.
        assert!(params("expand[%2B1]=a").expand().is_err());
        assert!(params("expand[0]=a&expand[00]=b").expand().is_err());
        assert_eq!(
            params("expand[01]=a").expand().unwrap(),
            vec!["a".to_owned()]
        );
        assert_eq!(
            params("x[0]=a&x[%2B1]=b").opaque("x").unwrap(),
            Some(serde_json::json!({"0": "a", "+1": "b"}))
        );
        assert_eq!(params("expand=").expand().unwrap(), Vec::<String>::new());
    }

    #[test]
    fn metadata_unset_rules_and_limits() {
        let mut metadata = Metadata::from([("a".into(), "1".into()), ("b".into(), "2".into())]);
        let update = params("metadata[a]=&metadata[c]=3")
            .metadata("metadata")
            .unwrap()
            .unwrap();
        update.apply(&mut metadata, "metadata").unwrap();
        assert_eq!(
            metadata,
            Metadata::from([("b".into(), "2".into()), ("c".into(), "3".into())])
        );
        let update = params("metadata=").metadata("metadata").unwrap().unwrap();
        update.apply(&mut metadata, "metadata").unwrap();
        assert!(metadata.is_empty());

        let long_key = format!("metadata[{}]=v", "k".repeat(41));
        assert!(params(&long_key).metadata("metadata").is_err());
        let long_value = format!("metadata[k]={}", "v".repeat(501));
        assert_eq!(
            params(&long_value)
                .metadata("metadata")
                .unwrap_err()
                .param
                .as_deref(),
            Some("metadata[k]")
        );
        let many = (0..51)
            .map(|i| format!("metadata[k{i}]=v"))
            .collect::<Vec<_>>()
            .join("&");
        assert!(params(&many).metadata("metadata").is_err());
    }

    #[test]
    fn emptyable_fields() {
        assert_eq!(
            params("description=").string_field("description").unwrap(),
            Field::Clear
        );
        assert!(matches!(
            params("shipping=").object_field("shipping").unwrap(),
            Field::Clear
        ));
        assert!(params("shipping=").object("shipping").is_err());
    }
}
