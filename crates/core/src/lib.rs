//! Tender's domain, pure and synchronous: no I/O, no clock reads (`now` is passed in).
//!
//! - [`customer`]: the Customer resource.
//! - [`address`]: addresses, billing and shipping details shared by several resources.
//! - [`card`]: card validation, brands, fingerprints and Stripe's test card table — the
//!   simulated card network's knowledge of every card it is shown.
//! - [`payment_method`]: the PaymentMethod resource (type `card`).
//! - [`event`]: the Event resource and the event kinds.

pub mod address;
pub mod card;
pub mod customer;
pub mod event;
pub mod payment_method;

/// Unix seconds.
pub type Timestamp = i64;
