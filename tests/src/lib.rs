//! The workspace's tests live in `tests/tests/`, the client benchmark in `tests/benches/`.
//!
//! This library only makes `cargo test` compile the README's Rust examples, so that they stay
//! true to the crate.

#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;
