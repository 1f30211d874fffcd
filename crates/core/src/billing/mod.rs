//! Billing: subscriptions and invoices, the pure rules.
//!
//! - [`period`]: where a billing period ends (the calendar arithmetic a renewal scheduler
//!   reads).
//! - [`subscription_status`]: the subscription's status machine and `payment_behavior`.
//! - [`invoice`]: the invoice's status machine and amounts.
//! - [`subscription`], [`documents`]: the Subscription, Invoice and InvoicePayment objects.
//! - [`create`]: what creating a subscription takes.
//! - [`settlement`]: what a payment of an invoice's PaymentIntent does to the invoice and its
//!   subscription, decided once for confirm, `/pay` and the end of 3D Secure.

pub mod create;
pub mod documents;
pub mod dunning;
pub mod invoice;
pub mod invoice_create;
pub mod invoice_item;
pub mod invoice_payment;
pub mod item_changes;
pub mod lines;
pub mod pending_setup;
pub mod period;
pub mod proration;
pub mod renewal;
pub mod settlement;
pub mod subscription;
pub mod subscription_status;
pub mod update;
pub mod wake;
