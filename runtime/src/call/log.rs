//! One debug event per attempt (target [`LOG_TARGET`]): what was sent, what came back, and what
//! the client decided next.

use std::time::Duration;

use reqwest::StatusCode;
use tokio::time::Instant;

use super::{CallContext, header_text};

/// What the client does after an attempt: the log's `decision`.
pub(super) enum Decision {
    /// The answer is the call's answer.
    Done,
    /// Sending again after this wait.
    Retry(Duration),
    /// The retries allowed are used up.
    OutOfRetries,
    /// A POST is not sent again once it may have reached the server.
    NotReplayed,
    /// Waiting before the retry would pass the deadline.
    NoTimeLeft(Duration),
    /// `Retry-After` asks for longer than the policy waits.
    WaitTooLong(Duration),
    /// A redirect, not followed.
    RedirectNotFollowed,
    /// A body over the limit.
    BodyTooLarge,
    /// The deadline passed during the attempt.
    DeadlinePassed,
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Done => f.write_str("done"),
            Self::Retry(wait) => write!(f, "retrying after {} ms", wait.as_millis()),
            Self::OutOfRetries => f.write_str("giving up: no retries left"),
            Self::NotReplayed => {
                f.write_str("not retried: a POST that may have reached the server")
            }
            Self::NoTimeLeft(wait) => write!(
                f,
                "giving up: waiting {} ms to retry would pass the call's deadline",
                wait.as_millis()
            ),
            Self::WaitTooLong(wait) => write!(
                f,
                "giving up: Retry-After asks for {} s, more than the retry policy waits",
                wait.as_secs()
            ),
            Self::RedirectNotFollowed => f.write_str("giving up: redirects are not followed"),
            Self::BodyTooLarge => f.write_str("giving up: the body is over the limit"),
            Self::DeadlinePassed => f.write_str("giving up: the call's deadline passed"),
        }
    }
}

/// What to call a transport failure in the log (reqwest's own message names the URL).
pub(super) fn failure_text(error: &reqwest::Error) -> &'static str {
    if error.is_connect() {
        "connect failed"
    } else if error.is_timeout() {
        "attempt timed out"
    } else if error.is_body() || error.is_decode() {
        "body interrupted"
    } else {
        "connection lost"
    }
}

/// The target of the events: the crate users depend on, so that a filter naming it
/// (`cloudflare_tokens=debug`) shows them, wherever the code lives.
const LOG_TARGET: &str = "cloudflare_tokens::call";

impl CallContext {
    /// One debug event per attempt. Nothing here can hold a secret: the path holds ids only, and
    /// `cf-ray` (the one thing the server chose) is masked like an error's text.
    pub(super) fn log_attempt(
        &self,
        number: u32,
        started: Instant,
        status: Option<StatusCode>,
        failure: Option<&str>,
        decision: &Decision,
    ) {
        if !tracing::enabled!(tracing::Level::DEBUG) {
            return;
        }
        let (method, path, ray) = {
            let record = self.record();
            let method = record
                .method
                .as_ref()
                .map_or("", reqwest::Method::as_str)
                .to_string();
            let ray = record.request_id.as_ref().and_then(header_text);
            (method, record.path.clone(), ray)
        };
        let cf_ray = match ray {
            Some(ray) => self.secrets().redact(&ray),
            None => "-".to_string(),
        };
        let status = match (status, failure) {
            (Some(status), _) => status.as_u16().to_string(),
            (None, Some(failure)) => failure.to_string(),
            (None, None) => "no answer".to_string(),
        };
        let elapsed_ms = started.elapsed().as_millis() as u64;
        let retry_in_ms = match decision {
            Decision::Retry(wait) => wait.as_millis() as u64,
            _ => 0,
        };
        tracing::debug!(
            target: LOG_TARGET,
            operation = self.operation.id,
            method = %method,
            path = %path,
            attempt = number,
            status = %status,
            cf_ray = %cf_ray,
            elapsed_ms,
            retry_in_ms,
            decision = %decision,
            "attempt"
        );
    }
}
