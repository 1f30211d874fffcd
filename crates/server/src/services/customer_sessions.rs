//! CustomerSessions as the browser uses them: a session is found by its client secret alone
//! (the object has no id on the API), through a digest of the secret that is its record's
//! id, so the store never needs an index of secrets and a record id never reveals one.

use sha2::{Digest, Sha256};
use tender_core::customer_session::{Features, StoredCustomerSession, invalid_secret};
use tender_core::payment_method::PaymentMethod;
use tender_store::{ListQuery, TagFilter};
use tender_wire::ApiError;

use crate::ctx::Ctx;
use crate::resources::{Loaded, Resource};
use crate::store_error;

/// The parameter the browser names a session by.
pub const SECRET_PARAM: &str = "customer_session_client_secret";

/// How many of a customer's newest cards are read to choose the ones redisplayed: the
/// largest redisplay limit is 10, and customers with more than this many saved cards that
/// may not be shown are not a case worth a second page.
const SAVED_READ: usize = 100;

/// A new client secret: `cuss_secret_` and 40 random base62 characters (~238 bits).
pub fn new_client_secret() -> String {
    format!("cuss_secret_{}", tender_wire::id::random_base62(40))
}

/// The record id of the session whose client secret is `secret`.
pub fn session_id(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    format!("cuss_{}", hex::encode(&digest[..20]))
}

/// The live session whose client secret is `secret`, and its Payment Element features.
/// Unknown, expired and Payment-Element-less sessions get one answer.
pub async fn live_session(
    ctx: &Ctx,
    secret: &str,
) -> Result<(StoredCustomerSession, Features), ApiError> {
    if !secret.starts_with("cuss_secret_") {
        return Err(invalid_secret());
    }
    let record = ctx.find(&session_id(secret)).await?;
    let Some(record) = record.filter(|r| r.kind == StoredCustomerSession::OBJECT) else {
        return Err(invalid_secret());
    };
    let session = Loaded::<StoredCustomerSession>::from_record(&record)?.object;
    let features = session.payment_element(ctx.now)?.clone();
    Ok((session, features))
}

/// The customer's card payment methods, newest first (detached ones are not listed).
pub async fn saved_cards(ctx: &Ctx, customer: &str) -> Result<Vec<PaymentMethod>, ApiError> {
    let query = ListQuery {
        account: ctx.account_id().to_owned(),
        kind: PaymentMethod::OBJECT.to_owned(),
        customer: Some(customer.to_owned()),
        tag: Some(TagFilter::Exact("card".to_owned())),
        limit: SAVED_READ,
        ..ListQuery::default()
    };
    let records = ctx.store().list(&query).await.map_err(store_error)?;
    records
        .iter()
        .take(SAVED_READ)
        .map(|r| Loaded::<PaymentMethod>::from_record(r).map(|l| l.object))
        .collect()
}
