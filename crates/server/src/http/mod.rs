//! The HTTP edge: the accept loop and its limits, the request layer (ids, logs, standard
//! headers), the [`Api`] extractor that authenticates and decodes every API request, and
//! replies in Stripe's format.

pub mod api;
mod deadline;
mod layer;
mod limits;
mod path;
mod reply;
mod serve;

pub use api::{Api, ClientKeys, KeyKind};
pub use deadline::with_body_deadline;
pub use layer::{RequestId, request_layer};
pub use limits::{Limits, RateLimit, RateLimiter};
pub use path::Path;
pub use reply::{Reply, error_response};
pub use serve::{ConnectionAbort, serve};
