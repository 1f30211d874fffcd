//! [`AppState`]: what every request handler shares, in a module of its own so that the
//! request path (extractors, pipeline, routes) depends on it and not on the server's assembly.

use std::sync::Arc;

use tender_core::billing::dunning::AfterRetries;
use tender_core::debit::SettleSpeed;
use tender_store::Store;
use tokio::sync::Notify;

use crate::accounts::AccountDirectory;
use crate::clock::Clock;
use crate::dashboard::Sessions;
use crate::faults::Faults;
use crate::http::{Limits, RateLimiter};
use crate::pipeline::InFlight;
use crate::request_logs::RequestLogs;
use crate::scheduler::Scheduler;

/// What every request handler shares.
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub accounts: AccountDirectory,
    pub in_flight: InFlight,
    /// Wakes the webhook dispatcher right after a commit that scheduled deliveries.
    pub webhooks: Arc<Notify>,
    pub limits: Limits,
    /// `None` when rate limiting is off.
    pub rate_limiter: Option<RateLimiter>,
    /// The time requests see (movable by tests on a server started with a test clock).
    pub clock: Clock,
    /// Faults armed by tests (`/v1/test_helpers/faults`), in this node's memory.
    pub faults: Faults,
    /// The queue of API request logs into their writer (`crate::request_logs`).
    pub request_logs: RequestLogs,
    /// Dashboard sessions and one-time sign-in links, in this node's memory.
    pub dashboard: Sessions,
    /// This node's part of the scheduler of later transitions.
    pub scheduler: Scheduler,
    /// Where this node listens (`http://127.0.0.1:12111`): the origin of the links that work
    /// no request carries hands out.
    pub origin: String,
    /// What a subscription becomes when every retry of a renewal has failed.
    pub after_retries: AfterRetries,
    /// How long "later" is for payments and refunds that settle later.
    pub settle: SettleSpeed,
}
