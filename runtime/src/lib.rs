//! The hand-written runtime every generated method of `cloudflare-tokens` runs on: the client's
//! configuration, one call's sending and retrying, Cloudflare's envelope, the error type,
//! redaction, pagination, credentials, secrets and tolerant decoding.
//!
//! **Use it through `cloudflare-tokens`**, which re-exports every public type here. The modules
//! marked hidden in these docs (`call`, `paginate`, `path`, `scope`, `tolerant`, the client
//! core) are what the generated crate calls; they are public only because that crate is
//! another crate, are not for direct use, and may change in any release.
//!
//! Why a crate of its own: `generated/` holds only what `cargo xtask generate` writes, so that a
//! tool or a reader skipping generated paths skips nothing written by hand (the way
//! progenitor's generated clients run on `progenitor-client`).

mod client;
mod credentials;
mod envelope;
mod error;
mod operation;
mod redact;
mod response;
mod retry;
mod secret;

#[doc(hidden)]
pub mod call;
#[doc(hidden)]
pub mod paginate;
#[doc(hidden)]
pub mod path;
#[doc(hidden)]
pub mod scope;
#[doc(hidden)]
pub mod tolerant;

pub use client::{ClientBuilder, DEFAULT_BASE_URL, DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE_BODY};
#[doc(hidden)]
pub use client::{ClientCore, Generated};
pub use credentials::Credentials;
pub use envelope::{Envelope, Message, ResultInfo};
pub use error::{Error, ErrorKind, Result};
pub use operation::Operation;
pub use path::check_id;
pub use response::{Page, Response};
pub use retry::RetryPolicy;
pub use scope::Scope;
pub use secret::Secret;
