//! Tender's reference merchant integration: a small shop that takes payments with the
//! Payment Element along every path of Stripe's "Design an integration" guide, the headline
//! being "Finalize payments on the server" (deferred intent, ConfirmationToken, business
//! rules, create-and-confirm with async-stripe, `handleNextAction`).
//!
//! It is an ordinary Stripe integration: configured by `STRIPE_*` variables, it runs against
//! Stripe as well as Tender. `tender dev` runs it in-process next to Tender.
//!
//! A membership is sold along the guide's "Create a subscription" tab: a monthly plan, the
//! Payment Element in `mode: 'subscription'`, a `default_incomplete` Subscription whose first
//! invoice's PaymentIntent the server confirms, activated by the `invoice.paid` webhook.
//!
//! Layout: [`catalog`] prices carts, [`rules`] decides what to refuse, [`payments`] is every
//! API call of the one-off payments and [`subscriptions`] of the membership, [`orders`] is the
//! SQLite book of orders and memberships that webhooks settle, [`wording`] what shoppers are
//! told when a payment fails, `routes` the HTTP surface and `pages` the embedded pages and
//! scripts.

pub mod catalog;
pub mod clocks;
pub mod config;
pub mod orders;
mod pages;
pub mod payments;
mod routes;
pub mod rules;
pub mod subscriptions;
pub mod wording;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::Config;
pub use rules::Rules;

/// Why the shop could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum CheckoutError {
    #[error("configuration: {0}")]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Orders(#[from] orders::OrdersError),
    #[error("payments client: {0}")]
    Client(#[from] stripe::StripeError),
    #[error("cannot listen on {0}: {1}")]
    Bind(String, std::io::Error),
    #[error("checkout server failed: {0}")]
    Serve(std::io::Error),
}

/// A running shop.
pub struct Checkout {
    pub addr: SocketAddr,
    /// The shop's address as configured or bound, without a trailing `/`.
    pub url: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), std::io::Error>>,
}

/// The API version async-stripe was generated for. The shop's webhook endpoint is registered
/// with it, as Stripe advises for typed SDKs, so that events come in the version it parses.
pub fn api_version() -> String {
    stripe_shared::version::VERSION.as_str().to_owned()
}

/// The whole application over `config`, answering at `public_url`.
pub fn router(config: &Config, public_url: &str) -> Result<axum::Router, CheckoutError> {
    Ok(routes::router(app(config, public_url)?))
}

fn app(config: &Config, public_url: &str) -> Result<Arc<routes::App>, CheckoutError> {
    Ok(Arc::new(routes::App {
        gateway: payments::Gateway::new(&config.secret_key, &config.api_base)?,
        orders: orders::Orders::open(&config.database)?,
        rules: config.rules.clone(),
        webhook_secret: config.webhook_secret.clone(),
        public_url: public_url.trim_end_matches('/').to_owned(),
        pages: pages::Pages::render(&config.js_url, &config.publishable_key),
        plan: tokio::sync::OnceCell::new(),
    }))
}

/// Binds `config.listen` and starts serving.
pub async fn start(config: &Config) -> Result<Checkout, CheckoutError> {
    let listener = TcpListener::bind(&config.listen)
        .await
        .map_err(|e| CheckoutError::Bind(config.listen.clone(), e))?;
    serve(listener, config).await
}

/// Starts serving on a listener bound by the caller — who may need the address first, e.g.
/// to register the webhook endpoint and learn its signing secret.
pub async fn serve(listener: TcpListener, config: &Config) -> Result<Checkout, CheckoutError> {
    let addr = listener
        .local_addr()
        .map_err(|e| CheckoutError::Bind(config.listen.clone(), e))?;
    let url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"))
        .trim_end_matches('/')
        .to_owned();
    let app = app(config, &url)?;
    // The membership plan's Price is found or created now, in the background: a shop whose
    // API is not reachable yet still starts, and the subscription page asks again.
    let warm = app.clone();
    tokio::spawn(async move {
        if let Err(error) = warm.plan().await {
            tracing::warn!(%error, "the membership plan could not be set up yet");
        }
    });
    let app = routes::router(app);
    let (shutdown, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    Ok(Checkout {
        addr,
        url,
        shutdown: Some(shutdown),
        task,
    })
}

/// Runs the shop until Ctrl-C.
pub async fn run(config: &Config) -> Result<(), CheckoutError> {
    let checkout = start(config).await?;
    println!("Checkout is running on {}", checkout.url);
    let _ = tokio::signal::ctrl_c().await;
    checkout.shutdown().await
}

impl Checkout {
    /// Stops accepting connections, finishes the requests in progress, and returns.
    pub async fn shutdown(mut self) -> Result<(), CheckoutError> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        match self.task.await {
            Ok(result) => result.map_err(CheckoutError::Serve),
            Err(join) => Err(CheckoutError::Serve(std::io::Error::other(join))),
        }
    }
}
