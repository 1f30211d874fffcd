//! Every typed read of `tender_wire::Params`. The first byte steers which reader each key
//! gets (mixed with a hash of the key, so renaming a key changes its reader); the rest is a
//! form body. Nested hashes are read the same way, recursively. No panic; refusals are
//! well-formed 4xx naming a parameter under the right prefix; accepted values obey their
//! type's rules.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tender_wire::expand::Expand;
use tender_wire::form::Node;
use tender_wire::list::{ListParams, take_range};
use tender_wire::params::{METADATA_MAX_KEY_LEN, METADATA_MAX_VALUE_LEN};
use tender_wire::{ApiError, Field, Metadata, MetadataUpdate, Params};

/// How many readers `read_key` knows, and how many of them (the first ones) nested objects use.
const READERS: u64 = 18;
const NESTED_READERS: u64 = 14;

fuzz_target!(|data: &[u8]| {
    let Some((steer, form)) = data.split_first() else {
        return;
    };
    let Ok(tree) = tender_wire::form::decode(form) else {
        return;
    };
    let keys: Vec<String> = tree.keys().cloned().collect();
    let params = Params::from_map(tree, String::new());
    if let Err(error) = read_all(params, keys, u64::from(*steer), 0) {
        tender_fuzz::check_error(&error);
    }
});

fn fnv(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The keys of the hash `key` holds, found without consuming it.
fn nested_keys(p: &Params, key: &str) -> Vec<String> {
    match p.clone().take(key) {
        Some(Node::Map(map)) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// Reads every key of `p` with the reader the steer picks, then `finish`.
fn read_all(mut p: Params, keys: Vec<String>, steer: u64, depth: usize) -> Result<(), ApiError> {
    for key in keys {
        let name = p.name(&key);
        // Below the top level only the readers real nested objects use: the list parameters
        // and `expand` name top-level parameters by design.
        let readers = if depth == 0 { READERS } else { NESTED_READERS };
        let reader = (fnv(&key) ^ steer) % readers;
        if let Err(error) = read_key(&mut p, &key, reader, steer, depth) {
            // A refusal names this key or something nested in it, never another one.
            if reader < NESTED_READERS
                && let Some(param) = &error.param
            {
                assert!(param.starts_with(&name), "{param} is not under {name}");
            }
            return Err(error);
        }
        assert!(!p.contains(&key), "{name} was read but is still there");
    }
    // An absent key reads as absent, or as missing for the required readers.
    assert_eq!(p.string("[absent")?, None);
    let missing = p.required_integer("[absent");
    assert!(missing.is_err_and(|e| e.code.as_deref() == Some("parameter_missing")));
    p.finish()
}

fn read_key(
    p: &mut Params,
    key: &str,
    reader: u64,
    steer: u64,
    depth: usize,
) -> Result<(), ApiError> {
    match reader {
        0 => {
            if let Some(v) = p.string(key)? {
                assert!(!v.is_empty());
            }
        }
        1 => {
            let _ = p.string_field(key)?;
        }
        2 => {
            let _ = p.required_string(key)?;
        }
        3 => {
            let allowed = ["card", "ideal", "on_session", "off_session"];
            if let Some(v) = p.enumeration(key, &allowed)? {
                assert!(allowed.contains(&v.as_str()));
            }
        }
        4 => {
            if let Field::Set(v) = p.enumeration_field(key, &["automatic", "manual"])? {
                assert!(v == "automatic" || v == "manual");
            }
        }
        5 => {
            let _ = p.integer(key)?;
        }
        6 => {
            let _ = p.boolean(key)?;
        }
        7 => {
            let keys = nested_keys(p, key);
            if let Field::Set(nested) = p.object_field(key)? {
                read_all(nested, keys, steer.rotate_left(7), depth + 1)?;
            }
        }
        8 => {
            let keys = nested_keys(p, key);
            if let Some(nested) = p.object(key)? {
                read_all(nested, keys, steer.rotate_left(13), depth + 1)?;
            }
        }
        9 => {
            let _ = p.list(key)?;
        }
        10 => {
            let _ = p.string_list(key)?;
        }
        11 => {
            for mut item in p.object_list(key)?.unwrap_or_default() {
                // What list items hold in the API (`items[0][price]`, …).
                let _ = item.string("price")?;
                let _ = item.integer("quantity")?;
                item.finish()?;
            }
        }
        12 => metadata(p, key)?,
        13 => {
            // (An earlier reader may have taken it: the list parameters read several keys.)
            let present = p.contains(key);
            assert_eq!(p.opaque(key).is_some(), present, "{key} read wrongly");
        }
        14 => {
            let paths = p.string_list(key)?.unwrap_or_default();
            let expand = Expand::parse(&paths)?;
            for field in expand.fields() {
                let _ = expand.under(field).for_list_items();
            }
        }
        15 => {
            let _ = take_range(p, key)?;
        }
        16 => {
            // The list parameters read whatever is there; the key itself may stay unread.
            let _ = ListParams::take(p)?;
            p.ignore(&[key]);
        }
        _ => p.ignore(&[key]),
    }
    Ok(())
}

fn metadata(p: &mut Params, key: &str) -> Result<(), ApiError> {
    let Some(update) = p.metadata(key)? else {
        return Ok(());
    };
    if let MetadataUpdate::Merge(entries) = &update {
        for (k, v) in entries {
            assert!(k.chars().count() <= METADATA_MAX_KEY_LEN);
            if let Some(v) = v {
                assert!(!v.is_empty() && v.chars().count() <= METADATA_MAX_VALUE_LEN);
            }
        }
    }
    let mut stored = Metadata::new();
    match update.apply(&mut stored, key) {
        Ok(()) => assert!(stored.len() <= tender_wire::params::METADATA_MAX_KEYS),
        Err(error) => tender_fuzz::check_error(&error),
    }
    Ok(())
}
