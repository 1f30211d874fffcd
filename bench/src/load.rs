//! `tender-bench load`: fills a database with N stored payments, fast.
//!
//! How the rows are made exactly as the API writes them: the loader starts the real server
//! in-process on the target database, with the store wrapped in a recorder, and makes ONE
//! payment through HTTP the way `payment` does (a ConfirmationToken, then a PaymentIntent
//! created with `confirm=true`). The recorder notes the id of every record that request
//! pair committed (token, payment method, intent, charge, events); their final state is read
//! back and becomes the template. Every clone is that template with fresh random ids (same
//! prefixes and lengths; every occurrence in bodies and list columns is rewritten
//! consistently, so an event's `data.object` names the clone's intent, the intent its charge,
//! and so on), fresh client secrets and request ids, and every timestamp moved by the same
//! offset. So there is no second copy of the domain code to drift from the API: whatever the
//! API stores for a payment today is what gets cloned.
//!
//! The clones are written through `Store::commit` in large units of work (`--batch`
//! payments per unit). Differences from API-made rows, on purpose: every row is inserted at
//! version 1 (a record the API updated, such as the used ConfirmationToken, is inserted in its
//! final state), and no idempotency rows are stored (the API's expire after 24 hours, and the
//! clones are older than that).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_trait::async_trait;
use clap::Args;
use tender_server::{Config, Server};
use tender_store::{
    Account, AccountReset, ClaimedDelivery, DeliveryAttempt, DeliveryOutcome, DeliveryReport,
    IdempotencyRecord, IndexKeys, ListQuery, Record, Store, StoreError, UnitOfWork, Write,
};
use tender_wire::id::{self, random_base62};
use tokio::task::JoinSet;

use crate::client::{Conn, Target};
use crate::scenario::{Outcome, Plan, Scenario, run_unit};
use crate::system;

#[derive(Args, Clone, Debug)]
pub struct LoadArgs {
    /// `sqlite://FILE` or `postgres://…`, as `tender serve --database` takes it.
    #[arg(long, env = "TENDER_DATABASE_URL")]
    pub database: String,
    /// Stored payments to have when done, the template payment included.
    #[arg(long)]
    pub payments: u64,
    /// Payments per unit of work (each payment is several records).
    #[arg(long, default_value_t = 2000)]
    pub batch: u64,
    /// Units of work committing at once.
    #[arg(long, default_value_t = 2)]
    pub in_flight: usize,
    /// The clones' `created` times are spread over this many days before now.
    #[arg(long, default_value_t = 30)]
    pub span_days: u64,
    /// Keys of the default account, if the database has none yet.
    #[arg(long, env = "TENDER_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
    #[arg(long, env = "TENDER_PUBLISHABLE_KEY")]
    pub publishable_key: Option<String>,
    /// Amount of each payment, in cents.
    #[arg(long, default_value_t = 2000)]
    pub amount: u64,
    /// Write the ids of (a sample of) the stored intents here, oldest first, for
    /// `tender-bench run --ids-file`.
    #[arg(long)]
    pub ids_out: Option<PathBuf>,
    /// At most this many ids in `--ids-out`, evenly spread over all the payments.
    #[arg(long, default_value_t = 100_000)]
    pub ids_sample: u64,
}

/// A store that notes which records its commits wrote.
struct Recorder {
    inner: Arc<dyn Store>,
    written: Mutex<Vec<String>>,
}

#[async_trait]
impl Store for Recorder {
    async fn migrate(&self) -> Result<(), StoreError> {
        self.inner.migrate().await
    }
    async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.inner.accounts().await
    }
    async fn create_account(&self, account: &Account) -> Result<(), StoreError> {
        self.inner.create_account(account).await
    }
    async fn get(&self, account: &str, id: &str) -> Result<Option<Record>, StoreError> {
        self.inner.get(account, id).await
    }
    async fn list(&self, query: &ListQuery) -> Result<Vec<Record>, StoreError> {
        self.inner.list(query).await
    }
    async fn commit(&self, unit: UnitOfWork) -> Result<(), StoreError> {
        let ids: Vec<String> = unit.writes.iter().map(|w| w.record.id.clone()).collect();
        self.inner.commit(unit).await?;
        let mut written = self.written.lock().unwrap_or_else(|p| p.into_inner());
        for id in ids {
            if !written.contains(&id) {
                written.push(id);
            }
        }
        Ok(())
    }
    async fn idempotency(
        &self,
        account: &str,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        self.inner.idempotency(account, key).await
    }
    async fn prune_idempotency(&self, older_than: i64) -> Result<u64, StoreError> {
        self.inner.prune_idempotency(older_than).await
    }
    async fn reset_account(&self, account: &str) -> Result<AccountReset, StoreError> {
        self.inner.reset_account(account).await
    }
    async fn claim_deliveries(
        &self,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        self.inner.claim_deliveries(now_ms, lease_ms, limit).await
    }
    async fn finish_delivery(
        &self,
        claim: &ClaimedDelivery,
        attempt: &DeliveryAttempt,
        outcome: DeliveryOutcome,
    ) -> Result<bool, StoreError> {
        self.inner.finish_delivery(claim, attempt, outcome).await
    }
    async fn next_delivery_due(&self) -> Result<Option<i64>, StoreError> {
        self.inner.next_delivery_due().await
    }
    async fn pending_webhooks(
        &self,
        account: &str,
        event_ids: &[String],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        self.inner.pending_webhooks(account, event_ids).await
    }
    async fn deliveries(
        &self,
        account: &str,
        event_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DeliveryReport>, StoreError> {
        self.inner.deliveries(account, event_id, limit).await
    }
    async fn insert_request_logs(
        &self,
        logs: Vec<tender_store::RequestLog>,
    ) -> Result<(), StoreError> {
        self.inner.insert_request_logs(logs).await
    }
    async fn request_logs(
        &self,
        query: &tender_store::RequestLogQuery,
    ) -> Result<Vec<tender_store::RequestLog>, StoreError> {
        self.inner.request_logs(query).await
    }
    async fn prune_request_logs(
        &self,
        older_than_ms: i64,
        keep_rows: i64,
        chunk: i64,
    ) -> Result<u64, StoreError> {
        self.inner
            .prune_request_logs(older_than_ms, keep_rows, chunk)
            .await
    }
}

/// A random string of the template, regenerated per clone.
#[derive(Clone, Debug)]
enum Token {
    /// `prefix_` + `len` base62 characters: object ids, request ids.
    Id { prefix: String, len: usize },
    /// `_secret_` + `len` base62 characters: the secret half of a client secret.
    Secret { len: usize },
    /// The idempotency key of the template's request.
    Key,
}

impl Token {
    fn fresh(&self) -> String {
        match self {
            // Made like the API's (time first), so the indexes grow as they do in use.
            Token::Id { prefix, len } => format!("{prefix}_{}", id::time_ordered(*len)),
            Token::Secret { len } => format!("_secret_{}", random_base62(*len)),
            Token::Key => format!("load-{}", random_base62(24)),
        }
    }
}

#[derive(Clone, Debug)]
enum Seg {
    Lit(String),
    Tok(usize),
    /// A Unix time, as an offset from the template's time.
    Time(i64),
}

#[derive(Clone, Debug)]
struct Text(Vec<Seg>);

impl Text {
    fn render(&self, tokens: &[String], time: i64, out: &mut String) {
        for seg in &self.0 {
            match seg {
                Seg::Lit(s) => out.push_str(s),
                Seg::Tok(i) => out.push_str(&tokens[*i]),
                Seg::Time(delta) => out.push_str(&(time + delta).to_string()),
            }
        }
    }

    fn string(&self, tokens: &[String], time: i64) -> String {
        let mut out = String::new();
        self.render(tokens, time, &mut out);
        out
    }
}

struct RecordTemplate {
    id: Text,
    kind: String,
    created_delta: i64,
    index: [Option<Text>; 4],
    body: Text,
}

struct Template {
    tokens: Vec<Token>,
    records: Vec<RecordTemplate>,
    /// Which record is the payment intent.
    intent: usize,
}

/// Splits `text` at every occurrence of a token (and, with `times`, at every 10-digit JSON
/// number within a year of `t0`).
fn tokenize(text: &str, needles: &[(String, usize)], times: Option<i64>) -> Text {
    let mut hits: Vec<(usize, usize, Seg)> = Vec::new();
    for (needle, token) in needles {
        for (at, _) in text.match_indices(needle.as_str()) {
            hits.push((at, needle.len(), Seg::Tok(*token)));
        }
    }
    if let Some(t0) = times {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_digit() && i > 0 && matches!(bytes[i - 1], b':' | b',' | b'[') {
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let follows_ok = i == bytes.len() || !matches!(bytes[i], b'.' | b'e' | b'E');
                if i - start == 10
                    && follows_ok
                    && let Ok(value) = text[start..i].parse::<i64>()
                    && (t0 - 2 * 86_400..=t0 + 400 * 86_400).contains(&value)
                {
                    hits.push((start, 10, Seg::Time(value - t0)));
                }
            } else {
                i += 1;
            }
        }
    }
    hits.sort_by_key(|(at, _, _)| *at);
    let mut segs = Vec::new();
    let mut pos = 0;
    for (at, len, seg) in hits {
        if at < pos {
            continue; // overlapping match (cannot happen with random ids); keep the first
        }
        if at > pos {
            segs.push(Seg::Lit(text[pos..at].to_owned()));
        }
        segs.push(seg);
        pos = at + len;
    }
    if pos < text.len() {
        segs.push(Seg::Lit(text[pos..].to_owned()));
    }
    Text(segs)
}

/// Every string value of a JSON document.
fn strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// `prefix_<base62…>` with a long random part, as `tender_wire::id` makes them.
fn as_id(s: &str) -> Option<Token> {
    let (prefix, rest) = s.split_once('_')?;
    let is_id = !prefix.is_empty()
        && prefix.bytes().all(|b| b.is_ascii_lowercase())
        && rest.len() >= 14
        && rest.bytes().all(|b| b.is_ascii_alphanumeric());
    is_id.then(|| Token::Id {
        prefix: prefix.to_owned(),
        len: rest.len(),
    })
}

fn compile(records: &[Record], account: &str, idempotency_key: &str) -> Result<Template, String> {
    let intent = records
        .iter()
        .position(|r| r.kind == "payment_intent")
        .ok_or("the template payment wrote no payment_intent")?;
    let t0 = records[intent].created;
    // Needle → token; every distinct random string once.
    let mut found: Vec<(String, Token)> = Vec::new();
    let mut add = |needle: String, token: Token| {
        if needle != account && !found.iter().any(|(n, _)| *n == needle) {
            found.push((needle, token));
        }
    };
    for record in records {
        let token = as_id(&record.id).ok_or_else(|| format!("unexpected id {}", record.id))?;
        add(record.id.clone(), token);
    }
    for record in records {
        let body: serde_json::Value = serde_json::from_str(&record.body)
            .map_err(|e| format!("{} does not parse: {e}", record.id))?;
        let mut all = Vec::new();
        strings(&body, &mut all);
        for s in all {
            if let Some(at) = s.find("_secret_") {
                let secret = &s[at..];
                add(
                    secret.to_owned(),
                    Token::Secret {
                        len: secret.len() - "_secret_".len(),
                    },
                );
                if let Some(token) = as_id(&s[..at]) {
                    add(s[..at].to_owned(), token);
                }
            } else if s == idempotency_key {
                add(s, Token::Key);
            } else if let Some(token) = as_id(&s) {
                add(s, token);
            }
        }
    }
    let needles: Vec<(String, usize)> = found
        .iter()
        .enumerate()
        .map(|(i, (needle, _))| (needle.clone(), i))
        .collect();
    let tokens = found.into_iter().map(|(_, token)| token).collect();
    let column = |value: &Option<String>| value.as_deref().map(|v| tokenize(v, &needles, None));
    let records = records
        .iter()
        .map(|r| RecordTemplate {
            id: tokenize(&r.id, &needles, None),
            kind: r.kind.clone(),
            created_delta: r.created - t0,
            index: [
                column(&r.index.customer),
                column(&r.index.payment_intent),
                column(&r.index.charge),
                column(&r.index.tag),
            ],
            body: tokenize(&r.body, &needles, Some(t0)),
        })
        .collect();
    Ok(Template {
        tokens,
        records,
        intent,
    })
}

impl Template {
    /// The records of one clone created at `time`; returns the intent's id too.
    fn instantiate(&self, account: &str, time: i64, out: &mut Vec<Write>) -> String {
        let tokens: Vec<String> = self.tokens.iter().map(Token::fresh).collect();
        let mut intent_id = String::new();
        for (i, r) in self.records.iter().enumerate() {
            let id = r.id.string(&tokens, time);
            if i == self.intent {
                intent_id = id.clone();
            }
            let col = |c: &Option<Text>| c.as_ref().map(|t| t.string(&tokens, time));
            let mut body = String::with_capacity(4096);
            r.body.render(&tokens, time, &mut body);
            out.push(Write {
                record: Record {
                    account: account.to_owned(),
                    id,
                    kind: r.kind.clone(),
                    created: time + r.created_delta,
                    version: 1,
                    deleted: false,
                    index: IndexKeys {
                        customer: col(&r.index[0]),
                        payment_intent: col(&r.index[1]),
                        charge: col(&r.index[2]),
                        tag: col(&r.index[3]),
                    },
                    body,
                },
                expected_version: None,
            });
        }
        intent_id
    }
}

pub async fn load(args: LoadArgs) -> Result<(), String> {
    let began = Instant::now();
    let store = tender_store::connect(&args.database)
        .await
        .map_err(|e| format!("{}: {e}", args.database))?;
    let recorder = Arc::new(Recorder {
        inner: store.clone(),
        written: Mutex::new(Vec::new()),
    });
    let config = Config {
        listen: "127.0.0.1:0".into(),
        database_url: args.database.clone(),
        secret_key: args.secret_key.clone(),
        publishable_key: args.publishable_key.clone(),
        webhooks: None,
        ..Config::default()
    };
    let server = Server::start_with_store(&config, recorder.clone())
        .await
        .map_err(|e| e.to_string())?;
    let account = server.account.clone();
    println!("account {} ({})", account.id, account.secret_key);
    if args.payments == 0 {
        server.shutdown().await.map_err(|e| e.to_string())?;
        return Ok(());
    }

    // The template: one real payment through the API.
    let plan = Arc::new(Plan {
        scenario: Scenario::Payment,
        secret_key: account.secret_key.clone(),
        publishable_key: account.publishable_key.clone(),
        amount: args.amount,
        ids: Vec::new(),
        deep_cursor: None,
        nonce: format!("template{}", random_base62(8)),
        price: None,
        customers: Vec::new(),
    });
    let mut conn = Conn::new(Target::parse(&format!("http://{}", server.addr))?);
    match run_unit(&plan, &mut conn, 0, 1).await {
        Ok(Outcome::Ok { .. }) => {}
        Ok(Outcome::Unexpected { detail, .. }) => {
            return Err(format!("template payment: {detail}"));
        }
        Err(e) => return Err(format!("template payment: {e}")),
    }
    drop(conn);
    server.shutdown().await.map_err(|e| e.to_string())?;
    let written = recorder
        .written
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let mut records = Vec::new();
    for id in &written {
        let record = store
            .get(&account.id, id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("{id} vanished"))?;
        // The scheduler's mark that the account's subscriptions have their jobs is written
        // by the server's start, not by the payment.
        if record.kind != "scheduler_backfill" {
            records.push(record);
        }
    }
    let template = compile(&records, &account.id, &format!("bench-{}-0-1", plan.nonce))?;
    let kinds: Vec<&str> = records.iter().map(|r| r.kind.as_str()).collect();
    println!(
        "template: {} records per payment ({}), {} random strings, {} bytes",
        records.len(),
        kinds.join(", "),
        template.tokens.len(),
        records.iter().map(|r| r.body.len()).sum::<usize>()
    );
    let template_intent = records[template.intent].id.clone();
    let t_end = records[template.intent].created - 1;

    // The clones, oldest first, in units of `batch` payments, generated on a thread while the
    // previous units commit.
    let clones = args.payments - 1;
    let span = i64::try_from(args.span_days * 86_400).unwrap_or(i64::MAX);
    let batch = args.batch.max(1);
    let sample_every = (args.payments / args.ids_sample.max(1)).max(1);
    let (units, mut ready) = tokio::sync::mpsc::channel::<(UnitOfWork, u64)>(args.in_flight.max(1));
    let ids = Arc::new(Mutex::new(Vec::<String>::new()));
    let generator = {
        let account = account.id.clone();
        let ids = ids.clone();
        std::thread::spawn(move || {
            let mut next = 0u64;
            while next < clones {
                let end = (next + batch).min(clones);
                let mut writes = Vec::with_capacity((end - next) as usize * template.records.len());
                for i in next..end {
                    // Clone i of n lives at t_end - span * (n - 1 - i) / n: spread evenly, the
                    // newest one second before the template.
                    let back = (i128::from(span) * i128::from(clones - 1 - i)
                        / i128::from(clones.max(1))) as i64;
                    let id = template.instantiate(&account, t_end - back, &mut writes);
                    if i % sample_every == 0 {
                        ids.lock().unwrap_or_else(|p| p.into_inner()).push(id);
                    }
                }
                let unit = UnitOfWork {
                    writes,
                    idempotency: None,
                    deliveries: Vec::new(),
                };
                if units.blocking_send((unit, end - next)).is_err() {
                    return;
                }
                next = end;
            }
        })
    };
    let mut committing = JoinSet::new();
    let (mut done, mut reported) = (0u64, 0u64);
    let loading = Instant::now();
    let progress = |done: u64, reported: &mut u64| {
        if done * 20 / clones.max(1) > *reported * 20 / clones.max(1) || done == clones {
            let secs = loading.elapsed().as_secs_f64();
            println!(
                "  {done}/{clones} payments ({:.0}/s)",
                done as f64 / secs.max(1e-9)
            );
            *reported = done;
        }
    };
    while let Some((unit, n)) = ready.recv().await {
        while committing.len() >= args.in_flight.max(1) {
            if let Some(result) = committing.join_next().await {
                let (result, count): (Result<(), StoreError>, u64) =
                    result.map_err(|e| e.to_string())?;
                result.map_err(|e| format!("commit: {e}"))?;
                done += count;
                progress(done, &mut reported);
            }
        }
        let store = store.clone();
        committing.spawn(async move { (store.commit(unit).await, n) });
    }
    while let Some(result) = committing.join_next().await {
        let (result, count) = result.map_err(|e| e.to_string())?;
        result.map_err(|e| format!("commit: {e}"))?;
        done += count;
        progress(done, &mut reported);
    }
    generator
        .join()
        .map_err(|_| "the generator thread panicked".to_owned())?;
    let rate = done as f64 / loading.elapsed().as_secs_f64().max(1e-9);
    drop(recorder);
    drop(store);

    if let Some(path) = &args.ids_out {
        let mut ids = ids.lock().unwrap_or_else(|p| p.into_inner()).clone();
        ids.push(template_intent);
        let mut text = ids.join("\n");
        text.push('\n');
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("{} intent ids written to {}", ids.len(), path.display());
    }
    let size = args
        .database
        .strip_prefix("sqlite://")
        .map(|rest| system::sqlite_bytes(&PathBuf::from(rest.split('?').next().unwrap_or(rest))));
    println!(
        "loaded {} payments ({} records) in {:.1} s ({rate:.0} payments/s){}",
        args.payments,
        args.payments * records.len() as u64,
        began.elapsed().as_secs_f64(),
        size.map(|b| format!(", database {:.1} MB", b as f64 / 1e6))
            .unwrap_or_default()
    );
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn record(id: &str, kind: &str, body: &str, payment_intent: Option<&str>) -> Record {
        Record {
            account: "acct_1".into(),
            id: id.into(),
            kind: kind.into(),
            created: 1_700_000_000,
            version: 1,
            deleted: false,
            index: IndexKeys {
                payment_intent: payment_intent.map(str::to_owned),
                ..IndexKeys::default()
            },
            body: body.into(),
        }
    }

    #[test]
    fn clones_rewrite_every_id_secret_and_time_consistently() {
        let pi = "pi_AAAAAAAAAAAAAAAAAAAAAAAA";
        let ch = "ch_BBBBBBBBBBBBBBBBBBBBBBBB";
        let records = vec![
            record(
                pi,
                "payment_intent",
                &format!(
                    r#"{{"id":"{pi}","client_secret":"{pi}_secret_CCCCCCCCCCCCCCCCCCCCCCCCC","created":1700000000,"amount":2000,"latest_charge":"{ch}","account":"acct_1","exp_year":2034}}"#
                ),
                None,
            ),
            record(
                ch,
                "charge",
                &format!(
                    r#"{{"id":"{ch}","payment_intent":"{pi}","created":1700000000,"expires":[1700003600],"request":{{"id":"req_DDDDDDDDDDDDDD","idempotency_key":"bench-x-0-1"}}}}"#
                ),
                Some(pi),
            ),
        ];
        let template = compile(&records, "acct_1", "bench-x-0-1").unwrap();
        // pi, ch, the secret, the request id, the idempotency key.
        assert_eq!(template.tokens.len(), 5);
        let mut writes = Vec::new();
        let new_pi = template.instantiate("acct_1", 1_600_000_000, &mut writes);
        assert_eq!(writes.len(), 2);
        let (intent, charge) = (&writes[0].record, &writes[1].record);
        assert_eq!(intent.id, new_pi);
        assert!(new_pi.starts_with("pi_") && new_pi.len() == pi.len() && new_pi != pi);
        assert_eq!(intent.created, 1_600_000_000);
        let body: serde_json::Value = serde_json::from_str(&intent.body).unwrap();
        assert_eq!(body["latest_charge"], charge.id.as_str());
        assert_eq!(body["created"], 1_600_000_000);
        assert_eq!(body["amount"], 2000);
        assert_eq!(body["exp_year"], 2034);
        assert_eq!(body["account"], "acct_1");
        let secret = body["client_secret"].as_str().unwrap();
        assert!(secret.starts_with(&format!("{new_pi}_secret_")));
        assert!(!secret.ends_with("CCCCCCCCCCCCCCCCCCCCCCCCC"));
        let body: serde_json::Value = serde_json::from_str(&charge.body).unwrap();
        assert_eq!(body["payment_intent"], new_pi.as_str());
        assert_eq!(body["expires"][0], 1_600_003_600);
        assert_ne!(body["request"]["id"], "req_DDDDDDDDDDDDDD");
        assert_ne!(body["request"]["idempotency_key"], "bench-x-0-1");
        assert_eq!(
            charge.index.payment_intent.as_deref(),
            Some(new_pi.as_str())
        );
        assert!(
            writes
                .iter()
                .all(|w| w.expected_version.is_none() && w.record.version == 1)
        );
    }
}
