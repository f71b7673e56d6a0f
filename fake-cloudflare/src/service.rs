//! Answering one request: admin API or Cloudflare operation, faults, auth, dispatch, logging.

use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONNECTION, CONTENT_TYPE, HeaderName, HeaderValue, RETRY_AFTER};
use hyper::http::request::Parts;
use hyper::{Request, Response, StatusCode};
use serde_json::Value;

use crate::admin;
use crate::auth;
use crate::envelope::{ApiError, error_body};
use crate::faults::FaultAction;
use crate::query::Query;
use crate::requests::{AuthUsed, RecordedRequest, recorded_body, recorded_headers};
use crate::resources::Call;
use crate::routes::{self, RouteError};
use crate::shared::Shared;

/// The error a handler returns to make hyper close the connection without an answer.
#[derive(Debug)]
pub(crate) struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for DropConnection {}

pub(crate) type Answer = Response<Full<Bytes>>;

fn answer(status: u16, content_type: &'static str, body: impl Into<Bytes>, ray: &str) -> Answer {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(ray) = HeaderValue::from_str(ray) {
        headers.insert(HeaderName::from_static("cf-ray"), ray);
    }
    response
}

pub(crate) fn json_answer(status: u16, body: &Value, ray: &str) -> Answer {
    answer(status, "application/json", body.to_string(), ray)
}

const BAD_GATEWAY_PAGE: &str = "<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n\
<body>\n<h1>502 Bad Gateway</h1>\n<p>The fake Cloudflare edge could not reach the origin.</p>\n</body>\n</html>\n";

/// Answers one request, or closes the connection when a fault says so.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Answer, DropConnection> {
    let seq = shared.next_seq();
    let ray = format!("{seq:016x}-FAKE");
    let (parts, body) = request.into_parts();
    let limits = shared.limits;
    let bytes = match read_body(body, limits.max_body_size, limits.idle_timeout).await {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge(size)) => {
            return Ok(refuse_too_large(&shared, seq, &parts, size, &ray));
        }
        Err(BodyError::Lost) => return Err(DropConnection),
    };

    if parts.uri.path().starts_with(admin::PREFIX) {
        let (status, body) = admin::handle(&shared, &parts, &bytes);
        return Ok(json_answer(status, &body, &ray));
    }

    let routed = routes::route(&parts.method, parts.uri.path());
    let operation = routed.as_ref().ok().map(|(op, _)| *op);
    let releases = shared.holds.releases();
    let fault = arrive(&shared, seq, operation, &parts, &bytes);
    if let Some(response) = answer_fault(fault.as_ref(), &ray).await? {
        shared.set_status(seq, Some(response.status().as_u16()));
        return Ok(response);
    }

    let (status, body) = process(&shared, seq, routed, &parts, &bytes);
    let response = match fault {
        Some(FaultAction::DropAfter) => return Err(DropConnection),
        Some(FaultAction::Omit { field }) => {
            let mut body = body;
            if let Some(result) = body.get_mut("result").and_then(Value::as_object_mut) {
                result.remove(&field);
            }
            json_answer(status, &body, &ray)
        }
        Some(FaultAction::Hold) => {
            shared.holds.hold(releases).await;
            json_answer(status, &body, &ray)
        }
        Some(FaultAction::Truncate) => {
            let full = body.to_string().into_bytes();
            let half = full[..full.len() / 2].to_vec();
            let status = if (200..300).contains(&status) {
                status
            } else {
                200
            };
            answer(status, "application/json", half, &ray)
        }
        _ => json_answer(status, &body, &ray),
    };
    shared.set_status(seq, Some(response.status().as_u16()));
    Ok(response)
}

/// Why a request body was not read.
enum BodyError {
    /// It is larger than the limit: its size as declared, or as read until it was refused.
    TooLarge(u64),
    /// Nothing of it arrived for the idle timeout, or the connection broke.
    Lost,
}

/// Reads a request body frame by frame, at most `limit` bytes of it: a body that declares more
/// (`Content-Length`) is refused before any of it is read, one that brings more as soon as it
/// does; the rest is never read. Waits at most `idle` for each part.
async fn read_body(mut body: Incoming, limit: usize, idle: Duration) -> Result<Bytes, BodyError> {
    use hyper::body::Body as _;
    let limit_bytes = limit as u64;
    let declared = body.size_hint().exact();
    if let Some(size) = declared
        && size > limit_bytes
    {
        return Err(BodyError::TooLarge(size));
    }
    let mut out = Vec::with_capacity(declared.map_or(0, |size| size as usize));
    loop {
        let frame = match tokio::time::timeout(idle, body.frame()).await {
            Ok(None) => return Ok(Bytes::from(out)),
            Ok(Some(Ok(frame))) => frame,
            Ok(Some(Err(_))) | Err(_) => return Err(BodyError::Lost),
        };
        if let Ok(data) = frame.into_data() {
            if data.len() > limit - out.len() {
                return Err(BodyError::TooLarge((out.len() + data.len()) as u64));
            }
            out.extend_from_slice(&data);
        }
    }
}

/// The answer to a body over the limit: 413 with an error envelope (plain JSON for the admin
/// API), logged with the size, and the connection closed after it (the rest is never read).
fn refuse_too_large(shared: &Shared, seq: u64, parts: &Parts, size: u64, ray: &str) -> Answer {
    let limit = shared.limits.max_body_size;
    let message = format!("Request body too large: {size} bytes, at most {limit} are accepted");
    let mut response = if parts.uri.path().starts_with(admin::PREFIX) {
        json_answer(413, &serde_json::json!({ "error": message }), ray)
    } else {
        let error = ApiError::too_large(message);
        let operation = routes::route(&parts.method, parts.uri.path())
            .ok()
            .map(|(op, _)| op.id().to_owned());
        let mut inner = shared.lock();
        let record = RecordedRequest {
            body_size: size,
            status: Some(error.status),
            ..arrival(shared, &inner.state.user_tokens, seq, operation, parts)
        };
        inner.log.push(record);
        json_answer(error.status, &error.body(), ray)
    };
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Logs a request as it arrives and takes the fault, if any, that applies to it.
fn arrive(
    shared: &Shared,
    seq: u64,
    operation: Option<routes::Operation>,
    parts: &Parts,
    bytes: &Bytes,
) -> Option<FaultAction> {
    let body_record = recorded_body(bytes, shared.limits.log_body_excerpt);
    let mut inner = shared.lock();
    let fault = operation.and_then(|op| inner.faults.take(op.id()));
    let id = operation.map(|op| op.id().to_owned());
    let record = RecordedRequest {
        body: body_record.0,
        body_size: bytes.len() as u64,
        body_truncated: body_record.1,
        fault: fault.as_ref().map(ToString::to_string),
        ..arrival(shared, &inner.state.user_tokens, seq, id, parts)
    };
    inner.log.push(record);
    fault
}

/// A request's record as it arrives: what it asked for and who sent it; no body, fault or
/// answer yet.
fn arrival(
    shared: &Shared,
    tokens: &crate::resources::user_tokens::UserTokens,
    seq: u64,
    operation: Option<String>,
    parts: &Parts,
) -> RecordedRequest {
    RecordedRequest {
        seq,
        operation,
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: recorded_headers(&parts.headers),
        body: None,
        body_size: 0,
        body_truncated: false,
        auth: auth::identify(&parts.headers, &shared.credentials, tokens),
        fault: None,
        status: None,
    }
}

/// The answer of a fault that replaces the real one; none when the request is to be carried
/// out (after a delay, if that is the fault).
async fn answer_fault(
    fault: Option<&FaultAction>,
    ray: &str,
) -> Result<Option<Answer>, DropConnection> {
    Ok(match fault {
        Some(FaultAction::Drop) => return Err(DropConnection),
        Some(FaultAction::Fail {
            status,
            code,
            message,
        }) => Some(json_answer(*status, &error_body(*code, message), ray)),
        Some(FaultAction::RateLimit { retry_after }) => {
            let body = error_body(
                971,
                "Please wait and consider throttling your request speed",
            );
            let mut response = json_answer(429, &body, ray);
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(*retry_after));
            Some(response)
        }
        Some(FaultAction::Html502) => Some(answer(
            502,
            "text/html; charset=UTF-8",
            BAD_GATEWAY_PAGE,
            ray,
        )),
        Some(FaultAction::Delay { millis }) => {
            tokio::time::sleep(std::time::Duration::from_millis(*millis)).await;
            None
        }
        Some(
            FaultAction::DropAfter
            | FaultAction::Truncate
            | FaultAction::Hold
            | FaultAction::Omit { .. },
        )
        | None => None,
    })
}

/// Authenticates and carries out a routed request: the status and envelope to answer with.
fn process(
    shared: &Shared,
    seq: u64,
    routed: Result<(routes::Operation, routes::PathParams), RouteError>,
    parts: &Parts,
    bytes: &Bytes,
) -> (u16, Value) {
    let fail = |e: ApiError| (e.status, e.body());
    let (op, params) = match routed {
        Ok(routed) => routed,
        Err(RouteError::NotFound) => return fail(ApiError::no_route()),
        Err(RouteError::MethodNotAllowed) => return fail(ApiError::method_not_allowed()),
    };
    let now = shared.now();
    let mut guard = shared.lock();
    let inner = &mut *guard;
    // Identify again: a delay fault may have let the state change since the request arrived.
    let auth = auth::identify(
        &parts.headers,
        &shared.credentials,
        &inner.state.user_tokens,
    );
    inner.set_auth(seq, &auth);
    if let Err(e) = auth::authorize(op, &auth, &inner.state.user_tokens, now) {
        return fail(e);
    }
    if let AuthUsed::UserToken { id } = &auth {
        inner.state.user_tokens.touch(id, now);
    }
    let body = if bytes.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(json) => Some(json),
            Err(e) => return fail(ApiError::malformed_json(e)),
        }
    };
    let query = Query::parse(parts.uri.query());
    // What Cloudflare refuses, refused before anything is carried out (after auth, as there).
    if let Err(e) = crate::validate::check_request(op, &query, body.as_ref()) {
        return fail(crate::resources::with_path_for(op, e));
    }
    let call = Call {
        params: &params,
        query: &query,
        body: body.as_ref(),
        auth: &auth,
        now,
    };
    match inner.state.dispatch(op, &call) {
        Ok(reply) => (reply.status, reply.body),
        Err(e) => fail(e),
    }
}
