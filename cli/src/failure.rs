//! Why a command failed, how that is told on stderr, and the exit code it gets.

use std::fmt::Display;
use std::io::{self, Write};

use cloudflare_tokens::flows::{RotationError, SetupError};
use cloudflare_tokens::{Error, ErrorKind};

/// The command worked.
pub const SUCCESS: u8 = 0;
/// The API or the network failed, or the CLI refused to do something harmful.
pub const FAILED: u8 = 1;
/// The command line (or the configuration from the environment) is wrong.
pub const USAGE: u8 = 2;

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// The command line cannot be carried out as given.
    Usage(String),
    /// A call failed; `doing` says what the CLI was doing, in words that follow "could not".
    Call { doing: String, error: Error },
    /// `ai-search setup` failed at a step; what it undid is in the error.
    Setup {
        error: Box<SetupError>,
        token_name: String,
    },
    /// `ai-search tokens rotate` failed at a step; the error says what state it left.
    Rotation(Box<RotationError>),
    /// `ai-search setup --wait` ran out of time: the instance is set up, indexing goes on.
    WaitTimedOut(String),
    /// The CLI declined to go on, to protect something (see the message).
    Refused(String),
    /// The command did its work but could not finish a part of it (see the message).
    Unfinished(String),
    /// Something was done (or may have been) whose one-time secret did not reach the CLI: the
    /// message says what exists now and how to recover; the error, if any, why.
    SecretLost {
        message: String,
        error: Option<Error>,
    },
    /// Writing the output failed (a closed pipe, a full disk).
    Output(io::Error),
}

impl Failure {
    pub fn usage(message: impl Display) -> Self {
        Self::Usage(message.to_string())
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Usage(_) => USAGE,
            Self::Call { error, .. } => code_for(error),
            Self::Setup { error, .. } => code_for(&error.error),
            Self::Rotation(error) => match code_for(&error.error) {
                USAGE => USAGE,
                _ => FAILED,
            },
            Self::Refused(_)
            | Self::Unfinished(_)
            | Self::SecretLost { .. }
            | Self::Output(_)
            | Self::WaitTimedOut(_) => FAILED,
        }
    }

    /// Tells what went wrong on `err`. Nothing here can carry a secret: the library's errors
    /// never quote one, and the CLI's own messages name ids only. (`err` escapes the control
    /// characters of the server's text that the messages quote.)
    pub fn report(&self, err: &mut dyn Write) -> io::Result<()> {
        match self {
            Self::Usage(message) => {
                writeln!(err, "error: {message}")?;
                writeln!(err, "\nFor more information, try '--help'.")
            }
            Self::Call { error, .. } if error.invalid_parameter().is_some() => {
                // Refused before anything was sent: the argument is the caller's to fix.
                let parameter = error.invalid_parameter().unwrap_or_default();
                let error = Causes(error);
                writeln!(err, "error: invalid {}: {error}", argument_for(parameter))?;
                writeln!(err, "\nFor more information, try '--help'.")
            }
            Self::Call { doing, error } if error.kind() == ErrorKind::Timeout => {
                writeln!(err, "error: could not {doing}: {}", Causes(error))?;
                writeln!(
                    err,
                    "hint: give calls longer with --timeout (like --timeout 5m)"
                )
            }
            Self::Call { doing, error } => {
                writeln!(err, "error: could not {doing}: {}", Causes(error))
            }
            Self::Setup { error, token_name } => report_setup(err, error, token_name),
            Self::Rotation(error) => writeln!(err, "error: ai-search tokens rotate: {error}"),
            Self::Refused(message) | Self::Unfinished(message) | Self::WaitTimedOut(message) => {
                writeln!(err, "error: {message}")
            }
            Self::SecretLost { message, error } => {
                writeln!(err, "error: {message}")?;
                match error {
                    Some(error) => writeln!(err, "cause: {}", Causes(error)),
                    None => Ok(()),
                }
            }
            Self::Output(error) => writeln!(err, "error: could not write the output: {error}"),
        }
    }
}

/// An error and what caused it, each once: `error: cause: its cause`. The library's errors keep
/// their causes out of their `Display` (they are the `source()` chain).
struct Causes<'a>(&'a dyn std::error::Error);

impl Display for Causes<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(next) = cause {
            write!(f, ": {next}")?;
            cause = next.source();
        }
        Ok(())
    }
}

/// The command-line argument a path parameter of the API comes from: the account and the zone
/// from their options, every other id from the command's `ID` argument.
fn argument_for(parameter: &str) -> &'static str {
    match parameter {
        "account_id" => "--account-id (or CLOUDFLARE_ACCOUNT_ID)",
        "zone_id" => "--zone-id",
        _ => "ID",
    }
}

/// A configuration problem or a request that could not even be built is the caller's to fix
/// (exit 2); whatever happened on the way to Cloudflare and back is a failure (exit 1).
fn code_for(error: &Error) -> u8 {
    match error.kind() {
        ErrorKind::Config | ErrorKind::InvalidRequest => USAGE,
        _ => FAILED,
    }
}

fn report_setup(err: &mut dyn Write, error: &SetupError, token_name: &str) -> io::Result<()> {
    // SetupError's Display names the step and carries the call's error (status, codes, hints)
    // followed by what was rolled back and what was left behind.
    writeln!(err, "error: ai-search setup: {}", Causes(error))?;
    if error.rolled_back.is_empty() && error.left_behind.is_empty() {
        writeln!(err, "nothing had been created, so nothing was rolled back")?;
    }
    // Whatever a failed run leaves, the next one repairs or removes: say so.
    writeln!(
        err,
        "once the cause is fixed, run the same setup again: it picks up from here, reusing or \
         repairing the registration \"{token_name}\" and deleting API tokens of that name that \
         no registration names"
    )
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        Self::Output(error)
    }
}

/// Names what a call was doing when it failed: `client.x().await.doing("list the tokens")?`.
pub trait Doing<T> {
    fn doing(self, what: impl Display) -> Result<T, Failure>;
}

impl<T> Doing<T> for Result<T, Error> {
    fn doing(self, what: impl Display) -> Result<T, Failure> {
        self.map_err(|error| Failure::Call {
            doing: what.to_string(),
            error,
        })
    }
}
