//! What the workspace's tests share: `adversary` (a server that misbehaves on purpose), `cli`
//! (run `cf-tokens` in-process against a fake Cloudflare), `ops` (a client and `httpmock`
//! helpers for the operation tests) and `repo` (where the repository and its spec are). The
//! tests themselves are in `tests/it/`, one binary with a module per subject; the client
//! benchmarks are in `benches/`.
//!
//! The library also makes `cargo test` compile the README's Rust examples, so that they stay
//! true to the crate.

pub mod adversary;
pub mod cli;
pub mod ops;
pub mod repo;

#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;
