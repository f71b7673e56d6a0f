//! The client's runtime. Against the fake or a mock: decoding what the service sends, errors
//! and their `Display`, `Client::from_env`, pagination and its streams, retries, secrets, and
//! what a token's permissions allow. Against servers that misbehave on purpose
//! (`test_support::adversary`): redirects, path parameters, redaction, the body limit, the
//! deadline and the logs.

mod body_limit;
mod deadline;
mod decoding;
mod error_display;
mod from_env;
/// Not tests: the `tracing` capture the logging and secrets tests read.
mod log_capture;
mod logging;
mod pagination;
mod path_parameters;
mod permissions;
mod redaction;
mod redirects;
mod retries;
mod secrets;
mod streams;
