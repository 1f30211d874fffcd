//! Webhooks (spec §9.4): the transactional outbox and its dispatcher.
//!
//! - [`outbox`]: when a request commits events, one delivery row per subscribed endpoint is
//!   written in the same unit of work (so an event is never committed without its deliveries,
//!   nor a delivery without its event), numbered in the order of the events.
//! - [`dispatcher`]: a background task, woken right after such commits and by a poll, claims
//!   due deliveries with a lease (so several nodes never send one attempt twice), signs and
//!   sends them, and records each attempt; failures are retried on a jittered exponential
//!   [`schedule`] until it runs out.
//! - [`lanes`]: which held deliveries may go now: a few at a time per endpoint, the events
//!   of one request or one object in creation order.
//! - [`client`]: the HTTP client (TLS against the system's roots and an optional CA file,
//!   connections kept per endpoint).
//! - [`signature`]: the `Stripe-Signature` header.

mod client;
mod config;
pub mod dispatcher;
mod lanes;
pub mod outbox;
pub mod schedule;
pub mod signature;

pub use config::DispatcherConfig;
pub use dispatcher::Dispatcher;
pub use schedule::RetrySchedule;
