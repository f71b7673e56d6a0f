//! The one error type of the crate.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

use crate::redact::{Secrets, escape_controls};
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
    /// The request did not get an answer: connection refused or dropped, DNS, or the last
    /// attempt's own timeout ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)). The
    /// call's overall deadline is [`ErrorKind::Timeout`].
    Transport,
    /// The client is not set up to make requests (no credentials, bad base URL, bad header).
    Config,
    /// The request could not be built from the arguments given, such as a path parameter that
    /// would change the request's path (empty, `.`, `..`, or with a control character): nothing
    /// was sent. [`Error::invalid_parameter`] names the parameter.
    InvalidRequest,
    /// A list could not be read to its end: a page repeated the one before it, or items remain
    /// past the last page the API serves.
    Pagination,
    /// The answer was a redirect (3xx). The client never follows one: credentials and bodies go
    /// only to the base URL. [`Error::http_status`] and [`Error::redirect_location`] say where it
    /// pointed.
    Redirect,
    /// The response body was larger than the client's limit
    /// ([`ClientBuilder::max_response_body`](crate::ClientBuilder::max_response_body)); it was
    /// not read further. [`Error::body_limit`] is the limit.
    ResponseTooLarge,
    /// The call's deadline ([`ClientBuilder::deadline`](crate::ClientBuilder::deadline)) passed
    /// before an answer, retries and the waits between them included. [`Error::deadline`] is the
    /// deadline.
    Timeout,
}

/// Why a call failed, with everything Cloudflare said about it.
///
/// Its `Display` is one line: the call, then Cloudflare's errors. What caused it (a connection
/// error, a decoder's complaint) is its [`source()`](std::error::Error::source), never part of
/// the `Display`, so a report that walks the chain shows each cause once. Neither it nor
/// its `Debug` output contains credentials or secrets: bodies are quoted only as short excerpts,
/// with the values of secret fields masked.
pub struct Error(Box<Inner>);

/// The parts of an [`Error`], boxed so that `Result<T, Error>` stays small.
struct Inner {
    kind: ErrorKind,
    operation: Option<&'static Operation>,
    status: Option<StatusCode>,
    errors: Vec<Message>,
    messages: Vec<Message>,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    reached_server: bool,
    attempts: u32,
    detail: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
    /// The `Location` of a redirect.
    location: Option<String>,
    /// The path parameter that made the request invalid.
    parameter: Option<&'static str>,
    /// The body size limit a response went over.
    body_limit: Option<u64>,
    /// The deadline that passed.
    deadline: Option<Duration>,
}

/// `Result<T, cloudflare_tokens::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What one call's exchange with the server found out, for its error.
pub(crate) struct Exchange {
    pub(crate) status: Option<StatusCode>,
    /// The `cf-ray` header of the answer.
    pub(crate) request_id: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) reached_server: bool,
    pub(crate) attempts: u32,
}

impl Error {
    /// An error of `kind`, of `operation` when it is about one. Every failed call builds its
    /// error in the runtime; this, [`with_detail`](Self::with_detail) and
    /// [`with_status`](Self::with_status) are for code on top of the client that finds a
    /// failure in answers each call accepted (the flows: a create's answer without the secret
    /// it promised, a registration that does not name the token it was just given).
    pub fn new(kind: ErrorKind, operation: Option<&'static Operation>) -> Self {
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
            location: None,
            parameter: None,
            body_limit: None,
            deadline: None,
        }))
    }

    /// A path parameter that cannot be sent: `parameter` is its name, `problem` says why.
    pub(crate) fn bad_path_parameter(
        operation: Option<&'static Operation>,
        parameter: &'static str,
        value: &str,
        problem: &str,
    ) -> Self {
        const SHOWN: usize = 40;
        let mut shown: String = value.chars().take(SHOWN).collect();
        if value.chars().count() > SHOWN {
            shown.push('…');
        }
        let mut error = Self::new(ErrorKind::InvalidRequest, operation).with_detail(format!(
            "path parameter `{parameter}` is \"{}\", which {problem}; ids are never empty, \
             `.` or `..`, and hold no control characters",
            shown.escape_debug()
        ));
        error.0.parameter = Some(parameter);
        error
    }

    /// The same error with every secret in `secrets` (and every secret field) masked in what it
    /// quotes from the server: Cloudflare's messages, the `cf-ray` and `Location` headers, the
    /// detail (a body excerpt) and the cause.
    pub(crate) fn redacted(mut self, secrets: &Secrets) -> Self {
        let inner = &mut *self.0;
        let redact = |text: &mut String| *text = secrets.redact(text);
        for message in inner.errors.iter_mut().chain(inner.messages.iter_mut()) {
            redact(&mut message.message);
            let optional = [&mut message.documentation_url, &mut message.pointer];
            optional.into_iter().flatten().for_each(redact);
        }
        let optional = [
            &mut inner.request_id,
            &mut inner.location,
            &mut inner.detail,
        ];
        optional.into_iter().flatten().for_each(redact);
        if let Some(source) = inner.source.take() {
            inner.source = Some(Box::new(Cause::of(&*source, secrets)));
        }
        self
    }

    pub(crate) fn config(detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, None).with_detail(detail)
    }

    /// The same error, saying what went wrong in words (one line, no secrets).
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.0.detail = Some(detail.into());
        self
    }

    /// The same error, with the HTTP status of the answer it is about.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.0.status = Some(status);
        self
    }

    /// The same error, with what the call's exchange found out.
    pub(crate) fn with_exchange(mut self, exchange: Exchange) -> Self {
        let inner = &mut *self.0;
        inner.status = exchange.status;
        inner.request_id = exchange.request_id;
        inner.retry_after = exchange.retry_after;
        inner.reached_server = exchange.reached_server;
        inner.attempts = exchange.attempts;
        self
    }

    /// The same error, with Cloudflare's errors and messages from the answer.
    pub(crate) fn with_cloudflare(mut self, errors: Vec<Message>, messages: Vec<Message>) -> Self {
        self.0.errors = errors;
        self.0.messages = messages;
        self
    }

    /// Cloudflare's error codes, if the answer carried any: an error status whose body is an
    /// envelope without errors is an HTTP failure, not Cloudflare refusing.
    pub(crate) fn has_codes(&self) -> bool {
        !self.0.errors.is_empty()
    }

    /// The same error, of another kind.
    pub(crate) fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.0.kind = kind;
        self
    }

    /// The same error, with a note added to its detail (why retrying stopped early).
    pub(crate) fn with_note(mut self, note: String) -> Self {
        self.0.detail = Some(match self.0.detail.take() {
            Some(detail) => format!("{detail} ({note})"),
            None => note,
        });
        self
    }

    /// A redirect's error, with where it pointed.
    pub(crate) fn with_location(mut self, location: Option<String>) -> Self {
        self.0.location = location;
        self
    }

    /// A too-large answer's error, with the limit it went over.
    pub(crate) fn with_body_limit(mut self, limit: u64) -> Self {
        self.0.body_limit = Some(limit);
        self
    }

    /// A timed-out call's error, with the deadline that passed.
    pub(crate) fn with_deadline(mut self, deadline: Duration) -> Self {
        self.0.deadline = Some(deadline);
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

    /// The HTTP status, when there was an answer; named like
    /// [`Response::http_status`](crate::Response::http_status), apart from models' `status`.
    pub fn http_status(&self) -> Option<StatusCode> {
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
    pub fn cf_ray(&self) -> Option<&str> {
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
    /// that reached Cloudflare and then lost its answer (the connection dropped, the deadline
    /// passed, the body was unreadable or too large), got a server error, or was redirected. It
    /// is never retried: look at the current state (list the tokens) before trying again.
    pub fn is_outcome_unknown(&self) -> bool {
        let creates = self.0.operation.is_some_and(|o| !o.is_idempotent());
        creates && self.may_have_landed()
    }

    /// Whether the request may have been carried out although its answer did not arrive
    /// intact, for any method: it reached Cloudflare and then the connection dropped, the
    /// deadline passed, the body was unreadable or too large, or the answer was a server error
    /// or a redirect. An update or delete that failed so must be read back before anything is
    /// decided from it; [`is_outcome_unknown`](Self::is_outcome_unknown) is this for creates.
    pub fn may_have_landed(&self) -> bool {
        let refused = self.0.status.is_some_and(|s| s.is_client_error());
        match self.0.kind {
            ErrorKind::Transport
            | ErrorKind::Decode
            | ErrorKind::Timeout
            | ErrorKind::ResponseTooLarge => self.0.reached_server && !refused,
            ErrorKind::Api | ErrorKind::Http => self.0.status.is_some_and(|s| s.is_server_error()),
            ErrorKind::Redirect => true,
            _ => false,
        }
    }

    /// For [`ErrorKind::InvalidRequest`]: the path parameter that could not be sent, named as in
    /// the operation's path (`token_id`, `service_token_id`, …; a [`Scope`](crate::Scope)'s id is
    /// `account_id` or `zone_id`).
    pub fn invalid_parameter(&self) -> Option<&'static str> {
        self.0.parameter
    }

    /// For [`ErrorKind::Redirect`]: the `Location` the answer pointed to (not followed).
    pub fn redirect_location(&self) -> Option<&str> {
        self.0.location.as_deref()
    }

    /// For [`ErrorKind::ResponseTooLarge`]: the limit the body went over, in bytes.
    pub fn body_limit(&self) -> Option<u64> {
        self.0.body_limit
    }

    /// For [`ErrorKind::Timeout`]: the call's deadline that passed.
    pub fn deadline(&self) -> Option<Duration> {
        self.0.deadline
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
    /// One line: the call, what went wrong, the HTTP status, the detail, the `cf-ray` id, the
    /// attempts, Cloudflare's errors, `Retry-After`, the permission hint and whether the outcome
    /// is unknown. The cause is not part of it: it is [`source()`](std::error::Error::source)
    /// (so `anyhow`'s `{:#}` shows it once).
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
            ErrorKind::Redirect => f.write_str(": redirected")?,
            ErrorKind::ResponseTooLarge => f.write_str(": response too large")?,
            ErrorKind::Timeout => f.write_str(": deadline passed")?,
        }
        if let Some(status) = self.0.status {
            write!(f, " (HTTP {status})")?;
        }
        // What came from elsewhere is shown with its control characters (newlines included)
        // escaped, so the message stays on one line.
        if let Some(detail) = &self.0.detail {
            write!(f, ": {}", escape_controls(detail))?;
        }
        if let Some(id) = &self.0.request_id {
            write!(f, " [cf-ray {}]", escape_controls(id))?;
        }
        if self.0.attempts > 1 {
            write!(f, " after {} attempts", self.0.attempts)?;
        }
        for error in &self.0.errors {
            write!(
                f,
                "; error {}: {}",
                error.code,
                escape_controls(&error.message)
            )?;
        }
        if let Some(after) = self.0.retry_after {
            write!(f, "; Cloudflare asks to retry after {}s", after.as_secs())?;
        }
        if let Some(hint) = self.missing_permission_hint() {
            write!(f, "; hint: {hint}")?;
        }
        if self.is_outcome_unknown() {
            f.write_str(
                "; outcome unknown: the request may have been carried out. It was not retried; \
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
            .field("location", &self.0.location)
            .field("parameter", &self.0.parameter)
            .field("body_limit", &self.0.body_limit)
            .field("deadline", &self.0.deadline)
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

/// A cause, as text with its secrets masked, and its own cause: what an error keeps of the
/// chain of errors that caused it once the call knows which secrets it saw.
#[derive(Debug)]
struct Cause {
    text: String,
    source: Option<Box<Cause>>,
}

impl Cause {
    /// The chain from `error` down, each link masked. Deeper than this, the rest is dropped
    /// (a chain that long is a loop).
    fn of(error: &(dyn std::error::Error + 'static), secrets: &Secrets) -> Self {
        const DEPTH: usize = 16;
        let mut texts = Vec::new();
        let mut next = Some(error);
        while let Some(error) = next {
            if texts.len() == DEPTH {
                break;
            }
            texts.push(secrets.redact(&error.to_string()));
            next = error.source();
        }
        let mut chain: Option<Box<Cause>> = None;
        for text in texts.into_iter().rev() {
            chain = Some(Box::new(Cause {
                text,
                source: chain,
            }));
        }
        chain.map_or_else(
            || Cause {
                text: String::new(),
                source: None,
            },
            |cause| *cause,
        )
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_controls(&self.text))
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_did_not_land_and_a_server_error_may_have() {
        let refused = Error::new(ErrorKind::Api, None).with_status(StatusCode::BAD_REQUEST);
        assert!(!refused.may_have_landed());
        let server = Error::new(ErrorKind::Api, None).with_status(StatusCode::BAD_GATEWAY);
        assert!(server.may_have_landed());
        // No operation is named, so it is not a create whose outcome is unknown.
        assert!(!server.is_outcome_unknown());
        assert!(!Error::new(ErrorKind::Config, None).may_have_landed());
    }
}
