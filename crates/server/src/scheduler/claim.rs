//! Claiming due jobs under a lease. A claim is a versioned write of the job's lease, so of two
//! schedulers (on this node or another) reading the same due job, one commits its claim and
//! the other gets a conflict and leaves the job alone. A scheduler that dies holding a lease
//! holds it only until the lease ends; then any scheduler claims the job again.

use std::time::{SystemTime, UNIX_EPOCH};

use tender_core::Timestamp;
use tender_core::schedule::ScheduledJob;
use tender_store::{Account, CreatedRange, ListQuery, StoreError, TagFilter, UnitOfWork};
use tender_wire::ApiError;

use crate::resources::{Loaded, job_tag};
use crate::services::list::every;
use crate::state::AppState;
use crate::store_error;

/// How long a claim holds a job: far longer than a round of [`CLAIM_BATCH`] jobs takes,
/// short enough that a crashed node's jobs (a clock it was advancing) run again soon after.
/// A lease that runs out mid-step costs at most a wasted step: the job's version still lets
/// only one runner commit.
pub const LEASE_MS: i64 = 5_000;

/// The most jobs one claim takes: a round of them runs well within the lease.
pub const CLAIM_BATCH: usize = 50;

/// How many due jobs one listing reads.
const PAGE: usize = 200;

/// A job this scheduler holds, at the version its claim wrote.
pub struct Claimed {
    pub job: ScheduledJob,
    pub token: String,
}

/// Every job of `account` following `clock` (the wall clock when `None`) due by `due_by`,
/// earliest first (then by id), whether leased or not.
pub async fn due_jobs(
    state: &AppState,
    account: &Account,
    clock: Option<&str>,
    due_by: Timestamp,
) -> Result<Vec<Loaded<ScheduledJob>>, ApiError> {
    let query = ListQuery {
        account: account.id.clone(),
        kind: ScheduledJob::OBJECT.to_owned(),
        tag: Some(TagFilter::Exact(job_tag(clock).to_owned())),
        created: CreatedRange {
            lte: Some(due_by),
            ..CreatedRange::default()
        },
        ..ListQuery::default()
    };
    let mut jobs = every(state.store.as_ref(), query, PAGE)
        .await?
        .iter()
        .map(Loaded::<ScheduledJob>::from_record)
        .collect::<Result<Vec<_>, _>>()?;
    jobs.sort_by(|a, b| (a.object.due, &a.object.id).cmp(&(b.object.due, &b.object.id)));
    Ok(jobs)
}

/// Claims the first [`CLAIM_BATCH`] claimable ones among `jobs` (earliest first), in one commit; when another
/// scheduler claimed one of them meanwhile, one by one, so that the others are still taken.
pub async fn claim(
    state: &AppState,
    account: &Account,
    jobs: Vec<Loaded<ScheduledJob>>,
) -> Result<Vec<Claimed>, ApiError> {
    let now_ms = wall_ms();
    let token = format!("{:032x}", rand::random::<u128>());
    let mut claimed = Vec::new();
    for mut job in jobs {
        if claimed.len() == CLAIM_BATCH {
            break;
        }
        if job.object.claim(now_ms, LEASE_MS, token.clone()) {
            claimed.push(job);
        }
    }
    let unit = |jobs: &[Loaded<ScheduledJob>]| -> Result<UnitOfWork, ApiError> {
        Ok(UnitOfWork {
            writes: jobs
                .iter()
                .map(|job| job.update(&account.id))
                .collect::<Result<_, _>>()?,
            ..UnitOfWork::default()
        })
    };
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    match state.store.commit(unit(&claimed)?).await {
        Ok(()) => return Ok(held(claimed, &token)),
        Err(StoreError::Conflict { .. }) => {}
        Err(error) => return Err(store_error(error)),
    }
    let mut taken = Vec::new();
    for job in claimed {
        match state.store.commit(unit(std::slice::from_ref(&job))?).await {
            Ok(()) => taken.push(job),
            Err(StoreError::Conflict { .. }) => {}
            Err(error) => return Err(store_error(error)),
        }
    }
    Ok(held(taken, &token))
}

fn held(jobs: Vec<Loaded<ScheduledJob>>, token: &str) -> Vec<Claimed> {
    jobs.into_iter()
        .map(|job| Claimed {
            job: job.object,
            token: token.to_owned(),
        })
        .collect()
}

/// The wall clock in Unix milliseconds: leases are on real time even for jobs on a test
/// clock, since they protect real schedulers from each other.
pub fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}
