//! `fuzz-http`: replays the stripe-python suite's captured requests against a running server,
//! mutated (fuzz_mutate.rs), and checks every answer: never a 5xx, never a hang or a dropped
//! connection, always JSON in Stripe's shape, and — sequentially, through a read-only
//! connection to the server's SQLite file — no database change from a rejected request.
//!
//! Exemptions, by design: a 402 `card_error` records the declined charge (as on Stripe);
//! a request with an `Idempotency-Key` whose execution failed saves that answer (one
//! `idempotency_keys` row), unless it failed on a parameter (`parameter_*` codes: Stripe does
//! not save those) or on the key itself (`idempotency_error`). `webhook_attempts` is left out
//! of the fingerprint: the webhook dispatcher writes it in the background.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use serde_json::Value;
use tokio::sync::Mutex;

use check::{Database, check_response};
use mutate::{AuthHeader, FuzzRequest, Mutator};
use report::{Report, Violation};
use seeds::{IdPool, Seed};
use wire::{Keys, Response, SendError};

// The fuzzer's parts, declared here so that main.rs needs only `mod fuzz_http`.
#[path = "fuzz_check.rs"]
mod check;
#[path = "fuzz_mutate_form.rs"]
mod form_mutations;
#[path = "fuzz_mutate.rs"]
mod mutate;
#[path = "fuzz_report.rs"]
mod report;
#[path = "fuzz_seeds.rs"]
mod seeds;
#[path = "fuzz_wire.rs"]
mod wire;

#[derive(clap::Args)]
pub struct FuzzArgs {
    /// Base URL of the running server (`http://127.0.0.1:12111`).
    #[arg(long)]
    url: String,
    /// Secret key of the server's default account.
    #[arg(long, env = "TENDER_SECRET_KEY")]
    secret_key: String,
    /// Publishable key of the same account.
    #[arg(long, env = "TENDER_PUBLISHABLE_KEY")]
    publishable_key: String,
    /// The server's SQLite file, opened read-only to check that rejected requests change
    /// nothing. Without it that check is skipped.
    #[arg(long)]
    database: Option<String>,
    /// The captured SDK requests.
    #[arg(long, default_value = "fuzz/seeds/sdk-requests.jsonl")]
    seeds: String,
    /// Requests to send (the first ones replay the capture unchanged, to create objects).
    #[arg(long, default_value_t = 2000)]
    requests: usize,
    /// Seed of the mutations: the same seed, seeds file and fresh server send the same requests.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// An answer slower than this is a hang.
    #[arg(long, default_value_t = 10_000)]
    timeout_ms: u64,
    /// Requests in flight at once. Above 1 the database check is off (another request's
    /// writes would show).
    #[arg(long, default_value_t = 1)]
    concurrency: usize,
    /// Where each violating request is saved, byte for byte, to replay with `nc`.
    #[arg(long, default_value = "fuzz/artifacts/http")]
    artifacts: String,
}

struct Shared {
    seeds: Vec<Seed>,
    mutator: Mutator,
    report: Report,
    next: usize,
    warmup: usize,
}

pub async fn run(args: FuzzArgs) -> Result<(), String> {
    let addr = args
        .url
        .trim_end_matches('/')
        .strip_prefix("http://")
        .ok_or("--url must be http://host:port")?
        .to_owned();
    let seeds = seeds::load(&args.seeds, &args.secret_key, &args.publishable_key)?;
    let keys = Arc::new(Keys {
        secret: args.secret_key.clone(),
        publishable: args.publishable_key.clone(),
    });
    let concurrency = args.concurrency.max(1);
    let mut database = match (&args.database, concurrency) {
        (Some(path), 1) => Some(Database::open(path)?),
        (Some(_), _) => {
            println!("fuzz-http: --concurrency > 1, database check off");
            None
        }
        (None, _) => {
            println!("fuzz-http: no --database, database check off");
            None
        }
    };
    println!(
        "fuzz-http: {} requests against {} (seed {}, {} captured requests, concurrency {concurrency})",
        args.requests,
        args.url,
        args.seed,
        seeds.len()
    );
    let warmup = seeds.len().min(args.requests / 5);
    let shared = Arc::new(Mutex::new(Shared {
        seeds,
        mutator: Mutator {
            rng: StdRng::seed_from_u64(args.seed),
            pool: IdPool::default(),
            keys_used: Vec::new(),
        },
        report: Report::default(),
        next: 0,
        warmup,
    }));
    let timeout = Duration::from_millis(args.timeout_ms);
    let started = Instant::now();
    if concurrency == 1 {
        worker(
            &shared,
            &addr,
            &keys,
            args.requests,
            timeout,
            database.as_mut(),
        )
        .await?;
    } else {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..concurrency {
            let (shared, addr, keys) = (shared.clone(), addr.clone(), keys.clone());
            let total = args.requests;
            tasks.spawn(async move { worker(&shared, &addr, &keys, total, timeout, None).await });
        }
        while let Some(joined) = tasks.join_next().await {
            joined.map_err(|e| format!("worker: {e}"))??;
        }
    }
    let mut shared = shared.lock().await;
    let alive = still_alive(&addr, &keys, timeout).await;
    if let Err(problem) = &alive {
        shared.report.violations.push(Violation {
            index: args.requests,
            kind: "server not alive".into(),
            group: String::new(),
            detail: problem.clone(),
            mutations: Vec::new(),
            raw: Vec::new(),
            saved: None,
        });
    }
    shared.report.save_violations(&args.artifacts)?;
    shared.report.print(started.elapsed(), &addr);
    println!("  live ids learned: {}", shared.mutator.pool.len());
    match shared.report.violations.len() {
        0 => Ok(()),
        n => Err(format!("{n} violation(s)")),
    }
}

async fn worker(
    shared: &Mutex<Shared>,
    addr: &str,
    keys: &Keys,
    total: usize,
    timeout: Duration,
    mut database: Option<&mut Database>,
) -> Result<(), String> {
    loop {
        let (index, request) = {
            let mut s = shared.lock().await;
            if s.next >= total {
                return Ok(());
            }
            let index = s.next;
            s.next += 1;
            let Shared {
                seeds,
                mutator,
                warmup,
                ..
            } = &mut *s;
            let request = if index < *warmup {
                mutator.replay(&seeds[index])
            } else {
                let seed = seeds.choose(&mut mutator.rng).cloned();
                match seed {
                    Some(seed) => mutator.request(&seed),
                    None => return Ok(()),
                }
            };
            (index, request)
        };
        let raw = wire::render(&request, addr, keys);
        let before = match database.as_deref_mut() {
            Some(db) => Some(db.fingerprint()?),
            None => None,
        };
        let start = Instant::now();
        let outcome = wire::send(addr, &raw, timeout).await;
        let elapsed = start.elapsed();
        let mut s = shared.lock().await;
        let Shared {
            mutator, report, ..
        } = &mut *s;
        report.sent += 1;
        report.slowest = report.slowest.max(elapsed);
        for m in &request.mutations {
            *report.mutations.entry(m).or_default() += 1;
        }
        let mut violation = |kind: &str, group: String, detail: String| {
            report.violations.push(Violation {
                index,
                kind: kind.to_owned(),
                group,
                detail,
                mutations: request.mutations.clone(),
                raw: raw.clone(),
                saved: None,
            });
        };
        let response = match outcome {
            Ok(response) => response,
            Err(SendError::Timeout) => {
                let detail = format!("no answer within {} ms", timeout.as_millis());
                violation("hang", request.method.clone(), detail);
                continue;
            }
            Err(SendError::Io(e)) => {
                violation("no answer", e.clone(), e);
                continue;
            }
        };
        let (problem, code) = check_response(&request.method, &response);
        if let Some(problem) = problem {
            let body = String::from_utf8_lossy(&response.body);
            let body: String = body.chars().take(300).collect();
            let detail = format!("{problem} (status {}; body {body})", response.status);
            violation("bad answer", problem, detail);
        }
        if let (Some(db), Some(before)) = (database.as_deref_mut(), before)
            && (400..500).contains(&response.status)
            && response.status != 402
        {
            let after = db.fingerprint()?;
            let saved_by_design = request.idempotency_key.is_some()
                && !code.as_deref().is_some_and(|c| c.starts_with("parameter_"))
                && !code
                    .as_deref()
                    .is_some_and(|c| c.starts_with("idempotency"));
            let changes = before.changes(&after, saved_by_design);
            if !changes.is_empty() {
                let tables: Vec<&str> =
                    changes.iter().filter_map(|c| c.split(':').next()).collect();
                let group = format!("{} {code:?} wrote {}", response.status, tables.join(", "));
                let detail = format!(
                    "status {} {code:?}: {}",
                    response.status,
                    changes.join("; ")
                );
                violation("database changed by a rejected request", group, detail);
            }
            report.db_checked += 1;
        }
        tally(report, &mut mutator.pool, &request, &response, code);
    }
}

fn tally(
    report: &mut Report,
    pool: &mut IdPool,
    request: &FuzzRequest,
    response: &Response,
    code: Option<String>,
) {
    *report.statuses.entry(response.status).or_default() += 1;
    let body: Option<Value> = serde_json::from_slice(&response.body).ok();
    if response.status == 400
        && let Some(body) = &body
        && body["error"]["type"] == "invalid_request_error"
    {
        if body["error"]["param"].is_string() {
            report.param_named += 1;
        } else {
            report.param_missing += 1;
            // What such errors say, numbers and ids masked, to see which could name a param.
            let message = body["error"]["message"].as_str().unwrap_or_default();
            let shape: String = message
                .chars()
                .take(70)
                .map(|c| if c.is_ascii_digit() { '#' } else { c })
                .collect();
            *report.unnamed.entry(shape).or_default() += 1;
        }
    }
    if let Some(code) = code {
        *report.codes.entry(code).or_default() += 1;
    }
    // Ids only from our own account's successes (a publishable key sees the same account).
    if response.status < 300
        && request.auth != AuthHeader::None
        && let Some(body) = &body
    {
        pool.learn(body);
    }
}

/// The server answers its health check and a plain list after the run.
async fn still_alive(addr: &str, keys: &Keys, timeout: Duration) -> Result<(), String> {
    let health = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    match wire::send(addr, health.as_bytes(), timeout).await {
        Ok(r) if r.status == 200 => {}
        Ok(r) => return Err(format!("/healthz answered {}", r.status)),
        Err(SendError::Timeout) => return Err("/healthz did not answer".into()),
        Err(SendError::Io(e)) => return Err(format!("/healthz: {e}")),
    }
    let list = format!(
        "GET /v1/customers?limit=1 HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Authorization: Bearer {}\r\n\r\n",
        keys.secret
    );
    match wire::send(addr, list.as_bytes(), timeout).await {
        Ok(r) if r.status == 200 => Ok(()),
        Ok(r) => Err(format!("GET /v1/customers answered {}", r.status)),
        Err(_) => Err("GET /v1/customers did not answer".into()),
    }
}
