//! A Cloudflare API client for the tokens behind AI Search and Zero Trust Access: user API
//! tokens, AI Search service tokens and instances, and Access service tokens.
//!
//! ```no_run
//! # async fn example() -> cloudflare_tokens::Result<()> {
//! use cloudflare_tokens::{Client, Secret, types};
//!
//! let cf = Client::from_env()?; // CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY
//! let verified = cf.user_tokens_verify().await?;
//! println!("token {} is {}", verified.id.as_deref().unwrap_or("?"), verified.status);
//!
//! // Two required fields are strings, so they are given by name; the secret is a `Secret`.
//! let body = types::AiSearchTokenCreate::new(types::AiSearchTokenCreateRequired {
//!     cf_api_id: "ed17574386854bf78a67040be0a770b0".into(),
//!     cf_api_key: Secret::new("token-value"),
//!     name: "docs-indexer".into(),
//! });
//! let registered = cf.ai_search_tokens_create("account-id", &body).await?;
//! println!("registered as {:?}", registered.id);
//! # Ok(()) }
//! ```
//!
//! # Building requests
//!
//! A request model with optional fields has a `new` taking its required ones. Where each
//! required field has a type of its own they are arguments, and a mix-up does not compile
//! (`UserTokenCreate::new(name, policies)`); where two share a type, `new` takes them by name in
//! a `…Required` struct. A required secret is a [`Secret`], never a plain string. So neither
//! the positional form with three strings nor a string given where the secret goes compiles:
//!
//! ```compile_fail
//! # use cloudflare_tokens::types;
//! let body = types::AiSearchTokenCreate::new("token-id", "token-value", "docs-indexer");
//! ```
//!
//! ```compile_fail
//! # use cloudflare_tokens::types;
//! let (token_id, name) = (String::from("ed17"), String::from("docs-indexer"));
//! let body = types::AiSearchTokenCreate::new(types::AiSearchTokenCreateRequired {
//!     cf_api_id: token_id.clone(),
//!     cf_api_key: name.clone(), // a `String` where the `Secret` goes
//!     name: token_id,
//! });
//! ```
//!
//! ```compile_fail
//! # use cloudflare_tokens::{Secret, types};
//! // The secret given where the name goes.
//! let body = types::ServiceTokenCreate::new(Secret::new("token-value"));
//! ```
//!
//! The same, with the secret where it belongs, compiles:
//!
//! ```
//! # use cloudflare_tokens::{Secret, types};
//! let (token_id, name) = (String::from("ed17"), String::from("docs-indexer"));
//! let body = types::AiSearchTokenCreate::new(types::AiSearchTokenCreateRequired {
//!     cf_api_id: token_id,
//!     cf_api_key: Secret::new("token-value"),
//!     name,
//! });
//! let service = types::ServiceTokenCreate::new("ci-runner");
//! # let _ = (body, service);
//! ```
//!
//! # What is generated and what is written by hand
//!
//! This crate is the one to depend on; it re-exports three others, each in a folder of its own:
//!
//! - `cloudflare-tokens-generated` (`generated/`): the models ([`types`]), progenitor's
//!   request-level client and one method of [`Client`] per operation, all written by
//!   `cargo xtask generate` from `spec/openapi.json` (never edit it);
//! - `cloudflare-tokens-runtime` (`runtime/`, by hand): the client's configuration, one call's
//!   sending and retrying, Cloudflare's envelope, the error type, redaction, pagination, the
//!   [`Secret`] type and tolerant decoding;
//! - `cloudflare-tokens-flows` (`flows/`, by hand): [`flows`], the multi-step tasks.
//!
//! The repository's `README.md` maps every folder.
//!
//! # Behaviour worth knowing
//!
//! - **Envelopes**: methods return the `result` ([`Response`] derefs to it) or a [`Page`]; a
//!   `success: false` is an error even with a 2xx status. Their own accessors cannot meet a
//!   model's field: `verified.status` is the token's status, `verified.http_status()` the HTTP
//!   status, `cf_ray()` Cloudflare's request id, `cf_messages()` its messages.
//! - **Errors**: one [`Error`] type carrying the HTTP status, Cloudflare's error codes and
//!   messages, the `cf-ray` id, `Retry-After`, and whether the request may have reached Cloudflare.
//! - **Retries** never duplicate a credential: GET, PUT and DELETE are retried on 429, 502, 503,
//!   504 and lost connections; POST only when the connection was never made. A POST that fails
//!   after it left reports [`Error::is_outcome_unknown`].
//! - **Pagination**: each paged list has a `…_all` method returning a stream of items that
//!   fetches one page at a time and never asks for a page past the last.
//! - **Secrets** (token values, client secrets, registered API keys) are [`Secret`]s: redacted
//!   in `Debug` and `Display`, zeroed on drop.
//! - **Tolerant decoding**: unknown enum values decode to an `Unknown(String)` variant, unknown
//!   fields are ignored, `null` is accepted for optional fields, and date-times are read in the
//!   forms Cloudflare uses, not only RFC 3339.

pub use cloudflare_tokens_generated::*;

/// Multi-step tasks built from the operations (the `cloudflare-tokens-flows` crate).
pub use cloudflare_tokens_flows as flows;
