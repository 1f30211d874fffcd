//! `tender-bench floor`: what SQLite alone costs, on this machine, to store what a payment
//! stores. A floor under any server that keeps those rows in SQLite with durable commits.
//!
//! It takes one payment's records from a Tender database (`--sample`: a SQLite file holding
//! a payment confirmed with a ConfirmationToken, made through the API or by
//! `tender-bench load`). It writes `--payments` copies
//! of them, on one thread, straight through rusqlite with prepared statements (Tender's own
//! SQL), into a fresh file that Tender's migration made: same schema, same indexes, WAL,
//! `synchronous=FULL`. Per payment, as the API writes it:
//! - the records are inserted (the ConfirmationToken, the payment method, the intent, the
//!   charge, the events), each with a fresh time-ordered id and its sampled body;
//! - the token is updated once (the API inserts it with the first request and marks it used
//!   with the second);
//! - one idempotency row is inserted, with a random 36-character key like the UUIDs the SDKs
//!   send and the intent as its saved response.
//!
//! `--batch` payments go in one transaction, one commit and fsync. Each batch size gets a
//! fresh file. Left out, all of which the server also does: HTTP, JSON, its decisions, the
//! writer's checks and the reads. So no SQLite-backed server can store these rows faster on
//! this machine than this prints at the batch its commits get. Under 64 connections that is
//! at most 32 payments: each connection has one request in flight, each request is one unit
//! of a group commit, and a payment is two requests (the token, then the intent). A batch of
//! 100 is larger than any the server can form there.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use rusqlite::{Connection, OpenFlags, params};
use tender_wire::id;

use crate::system;

#[derive(Args, Clone, Debug)]
pub struct FloorArgs {
    /// A Tender SQLite database holding a payment confirmed with a ConfirmationToken (the
    /// `payment` scenario's, or a loaded one): the newest is copied.
    #[arg(long)]
    pub sample: PathBuf,
    /// Payments written for each batch size.
    #[arg(long, default_value_t = 20_000)]
    pub payments: u64,
    /// Payments per transaction; one run on a fresh file for each size given. 32 is the
    /// largest group commit 64 connections can form (64 requests, two per payment).
    #[arg(long, value_delimiter = ',', default_values_t = [5, 32, 100])]
    pub batch: Vec<u64>,
    /// Where the fresh files go (deleted afterwards).
    #[arg(long, default_value_os_t = std::env::temp_dir())]
    pub dir: PathBuf,
    /// Extra `PRAGMA name=value` for the writing connection, to try what a setting would
    /// change (repeatable; e.g. `cache_size=-65536`).
    #[arg(long = "pragma", value_name = "NAME=VALUE")]
    pub pragmas: Vec<String>,
}

/// One stored object of the sampled payment, as its columns.
struct Row {
    account: String,
    id: String,
    kind: String,
    created: i64,
    customer: Option<String>,
    payment_intent: Option<String>,
    charge: Option<String>,
    tag: Option<String>,
    body: String,
}

impl Row {
    /// The id's prefix (`pi` of `pi_…`), for fresh ids of the same kind.
    fn prefix(&self) -> &str {
        self.id.split_once('_').map_or("obj", |(prefix, _)| prefix)
    }
}

pub async fn floor(args: FloorArgs) -> Result<(), String> {
    if args.batch.contains(&0) || args.payments == 0 {
        return Err("--payments and every --batch must be at least 1".into());
    }
    let rows = sample(&args.sample)?;
    let kinds: Vec<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
    let bytes: usize = rows.iter().map(|r| r.body.len()).sum();
    println!(
        "sampled payment: {} records ({}), {bytes} bytes of bodies",
        rows.len(),
        kinds.join(", ")
    );
    for &batch in &args.batch {
        let file = args
            .dir
            .join(format!("tender-floor-{}-{batch}.db", std::process::id()));
        remove_database(&file);
        // Tender's own migration makes the file, so schema and indexes are the server's.
        let store = tender_store::connect(&format!("sqlite://{}", file.display()))
            .await
            .map_err(|e| format!("creating {}: {e}", file.display()))?;
        drop(store);
        let result = tokio::task::block_in_place(|| {
            write(&file, &rows, &args.pragmas, args.payments, batch)
        });
        remove_database(&file);
        result?;
    }
    Ok(())
}

/// The newest payment made the guide's way (an intent confirmed with a ConfirmationToken,
/// as the `payment` scenario makes them), and every record that names that intent, plus its
/// payment method (which names no intent): one payment's records, oldest first.
fn sample(path: &Path) -> Result<Vec<Row>, String> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let query = |e: rusqlite::Error| format!("reading the sample: {e}");
    // A used token's stored record names its intent (`token.payment_intent`).
    let (intent, method): (String, Option<String>) = conn
        .query_row(
            "SELECT i.id, json_extract(i.body, '$.payment_method') FROM objects AS i \
             WHERE i.kind = 'payment_intent' AND i.id = (SELECT \
             json_extract(t.body, '$.token.payment_intent') FROM objects AS t \
             WHERE t.kind = 'confirmation_token' \
             AND json_extract(t.body, '$.token.payment_intent') IS NOT NULL \
             ORDER BY t.seq DESC LIMIT 1)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .map_err(|e| {
            format!(
                "{}: no payment confirmed with a ConfirmationToken to copy ({e})",
                path.display()
            )
        })?;
    let mut stmt = conn
        .prepare(
            "SELECT account, id, kind, created, customer, payment_intent, charge, tag, body \
             FROM objects WHERE id = ?1 OR id = ?2 OR instr(body, ?3) > 0 ORDER BY seq",
        )
        .map_err(query)?;
    let rows = stmt
        .query_map(params![intent, method, format!("\"{intent}\"")], |row| {
            Ok(Row {
                account: row.get(0)?,
                id: row.get(1)?,
                kind: row.get(2)?,
                created: row.get(3)?,
                customer: row.get(4)?,
                payment_intent: row.get(5)?,
                charge: row.get(6)?,
                tag: row.get(7)?,
                body: row.get(8)?,
            })
        })
        .map_err(query)?
        .collect::<Result<Vec<Row>, _>>()
        .map_err(query)?;
    Ok(rows)
}

/// Writes `payments` copies of `rows`, `batch` per transaction, and prints the figures.
fn write(
    file: &Path,
    rows: &[Row],
    pragmas: &[String],
    payments: u64,
    batch: u64,
) -> Result<(), String> {
    let db = |e: rusqlite::Error| format!("{}: {e}", file.display());
    let conn = Connection::open(file).map_err(db)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(db)?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(db)?;
    for pragma in pragmas {
        let (name, value) = pragma
            .split_once('=')
            .ok_or_else(|| format!("--pragma {pragma}: expected NAME=VALUE"))?;
        // A query, not an update: some pragmas answer with a row (`mmap_size`).
        conn.query_row(&format!("PRAGMA {name} = {value}"), [], |_| Ok(()))
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(()),
                e => Err(e),
            })
            .map_err(db)?;
    }
    let intent = rows
        .iter()
        .find(|r| r.kind == "payment_intent")
        .ok_or("the sample has no payment intent")?;
    let pid = std::process::id();
    let cpu_before = system::cpu_split(pid);
    let started = Instant::now();
    let mut written = 0;
    while written < payments {
        let size = batch.min(payments - written);
        let tx = conn.unchecked_transaction().map_err(db)?;
        for _ in 0..size {
            write_payment(&tx, rows, &intent.body).map_err(db)?;
        }
        tx.commit().map_err(db)?;
        written += size;
    }
    let seconds = started.elapsed().as_secs_f64();
    let per_payment = |before: f64, after: f64| (after - before) * 1e6 / payments as f64;
    let cpu = match (cpu_before, system::cpu_split(pid)) {
        (Some((user0, sys0)), Some((user1, sys1))) => format!(
            "CPU {:.0} µs per payment ({:.0} user, {:.0} system)",
            per_payment(user0 + sys0, user1 + sys1),
            per_payment(user0, user1),
            per_payment(sys0, sys1)
        ),
        _ => "CPU not available".into(),
    };
    drop(conn);
    println!(
        "batch {batch:>4}: {:>7.0} payments/s, {cpu}, {:.1} KB per payment on disk",
        payments as f64 / seconds,
        system::sqlite_bytes(file) as f64 / 1e3 / payments as f64
    );
    Ok(())
}

/// One payment's writes, as the API makes them (see the module's description).
fn write_payment(
    conn: &Connection,
    rows: &[Row],
    intent_body: &str,
) -> Result<(), rusqlite::Error> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO objects (account, id, kind, created, version, deleted, \
         customer, payment_intent, charge, tag, body) \
         VALUES (?1, ?2, ?3, ?4, 1, 0, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO NOTHING",
    )?;
    let mut token = None;
    for row in rows {
        let id = id::generate(row.prefix());
        insert.execute(params![
            row.account,
            id,
            row.kind,
            row.created,
            row.customer,
            row.payment_intent,
            row.charge,
            row.tag,
            row.body
        ])?;
        if row.kind == "confirmation_token" {
            token = Some((id, row));
        }
    }
    if let Some((id, row)) = token {
        conn.prepare_cached(
            "UPDATE objects SET kind = ?3, created = ?4, version = 2, deleted = 0, \
             customer = ?5, payment_intent = ?6, charge = ?7, tag = ?8, body = ?9 \
             WHERE id = ?2 AND account = ?1 AND version = 1",
        )?
        .execute(params![
            row.account,
            id,
            row.kind,
            row.created,
            row.customer,
            row.payment_intent,
            row.charge,
            row.tag,
            row.body
        ])?;
    }
    let account = rows.first().map_or("", |r| r.account.as_str());
    conn.prepare_cached(
        "INSERT INTO idempotency_keys \
         (account, key, fingerprint, request_id, status, body, created) \
         VALUES (?1, ?2, ?3, ?4, 200, ?5, ?6) ON CONFLICT (account, key) DO NOTHING",
    )?
    .execute(params![
        account,
        id::random_base62(36),
        id::random_base62(43),
        id::generate("req"),
        intent_body,
        rows.first().map_or(0, |r| r.created)
    ])?;
    Ok(())
}

/// Removes a SQLite database and its WAL and shared-memory files, if there.
fn remove_database(file: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        // Absent is fine: this clears the way and cleans up.
        let _ = std::fs::remove_file(name);
    }
}
