//! A subscription and the scheduler: the job that runs its next step (`scheduler`), and the
//! step itself — whichever of the expiry (`expiry.rs`) or the renewal steps (`renewal.rs`)
//! is due. When the next one is due is core's decision (`tender_core::billing::wake`).

use tender_core::Timestamp;
use tender_core::billing::documents::Invoice;
use tender_core::billing::subscription::Subscription;
use tender_core::billing::subscription_status::{SubscriptionStatus, is_expired};
use tender_core::billing::wake::{WakeFacts, next_wake};
use tender_core::schedule::{JobAction, ScheduledJob};
use tender_store::Write;
use tender_wire::{ApiError, IdIn};

use super::TrialReminder;
use super::expiry::expire;
use super::renewal::{self, invoice_facts};
use super::staged::Staged;
use crate::ctx::Ctx;
use crate::scheduler::{Step, schedule, schedule_new};

/// Whether the subscription was created by this unit of work (nothing is scheduled for it
/// yet, so nothing needs reading) or already existed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    New,
    Existing,
}

/// Schedules the job of subscription `id`'s next step as `writes` leave it, if it has one.
pub async fn schedule_wake(
    ctx: &Ctx,
    writes: &mut Vec<Write>,
    id: &str,
    subject: Subject,
) -> Result<(), ApiError> {
    let subscription = Staged::<Subscription>::find(ctx, id, writes, IdIn::Url("id"))
        .await?
        .object;
    let Some(due) = next_wake(
        &subscription,
        facts(ctx, &subscription, writes, subject).await?,
    ) else {
        return Ok(());
    };
    let job = ScheduledJob::new(
        JobAction::Subscription,
        id,
        due,
        subscription.test_clock.clone(),
    );
    match subject {
        Subject::New => schedule_new(ctx, writes, job),
        Subject::Existing => schedule(ctx, writes, job).await,
    }
}

/// Runs the step due for subscription `id` at `ctx.now` and says when the next one is.
pub async fn step(ctx: &Ctx, id: &str) -> Result<Step, ApiError> {
    let subscription = ctx.load::<Subscription>(id, IdIn::Url("id")).await?.object;
    let effect = if is_expired(subscription.status, subscription.created, ctx.now) {
        expire(ctx, id).await?
    } else {
        renewal::step(ctx, id).await?
    };
    let next = next_after(ctx, id, &effect.writes).await?;
    Ok(Step { effect, next })
}

/// When subscription `id` is next due, as `writes` leave it.
async fn next_after(ctx: &Ctx, id: &str, writes: &[Write]) -> Result<Option<Timestamp>, ApiError> {
    let subscription = Staged::<Subscription>::find(ctx, id, writes, IdIn::Url("id"))
        .await?
        .object;
    let facts = facts(ctx, &subscription, writes, Subject::Existing).await?;
    Ok(next_wake(&subscription, facts))
}

/// What the wake depends on besides the subscription, as `writes` leave it.
async fn facts(
    ctx: &Ctx,
    subscription: &Subscription,
    writes: &[Write],
    subject: Subject,
) -> Result<WakeFacts, ApiError> {
    let reminder = TrialReminder::id_for(&subscription.id);
    let trial_reminder_sent = subject == Subject::Existing
        && subscription.status == SubscriptionStatus::Trialing
        && (writes.iter().any(|w| w.record.id == reminder) || ctx.find(&reminder).await?.is_some());
    let latest_invoice = match &subscription.latest_invoice {
        Some(invoice) => Staged::<Invoice>::try_find(ctx, invoice, writes)
            .await?
            .map(|staged| invoice_facts(&staged.object)),
        None => None,
    };
    Ok(WakeFacts {
        trial_reminder_sent,
        latest_invoice,
    })
}
