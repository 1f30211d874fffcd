//! Scheduling a job: a write of the unit of work that makes it due (so that nothing scheduled
//! is lost, and nothing is scheduled for a change that did not commit).

use tender_core::schedule::ScheduledJob;
use tender_store::Write;
use tender_wire::ApiError;

use crate::ctx::Ctx;
use crate::resources::insert;

/// Schedules `job` in `writes`, unless the same step (the same id: action, subject and due
/// time) is already scheduled, by this unit of work or an earlier one.
pub async fn schedule(
    ctx: &Ctx,
    writes: &mut Vec<Write>,
    job: ScheduledJob,
) -> Result<(), ApiError> {
    if writes.iter().any(|w| w.record.id == job.id) || ctx.find(&job.id).await?.is_some() {
        return Ok(());
    }
    writes.push(insert(ctx.account_id(), &job)?);
    Ok(())
}

/// [`schedule`] for a subject this unit of work creates: nothing can be scheduled for it yet,
/// so nothing is read.
pub fn schedule_new(ctx: &Ctx, writes: &mut Vec<Write>, job: ScheduledJob) -> Result<(), ApiError> {
    if writes.iter().any(|w| w.record.id == job.id) {
        return Ok(());
    }
    writes.push(insert(ctx.account_id(), &job)?);
    Ok(())
}
