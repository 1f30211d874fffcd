//! The write path every mutating request takes:
//!
//! ```text
//! claim the key → parse (errors not saved) → execute (load + decide)
//!   → commit writes + saved response in ONE unit of work → reply
//!   (key already saved, or nothing saved: replay the key's saved response if there is one)
//! ```
//!
//! Executing is pure up to the commit, so a request that loses a race (a version conflict)
//! simply executes again on fresh state, and a request whose idempotency key another node
//! committed first replays that node's response. Nothing is charged twice.

use std::collections::HashSet;
use std::future::Future;
use std::sync::Mutex;

use serde_json::Value;
use tender_store::{IdempotencyRecord, StoreError, UnitOfWork, Write};
use tender_wire::{ApiError, ErrorType, Params};

use crate::ctx::Ctx;
use crate::http::Reply;
use crate::store_error;
use crate::webhooks::outbox;

/// How many times a request re-executes after losing a race before giving up with
/// `lock_timeout`.
const MAX_ATTEMPTS: usize = 8;

/// How many times a request whose key was saved by another request, and then pruned before
/// it could be read, runs again before giving up. Pruning keeps keys for a day, so a second
/// round is already rare.
const MAX_REPLAY_ROUNDS: usize = 3;

/// What the write path needs of a request: its context (account, key, clock), its decoded
/// parameters, and what identifies it for idempotency (method, path, parameters).
pub struct Request {
    pub ctx: Ctx,
    pub params: Params,
    pub fingerprint: String,
}

/// A mutating API call, in two steps.
pub trait Command: Sized + Send + Sync {
    /// What the route's path contributes (an id, or `()`).
    type Path: Clone + Send + Sync;

    /// Reads the parameters. Errors here mean the request never began executing, so they are
    /// not saved under its idempotency key.
    fn parse(params: Params, path: Self::Path, ctx: &Ctx) -> Result<Self, ApiError>;

    /// Loads what it needs, decides, and says what to write and what to answer. May run more
    /// than once if it loses a race, so it must not do anything but read before returning.
    fn execute(&self, ctx: &Ctx) -> impl Future<Output = Result<Effect, ApiError>> + Send;

    /// Whether executing it writes events as a rule (`payment_intent.created`, …). The
    /// account's webhook endpoints, which decide those events' deliveries, are then read
    /// while it executes rather than after: one store round trip less on the request's path.
    /// A hint only: events are delivered right either way.
    const WRITES_EVENTS: bool = false;
}

/// What executing a command produced.
#[derive(Debug)]
pub struct Effect {
    pub writes: Vec<Write>,
    pub status: u16,
    /// The answer's JSON text.
    pub body: String,
}

impl Effect {
    pub fn ok(body: Value, writes: Vec<Write>) -> Effect {
        Effect::ok_json(body.to_string(), writes)
    }

    /// [`Effect::ok`] with an answer already serialized.
    pub fn ok_json(body: String, writes: Vec<Write>) -> Effect {
        Effect {
            writes,
            status: 200,
            body,
        }
    }

    /// An error decided while executing, saved under the request's idempotency key like a
    /// success, with the writes that still happen (a declined payment's failed charge).
    pub fn error(error: &ApiError, writes: Vec<Write>) -> Effect {
        Effect {
            writes,
            status: error.status,
            body: error.to_body().to_string(),
        }
    }
}

/// Idempotency keys being executed on this node right now.
#[derive(Default)]
pub struct InFlight {
    keys: Mutex<HashSet<(String, String)>>,
}

/// Holds a claim on a key until dropped, even if the client disconnects mid-request.
struct Claim<'a> {
    in_flight: &'a InFlight,
    key: (String, String),
}

impl InFlight {
    fn claim(&self, account: &str, key: &str) -> Option<Claim<'_>> {
        let key = (account.to_owned(), key.to_owned());
        let inserted = self
            .keys
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(key.clone());
        // The guard is gone before a `Claim` exists: dropping one locks the set again.
        inserted.then(|| Claim {
            in_flight: self,
            key,
        })
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        let mut keys = self
            .in_flight
            .keys
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        keys.remove(&self.key);
    }
}

/// Runs a mutating request through the write path.
///
/// A request with an idempotency key does not read the key's saved response first: the
/// commit refuses a key that is already saved (`IdempotencyKeyTaken`), and only then is the
/// saved response read and replayed. That saves a read on every first attempt, the common
/// case. The answers are the same as reading first: a request that ends without saving
/// anything (its parameters do not parse, storage failed) looks for a saved response before
/// answering, so a retry with different parameters still gets `idempotency_error`.
pub async fn mutate<C: Command>(request: Request, path: C::Path) -> Reply {
    let Request {
        ctx,
        params,
        fingerprint,
    } = request;
    let Some(key) = ctx.idempotency_key.clone() else {
        return mutate_without_key::<C>(&ctx, params, path).await;
    };
    for _ in 0..MAX_REPLAY_ROUNDS {
        let outcome = match ctx.state.in_flight.claim(ctx.account_id(), &key) {
            Some(_claim) => {
                let saved = Saved {
                    key: key.clone(),
                    fingerprint: fingerprint.clone(),
                };
                run::<C>(&ctx, params.clone(), path.clone(), Some(saved)).await
            }
            None => Outcome::NotSaved(Reply::error(&key_in_use(&key))),
        };
        let unsaved = match outcome {
            Outcome::Committed(reply) => return reply,
            Outcome::NotSaved(reply) => Some(reply),
            Outcome::KeyTaken => None,
        };
        match (
            ctx.store().idempotency(ctx.account_id(), &key).await,
            unsaved,
        ) {
            (Ok(Some(saved)), _) => return replay(saved, &fingerprint, &key),
            (Ok(None), Some(reply)) => return reply,
            // Taken, then gone: the saved response expired in between. Run it again.
            (Ok(None), None) => continue,
            (Err(error), _) => return Reply::error(&store_error(error)),
        }
    }
    // A key that keeps being taken and pruned between two reads: answer as for a conflict,
    // which the SDKs retry, rather than loop.
    Reply::error(&store_error(StoreError::Conflict { id: key }))
}

/// Runs a mutating request that carries no idempotency key (hosted pages, internal triggers).
pub async fn mutate_without_key<C: Command>(ctx: &Ctx, params: Params, path: C::Path) -> Reply {
    match run::<C>(ctx, params, path, None).await {
        Outcome::Committed(reply) | Outcome::NotSaved(reply) => reply,
        Outcome::KeyTaken => Reply::error(&ApiError::internal()),
    }
}

/// Runs a unit of work Tender starts itself (a scheduled step, the end of a clock's advance):
/// no parameters, no idempotency key.
pub async fn run_internal<C: Command>(ctx: &Ctx, path: C::Path) -> Reply {
    mutate_without_key::<C>(ctx, Params::empty(), path).await
}

struct Saved {
    key: String,
    fingerprint: String,
}

/// How a request's run ended.
enum Outcome {
    /// Its answer was committed with its writes (and saved under its key, if any), or it had
    /// nothing to write or save.
    Committed(Reply),
    /// Its answer was not saved: parameters that do not parse, or a failure of Tender's own.
    NotSaved(Reply),
    /// Another request committed a response under its idempotency key first.
    KeyTaken,
}

async fn run<C: Command>(
    ctx: &Ctx,
    params: Params,
    path: C::Path,
    saved: Option<Saved>,
) -> Outcome {
    let command = match C::parse(params, path, ctx) {
        Ok(command) => command,
        Err(error) => return Outcome::NotSaved(Reply::error(&error)),
    };
    for _ in 0..MAX_ATTEMPTS {
        ctx.clear_reads();
        let (executed, endpoints) = if C::WRITES_EVENTS {
            let (executed, endpoints) = tokio::join!(command.execute(ctx), outbox::endpoints(ctx));
            (executed, Some(endpoints))
        } else {
            (command.execute(ctx).await, None)
        };
        let (mut writes, status, body) = match executed {
            Ok(effect) => (effect.writes, effect.status, effect.body),
            // Our own failures (storage down) are not the request's outcome: don't save them.
            Err(error) if error.error_type == ErrorType::ApiError => {
                return Outcome::NotSaved(Reply::error(&error));
            }
            Err(error) => {
                // An error decided on objects that changed meanwhile may be wrong (a payment
                // method "already used" by the very confirmation that beat this one): decide
                // again on the current state. Successes are checked by their writes' versions.
                match ctx.reads_still_current().await {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(failure) => return Outcome::NotSaved(Reply::error(&failure)),
                }
                (Vec::new(), error.status, error.to_body().to_string())
            }
        };
        let idempotency = saved.as_ref().map(|saved| IdempotencyRecord {
            account: ctx.account_id().to_owned(),
            key: saved.key.clone(),
            fingerprint: saved.fingerprint.clone(),
            request_id: ctx.request_id.clone(),
            status,
            body: body.clone(),
            created: ctx.wall,
        });
        let reply = Reply {
            status,
            body,
            idempotency_key: saved.as_ref().map(|s| s.key.clone()),
            original_request: saved.as_ref().map(|_| ctx.request_id.clone()),
            replayed: false,
        };
        if writes.is_empty() && idempotency.is_none() {
            return Outcome::Committed(reply);
        }
        let deliveries = match outbox::plan(ctx, &mut writes, endpoints).await {
            Ok(deliveries) => deliveries,
            Err(error) => return Outcome::NotSaved(Reply::error(&error)),
        };
        let wake_dispatcher = !deliveries.is_empty();
        let unit = UnitOfWork {
            writes,
            idempotency,
            deliveries,
        };
        match ctx.store().commit(unit).await {
            Ok(()) => {
                if wake_dispatcher {
                    ctx.state.webhooks.notify_one();
                }
                return Outcome::Committed(reply);
            }
            Err(StoreError::Conflict { id }) => {
                tracing::debug!(%id, "lost a race; executing again");
            }
            Err(StoreError::IdempotencyKeyTaken) => return Outcome::KeyTaken,
            Err(error) => return Outcome::NotSaved(Reply::error(&store_error(error))),
        }
    }
    Outcome::NotSaved(Reply::error(&lock_timeout()))
}

fn replay(saved: IdempotencyRecord, fingerprint: &str, key: &str) -> Reply {
    if saved.fingerprint != fingerprint {
        return Reply::error(&ApiError::new(
            400,
            ErrorType::IdempotencyError,
            format!(
                "Keys for idempotent requests can only be used with the same parameters they \
                 were first used with. Try using a key other than '{key}' if you meant to \
                 execute a different request."
            ),
        ));
    }
    Reply {
        status: saved.status,
        body: saved.body,
        idempotency_key: Some(saved.key),
        original_request: Some(saved.request_id),
        replayed: true,
    }
}

pub(crate) fn key_in_use(key: &str) -> ApiError {
    ApiError::new(
        409,
        ErrorType::IdempotencyError,
        format!(
            "There is currently another in-progress request using this Idempotent Key (that \
             probably means you submitted twice, and the other request is still going \
             through): {key}. Please try again later."
        ),
    )
    .with_code("idempotency_key_in_use")
}

pub(crate) fn lock_timeout() -> ApiError {
    ApiError::invalid_request(
        "This object cannot be accessed right now because another API request or Stripe \
         process is currently accessing it. If you see this error intermittently, retry the \
         request. If you see this error frequently and are making multiple concurrent \
         requests to a single object, make your requests serially or at a lower rate.",
    )
    .with_status(429)
    .with_code("lock_timeout")
}
