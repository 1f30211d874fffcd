//! An object one unit of work may already be writing. Creating a subscription writes its
//! invoice and then confirms the invoice's PaymentIntent in the same unit of work; settling
//! that payment must change the invoice about to be inserted, not insert it twice or read
//! the store, where it is not yet. [`Staged`] finds an object among the pending writes first
//! and replaces its write in place, so each object has one write per unit of work.

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use tender_store::Write;
use tender_wire::{ApiError, IdIn};

use crate::ctx::Ctx;
use crate::resources::{Loaded, Resource, persist_json, to_json, unparsable};

/// An object read from the pending writes or from the store.
pub struct Staged<R> {
    pub object: R,
    slot: Slot,
}

enum Slot {
    /// The index of its write among the pending ones.
    Pending(usize),
    /// Stored at this version.
    Stored(i64),
}

impl<R: Resource + DeserializeOwned> Staged<R> {
    /// The object `id` as this unit of work leaves it so far, or `resource_missing`.
    pub async fn find(
        ctx: &Ctx,
        id: &str,
        pending: &[Write],
        named: IdIn<'_>,
    ) -> Result<Staged<R>, ApiError> {
        if let Some(index) = pending.iter().position(|w| w.record.id == id) {
            let body = &pending[index].record.body;
            let object = serde_json::from_str(body).map_err(|e| unparsable(id, &e))?;
            return Ok(Staged {
                object,
                slot: Slot::Pending(index),
            });
        }
        let loaded = ctx.load::<R>(id, named).await?;
        Ok(Staged {
            object: loaded.object,
            slot: Slot::Stored(loaded.version),
        })
    }

    /// [`Staged::find`] of an object that may not exist.
    pub async fn try_find(
        ctx: &Ctx,
        id: &str,
        pending: &[Write],
    ) -> Result<Option<Staged<R>>, ApiError> {
        if pending.iter().any(|w| w.record.id == id) {
            return Staged::find(ctx, id, pending, IdIn::Param("id"))
                .await
                .map(Some);
        }
        match ctx.find(id).await? {
            Some(record) if record.kind == R::OBJECT => {
                let loaded = Loaded::<R>::from_record(&record)?;
                Ok(Some(Staged {
                    object: loaded.object,
                    slot: Slot::Stored(loaded.version),
                }))
            }
            _ => Ok(None),
        }
    }

    /// The same record holding `object` instead (a transition's new state).
    pub fn with(self, object: R) -> Staged<R> {
        Staged {
            object,
            slot: self.slot,
        }
    }

    /// Writes the object's new state: over its pending write, or as an update of the stored
    /// version (which is then its pending write). Answers the JSON written, for the events
    /// that carry it. Indexes are positions in `writes`: remove none before this object's.
    pub fn write(&mut self, ctx: &Ctx, writes: &mut Vec<Write>) -> Result<Box<RawValue>, ApiError> {
        let json = to_json(&self.object)?;
        match self.slot {
            Slot::Pending(index) => {
                let read = writes[index].expected_version;
                writes[index] = persist_json(ctx.account_id(), &self.object, read, &json);
            }
            Slot::Stored(version) => {
                writes.push(persist_json(
                    ctx.account_id(),
                    &self.object,
                    Some(version),
                    &json,
                ));
                self.slot = Slot::Pending(writes.len() - 1);
            }
        }
        Ok(json)
    }
}
