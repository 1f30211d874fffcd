//! `tender faults add|list|clear`: arm, show and disarm faults on the running Tender
//! (`/v1/test_helpers/faults`, decision 17).

use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand};
use serde_json::Value;

use crate::client::{ApiClient, message};

const PATH: &str = "/v1/test_helpers/faults";

#[derive(Subcommand)]
pub enum FaultsCommand {
    /// Arm a fault, e.g. `tender faults add --method POST --path '/v1/payment_intents/*/confirm'
    /// --kind connection_reset --phase after`.
    Add(AddArgs),
    /// List the account's faults, newest first, with how often each has struck.
    List,
    /// Disarm every fault of the account.
    Clear,
}

#[derive(Args)]
pub struct AddArgs {
    /// The request path, `*` standing for one segment (`/v1/payment_intents/*/confirm`).
    #[arg(long)]
    path: String,
    /// api_error, rate_limit, lock_timeout, idempotency_key_in_use, connection_reset,
    /// timeout or latency.
    #[arg(long)]
    kind: String,
    /// GET, POST or DELETE; any method when left out.
    #[arg(long)]
    method: Option<String>,
    /// Only requests carrying this parameter value: `name=value` (`metadata[order]=42`).
    #[arg(long)]
    param: Option<String>,
    /// `before` (the request is not handled) or `after` (handled and committed, then the
    /// answer is lost). Default: before.
    #[arg(long)]
    phase: Option<String>,
    /// How many requests it strikes (default 1, or unlimited with --probability).
    #[arg(long)]
    count: Option<u64>,
    /// The chance, from 0 (excluded) to 1, that a matching request is struck.
    #[arg(long)]
    probability: Option<f64>,
    /// For timeout and latency: how long to hold the answer, in milliseconds.
    #[arg(long)]
    duration_ms: Option<u64>,
    /// Disarm it after this many seconds.
    #[arg(long)]
    expires_in: Option<i64>,
}

pub async fn run(client: &ApiClient, command: FaultsCommand) -> Result<(), String> {
    match command {
        FaultsCommand::Add(args) => add(client, args).await,
        FaultsCommand::List => list(client).await,
        FaultsCommand::Clear => clear(client).await,
    }
}

async fn add(client: &ApiClient, args: AddArgs) -> Result<(), String> {
    let mut form: Vec<(&str, String)> = vec![("match[path]", args.path), ("kind", args.kind)];
    let optional = [
        ("match[method]", args.method),
        ("match[param]", args.param),
        ("phase", args.phase),
        ("count", args.count.map(|n| n.to_string())),
        ("probability", args.probability.map(|p| p.to_string())),
        ("duration_ms", args.duration_ms.map(|ms| ms.to_string())),
        (
            "expires_at",
            args.expires_in.map(|seconds| (now() + seconds).to_string()),
        ),
    ];
    form.extend(
        optional
            .into_iter()
            .filter_map(|(name, value)| value.map(|v| (name, v))),
    );
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, answer) = client.post(PATH, &form).await?;
    if status != 200 {
        return Err(message(&answer));
    }
    println!("{}", line(&answer));
    Ok(())
}

async fn list(client: &ApiClient) -> Result<(), String> {
    let (status, answer) = client.get(PATH).await?;
    if status != 200 {
        return Err(message(&answer));
    }
    let faults = answer["data"].as_array().cloned().unwrap_or_default();
    if faults.is_empty() {
        println!("no faults armed");
    }
    for fault in &faults {
        println!("{}", line(fault));
    }
    Ok(())
}

async fn clear(client: &ApiClient) -> Result<(), String> {
    let (status, answer) = client.delete(PATH).await?;
    if status != 200 {
        return Err(message(&answer));
    }
    println!("{} fault(s) cleared", answer["deleted"]);
    Ok(())
}

/// `fault_… POST /v1/payment_intents/*/confirm connection_reset after, 1 left, struck 0`.
fn line(fault: &Value) -> String {
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    let matcher = &fault["match"];
    let method = matcher["method"].as_str().unwrap_or("*");
    let mut out = format!("{} {method} {}", text(&fault["id"]), text(&matcher["path"]));
    if let Some(param) = matcher["param"].as_str() {
        out.push_str(&format!(" [{param}]"));
    }
    out.push_str(&format!(
        " {} {}",
        text(&fault["kind"]),
        text(&fault["phase"])
    ));
    if let Some(ms) = fault["duration_ms"].as_u64() {
        out.push_str(&format!(" {ms}ms"));
    }
    match fault["count"].as_u64() {
        Some(left) => out.push_str(&format!(", {left} left")),
        None => out.push_str(", unlimited"),
    }
    if let Some(p) = fault["probability"].as_f64() {
        out.push_str(&format!(", probability {p}"));
    }
    out.push_str(&format!(", struck {}", fault["triggered"]));
    out
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
