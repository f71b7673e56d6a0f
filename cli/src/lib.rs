//! `cf-tokens`: a command line for Cloudflare API tokens, AI Search tokens and instances, and
//! Access service tokens, built on the `cloudflare-tokens` client.
//!
//! ```text
//! cf-tokens [--base-url URL] [--account-id ID] [--json] [--timeout DURATION] COMMAND
//!   ai-search setup --instance ID (--r2-bucket NAME | --website DOMAIN)
//!                   [--token-name NAME] [--dry-run] [--show-secret]
//!   ai-search tokens list | get ID | delete ID
//!   ai-search instances list | get ID | delete ID
//!   access tokens list | get ID | create --name NAME [--duration D] | delete ID
//!                 | update ID [--name N] [--duration D] [--enabled true|false]
//!                 | refresh ID | rotate ID [--grace DURATION]     (list to update: [--zone-id ID])
//!   user tokens verify | list | delete ID [--force]
//!   user permission-groups [--name NAME]
//! ```
//!
//! The whole program is [`run`], so that tests can drive it in-process with their own
//! arguments, environment and output buffers; the binary only wires it to the real ones.
//!
//! Exit codes: 0 when the command worked, 1 when the API or the network failed (the message on
//! stderr names the step, the HTTP status and Cloudflare's error codes) or the CLI refused to do
//! something harmful, 2 for a usage error (clap's, or a missing account, credentials or the like).

mod args;
mod commands;
mod config;
mod failure;
mod output;

use std::ffi::OsString;
use std::io::Write;

use clap::Parser;

pub use failure::{FAILED, SUCCESS, USAGE};

/// Runs the CLI and returns its exit code.
///
/// `args` are the whole command line, program name first (as `std::env::args_os()` gives
/// them); `env` looks up environment variables (credentials, `CLOUDFLARE_BASE_URL`,
/// `CLOUDFLARE_ACCOUNT_ID`). Results go to `out`, progress and errors to `err`.
pub async fn run(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    env: &dyn Fn(&str) -> Option<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let cli = match args::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => return clap_exit(&error, out, err),
    };
    let mut context = config::Context::new(cli.global, env, out, err);
    let code = match commands::run(&mut context, cli.command).await {
        Ok(()) => SUCCESS,
        Err(failure) => {
            // If stderr itself cannot be written there is nowhere left to say so.
            let _ = failure.report(context.err);
            failure.exit_code()
        }
    };
    let _ = context.out.flush();
    let _ = context.err.flush();
    code
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
