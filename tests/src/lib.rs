//! What the client's tests share: `ops` (a client and `httpmock` helpers for the operation
//! tests) and `repo` (where the repository and its spec are). They need the client crate, so
//! they live here rather than in `test-support`, which holds what the tests of several crates
//! share (the CLI runner, the fake's harness, the misbehaving server). The tests themselves are
//! in `tests/it/`, one binary with a module per subject; the client benchmarks are in
//! `benches/`.
//!
//! The library also makes `cargo test` compile the README's Rust examples, so that they stay
//! true to the crate.

pub mod ops;
pub mod repo;

#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;
