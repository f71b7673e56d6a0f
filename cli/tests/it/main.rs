//! `cf-tokens` as a shell runs it, one binary with a module per subject: the real process
//! (exit codes, signals, logs on stderr), and in-process runs where a test needs many. (Most of
//! the CLI's other tests run it in-process, in the `tests` package.)

mod arithmetic;
mod binary;
mod escapes;
mod journey;
mod logs;
mod progress_bar;
mod secrets_once;
mod setup_converges;
mod setup_repairs;

use test_support::cli::Binary;

/// The `cf-tokens` executable Cargo built for these tests (only a package's own tests are told
/// where its binaries are).
const CF_TOKENS: Binary = Binary(env!("CARGO_BIN_EXE_cf-tokens"));
