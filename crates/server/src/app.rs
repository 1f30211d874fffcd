//! Assembling and running the server: the router, start and graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tender_core::debit::SettleSpeed;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, Method, Uri};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use tender_core::billing::dunning::AfterRetries;
use tender_store::{Account, Store};
use tender_wire::ApiError;
use tokio::net::TcpListener;
use tokio::sync::{Notify, oneshot, watch};
use tokio::task::JoinHandle;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{Any, CorsLayer};

use crate::ServerError;
use crate::accounts::{AccountDirectory, ensure_default_account};
use crate::clock::Clock;
use crate::faults::{self, Faults};
use crate::http::{Limits, RateLimiter, error_response, request_layer, serve, with_body_deadline};
use crate::pipeline::InFlight;
use crate::request_logs::{RequestLogConfig, RequestLogs};
use crate::routes;
use crate::scheduler::Scheduler;
use crate::state::AppState;
use crate::webhooks::{Dispatcher, DispatcherConfig};

/// How to start a server.
#[derive(Clone, Debug)]
pub struct Config {
    /// `127.0.0.1:12111` by default; port 0 picks a free port (tests).
    pub listen: String,
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// Keys for the default account created on an empty database.
    pub secret_key: Option<String>,
    pub publishable_key: Option<String>,
    /// How webhooks are delivered; `None` runs no dispatcher on this node.
    pub webhooks: Option<DispatcherConfig>,
    /// Timeouts, header limits and the optional rate limit.
    pub limits: Limits,
    /// Let tests move the time requests see (`/v1/test_helpers/tender_clock`, `crate::clock`).
    /// Off by default: a server for anything but tests keeps the system time.
    pub test_clock: bool,
    /// Whether and how long API request logs are kept (the dashboard's Logs).
    pub request_logs: RequestLogConfig,
    /// What a subscription becomes when every retry of a renewal has failed (Stripe's
    /// Billing setting; cancel by default).
    pub after_retries: AfterRetries,
    /// How long payments that settle later (SEPA, ACH) and delayed refund outcomes take:
    /// Stripe's delays, or a few seconds (`tender serve --settle fast`).
    pub settle: SettleSpeed,
}

/// What `tender serve` runs with when given no options.
impl Default for Config {
    fn default() -> Config {
        Config {
            listen: "127.0.0.1:12111".into(),
            database_url: "sqlite://.tender/tender.db".into(),
            secret_key: None,
            publishable_key: None,
            webhooks: Some(DispatcherConfig::default()),
            limits: Limits::default(),
            test_clock: false,
            request_logs: RequestLogConfig::default(),
            after_retries: AfterRetries::Cancel,
            settle: SettleSpeed::Stripe,
        }
    }
}

/// The full router over shared state.
pub fn router(state: Arc<AppState>) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods(Any)
        .allow_headers(Any)
        .expose_headers([
            HeaderName::from_static("request-id"),
            HeaderName::from_static("stripe-version"),
            HeaderName::from_static("idempotency-key"),
            HeaderName::from_static("idempotent-replayed"),
            HeaderName::from_static("original-request"),
        ])
        .max_age(std::time::Duration::from_secs(300));
    let body_timeout = state.limits.body_timeout;
    routes::router()
        .fallback(unrecognized)
        .method_not_allowed_fallback(unrecognized)
        .with_state(state.clone())
        .layer(CatchPanicLayer::custom(|_| {
            error_response(&ApiError::internal())
        }))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            faults::layer::strike,
        ))
        .layer(cors)
        .layer(middleware::map_request(
            move |request: Request| async move { with_body_deadline(request, body_timeout) },
        ))
        .layer(middleware::from_fn_with_state(state, request_layer))
}

async fn unrecognized(method: Method, uri: Uri) -> Response {
    error_response(&ApiError::unrecognized_url(method.as_str(), uri.path())).into_response()
}

/// `http://host:port` of a listening address, for the links of work no request carries (a
/// renewal's hosted authentication page): an unspecified address (`0.0.0.0`) is reached on
/// the loopback one.
fn origin_of(addr: SocketAddr) -> String {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    format!("http://{addr}")
}

/// A running server.
pub struct Server {
    pub addr: SocketAddr,
    /// The default (first) account, and whether this start created it.
    pub account: Account,
    pub created_account: bool,
    pub state: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), std::io::Error>>,
}

impl Server {
    /// Connects the store, makes sure an account exists, binds, and starts serving.
    pub async fn start(config: &Config) -> Result<Server, ServerError> {
        let started = Instant::now();
        // The store logs its own phases (open, migrate), `start_with_store` the accounts', so
        // that a slow start (a WAL to recover, a migration, a disk busy flushing) says where
        // it waited.
        let store = tender_store::connect(&config.database_url).await?;
        let server = Server::start_with_store(config, store).await?;
        tracing::info!(total_ms = ms(started.elapsed()), "started");
        Ok(server)
    }

    pub async fn start_with_store(
        config: &Config,
        store: Arc<dyn Store>,
    ) -> Result<Server, ServerError> {
        let started = Instant::now();
        let (account, created_account) = ensure_default_account(
            store.as_ref(),
            config.secret_key.clone(),
            config.publishable_key.clone(),
        )
        .await?;
        let default_account = started.elapsed();
        let accounts = AccountDirectory::new(store.clone());
        accounts.reload().await?;
        tracing::info!(
            default_account_ms = ms(default_account),
            accounts_ms = ms(started.elapsed() - default_account),
            "accounts loaded"
        );
        let listener = TcpListener::bind(&config.listen)
            .await
            .map_err(|e| ServerError::Bind(config.listen.clone(), e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| ServerError::Bind(config.listen.clone(), e))?;
        let state = Arc::new(AppState {
            store: store.clone(),
            accounts,
            in_flight: InFlight::default(),
            webhooks: Arc::new(Notify::new()),
            limits: config.limits.clone(),
            rate_limiter: RateLimiter::new(config.limits.rate_limit),
            clock: if config.test_clock {
                Clock::controllable()
            } else {
                Clock::system()
            },
            faults: Faults::default(),
            request_logs: RequestLogs::new(config.request_logs.clone()),
            dashboard: Default::default(),
            scheduler: Scheduler::default(),
            origin: origin_of(addr),
            after_retries: config.after_retries,
            settle: config.settle,
        });
        let (shutdown, shutdown_rx) = oneshot::channel::<()>();
        // Tells the background tasks (dispatcher, housekeeping) to stop.
        let (stop_dispatcher, dispatcher_stopped) = watch::channel(false);
        // The dispatcher first: if it cannot start (an unreadable CA file), nothing else has.
        let dispatcher = match config.webhooks.clone() {
            Some(webhooks) => Some(
                Dispatcher::spawn(
                    store.clone(),
                    webhooks,
                    state.webhooks.clone(),
                    dispatcher_stopped.clone(),
                )
                .map_err(ServerError::Webhooks)?,
            ),
            None => None,
        };
        let log_writer = crate::request_logs::spawn(
            &state.request_logs,
            store.clone(),
            dispatcher_stopped.clone(),
        );
        let housekeeping = crate::housekeeping::spawn(state.clone(), dispatcher_stopped.clone());
        let scheduler = crate::scheduler::spawn(state.clone(), dispatcher_stopped);
        let app = router(state.clone());
        let limits = config.limits.clone();
        let task = tokio::spawn(async move {
            let served = serve(listener, app, &limits, async {
                let _ = shutdown_rx.await;
            })
            .await;
            // Deliveries in flight finish or stay leased; what is left is sent after restart.
            let _ = stop_dispatcher.send(true);
            if let Some(dispatcher) = dispatcher {
                let _ = dispatcher.await;
            }
            let _ = housekeeping.await;
            let _ = scheduler.await;
            if let Some(log_writer) = log_writer {
                let _ = log_writer.await;
            }
            served
        });
        Ok(Server {
            addr,
            account,
            created_account,
            state,
            shutdown: Some(shutdown),
            task,
        })
    }

    /// Stops accepting connections, finishes the requests in progress, and returns.
    pub async fn shutdown(mut self) -> Result<(), ServerError> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        self.wait().await
    }

    /// Waits until the server stops.
    pub async fn wait(self) -> Result<(), ServerError> {
        match self.task.await {
            Ok(result) => result.map_err(ServerError::Serve),
            Err(join) => Err(ServerError::Serve(std::io::Error::other(join))),
        }
    }

    /// A path that signs a browser into the dashboard as `account_id`, once, within the hour
    /// (`tender dev` prints it, so that a developer never pastes a key).
    pub fn dashboard_sign_in_path(&self, account_id: &str) -> String {
        format!(
            "/dashboard/sign_in/{}",
            self.state.dashboard.one_time_token(account_id)
        )
    }

    /// Asks the server to stop without waiting.
    pub fn trigger_shutdown(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Milliseconds with a fraction, for start-up logs.
fn ms(elapsed: Duration) -> f64 {
    elapsed.as_secs_f64() * 1000.0
}
