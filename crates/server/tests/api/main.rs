//! Black-box API tests: each test starts the real server on port 0 with a fresh database and
//! talks HTTP to it. `TENDER_TEST_BACKEND=postgres` runs the same tests on PostgreSQL (a fresh
//! schema per test in database `test` on 127.0.0.1:5432); `TENDER_TEST_BACKEND=memory` on SQLite
//! in memory (`tender serve --database memory`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod account_reset;
mod billing_invoices;
mod billing_items;
mod billing_lifecycle;
mod billing_pending_setup;
mod billing_renewals;
mod billing_subscriptions;
mod catalog_prices;
mod catalog_products;
mod catalog_races;
mod charges_refunds;
mod customer_sessions;
mod customers;
mod dashboard;
mod events_retry;
mod faults;
mod faults_matrix;
mod fidelity;
mod helpers;
mod isolation;
mod limits;
mod mandates;
mod payments;
mod protocol;
mod races;
mod scheduler_backfill;
mod sdk_types;
mod search;
mod settle_later;
mod setup_intents;
mod test_clock;
mod test_clocks;
mod tokens;
mod webhook_receivers;
mod webhooks;
mod webhooks_order;
mod webhooks_tls;
