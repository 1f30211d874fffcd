//! Advancing a test clock: the jobs of its objects due up to the clock's target time run in
//! due order, each at its own due time (an invoice for a period ending on 1 March is created
//! on 1 March, whatever the target), round after round as steps make more due; then the
//! clock is `ready`. A clock stays `advancing` until that is done, so a node that dies
//! mid-advance leaves it to the next node's loop, which picks up where it stopped.

use std::sync::Arc;

use tender_core::test_clock::{TestClock, TestClockStatus};
use tender_store::{Account, ListQuery, TagFilter};
use tender_wire::ApiError;

use super::{MAX_ROUNDS, claim, run};
use crate::ctx::Ctx;
use crate::resources::Loaded;
use crate::services::test_clocks::finish_advance;
use crate::state::AppState;
use crate::store_error;

/// How many advancing clocks one listing reads (a test has a few).
const PAGE: usize = 100;

/// Advances every clock of `account` that is advancing. Returns how many jobs ran.
pub async fn run_advancing(
    state: &Arc<AppState>,
    account: &Arc<Account>,
) -> Result<usize, ApiError> {
    let query = ListQuery {
        account: account.id.clone(),
        kind: TestClock::OBJECT.to_owned(),
        tag: Some(TagFilter::Exact(
            TestClockStatus::Advancing.as_str().to_owned(),
        )),
        limit: PAGE,
        ..ListQuery::default()
    };
    let clocks = state.store.list(&query).await.map_err(store_error)?;
    let mut ran = 0;
    for record in clocks.iter().take(PAGE) {
        ran += run_clock(state, account, &record.id).await?;
    }
    Ok(ran)
}

/// Runs the jobs of clock `id` due by its target, then makes it `ready`. Leaves it advancing
/// when another scheduler holds some of its jobs (that one, or the next loop, finishes).
pub async fn run_clock(
    state: &Arc<AppState>,
    account: &Arc<Account>,
    id: &str,
) -> Result<usize, ApiError> {
    let mut ran = 0;
    for _ in 0..MAX_ROUNDS {
        let Some(record) = state
            .store
            .get(&account.id, id)
            .await
            .map_err(store_error)?
        else {
            return Ok(ran);
        };
        let clock = Loaded::<TestClock>::from_record(&record)?.object;
        let Some(target) = clock.target().filter(|_| !record.deleted) else {
            return Ok(ran);
        };
        let due = claim::due_jobs(state, account, Some(id), target).await?;
        if due.is_empty() {
            let ctx = Ctx::for_job(state.clone(), account.clone());
            finish_advance(&ctx, id).await;
            return Ok(ran);
        }
        // The jobs due when the round began, earliest first, claimed a batch at a time; the
        // jobs they make due (a draft's finalization an hour on) run in the next round.
        let mut claimed_any = false;
        for batch in due.chunks(claim::CLAIM_BATCH) {
            let claimed = claim::claim(state, account, batch.to_vec()).await?;
            claimed_any |= !claimed.is_empty();
            for job in claimed {
                let mut ctx = Ctx::for_job(state.clone(), account.clone());
                ctx.now = job.job.due.max(clock.frozen_time);
                run::run_job(&ctx, &job.job.id, &job.token).await;
                ran += 1;
            }
        }
        if !claimed_any {
            // Another scheduler holds them: it (or the next loop here) finishes the advance.
            return Ok(ran);
        }
    }
    Ok(ran)
}
