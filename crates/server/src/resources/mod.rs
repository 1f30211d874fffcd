//! How domain objects become store records: which kind, which list columns, which version.
//! Each kind is declared once, in [`table`].

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use tender_store::{IndexKeys, Record, Write};
use tender_wire::ApiError;

mod table;

pub use table::{expandable, job_tag};

/// A domain object stored as one record.
pub trait Resource: Serialize + DeserializeOwned {
    /// The object's `object` name, also its record kind and the word in "No such …" errors.
    const OBJECT: &'static str;
    /// What its ids start with, before the `_` (`cus`).
    const PREFIX: &'static str;
    fn id(&self) -> &str;
    fn created(&self) -> i64;
    /// The list columns this object fills.
    fn index(&self) -> IndexKeys {
        IndexKeys::default()
    }
}

/// A new id for an object of kind `R`: its prefix, then a time-ordered random part.
pub fn new_id<R: Resource>() -> String {
    tender_wire::id::generate(R::PREFIX)
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
        persist(account, &self.object, Some(self.version))
    }

    /// [`Loaded::update`] from the object's JSON as [`to_json`] made it.
    pub fn update_json(&self, account: &str, json: &RawValue) -> Write {
        persist_json(account, &self.object, Some(self.version), json)
    }
}

/// The write that stores a new object.
pub fn insert<R: Resource>(account: &str, object: &R) -> Result<Write, ApiError> {
    persist(account, object, None)
}

/// The write that stores `object` over the version it was read at, or as a new object when
/// `read` is `None`: "insert or update by version", the one rule every write follows.
pub fn persist<R: Resource>(
    account: &str,
    object: &R,
    read: Option<i64>,
) -> Result<Write, ApiError> {
    Ok(Write {
        record: record(account, object, next_version(read), false)?,
        expected_version: read,
    })
}

/// [`persist`] from the object's JSON as [`to_json`] made it.
pub fn persist_json<R: Resource>(
    account: &str,
    object: &R,
    read: Option<i64>,
    json: &RawValue,
) -> Write {
    Write {
        record: record_with_body(
            account,
            object,
            json.get().to_owned(),
            next_version(read),
            false,
        ),
        expected_version: read,
    }
}

/// 1 for a new object, one more than the version read otherwise.
fn next_version(read: Option<i64>) -> i64 {
    read.map_or(1, |version| version + 1)
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
