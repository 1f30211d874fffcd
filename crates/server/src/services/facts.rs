//! Facts Tender keeps about payment methods and intents, which change how the simulated
//! network treats later payments. Never rendered, never listed.

use tender_store::Write;
use tender_wire::ApiError;

use crate::ctx::Ctx;
use crate::resources::{Loaded, insert};

/// A fact Tender keeps about a payment method: it was set up for off-session use (by a
/// SetupIntent or a payment with `setup_future_usage=off_session`), which exempts later
/// off-session payments from authentication on the regulatory test cards. Never rendered.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct OffSessionSetup {
    pub id: String,
    pub payment_method: String,
    pub created: i64,
}

pub fn off_session_setup_id(payment_method: &str) -> String {
    format!("offsessionsetup_{payment_method}")
}

/// A fact Tender keeps about a manually confirmed intent: its customer authenticated this
/// payment method, so the server's next confirmation goes through without a new challenge.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct IntentAuthentication {
    pub id: String,
    pub payment_method: String,
    pub created: i64,
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
    let setup = OffSessionSetup {
        id: off_session_setup_id(payment_method),
        payment_method: payment_method.to_owned(),
        created: ctx.now,
    };
    if ctx.find(&setup.id).await?.is_some() {
        return Ok(None);
    }
    Ok(Some(insert(ctx.account_id(), &setup)?))
}
