//! `tender-bench run`: N connections, one task each, running units back to back (a closed
//! loop: a new unit starts when the previous answer arrived) until the time or the count
//! runs out.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Args;
use serde::{Deserialize, Serialize};

use crate::client::{Conn, Target};
use crate::scenario::{Outcome, Plan, Scenario, fetch_ids, run_unit};
use crate::system;

#[derive(Args, Clone, Debug)]
pub struct RunArgs {
    /// Base URL of the server (http only).
    #[arg(long, default_value = "http://127.0.0.1:12111")]
    pub url: String,
    #[arg(long, value_enum)]
    pub scenario: Scenario,
    /// Concurrent keep-alive connections, one task each.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Measured seconds (after the warm-up).
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,
    /// Stop after this many measured units, if that comes before `--duration`.
    #[arg(long)]
    pub count: Option<u64>,
    /// Seconds run but not measured, first.
    #[arg(long, default_value_t = 1.0)]
    pub warmup: f64,
    /// Client runtime threads (default: half the CPUs, at least 1; the rest are the server's).
    #[arg(long)]
    pub threads: Option<usize>,
    #[arg(long, env = "TENDER_SECRET_KEY", hide_env_values = true)]
    pub secret_key: String,
    /// Needed by `payment` only.
    #[arg(long, env = "TENDER_PUBLISHABLE_KEY", default_value = "")]
    pub publishable_key: String,
    /// Amount of each payment, in cents.
    #[arg(long, default_value_t = 2000)]
    pub amount: u64,
    /// Intent ids, one per line, oldest first (as `tender-bench load --ids-out` writes them);
    /// otherwise `retrieve`/`list-deep` page through the API for up to `--max-ids`.
    #[arg(long)]
    pub ids_file: Option<PathBuf>,
    #[arg(long, default_value_t = 10_000)]
    pub max_ids: usize,
    /// Where `list-deep` starts: this fraction of the ids, counted from the newest.
    #[arg(long, default_value_t = 0.9)]
    pub deep_fraction: f64,
    /// The server's pid: its RSS (VmRSS, VmHWM) is read from /proc after the run.
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// SQLite database file: its size (with -wal and -shm) is reported.
    #[arg(long)]
    pub database_file: Option<PathBuf>,
    /// PostgreSQL URL: `pg_database_size` of its database is reported.
    #[arg(long)]
    pub postgres_url: Option<String>,
    /// Free-form names for the report (e.g. `tender-sqlite`, and how many payments are stored).
    #[arg(long, default_value = "")]
    pub target: String,
    #[arg(long)]
    pub stored: Option<u64>,
    /// Append the result as one JSON line to this file (`tender-bench report` reads it).
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// How many error bodies to print.
    #[arg(long, default_value_t = 5)]
    pub error_samples: usize,
}

/// One run's result; one JSON line in the results file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunReport {
    pub target: String,
    pub scenario: String,
    pub stored: Option<u64>,
    pub connections: usize,
    pub client_threads: usize,
    pub unit: String,
    /// Measured seconds (warm-up excluded).
    pub seconds: f64,
    pub units: u64,
    pub requests: u64,
    pub units_per_s: f64,
    pub requests_per_s: f64,
    /// Latency of a unit (both requests of a payment), milliseconds.
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub errors: u64,
    pub error_samples: Vec<String>,
    pub rss_mb: Option<f64>,
    pub rss_peak_mb: Option<f64>,
    /// The server's CPU time (user + system) over the measured window, per unit.
    #[serde(default)]
    pub server_cpu_us_per_unit: Option<f64>,
    /// What the server read from the block device over the measured window, per unit, in KB
    /// (the page cache's misses).
    #[serde(default)]
    pub server_disk_read_kb_per_unit: Option<f64>,
    /// The share of the machine's CPU time the hypervisor gave to other guests over the
    /// measured window, in percent (see `system::cpu_ticks`).
    #[serde(default)]
    pub cpu_steal_percent: Option<f64>,
    pub db_bytes: Option<u64>,
    /// Unix seconds when the run ended.
    pub at: u64,
}

struct Shared {
    plan: Arc<Plan>,
    measure_from: Instant,
    deadline: Instant,
    count: Option<u64>,
    tickets: AtomicU64,
    /// `--count` units were measured before the deadline.
    count_reached: AtomicBool,
    errors: AtomicU64,
    samples: Mutex<Vec<String>>,
    max_samples: usize,
}

#[derive(Default)]
struct TaskResult {
    latencies_us: Vec<u32>,
    units: u64,
    requests: u64,
    last_end: Option<Instant>,
}

pub fn threads(requested: Option<usize>) -> usize {
    requested.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| (n.get() / 2).max(1))
            .unwrap_or(1)
    })
}

pub async fn run(args: RunArgs, client_threads: usize) -> Result<RunReport, String> {
    let target = Target::parse(&args.url)?;
    let mut setup = Conn::new(target.clone());
    let (ids, deep_cursor) = if args.scenario.needs_ids() {
        let ids = match &args.ids_file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                // The file is oldest first; the API pages newest first.
                let mut ids: Vec<String> = text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect();
                ids.reverse();
                ids
            }
            None => fetch_ids(&mut setup, &args.secret_key, args.max_ids).await?,
        };
        if ids.is_empty() {
            return Err(format!(
                "{}: no payment intents to read (load some first)",
                args.scenario.name()
            ));
        }
        let deep = ((ids.len() as f64 * args.deep_fraction) as usize).min(ids.len() - 1);
        let cursor = ids[deep].clone();
        (ids, Some(cursor))
    } else {
        (Vec::new(), None)
    };
    if matches!(args.scenario, Scenario::Payment | Scenario::Subscription)
        && args.publishable_key.is_empty()
    {
        return Err(format!(
            "{} needs --publishable-key (or TENDER_PUBLISHABLE_KEY)",
            args.scenario.name()
        ));
    }
    let (price, customers) = if args.scenario == Scenario::Subscription {
        subscription_setup(&mut setup, &args.secret_key, args.connections).await?
    } else {
        (None, Vec::new())
    };
    let plan = Arc::new(Plan {
        scenario: args.scenario,
        secret_key: args.secret_key.clone(),
        publishable_key: args.publishable_key.clone(),
        amount: args.amount,
        ids,
        deep_cursor,
        nonce: tender_wire::id::random_base62(10),
        price,
        customers,
    });

    // Every connection is open before the clock starts.
    let mut conns = Vec::with_capacity(args.connections);
    for _ in 0..args.connections {
        let mut conn = Conn::new(target.clone());
        conn.connect().await.map_err(|e| e.to_string())?;
        conns.push(conn);
    }
    let start = Instant::now();
    let measure_from = start + Duration::from_secs_f64(args.warmup);
    let shared = Arc::new(Shared {
        plan,
        measure_from,
        deadline: measure_from + Duration::from_secs_f64(args.duration),
        count: args.count,
        tickets: AtomicU64::new(0),
        count_reached: AtomicBool::new(false),
        errors: AtomicU64::new(0),
        samples: Mutex::new(Vec::new()),
        max_samples: args.error_samples,
    });
    // The server's CPU clock and disk reads at the start of the measured window.
    let server_start = args.server_pid.map(|pid| {
        tokio::spawn(async move {
            tokio::time::sleep_until(tokio::time::Instant::from_std(measure_from)).await;
            (system::cpu_seconds(pid), system::disk_read_bytes(pid))
        })
    });
    // And the machine's.
    let machine_start = tokio::spawn(async move {
        tokio::time::sleep_until(tokio::time::Instant::from_std(measure_from)).await;
        system::cpu_ticks()
    });
    let tasks: Vec<_> = conns
        .into_iter()
        .enumerate()
        .map(|(task, conn)| tokio::spawn(drive(shared.clone(), task, conn)))
        .collect();
    let mut latencies = Vec::new();
    let (mut units, mut requests, mut last_end) = (0, 0, None::<Instant>);
    for task in tasks {
        let result = task.await.map_err(|e| format!("a task failed: {e}"))?;
        latencies.extend(result.latencies_us);
        units += result.units;
        requests += result.requests;
        last_end = last_end.max(result.last_end);
    }
    // The measured window: up to the deadline, or to the unit that made the count.
    let seconds = if shared.count_reached.load(Ordering::Relaxed) || last_end.is_none() {
        last_end.map_or(0.0, |end| {
            end.saturating_duration_since(measure_from).as_secs_f64()
        })
    } else {
        shared.deadline.duration_since(measure_from).as_secs_f64()
    };
    latencies.sort_unstable();
    let pct = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let rank = ((p / 100.0) * latencies.len() as f64).ceil() as usize;
        f64::from(latencies[rank.clamp(1, latencies.len()) - 1]) / 1000.0
    };
    let rate = |n: u64| {
        if seconds > 0.0 {
            n as f64 / seconds
        } else {
            0.0
        }
    };
    let machine_end = system::cpu_ticks();
    let cpu_steal_percent = match (machine_start.await.ok().flatten(), machine_end) {
        (Some(start), Some(end)) => start.steal_percent_until(end),
        _ => None,
    };
    let cpu_end = args.server_pid.and_then(system::cpu_seconds);
    let read_end = args.server_pid.and_then(system::disk_read_bytes);
    let (cpu_start, read_start) = match server_start {
        Some(task) => task.await.unwrap_or((None, None)),
        None => (None, None),
    };
    let server_cpu_us_per_unit = match (cpu_start, cpu_end) {
        (Some(start), Some(end)) if units > 0 => Some((end - start) * 1e6 / units as f64),
        _ => None,
    };
    let server_disk_read_kb_per_unit = match (read_start, read_end) {
        (Some(start), Some(end)) if units > 0 => {
            Some(end.saturating_sub(start) as f64 / 1e3 / units as f64)
        }
        _ => None,
    };
    let (rss, rss_peak) = args.server_pid.map(system::rss_mb).unwrap_or((None, None));
    let db_bytes = match (&args.database_file, &args.postgres_url) {
        (Some(file), _) => Some(system::sqlite_bytes(file)),
        (None, Some(url)) => Some(system::postgres_bytes(url).await?),
        (None, None) => None,
    };
    let errors = shared.errors.load(Ordering::Relaxed);
    let error_samples = shared
        .samples
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    Ok(RunReport {
        target: args.target.clone(),
        scenario: args.scenario.name().to_owned(),
        stored: args.stored,
        connections: args.connections,
        client_threads,
        unit: args.scenario.unit().to_owned(),
        seconds,
        units,
        requests,
        units_per_s: rate(units),
        requests_per_s: rate(requests),
        p50_ms: pct(50.0),
        p90_ms: pct(90.0),
        p99_ms: pct(99.0),
        max_ms: latencies.last().map_or(0.0, |&us| f64::from(us) / 1000.0),
        errors,
        error_samples,
        rss_mb: rss,
        rss_peak_mb: rss_peak,
        server_cpu_us_per_unit,
        server_disk_read_kb_per_unit,
        cpu_steal_percent,
        db_bytes,
        at: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    })
}

async fn drive(shared: Arc<Shared>, task: usize, mut conn: Conn) -> TaskResult {
    let mut result = TaskResult::default();
    let mut seq = 0u64;
    let deadline = tokio::time::Instant::from_std(shared.deadline);
    loop {
        let begin = Instant::now();
        if begin >= shared.deadline || shared.count_reached.load(Ordering::Relaxed) {
            break;
        }
        seq += 1;
        // A unit still in flight at the deadline is abandoned and not counted.
        let Ok(outcome) =
            tokio::time::timeout_at(deadline, run_unit(&shared.plan, &mut conn, task, seq)).await
        else {
            break;
        };
        let end = Instant::now();
        // Errors count whenever they happen (there must be none); successes only when they
        // complete inside the measured window.
        let requests = match outcome {
            Ok(Outcome::Ok { requests }) => requests,
            Ok(Outcome::Unexpected { requests, detail }) => {
                if end >= shared.measure_from {
                    result.requests += u64::from(requests);
                }
                shared.error(detail);
                continue;
            }
            Err(error) => {
                shared.error(format!("transport: {error}"));
                // Don't spin on a dead server.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        if end < shared.measure_from {
            continue;
        }
        if let Some(count) = shared.count {
            let ticket = shared.tickets.fetch_add(1, Ordering::Relaxed);
            if ticket >= count {
                break;
            }
            if ticket + 1 == count {
                shared.count_reached.store(true, Ordering::Relaxed);
            }
        }
        result.units += 1;
        result.requests += u64::from(requests);
        result.last_end = result.last_end.max(Some(end));
        let us = end.duration_since(begin).as_micros();
        result
            .latencies_us
            .push(u32::try_from(us).unwrap_or(u32::MAX));
    }
    result
}

impl Shared {
    fn error(&self, detail: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let mut samples = self.samples.lock().unwrap_or_else(|p| p.into_inner());
        if samples.len() < self.max_samples {
            samples.push(detail);
        }
    }
}

/// The human-readable summary printed after a run.
pub fn print(report: &RunReport) {
    let label = if report.target.is_empty() {
        String::new()
    } else {
        format!("[{}] ", report.target)
    };
    let stored = report
        .stored
        .map(|n| format!(", {n} stored"))
        .unwrap_or_default();
    println!(
        "{label}{}: {} connections, {} client threads{stored}",
        report.scenario, report.connections, report.client_threads
    );
    println!(
        "  {:.1} {}/s ({} in {:.2} s), {:.1} requests/s",
        report.units_per_s, report.unit, report.units, report.seconds, report.requests_per_s
    );
    println!(
        "  latency per unit: p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        report.p50_ms, report.p90_ms, report.p99_ms, report.max_ms
    );
    println!("  errors: {}", report.errors);
    for sample in &report.error_samples {
        println!("    {sample}");
    }
    if let Some(rss) = report.rss_mb {
        println!(
            "  server RSS: {rss:.1} MB (peak {:.1} MB)",
            report.rss_peak_mb.unwrap_or(rss)
        );
    }
    if let Some(cpu) = report.server_cpu_us_per_unit {
        println!("  server CPU: {cpu:.0} us per unit");
    }
    if let Some(kb) = report.server_disk_read_kb_per_unit {
        println!("  server disk reads: {kb:.2} KB per unit");
    }
    if let Some(steal) = report.cpu_steal_percent {
        println!("  CPU steal (the machine's, by the hypervisor): {steal:.1} %");
    }
    if let Some(bytes) = report.db_bytes {
        println!("  database: {:.1} MB", bytes as f64 / 1e6);
    }
}

/// The `subscription` scenario's monthly price and one customer per connection (so that no
/// two connections write one customer), made before the clock starts.
async fn subscription_setup(
    setup: &mut Conn,
    secret_key: &str,
    connections: usize,
) -> Result<(Option<String>, Vec<String>), String> {
    let bearer = format!("Bearer {secret_key}");
    let mut post = async |path: &str, form: &str| -> Result<String, String> {
        let response = setup
            .send(
                hyper::Method::POST,
                path,
                &[("authorization", &bearer)],
                Some(form.to_owned()),
            )
            .await
            .map_err(|e| e.to_string())?;
        let body: serde_json::Value =
            serde_json::from_slice(&response.body).map_err(|e| format!("POST {path}: {e}"))?;
        body["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("POST {path}: HTTP {}: {body}", response.status))
    };
    let price = post(
        "/v1/prices",
        "currency=usd&unit_amount=1500&recurring%5Binterval%5D=month\
         &product_data%5Bname%5D=Bench",
    )
    .await?;
    let mut customers = Vec::with_capacity(connections);
    for _ in 0..connections.max(1) {
        customers.push(post("/v1/customers", "description=bench").await?);
    }
    Ok((Some(price), customers))
}
