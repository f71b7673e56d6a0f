//! A call's end: progenitor's result (or the hook's verdict) into the crate's [`Response`],
//! [`Page`] or [`Error`], with what the call recorded and every secret masked.

use bytes::Bytes;
use progenitor_client::{ClientInfo, ResponseValue};
use serde::de::DeserializeOwned;

use super::{CF_RAY, Call, CallContext, Verdict, header_text};
use crate::error::Exchange;
use crate::redact::{Secrets, excerpt};
use crate::response::Meta;
use crate::{Envelope, Error, ErrorKind, Page, Response, Result};

pub type ProgenitorResult<T> = std::result::Result<
    ResponseValue<Envelope<T>>,
    progenitor_client::Error<Envelope<serde_json::Value>>,
>;

/// progenitor's result for an answer that is not an envelope.
#[allow(dead_code, reason = "for operations whose answer is not an envelope")]
pub type BareResult<T> =
    std::result::Result<ResponseValue<T>, progenitor_client::Error<Envelope<serde_json::Value>>>;

/// A bare answer as an envelope around it, so that it goes the way of every other answer.
#[allow(dead_code, reason = "for operations whose answer is not an envelope")]
fn in_envelope<T>(value: ResponseValue<T>) -> ResponseValue<Envelope<T>> {
    let status = value.status();
    let headers = value.headers().clone();
    ResponseValue::new(Envelope::success(value.into_inner()), status, headers)
}

impl<P: ClientInfo<CallContext>> Call<P> {
    /// The result of a call that returns one model.
    pub async fn finish<T: DeserializeOwned>(
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
    pub async fn finish_page<T: DeserializeOwned>(
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
    pub async fn finish_unit(
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
    pub async fn finish_bare<T>(self, result: BareResult<T>) -> Result<Response<T>> {
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
    pub async fn finish_bytes(
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
                    let error = self.error(ErrorKind::Api).with_cloudflare(
                        std::mem::take(&mut envelope.errors),
                        std::mem::take(&mut envelope.messages),
                    );
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
        Error::new(kind, Some(context.operation)).with_exchange(Exchange {
            status: record.status,
            request_id: record.request_id.as_ref().and_then(header_text),
            retry_after: record.retry_after,
            reached_server: record.reached_server,
            attempts: record.attempts,
        })
    }

    /// The secrets of this call.
    fn secrets(&self) -> Secrets {
        self.context().secrets()
    }

    /// The error as the caller gets it: with why retrying stopped early, and every secret masked.
    fn complete(&self, error: Error, secrets: &Secrets) -> Error {
        let note = self.context().record().note.clone();
        match note {
            Some(note) => error.with_note(note),
            None => error,
        }
        .redacted(secrets)
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
                self.error(ErrorKind::Redirect)
                    .with_detail(detail)
                    .with_location(location)
            }
            Verdict::TooLarge => {
                let limit = context.shared.max_body;
                self.error(ErrorKind::ResponseTooLarge).with_detail(format!(
                    "the body is over the client's limit of {} (ClientBuilder::max_response_body) \
                     and was not read further",
                    bytes_text(limit)
                ))
                .with_body_limit(limit)
            }
            Verdict::Deadline => {
                let deadline = context.shared.deadline;
                self.error(ErrorKind::Timeout).with_detail(format!(
                    "no answer within the call's deadline of {deadline:?} (ClientBuilder::deadline), \
                     retries included"
                ))
                .with_deadline(deadline)
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
                let envelope = value.into_inner();
                let error = self
                    .error(ErrorKind::Api)
                    .with_cloudflare(envelope.errors, envelope.messages);
                match error.has_codes() {
                    true => error,
                    false => error.with_kind(ErrorKind::Http),
                }
            }
            Failure::UnexpectedResponse(response) => {
                // The body was read (within the limit) by the hook; this cannot fail.
                let body = response.bytes().await.unwrap_or_default();
                self.error_from_body(&body, secrets)
            }
            Failure::InvalidResponsePayload(body, cause) => {
                let mut error = self.error_from_body(&body, secrets);
                if error.kind() != ErrorKind::Api {
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
            return self
                .error(ErrorKind::Api)
                .with_cloudflare(envelope.errors, envelope.messages);
        }
        let kind = match status {
            Some(status) if status.is_success() => ErrorKind::Decode,
            _ => ErrorKind::Http,
        };
        self.error(kind).with_detail(excerpt(body, secrets))
    }
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
