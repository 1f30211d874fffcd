//! `tender clocks list|create|advance`: Stripe's test clocks (`/v1/test_helpers/test_clocks`,
//! decision 22) from the command line. `advance` takes a duration (`1month`, `2w`, `36h`) or a
//! Unix timestamp, waits until the clock is `ready` again (every renewal, retry and expiry due
//! by then has run) and prints it.

use std::time::Duration;

use clap::Subcommand;
use serde_json::Value;
use tender_core::billing::period::{format_date, period_end};
use tender_core::price::Interval;

use crate::client::{ApiClient, message};

const PATH: &str = "/v1/test_helpers/test_clocks";

/// How long `advance` waits for the clock to be ready.
const WAIT: Duration = Duration::from_secs(120);

#[derive(Subcommand)]
pub enum ClocksCommand {
    /// List the account's test clocks, newest first.
    List,
    /// Create a test clock frozen at a time (a Unix timestamp; now when left out).
    Create {
        #[arg(long)]
        frozen_time: Option<i64>,
        #[arg(long)]
        name: Option<String>,
    },
    /// Move a clock forward, e.g. `tender clocks advance clock_… 1month`, and wait until what
    /// fell due has run.
    Advance {
        /// The clock (`clock_…`).
        clock: String,
        /// How far: a duration (`90s`, `30m`, `12h`, `3d`, `2w`, `1month`, `1y`) or a Unix
        /// timestamp to move to.
        to: String,
    },
}

pub async fn run(client: &ApiClient, command: ClocksCommand) -> Result<(), String> {
    match command {
        ClocksCommand::List => list(client).await,
        ClocksCommand::Create { frozen_time, name } => create(client, frozen_time, name).await,
        ClocksCommand::Advance { clock, to } => advance(client, &clock, &to).await,
    }
}

async fn list(client: &ApiClient) -> Result<(), String> {
    let (status, answer) = client.get(&format!("{PATH}?limit=100")).await?;
    if status != 200 {
        return Err(message(&answer));
    }
    let clocks = answer["data"].as_array().cloned().unwrap_or_default();
    if clocks.is_empty() {
        println!("no test clocks");
    }
    for clock in &clocks {
        println!("{}", line(clock));
    }
    Ok(())
}

async fn create(
    client: &ApiClient,
    frozen_time: Option<i64>,
    name: Option<String>,
) -> Result<(), String> {
    let frozen_time = frozen_time.unwrap_or_else(now).to_string();
    let mut form = vec![("frozen_time", frozen_time.as_str())];
    if let Some(name) = &name {
        form.push(("name", name.as_str()));
    }
    let (status, answer) = client.post(PATH, &form).await?;
    if status != 200 {
        return Err(message(&answer));
    }
    println!("{}", line(&answer));
    Ok(())
}

async fn advance(client: &ApiClient, clock: &str, to: &str) -> Result<(), String> {
    let path = format!("{PATH}/{clock}");
    let (status, current) = client.get(&path).await?;
    if status != 200 {
        return Err(message(&current));
    }
    let from = current["frozen_time"]
        .as_i64()
        .ok_or("the clock has no frozen_time")?;
    let target = target_time(from, to)?.to_string();
    let (status, answer) = client
        .post(
            &format!("{path}/advance"),
            &[("frozen_time", target.as_str())],
        )
        .await?;
    if status != 200 {
        return Err(message(&answer));
    }
    let started = std::time::Instant::now();
    loop {
        let (status, now) = client.get(&path).await?;
        if status != 200 {
            return Err(message(&now));
        }
        if now["status"] == "ready" {
            println!("{}", line(&now));
            return Ok(());
        }
        if now["status"] == "internal_failure" {
            // Tender could not run one of the clock's steps (its log says which): the clock
            // stays where it was and will not advance again.
            return Err(format!(
                "{clock} failed to advance (internal_failure) and stays at {}; delete it and \
                 create a new one",
                now["frozen_time"]
            ));
        }
        if started.elapsed() > WAIT {
            return Err(format!(
                "{clock} is still {} after {} s",
                now["status"],
                WAIT.as_secs()
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The time `to` names from `from`: a Unix timestamp (all digits), or `from` plus a duration,
/// months and years on the calendar (`1month` from 31 January is 28 or 29 February).
pub fn target_time(from: i64, to: &str) -> Result<i64, String> {
    let to = to.trim();
    if !to.is_empty() && to.bytes().all(|b| b.is_ascii_digit()) {
        return to
            .parse()
            .map_err(|_| format!("{to} is not a Unix timestamp"));
    }
    let digits = to.bytes().take_while(u8::is_ascii_digit).count();
    let (count, unit) = to.split_at(digits);
    let count: i64 = count.parse().map_err(|_| bad_duration(to))?;
    let seconds = |per: i64| Ok(from.saturating_add(count.saturating_mul(per)));
    match unit {
        "s" => seconds(1),
        "m" | "min" => seconds(60),
        "h" => seconds(3600),
        "d" | "day" | "days" => seconds(86_400),
        "w" | "week" | "weeks" => seconds(7 * 86_400),
        "mo" | "month" | "months" => Ok(period_end(from, Interval::Month, count, 1)),
        "y" | "year" | "years" => Ok(period_end(from, Interval::Year, count, 1)),
        _ => Err(bad_duration(to)),
    }
}

fn bad_duration(to: &str) -> String {
    format!(
        "cannot read {to:?}: give a duration such as 90s, 30m, 12h, 3d, 2w, 1month or 1y, or a \
         Unix timestamp"
    )
}

/// `clock_…  2027-02-01  ready  "name"`.
fn line(clock: &Value) -> String {
    let frozen = clock["frozen_time"].as_i64().unwrap_or_default();
    format!(
        "{}  {} ({frozen})  {}  {}",
        clock["id"].as_str().unwrap_or(""),
        format_date(frozen),
        clock["status"].as_str().unwrap_or(""),
        clock["name"].as_str().unwrap_or("")
    )
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 31 Jan 2027 00:00 UTC.
    const JAN_31: i64 = 1_801_353_600;

    #[test]
    fn durations_and_timestamps() {
        assert_eq!(target_time(100, "90s"), Ok(190));
        assert_eq!(target_time(100, "2h"), Ok(7300));
        assert_eq!(target_time(100, "3d"), Ok(100 + 3 * 86_400));
        assert_eq!(target_time(100, "1w"), Ok(100 + 7 * 86_400));
        assert_eq!(target_time(100, "1800000000"), Ok(1_800_000_000));
        // A month on from 31 January is the last day of February.
        assert_eq!(target_time(JAN_31, "1month"), Ok(JAN_31 + 28 * 86_400));
        assert!(target_time(100, "soon").is_err());
        assert!(target_time(100, "3 parsecs").is_err());
        assert!(target_time(100, "").is_err());
    }
}
