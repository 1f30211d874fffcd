//! What route modules share, without HTTP: loading and writing the objects one resource's
//! requests touch in another's (customers, payment methods, facts, card tokens, the catalog's
//! products, prices and lookup keys), the commands both intents share, confirming an intent
//! and turning its transition into writes, and the list endpoints' one implementation. Route
//! modules use these; they never use one another.

pub mod billing;
pub mod catalog;
pub mod confirmation;
pub mod customer_sessions;
pub mod customers;
pub mod facts;
pub mod intent_commands;
pub mod intent_kinds;
pub mod intents;
pub mod list;
pub mod payment_methods;
pub mod search;
pub mod settle_later;
pub mod test_clocks;
pub mod tokens;
