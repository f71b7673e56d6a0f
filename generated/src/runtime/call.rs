//! One call of an operation: sending it (with the retry rules), then turning progenitor's
//! result into the crate's [`Response`], [`Page`] or [`Error`].
//!
//! progenitor's generated client calls the `exec` hook below to send each request. The hook
//! records what happened (status, headers, whether the request may have left) in the
//! [`CallContext`], which is progenitor's client's `inner` value and lives for one call, so that the
//! error built afterwards knows it even when progenitor's own error does not carry it.

use std::sync::{Arc, Mutex, PoisonError};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::{HeaderValue, RETRY_AFTER};
use serde::de::DeserializeOwned;

use crate::codegen::progenitor::Client as ProgenitorClient;
use crate::runtime::client::Shared;
use crate::runtime::redact::excerpt;
use crate::runtime::response::Meta;
use crate::runtime::retry::retry_after;
use crate::{Envelope, Error, ErrorKind, Operation, Page, Response, Result};

/// progenitor's client's `inner` value: the client's settings and this call's record.
pub(crate) struct CallContext {
    shared: Arc<Shared>,
    operation: &'static Operation,
    record: Mutex<Record>,
}

/// progenitor's client derives `Clone`; the client never clones one, and a copy would
/// start a call of its own, so it gets a fresh record.
impl Clone for CallContext {
    fn clone(&self) -> Self {
        Self {
            shared: self.shared.clone(),
            operation: self.operation,
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
    retry_after: Option<std::time::Duration>,
}

/// A call in progress: progenitor's client for it, and the context it records into.
pub(crate) struct Call {
    progenitor: ProgenitorClient,
}

impl crate::Client {
    /// Starts a call of `operation`.
    pub(crate) fn call(&self, operation: &'static Operation) -> Call {
        let context = CallContext {
            shared: self.shared.clone(),
            operation,
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
                    self.error(ErrorKind::Decode)
                        .with_detail("the response has no result")
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

    async fn success<T>(&self, result: ProgenitorResult<T>) -> Result<(Envelope<T>, Meta)> {
        match result {
            Ok(value) => {
                let status = value.status();
                let request_id = value.headers().get(CF_RAY).cloned();
                let mut envelope = value.into_inner();
                if envelope.success == Some(false) {
                    let mut error = self.error(ErrorKind::Api);
                    error.0.errors = envelope.errors;
                    error.0.messages = envelope.messages;
                    return Err(error);
                }
                let meta = Meta {
                    status,
                    request_id,
                    messages: std::mem::take(&mut envelope.messages),
                };
                Ok((envelope, meta))
            }
            Err(error) => Err(self.failure(error).await),
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

    async fn failure(
        &self,
        failure: progenitor_client::Error<Envelope<serde_json::Value>>,
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
                let body = response.bytes().await.unwrap_or_default();
                self.error_from_body(&body)
            }
            Failure::InvalidResponsePayload(body, cause) => {
                let mut error = self.error_from_body(&body);
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
    fn error_from_body(&self, body: &[u8]) -> Error {
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
        self.error(kind).with_detail(excerpt(body))
    }
}

/// Cloudflare's id for a request, in every answer.
const CF_RAY: &str = "cf-ray";

fn header_text(value: &HeaderValue) -> Option<String> {
    value.to_str().ok().map(str::to_string)
}

impl CallContext {
    fn record(&self) -> std::sync::MutexGuard<'_, Record> {
        self.record.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sends `request`, retrying as the policy and the method allow.
    async fn execute(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        let policy = &self.shared.retry;
        let idempotent = self.operation.is_idempotent();
        let mut retry = 0;
        loop {
            // JSON bodies can be cloned; were one not, there is simply no retry.
            let attempt = if retry < policy.max_retries {
                request.try_clone()
            } else {
                None
            };
            let this_try = match attempt {
                Some(copy) => copy,
                None => return self.send_last(client, request).await,
            };
            self.record().attempts += 1;
            tracing::debug!(
                operation = self.operation.id,
                attempt = retry + 1,
                "sending"
            );
            match client.execute(this_try).await {
                Ok(response) => {
                    let wait = if idempotent {
                        policy.delay_after(response.status(), response.headers(), retry)
                    } else {
                        None
                    };
                    let Some(wait) = wait else {
                        return Ok(self.recorded(response));
                    };
                    tracing::debug!(operation = self.operation.id, status = %response.status(), ?wait, "retrying");
                    self.record().reached_server = true;
                    drop(response);
                    tokio::time::sleep(wait).await;
                }
                Err(error) => {
                    // A connect error means the request never left: safe to send again, even a POST.
                    let never_sent = error.is_connect();
                    if !never_sent {
                        self.record().reached_server = true;
                    }
                    if !(never_sent || idempotent) {
                        return Err(error);
                    }
                    tracing::debug!(
                        operation = self.operation.id,
                        never_sent,
                        "retrying after a transport error"
                    );
                    tokio::time::sleep(policy.backoff(retry)).await;
                }
            }
            retry += 1;
        }
    }

    /// The final attempt: whatever happens is the answer.
    async fn send_last(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        self.record().attempts += 1;
        tracing::debug!(operation = self.operation.id, "sending (last attempt)");
        match client.execute(request).await {
            Ok(response) => Ok(self.recorded(response)),
            Err(error) => {
                if !error.is_connect() {
                    self.record().reached_server = true;
                }
                Err(error)
            }
        }
    }

    /// Notes the answer: only what an error would need, so that a success costs little.
    fn recorded(&self, response: reqwest::Response) -> reqwest::Response {
        let headers = response.headers();
        let retry_after = match headers.contains_key(RETRY_AFTER) {
            true => retry_after(headers, std::time::SystemTime::now()),
            false => None,
        };
        let mut record = self.record();
        record.reached_server = true;
        record.status = Some(response.status());
        record.request_id = headers.get(CF_RAY).cloned();
        record.retry_after = retry_after;
        drop(record);
        response
    }
}

/// progenitor sends the spec's `info.version` as an `api-version` header on every request;
/// Cloudflare's API defines no such header, and a request should carry only what the API does.
const PROGENITOR_VERSION_HEADER: &str = "api-version";

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
