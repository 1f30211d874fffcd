//! Subscriptions stored by a Tender from before the scheduler (issue #24) have no job: every
//! change since schedules its subscription's next step, but one that has not changed since
//! would never renew. Once per account, when a node starts, each live subscription gets the
//! job of its next step if it has none ([`schedule_wake`] schedules nothing when that job
//! exists); then a mark record says the account is done, so later starts read nothing more
//! than the mark (an account without live subscriptions gets none: its next start finds
//! none again at the cost of one empty list). Two nodes starting together may both do it:
//! scheduling is idempotent (a job's id is its action, subject and due time) and the second
//! mark's insert just conflicts.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tender_core::Timestamp;
use tender_core::billing::subscription::Subscription;
use tender_core::billing::subscription_status::{SubscriptionStatus, is_ended};
use tender_store::{Account, Cursor, ListQuery, StoreError, TagFilter, UnitOfWork};
use tender_wire::{ApiError, Params};

use crate::ctx::Ctx;
use crate::pipeline::{Command, Effect, run_internal};
use crate::resources::{Resource, insert};
use crate::services::billing::wake::{Subject, schedule_wake};
use crate::state::AppState;
use crate::store_error;

/// Subscriptions read per list call.
const PAGE: usize = 200;

/// Says that an account's subscriptions all have their jobs. Never rendered.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SchedulerBackfill {
    pub id: String,
    pub created: Timestamp,
}

/// The mark's id for `account` (ids are unique across the store).
pub fn mark_id(account: &str) -> String {
    format!("schedbackfill_{account}")
}

/// Schedules the missing jobs of every account not yet marked done. Returns how many
/// subscriptions it looked at.
pub async fn backfill(state: &Arc<AppState>) -> Result<usize, ApiError> {
    let accounts = state.store.accounts().await.map_err(store_error)?;
    let mut seen = 0;
    for account in accounts {
        let mark = state
            .store
            .get(&account.id, &mark_id(&account.id))
            .await
            .map_err(store_error)?;
        if mark.is_some_and(|m| !m.deleted) {
            continue;
        }
        seen += backfill_account(state, Arc::new(account)).await?;
    }
    Ok(seen)
}

async fn backfill_account(state: &Arc<AppState>, account: Arc<Account>) -> Result<usize, ApiError> {
    let live = SubscriptionStatus::ALL
        .iter()
        .filter(|s| !is_ended(**s))
        .map(|s| s.as_str().to_owned())
        .collect();
    let mut query = ListQuery {
        account: account.id.clone(),
        kind: Subscription::OBJECT.to_owned(),
        tag: Some(TagFilter::AnyOf(live)),
        limit: PAGE,
        ..ListQuery::default()
    };
    let ctx = Ctx::for_job(state.clone(), account.clone());
    let mut seen = 0;
    // A page at a time: an account may hold many subscriptions.
    loop {
        let mut page = state.store.list(&query).await.map_err(store_error)?;
        let more = page.len() > PAGE;
        page.truncate(PAGE);
        for record in &page {
            let reply = run_internal::<ScheduleNext>(&ctx, record.id.clone()).await;
            if reply.status >= 400 {
                // Not marked done: the next start tries again.
                tracing::warn!(subscription = %record.id, status = reply.status, body = %reply.body, "cannot schedule a subscription's next step");
                return Ok(seen);
            }
        }
        seen += page.len();
        match page.last() {
            Some(last) if more => query.cursor = Some(Cursor::After(last.id.clone())),
            _ => break,
        }
    }
    if seen == 0 {
        // Nothing to look at, now or next time: no mark needed.
        return Ok(0);
    }
    let mark = SchedulerBackfill {
        id: mark_id(&account.id),
        created: ctx.now,
    };
    let unit = UnitOfWork {
        writes: vec![insert(&account.id, &mark)?],
        ..UnitOfWork::default()
    };
    match state.store.commit(unit).await {
        Ok(()) | Err(StoreError::Conflict { .. }) => Ok(seen),
        Err(error) => Err(store_error(error)),
    }
}

/// Schedules subscription `id`'s next step unless it is scheduled already.
struct ScheduleNext {
    id: String,
}

impl Command for ScheduleNext {
    type Path = String;
    const WRITES_EVENTS: bool = false;

    fn parse(params: Params, id: String, _: &Ctx) -> Result<Self, ApiError> {
        params.finish()?;
        Ok(ScheduleNext { id })
    }

    async fn execute(&self, ctx: &Ctx) -> Result<Effect, ApiError> {
        let mut writes = Vec::new();
        schedule_wake(ctx, &mut writes, &self.id, Subject::Existing).await?;
        Ok(Effect::ok_json("{}".to_owned(), writes))
    }
}
