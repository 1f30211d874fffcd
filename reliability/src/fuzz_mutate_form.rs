//! Mutations of a request's parameters (`key=value` pairs, still percent-encoded): dropped,
//! repeated, renamed, corrupted brackets, deep nesting, huge indexes, mistyped values, odd
//! numbers, broken encodings, unknown ids.

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use super::mutate::random_id;
use super::seeds::{PREFIXES, id_prefix};

const NUMBERS: &[&str] = &[
    "-1",
    "0",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "99999999999999999999",
    "1e3",
    "1.5",
    "0x10",
    " 1",
    "+1",
    "NaN",
    "١٢٣",
    "100000000",
];
const STRANGE: &[&str] = &[
    "",
    "%00",
    "%zz",
    "%",
    "%4",
    "%+A",
    "%FF%FE",
    "%C3%28",
    "%E2%82",
    "\u{1F4B3}",
    "%F0%9F%92%B3",
    "%E2%80%AE",
    "a%0Ab",
    "true",
    "false",
    "null",
    "[]",
    "{}",
    "%5B%5D",
    "%26",
    "%3D",
];
const KEYS: &[&str] = &[
    "amount",
    "currency",
    "customer",
    "payment_method",
    "confirm",
    "metadata",
    "expand[]",
    "description",
    "email",
    "limit",
    "capture_method",
    "type",
    "card[number]",
    "shipping[name]",
    "payment_method_data[type]",
    "automatic_payment_methods[enabled]",
    "client_secret",
    "key",
];

pub type Pairs = Vec<(Vec<u8>, Vec<u8>)>;

pub fn split_pairs(raw: &[u8]) -> Pairs {
    raw.split(|b| *b == b'&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.iter().position(|b| *b == b'=') {
            Some(i) => (p[..i].to_vec(), p[i + 1..].to_vec()),
            None => (p.to_vec(), Vec::new()),
        })
        .collect()
}

pub fn join_pairs(pairs: &Pairs) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in pairs {
        if !out.is_empty() {
            out.push(b'&');
        }
        out.extend_from_slice(k);
        out.push(b'=');
        out.extend_from_slice(v);
    }
    out
}

pub fn to_json(pairs: &Pairs) -> Vec<u8> {
    let object: serde_json::Map<String, serde_json::Value> = pairs
        .iter()
        .map(|(k, v)| {
            let k = String::from_utf8_lossy(k).into_owned();
            (
                k,
                serde_json::Value::String(String::from_utf8_lossy(v).into_owned()),
            )
        })
        .collect();
    serde_json::Value::Object(object).to_string().into_bytes()
}

/// One mutation of the parameters; returns its name.
pub fn mutate(pairs: &mut Pairs, rng: &mut StdRng) -> &'static str {
    let i = if pairs.is_empty() {
        None
    } else {
        Some(rng.random_range(0..pairs.len()))
    };
    match (rng.random_range(0..14), i) {
        (0, Some(i)) => {
            pairs.remove(i);
            "drop_param"
        }
        (1, Some(i)) => {
            let pair = pairs[i].clone();
            pairs.insert(rng.random_range(0..=pairs.len()), pair);
            "duplicate_param"
        }
        (2, Some(i)) => {
            pairs[i].0 = KEYS
                .choose(rng)
                .map(|k| k.as_bytes().to_vec())
                .unwrap_or_default();
            "rename_param"
        }
        (3, Some(i)) => {
            let corruption: &[u8] = [&b"["[..], b"]", b"[b][", b"[]", b"[[x]]", b"]["]
                .choose(rng)
                .copied()
                .unwrap_or_default();
            pairs[i].0.extend_from_slice(corruption);
            "bracket_corruption"
        }
        (4, Some(i)) => {
            let depth = rng.random_range(5..60);
            let level: &[u8] = if rng.random_bool(0.5) { b"[a]" } else { b"[0]" };
            pairs[i].0.extend(level.repeat(depth));
            "deep_nesting"
        }
        (5, Some(i)) => {
            let index = [
                "[99999999999999999999]",
                "[18446744073709551615]",
                "[-1]",
                "[%2B1]",
                "[01]",
                "[4294967296]",
            ]
            .choose(rng)
            .copied()
            .unwrap_or_default();
            pairs[i].0.extend_from_slice(index.as_bytes());
            "huge_index"
        }
        (6, Some(i)) => {
            let suffix: &[u8] = [&b"[x]"[..], b"[]", b"[0]"]
                .choose(rng)
                .copied()
                .unwrap_or_default();
            pairs[i].0.extend_from_slice(suffix);
            "type_confusion_nested"
        }
        (7, Some(i)) => {
            // A hash or array parameter sent as a plain string.
            let key = pairs[i].0.clone();
            let head = key
                .split(|b| *b == b'[')
                .next()
                .unwrap_or_default()
                .to_vec();
            pairs.retain(|(k, _)| k.split(|b| *b == b'[').next() != Some(&head[..]));
            pairs.push((head, b"a_string".to_vec()));
            "type_confusion_flat"
        }
        (8, Some(i)) => {
            pairs[i].1 = NUMBERS
                .choose(rng)
                .map(|n| n.as_bytes().to_vec())
                .unwrap_or_default();
            "number"
        }
        (9, Some(i)) => {
            pairs[i].1 = STRANGE
                .choose(rng)
                .map(|s| s.as_bytes().to_vec())
                .unwrap_or_default();
            "strange_value"
        }
        (10, Some(i)) => {
            pairs[i].1 = vec![0xff, 0xfe, b'a', 0xc3, 0x28];
            "invalid_utf8_raw"
        }
        (11, Some(i)) => {
            let value = String::from_utf8_lossy(&pairs[i].1).into_owned();
            let prefix = id_prefix(&value)
                .or_else(|| PREFIXES.choose(rng).copied())
                .unwrap_or("cus");
            let wrong = PREFIXES.choose(rng).copied().unwrap_or("pi");
            pairs[i].1 = match rng.random_range(0..4) {
                0 => random_id(rng, prefix),
                1 => random_id(rng, wrong),
                2 => format!("{prefix}_{}", "x".repeat(300)),
                _ => format!("{prefix}_"),
            }
            .into_bytes();
            "random_id"
        }
        (12, Some(i)) => {
            pairs[i].0 = [&pairs[i].0[..], "é\u{0}\u{202e}💳".as_bytes()].concat();
            "unicode_key"
        }
        _ => {
            let key = KEYS.choose(rng).copied().unwrap_or("x");
            let value = STRANGE.choose(rng).copied().unwrap_or_default();
            pairs.push((key.as_bytes().to_vec(), value.as_bytes().to_vec()));
            "add_param"
        }
    }
}
