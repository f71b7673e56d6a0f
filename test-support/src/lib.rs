//! What the workspace's tests share across crates, written once:
//!
//! - `cli` (with the feature `cli`): `cf-tokens` run in-process or as its real binary, and what
//!   a run left behind;
//! - [`fake`]: a fake Cloudflare started for a test, its state read back, and [`fake::http`], a
//!   plain HTTP client for it (for the fake's own tests, which must not go through the client);
//! - [`adversary`]: a server on loopback that misbehaves on purpose;
//! - [`each_request`]: a run faulted, or its binary killed, at each of its requests in turn;
//! - [`process`]: a child process that cannot outlive its test.
//!
//! Helpers that need the client crate itself (`cloudflare-tokens`) stay with the client's tests
//! (`cloudflare-tokens-tests`'s library), so that this crate does not depend on the client.

pub mod adversary;
#[cfg(feature = "cli")]
pub mod cli;
pub mod each_request;
pub mod fake;
pub mod process;

use serde_json::Value;

/// The account the tests work in.
pub const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
/// A zone, for the Access operations Cloudflare offers on zones too.
pub const ZONE: &str = "9a7806061c88ada191ed06f989cc3dac";

/// A string field of a JSON object, or a panic naming it.
#[track_caller]
pub fn str_field<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field]
        .as_str()
        .unwrap_or_else(|| panic!("no string `{field}` in {value}"))
}
