//! Tender's domain, pure and synchronous: no I/O, no clock reads (`now` is passed in).
//!
//! - [`customer`]: the Customer resource; [`customer_session`]: the browser's access to one
//!   customer's saved cards (CustomerSessions).
//! - [`address`]: addresses, billing and shipping details shared by several resources.
//! - [`card`]: card validation, brands, fingerprints and Stripe's test card table — the
//!   simulated card network's knowledge of every card it is shown.
//! - [`payment_method`]: the PaymentMethod resource (type `card`).
//! - [`event`]: the Event resource and the event kinds.
//! - [`money`]: currencies and amount rules.
//! - [`network`]: the simulated card network (a [`network::Processor`]).
//! - [`payment_intent`]: the PaymentIntent resource and its state machine.
//! - [`setup_intent`]: the SetupIntent resource and its state machine.
//! - [`token`]: card Tokens (`tok_…`), the legacy Tokens API.
//! - [`product`], [`price`]: the Billing catalog (what is sold, and for how much).
//! - [`billing`]: subscriptions and invoices (status machines, amounts, periods, and what
//!   paying an invoice's PaymentIntent settles).
//! - [`intent`]: what the two intents share (3D Secure next actions, common parameters).

#[macro_use]
mod wire_enum;

pub mod address;
pub mod billing;
pub mod card;
pub mod charge;
pub mod confirmation;
pub mod confirmation_token;
pub mod customer;
pub mod customer_session;
pub mod debit;
pub mod event;
pub mod event_kind;
pub mod event_types;
pub mod fault;
pub mod intent;
pub mod mandate;
pub mod money;
pub mod network;
pub mod payment_intent;
pub mod payment_method;
pub mod price;
pub mod product;
pub mod refund;
pub mod refund_later;
pub mod schedule;
pub mod search;
pub mod setup_intent;
pub mod test_clock;
pub mod token;
pub mod webhook_endpoint;

/// Unix seconds.
pub type Timestamp = i64;

/// Reads a form as a request's parameters with `take`, refusing whatever it leaves: how the
/// unit tests feed parameters to the domain.
#[cfg(test)]
pub(crate) fn take_form<T>(
    form: &str,
    take: impl FnOnce(&mut tender_wire::Params) -> Result<T, tender_wire::ApiError>,
) -> Result<T, tender_wire::ApiError> {
    let mut params = tender_wire::Params::from_form(form.as_bytes())?;
    let taken = take(&mut params)?;
    params.finish()?;
    Ok(taken)
}
