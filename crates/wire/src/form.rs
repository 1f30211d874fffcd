//! Decoding of `application/x-www-form-urlencoded` bodies and query strings into a parameter tree.
//!
//! The SDKs disagree on spelling (spec §1.2): stripe-node sends raw brackets and `%20`,
//! async-stripe percent-encodes brackets and sends `+`, the docs' curl examples use `expand[]=`,
//! the SDKs use `expand[0]=`. All of them decode to the same [`Node`] tree here.

use indexmap::IndexMap;

use crate::error::ApiError;

/// Most `key=value` pairs accepted in one request. Real requests stay far below this (metadata
/// is capped at 50 keys); the cap bounds the work an abusive request can cause.
pub const MAX_PAIRS: usize = 1_000;
/// Deepest bracket nesting accepted (`a[b][c][d][e][f][g][h]`); Stripe's deepest real parameter
/// (`mandate_data[customer_acceptance][online][ip_address]`) uses four levels.
pub const MAX_DEPTH: usize = 8;

/// One decoded parameter value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A plain value (`amount=100`). An empty string means "unset" where the API allows it.
    Leaf(String),
    /// Bracketed keys (`metadata[order]=1`), and indexed arrays (`expand[0]=x`) before they are
    /// read as arrays: indexes are kept as string keys until a typed read asks for a list.
    Map(IndexMap<String, Node>),
    /// Empty-bracket arrays (`expand[]=a&expand[]=b`).
    List(Vec<Node>),
}

impl Node {
    fn kind(&self) -> &'static str {
        match self {
            Node::Leaf(_) => "value",
            Node::Map(_) => "hash",
            Node::List(_) => "array",
        }
    }
}

/// Decodes a form body or query string into its top-level parameters.
pub fn decode(input: &[u8]) -> Result<IndexMap<String, Node>, ApiError> {
    let mut root: IndexMap<String, Node> = IndexMap::new();
    let mut pairs = 0usize;
    for raw_pair in input.split(|b| *b == b'&') {
        if raw_pair.is_empty() {
            continue;
        }
        pairs += 1;
        if pairs > MAX_PAIRS {
            return Err(ApiError::invalid_request(format!(
                "Too many parameters: a request may contain at most {MAX_PAIRS}."
            )));
        }
        let (raw_key, raw_value) = match raw_pair.iter().position(|b| *b == b'=') {
            Some(i) => (&raw_pair[..i], &raw_pair[i + 1..]),
            None => (raw_pair, &b""[..]),
        };
        let key = percent_decode(raw_key)?;
        if key.contains('\0') {
            return Err(ApiError::invalid_request(
                "Invalid parameter name: parameter names must not contain NUL characters.",
            ));
        }
        // A bad value is that parameter's fault: say which (a bad key has no usable name).
        let value = percent_decode(raw_value).map_err(|e| e.with_param(key.as_str()))?;
        if value.contains('\0') {
            // No object can hold it: PostgreSQL's text refuses NUL, and Stripe's strings are
            // text. Refused here, every parameter of every endpoint is covered on both backends.
            return Err(ApiError::invalid_request(format!(
                "Invalid string: {key} must not contain NUL characters."
            ))
            .with_param(key));
        }
        let path = split_key(&key)?;
        insert(&mut root, &key, &path, value)?;
    }
    Ok(root)
}

/// Percent-decodes one key or value, with `+` as space, refusing malformed escapes and
/// invalid UTF-8 rather than guessing.
fn percent_decode(raw: &[u8]) -> Result<String, ApiError> {
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => bytes.push(b' '),
            b'%' => {
                // Two hex digits exactly: `u8::from_str_radix` would also take a sign (`%+A`).
                let hex = match raw.get(i + 1..i + 3) {
                    Some(&[hi, lo]) => hex_value(hi).zip(hex_value(lo)).map(|(h, l)| (h << 4) | l),
                    _ => None,
                };
                match hex {
                    Some(b) => bytes.push(b),
                    None => {
                        return Err(ApiError::invalid_request(
                            "Invalid request body: malformed percent-encoding.",
                        ));
                    }
                }
                i += 2;
            }
            b => bytes.push(b),
        }
        i += 1;
    }
    String::from_utf8(bytes).map_err(|_| {
        ApiError::invalid_request("Invalid request body: parameters must be valid UTF-8.")
    })
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).map(|d| d as u8)
}

/// Splits `a[b][0][]` into `["a", "b", "0", ""]`.
fn split_key(key: &str) -> Result<Vec<&str>, ApiError> {
    let malformed =
        || ApiError::invalid_request(format!("Invalid parameter name: {key}")).with_param(key);
    let (head, mut rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    if head.is_empty() || head.contains(']') {
        return Err(malformed());
    }
    let mut path = vec![head];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[').ok_or_else(malformed)?;
        let close = inner.find(']').ok_or_else(malformed)?;
        let segment = &inner[..close];
        if segment.contains('[') {
            return Err(malformed());
        }
        path.push(segment);
        if path.len() > MAX_DEPTH {
            return Err(ApiError::invalid_request(format!(
                "Invalid parameter name: {key} is nested more than {MAX_DEPTH} levels deep."
            ))
            .with_param(key));
        }
        rest = &inner[close + 1..];
    }
    Ok(path)
}

fn insert(
    map: &mut IndexMap<String, Node>,
    key: &str,
    path: &[&str],
    value: String,
) -> Result<(), ApiError> {
    let Some((first, rest)) = path.split_first() else {
        return Ok(());
    };
    if rest.is_empty() {
        // A repeated plain key keeps the last value, as most form decoders do.
        map.insert((*first).to_owned(), Node::Leaf(value));
        return Ok(());
    }
    let child = map
        .entry((*first).to_owned())
        .or_insert_with(|| empty_container(rest[0]));
    insert_into(child, key, rest, value)
}

fn empty_container(next_segment: &str) -> Node {
    if next_segment.is_empty() {
        Node::List(Vec::new())
    } else {
        Node::Map(IndexMap::new())
    }
}

fn insert_into(node: &mut Node, key: &str, path: &[&str], value: String) -> Result<(), ApiError> {
    let conflict = |node: &Node| {
        ApiError::invalid_request(format!(
            "Invalid parameter {key}: it is used both as a {} and as a nested value.",
            node.kind()
        ))
        .with_param(key)
    };
    match node {
        Node::Map(map) => {
            if path[0].is_empty() {
                return Err(conflict(node));
            }
            insert(map, key, path, value)
        }
        Node::List(items) => {
            if !path[0].is_empty() {
                return Err(conflict(node));
            }
            let rest = &path[1..];
            if rest.is_empty() {
                items.push(Node::Leaf(value));
                return Ok(());
            }
            // `a[][x]=1&a[][y]=2` builds one element until a key repeats (Rails' rule).
            let reuse_last = match items.last() {
                Some(Node::Map(last)) => !rest[0].is_empty() && !last.contains_key(rest[0]),
                _ => false,
            };
            if !reuse_last {
                items.push(empty_container(rest[0]));
            }
            match items.last_mut() {
                Some(last) => insert_into(last, key, rest, value),
                None => Ok(()),
            }
        }
        Node::Leaf(_) => Err(conflict(node)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn leaf(s: &str) -> Node {
        Node::Leaf(s.to_owned())
    }

    #[test]
    fn nul_in_a_value_or_a_name_is_refused() {
        let error = decode(b"description=a%00b").unwrap_err();
        assert_eq!(error.status, 400);
        assert_eq!(error.param.as_deref(), Some("description"));
        let error = decode(b"metadata[a%00]=b").unwrap_err();
        assert_eq!(error.status, 400);
        assert_eq!(error.param, None);
        assert!(decode(b"description=a%01b").is_ok());
    }

    #[test]
    fn decodes_flat_nested_and_encoded_keys() {
        let tree =
            decode(b"amount=2000&metadata%5Border%5D=6735&shipping[address][line1]=1+Main%20St")
                .unwrap();
        assert_eq!(tree["amount"], leaf("2000"));
        let Node::Map(meta) = &tree["metadata"] else {
            panic!()
        };
        assert_eq!(meta["order"], leaf("6735"));
        let Node::Map(shipping) = &tree["shipping"] else {
            panic!()
        };
        let Node::Map(address) = &shipping["address"] else {
            panic!()
        };
        assert_eq!(address["line1"], leaf("1 Main St"));
    }

    #[test]
    fn decodes_both_array_spellings() {
        let tree = decode(b"expand[]=a&expand[]=b&other[0]=x&other[1]=y").unwrap();
        assert_eq!(tree["expand"], Node::List(vec![leaf("a"), leaf("b")]));
        let Node::Map(other) = &tree["other"] else {
            panic!()
        };
        assert_eq!(other["0"], leaf("x"));
        assert_eq!(other["1"], leaf("y"));
    }

    #[test]
    fn groups_empty_bracket_objects_until_a_key_repeats() {
        let tree = decode(b"items[][price]=a&items[][qty]=1&items[][price]=b").unwrap();
        let Node::List(items) = &tree["items"] else {
            panic!()
        };
        assert_eq!(items.len(), 2);
    }

    #[test]
    fn empty_value_and_bare_key_are_empty_strings() {
        let tree = decode(b"metadata=&description").unwrap();
        assert_eq!(tree["metadata"], leaf(""));
        assert_eq!(tree["description"], leaf(""));
    }

    #[test]
    fn refuses_malformed_input() {
        assert!(decode(b"a=%zz").is_err());
        assert!(decode(b"a=%4").is_err());
        assert!(decode(b"a=%ff%fe").is_err());
        assert_eq!(
            decode(b"a=1&name=%zz").unwrap_err().param.as_deref(),
            Some("name")
        );
        assert_eq!(
            decode(b"metadata[k]=%FF").unwrap_err().param.as_deref(),
            Some("metadata[k]")
        );
        assert_eq!(decode(b"%FF=x").unwrap_err().param, None);
        // A sign is not a hex digit (found by fuzzing: `%+A` decoded as a newline).
        assert!(decode(b"a=%+A").is_err());
        assert!(decode(b"%-1=x").is_err());
        assert!(decode(b"a[b=1").is_err());
        assert!(decode(b"[a]=1").is_err());
        assert!(decode(b"a[b]c=1").is_err());
        let deep = format!("a{}=1", "[x]".repeat(50));
        assert_eq!(
            decode(deep.as_bytes()).unwrap_err().param.as_deref(),
            Some(&deep[..deep.len() - 2])
        );
        let many = (0..1001)
            .map(|i| format!("k{i}=v"))
            .collect::<Vec<_>>()
            .join("&");
        assert!(decode(many.as_bytes()).is_err());
    }

    #[test]
    fn refuses_a_key_used_as_value_and_hash() {
        let err = decode(b"metadata=x&metadata[a]=b").unwrap_err();
        assert_eq!(err.param.as_deref(), Some("metadata[a]"));
        assert!(decode(b"a[]=1&a[x]=2").is_err());
    }
}
