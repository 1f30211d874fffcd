//! The `tender` binary: run the server, show keys, manage accounts.

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use tender_server::{Config, Server, new_account};
use tracing_subscriber::EnvFilter;

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
    Serve(ServeArgs),
    /// Print the API keys of every account (creating the default account on an empty database).
    Keys(DatabaseArgs),
    /// Manage accounts.
    Accounts {
        #[command(subcommand)]
        command: AccountsCommand,
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

#[derive(Args)]
struct DatabaseArgs {
    /// `sqlite://<file>` (embedded, the default) or `postgres://…`.
    #[arg(
        long,
        env = "TENDER_DATABASE_URL",
        default_value = "sqlite://.tender/tender.db"
    )]
    database: String,
    /// Secret key of the default account, when the database is empty.
    #[arg(long, env = "TENDER_SECRET_KEY", hide_env_values = true)]
    secret_key: Option<String>,
    /// Publishable key of the default account, when the database is empty.
    #[arg(long, env = "TENDER_PUBLISHABLE_KEY")]
    publishable_key: Option<String>,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "TENDER_LISTEN", default_value = "127.0.0.1:12111")]
    listen: String,
    #[command(flatten)]
    database: DatabaseArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("TENDER_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_target(false)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Keys(args) => keys(args).await,
        Command::Accounts {
            command: AccountsCommand::Create { database, json },
        } => create_account(database, json).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tender: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let config = Config {
        listen: args.listen,
        database_url: args.database.database,
        secret_key: args.database.secret_key,
        publishable_key: args.database.publishable_key,
    };
    let mut server = Server::start(&config).await.map_err(|e| e.to_string())?;
    println!("Tender is listening on http://{}", server.addr);
    println!("  database:        {}", redact(&config.database_url));
    println!("  secret key:      {}", server.account.secret_key);
    println!("  publishable key: {}", server.account.publishable_key);
    shutdown_signal().await;
    tracing::info!("shutting down");
    server.trigger_shutdown();
    server.wait().await.map_err(|e| e.to_string())
}

async fn keys(args: DatabaseArgs) -> Result<(), String> {
    let store = tender_store::connect(&args.database)
        .await
        .map_err(|e| e.to_string())?;
    let config = Config {
        listen: String::new(),
        database_url: args.database,
        secret_key: args.secret_key,
        publishable_key: args.publishable_key,
    };
    tender_server::ensure_default_account(store.as_ref(), &config)
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

/// The database URL without a password, for printing.
fn redact(url: &str) -> String {
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

async fn shutdown_signal() {
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
