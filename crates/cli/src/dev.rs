//! `tender dev`: everything needed to see a payment go through, in one process. Tender on its
//! embedded database with a test account, the demo shop (`examples/checkout`) next to it,
//! the shop's webhook endpoint registered, and webhook retries in seconds instead of days.

use std::path::PathBuf;

use clap::Args;
use tender_server::{Config, DispatcherConfig, RetrySchedule, Server};

use crate::client::{ApiClient, message};
use crate::serve::{LimitArgs, redact, shutdown_signal};

#[derive(Args)]
pub struct DevArgs {
    /// Address of Tender's API.
    #[arg(long, env = "TENDER_LISTEN", default_value = "127.0.0.1:12111")]
    listen: String,
    /// Address of the demo shop.
    #[arg(long, env = "CHECKOUT_LISTEN", default_value = "127.0.0.1:4242")]
    shop_listen: String,
    /// Tender's database: `sqlite://<file>` or `postgres://…`.
    #[arg(
        long,
        env = "TENDER_DATABASE_URL",
        default_value = "sqlite://.tender/dev.db"
    )]
    database: String,
    /// The shop's orders (a SQLite file).
    #[arg(long, env = "CHECKOUT_DATABASE", default_value = ".tender/checkout.db")]
    shop_database: PathBuf,
    /// Secret key of the demo account, when the database is new (else generated once).
    #[arg(long, env = "TENDER_SECRET_KEY", hide_env_values = true)]
    secret_key: Option<String>,
    /// Publishable key of the demo account, when the database is new.
    #[arg(long, env = "TENDER_PUBLISHABLE_KEY")]
    publishable_key: Option<String>,
    /// A PEM file of CA certificates trusted for `https://` webhook endpoints besides the
    /// system's roots (a local test CA), as `tender serve --webhook-ca-file`.
    #[arg(long, env = "TENDER_WEBHOOK_CA_FILE")]
    webhook_ca_file: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
}

const TEST_CARDS: &[(&str, &str)] = &[
    ("4242 4242 4242 4242", "pays"),
    ("4000 0025 0000 3155", "asks for 3D Secure"),
    ("4000 0000 0000 0002", "is declined"),
    (
        "5105 1051 0510 5100",
        "prepaid: refused by the shop's rule where its server confirms",
    ),
];

/// Stripe's test IBANs for the euro checkout; debits settle a second later under `tender dev`.
const TEST_IBANS: &[(&str, &str)] = &[
    ("DE89 3704 0044 0532 0130 00", "is debited"),
    ("DE62 3704 0044 0532 0130 01", "fails: insufficient funds"),
];

const PAGES: &[(&str, &str)] = &[
    ("/checkout", "checkout, confirmed on the server"),
    (
        "/checkout?currency=eur",
        "the same in euros: card or SEPA Debit",
    ),
    ("/two-step", "two-step confirmation"),
    (
        "/deferred-client",
        "deferred intent, confirmed in the browser",
    ),
    ("/intent-first", "intent first, confirmed in the browser"),
    ("/save-card", "save a card, charge it later"),
    ("/subscribe", "a monthly membership (subscription)"),
];

pub async fn dev(args: DevArgs) -> Result<(), String> {
    // The shop's port first: if it is taken, fail before anything else starts.
    let shop_listener = tokio::net::TcpListener::bind(&args.shop_listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.shop_listen))?;
    let shop_addr = shop_listener.local_addr().map_err(|e| e.to_string())?;
    let rules = tender_checkout::Rules::from_env().map_err(|e| e.to_string())?;

    let mut config = Config {
        listen: args.listen,
        database_url: args.database,
        secret_key: args.secret_key,
        publishable_key: args.publishable_key,
        webhooks: Some(DispatcherConfig {
            schedule: RetrySchedule::fast(),
            ca_file: args.webhook_ca_file,
            ..DispatcherConfig::default()
        }),
        // A SEPA debit in the demo shop settles in seconds, not minutes.
        settle: tender_server::SettleSpeed::Fast,
        ..Config::default()
    };
    args.limits.apply(&mut config);
    let mut server = Server::start(&config).await.map_err(|e| e.to_string())?;
    let api = format!("http://{}", server.addr);
    let account = server.account.clone();
    let client = ApiClient::new(&api, &account.secret_key);

    let webhook_url = format!("http://{shop_addr}/webhook");
    let (endpoint_id, webhook_secret) = match register_endpoint(&client, &webhook_url).await {
        Ok(registered) => registered,
        Err(error) => {
            server.trigger_shutdown();
            let _ = server.wait().await;
            return Err(error);
        }
    };
    let shop_config = tender_checkout::Config {
        secret_key: account.secret_key.clone(),
        publishable_key: account.publishable_key.clone(),
        webhook_secret,
        api_base: format!("{api}/"),
        js_url: format!("{api}/v3/"),
        listen: shop_addr.to_string(),
        public_url: None,
        database: args.shop_database,
        rules,
    };
    let shop = match tender_checkout::serve(shop_listener, &shop_config).await {
        Ok(shop) => shop,
        Err(error) => {
            server.trigger_shutdown();
            let _ = server.wait().await;
            return Err(error.to_string());
        }
    };

    crate::locate::announce("dev", server.addr, &config.database_url);
    println!("Tender is listening on {api}");
    println!("  database:        {}", redact(&config.database_url));
    println!("  secret key:      {}", account.secret_key);
    println!("  publishable key: {}", account.publishable_key);
    println!("  Stripe.js:       {api}/v3/");
    println!("  dashboard:       {api}/dashboard");
    println!(
        "  sign in:         {api}{}  (one use, within the hour)",
        server.dashboard_sign_in_path(&account.id)
    );
    println!();
    println!("The demo shop is on {}", shop.url);
    for (path, what) in PAGES {
        println!("  {:<40} {what}", format!("{}{path}", shop.url));
    }
    println!("  webhooks: {webhook_url} ({endpoint_id}), retried after 1s, 2s, 4s, 8s");
    println!();
    println!("Test cards (any future expiry, any CVC):");
    for (number, what) in TEST_CARDS {
        println!("  {number}  {what}");
    }
    println!("Test IBANs (SEPA Debit, euros):");
    for (iban, what) in TEST_IBANS {
        println!("  {iban}  {what}");
    }
    println!();
    println!("Ctrl-C stops both.");

    shutdown_signal().await;
    tracing::info!("shutting down");
    let shop_stopped = shop.shutdown().await;
    server.trigger_shutdown();
    server.wait().await.map_err(|e| e.to_string())?;
    shop_stopped.map_err(|e| e.to_string())
}

/// Registers the shop's webhook endpoint and returns its id and signing secret. A secret is
/// shown only when its endpoint is created, so endpoints left for this URL by earlier runs
/// are deleted and a new one is made.
async fn register_endpoint(client: &ApiClient, url: &str) -> Result<(String, String), String> {
    let (status, list) = client.get("/v1/webhook_endpoints?limit=100").await?;
    if status != 200 {
        return Err(format!("cannot list webhook endpoints: {}", message(&list)));
    }
    let stale = list["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|endpoint| endpoint["url"] == url)
        .filter_map(|endpoint| endpoint["id"].as_str());
    for id in stale {
        let (status, answer) = client
            .delete(&format!("/v1/webhook_endpoints/{id}"))
            .await?;
        if status != 200 {
            return Err(format!("cannot remove endpoint {id}: {}", message(&answer)));
        }
    }
    let version = tender_checkout::api_version();
    let (status, endpoint) = client
        .post(
            "/v1/webhook_endpoints",
            &[
                ("url", url),
                ("enabled_events[]", "*"),
                ("api_version", &version),
                ("description", "tender dev: the demo shop"),
            ],
        )
        .await?;
    let field = |name: &str| endpoint[name].as_str().map(str::to_owned);
    match (status, field("id"), field("secret")) {
        (200, Some(id), Some(secret)) => Ok((id, secret)),
        _ => Err(format!(
            "cannot register the shop's webhook endpoint: {}",
            message(&endpoint)
        )),
    }
}
