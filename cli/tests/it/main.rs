//! `cf-tokens`'s tests, all of them, one binary with a module per subject: `commands` (what each
//! group of commands does), `setup` (`ai-search setup`, its convergence and repairs), `output`
//! (JSON, escapes, logs, the progress bar), `rotate` (`ai-search tokens rotate` after any fault or
//! kill), `safety` (what it refuses, secrets never lost),
//! `binary` (the real process: environment, streams, exit codes) and `journey` (the documented
//! journey end to end). Most run the CLI in-process, for speed; those about the process itself
//! run the real binary. The runners and the fake come from `test-support`.

mod access;
mod binary;
mod commands;
mod journey;
mod output;
mod rotate;
mod safety;
mod setup;

use test_support::cli::Binary;

/// The `cf-tokens` executable Cargo built for these tests (only a package's own tests are told
/// where its binaries are).
const CF_TOKENS: Binary = Binary(env!("CARGO_BIN_EXE_cf-tokens"));
