//! The one error type of the crate.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

use crate::{Message, Operation};

/// What kind of failure an [`Error`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Cloudflare answered and refused: an error status or `success: false`, with its codes.
    Api,
    /// Cloudflare (or something in between) answered with an error status and a body that is
    /// not Cloudflare's envelope, such as an HTML error page.
    Http,
    /// A success status with a body the client could not read (empty, truncated, wrong shape).
    Decode,
    /// The request did not get an answer: connection refused or dropped, timeout, DNS.
    Transport,
    /// The client is not set up to make requests (no credentials, bad base URL, bad header).
    Config,
    /// The request could not be built from the arguments given.
    InvalidRequest,
    /// A list could not be read to its end: a page repeated the one before it, or items remain
    /// past the last page the API serves.
    Pagination,
}

/// Why a call failed, with everything Cloudflare said about it.
///
/// Its `Display` is one line about the call, then one line per Cloudflare error. Neither it nor
/// its `Debug` output contains credentials or secrets: bodies are quoted only as short excerpts,
/// with the values of secret fields masked.
pub struct Error(pub(crate) Box<Inner>);

/// The parts of an [`Error`], boxed so that `Result<T, Error>` stays small.
pub(crate) struct Inner {
    pub(crate) kind: ErrorKind,
    pub(crate) operation: Option<&'static Operation>,
    pub(crate) status: Option<StatusCode>,
    pub(crate) errors: Vec<Message>,
    pub(crate) messages: Vec<Message>,
    pub(crate) request_id: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) reached_server: bool,
    pub(crate) attempts: u32,
    pub(crate) detail: Option<String>,
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// `Result<T, cloudflare_tokens::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn new(kind: ErrorKind, operation: Option<&'static Operation>) -> Self {
        Self(Box::new(Inner {
            kind,
            operation,
            status: None,
            errors: Vec::new(),
            messages: Vec::new(),
            request_id: None,
            retry_after: None,
            reached_server: false,
            attempts: 0,
            detail: None,
            source: None,
        }))
    }

    pub(crate) fn config(detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, None).with_detail(detail)
    }

    pub(crate) fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.0.detail = Some(detail.into());
        self
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The operation that failed.
    pub fn operation(&self) -> Option<&'static Operation> {
        self.0.operation
    }

    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<StatusCode> {
        self.0.status
    }

    /// Cloudflare's errors.
    pub fn errors(&self) -> &[Message] {
        &self.0.errors
    }

    /// Cloudflare's error codes.
    pub fn codes(&self) -> Vec<i64> {
        self.0.errors.iter().map(|e| e.code).collect()
    }

    /// Cloudflare's informational messages.
    pub fn messages(&self) -> &[Message] {
        &self.0.messages
    }

    /// Cloudflare's id for the request (the `cf-ray` header): quote it to Cloudflare support.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// How long Cloudflare asked to wait before trying again (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// How many times the request was sent (retries included).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }

    /// Whether the request may have reached Cloudflare. `false` means it provably did not: the
    /// connection was never established.
    pub fn may_have_reached_server(&self) -> bool {
        self.0.reached_server
    }

    /// Whether the call may have taken effect although it failed: a create, refresh or rotate
    /// that reached Cloudflare and then lost its answer (or got a server error). It is never
    /// retried: look at the current state (list the tokens) before trying again.
    pub fn is_outcome_unknown(&self) -> bool {
        let creates = self.0.operation.is_some_and(|o| !o.is_idempotent());
        let lost = match self.0.kind {
            ErrorKind::Transport | ErrorKind::Decode => self.0.reached_server,
            ErrorKind::Api | ErrorKind::Http => self.0.status.is_some_and(|s| s.is_server_error()),
            _ => false,
        };
        creates && lost
    }

    /// For a 403: the permission the operation needs, which the credentials likely lack.
    pub fn missing_permission_hint(&self) -> Option<String> {
        let op = self.0.operation?;
        if self.0.status != Some(StatusCode::FORBIDDEN) {
            return None;
        }
        let mut parts = Vec::new();
        if !op.permissions.is_empty() {
            parts.push(format!(
                "the permission `{}`",
                op.permissions.join("` or `")
            ));
        }
        if !op.token_groups.is_empty() {
            parts.push(format!(
                "an API token permission group \"{}\"",
                op.token_groups.join("\" or \"")
            ));
        }
        (!parts.is_empty()).then(|| {
            format!(
                "{} needs {}; the credentials likely lack it",
                op.id,
                parts.join(", granted by ")
            )
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.operation {
            Some(op) => write!(f, "{} ({} {}) failed", op.id, op.method, op.path)?,
            None => f.write_str("cloudflare-tokens")?,
        }
        match self.0.kind {
            ErrorKind::Api => f.write_str(": Cloudflare refused the request")?,
            ErrorKind::Http => f.write_str(": unexpected answer")?,
            ErrorKind::Decode => f.write_str(": unreadable response")?,
            ErrorKind::Transport => f.write_str(": no answer")?,
            ErrorKind::Config => f.write_str(": not configured")?,
            ErrorKind::InvalidRequest => f.write_str(": invalid request")?,
            ErrorKind::Pagination => f.write_str(": the list could not be read to its end")?,
        }
        if let Some(status) = self.0.status {
            write!(f, " (HTTP {status})")?;
        }
        if let Some(detail) = &self.0.detail {
            write!(f, ": {detail}")?;
        }
        if let Some(source) = &self.0.source {
            write!(f, ": {source}")?;
            let mut cause = source.source();
            while let Some(inner) = cause {
                write!(f, ": {inner}")?;
                cause = inner.source();
            }
        }
        if let Some(id) = &self.0.request_id {
            write!(f, " [cf-ray {id}]")?;
        }
        if self.0.attempts > 1 {
            write!(f, " after {} attempts", self.0.attempts)?;
        }
        for error in &self.0.errors {
            write!(f, "\n  error {}: {}", error.code, error.message)?;
        }
        if let Some(after) = self.0.retry_after {
            write!(f, "\n  Cloudflare asks to retry after {}s", after.as_secs())?;
        }
        if let Some(hint) = self.missing_permission_hint() {
            write!(f, "\n  hint: {hint}")?;
        }
        if self.is_outcome_unknown() {
            f.write_str(
                "\n  outcome unknown: the request may have been carried out. It was not retried; \
                 check the current state (list) before trying again.",
            )?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("operation", &self.0.operation.map(|o| o.id))
            .field("status", &self.0.status)
            .field("errors", &self.0.errors)
            .field("messages", &self.0.messages)
            .field("request_id", &self.0.request_id)
            .field("retry_after", &self.0.retry_after)
            .field("reached_server", &self.0.reached_server)
            .field("attempts", &self.0.attempts)
            .field("detail", &self.0.detail)
            .field("source", &self.0.source.as_ref().map(|s| s.to_string()))
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_ref()
            .map(|s| s.as_ref() as &(dyn std::error::Error + 'static))
    }
}
