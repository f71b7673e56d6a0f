//! One call of an operation: sending it (with the retry rules, the deadline and the body limit),
//! then turning progenitor's result into the crate's [`Response`], [`Page`] or [`Error`].
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

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::header::{HeaderValue, LOCATION, RETRY_AFTER};
use reqwest::{ResponseBuilderExt, StatusCode};
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use crate::codegen::progenitor::Client as ProgenitorClient;
use crate::runtime::client::Shared;
use crate::runtime::redact::{Secrets, excerpt};
use crate::runtime::response::Meta;
use crate::runtime::retry::{is_retryable_status, retry_after};
use crate::{Envelope, Error, ErrorKind, Operation, Page, Response, Result};

/// progenitor's client's `inner` value: the client's settings and this call's record.
pub(crate) struct CallContext {
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

/// A call in progress: progenitor's client for it, and the context it records into.
pub(crate) struct Call {
    progenitor: ProgenitorClient,
}

impl crate::Client {
    /// Starts a call of `operation`; its deadline runs from now.
    pub(crate) fn call(&self, operation: &'static Operation) -> Call {
        let context = CallContext {
            shared: self.shared.clone(),
            operation,
            deadline: Instant::now().checked_add(self.shared.deadline),
            record: Mutex::default(),
        };
        Call {
            progenitor: ProgenitorClient::new_with_client(
                &self.shared.base_url,
                self.shared.http.clone(),
                context,
            ),
        }
    }
}

type ProgenitorResult<T> = std::result::Result<
    ResponseValue<Envelope<T>>,
    progenitor_client::Error<Envelope<serde_json::Value>>,
>;

/// progenitor's result for an answer that is not an envelope.
#[allow(dead_code, reason = "for operations whose answer is not an envelope")]
type BareResult<T> =
    std::result::Result<ResponseValue<T>, progenitor_client::Error<Envelope<serde_json::Value>>>;

/// A bare answer as an envelope around it, so that it goes the way of every other answer.
#[allow(dead_code, reason = "for operations whose answer is not an envelope")]
fn in_envelope<T>(value: ResponseValue<T>) -> ResponseValue<Envelope<T>> {
    let status = value.status();
    let headers = value.headers().clone();
    ResponseValue::new(Envelope::success(value.into_inner()), status, headers)
}

impl Call {
    pub(crate) fn progenitor(&self) -> &ProgenitorClient {
        &self.progenitor
    }

    fn context(&self) -> &CallContext {
        self.progenitor.inner()
    }

    /// The result of a call that returns one model.
    pub(crate) async fn finish<T: DeserializeOwned>(
        self,
        result: ProgenitorResult<T>,
    ) -> Result<Response<T>> {
        let (envelope, meta) = self.success(result).await?;
        match envelope.result {
            Some(result) => Ok(Response::new(result, meta)),
            // A result left out (or null) is a model with every field left out, if the model
            // allows that; otherwise the response is unusable.
            None => serde_json::from_value(serde_json::json!({}))
                .map(|result| Response::new(result, meta))
                .map_err(|_| {
                    let error = self
                        .error(ErrorKind::Decode)
                        .with_detail("the response has no result");
                    self.complete(error, &self.secrets())
                }),
        }
    }

    /// The result of a call that returns a page of a list; `per_page` is what the request asked
    /// for, to count pages when the response does not say.
    pub(crate) async fn finish_page<T: DeserializeOwned>(
        self,
        result: ProgenitorResult<Vec<T>>,
        per_page: Option<u32>,
    ) -> Result<Page<T>> {
        let (envelope, meta) = self.success(result).await?;
        let items = envelope.result.unwrap_or_default();
        let info = envelope.result_info.unwrap_or_default();
        Ok(Page::new(items, info, per_page.map(u64::from), meta))
    }

    /// The result of a call whose answer is Cloudflare's envelope without a result.
    #[allow(
        dead_code,
        reason = "for operations whose answer is not an envelope around a result"
    )]
    pub(crate) async fn finish_unit(
        self,
        result: ProgenitorResult<serde_json::Value>,
    ) -> Result<Response<()>> {
        let (_, meta) = self.success(result).await?;
        Ok(Response::new((), meta))
    }

    /// The result of a call whose answer is not an envelope: a bare JSON body (`T`), or none
    /// (`()`). Only the status tells a failure, and errors are read as for every call.
    #[allow(
        dead_code,
        reason = "for operations whose answer is not an envelope around a result"
    )]
    pub(crate) async fn finish_bare<T>(self, result: BareResult<T>) -> Result<Response<T>> {
        let (envelope, meta) = self.success(result.map(in_envelope)).await?;
        match envelope.result {
            Some(result) => Ok(Response::new(result, meta)),
            None => {
                let error = self
                    .error(ErrorKind::Decode)
                    .with_detail("the response has no result");
                Err(self.complete(error, &self.secrets()))
            }
        }
    }

    /// The result of a call whose answer is not JSON (a file, a text): its bytes, read within
    /// the client's body limit.
    #[allow(
        dead_code,
        reason = "for operations whose answer is not an envelope around a result"
    )]
    pub(crate) async fn finish_bytes(
        self,
        result: BareResult<progenitor_client::ByteStream>,
    ) -> Result<Response<Bytes>> {
        use futures::TryStreamExt;
        let (envelope, meta) = self.success(result.map(in_envelope)).await?;
        let chunks: std::result::Result<Vec<Bytes>, _> = match envelope.result {
            Some(stream) => stream.into_inner().try_collect().await,
            None => Ok(Vec::new()),
        };
        match chunks {
            Ok(chunks) => Ok(Response::new(Bytes::from(chunks.concat()), meta)),
            Err(cause) => {
                let error = self
                    .error(ErrorKind::Decode)
                    .with_detail("the response body could not be read")
                    .with_source(cause);
                Err(self.complete(error, &self.secrets()))
            }
        }
    }

    async fn success<T>(&self, result: ProgenitorResult<T>) -> Result<(Envelope<T>, Meta)> {
        let verdict = self.context().record().verdict;
        if let Some(verdict) = verdict {
            let secrets = self.secrets();
            return Err(self.complete(self.verdict_error(verdict), &secrets));
        }
        match result {
            Ok(value) => {
                let status = value.status();
                let request_id = value.headers().get(CF_RAY).cloned();
                let mut envelope = value.into_inner();
                if envelope.success == Some(false) {
                    let mut error = self.error(ErrorKind::Api);
                    error.0.errors = std::mem::take(&mut envelope.errors);
                    error.0.messages = std::mem::take(&mut envelope.messages);
                    return Err(self.complete(error, &self.secrets()));
                }
                let mut messages = std::mem::take(&mut envelope.messages);
                if !messages.is_empty() {
                    // A message could quote what the call sent.
                    let secrets = self.secrets();
                    for message in &mut messages {
                        message.message = secrets.redact(&message.message);
                    }
                }
                let meta = Meta {
                    status,
                    request_id,
                    messages,
                };
                Ok((envelope, meta))
            }
            Err(error) => {
                let secrets = self.secrets();
                let error = self.failure(error, &secrets).await;
                Err(self.complete(error, &secrets))
            }
        }
    }

    /// An error of `kind` with what the call recorded.
    fn error(&self, kind: ErrorKind) -> Error {
        let context = self.context();
        let record = context.record();
        let mut error = Error::new(kind, Some(context.operation));
        error.0.status = record.status;
        error.0.request_id = record.request_id.as_ref().and_then(header_text);
        error.0.retry_after = record.retry_after;
        error.0.reached_server = record.reached_server;
        error.0.attempts = record.attempts;
        error
    }

    /// The secrets of this call: the credentials, and the secret fields of the request body and
    /// of the last answer.
    fn secrets(&self) -> Secrets {
        let context = self.context();
        let mut secrets = context.shared.credentials.clone();
        let record = context.record();
        for body in [&record.request_body, &record.response_body]
            .into_iter()
            .flatten()
        {
            secrets.add_from_json(body);
        }
        secrets
    }

    /// The error as the caller gets it: with why retrying stopped early, and every secret masked.
    fn complete(&self, mut error: Error, secrets: &Secrets) -> Error {
        if let Some(note) = self.context().record().note.clone() {
            error.0.detail = Some(match error.0.detail.take() {
                Some(detail) => format!("{detail} ({note})"),
                None => note,
            });
        }
        error.redacted(secrets)
    }

    /// The error for the hook's verdict.
    fn verdict_error(&self, verdict: Verdict) -> Error {
        let context = self.context();
        match verdict {
            Verdict::Redirect => {
                let location = context.record().location.as_ref().and_then(header_text);
                let detail = match &location {
                    Some(location) => format!(
                        "to {location}; the client never follows redirects, so nothing was sent there"
                    ),
                    None => "without a Location; the client never follows redirects".to_string(),
                };
                let mut error = self.error(ErrorKind::Redirect).with_detail(detail);
                error.0.location = location;
                error
            }
            Verdict::TooLarge => {
                let limit = context.shared.max_body;
                let mut error = self.error(ErrorKind::ResponseTooLarge).with_detail(format!(
                    "the body is over the client's limit of {} (ClientBuilder::max_response_body) \
                     and was not read further",
                    bytes_text(limit)
                ));
                error.0.body_limit = Some(limit);
                error
            }
            Verdict::Deadline => {
                let deadline = context.shared.deadline;
                let mut error = self.error(ErrorKind::Timeout).with_detail(format!(
                    "no answer within the call's deadline of {deadline:?} (ClientBuilder::deadline), \
                     retries included"
                ));
                error.0.deadline = Some(deadline);
                error
            }
        }
    }

    async fn failure(
        &self,
        failure: progenitor_client::Error<Envelope<serde_json::Value>>,
        secrets: &Secrets,
    ) -> Error {
        use progenitor_client::Error as Failure;
        match failure {
            Failure::ErrorResponse(value) => {
                let mut error = self.error(ErrorKind::Api);
                let envelope = value.into_inner();
                error.0.errors = envelope.errors;
                error.0.messages = envelope.messages;
                if error.0.errors.is_empty() {
                    error.0.kind = ErrorKind::Http;
                }
                error
            }
            Failure::UnexpectedResponse(response) => {
                // The body was read (within the limit) by the hook; this cannot fail.
                let body = response.bytes().await.unwrap_or_default();
                self.error_from_body(&body, secrets)
            }
            Failure::InvalidResponsePayload(body, cause) => {
                let mut error = self.error_from_body(&body, secrets);
                if error.0.kind != ErrorKind::Api {
                    error = error.with_source(cause);
                }
                error
            }
            Failure::CommunicationError(cause)
            | Failure::ResponseBodyError(cause)
            | Failure::InvalidUpgrade(cause) => {
                let kind = if cause.is_builder() {
                    ErrorKind::InvalidRequest
                } else {
                    ErrorKind::Transport
                };
                self.error(kind).with_source(cause)
            }
            Failure::InvalidRequest(detail) => {
                self.error(ErrorKind::InvalidRequest).with_detail(detail)
            }
            Failure::Custom(detail) => self.error(ErrorKind::Transport).with_detail(detail),
        }
    }

    /// An error from a body that progenitor could not use: Cloudflare's envelope if it is one
    /// (an error status progenitor did not expect), else a short excerpt.
    fn error_from_body(&self, body: &[u8], secrets: &Secrets) -> Error {
        let status = self.context().record().status;
        if let Ok(envelope) = serde_json::from_slice::<Envelope<serde_json::Value>>(body)
            && !envelope.errors.is_empty()
        {
            let mut error = self.error(ErrorKind::Api);
            error.0.errors = envelope.errors;
            error.0.messages = envelope.messages;
            return error;
        }
        let kind = match status {
            Some(status) if status.is_success() => ErrorKind::Decode,
            _ => ErrorKind::Http,
        };
        self.error(kind).with_detail(excerpt(body, secrets))
    }
}

/// Cloudflare's id for a request, in every answer.
const CF_RAY: &str = "cf-ray";

fn header_text(value: &HeaderValue) -> Option<String> {
    value.to_str().ok().map(str::to_string)
}

/// A byte count for people: `8 MiB (8388608 bytes)`.
fn bytes_text(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    const KIB: u64 = 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB ({bytes} bytes)", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB ({bytes} bytes)", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// How one attempt ended, as far as retrying is concerned.
enum Attempt {
    /// An answer, its body read whole.
    Answer(reqwest::Response),
    /// An answer the hook refused (its verdict is recorded): a placeholder for progenitor.
    Refused(reqwest::Response),
    /// No answer, or not all of it.
    Failed(reqwest::Error),
}

/// What the client does after an attempt: the log's `decision`.
enum Decision {
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
fn failure_text(error: &reqwest::Error) -> &'static str {
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

impl CallContext {
    fn record(&self) -> std::sync::MutexGuard<'_, Record> {
        self.record.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sends `request`, retrying as the policy and the method allow, until the deadline.
    async fn execute(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        {
            let mut record = self.record();
            record.method = Some(request.method().clone());
            record.path = request.url().path().to_string();
            record.request_body = request
                .body()
                .and_then(reqwest::Body::as_bytes)
                .map(Bytes::copy_from_slice);
        }
        let attempts = self.attempts(client, request);
        let Some(deadline) = self.deadline else {
            return attempts.await;
        };
        match tokio::time::timeout_at(deadline, attempts).await {
            Ok(result) => result,
            Err(_) => Ok(self.deadline_passed()),
        }
    }

    /// The deadline cut the call short: an attempt under way may have reached the server.
    fn deadline_passed(&self) -> reqwest::Response {
        let in_flight = {
            let mut record = self.record();
            record.verdict = Some(Verdict::Deadline);
            let in_flight = record.in_flight.take();
            if in_flight.is_some() {
                // Whether it left cannot be known: it may have.
                record.reached_server = true;
            }
            in_flight
        };
        if let Some(attempt) = in_flight {
            let cut = (attempt.status.is_none()).then_some("no answer before the deadline");
            self.log_attempt(
                attempt.number,
                attempt.started,
                attempt.status,
                cut,
                &Decision::DeadlinePassed,
            );
        }
        placeholder(self.record().status.unwrap_or(StatusCode::GATEWAY_TIMEOUT))
    }

    async fn attempts(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        let policy = &self.shared.retry;
        let idempotent = self.operation.is_idempotent();
        let mut retry = 0;
        loop {
            // JSON bodies can be cloned; were one not, there is simply no retry.
            let spare = if retry < policy.max_retries {
                request.try_clone()
            } else {
                None
            };
            let number = retry + 1;
            let started = Instant::now();
            {
                let mut record = self.record();
                record.attempts = number;
                record.in_flight = Some(InFlight {
                    number,
                    started,
                    status: None,
                });
            }
            let attempt = match client.execute(request).await {
                Ok(response) => self.answered(response).await,
                Err(error) => {
                    // A connect error means the request never left: safe to send again, even a POST.
                    if !error.is_connect() {
                        self.record().reached_server = true;
                    }
                    Attempt::Failed(error)
                }
            };
            self.record().in_flight = None;
            let mut decision = match &attempt {
                Attempt::Refused(_) => match self.record().verdict {
                    Some(Verdict::Redirect) => Decision::RedirectNotFollowed,
                    _ => Decision::BodyTooLarge,
                },
                Attempt::Answer(response) => {
                    let status = response.status();
                    if !is_retryable_status(status) {
                        Decision::Done
                    } else if !idempotent {
                        Decision::NotReplayed
                    } else if spare.is_none() {
                        Decision::OutOfRetries
                    } else {
                        match policy.delay_after(status, response.headers(), retry) {
                            Some(wait) => Decision::Retry(wait),
                            None => Decision::WaitTooLong(
                                retry_after(response.headers(), std::time::SystemTime::now())
                                    .unwrap_or_default(),
                            ),
                        }
                    }
                }
                Attempt::Failed(error) => {
                    if !(error.is_connect() || idempotent) {
                        Decision::NotReplayed
                    } else if spare.is_none() {
                        Decision::OutOfRetries
                    } else {
                        Decision::Retry(policy.backoff(retry))
                    }
                }
            };
            if let Decision::WaitTooLong(wait) = decision {
                self.record().note = Some(format!(
                    "not retried: Retry-After asks for {wait:?}, more than the retry policy's \
                     max_delay of {:?}",
                    policy.max_delay
                ));
            }
            if let Decision::Retry(wait) = decision
                && self.deadline.is_some_and(|deadline| {
                    Instant::now()
                        .checked_add(wait)
                        .is_none_or(|at| at >= deadline)
                })
            {
                decision = Decision::NoTimeLeft(wait);
                self.record().note = Some(format!(
                    "not retried: waiting {wait:?} would pass the call's deadline of {:?}",
                    self.shared.deadline
                ));
            }
            let (status, failure) = match &attempt {
                Attempt::Answer(response) | Attempt::Refused(response) => {
                    (self.record().status.or(Some(response.status())), None)
                }
                Attempt::Failed(error) => (None, Some(failure_text(error))),
            };
            self.log_attempt(number, started, status, failure, &decision);
            let (Decision::Retry(wait), Some(spare)) = (&decision, spare) else {
                return match attempt {
                    Attempt::Answer(response) | Attempt::Refused(response) => Ok(response),
                    Attempt::Failed(error) => Err(error),
                };
            };
            drop(attempt);
            tokio::time::sleep(*wait).await;
            request = spare;
            retry += 1;
        }
    }

    /// Notes the answer and reads its body within the limit; a redirect is not read at all.
    async fn answered(&self, mut response: reqwest::Response) -> Attempt {
        let status = response.status();
        {
            let headers = response.headers();
            let retry_after = match headers.contains_key(RETRY_AFTER) {
                true => retry_after(headers, std::time::SystemTime::now()),
                false => None,
            };
            let mut record = self.record();
            record.reached_server = true;
            record.status = Some(status);
            if let Some(attempt) = &mut record.in_flight {
                attempt.status = Some(status);
            }
            record.request_id = headers.get(CF_RAY).cloned();
            record.retry_after = retry_after;
            record.response_body = None;
            if status.is_redirection() {
                record.location = headers.get(LOCATION).cloned();
                record.verdict = Some(Verdict::Redirect);
                return Attempt::Refused(placeholder(status));
            }
        }
        let limit = self.shared.max_body;
        if response
            .content_length()
            .is_some_and(|length| length > limit)
        {
            self.record().verdict = Some(Verdict::TooLarge);
            return Attempt::Refused(placeholder(status));
        }
        let headers = std::mem::take(response.headers_mut());
        let version = response.version();
        let url = response.url().clone();
        let declared = response.content_length();
        // The first chunk is kept as it is (most answers are one chunk); later ones are copied
        // into one buffer, so that the transport's buffers are not held on to.
        let mut first: Option<Bytes> = None;
        let mut joined: Vec<u8> = Vec::new();
        let mut read: u64 = 0;
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(error) => return Attempt::Failed(error),
            };
            read += chunk.len() as u64;
            if read > limit {
                self.record().verdict = Some(Verdict::TooLarge);
                return Attempt::Refused(placeholder(status));
            }
            if first.is_none() && joined.is_empty() {
                first = Some(chunk);
                continue;
            }
            if let Some(first) = first.take() {
                let expected = declared.unwrap_or(read).min(limit);
                joined.reserve_exact(usize::try_from(expected).unwrap_or(0));
                joined.extend_from_slice(&first);
            }
            grow(&mut joined, chunk.len(), limit);
            joined.extend_from_slice(&chunk);
        }
        let body = first.unwrap_or_else(|| Bytes::from(joined));
        self.record().response_body = Some(body.clone());
        // The URL goes along (else reqwest would parse a placeholder URL for each response).
        let mut rebuilt = match http::Response::builder().url(url).body(()) {
            Ok(response) => response.map(|()| body),
            Err(_) => http::Response::new(body),
        };
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        Attempt::Answer(reqwest::Response::from(rebuilt))
    }

    /// One debug event per attempt. Nothing here can hold a secret: the path holds ids only, and
    /// `cf-ray` (the one thing the server chose) is masked like an error's text.
    fn log_attempt(
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
            Some(ray) => {
                let mut secrets = self.shared.credentials.clone();
                let record = self.record();
                for body in [&record.request_body, &record.response_body]
                    .into_iter()
                    .flatten()
                {
                    secrets.add_from_json(body);
                }
                secrets.redact(&ray)
            }
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

/// progenitor sends the spec's `info.version` as an `api-version` header on every request;
/// Cloudflare's API defines no such header, and a request should carry only what the API does.
const PROGENITOR_VERSION_HEADER: &str = "api-version";

/// Makes room for `more` bytes, doubling the buffer but never past `limit` (or what is needed).
fn grow(buffer: &mut Vec<u8>, more: usize, limit: u64) {
    let needed = buffer.len() + more;
    if needed <= buffer.capacity() {
        return;
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let target = buffer.capacity().saturating_mul(2).min(limit).max(needed);
    buffer.reserve_exact(target - buffer.len());
}

/// What progenitor gets when the hook has decided the call's error itself.
fn placeholder(status: StatusCode) -> reqwest::Response {
    let mut response = http::Response::new(Bytes::new());
    *response.status_mut() = status;
    reqwest::Response::from(response)
}

impl ClientHooks<CallContext> for ProgenitorClient {
    async fn exec(
        &self,
        mut request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        request.headers_mut().remove(PROGENITOR_VERSION_HEADER);
        self.inner().execute(self.client(), request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_read_well() {
        assert_eq!(bytes_text(8 * 1024 * 1024), "8 MiB (8388608 bytes)");
        assert_eq!(bytes_text(64 * 1024), "64 KiB (65536 bytes)");
        assert_eq!(bytes_text(1000), "1000 bytes");
    }
}
