//! Background upkeep that no request waits for: pruning idempotency keys past Stripe's
//! retention window.

use std::sync::Arc;
use std::time::Duration;

use tender_store::Store;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::system_now;

/// Keys are kept at least this long, as on Stripe ("at least 24 hours old").
pub const IDEMPOTENCY_RETENTION_SECS: i64 = 24 * 60 * 60;
/// How often old keys are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(15 * 60);

/// Prunes expired idempotency keys now and then every [`PRUNE_EVERY`], until `shutdown`.
pub fn spawn(store: Arc<dyn Store>, mut shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match store
                .prune_idempotency(system_now() - IDEMPOTENCY_RETENTION_SECS)
                .await
            {
                Ok(0) => {}
                Ok(pruned) => tracing::info!(pruned, "pruned expired idempotency keys"),
                Err(error) => tracing::warn!(%error, "cannot prune idempotency keys"),
            }
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
