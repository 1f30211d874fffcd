//! What the fuzz targets share: a canonical form encoder (for the decoder's round trip) and
//! the checks every `ApiError` a parser returns must pass.

use indexmap::IndexMap;
use tender_wire::form::{MAX_DEPTH, MAX_PAIRS, Node};
use tender_wire::{ApiError, ErrorType};

/// Encodes a decoded tree back into a form body: brackets literal, every other byte that is
/// not alphanumeric percent-encoded. Lists use empty brackets, maps their keys.
pub fn encode(tree: &IndexMap<String, Node>) -> Vec<u8> {
    let mut out = Vec::new();
    for (key, node) in tree {
        let mut name = Vec::new();
        escape(key, &mut name);
        encode_node(&name, node, &mut out);
    }
    out
}

fn encode_node(name: &[u8], node: &Node, out: &mut Vec<u8>) {
    match node {
        Node::Leaf(value) => {
            if !out.is_empty() {
                out.push(b'&');
            }
            out.extend_from_slice(name);
            out.push(b'=');
            escape(value, out);
        }
        Node::Map(map) => {
            for (key, child) in map {
                let mut nested = name.to_vec();
                nested.push(b'[');
                escape(key, &mut nested);
                nested.push(b']');
                encode_node(&nested, child, out);
            }
        }
        Node::List(items) => {
            let mut nested = name.to_vec();
            nested.extend_from_slice(b"[]");
            for item in items {
                encode_node(&nested, item, out);
            }
        }
    }
}

fn escape(s: &str, out: &mut Vec<u8>) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
}

/// True when some list holds a hash or a list: `a[][x]=1&a[][y]=2` groups into one element
/// (Rails' rule), so such trees re-encode to a different, equally valid, tree.
pub fn has_nested_list_items(tree: &IndexMap<String, Node>) -> bool {
    tree.values().any(|node| match node {
        Node::Leaf(_) => false,
        Node::Map(map) => has_nested_list_items(map),
        Node::List(items) => items.iter().any(|i| !matches!(i, Node::Leaf(_))),
    })
}

/// Leaves and depth of a tree, to check the decoder's limits held.
pub fn measure(tree: &IndexMap<String, Node>) -> (usize, usize) {
    fn walk(node: &Node, depth: usize, leaves: &mut usize, deepest: &mut usize) {
        *deepest = (*deepest).max(depth);
        match node {
            Node::Leaf(_) => *leaves += 1,
            Node::Map(map) => map
                .values()
                .for_each(|c| walk(c, depth + 1, leaves, deepest)),
            Node::List(items) => items
                .iter()
                .for_each(|c| walk(c, depth + 1, leaves, deepest)),
        }
    }
    let (mut leaves, mut deepest) = (0, 0);
    for node in tree.values() {
        walk(node, 1, &mut leaves, &mut deepest);
    }
    (leaves, deepest)
}

/// The decoder's own limits: at most `MAX_PAIRS` values, `MAX_DEPTH` levels.
pub fn assert_within_limits(tree: &IndexMap<String, Node>) {
    let (leaves, depth) = measure(tree);
    assert!(leaves <= MAX_PAIRS, "{leaves} leaves");
    assert!(depth <= MAX_DEPTH, "depth {depth}");
}

/// Decodes, and for an accepted input checks the limits and the round trip through
/// [`encode`]: re-encoding is a fixed point, and gives back the very tree unless a list holds
/// hashes or lists. Returns the tree.
pub fn decode_checked(input: &[u8]) -> Option<IndexMap<String, Node>> {
    let tree = match tender_wire::form::decode(input) {
        Ok(tree) => tree,
        Err(error) => {
            check_error(&error);
            return None;
        }
    };
    assert_within_limits(&tree);
    assert!(
        escapes_well_formed(input),
        "a malformed percent escape was accepted"
    );
    let encoded = encode(&tree);
    let again = match tender_wire::form::decode(&encoded) {
        Ok(again) => again,
        Err(e) => panic!(
            "re-encoded tree refused: {e:?}\n{}",
            String::from_utf8_lossy(&encoded)
        ),
    };
    if !has_nested_list_items(&tree) {
        assert_eq!(tree, again, "round trip changed the tree");
    }
    assert_eq!(encode(&again), encoded, "re-encoding is not a fixed point");
    Some(tree)
}

/// Every `%` is followed by two hex digits: the only escapes the decoder may accept.
pub fn escapes_well_formed(input: &[u8]) -> bool {
    input.iter().enumerate().all(|(i, b)| {
        *b != b'%'
            || input
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    })
}

/// Every error a parser returns: a 4xx Stripe error (never `api_error`) with a message; a
/// `parameter_*` code names its parameter; it renders to Stripe's shape.
pub fn check_error(error: &ApiError) {
    assert!(
        (400..500).contains(&error.status),
        "status {}: {error:?}",
        error.status
    );
    assert!(!error.message.is_empty(), "empty message: {error:?}");
    if error.error_type == ErrorType::ApiError {
        panic!("a parser answered api_error (a 500 class): {error:?}");
    }
    if let Some(code) = error.code.as_deref()
        && code.starts_with("parameter_")
    {
        assert!(error.param.is_some(), "{code} without param: {error:?}");
    }
    let body = error.to_body();
    assert!(body["error"]["type"].is_string(), "{body}");
    assert!(body["error"]["message"].is_string(), "{body}");
}
