//! One call of an operation: sending it (with the retry rules, the deadline and the body limit),
//! then turning progenitor's result into the crate's [`Response`](crate::Response), [`Page`](crate::Page) or [`Error`](crate::Error).
//!
//! progenitor's generated client calls the `exec` hook below to send each request. The hook
//! records what happened (status, headers, whether the request may have left, the bodies) in the
//! [`CallContext`], which is progenitor's client's `inner` value and lives for one call, so that
//! the error built afterwards knows it even when progenitor's own error does not carry it.
//!
//! The hook also reads each response body itself, no further than the client's limit, and hands
//! progenitor a response rebuilt from the bytes read. When the hook refuses an answer (a redirect,
//! a body over the limit) or the deadline passes, it records its verdict and hands progenitor a
//! placeholder; the verdict, not what progenitor makes of the placeholder, is the call's error.
//!
//! Each attempt is logged at debug level (target `cloudflare_tokens::call`): the operation, the
//! method and path (never the query, a header or a body), the status or what failed, `cf-ray`,
//! how long it took, and what the client decided next.
//!
//! One module per job: `send` the retry loop and the deadline, `body` reading an answer
//! within the limit, `log` the debug event per attempt, `finish` progenitor's result into
//! the crate's.

mod body;
mod finish;
mod log;
mod send;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use progenitor_client::ClientInfo;
use reqwest::StatusCode;
use reqwest::header::HeaderValue;
use tokio::time::Instant;

use crate::Operation;
use crate::client::{ClientCore, Shared};
use crate::redact::Secrets;

/// progenitor's client's `inner` value: the client's settings and this call's record.
pub struct CallContext {
    shared: Arc<Shared>,
    operation: &'static Operation,
    /// When the call must be over; `None` when the deadline is too far away to represent.
    deadline: Option<Instant>,
    record: Mutex<Record>,
}

/// progenitor's client derives `Clone`; the client never clones one, and a copy would
/// start a call of its own, so it gets a fresh record.
impl Clone for CallContext {
    fn clone(&self) -> Self {
        Self {
            shared: self.shared.clone(),
            operation: self.operation,
            deadline: self.deadline,
            record: Mutex::default(),
        }
    }
}

impl std::fmt::Debug for CallContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallContext")
            .field("operation", &self.operation.id)
            .finish_non_exhaustive()
    }
}

/// What sending the request found out.
#[derive(Default)]
struct Record {
    attempts: u32,
    /// Whether any attempt may have reached the server.
    reached_server: bool,
    status: Option<StatusCode>,
    /// The `cf-ray` header of the answer.
    request_id: Option<HeaderValue>,
    /// The `Retry-After` header of the answer, as a wait.
    retry_after: Option<Duration>,
    /// The `Location` header of a redirect.
    location: Option<HeaderValue>,
    /// The hook's own verdict, which is the call's error whatever progenitor makes of the
    /// placeholder it was handed.
    verdict: Option<Verdict>,
    /// Why the client stopped retrying early, to add to the error.
    note: Option<String>,
    /// The request's method and path, for the log (never the query).
    method: Option<reqwest::Method>,
    path: String,
    /// The attempt under way, for the log when the deadline cuts it off.
    in_flight: Option<InFlight>,
    /// The request body, to mask its secrets in errors.
    request_body: Option<Bytes>,
    /// The body of the last answer, to mask its secrets in errors.
    response_body: Option<Bytes>,
}

/// An attempt under way.
#[derive(Clone, Copy)]
struct InFlight {
    number: u32,
    started: Instant,
    /// The status, once the answer's head arrived.
    status: Option<StatusCode>,
}

/// What the hook decided about an answer, instead of handing it to progenitor.
#[derive(Clone, Copy)]
enum Verdict {
    /// A 3xx: not followed.
    Redirect,
    /// A body over the client's limit.
    TooLarge,
    /// The call's deadline passed.
    Deadline,
}

/// A call in progress: progenitor's client for it (`P`, generated), which holds the context it
/// records into.
pub struct Call<P> {
    progenitor: P,
}

impl ClientCore {
    /// Starts a call of `operation`; its deadline runs from now. `client` makes progenitor's
    /// client (its `new_with_client`) for the call.
    pub fn call<P>(
        &self,
        operation: &'static Operation,
        client: impl FnOnce(&str, reqwest::Client, CallContext) -> P,
    ) -> Call<P> {
        let context = CallContext {
            shared: self.shared.clone(),
            operation,
            deadline: Instant::now().checked_add(self.shared.deadline),
            record: Mutex::default(),
        };
        Call {
            progenitor: client(&self.shared.base_url, self.shared.http.clone(), context),
        }
    }
}

impl<P: ClientInfo<CallContext>> Call<P> {
    /// progenitor's client, to build and send the request with.
    pub fn progenitor(&self) -> &P {
        &self.progenitor
    }

    fn context(&self) -> &CallContext {
        self.progenitor.inner()
    }
}

impl CallContext {
    fn record(&self) -> std::sync::MutexGuard<'_, Record> {
        self.record.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The secrets of this call: the credentials, and the secret fields of the request body and
    /// of the last answer.
    fn secrets(&self) -> Secrets {
        let mut secrets = self.shared.credentials.clone();
        let record = self.record();
        for body in [&record.request_body, &record.response_body]
            .into_iter()
            .flatten()
        {
            secrets.add_from_json(body);
        }
        secrets
    }
}

/// Cloudflare's id for a request, in every answer.
const CF_RAY: &str = "cf-ray";

fn header_text(value: &HeaderValue) -> Option<String> {
    value.to_str().ok().map(str::to_string)
}

/// progenitor sends the spec's `info.version` as an `api-version` header on every request;
/// Cloudflare's API defines no such header, and a request should carry only what the API does.
const PROGENITOR_VERSION_HEADER: &str = "api-version";

/// What the generated `exec` hook of progenitor's client runs: sends `request` for the call
/// `context` belongs to, with the retry rules, the deadline and the body limit.
pub async fn exec(
    context: &CallContext,
    client: &reqwest::Client,
    mut request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    request.headers_mut().remove(PROGENITOR_VERSION_HEADER);
    context.execute(client, request).await
}
