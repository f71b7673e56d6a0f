//! The hand-written layer every generated method runs on: the client and its configuration,
//! one call's sending and retrying, Cloudflare's envelope, the error type, pagination, secrets
//! and tolerant decoding. The generated code (`crate::codegen`) calls into `call`, `paginate`
//! and `tolerant`; users see what `lib.rs` re-exports.

pub(crate) mod call;
pub(crate) mod client;
pub(crate) mod credentials;
pub(crate) mod envelope;
pub(crate) mod error;
pub(crate) mod operation;
pub(crate) mod paginate;
pub(crate) mod path;
pub(crate) mod redact;
pub(crate) mod response;
pub(crate) mod retry;
pub(crate) mod scope;
pub(crate) mod secret;
pub(crate) mod tolerant;
