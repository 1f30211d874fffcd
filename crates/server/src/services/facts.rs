//! Facts Tender keeps about payment methods and intents, which change how the simulated
//! network treats later payments. Never rendered, never listed.

use std::marker::PhantomData;

use tender_store::Write;
use tender_wire::ApiError;

use crate::ctx::Ctx;
use crate::resources::{Loaded, insert, persist};

/// A fact Tender keeps about a payment method, of kind `K` (which only names the record's
/// kind, in the resource table). Never rendered, never listed.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(bound = "")]
pub struct Fact<K> {
    pub id: String,
    pub payment_method: String,
    pub created: i64,
    #[serde(skip)]
    kind: PhantomData<K>,
}

impl<K> Fact<K> {
    pub fn new(id: String, payment_method: String, created: i64) -> Fact<K> {
        Fact {
            id,
            payment_method,
            created,
            kind: PhantomData,
        }
    }
}

/// The payment method was set up for off-session use (by a SetupIntent or a payment with
/// `setup_future_usage=off_session`), which exempts later off-session payments from
/// authentication on the regulatory test cards.
pub struct SetUpForOffSession;
pub type OffSessionSetup = Fact<SetUpForOffSession>;

/// The customer of a manually confirmed intent authenticated this payment method, so the
/// server's next confirmation goes through without a new challenge.
pub struct AuthenticatedForIntent;
pub type IntentAuthentication = Fact<AuthenticatedForIntent>;

pub fn off_session_setup_id(payment_method: &str) -> String {
    format!("offsessionsetup_{payment_method}")
}

pub fn intent_authentication_id(intent: &str) -> String {
    format!("authenticated_{intent}")
}

/// Whether the customer already authenticated `payment_method` for `intent`.
pub async fn already_authenticated(
    ctx: &Ctx,
    intent: &str,
    payment_method: &str,
) -> Result<bool, ApiError> {
    Ok(match ctx.find(&intent_authentication_id(intent)).await? {
        Some(record) => {
            Loaded::<IntentAuthentication>::from_record(&record)?
                .object
                .payment_method
                == payment_method
        }
        None => false,
    })
}

/// The write recording that `payment_method` was set up for off-session use, unless it
/// already was.
pub async fn record_off_session_setup(
    ctx: &Ctx,
    payment_method: &str,
) -> Result<Option<Write>, ApiError> {
    let setup = OffSessionSetup::new(
        off_session_setup_id(payment_method),
        payment_method.to_owned(),
        ctx.now,
    );
    if ctx.find(&setup.id).await?.is_some() {
        return Ok(None);
    }
    Ok(Some(insert(ctx.account_id(), &setup)?))
}

/// Whether `payment_method` was set up for off-session use.
pub async fn set_up_for_off_session(ctx: &Ctx, payment_method: &str) -> Result<bool, ApiError> {
    Ok(ctx
        .find(&off_session_setup_id(payment_method))
        .await?
        .is_some())
}

/// The write recording that the customer authenticated `payment_method` for `intent`
/// (replacing what was recorded for an earlier payment method).
pub async fn record_authentication(
    ctx: &Ctx,
    intent: &str,
    payment_method: &str,
) -> Result<Write, ApiError> {
    let fact = IntentAuthentication::new(
        intent_authentication_id(intent),
        payment_method.to_owned(),
        ctx.now,
    );
    let read = ctx.find(&fact.id).await?.map(|record| record.version);
    persist(ctx.account_id(), &fact, read)
}
