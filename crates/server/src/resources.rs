//! How domain objects become store records: which kind, which list columns.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use tender_core::charge::Charge;
use tender_core::confirmation_token::StoredConfirmationToken;
use tender_core::customer::Customer;
use tender_core::event::Event;
use tender_core::payment_intent::PaymentIntent;
use tender_core::payment_method::PaymentMethod;
use tender_core::refund::Refund;
use tender_core::setup_intent::SetupIntent;
use tender_core::webhook_endpoint::StoredWebhookEndpoint;
use tender_store::{IndexKeys, Record, Write};
use tender_wire::ApiError;

use crate::services::facts::{IntentAuthentication, OffSessionSetup};

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

/// Every kind of object Tender stores, declared once: its type, its `object` name (also its
/// record kind and the word in "No such …" errors), where its id and `created` are when not at
/// the top level, and the list columns it fills.
macro_rules! resources {
    ($(
        $ty:ty => $object:literal $(at $($field:ident).+)? $(, index |$it:ident| $index:expr)?;
    )*) => {$(
        impl Resource for $ty {
            const OBJECT: &'static str = $object;
            fn id(&self) -> &str {
                &self$($(.$field)+)?.id
            }
            fn created(&self) -> i64 {
                self$($(.$field)+)?.created
            }
            $(
                fn index(&self) -> IndexKeys {
                    let $it = self;
                    $index
                }
            )?
        }
    )*};
}

resources! {
    Customer => "customer", index |c| IndexKeys {
        tag: c.email.clone(),
        ..IndexKeys::default()
    };
    PaymentMethod => "payment_method", index |pm| IndexKeys {
        customer: pm.customer.clone(),
        tag: Some(pm.kind.as_str().to_owned()),
        ..IndexKeys::default()
    };
    PaymentIntent => "payment_intent", index |pi| IndexKeys {
        customer: pi.customer.clone(),
        ..IndexKeys::default()
    };
    // Listed by customer, and by payment method through the tag.
    SetupIntent => "setup_intent", index |si| IndexKeys {
        customer: si.customer.clone(),
        tag: si.payment_method.clone(),
        ..IndexKeys::default()
    };
    StoredConfirmationToken => "confirmation_token" at token;
    Charge => "charge", index |ch| IndexKeys {
        customer: ch.customer.clone(),
        payment_intent: ch.payment_intent.clone(),
        ..IndexKeys::default()
    };
    Refund => "refund", index |re| IndexKeys {
        charge: re.charge.clone(),
        payment_intent: re.payment_intent.clone(),
        ..IndexKeys::default()
    };
    Event => "event", index |ev| IndexKeys {
        tag: Some(ev.kind.clone()),
        ..IndexKeys::default()
    };
    StoredWebhookEndpoint => "webhook_endpoint" at endpoint;
    OffSessionSetup => "off_session_setup";
    IntentAuthentication => "intent_authentication";
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
