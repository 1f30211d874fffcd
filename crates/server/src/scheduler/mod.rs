//! The durable scheduler (issue #24): transitions due later ("renew subscription S at T",
//! "expire it at T") are [`ScheduledJob`](tender_core::schedule::ScheduledJob) records,
//! written in the unit of work that makes them due ([`schedule`]). Every node runs this loop:
//! it claims due jobs under a lease (`claim.rs`) and runs each as one unit of work that also
//! marks it done and schedules the next (`run.rs`). A SIGKILL loses nothing: an unclaimed job
//! is still due, a claimed one is claimed again when its lease ends, and a step never commits
//! twice (the job's version fences a runner whose lease was taken over).
//!
//! Jobs follow the wall clock (Tender's [`Clock`](crate::clock::Clock), which a test server
//! may move), or a test clock (`clocks.rs`): those run when the clock is advanced, in due
//! order, each at its own due time.

mod backfill;
mod claim;
mod clocks;
mod failure;
mod jobs;
mod run;

pub use backfill::SchedulerBackfill;
pub use jobs::{schedule, schedule_new};
pub use run::Step;

use std::sync::Arc;
use std::time::Duration;

use tender_store::Account;
use tender_wire::ApiError;
use tokio::sync::{Mutex, Notify, watch};
use tokio::task::JoinHandle;

use crate::ctx::Ctx;
use crate::state::AppState;
use crate::store_error;

/// How often the loop looks for due jobs when nothing wakes it: a job runs at most this late.
const POLL: Duration = Duration::from_secs(1);

/// The most rounds one run makes per account and clock: a round runs what was due when it
/// began, and the steps may make more due (a clock moved months ahead bills month by month).
const MAX_ROUNDS: usize = 500;

/// The scheduler's state on this node.
#[derive(Default)]
pub struct Scheduler {
    /// Wakes the loop at once (a test clock began advancing).
    pub wake: Notify,
    /// One run at a time on this node, so that a run asked for by a request (the Tender
    /// clock's advance) ends with everything due done, not with what another run holds.
    running: Mutex<()>,
}

/// Runs the loop until `shutdown`, and beside it, in a task of its own, once, the backfill of
/// older subscriptions' jobs (`backfill.rs`), which must not hold back what is due.
pub fn spawn(state: Arc<AppState>, shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
    let mut stop = shutdown.clone();
    let backfill_state = state.clone();
    let backfill = tokio::spawn(async move {
        tokio::select! {
            done = backfill::backfill(&backfill_state) => {
                if let Err(error) = done {
                    tracing::warn!(?error, "cannot schedule the jobs of older subscriptions");
                }
            }
            _ = stop.changed() => {}
        }
    });
    tokio::spawn(async move {
        run_loop(&state, shutdown).await;
        // Stopped with the loop: it watches the same shutdown.
        let _ = backfill.await;
    })
}

async fn run_loop(state: &Arc<AppState>, mut shutdown: watch::Receiver<bool>) {
    loop {
        if let Err(error) = run_due(state).await {
            tracing::warn!(?error, "cannot run scheduled jobs");
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = state.scheduler.wake.notified() => {}
            _ = shutdown.changed() => return,
        }
        if *shutdown.borrow() {
            return;
        }
    }
}

/// Runs everything due now in every account: the wall clock's jobs, and the jobs of the test
/// clocks being advanced. Returns how many jobs ran.
pub async fn run_due(state: &Arc<AppState>) -> Result<usize, ApiError> {
    let _running = state.scheduler.running.lock().await;
    let accounts = state.store.accounts().await.map_err(store_error)?;
    let mut ran = 0;
    for account in accounts {
        let account = Arc::new(account);
        ran += run_wall(state, &account).await?;
        ran += clocks::run_advancing(state, &account).await?;
    }
    Ok(ran)
}

/// Runs `account`'s wall-clock jobs due now, round after round.
async fn run_wall(state: &Arc<AppState>, account: &Arc<Account>) -> Result<usize, ApiError> {
    let mut ran = 0;
    for _ in 0..MAX_ROUNDS {
        let now = state.clock.now();
        let due = claim::due_jobs(state, account, None, now).await?;
        let mut claimed_any = false;
        for batch in due.chunks(claim::CLAIM_BATCH) {
            let claimed = claim::claim(state, account, batch.to_vec()).await?;
            claimed_any |= !claimed.is_empty();
            for job in claimed {
                // A step happens at its due time, even when it runs late (a server that was
                // down, a Tender clock moved ahead): a renewal invoice is dated at its
                // period's end.
                let mut ctx = Ctx::for_job(state.clone(), account.clone());
                ctx.now = job.job.due.min(now);
                run::run_job(&ctx, &job.job.id, &job.token).await;
                ran += 1;
            }
        }
        if !claimed_any {
            break;
        }
    }
    Ok(ran)
}
