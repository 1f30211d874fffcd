//! Background upkeep that no request waits for: pruning idempotency keys past Stripe's
//! retention window. (Transitions due later, such as renewals, are the scheduler's.)

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::system_now;
use crate::state::AppState;

/// Keys are kept at least this long, as on Stripe ("at least 24 hours old").
pub const IDEMPOTENCY_RETENTION_SECS: i64 = 24 * 60 * 60;
/// How often old keys are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(15 * 60);

/// Runs the upkeep now and then on its schedule, until `shutdown`.
pub fn spawn(state: Arc<AppState>, mut shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            prune(&state).await;
            tokio::select! {
                _ = tokio::time::sleep(PRUNE_EVERY) => {}
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
