//! A job whose step failed for a reason of Tender's own (its unit of work answered 5xx and
//! committed nothing): the failure is counted on the job, in a unit of work of its own, and
//! the job pauses before it runs again (`ScheduledJob::record_failure`). A job on a test
//! clock that fails [`MAX_FAILURES`](tender_core::schedule::MAX_FAILURES) times in a row
//! ends its clock's advance in `internal_failure`
//! (`test_helpers.test_clock.internal_failure`), as an advance that cannot complete does on
//! Stripe; the clock then refuses further advances and can only be deleted.

use tender_core::event_kind::EventKind;
use tender_core::schedule::ScheduledJob;
use tender_wire::{ApiError, IdIn, Params};

use super::claim::wall_ms;
use super::run::nothing;
use crate::ctx::Ctx;
use crate::pipeline::{Command, Effect, run_internal};
use crate::resources::{Loaded, to_json};
use crate::services::test_clocks::load_clock;

/// Counts a failure of the job `id` held by the claim `token`.
pub async fn record_failure(ctx: &Ctx, id: &str, token: &str) {
    let reply = run_internal::<RecordFailure>(ctx, (id.to_owned(), token.to_owned())).await;
    if reply.status >= 400 {
        // The job stays claimed until its lease ends, then runs again: nothing is lost.
        tracing::warn!(job = id, status = reply.status, body = %reply.body, "cannot record a job's failure");
    }
}

struct RecordFailure {
    id: String,
    token: String,
}

impl Command for RecordFailure {
    type Path = (String, String);
    const WRITES_EVENTS: bool = true;

    fn parse(params: Params, (id, token): (String, String), _: &Ctx) -> Result<Self, ApiError> {
        params.finish()?;
        Ok(RecordFailure { id, token })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let Some(record) = ctx.find(&self.id).await? else {
            return Ok(nothing());
        };
        let mut job = Loaded::<ScheduledJob>::from_record(&record)?;
        if record.deleted || !job.object.is_held_by(&self.token) {
            return Ok(nothing());
        }
        let gave_up = job.object.record_failure(wall_ms());
        tracing::warn!(job = %self.id, failures = job.object.failures, "a scheduled step failed");
        let mut writes = vec![job.update(ctx.account_id())?];
        if let Some(clock_id) = job.object.clock.as_deref().filter(|_| gave_up) {
            let mut clock = load_clock(ctx, clock_id, IdIn::Url("id")).await?;
            if clock.object.fail_advance() {
                let json = to_json(&clock.object)?;
                writes.push(clock.update_json(ctx.account_id(), &json));
                writes.push(ctx.event_json(EventKind::TestClockInternalFailure, json, None)?);
            }
        }
        Ok(Effect::ok_json("{}".to_owned(), writes))
    }
}
