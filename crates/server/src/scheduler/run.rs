//! Running one claimed job: its step, the job marked done and the next one scheduled, in one
//! unit of work (`pipeline`, with the job's events in the outbox). The job is written at the
//! version its claim left it, so a scheduler that lost its lease to another cannot commit
//! the same step again.

use tender_core::Timestamp;
use tender_core::schedule::{JobAction, ScheduledJob};
use tender_store::Write;
use tender_wire::{ApiError, ErrorType, Params};

use super::failure::record_failure;
use super::jobs::schedule;
use crate::ctx::Ctx;
use crate::pipeline::{Command, Effect, run_internal};
use crate::resources::{Loaded, persist, record};
use crate::services::billing::wake;
use crate::services::settle_later;

/// How long a job that made no progress waits before it runs again: the step it found due
/// was not (a rule and its wake disagree), and running it again at once would spin.
const STALLED_RETRY: i64 = 3600;

/// What a step did, and when its subject next needs a job.
pub struct Step {
    pub effect: Effect,
    pub next: Option<Timestamp>,
}

/// Runs the job `id` held by the claim `token`. Returns whether the unit of work committed;
/// when it failed on Tender's side, the failure is counted on the job (`failure.rs`).
pub async fn run_job(ctx: &Ctx, id: &str, token: &str) -> bool {
    let reply = run_internal::<RunJob>(ctx, (id.to_owned(), token.to_owned())).await;
    if reply.status >= 500 {
        tracing::warn!(job = id, status = reply.status, body = %reply.body, "job failed");
        record_failure(ctx, id, token).await;
        return false;
    }
    true
}

struct RunJob {
    id: String,
    token: String,
}

impl Command for RunJob {
    type Path = (String, String);
    const WRITES_EVENTS: bool = true;

    fn parse(params: Params, (id, token): (String, String), _: &Ctx) -> Result<Self, ApiError> {
        params.finish()?;
        Ok(RunJob { id, token })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let Some(record) = ctx.find(&self.id).await? else {
            return Ok(nothing());
        };
        let job = Loaded::<ScheduledJob>::from_record(&record)?;
        // Done already, or claimed by another scheduler since: not ours to run.
        if record.deleted || !job.object.is_held_by(&self.token) {
            return Ok(nothing());
        }
        let step = match job.object.action {
            JobAction::Subscription => wake::step(ctx, &job.object.subject).await,
            JobAction::SettlePayment => {
                settle_later::settle_payment(ctx, &job.object.subject).await
            }
            JobAction::SettleRefund => settle_later::settle_refund(ctx, &job.object.subject).await,
        };
        let step = match step {
            Ok(step) => step,
            // Tender's own failure (storage): nothing commits, the job stays due.
            Err(error) if error.error_type == ErrorType::ApiError => return Err(error),
            Err(error) => {
                tracing::warn!(job = %self.id, ?error, "a scheduled step was refused");
                Step {
                    effect: nothing(),
                    next: Some(ctx.now + STALLED_RETRY),
                }
            }
        };
        let Step { effect, next } = step;
        let Effect {
            mut writes,
            status,
            body,
        } = effect;
        let next = next.map(|at| {
            if at <= ctx.now && writes.is_empty() {
                tracing::warn!(job = %self.id, "a scheduled step found nothing to do");
                ctx.now + STALLED_RETRY
            } else {
                at
            }
        });
        finish(ctx, job, next, &mut writes).await?;
        Ok(Effect {
            writes,
            status,
            body,
        })
    }
}

/// Marks `job` done and schedules its subject's next job at `next`. When that is the same
/// step (same id), the job is kept and released instead.
async fn finish(
    ctx: &Ctx,
    job: Loaded<ScheduledJob>,
    next: Option<Timestamp>,
    writes: &mut Vec<Write>,
) -> Result<(), ApiError> {
    let following = next.map(|at| {
        ScheduledJob::new(
            job.object.action,
            &job.object.subject,
            at,
            job.object.clock.clone(),
        )
    });
    if let Some(following) = following.as_ref().filter(|f| f.id == job.object.id) {
        writes.push(persist(ctx.account_id(), following, Some(job.version))?);
        return Ok(());
    }
    writes.push(Write {
        record: record(ctx.account_id(), &job.object, job.version + 1, true)?,
        expected_version: Some(job.version),
    });
    if let Some(following) = following {
        schedule(ctx, writes, following).await?;
    }
    Ok(())
}

/// The answer of a unit of work that writes nothing.
pub(super) fn nothing() -> Effect {
    Effect::ok_json("{}".to_owned(), Vec::new())
}
