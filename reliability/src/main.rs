//! `tender-reliability`: runs that try to lose, double or leak a payment, against the real
//! `tender` binary. Each subcommand prints what it checked and exits non-zero on a violation.
//! `scripts/reliability` runs the long versions; `scripts/test` runs short ones.
//! Figures of the last long run are in docs/RELIABILITY.md.

mod api;
mod crash;
mod fuzz_http;
mod process;
mod receiver;
mod soak;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "tender-reliability", about = "Reliability harness for Tender")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Payments under load while the server is killed and restarted; then checks that
    /// nothing acknowledged was lost, doubled, or left unexplained by events and webhooks.
    Crash(crash::CrashArgs),
    /// Payments at a steady rate for a long time: no errors, flat memory, stable p99.
    Soak(soak::SoakArgs),
    /// Mutate real SDK requests and send them to a running server: no 5xx, no hang, and no
    /// change from a rejected request.
    FuzzHttp(fuzz_http::FuzzArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Crash(args) => crash::run(args).await,
        Command::Soak(args) => soak::run(args).await,
        Command::FuzzHttp(args) => fuzz_http::run(args).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tender-reliability: {message}");
            ExitCode::FAILURE
        }
    }
}
