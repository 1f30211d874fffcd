//! `tender-bench`: Tender's load generator, database loader and report writer.
//!
//! These are benchmarks, not tests: they print figures (see docs/BENCHMARKS.md for how they
//! were taken) and never assert on timings. `bench/compare` runs everything end to end.

mod client;
mod clock;
mod floor;
mod load;
mod report;
mod run;
mod scenario;
mod system;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "tender-bench",
    about = "Load generator and database loader for Tender"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one scenario against a running server and print the figures.
    Run(run::RunArgs),
    /// Fill a database with N stored payments (as the API stores them), fast.
    Load(load::LoadArgs),
    /// What SQLite alone costs here to store a payment's rows (no HTTP, no server).
    Floor(floor::FloorArgs),
    /// Wait until a server answers; print how long it took.
    Wait {
        #[arg(long, default_value = "http://127.0.0.1:12111")]
        url: String,
        #[arg(long, default_value = "/healthz")]
        path: String,
        /// Any HTTP answer counts (servers without a health endpoint).
        #[arg(long)]
        any_status: bool,
        /// Seconds to give up after.
        #[arg(long, default_value_t = 60.0)]
        timeout: f64,
        /// Unix nanoseconds the server was started at (`date +%s%N`): print the start-up time
        /// from then instead of from this command's start.
        #[arg(long)]
        since_ns: Option<u128>,
    },
    /// Time a test clock with many subscriptions advancing a month (issue #24's target).
    ClockAdvance(clock::ClockArgs),
    /// Print the markdown table (and ratios) of a results file (`run --json`).
    Report { results: PathBuf },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => {
            let threads = run::threads(args.threads);
            runtime(threads).and_then(|rt| {
                rt.block_on(async {
                    let json = args.json.clone();
                    let report = run::run(args, threads).await?;
                    run::print(&report);
                    if let Some(path) = json {
                        append_json(&path, &report)?;
                    }
                    Ok(())
                })
            })
        }
        Command::Load(args) => runtime(2).and_then(|rt| rt.block_on(load::load(args))),
        Command::Floor(args) => runtime(1).and_then(|rt| rt.block_on(floor::floor(args))),
        Command::Wait {
            url,
            path,
            any_status,
            timeout,
            since_ns,
        } => runtime(1).and_then(|rt| {
            rt.block_on(async {
                let began = Instant::now();
                let target = client::Target::parse(&url)?;
                client::wait_until_up(&target, &path, any_status, Duration::from_secs_f64(timeout))
                    .await?;
                let ms = match since_ns {
                    Some(start) => {
                        let now = SystemTime::now()
                            .duration_since(UNIX_EPOCH)
                            .map_or(0, |d| d.as_nanos());
                        now.saturating_sub(start) as f64 / 1e6
                    }
                    None => began.elapsed().as_secs_f64() * 1e3,
                };
                println!("{ms:.1}");
                Ok(())
            })
        }),
        Command::ClockAdvance(args) => {
            runtime(1).and_then(|rt| rt.block_on(clock::clock_advance(args)))
        }
        Command::Report { results } => report::read(&results).map(|rows| {
            print!("{}", report::markdown(&rows));
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("tender-bench: {error}");
            ExitCode::FAILURE
        }
    }
}

fn runtime(threads: usize) -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))
}

fn append_json(path: &std::path::Path, report: &run::RunReport) -> Result<(), String> {
    use std::io::Write;
    let line = serde_json::to_string(report).map_err(|e| e.to_string())?;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    writeln!(file, "{line}").map_err(|e| format!("{}: {e}", path.display()))
}
