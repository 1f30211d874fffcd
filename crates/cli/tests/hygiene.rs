//! Card data and key hygiene (issue #8, items 5 and 6), on the real `tender` binary.
//!
//! Every card of the simulated network's table (`tender_core::card::TEST_CARDS`) goes through
//! the client flows that carry raw card data — `POST /v1/payment_methods`, `POST
//! /v1/confirmation_tokens` (then paid with the token), and the confirmation of a
//! PaymentIntent and of a SetupIntent with `payment_method_data` — with the publishable key,
//! client secrets and Idempotency-Keys, while webhooks are delivered to a local receiver. Then
//! the server stops and the raw bytes it left are scanned: every file of its folder, the SQLite
//! file with its `-wal` and `-shm` and the request logs' file (`-logs`) with its own (after
//! SIGTERM, and after SIGKILL, which leaves the WAL behind), or `pg_dump` of the PostgreSQL
//! schema; its stdout and stderr, logging at `TENDER_LOG=trace`, the most verbose
//! level; and every webhook body delivered.
//!
//! The rules:
//! - No full card number, neither as digits nor as typed with spaces.
//! - No CVC. A 3-digit value occurs by chance in random ids, so the rule is about where a CVC
//!   would be stored: every `cvc` in the bytes must be one of Stripe's names *about* the CVC —
//!   the check result `cvc_check`, the error codes `incorrect_cvc` / `invalid_cvc`, or
//!   `"param":"cvc"` naming the field in an error — never a key or parameter holding a value
//!   (`"cvc":"…"`, `cvc=…`, `[cvc]`); and what follows such a name is never digits. Two
//!   exceptions keep the rule exact on raw database bytes: a `cvc` inside a long alphanumeric
//!   run is a random id (`pm_x7Gcvc9Qk…`), and a name cut by binary bytes (a record spilling
//!   onto an overflow page or across a WAL frame) is checked as the part of the name it is.
//! - No secret key, publishable key, client secret or webhook signing secret in stderr, where
//!   every log line goes. `tender serve` prints the default account's keys on stdout for the
//!   developer, by design: those two banner lines are the only place they may appear, and no
//!   client secret or webhook secret appears on stdout at all.
//!
//! PostgreSQL follows the repository's convention (`crates/store/tests/conformance.rs`): the
//! database `test` at 127.0.0.1:5432, or `TENDER_TEST_POSTGRES_URL`; it never skips, so
//! PostgreSQL or `pg_dump` missing fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing;
use serde_json::Value;
use tender_core::card::{Brand, TEST_CARDS};
use tokio::sync::Semaphore;

const SECRET_KEY: &str = "sk_test_hygieneSecretKey00000000000000001";
const PUBLISHABLE_KEY: &str = "pk_test_hygienePublishableKey000000000001";
/// These go through every flow; the rest of the table through one flow each.
const FEATURED: &[&str] = &[
    "4242424242424242",
    "4000000000003220",
    "4000000000000002",
    "5555555555554444",
    "378282246310005",
];
/// Stripe's names about the CVC: the check result, the error codes and their doc pages.
const NAMES: &[&str] = &[
    "cvc_check",
    "incorrect_cvc",
    "invalid_cvc",
    "incorrect-cvc",
    "invalid-cvc",
];
/// A card typed as people type it: Tender strips the spaces.
const TYPED: &str = "4000 0566 5566 5556";

/// Webhook bodies as delivered.
#[derive(Clone, Default)]
struct Receiver(Arc<Mutex<Vec<Bytes>>>);

async fn receive(State(receiver): State<Receiver>, body: Bytes) -> &'static str {
    receiver.0.lock().unwrap().push(body);
    "ok"
}

async fn start_receiver() -> (Receiver, String) {
    let receiver = Receiver::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/hook", routing::post(receive))
        .with_state(receiver.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (receiver, url)
}

/// A `tender serve` with its output captured in `dir`.
struct Tender {
    child: Child,
    base: String,
    stdout: PathBuf,
    stderr: PathBuf,
}

fn start_tender(dir: &Path, database: &str) -> Tender {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (stdout, stderr) = (dir.join("stdout.log"), dir.join("stderr.log"));
    // In `dir`, where it announces itself (`.tender/server.json`), not in the source tree.
    let child = Command::new(env!("CARGO_BIN_EXE_tender"))
        .current_dir(dir)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--database", database, "--webhook-retries", "200ms,200ms"])
        .env("TENDER_SECRET_KEY", SECRET_KEY)
        .env("TENDER_PUBLISHABLE_KEY", PUBLISHABLE_KEY)
        .env("TENDER_LOG", "trace")
        .stdout(Stdio::from(std::fs::File::create(&stdout).unwrap()))
        .stderr(Stdio::from(std::fs::File::create(&stderr).unwrap()))
        .spawn()
        .expect("tender starts");
    Tender {
        child,
        base: format!("http://127.0.0.1:{port}"),
        stdout,
        stderr,
    }
}

impl Tender {
    async fn wait_healthy(&mut self, client: &reqwest::Client) {
        for _ in 0..400 {
            if client
                .get(format!("{}/healthz", self.base))
                .send()
                .await
                .is_ok()
            {
                return;
            }
            assert!(self.child.try_wait().unwrap().is_none(), "tender exited");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("tender did not become healthy");
    }

    /// SIGTERM, and waits for the clean exit.
    fn terminate(mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = self.child.wait().unwrap();
        assert!(exit.success(), "tender exited with {exit}");
    }

    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// What the workload sent that must not be kept.
#[derive(Default)]
struct Sent {
    numbers: Vec<String>,
    cvcs: Vec<String>,
    /// Client secrets and the webhook signing secret.
    secrets: Vec<String>,
}

struct Api {
    client: reqwest::Client,
    base: String,
}

impl Api {
    async fn post(&self, key: &str, path: &str, form: &str, idempotency: Option<&str>) -> Value {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(key)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_owned());
        if let Some(idempotency) = idempotency {
            request = request.header("idempotency-key", idempotency);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        // Approved, or declined as a card error: never refused as a bad request.
        assert!(matches!(status, 200 | 402), "{path} {status}: {body}");
        body
    }

    async fn get(&self, key: &str, path: &str, query: &str) -> Value {
        let url = format!("{}{path}?{query}", self.base);
        let response = self.client.get(url).bearer_auth(key).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        response.json().await.unwrap()
    }
}

fn card_form(prefix: &str, number: &str, cvc: &str) -> String {
    let field = |name: &str| match prefix {
        "" => format!("card[{name}]"),
        prefix => format!("{prefix}[card][{name}]"),
    };
    let kind = match prefix {
        "" => "type".to_owned(),
        prefix => format!("{prefix}[type]"),
    };
    format!(
        "{kind}=card&{}={}&{}=12&{}=2034&{}={cvc}",
        field("number"),
        number.replace(' ', "+"),
        field("exp_month"),
        field("exp_year"),
        field("cvc"),
    )
}

const RETURN_URL: &str = "return_url=https%3A%2F%2Fshop.example%2Fdone";

/// One card through one flow. Returns the client secrets it saw.
async fn flow(api: &Api, flow: usize, number: &str, cvc: &str, tag: &str) -> Vec<String> {
    let pm_data = card_form("payment_method_data", number, cvc);
    match flow {
        0 => {
            let form = card_form("", number, cvc);
            let key = format!("pm-{tag}");
            api.post(PUBLISHABLE_KEY, "/v1/payment_methods", &form, Some(&key))
                .await;
            Vec::new()
        }
        1 => {
            // The mobile SDKs also send the CVC again in the options.
            let form = format!("{pm_data}&payment_method_options[card][cvc]={cvc}&{RETURN_URL}");
            let token = api
                .post(PUBLISHABLE_KEY, "/v1/confirmation_tokens", &form, None)
                .await;
            let Some(token) = token["id"].as_str() else {
                return Vec::new();
            };
            let form = format!(
                "amount=1500&currency=usd&confirm=true&confirmation_token={token}\
                 &payment_method_types[]=card"
            );
            let key = format!("ctoken-pay-{tag}");
            let paid = api
                .post(SECRET_KEY, "/v1/payment_intents", &form, Some(&key))
                .await;
            let secret = &paid["client_secret"];
            let secret = secret
                .as_str()
                .or(paid["error"]["payment_intent"]["client_secret"].as_str());
            secret.map(str::to_owned).into_iter().collect()
        }
        2 => {
            let form = "amount=2000&currency=usd&payment_method_types[]=card";
            let intent = api
                .post(SECRET_KEY, "/v1/payment_intents", form, None)
                .await;
            let (id, secret) = (
                intent["id"].as_str().unwrap(),
                intent["client_secret"].as_str().unwrap(),
            );
            let form = format!("client_secret={secret}&{pm_data}&{RETURN_URL}");
            let key = format!("pi-confirm-{tag}");
            let path = format!("/v1/payment_intents/{id}/confirm");
            api.post(PUBLISHABLE_KEY, &path, &form, Some(&key)).await;
            // The client secret in a query string, where a request log would see it.
            let path = format!("/v1/payment_intents/{id}");
            api.get(PUBLISHABLE_KEY, &path, &format!("client_secret={secret}"))
                .await;
            vec![secret.to_owned()]
        }
        _ => {
            let form = "payment_method_types[]=card";
            let intent = api.post(SECRET_KEY, "/v1/setup_intents", form, None).await;
            let (id, secret) = (
                intent["id"].as_str().unwrap(),
                intent["client_secret"].as_str().unwrap(),
            );
            let form = format!("client_secret={secret}&{pm_data}&{RETURN_URL}");
            let path = format!("/v1/setup_intents/{id}/confirm");
            api.post(PUBLISHABLE_KEY, &path, &form, None).await;
            vec![secret.to_owned()]
        }
    }
}

/// Runs every card through the client flows against `base`; deliveries go to `hook`.
async fn exercise(base: &str, hook: &str, receiver: &Receiver) -> Sent {
    let api = Arc::new(Api {
        client: reqwest::Client::new(),
        base: base.to_owned(),
    });
    let mut sent = Sent::default();
    let hook = hook.replace(':', "%3A").replace('/', "%2F");
    let endpoint = api
        .post(
            SECRET_KEY,
            "/v1/webhook_endpoints",
            &format!("url={hook}&enabled_events[]=*"),
            None,
        )
        .await;
    let whsec = endpoint["secret"].as_str().unwrap();
    assert!(whsec.starts_with("whsec_"));
    sent.secrets.push(whsec.to_owned());

    // Eight at a time: enough to overlap, few enough for two cores.
    let permits = Arc::new(Semaphore::new(8));
    let mut tasks = Vec::new();
    for (i, card) in TEST_CARDS.iter().enumerate() {
        // Distinct per card, of the length the brand prints.
        let cvc = match card.profile.brand {
            Brand::Amex => format!("{:04}", 1000 + (i * 37) % 9000),
            _ => format!("{:03}", 100 + (i * 37) % 900),
        };
        let flows: Vec<usize> = if FEATURED.contains(&card.number) {
            (0..4).collect()
        } else {
            vec![i % 4]
        };
        sent.numbers.push(card.number.to_owned());
        sent.cvcs.push(cvc.clone());
        for f in flows {
            let (api, permits, cvc) = (api.clone(), permits.clone(), cvc.clone());
            tasks.push(tokio::spawn(async move {
                let _permit = permits.acquire_owned().await.unwrap();
                flow(&api, f, card.number, &cvc, &format!("{i}-{f}")).await
            }));
        }
    }
    let typed = api
        .post(
            PUBLISHABLE_KEY,
            "/v1/payment_methods",
            &card_form("", TYPED, "909"),
            None,
        )
        .await;
    assert_eq!(typed["card"]["last4"], "5556", "{typed}");
    sent.numbers.push(TYPED.to_owned());
    sent.cvcs.push("909".to_owned());
    for task in tasks {
        sent.secrets.extend(task.await.unwrap());
    }
    assert!(sent.secrets.len() > 50, "{} secrets", sent.secrets.len());

    // Deliveries happened (the dispatcher's logs and the payloads are scanned too).
    for _ in 0..200 {
        let delivered = receiver.0.lock().unwrap().iter().any(|body| {
            let event: Value = serde_json::from_slice(body).unwrap();
            event["type"] == "payment_intent.succeeded"
        });
        if delivered {
            return sent;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no payment_intent.succeeded delivered");
}

/// The maximal runs of bytes that `member` accepts, with their offsets.
fn runs(bytes: &[u8], member: impl Fn(u8) -> bool) -> Vec<(usize, &[u8])> {
    let mut found = Vec::new();
    let mut start = None;
    for (i, byte) in bytes.iter().enumerate() {
        match (member(*byte), start) {
            (true, None) => start = Some(i),
            (false, Some(from)) => {
                found.push((from, &bytes[from..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        found.push((from, &bytes[from..]));
    }
    found
}

/// The needles found inside `haystack`. One pass of hash lookups per needle length: a
/// naive search of every needle through megabytes is minutes in a debug build.
fn hits<'a>(haystack: &[u8], needles: &'a HashSet<Vec<u8>>) -> Vec<&'a [u8]> {
    let lengths: BTreeSet<usize> = needles.iter().map(Vec::len).collect();
    let mut found = Vec::new();
    for length in lengths {
        for window in haystack.windows(length) {
            if let Some(needle) = needles.get(window) {
                found.push(needle.as_slice());
            }
        }
    }
    found
}

/// The card-data rules of the module docs, on one file's bytes.
fn assert_no_card_data(name: &str, bytes: &[u8], sent: &Sent) {
    // Digits as stored, or as typed with spaces: spaces are dropped within a run.
    let numbers: HashSet<Vec<u8>> = sent
        .numbers
        .iter()
        .map(|n| n.replace(' ', "").into_bytes())
        .collect();
    for (_, run) in runs(bytes, |b| b.is_ascii_digit() || b == b' ') {
        let digits: Vec<u8> = run.iter().copied().filter(u8::is_ascii_digit).collect();
        if digits.len() >= 13 {
            let found = hits(&digits, &numbers);
            assert!(
                found.is_empty(),
                "{name} holds card number {}",
                String::from_utf8_lossy(found[0])
            );
        }
    }
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    for (at, token) in runs(bytes, word) {
        let Some(offset) = token.windows(3).position(|w| w == b"cvc") else {
            continue;
        };
        let context = String::from_utf8_lossy(
            &bytes[at.saturating_sub(40)..(at + token.len() + 40).min(bytes.len())],
        );
        // Inside a random id (`pm_…cvc…`): a long alphanumeric part.
        let part = token.split(|b| *b == b'_' || *b == b'-').find(|part| {
            let start = part.as_ptr() as usize - token.as_ptr() as usize;
            (start..start + part.len()).contains(&offset)
        });
        if part.is_some_and(|part| part.len() >= 12) {
            continue;
        }
        let before: Vec<u8> = bytes[at.saturating_sub(12)..at]
            .iter()
            .copied()
            .filter(|b| *b != b'\\')
            .collect();
        // A database page ends or begins mid-record (overflow pages, WAL frames): a name cut
        // there by binary bytes is still that name.
        let binary =
            |b: Option<&u8>| b.is_some_and(|b| !b.is_ascii_graphic() && !b.is_ascii_whitespace());
        let (cut_after, cut_before) = (
            binary(bytes.get(at + token.len())),
            binary(at.checked_sub(1).and_then(|i| bytes.get(i))),
        );
        let named = match token {
            // An error's `"param":"cvc"` names the field; cut short, `cvc_check`.
            b"cvc" => {
                let after = bytes.get(at + 3);
                before.ends_with(b"\"param\":\"") && matches!(after, Some(b'"' | b'\\'))
                    || cut_after
            }
            _ => NAMES.iter().any(|name| {
                name.as_bytes() == token
                    || cut_after && name.as_bytes().starts_with(token)
                    || cut_before && name.as_bytes().ends_with(token)
            }),
        };
        assert!(named, "{name}: `cvc` outside Stripe's names: …{context}…");
        // What follows a name about the CVC is never digits.
        let value: Vec<u8> = bytes[at + token.len()..]
            .iter()
            .copied()
            .skip_while(|b| b"\"\\:= ]".contains(b))
            .take_while(u8::is_ascii_alphanumeric)
            .collect();
        assert!(
            value.is_empty() || !value.iter().all(u8::is_ascii_digit),
            "{name}: a CVC value in …{context}…"
        );
    }
}

/// The key rules of the module docs, on the captured output.
fn assert_no_keys_logged(tender_stdout: &Path, tender_stderr: &Path, sent: &Sent) {
    let stderr = std::fs::read_to_string(tender_stderr).unwrap();
    // The trace level did log: requests, and the dispatcher at work.
    assert!(stderr.contains("TRACE") && stderr.contains("/v1/payment_intents"));
    let mut secrets = vec![SECRET_KEY, PUBLISHABLE_KEY];
    secrets.extend(sent.secrets.iter().map(String::as_str));
    let needles: HashSet<Vec<u8>> = secrets.iter().map(|s| s.as_bytes().to_vec()).collect();
    let key_chars = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    for (at, token) in runs(stderr.as_bytes(), key_chars) {
        if let Some(secret) = hits(token, &needles).first() {
            let line = stderr[..at].rsplit('\n').next().unwrap_or("").to_owned()
                + stderr[at..].split('\n').next().unwrap_or("");
            panic!(
                "a log line carries {}: {line}",
                String::from_utf8_lossy(secret)
            );
        }
    }
    let stdout = std::fs::read_to_string(tender_stdout).unwrap();
    let banner = [
        format!("  secret key:      {SECRET_KEY}"),
        format!("  publishable key: {PUBLISHABLE_KEY}"),
    ];
    for line in stdout.lines() {
        if !banner.contains(&line.to_owned()) {
            for secret in &secrets {
                assert!(!line.contains(secret), "stdout beyond the banner: {line}");
            }
        }
    }
    for line in &banner {
        assert!(stdout.lines().any(|l| l == line), "banner: {stdout}");
    }
}

fn scan_outputs(tender_stdout: &Path, tender_stderr: &Path, receiver: &Receiver, sent: &Sent) {
    for path in [tender_stdout, tender_stderr] {
        assert_no_card_data(
            &path.display().to_string(),
            &std::fs::read(path).unwrap(),
            sent,
        );
    }
    assert_no_keys_logged(tender_stdout, tender_stderr, sent);
    let deliveries = receiver.0.lock().unwrap();
    assert!(!deliveries.is_empty());
    for body in deliveries.iter() {
        assert_no_card_data("a webhook delivery", body, sent);
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tender-hygiene-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The SQLite run: the workload, then SIGTERM or SIGKILL, then every file scanned.
async fn sqlite_run(name: &str, sigkill: bool) {
    let (receiver, hook) = start_receiver().await;
    let dir = temp_dir(name);
    let db = dir.join("tender.db");
    let mut tender = start_tender(&dir, &format!("sqlite://{}", db.display()));
    tender.wait_healthy(&reqwest::Client::new()).await;
    let sent = exercise(&tender.base, &hook, &receiver).await;
    let (stdout, stderr) = (tender.stdout.clone(), tender.stderr.clone());
    let wal = dir.join("tender.db-wal");
    if sigkill {
        tender.kill();
        let left = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        assert!(left > 0, "SIGKILL left no WAL to scan");
    } else {
        tender.terminate();
    }
    let mut scanned = 0;
    // Every file Tender left: the database, its WAL and shared memory, and the request logs'
    // own file with its own.
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert!(
        files.iter().any(|f| f.ends_with("tender.db-logs")),
        "{files:?}"
    );
    for file in files {
        if let Ok(bytes) = std::fs::read(&file) {
            assert_no_card_data(&file.display().to_string(), &bytes, &sent);
            scanned += bytes.len();
        }
    }
    // The scan looked at the workload, wherever SQLite left it.
    assert!(scanned > 100_000, "{scanned} bytes");
    scan_outputs(&stdout, &stderr, &receiver, &sent);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_after_sigterm_holds_no_card_data_or_keys() {
    sqlite_run("sigterm", false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_wal_after_sigkill_holds_no_card_data_or_keys() {
    sqlite_run("sigkill", true).await;
}

fn postgres_url() -> String {
    std::env::var("TENDER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_dump_holds_no_card_data_or_keys() {
    let url = postgres_url();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let schema = format!("tender_hygiene_{:x}_{nanos:x}", std::process::id());
    // Creates the schema; the server then works in it through `search_path`.
    let store = tender_store::postgres::PostgresStore::connect_in_schema(&url, &schema)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL must be reachable at {url}: {e}"));
    drop(store);
    let separator = if url.contains('?') { '&' } else { '?' };
    let database = format!("{url}{separator}options=-c%20search_path%3D{schema}");

    let (receiver, hook) = start_receiver().await;
    let dir = temp_dir("postgres");
    let mut tender = start_tender(&dir, &database);
    tender.wait_healthy(&reqwest::Client::new()).await;
    let sent = exercise(&tender.base, &hook, &receiver).await;
    let (stdout, stderr) = (tender.stdout.clone(), tender.stderr.clone());
    tender.terminate();

    let dump = Command::new("pg_dump")
        .args(["--dbname", &url, "--schema", &schema, "--no-owner"])
        .output()
        .expect("pg_dump must be installed");
    assert!(
        dump.status.success(),
        "{}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let dump_text = String::from_utf8_lossy(&dump.stdout);
    assert!(
        dump_text.contains("cvc_check"),
        "the dump holds the workload"
    );
    assert_no_card_data("pg_dump", &dump.stdout, &sent);
    scan_outputs(&stdout, &stderr, &receiver, &sent);
    tender_store::postgres::PostgresStore::drop_schema(&url, &schema)
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

/// The scanner itself: it finds what it must and lets Stripe's names through.
#[test]
fn the_scanner_applies_the_rules() {
    let sent = Sent {
        numbers: vec!["4242424242424242".into(), TYPED.into()],
        cvcs: vec!["123".into()],
        secrets: Vec::new(),
    };
    let clean = br#"{"checks":{"cvc_check":"pass"},"code":"incorrect_cvc","param":"cvc",
        "doc_url":"https://stripe.com/docs/error-codes/incorrect-cvc","id":"pm_x7Gcvc9QkW3b2aLm",
        "log":"{\"param\":\"cvc\"}","last4":"4242","amount":4242424242}"#;
    assert_no_card_data("clean", clean, &sent);
    // Names cut by a page boundary.
    assert_no_card_data("cut", b"\"cvc_ch\x00\x00ect_cvc\x01\"cvc\x02", &sent);
    for leak in [
        &b"number=4242424242424242&x"[..],
        b"\"4000 0566 5566 5556\"",
        b"x40000566556655560",
        b"{\"cvc\":\"123\"}",
        b"card[cvc]=123",
        b"{\"card_cvc\":null}",
    ] {
        let caught = std::panic::catch_unwind(|| assert_no_card_data("leak", leak, &sent));
        assert!(caught.is_err(), "{}", String::from_utf8_lossy(leak));
    }
}

/// An Idempotency-Key makes Tender keep the request's fingerprint, a SHA-256 of method, path
/// and body (`fingerprint` in `crates/server/src/http/api.rs`). Were card numbers and CVCs
/// in it, the saved response beside it (brand, last4, expiry) would let anyone with the
/// database enumerate the few unknown digits and the CVC against the hash; so they are left
/// out, and the hash of the plain body must not be what is stored.
#[tokio::test]
async fn idempotency_fingerprints_are_not_plain_hashes_of_card_data() {
    use sha2::{Digest, Sha256};
    let dir = temp_dir("fingerprint");
    let db = dir.join("tender.db");
    let mut tender = start_tender(&dir, &format!("sqlite://{}", db.display()));
    let client = reqwest::Client::new();
    tender.wait_healthy(&client).await;
    let body = card_form("", "4242424242424242", "123");
    let api = Api {
        client,
        base: tender.base.clone(),
    };
    let pm = api
        .post(PUBLISHABLE_KEY, "/v1/payment_methods", &body, Some("pm-1"))
        .await;
    assert_eq!(pm["card"]["last4"], "4242");
    tender.terminate();
    let hash = hex::encode(Sha256::digest(format!("POST /v1/payment_methods\n{body}")));
    let stored = String::from_utf8_lossy(&std::fs::read(&db).unwrap()).into_owned();
    assert!(
        !stored.contains(&hash),
        "the database holds SHA-256(request with card data)"
    );
    let _ = std::fs::remove_dir_all(dir);
}
