//! fake-cloudflare's tests, one binary with a module per subject: `resources` (each resource's
//! operations, and paging), `auth` (credentials and permissions), `control` (faults, the request
//! log), `server` (limits, the binary and its flags) and `spec_coverage`. They speak to the fake
//! over plain HTTP (`test_support::fake::http`), never through the client, so that what they
//! check is what is on the wire.

mod auth;
mod control;
mod resources;
mod server;
mod spec_coverage;
mod validation;
