//! fake-cloudflare's tests, one binary with a module per subject: each resource's behaviour,
//! auth and permissions, pagination, faults, limits, the request log, the spec's coverage and the binary itself.

mod access;
mod ai_search;
mod auth;
mod binary;
mod faults;
mod journey;
mod limits;
mod pagination;
mod permissions;
mod request_log;
mod spec_coverage;
mod user_tokens;
