//! The `tender` binary: run the server, run it with the demo shop (`dev`), show keys, manage
//! accounts, and drive webhooks (`listen`, `trigger`, `deliveries`).

mod client;
mod dev;
mod listen;
mod serve;
mod trigger;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use tender_server::new_account;
use tracing_subscriber::EnvFilter;

use client::ApiClient;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "tender",
    version,
    about = "A self-hosted payments server that speaks Stripe's API"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the API server.
    Serve(serve::ServeArgs),
    /// Run Tender and the demo shop together, wired up, with fast webhook retries.
    Dev(dev::DevArgs),
    /// Print the API keys of every account (creating the default account on an empty database).
    Keys(DatabaseArgs),
    /// Manage accounts.
    Accounts {
        #[command(subcommand)]
        command: AccountsCommand,
    },
    /// Forward webhook events to a local URL, signed, printing one line per event.
    Listen {
        /// Where to forward events, e.g. http://localhost:4242/webhook.
        #[arg(long)]
        forward_to: String,
        /// Only these event types (comma-separated); all by default.
        #[arg(long, value_delimiter = ',')]
        events: Vec<String>,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Make the API calls that cause an event, e.g. `tender trigger payment_intent.succeeded`.
    Trigger {
        /// The event to cause.
        event: String,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Show recent webhook deliveries and every attempt (status, latency, error).
    Deliveries {
        /// Only the deliveries of this event.
        #[arg(long)]
        event: Option<String>,
        /// How many deliveries per account.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Subcommand)]
enum AccountsCommand {
    /// Create another test-mode account and print its keys.
    Create {
        #[command(flatten)]
        database: DatabaseArgs,
        /// Print one JSON line instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Clone)]
pub struct DatabaseArgs {
    /// `sqlite://<file>` (embedded, the default) or `postgres://…`.
    #[arg(
        long,
        env = "TENDER_DATABASE_URL",
        default_value = "sqlite://.tender/tender.db"
    )]
    pub database: String,
    /// Secret key of the default account, when the database is empty.
    #[arg(long, env = "TENDER_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
    /// Publishable key of the default account, when the database is empty.
    #[arg(long, env = "TENDER_PUBLISHABLE_KEY")]
    pub publishable_key: Option<String>,
}

/// How commands that drive a running server reach it.
#[derive(Args)]
struct ApiArgs {
    /// The running Tender.
    #[arg(
        long,
        env = "TENDER_API_BASE",
        default_value = "http://127.0.0.1:12111"
    )]
    api_base: String,
    /// A secret key; by default the first account's key, read from the database.
    #[arg(long, env = "TENDER_SECRET_KEY", hide_env_values = true)]
    api_key: Option<String>,
    #[arg(
        long,
        env = "TENDER_DATABASE_URL",
        default_value = "sqlite://.tender/tender.db"
    )]
    database: String,
}

impl ApiArgs {
    async fn client(&self) -> Result<ApiClient, String> {
        let key = match &self.api_key {
            Some(key) => key.clone(),
            None => {
                let store = tender_store::connect(&self.database)
                    .await
                    .map_err(|e| e.to_string())?;
                let accounts = store.accounts().await.map_err(|e| e.to_string())?;
                accounts
                    .into_iter()
                    .next()
                    .map(|a| a.secret_key)
                    .ok_or("no account yet: start `tender serve` first, or pass --api-key")?
            }
        };
        Ok(ApiClient::new(&self.api_base, &key))
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    // Logs go to stderr (stdout carries keys and command output), coloured only on a terminal.
    let mut filter =
        EnvFilter::try_from_env("TENDER_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // tokio-postgres logs every statement with its parameters at debug: API keys, webhook
    // secrets, client secrets. Capped whatever TENDER_LOG asks (tests/hygiene.rs).
    if let Ok(cap) = "tokio_postgres=info".parse() {
        filter = filter.add_directive(cap);
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve::serve(args).await,
        Command::Dev(args) => dev::dev(args).await,
        Command::Keys(args) => keys(args).await,
        Command::Accounts {
            command: AccountsCommand::Create { database, json },
        } => create_account(database, json).await,
        Command::Listen {
            forward_to,
            events,
            api,
        } => match api.client().await {
            Ok(client) => listen::listen(&client, &forward_to, &events).await,
            Err(e) => Err(e),
        },
        Command::Trigger { event, api } => match api.client().await {
            Ok(client) => trigger::trigger(&client, &event).await,
            Err(e) => Err(e),
        },
        Command::Deliveries {
            event,
            limit,
            database,
        } => deliveries(database, event.as_deref(), limit).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tender: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn keys(args: DatabaseArgs) -> Result<(), String> {
    let store = tender_store::connect(&args.database)
        .await
        .map_err(|e| e.to_string())?;
    tender_server::ensure_default_account(
        store.as_ref(),
        &serve::config_for(&args, String::new(), None),
    )
    .await
    .map_err(|e| e.to_string())?;
    for account in store.accounts().await.map_err(|e| e.to_string())? {
        println!("{}", account.id);
        println!("  secret key:      {}", account.secret_key);
        println!("  publishable key: {}", account.publishable_key);
    }
    Ok(())
}

async fn create_account(args: DatabaseArgs, json: bool) -> Result<(), String> {
    let store = tender_store::connect(&args.database)
        .await
        .map_err(|e| e.to_string())?;
    let account = new_account(args.secret_key, args.publishable_key);
    store
        .create_account(&account)
        .await
        .map_err(|e| e.to_string())?;
    if json {
        let line = serde_json::json!({
            "id": account.id,
            "secret_key": account.secret_key,
            "publishable_key": account.publishable_key,
        });
        println!("{line}");
    } else {
        println!("{}", account.id);
        println!("  secret key:      {}", account.secret_key);
        println!("  publishable key: {}", account.publishable_key);
    }
    Ok(())
}

async fn deliveries(args: DatabaseArgs, event: Option<&str>, limit: usize) -> Result<(), String> {
    let store = tender_store::connect(&args.database)
        .await
        .map_err(|e| e.to_string())?;
    for account in store.accounts().await.map_err(|e| e.to_string())? {
        let reports = store
            .deliveries(&account.id, event, limit)
            .await
            .map_err(|e| e.to_string())?;
        for report in reports {
            println!(
                "{}  {}  → {}  {}",
                report.id, report.event_id, report.endpoint_id, report.status
            );
            for attempt in report.attempts {
                let outcome = match (attempt.status_code, &attempt.error) {
                    (Some(code), _) => code.to_string(),
                    (None, Some(error)) => error.clone(),
                    (None, None) => "?".to_owned(),
                };
                println!(
                    "    attempt {}: {outcome} in {} ms{}",
                    attempt.attempt,
                    attempt.latency_ms,
                    attempt
                        .response_snippet
                        .filter(|s| !s.is_empty())
                        .map(|s| format!(" — {}", s.chars().take(80).collect::<String>()))
                        .unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}
