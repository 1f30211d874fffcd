//! Webhooks (spec §9.4): the transactional outbox and its dispatcher.
//!
//! - [`outbox`]: when a request commits events, one delivery row per subscribed endpoint is
//!   written in the same unit of work (so an event is never committed without its deliveries,
//!   nor a delivery without its event).
//! - [`dispatcher`]: a background task, woken right after such commits and by a poll, claims
//!   due deliveries with a lease (so several nodes never send one attempt twice), signs and
//!   sends them, and records each attempt; failures are retried on a jittered exponential
//!   [`schedule`] until it runs out.
//! - [`signature`]: the `Stripe-Signature` header.

pub mod dispatcher;
pub mod outbox;
pub mod schedule;
pub mod signature;

pub use dispatcher::{Dispatcher, DispatcherConfig};
pub use schedule::RetrySchedule;
