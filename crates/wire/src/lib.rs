//! Stripe's wire format, without I/O.
//!
//! - [`form`]: form bodies and query strings → a parameter tree, in every spelling the SDKs use.
//! - [`params`]: typed reads of that tree with Stripe's errors (`parameter_unknown`, …).
//! - [`error`]: the error object and its HTTP status.
//! - [`list`]: list parameters and the list envelope; [`expand`]: expansion paths.
//! - [`id`]: object ids and client secrets.

pub mod error;
pub mod expand;
pub mod form;
pub mod id;
pub mod list;
pub mod params;

pub use error::{ApiError, ErrorType, IdIn};
pub use params::{Field, Metadata, MetadataUpdate, Params};
