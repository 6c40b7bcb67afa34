//! HTTP behaviour that applies to every response whatever its handler: conditional
//! requests and caching headers, compression choices, request ids, access logs and
//! metrics. Handlers know nothing of it.

pub(crate) mod cache;
pub(crate) mod conditional;
pub(crate) mod observe;
pub mod origin;
pub mod surrogate;

pub use conditional::CachePolicy;
pub use observe::Metrics;
