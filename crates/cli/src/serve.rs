//! `tender serve`.

use clap::Args;
use tender_core::billing::dunning::AfterRetries;
use tender_server::{Config, DispatcherConfig, RateLimit, RetrySchedule, Server, SettleSpeed};

use crate::DatabaseArgs;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "TENDER_LISTEN", default_value = "127.0.0.1:12111")]
    listen: String,
    #[command(flatten)]
    database: DatabaseArgs,
    /// Webhook retry delays: `stripe` (about three days, like Stripe), `fast` (1s,2s,4s,8s),
    /// or a list such as `500ms,5s,1m`.
    #[arg(long, env = "TENDER_WEBHOOK_RETRIES", default_value = "stripe")]
    webhook_retries: String,
    /// Seconds a webhook receiver has to answer.
    #[arg(long, env = "TENDER_WEBHOOK_TIMEOUT", default_value_t = 10)]
    webhook_timeout: u64,
    /// Webhook deliveries in flight to one endpoint at once, at most.
    #[arg(long, env = "TENDER_WEBHOOK_CONCURRENCY", default_value_t = 4)]
    webhook_concurrency: usize,
    /// A PEM file of CA certificates trusted for `https://` webhook endpoints besides the
    /// system's roots (a local test CA).
    #[arg(long, env = "TENDER_WEBHOOK_CA_FILE")]
    webhook_ca_file: Option<std::path::PathBuf>,
    /// Do not deliver webhooks from this node (another node delivers them).
    #[arg(long, env = "TENDER_NO_WEBHOOKS")]
    no_webhooks: bool,
    /// Let tests move this server's clock forward (`POST /v1/test_helpers/tender_clock/advance
    /// seconds=N`), to reach time-based states such as `incomplete_expired` without waiting.
    /// For test servers only.
    #[arg(long, env = "TENDER_TEST_CLOCK")]
    test_clock: bool,
    /// Keep no API request logs (the dashboard's Logs page stays empty).
    #[arg(long, env = "TENDER_NO_REQUEST_LOGS")]
    no_request_logs: bool,
    /// Days API request logs are kept.
    #[arg(long, env = "TENDER_REQUEST_LOG_DAYS", default_value_t = 7)]
    request_log_days: u64,
    /// API request logs kept at most (the newest).
    #[arg(long, env = "TENDER_REQUEST_LOG_MAX_ROWS", default_value_t = 1_000_000)]
    request_log_max_rows: i64,
    /// What a subscription becomes when every retry of a failed renewal has failed, as
    /// Stripe's Billing setting: `cancel` (Stripe's default), `unpaid` or `past_due`.
    #[arg(long, env = "TENDER_AFTER_RETRIES", default_value = "cancel", value_parser = parse_after_retries)]
    after_retries: AfterRetries,
    /// How long payments that settle later (SEPA Direct Debit, ACH) and delayed refund
    /// outcomes take: `stripe` (Stripe's test-mode delays: seconds, three minutes for the
    /// delayed test IBANs) or `fast` (a few seconds). A test clock's advance settles them at
    /// once either way.
    #[arg(long, env = "TENDER_SETTLE", default_value = "stripe", value_parser = parse_settle)]
    settle: SettleSpeed,
    #[command(flatten)]
    limits: LimitArgs,
}

fn parse_after_retries(value: &str) -> Result<AfterRetries, String> {
    AfterRetries::parse(value).ok_or_else(|| {
        format!(
            "{value:?}: expected one of {}",
            AfterRetries::NAMES.join(", ")
        )
    })
}

fn parse_settle(value: &str) -> Result<SettleSpeed, String> {
    SettleSpeed::parse(value).ok_or_else(|| format!("`{value}`: expected `stripe` or `fast`"))
}

/// Edge limits shared by `serve` and `dev`.
#[derive(Args)]
pub struct LimitArgs {
    /// Requests per second per account, answered over the limit with Stripe's 429
    /// `rate_limit`: `off`, `stripe-test` (25/s), `stripe-live` (100/s), or a number.
    #[arg(long, env = "TENDER_RATE_LIMIT", default_value = "off", value_parser = RateLimit::parse)]
    pub rate_limit: RateLimit,
}

impl LimitArgs {
    pub fn apply(&self, config: &mut Config) {
        config.limits.rate_limit = self.rate_limit;
    }
}

pub fn config_for(
    database: &DatabaseArgs,
    listen: String,
    webhooks: Option<DispatcherConfig>,
) -> Config {
    Config {
        listen,
        database_url: database.database.clone(),
        secret_key: database.keys.secret_key.clone(),
        publishable_key: database.keys.publishable_key.clone(),
        webhooks,
        ..Config::default()
    }
}

pub async fn serve(args: ServeArgs) -> Result<(), String> {
    let webhooks = if args.no_webhooks {
        None
    } else {
        Some(DispatcherConfig {
            schedule: RetrySchedule::parse(&args.webhook_retries)?,
            timeout: std::time::Duration::from_secs(args.webhook_timeout),
            per_endpoint: args.webhook_concurrency,
            ca_file: args.webhook_ca_file,
            ..DispatcherConfig::default()
        })
    };
    let mut config = config_for(&args.database, args.listen, webhooks);
    config.test_clock = args.test_clock;
    config.request_logs = tender_server::RequestLogConfig {
        enabled: !args.no_request_logs,
        retention: std::time::Duration::from_secs(args.request_log_days.saturating_mul(86_400)),
        max_rows: args.request_log_max_rows.max(0),
    };
    config.after_retries = args.after_retries;
    config.settle = args.settle;
    args.limits.apply(&mut config);
    let mut server = Server::start(&config).await.map_err(|e| e.to_string())?;
    // A server in memory leaves nothing behind, not even its announcement: the other commands
    // cannot read its database anyway, and reach it with --api-base and --api-key
    // (TENDER_API_BASE, TENDER_SECRET_KEY) instead (decision 0020).
    if !tender_store::is_memory(&config.database_url) {
        crate::locate::announce("serve", server.addr, &config.database_url);
    }
    println!("Tender is listening on http://{}", server.addr);
    println!("  database:        {}", redact(&config.database_url));
    println!("  rate limit:      {}", config.limits.rate_limit);
    println!("  secret key:      {}", server.account.secret_key);
    println!("  publishable key: {}", server.account.publishable_key);
    println!("  dashboard:       http://{}/dashboard", server.addr);
    shutdown_signal().await;
    tracing::info!("shutting down");
    server.trigger_shutdown();
    server.wait().await.map_err(|e| e.to_string())
}

/// The database URL without a password, for printing.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:****{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

pub async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
