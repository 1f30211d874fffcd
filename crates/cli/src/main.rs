//! The `tender` binary: run the server, run it with the demo shop (`dev`), show keys, manage
//! accounts, drive webhooks (`listen`, `trigger`, `deliveries`, `events resend`), arm faults
//! (`faults`), move test clocks (`clocks`), seed data (`fixtures`), copy a database
//! (`snapshot`) and follow the API's requests (`logs tail`).

mod accounts;
mod client;
mod clocks;
mod deliveries;
mod dev;
mod events;
mod faults;
mod fixtures;
mod listen;
mod locate;
mod logs;
mod serve;
mod snapshot;
mod trigger;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
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
    /// Print the API keys of every account of the Tender in this folder.
    ///
    /// On a database without accounts the default account is created first, as a server would
    /// on start, and stderr says so. A database that does not exist is never created.
    Keys {
        #[command(flatten)]
        database: FindDatabase,
        #[command(flatten)]
        keys: DefaultKeys,
    },
    /// Manage accounts.
    Accounts {
        #[command(subcommand)]
        command: AccountsCommand,
    },
    /// Forward webhook events to a local URL, signed, printing one line per event.
    ///
    /// As with `stripe listen`, the signing secret stays the same from one run to the next in
    /// this folder, so it can live in a .env file.
    Listen(listen::ListenArgs),
    /// Make the API calls that cause an event, e.g. `tender trigger payment_intent.succeeded`.
    #[command(after_help = trigger::supported_events_help())]
    Trigger {
        /// The event to cause (see the list below).
        event: String,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Make the running Tender fail on purpose: arm, list and clear faults (Tender only).
    Faults {
        #[command(subcommand)]
        command: faults::FaultsCommand,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Stripe's test clocks: list, create, and advance one (waiting until it is ready).
    Clocks {
        #[command(subcommand)]
        command: clocks::ClocksCommand,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Run a fixtures file: a sequence of API calls whose parameters refer to earlier answers
    /// (`${customer:id}`), in the format of `stripe fixtures`.
    Fixtures {
        /// The JSON file (`_meta`, `fixtures[]` with `name`, `path`, `method`, `params`).
        file: std::path::PathBuf,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Events: `tender events resend evt_… [--webhook-endpoint we_…]`.
    Events {
        #[command(subcommand)]
        command: events::EventsCommand,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Copy the whole state of a SQLite database to a file, or put one back.
    Snapshot {
        #[command(subcommand)]
        command: snapshot::SnapshotCommand,
        #[command(flatten)]
        database: FindDatabase,
    },
    /// Show recent webhook deliveries and their attempts.
    ///
    /// Each delivery: its event's time and type, the endpoint's URL, then its status, the number
    /// of attempts, the last attempt's status and the next retry; then every attempt with its
    /// status, latency and error.
    Deliveries {
        /// Only the deliveries of this event (`evt_…`).
        #[arg(long)]
        event: Option<String>,
        /// How many deliveries per account.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[command(flatten)]
        database: FindDatabase,
    },
    /// API request logs (what the dashboard's Logs page shows).
    Logs {
        #[command(subcommand)]
        command: LogsCommand,
    },
}

#[derive(Subcommand)]
enum LogsCommand {
    /// Print the API requests of the folder's server as they happen, one line each (time,
    /// status, method, path, Request-Id), as `stripe logs tail` does. Runs until Ctrl-C.
    Tail {
        /// Only these statuses: codes (`200`) or classes (`4XX`), comma-separated.
        #[arg(long, value_delimiter = ',')]
        filter_status_code: Vec<String>,
        /// Only these methods (`GET`, `POST`, `DELETE`), comma-separated.
        #[arg(long, value_delimiter = ',')]
        filter_http_method: Vec<String>,
        /// Only paths starting with one of these (`/v1/payment_intents`), comma-separated.
        #[arg(long, value_delimiter = ',')]
        filter_request_path: Vec<String>,
        #[command(flatten)]
        database: FindDatabase,
    },
}

#[derive(Subcommand)]
enum AccountsCommand {
    /// Create another test-mode account, with fresh keys, and print it.
    ///
    /// TENDER_SECRET_KEY and TENDER_PUBLISHABLE_KEY (--secret-key, --publishable-key) never
    /// apply to it: they fix the default account's keys. On a database without accounts the
    /// default account is created first, with them, and stderr says so; what is printed is
    /// always the new account.
    Create {
        #[command(flatten)]
        database: FindDatabase,
        #[command(flatten)]
        keys: DefaultKeys,
        /// Print one JSON line (`id`, `secret_key`, `publishable_key`) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Empty an account on the running Tender: its customers, payments, events, webhook
    /// deliveries, idempotency keys and faults go; the account and its keys stay.
    ///
    /// Calls `POST /v1/test_helpers/accounts/reset` with the account's secret key, read from
    /// the database unless --api-key gives it (a server in memory: pass --api-key).
    Reset {
        /// The account (`acct_…`).
        account: String,
        #[command(flatten)]
        api: ApiArgs,
    },
}

/// The database `tender serve` runs on, and the default account's keys.
#[derive(Args, Clone)]
pub struct DatabaseArgs {
    /// `sqlite://<file>` (embedded, the default), `postgres://…`, or `memory` (nothing on
    /// disk, gone when the server stops: for CI).
    #[arg(long, env = "TENDER_DATABASE_URL", default_value = locate::DEFAULT_DATABASE)]
    pub database: String,
    #[command(flatten)]
    pub keys: DefaultKeys,
}

/// Fixed keys for the default account, the one a server creates on a database without
/// accounts. They never apply to accounts made later.
#[derive(Args, Clone)]
pub struct DefaultKeys {
    /// Secret key of the default account, used only if the database has no account yet.
    #[arg(long, env = "TENDER_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
    /// Publishable key of the default account, used only if the database has no account yet.
    #[arg(long, env = "TENDER_PUBLISHABLE_KEY")]
    pub publishable_key: Option<String>,
}

/// The database of a command that works on an existing Tender.
#[derive(Args)]
pub struct FindDatabase {
    /// `sqlite://<file>` or `postgres://…`. By default the database of the server last
    /// started in this folder (`.tender/server.json`), else sqlite://.tender/tender.db.
    #[arg(long, env = "TENDER_DATABASE_URL")]
    database: Option<String>,
}

impl FindDatabase {
    fn url(self) -> String {
        locate::database(self.database)
    }
}

/// How commands that drive a running server reach it. Global, so that they may follow a
/// subcommand (`tender faults list --api-base …`).
#[derive(Args)]
pub struct ApiArgs {
    /// The running Tender. By default the server last started in this folder
    /// (`.tender/server.json`), else http://127.0.0.1:12111.
    #[arg(long, env = "TENDER_API_BASE", global = true)]
    api_base: Option<String>,
    /// A secret key; by default the first account's key, read from the database.
    #[arg(long, env = "TENDER_SECRET_KEY", hide_env_values = true, global = true)]
    api_key: Option<String>,
    /// Where to read the key: as for `tender keys`.
    #[arg(long, env = "TENDER_DATABASE_URL", global = true)]
    database: Option<String>,
}

impl ApiArgs {
    /// A client with the key of `account`: --api-key, or the account's key in the database.
    async fn client_for(self, account: &str) -> Result<ApiClient, String> {
        let key = match self.api_key {
            Some(key) => key,
            None => {
                let store = locate::open_existing(&locate::database(self.database)).await?;
                let accounts = store.accounts().await.map_err(|e| e.to_string())?;
                accounts
                    .into_iter()
                    .find(|a| a.id == account)
                    .map(|a| a.secret_key)
                    .ok_or_else(|| format!("no account {account} in this Tender's database"))?
            }
        };
        let (base, hint) = locate::api_base(self.api_base);
        Ok(ApiClient::new(&base, &key).with_hint(hint))
    }

    async fn client(self) -> Result<ApiClient, String> {
        let key = match self.api_key {
            Some(key) => key,
            None => {
                let store = locate::open_existing(&locate::database(self.database)).await?;
                let accounts = store.accounts().await.map_err(|e| e.to_string())?;
                accounts
                    .into_iter()
                    .next()
                    .map(|a| a.secret_key)
                    .ok_or("no account yet: start `tender serve` first, or pass --api-key")?
            }
        };
        let (base, hint) = locate::api_base(self.api_base);
        Ok(ApiClient::new(&base, &key).with_hint(hint))
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // The servers log their start and shutdown; the other commands print their answer and
    // nothing else unless TENDER_LOG asks for more.
    let quiet = !matches!(cli.command, Command::Serve(_) | Command::Dev(_));
    init_logs(if quiet { "warn" } else { "info" });
    let result = match cli.command {
        Command::Serve(args) => serve::serve(args).await,
        Command::Dev(args) => dev::dev(args).await,
        Command::Keys { database, keys } => accounts::keys(&database.url(), keys).await,
        Command::Accounts {
            command:
                AccountsCommand::Create {
                    database,
                    keys,
                    json,
                },
        } => accounts::create(&database.url(), keys, json).await,
        Command::Accounts {
            command: AccountsCommand::Reset { account, api },
        } => match api.client_for(&account).await {
            Ok(client) => accounts::reset(&client, &account).await,
            Err(e) => Err(e),
        },
        Command::Fixtures { file, api } => match api.client().await {
            Ok(client) => fixtures::run(&client, &file).await,
            Err(e) => Err(e),
        },
        Command::Events { command, api } => match api.client().await {
            Ok(client) => events::run(&client, command).await,
            Err(e) => Err(e),
        },
        Command::Snapshot { command, database } => snapshot::run(&database.url(), command).await,
        Command::Listen(args) => listen::listen(args).await,
        Command::Trigger { event, api } => match api.client().await {
            Ok(client) => trigger::trigger(&client, &event).await,
            Err(e) => Err(e),
        },
        Command::Faults { command, api } => match api.client().await {
            Ok(client) => faults::run(&client, command).await,
            Err(e) => Err(e),
        },
        Command::Clocks { command, api } => match api.client().await {
            Ok(client) => clocks::run(&client, command).await,
            Err(e) => Err(e),
        },
        Command::Deliveries {
            event,
            limit,
            database,
        } => deliveries::show(&database.url(), event.as_deref(), limit).await,
        Command::Logs {
            command:
                LogsCommand::Tail {
                    filter_status_code,
                    filter_http_method,
                    filter_request_path,
                    database,
                },
        } => {
            let filters = logs::Filters {
                status_codes: filter_status_code,
                methods: filter_http_method,
                paths: filter_request_path,
            };
            logs::tail(&database.url(), filters).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tender: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr (stdout carries keys and command output), coloured only on a terminal.
fn init_logs(default: &str) {
    let mut filter =
        EnvFilter::try_from_env("TENDER_LOG").unwrap_or_else(|_| EnvFilter::new(default));
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
}
