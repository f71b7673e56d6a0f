//! Reading an answer: its head noted in the call's record, its body read no further than the
//! client's limit, and a redirect not read at all.

use bytes::Bytes;
use reqwest::header::{LOCATION, RETRY_AFTER};
use reqwest::{ResponseBuilderExt, StatusCode};

use super::{CF_RAY, CallContext, Verdict};
use crate::retry::retry_after;

/// How one attempt ended, as far as retrying is concerned.
pub(super) enum Attempt {
    /// An answer, its body read whole.
    Answer(reqwest::Response),
    /// An answer the hook refused (its verdict is recorded): a placeholder for progenitor.
    Refused(reqwest::Response),
    /// No answer, or not all of it.
    Failed(reqwest::Error),
}

impl CallContext {
    /// Notes the answer and reads its body within the limit; a redirect is not read at all.
    pub(super) async fn answered(&self, mut response: reqwest::Response) -> Attempt {
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
}

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
pub(super) fn placeholder(status: StatusCode) -> reqwest::Response {
    let mut response = http::Response::new(Bytes::new());
    *response.status_mut() = status;
    reqwest::Response::from(response)
}
