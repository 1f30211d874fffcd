//! What route modules share, without HTTP: loading and writing the objects one resource's
//! requests touch in another's (customers, payment methods, facts), confirming the two
//! intents and turning their transitions into writes, and the list endpoints' one
//! implementation. Route modules use these; they never use one another.

pub mod customers;
pub mod facts;
pub mod intents;
pub mod list;
pub mod payment_intents;
pub mod payment_methods;
pub mod setup_intents;
pub mod tokens;
