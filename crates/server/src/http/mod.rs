//! The HTTP edge: the request layer (ids, logs, standard headers), the [`Api`] extractor that
//! authenticates and decodes every API request, and replies in Stripe's format.

pub mod api;
mod layer;
mod reply;

pub use api::{Api, ClientKeys, KeyKind};
pub use layer::request_layer;
pub use reply::{Reply, error_response};
