//! Mutations of captured SDK requests: parameters dropped, repeated, renamed, mistyped,
//! corrupted or oversized; broken encodings; other methods, content types, keys and paths.

use std::collections::HashMap;

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use super::form_mutations as form;
use super::seeds::{Auth, IdPool, PREFIXES, Seed, id_prefix};

/// How a request authenticates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthHeader {
    Secret,
    Publishable,
    None,
    /// A literal `Authorization` value (garbage, unknown keys, Basic).
    Raw(String),
}

/// One request as the fuzzer sends it.
#[derive(Clone, Debug)]
pub struct FuzzRequest {
    pub method: String,
    pub path: Vec<u8>,
    pub query: Vec<u8>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    pub auth: AuthHeader,
    pub headers: Vec<(String, String)>,
    pub idempotency_key: Option<String>,
    /// Names of the mutations applied, for the report.
    pub mutations: Vec<&'static str>,
}

/// What mutations draw on besides the request: randomness, live ids, earlier keys.
pub struct Mutator {
    pub rng: StdRng,
    pub pool: IdPool,
    pub keys_used: Vec<String>,
}

const EXPANSIONS: &[&str] = &[
    "customer",
    "payment_method",
    "latest_charge",
    "latest_charge.payment_intent.customer",
    "data.customer",
    "data.payment_method.customer",
    "data.latest_charge.payment_intent.payment_method",
    "a.b.c.d.e",
    "data",
    "",
    ".",
    "customer..x",
    "invoice_settings.default_payment_method",
];
/// Longest query sent (see `request`).
const MAX_QUERY: usize = 32 << 10;
const CONTENT_TYPES: &[&str] = &[
    "text/plain",
    "application/json",
    "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded; charset=latin1",
    "application/octet-stream",
    "x/y; a=\"",
];
const METHODS: &[&str] = &[
    "GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD", "TRACE", "FOO",
];

pub fn random_id(rng: &mut StdRng, prefix: &str) -> String {
    const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let tail: String = (0..24)
        .map(|_| char::from(BASE62[rng.random_range(0..BASE62.len())]))
        .collect();
    format!("{prefix}_{tail}")
}

impl Mutator {
    /// `seed` as captured, but for its ids, rewritten to live ones.
    pub fn replay(&mut self, seed: &Seed) -> FuzzRequest {
        let mut ids = HashMap::new();
        FuzzRequest {
            method: seed.method.clone(),
            path: self
                .pool
                .rewrite(seed.path.as_bytes(), &mut ids, &mut self.rng),
            query: self.pool.rewrite(&seed.query, &mut ids, &mut self.rng),
            content_type: (!seed.content_type.is_empty()).then(|| seed.content_type.clone()),
            body: self.pool.rewrite(&seed.body, &mut ids, &mut self.rng),
            auth: match seed.auth {
                Auth::Secret => AuthHeader::Secret,
                Auth::Publishable => AuthHeader::Publishable,
                Auth::None => AuthHeader::None,
            },
            headers: Vec::new(),
            idempotency_key: None,
            mutations: Vec::new(),
        }
    }

    /// A replay of `seed` with 0 to 3 mutations.
    pub fn request(&mut self, seed: &Seed) -> FuzzRequest {
        let mut request = self.replay(seed);
        if request.method == "POST" && self.rng.random_bool(0.3) {
            request.idempotency_key = Some(random_id(&mut self.rng, "fuzz"));
        }
        // A tenth are plain replays: they keep the server's state moving (new objects, ids).
        let count = if self.rng.random_bool(0.1) {
            0
        } else {
            self.rng.random_range(1..=3)
        };
        for _ in 0..count {
            self.mutate(&mut request);
        }
        // hyper refuses a request target over 64 KiB itself (a bare 431, before the
        // application sees the request; see docs/reliability/fuzzing.md): keep below it.
        request.query.truncate(MAX_QUERY);
        if request.method == "POST"
            && let Some(key) = &request.idempotency_key
        {
            self.keys_used.push(key.clone());
        }
        request
    }

    fn mutate(&mut self, r: &mut FuzzRequest) {
        let name = match self.rng.random_range(0..25) {
            0..=9 => self.mutate_form(r),
            10 => {
                let i = self.rng.random_range(0..METHODS.len());
                r.method = METHODS[i].to_owned();
                "method"
            }
            11 => {
                r.content_type = CONTENT_TYPES.choose(&mut self.rng).map(|c| (*c).to_owned());
                "content_type"
            }
            12 => {
                r.content_type = None;
                "no_content_type"
            }
            13 => {
                r.body = form::to_json(&form::split_pairs(&r.body));
                r.content_type = Some("application/json".into());
                "json_body"
            }
            14 => {
                let len = r.body.len();
                r.body.truncate(self.rng.random_range(0..=len));
                "truncated_body"
            }
            15 => {
                let n = self.rng.random_range(0..64);
                r.body = (0..n).map(|_| self.rng.random()).collect();
                "garbage_body"
            }
            16 => {
                // The parameters move between query and body (POST reads both).
                std::mem::swap(&mut r.query, &mut r.body);
                "swap_query_body"
            }
            17 => self.mutate_path(r),
            18 => self.mutate_auth(r),
            19 => self.mutate_idempotency(r),
            20 => {
                let value = ["2020-08-27", "latest", "2026-10-28.endive", "x", ""]
                    .choose(&mut self.rng)
                    .copied()
                    .unwrap_or_default();
                r.headers.push(("Stripe-Version".into(), value.into()));
                "stripe_version"
            }
            21 => {
                r.headers
                    .push(("Stripe-Account".into(), random_id(&mut self.rng, "acct")));
                "stripe_account"
            }
            23 => {
                // Many, deep, odd or repeated expansions: bounded work or a 400, never a stall.
                let n = self.rng.random_range(1..60);
                let paths: Vec<String> = (0..n)
                    .map(|i| {
                        let path = EXPANSIONS
                            .choose(&mut self.rng)
                            .copied()
                            .unwrap_or_default();
                        format!("expand[{i}]={path}")
                    })
                    .collect();
                append(target_mut(r), paths.join("&").as_bytes());
                "expand"
            }
            22 => {
                let n = if self.rng.random_bool(0.5) { 1001 } else { 51 };
                let extra: Vec<String> = (0..n).map(|i| format!("metadata[k{i}]=v")).collect();
                append(target_mut(r), extra.join("&").as_bytes());
                "many_params"
            }
            _ => {
                // Bodies up to and past the 1 MiB limit; queries within MAX_QUERY.
                let sizes: &[usize] = if r.method == "POST" && !r.body.is_empty() {
                    &[1 << 12, 1 << 16, (1 << 20) - 64, (1 << 20) + 1]
                } else {
                    &[1 << 10, 1 << 13, (1 << 15) - 512]
                };
                let len = sizes.choose(&mut self.rng).copied().unwrap_or(1);
                append(
                    target_mut(r),
                    &[b"description=".as_slice(), &vec![b'a'; len]].concat(),
                );
                "oversized_value"
            }
        };
        r.mutations.push(name);
    }

    fn mutate_form(&mut self, r: &mut FuzzRequest) -> &'static str {
        let mut pairs = form::split_pairs(target_mut(r));
        let name = form::mutate(&mut pairs, &mut self.rng);
        *target_mut(r) = form::join_pairs(&pairs);
        name
    }

    fn mutate_path(&mut self, r: &mut FuzzRequest) -> &'static str {
        let path = String::from_utf8_lossy(&r.path).into_owned();
        let mut segments: Vec<String> = path.split('/').map(str::to_owned).collect();
        let rng = &mut self.rng;
        let id_at = segments.iter().rposition(|s| id_prefix(s).is_some());
        let replacement = match rng.random_range(0..8) {
            0 => random_id(
                rng,
                id_at.and_then(|i| id_prefix(&segments[i])).unwrap_or("cus"),
            ),
            1 => {
                let prefix = PREFIXES.choose(rng).copied().unwrap_or("pi");
                random_id(rng, prefix)
            }
            2 => "x".repeat(4096),
            3 => "%00%zz%FF".to_owned(),
            4 => "..".to_owned(),
            5 => String::new(),
            6 => "nope".to_owned(),
            _ => "%E2%80%AE\u{1F4B3}".to_owned(),
        };
        match id_at {
            Some(i) if rng.random_bool(0.7) => segments[i] = replacement,
            _ => segments.push(replacement),
        }
        r.path = segments.join("/").into_bytes();
        "path"
    }

    fn mutate_auth(&mut self, r: &mut FuzzRequest) -> &'static str {
        let (auth, name) = match self.rng.random_range(0..7) {
            0 => (AuthHeader::Publishable, "publishable_key"),
            1 => (AuthHeader::None, "no_auth"),
            2 => (
                AuthHeader::Raw("Bearer sk_test_unknownKey0000000000".into()),
                "unknown_key",
            ),
            3 => (AuthHeader::Raw("Basic !!notbase64!!".into()), "bad_basic"),
            4 => (AuthHeader::Raw("Bearer".into()), "bearer_without_key"),
            5 => (AuthHeader::Raw("Token sk_test_x".into()), "bad_scheme"),
            _ => {
                // Stripe.js style: the publishable key as a parameter.
                append(target_mut(r), b"key=pk_test_notTheRealOne000000");
                (AuthHeader::None, "key_param")
            }
        };
        r.auth = auth;
        name
    }

    fn mutate_idempotency(&mut self, r: &mut FuzzRequest) -> &'static str {
        match self.rng.random_range(0..3) {
            0 => match self.keys_used.choose(&mut self.rng) {
                // Reused with (most likely) other parameters: idempotency_error, or a replay.
                Some(key) => r.idempotency_key = Some(key.clone()),
                None => r.idempotency_key = Some("fuzz-reused".into()),
            },
            1 => r.idempotency_key = Some("k".repeat(300)),
            _ => r.headers.push(("Idempotency-Key".into(), String::new())),
        }
        "idempotency_key"
    }
}

/// Where the parameters are: the body of a POST that has one, else the query.
fn target_mut(r: &mut FuzzRequest) -> &mut Vec<u8> {
    if r.method == "POST" && !r.body.is_empty() {
        &mut r.body
    } else {
        &mut r.query
    }
}

fn append(form: &mut Vec<u8>, tail: &[u8]) {
    if !form.is_empty() {
        form.push(b'&');
    }
    form.extend_from_slice(tail);
}
