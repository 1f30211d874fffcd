//! `tender-reliability soak`: the guide's payment at a steady rate for a long time, against a
//! fresh server. Passes when nothing failed, the server's memory grew less than 10 % after the
//! first minute, and every minute's p99 latency stayed within twice the median minute's.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::api::{Api, Key};
use crate::process::{Node, NodeSpec, default_binary, free_port, workdir_and_database};

const SECRET_KEY: &str = "sk_test_reliabilitySoak000000000000001";
const PUBLISHABLE_KEY: &str = "pk_test_reliabilitySoak000000000000001";

#[derive(clap::Args)]
pub struct SoakArgs {
    /// The `tender` binary [default: next to this one]; use a release build.
    #[arg(long)]
    binary: Option<PathBuf>,
    /// `sqlite://…` or `postgres://…` [default: a new SQLite file in the work directory].
    #[arg(long)]
    database: Option<String>,
    /// Payments per second (half the measured maximum, per issue #8).
    #[arg(long, default_value_t = 500)]
    rate: u64,
    /// Seconds to run.
    #[arg(long, default_value_t = 600)]
    duration: u64,
    /// Seconds per reported window (the first is the warm-up baseline).
    #[arg(long, default_value_t = 60)]
    window: u64,
    /// Concurrent clients the payments are spread over.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    #[arg(long)]
    workdir: Option<PathBuf>,
}

/// One window of the run.
#[derive(Default)]
struct Window {
    latencies_us: Vec<u64>,
    errors: u64,
    rss_kb: u64,
}

pub async fn run(args: SoakArgs) -> Result<(), String> {
    let (workdir, database) =
        workdir_and_database("soak", args.workdir.as_deref(), args.database.as_deref())?;
    let mut node = Node::new(NodeSpec {
        binary: args.binary.clone().unwrap_or_else(default_binary),
        port: free_port()?,
        database,
        secret_key: SECRET_KEY.into(),
        publishable_key: PUBLISHABLE_KEY.into(),
        args: Vec::new(),
        log: workdir.join("soak.log"),
    });
    node.start().await?;
    let pid = node.pid().ok_or("the server has no pid")?;
    let api = Api::new(SECRET_KEY, PUBLISHABLE_KEY)?;
    let base = node.base();
    let windows = (args.duration / args.window.max(1)).max(1) as usize;
    let stats: Arc<Mutex<Vec<Window>>> = Arc::new(Mutex::new(
        (0..windows).map(|_| Window::default()).collect(),
    ));
    println!(
        "soak: {} payments/s for {} s over {} connections",
        args.rate, args.duration, args.connections
    );

    let started = Instant::now();
    let end = started + Duration::from_secs(args.duration);
    // Each client sends its share of the rate on a fixed schedule (open loop): a slow answer
    // delays that client's next payment, never the others'.
    let per_client = Duration::from_secs_f64(args.connections as f64 / args.rate.max(1) as f64);
    let clients: Vec<_> = (0..args.connections)
        .map(|c| {
            let (api, base, stats) = (api.clone(), base.clone(), stats.clone());
            let offset = per_client.mul_f64(c as f64 / args.connections as f64);
            let window = Duration::from_secs(args.window.max(1));
            tokio::spawn(async move {
                let mut ticks = tokio::time::interval_at(
                    tokio::time::Instant::from_std(started + offset),
                    per_client,
                );
                ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    let tick = ticks.tick().await.into_std();
                    if tick >= end {
                        return;
                    }
                    let ok = payment(&api, &base).await;
                    let index = (tick.duration_since(started).as_secs_f64() / window.as_secs_f64())
                        as usize;
                    let mut stats = stats.lock().await;
                    if let Some(w) = stats.get_mut(index) {
                        match ok {
                            Ok(()) => w.latencies_us.push(tick.elapsed().as_micros() as u64),
                            Err(_) => w.errors += 1,
                        }
                    }
                }
            })
        })
        .collect();
    // Memory at the end of each window.
    for w in 0..windows {
        let due = started + Duration::from_secs(args.window * (w as u64 + 1));
        tokio::time::sleep_until(tokio::time::Instant::from_std(due)).await;
        let rss = rss_kb(pid).unwrap_or(0);
        stats.lock().await[w].rss_kb = rss;
    }
    for client in clients {
        client.await.map_err(|e| format!("client: {e}"))?;
    }
    let alive = node.running();
    node.stop().await?;
    report(&stats.lock().await, alive, args.window)
}

async fn payment(api: &Api, base: &str) -> Result<(), String> {
    let token = api
        .post(
            base,
            "/v1/confirmation_tokens",
            Key::Publishable,
            "payment_method_data[type]=card&payment_method_data[card][number]=4242424242424242\
             &payment_method_data[card][exp_month]=12&payment_method_data[card][exp_year]=2034\
             &payment_method_data[card][cvc]=123",
            None,
        )
        .await
        .map_err(|e| e.to_string())?;
    let id = token.body["id"]
        .as_str()
        .filter(|_| token.ok())
        .ok_or("no token")?;
    let form = format!(
        "amount=2000&currency=usd&confirm=true&confirmation_token={id}\
         &automatic_payment_methods[enabled]=true&automatic_payment_methods[allow_redirects]=never"
    );
    let key = format!("soak-{}", rand::random::<u64>());
    let intent = api
        .post(base, "/v1/payment_intents", Key::Secret, &form, Some(&key))
        .await
        .map_err(|e| e.to_string())?;
    if intent.ok() && intent.body["status"] == "succeeded" {
        Ok(())
    } else {
        Err(format!("HTTP {}: {}", intent.status, intent.body))
    }
}

fn report(windows: &[Window], alive: bool, window_secs: u64) -> Result<(), String> {
    let mut p99s = Vec::new();
    let mut errors = 0;
    println!("  window   payments  errors   p50 ms   p99 ms   RSS MB");
    for (i, w) in windows.iter().enumerate() {
        let mut sorted = w.latencies_us.clone();
        sorted.sort_unstable();
        let p = |q: f64| {
            sorted
                .get(((sorted.len() as f64 * q) as usize).min(sorted.len().saturating_sub(1)))
                .map_or(0.0, |us| *us as f64 / 1000.0)
        };
        p99s.push(p(0.99));
        errors += w.errors;
        println!(
            "  {:>4} s {:>10} {:>7} {:>8.2} {:>8.2} {:>8.1}",
            (i as u64 + 1) * window_secs,
            sorted.len(),
            w.errors,
            p(0.5),
            p(0.99),
            w.rss_kb as f64 / 1024.0
        );
    }
    let mut problems = Vec::new();
    if !alive {
        problems.push("the server died".to_owned());
    }
    if errors > 0 {
        problems.push(format!("{errors} failed payments"));
    }
    let baseline = windows.first().map_or(0, |w| w.rss_kb);
    let last = windows.last().map_or(0, |w| w.rss_kb);
    let growth = if baseline > 0 {
        (last as f64 - baseline as f64) / baseline as f64 * 100.0
    } else {
        0.0
    };
    println!("  memory growth after the first window: {growth:.1} %");
    if growth >= 10.0 {
        problems.push(format!("memory grew {growth:.1} % (limit 10 %)"));
    }
    let mut sorted = p99s.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
    let worst = sorted.last().copied().unwrap_or(0.0);
    println!("  p99: median window {median:.2} ms, worst window {worst:.2} ms");
    if worst > 2.0 * median {
        problems.push(format!(
            "p99 unstable: worst {worst:.2} ms vs median {median:.2} ms"
        ));
    }
    if problems.is_empty() {
        println!("  soak passed");
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Resident memory of a process, from /proc (Linux).
fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
