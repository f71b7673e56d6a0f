//! The client's tests, one binary with a module per subject: `generator` (what was generated:
//! snapshots, models, docs, freshness, mock helpers), `operations` (every operation against a
//! mock server), `client` (the runtime: decoding, errors, retries, pagination, secrets, and
//! servers that misbehave on purpose) and `flows`. `cf-tokens`'s tests are with the CLI, in
//! `cli/tests/it/`; fake-cloudflare's with the fake. Helpers only these tests need live in the
//! package's library (`tests/src/`), those several crates' tests share in `test-support`.

mod client;
mod flows;
mod generator;
mod operations;
