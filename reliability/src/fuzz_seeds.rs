//! The captured SDK requests the HTTP fuzzer starts from (fuzz/seeds/sdk-requests.jsonl,
//! written by fuzz/tools/record_proxy.py), and the pool of live object ids that lets a replay
//! name objects of this server rather than of the capture run.

use std::collections::HashMap;

use base64::Engine as _;
use rand::Rng;
use rand::rngs::StdRng;
use serde_json::Value;

/// Which key a captured request used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    Secret,
    Publishable,
    None,
}

/// One captured request.
#[derive(Clone, Debug)]
pub struct Seed {
    pub method: String,
    pub path: String,
    pub query: Vec<u8>,
    pub content_type: String,
    pub body: Vec<u8>,
    pub auth: Auth,
}

/// Reads the JSONL capture; lines that do not parse are an error (the file is generated).
/// Keys the capture sent as parameters were recorded as placeholders: they become ours.
pub fn load(path: &str, secret_key: &str, publishable_key: &str) -> Result<Vec<Seed>, String> {
    let fill = |bytes: Vec<u8>| -> Vec<u8> {
        let bytes = replace_bytes(&bytes, b"${secret_key}", secret_key.as_bytes());
        replace_bytes(&bytes, b"${publishable_key}", publishable_key.as_bytes())
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("reading {path}: {e}"))?;
    let mut seeds = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v: Value = serde_json::from_str(line).map_err(|e| format!("{path}:{}: {e}", n + 1))?;
        let text_field = |key: &str| v[key].as_str().unwrap_or_default().to_owned();
        let body = match v["body_b64"].as_str() {
            Some(b64) => decode_base64(b64).ok_or_else(|| format!("{path}:{}: base64", n + 1))?,
            None => text_field("body").into_bytes(),
        };
        let auth = match v["auth"].as_str() {
            Some("publishable") => Auth::Publishable,
            Some("none") => Auth::None,
            // "other" is the second account or a deliberately bad header: replayed with ours.
            _ => Auth::Secret,
        };
        seeds.push(Seed {
            method: text_field("method"),
            path: text_field("path"),
            query: fill(text_field("query").into_bytes()),
            content_type: text_field("content_type"),
            body: fill(body),
            auth,
        });
    }
    if seeds.is_empty() {
        return Err(format!("{path} holds no requests"));
    }
    Ok(seeds)
}

/// `haystack` with every `needle` replaced (bytes: a body need not be UTF-8).
fn replace_bytes(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = rest.windows(needle.len()).position(|w| w == needle) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(with);
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// `body_b64` is written by Python's `base64.b64encode`: the standard, padded alphabet.
fn decode_base64(input: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(input).ok()
}

/// Prefixes of the ids Tender mints.
pub const PREFIXES: &[&str] = &["cus", "pi", "pm", "seti", "ch", "re", "evt", "we", "ctoken"];

/// Live ids seen in responses, by prefix, and the client secrets of intents.
#[derive(Default)]
pub struct IdPool {
    ids: HashMap<&'static str, Vec<String>>,
    secrets: HashMap<String, String>,
}

/// `prefix_<base62>` with the random part at least this long counts as a minted id; test
/// shortcuts such as `pm_card_visa` have an inner `_` and never match.
const MIN_RANDOM_PART: usize = 14;

/// The prefix of a minted id.
pub fn id_prefix(token: &str) -> Option<&'static str> {
    let (prefix, rest) = token.split_once('_')?;
    let known = PREFIXES.iter().find(|p| **p == prefix)?;
    (rest.len() >= MIN_RANDOM_PART && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then_some(*known)
}

impl IdPool {
    /// Remembers every id and client secret in a response body.
    pub fn learn(&mut self, value: &Value) {
        match value {
            Value::Object(map) => {
                if let Some(id) = map.get("id").and_then(Value::as_str)
                    && let Some(prefix) = id_prefix(id)
                {
                    let ids = self.ids.entry(prefix).or_default();
                    if !ids.iter().any(|known| known == id) {
                        ids.push(id.to_owned());
                    }
                    if let Some(secret) = map.get("client_secret").and_then(Value::as_str) {
                        self.secrets.insert(id.to_owned(), secret.to_owned());
                    }
                }
                map.values().for_each(|v| self.learn(v));
            }
            Value::Array(items) => items.iter().for_each(|v| self.learn(v)),
            _ => {}
        }
    }

    pub fn random(&self, prefix: &str, rng: &mut StdRng) -> Option<&str> {
        let ids = self.ids.get(prefix)?;
        (!ids.is_empty()).then(|| ids[rng.random_range(0..ids.len())].as_str())
    }

    pub fn len(&self) -> usize {
        self.ids.values().map(Vec::len).sum()
    }

    /// Replaces the capture run's ids (and client secrets) in `text` with live ids of the
    /// same kind, one replacement per distinct id so that a path id and its client secret
    /// still agree. Ids of a kind the pool has not seen yet are left as they are.
    pub fn rewrite(
        &self,
        text: &[u8],
        map: &mut HashMap<String, String>,
        rng: &mut StdRng,
    ) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len());
        let mut start = 0;
        let is_token = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        while start < text.len() {
            if !is_token(text[start]) {
                out.push(text[start]);
                start += 1;
                continue;
            }
            let end = text[start..]
                .iter()
                .position(|b| !is_token(*b))
                .map_or(text.len(), |i| start + i);
            let token = String::from_utf8_lossy(&text[start..end]).into_owned();
            out.extend_from_slice(self.replace(&token, map, rng).as_bytes());
            start = end;
        }
        out
    }

    fn replace(&self, token: &str, map: &mut HashMap<String, String>, rng: &mut StdRng) -> String {
        if let Some((id, _)) = token.split_once("_secret_") {
            let live = self.replace(id, map, rng);
            return self
                .secrets
                .get(&live)
                .cloned()
                .unwrap_or_else(|| token.to_owned());
        }
        let Some(prefix) = id_prefix(token) else {
            return token.to_owned();
        };
        if let Some(live) = map.get(token) {
            return live.clone();
        }
        match self.random(prefix, rng) {
            Some(live) => {
                map.insert(token.to_owned(), live.to_owned());
                live.to_owned()
            }
            None => token.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use serde_json::json;

    use super::*;

    #[test]
    fn rewrites_ids_and_their_secrets_consistently() {
        let mut pool = IdPool::default();
        pool.learn(&json!({"id": "pi_LIVE00000000000000", "client_secret": "pi_LIVE00000000000000_secret_s"}));
        let mut rng = StdRng::seed_from_u64(1);
        let mut map = HashMap::new();
        let out = pool.rewrite(
            b"/v1/payment_intents/pi_OLD000000000000000/confirm?client_secret=pi_OLD000000000000000_secret_x&pm=pm_card_visa",
            &mut map,
            &mut rng,
        );
        assert_eq!(
            String::from_utf8_lossy(&out),
            "/v1/payment_intents/pi_LIVE00000000000000/confirm?client_secret=pi_LIVE00000000000000_secret_s&pm=pm_card_visa"
        );
    }

    #[test]
    fn placeholders_become_keys() {
        let out = replace_bytes(
            b"a=1&key=${publishable_key}\xff",
            b"${publishable_key}",
            b"pk_1",
        );
        assert_eq!(out, b"a=1&key=pk_1\xff");
    }

    #[test]
    fn base64() {
        assert_eq!(decode_base64("aGk=").as_deref(), Some(&b"hi"[..]));
    }
}
