//! `cf-tokens`: a command line for Cloudflare API tokens, AI Search tokens and instances, and
//! Access service tokens, built on the `cloudflare-tokens` client.
//!
//! ```text
//! cf-tokens [--base-url URL] [--account-id ID] [--json] [--timeout DURATION] [-v...] COMMAND
//!   ai-search setup --instance ID (--r2-bucket NAME | --website DOMAIN)
//!                   [--token-name NAME] [--dry-run] [--show-secret | --secret-file PATH]
//!                   [--namespace NS] [--token-owner user|account] [--create-bucket]
//!                   [--wait [--wait-timeout DURATION]]
//!   ai-search tokens list | get ID | delete ID | rotate ID [--show-secret]
//!   ai-search instances list | get ID | delete ID   [--namespace NS]
//!   ai-search namespaces list | get NAME | create NAME [--description D] | delete NAME
//!   ai-search search ID QUERY [--namespace NS] [--max-results N]
//!   ai-search jobs list ID [--namespace NS]
//!   ai-search stats ID [--namespace NS]
//!   access tokens list | get ID | create --name NAME [--duration D] [--secret-file PATH]
//!                 | delete ID | update ID [--name N] [--duration D] [--enabled true|false]
//!                 | refresh ID | rotate ID [--grace DURATION] [--secret-file PATH]
//!                 (list to update: [--zone-id ID])
//!   user tokens verify | list | delete ID [--force]
//!   user permission-groups [--name NAME]
//!   account tokens verify | list | get ID | delete ID [--force]
//!                  | roll ID [--force] [--secret-file PATH]
//!   account permission-groups [--name NAME]
//! ```
//!
//! The whole program is [`run`], so that tests can drive it in-process with their own
//! arguments, environment and output buffers; the binary only wires it to the real ones.
//!
//! Exit codes: 0 when the command worked, 1 when the API or the network failed (the message on
//! stderr names the step, the HTTP status and Cloudflare's error codes), when a one-time secret
//! did not arrive (the message says what exists and how to recover), or when the CLI refused to
//! do something harmful; 2 for a usage error (clap's, a bad value, a missing account or
//! credentials, an existing `--secret-file`), found before any request is made.
//!
//! Logs go to stderr: `-v` info, `-vv` debug (each attempt of each request), `-vvv` trace, for
//! this CLI and its client; `RUST_LOG` (a `tracing` filter such as `cloudflare_tokens=trace`)
//! overrides that. They never carry a credential or a secret.

mod args;
mod commands;
mod config;
mod failure;
mod lock;
mod output;
mod secret_file;

use std::ffi::OsString;
use std::io::Write;

use clap::Parser;
use tracing::instrument::WithSubscriber;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

pub use failure::{FAILED, SUCCESS, USAGE};

/// Runs the CLI and returns its exit code; its logs, if any are asked for, go to the process's
/// stderr.
///
/// `args` are the whole command line, program name first (as `std::env::args_os()` gives
/// them); `env` looks up environment variables (credentials, `CLOUDFLARE_BASE_URL`,
/// `CLOUDFLARE_ACCOUNT_ID`, `RUST_LOG`). Results go to `out`, progress and errors to `err`.
pub async fn run(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    env: &dyn Fn(&str) -> Option<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    run_logging_to(args, env, out, err, std::io::stderr).await
}

/// [`run`], for the binary: `terminal` says whether stderr is a terminal, where progress is a
/// bar rather than lines.
pub async fn run_on_terminal(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    env: &dyn Fn(&str) -> Option<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    terminal: bool,
) -> u8 {
    let terminal = terminal.then_some(config::Terminal::Stderr);
    run_with(args, env, out, err, std::io::stderr, terminal).await
}

/// [`run`], as if stderr were a terminal: progress bars draw on `terminal` (for tests that
/// read what a person at a terminal would see).
pub async fn run_on_given_terminal(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    env: &dyn Fn(&str) -> Option<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    terminal: Box<dyn indicatif::TermLike>,
) -> u8 {
    let terminal = Some(config::Terminal::Given(terminal));
    run_with(args, env, out, err, std::io::stderr, terminal).await
}

/// [`run`], with the logs written through `logs` (for tests that read them). The logs are
/// this run's own: they are collected for its future only, not installed for the process.
pub async fn run_logging_to<L>(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    env: &dyn Fn(&str) -> Option<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    logs: L,
) -> u8
where
    L: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    run_with(args, env, out, err, logs, None).await
}

async fn run_with<L>(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    env: &dyn Fn(&str) -> Option<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    logs: L,
    terminal: Option<config::Terminal>,
) -> u8
where
    L: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let cli = match args::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => return clap_exit(&error, out, err),
    };
    // Everything for people passes through a sanitizer: the server's text may hold escape
    // sequences. JSON on stdout stays exact (JSON escapes control characters itself).
    let mut err = output::Sanitizer::new(err);
    let mut human_out;
    let out: &mut dyn Write = if cli.global.json {
        out
    } else {
        human_out = output::Sanitizer::new(out);
        &mut human_out
    };
    let filter = log_filter(cli.global.verbose, env("RUST_LOG"), &mut err);
    let logger = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(SanitizedLogs(logs))
        .finish();
    let mut context = config::Context::new(cli.global, env, out, &mut err).on_terminal(terminal);
    let code = async {
        match commands::run(&mut context, cli.command).await {
            Ok(()) => SUCCESS,
            Err(failure) => {
                // If stderr itself cannot be written there is nowhere left to say so.
                let _ = failure.report(context.err);
                failure.exit_code()
            }
        }
    }
    .with_subscriber(logger)
    .await;
    let _ = context.out.flush();
    let _ = context.err.flush();
    code
}

/// `RUST_LOG` if it is set (and valid), else the level `-v` asks for, for this CLI and its
/// client only (everything else at `warn`).
fn log_filter(verbose: u8, rust_log: Option<String>, err: &mut dyn Write) -> EnvFilter {
    if let Some(directives) = rust_log.filter(|d| !d.trim().is_empty()) {
        match EnvFilter::try_new(&directives) {
            Ok(filter) => return filter,
            Err(e) => {
                let _ = writeln!(
                    err,
                    "warning: RUST_LOG={directives:?} is not a log filter ({e}); using -v instead"
                );
            }
        }
    }
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    EnvFilter::new(format!("warn,cf_tokens={level},cloudflare_tokens={level}"))
}

/// The log writer, with control characters of logged server text escaped.
struct SanitizedLogs<L>(L);

impl<'w, L: MakeWriter<'w>> MakeWriter<'w> for SanitizedLogs<L> {
    type Writer = output::Sanitizer<L::Writer>;

    fn make_writer(&'w self) -> Self::Writer {
        output::Sanitizer::new(self.0.make_writer())
    }
}

/// `--help` and `--version` are answers (stdout, 0); everything else clap stops at is a usage
/// error (stderr, 2).
fn clap_exit(error: &clap::Error, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let text = error.render().to_string();
    if error.use_stderr() {
        let _ = write!(err, "{text}");
        USAGE
    } else {
        let _ = write!(out, "{text}");
        SUCCESS
    }
}
