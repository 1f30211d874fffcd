//! Background upkeep that no request waits for: expiring unpaid subscriptions 23 hours after
//! their creation, and pruning idempotency keys past Stripe's retention window.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::system_now;
use crate::services::billing::expiry::run_due;
use crate::state::AppState;

/// Keys are kept at least this long, as on Stripe ("at least 24 hours old").
pub const IDEMPOTENCY_RETENTION_SECS: i64 = 24 * 60 * 60;
/// How often old keys are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(15 * 60);
/// How often due subscriptions are expired: an expiry is at most this late.
const EXPIRE_EVERY: Duration = Duration::from_secs(60);

/// Runs the upkeep now and then on its schedule, until `shutdown`.
pub fn spawn(state: Arc<AppState>, mut shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut pruned_at: Option<Instant> = None;
        loop {
            if pruned_at.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
                prune(&state).await;
                pruned_at = Some(Instant::now());
            }
            if let Err(error) = run_due(&state).await {
                tracing::warn!(?error, "cannot expire unpaid subscriptions");
            }
            tokio::select! {
                _ = tokio::time::sleep(EXPIRE_EVERY) => {}
                _ = shutdown.changed() => return,
            }
            if *shutdown.borrow() {
                return;
            }
        }
    })
}

async fn prune(state: &AppState) {
    match state
        .store
        .prune_idempotency(system_now() - IDEMPOTENCY_RETENTION_SECS)
        .await
    {
        Ok(0) => {}
        Ok(pruned) => tracing::info!(pruned, "pruned expired idempotency keys"),
        Err(error) => tracing::warn!(%error, "cannot prune idempotency keys"),
    }
}
