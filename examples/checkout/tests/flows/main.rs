//! The shop end to end: Tender in-process on a fresh SQLite database, the shop on port 0 with
//! its webhook endpoint registered, and HTTP between them exactly as in production. The
//! browser's part is played with raw API calls made with the publishable key, the way the
//! browser SDK makes them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod debits;
mod harness;
mod membership;
mod paths;
mod payments;
mod returning;
mod webhooks;
