//! [`Ctx`]: what a handler knows about the request it serves, and the loads it can make.

use std::sync::{Arc, Mutex};

use serde_json::Value;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use tender_core::Timestamp;
use tender_core::event::{Event, EventRequest};
use tender_core::event_kind::EventKind;
use tender_store::{Account, Record, Store, Write};
use tender_wire::{ApiError, IdIn};

use crate::http::KeyKind;
use crate::resources::{Loaded, Resource, insert, new_id, unparsable};
use crate::state::AppState;
use crate::store_error;

/// The context of one API request.
pub struct Ctx {
    pub state: Arc<AppState>,
    pub account: Arc<Account>,
    pub key: KeyKind,
    pub request_id: String,
    pub idempotency_key: Option<String>,
    /// The time of the objects this work writes, read once so that they all agree: the
    /// request's time, except for work on a test clock's objects (its frozen time) and for a
    /// scheduled step (its due time).
    pub now: Timestamp,
    /// Tender's own time when the work began (the system clock, moved only on a test server
    /// by the Tender clock): what events and payments are dated at, as on Stripe, where a
    /// test clock's renewal makes a PaymentIntent and events with real times.
    pub wall: Timestamp,
    /// Where this server is reached (`http://host:port`), for links to its hosted pages.
    pub origin: String,
    /// The IP address and user agent of the request's sender (none for Tender's own work):
    /// what a mandate accepted online with `infer_from_client` records.
    pub client: tender_core::mandate::Client,
    /// What this attempt read (id → version; `None` for absent), so that an answer decided on
    /// a snapshot a concurrent request has since changed can be decided again.
    reads: Mutex<Vec<(String, Option<i64>)>>,
}

impl Ctx {
    pub fn new(
        state: Arc<AppState>,
        account: Arc<Account>,
        key: KeyKind,
        request_id: String,
        idempotency_key: Option<String>,
        origin: String,
    ) -> Ctx {
        let now = state.clock.now();
        Ctx {
            state,
            account,
            key,
            request_id,
            idempotency_key,
            now,
            wall: now,
            origin,
            client: tender_core::mandate::Client::default(),
            reads: Mutex::new(Vec::new()),
        }
    }

    /// This context for a request sent by `client`.
    pub fn with_client(mut self, client: tender_core::mandate::Client) -> Ctx {
        self.client = client;
        self
    }

    /// The context of work Tender does on its own for `account` (a renewal): the secret
    /// key's view, and no request, so its events' `request.id` is null; its links lead to
    /// this node.
    pub fn for_job(state: Arc<AppState>, account: Arc<Account>) -> Ctx {
        let origin = state.origin.clone();
        Ctx::new(state, account, KeyKind::Secret, String::new(), None, origin)
    }

    /// Forgets what earlier attempts read.
    pub fn clear_reads(&self) {
        self.reads.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// Whether everything this attempt read is still as it was read.
    pub async fn reads_still_current(&self) -> Result<bool, ApiError> {
        let reads = self.reads.lock().unwrap_or_else(|p| p.into_inner()).clone();
        for (id, version) in reads {
            let now = self
                .store()
                .get(&self.account.id, &id)
                .await
                .map_err(store_error)?
                .map(|record| record.version);
            if now != version {
                return Ok(false);
            }
        }
        Ok(true)
    }

    pub fn store(&self) -> &dyn Store {
        self.state.store.as_ref()
    }

    pub fn account_id(&self) -> &str {
        &self.account.id
    }

    /// A record of this account by id, if any.
    pub async fn find(&self, id: &str) -> Result<Option<Record>, ApiError> {
        let record = self
            .store()
            .get(&self.account.id, id)
            .await
            .map_err(store_error)?;
        self.reads
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((id.to_owned(), record.as_ref().map(|r| r.version)));
        Ok(record)
    }

    /// Loads an object of type `R`; a missing id (or one of another kind or account) is
    /// `resource_missing` naming where the request named it.
    pub async fn load<R: Resource>(
        &self,
        id: &str,
        named: IdIn<'_>,
    ) -> Result<Loaded<R>, ApiError> {
        Loaded::from_record(&self.find_of::<R>(id, named).await?)
    }

    /// The stored body of an `R` as JSON text, only checked to be JSON: what a retrieve with the
    /// secret key and nothing to expand answers, since bodies are stored in their wire shape
    /// (docs/decisions/0009-stored-bodies-are-the-answer.md). Missing is as in [`Ctx::load`].
    pub async fn load_stored<R: Resource>(
        &self,
        id: &str,
        named: IdIn<'_>,
    ) -> Result<Box<RawValue>, ApiError> {
        let record = self.find_of::<R>(id, named).await?;
        RawValue::from_string(record.body).map_err(|e| unparsable(id, &e))
    }

    /// The record of `id` if it is an `R` of this account; otherwise `resource_missing`.
    async fn find_of<R: Resource>(&self, id: &str, named: IdIn<'_>) -> Result<Record, ApiError> {
        match self.find(id).await? {
            Some(record) if record.kind == R::OBJECT => Ok(record),
            _ => Err(ApiError::resource_missing(R::OBJECT, id, named)),
        }
    }

    /// A new event about `object`, as a write of this request's unit of work.
    pub fn event(
        &self,
        kind: EventKind,
        object: Value,
        previous_attributes: Option<Value>,
    ) -> Result<Write, ApiError> {
        self.event_json(
            kind,
            crate::resources::to_json(&object)?,
            previous_attributes,
        )
    }

    /// [`Ctx::event`] about an object already serialized (see [`crate::resources::to_json`]),
    /// whose text the event embeds as it is.
    pub fn event_json(
        &self,
        kind: EventKind,
        object: Box<RawValue>,
        previous_attributes: Option<Value>,
    ) -> Result<Write, ApiError> {
        let event = Event::new(
            new_id::<Event>(),
            kind,
            object,
            previous_attributes,
            EventRequest {
                // Events of work no request asked for (an expiry) name no request, as on Stripe.
                id: (!self.request_id.is_empty()).then(|| self.request_id.clone()),
                idempotency_key: self.idempotency_key.clone(),
            },
            self.wall,
        );
        insert(&self.account.id, &event)
    }

    /// The per-account key for card fingerprints: the same card has the same fingerprint
    /// within an account and an unrelated one in any other. Derived from the account id only,
    /// never from a key that could be rolled: stored test cards are recognised by recomputing
    /// their fingerprint (see `tender_core::card::behavior_of_stored_card`).
    pub fn fingerprint_key(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(b"tender card fingerprint\n");
        hasher.update(self.account.id.as_bytes());
        hasher.finalize().into()
    }
}
