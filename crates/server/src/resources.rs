//! How domain objects become store records: which kind, which list columns.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use tender_core::event::Event;
use tender_store::{IndexKeys, Record, Write};
use tender_wire::ApiError;

/// A domain object stored as one record.
pub trait Resource: Serialize + DeserializeOwned {
    /// The object's `object` name, also its record kind and the word in "No such …" errors.
    const OBJECT: &'static str;
    fn id(&self) -> &str;
    fn created(&self) -> i64;
    /// The list columns this object fills.
    fn index(&self) -> IndexKeys {
        IndexKeys::default()
    }
}

impl Resource for Event {
    const OBJECT: &'static str = "event";
    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> i64 {
        self.created
    }
    fn index(&self) -> IndexKeys {
        IndexKeys {
            tag: Some(self.kind.clone()),
            ..IndexKeys::default()
        }
    }
}

/// An object as loaded, with the version a later write must name.
#[derive(Clone, Debug)]
pub struct Loaded<R> {
    pub object: R,
    pub version: i64,
}

impl<R: Resource> Loaded<R> {
    pub fn from_record(record: &Record) -> Result<Loaded<R>, ApiError> {
        let object = serde_json::from_str(&record.body).map_err(|e| unparsable(&record.id, &e))?;
        Ok(Loaded {
            object,
            version: record.version,
        })
    }

    /// The write that stores this object's new state.
    pub fn update(&self, account: &str) -> Result<Write, ApiError> {
        Ok(Write {
            record: record(account, &self.object, self.version + 1, false)?,
            expected_version: Some(self.version),
        })
    }

    /// [`Loaded::update`] from the object's JSON as [`to_json`] made it.
    pub fn update_json(&self, account: &str, json: &RawValue) -> Write {
        Write {
            record: record_with_body(
                account,
                &self.object,
                json.get().to_owned(),
                self.version + 1,
                false,
            ),
            expected_version: Some(self.version),
        }
    }
}

/// The write that stores a new object.
pub fn insert<R: Resource>(account: &str, object: &R) -> Result<Write, ApiError> {
    Ok(Write {
        record: record(account, object, 1, false)?,
        expected_version: None,
    })
}

/// The write that stores a new object, from its JSON as [`to_json`] made it (so that a
/// request serializing an object once can also embed it in events and its answer).
pub fn insert_json<R: Resource>(account: &str, object: &R, json: &RawValue) -> Write {
    Write {
        record: record_with_body(account, object, json.get().to_owned(), 1, false),
        expected_version: None,
    }
}

/// The record of an object at `version`.
pub fn record<R: Resource>(
    account: &str,
    object: &R,
    version: i64,
    deleted: bool,
) -> Result<Record, ApiError> {
    let body = serde_json::to_string(object).map_err(|error| {
        tracing::error!(%error, "object does not serialize");
        ApiError::internal()
    })?;
    Ok(record_with_body(account, object, body, version, deleted))
}

/// The record of an object whose body is `body`, the object's own JSON.
fn record_with_body<R: Resource>(
    account: &str,
    object: &R,
    body: String,
    version: i64,
    deleted: bool,
) -> Record {
    Record {
        account: account.to_owned(),
        id: object.id().to_owned(),
        kind: R::OBJECT.to_owned(),
        created: object.created(),
        version,
        deleted,
        index: object.index(),
        body,
    }
}

/// The JSON of an object as the API renders it.
pub fn to_value<R: Serialize>(object: &R) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(object).map_err(|error| {
        tracing::error!(%error, "object does not serialize");
        ApiError::internal()
    })
}

/// A stored body that is not what Tender wrote: logged, and a 500 to the caller.
pub fn unparsable(id: &str, error: &serde_json::Error) -> ApiError {
    tracing::error!(%id, %error, "stored object does not parse");
    ApiError::internal()
}

/// The JSON text of an object as the API renders it, serialized once to be embedded as it is
/// (in a record's body, an event's `data.object`, an answer).
pub fn to_json<R: Serialize + ?Sized>(object: &R) -> Result<Box<RawValue>, ApiError> {
    serde_json::value::to_raw_value(object).map_err(|error| {
        tracing::error!(%error, "object does not serialize");
        ApiError::internal()
    })
}
