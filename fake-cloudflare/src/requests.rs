//! The request log: what the server received, with secrets redacted, and what it did about it.
//! It keeps the most recent requests up to a number, and of each body at most an excerpt (see
//! the crate docs, "Limits").

use std::collections::VecDeque;

use hyper::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Stands in for secrets in recorded headers and bodies.
pub const REDACTED: &str = "[redacted]";

/// Body fields whose values are secrets.
const SECRET_FIELDS: &[&str] = &["cf_api_key", "client_secret", "value"];

/// How a request was authenticated, as far as the fake could tell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AuthUsed {
    /// No credentials at all.
    None,
    /// The configured bootstrap token.
    Bootstrap,
    /// The current value of the user token with this id.
    UserToken { id: String },
    /// The configured email and key.
    EmailKey { email: String },
    /// Credentials the fake does not know (wrong, rolled or deleted tokens, a wrong key).
    Invalid,
    /// Credential headers that cannot be read: another scheme than Bearer, an empty token, or
    /// only half of an email and key.
    Malformed,
}

/// One request the server received.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// Arrival order, from 1; also the number in the `cf-ray` header of the answer.
    pub seq: u64,
    /// The operation id the method and path name, if any.
    pub operation: Option<String>,
    pub method: String,
    /// The path as sent, including `/client/v4`.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// Every header (names in lowercase), with `authorization` and `x-auth-key` redacted.
    pub headers: Vec<(String, String)>,
    /// The body: its JSON with secret fields redacted, a JSON string if it is not JSON, or none
    /// when empty (or refused as too large). A body larger than the log's excerpt size is kept
    /// as a string: the first bytes of its redacted JSON (or of its text), and `body_truncated`
    /// says so.
    pub body: Option<Value>,
    /// The size of the body in bytes: as received, or for a body refused as too large, as
    /// declared or read until it was refused.
    #[serde(default)]
    pub body_size: u64,
    /// Whether `body` is only an excerpt.
    #[serde(default)]
    pub body_truncated: bool,
    /// The credentials the request carried.
    pub auth: AuthUsed,
    /// The injected fault applied to it, in its text form (e.g. `drop`).
    pub fault: Option<String>,
    /// The status answered; none when the connection was dropped or the answer is still pending.
    pub status: Option<u16>,
}

impl RecordedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The headers of a request as they are recorded.
pub(crate) fn recorded_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let name = name.as_str().to_owned();
            let value = match name.as_str() {
                "authorization" => {
                    let scheme = value
                        .to_str()
                        .ok()
                        .and_then(|v| v.split_whitespace().next());
                    match scheme {
                        Some(scheme) => format!("{scheme} {REDACTED}"),
                        None => REDACTED.to_owned(),
                    }
                }
                "x-auth-key" => REDACTED.to_owned(),
                _ => String::from_utf8_lossy(value.as_bytes()).into_owned(),
            };
            (name, value)
        })
        .collect()
}

/// A request body as it is recorded, and whether that is an excerpt: the redacted JSON when the
/// body has at most `excerpt` bytes; else, as a string, the first `excerpt` bytes of the
/// redacted JSON, or of the text when it is not JSON.
pub(crate) fn recorded_body(bytes: &[u8], excerpt: usize) -> (Option<Value>, bool) {
    if bytes.is_empty() {
        return (None, false);
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut json) => {
            redact(&mut json);
            if bytes.len() <= excerpt {
                return (Some(json), false);
            }
            let mut text = Bounded {
                bytes: Vec::new(),
                room: excerpt,
            };
            // Stops with an error once the excerpt is full; what was written is kept.
            let _ = serde_json::to_writer(&mut text, &json);
            (Some(Value::String(cut(&text.bytes))), true)
        }
        Err(_) => {
            let truncated = bytes.len() > excerpt;
            let kept = &bytes[..bytes.len().min(excerpt)];
            (Some(Value::String(cut(kept))), truncated)
        }
    }
}

/// The text of `bytes`, without a character cut in half at the end.
fn cut(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(e) if e.error_len().is_none() => {
            String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned()
        }
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// A writer that takes `room` bytes and then refuses more.
struct Bounded {
    bytes: Vec<u8>,
    room: usize,
}

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.room == 0 {
            return Err(std::io::Error::other("excerpt full"));
        }
        let n = buf.len().min(self.room);
        self.bytes.extend_from_slice(&buf[..n]);
        self.room -= n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The most recent requests, up to a number: the oldest is dropped to make room.
#[derive(Debug)]
pub(crate) struct RequestLog {
    entries: VecDeque<RecordedRequest>,
    capacity: usize,
    dropped: u64,
}

impl Default for RequestLog {
    fn default() -> Self {
        Self::with_capacity(crate::limits::Limits::default().max_logged_requests)
    }
}

impl RequestLog {
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: VecDeque::new(),
            capacity,
            dropped: 0,
        }
    }

    pub fn push(&mut self, request: RecordedRequest) {
        while !self.entries.is_empty() && self.entries.len() >= self.capacity {
            self.entries.pop_front();
            self.dropped += 1;
        }
        if self.capacity == 0 {
            self.dropped += 1;
            return;
        }
        self.entries.push_back(request);
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &RecordedRequest> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Forgets every entry, and the count of dropped ones.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.dropped = 0;
    }

    /// How many entries were dropped to make room since the start or the last clear.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The entry of request `seq`, if it is still kept.
    pub fn get_mut(&mut self, seq: u64) -> Option<&mut RecordedRequest> {
        self.entries.iter_mut().rev().find(|r| r.seq == seq)
    }
}

fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if SECRET_FIELDS.contains(&key.as_str()) && v.is_string() {
                    *v = Value::String(REDACTED.to_owned());
                } else {
                    redact(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_secret_fields_anywhere() {
        let body = br#"{"name":"n","cf_api_key":"s3cret","nested":[{"client_secret":"x"}]}"#;
        let (json, truncated) = recorded_body(body, 1000);
        let json = json.unwrap();
        assert!(!truncated);
        assert_eq!(json["cf_api_key"], REDACTED);
        assert_eq!(json["nested"][0]["client_secret"], REDACTED);
        assert_eq!(json["name"], "n");
        assert_eq!(
            recorded_body(b"not json", 1000),
            (Some("not json".into()), false)
        );
        assert_eq!(recorded_body(b"", 1000), (None, false));
    }

    #[test]
    fn large_bodies_become_excerpts_of_their_redacted_json() {
        let body = br#"{"cf_api_key":"s3cret","name":"0123456789"}"#;
        let (excerpt, truncated) = recorded_body(body, 30);
        assert!(truncated);
        assert_eq!(excerpt, Some(r#"{"cf_api_key":"[redacted]","na"#.into()));
        let (excerpt, truncated) = recorded_body("not json: é".as_bytes(), 11);
        assert!(truncated);
        // The `é` is cut in half: it goes.
        assert_eq!(excerpt, Some("not json: ".into()));
    }

    #[test]
    fn the_log_drops_its_oldest_entries() {
        let entry = |seq| RecordedRequest {
            seq,
            operation: None,
            method: "GET".into(),
            path: "/".into(),
            query: None,
            headers: Vec::new(),
            body: None,
            body_size: 0,
            body_truncated: false,
            auth: AuthUsed::None,
            fault: None,
            status: None,
        };
        let mut log = RequestLog::with_capacity(3);
        for seq in 1..=5 {
            log.push(entry(seq));
        }
        assert_eq!(log.iter().map(|r| r.seq).collect::<Vec<_>>(), [3, 4, 5]);
        assert_eq!(log.dropped(), 2);
        assert!(log.get_mut(2).is_none());
        log.get_mut(4).unwrap().status = Some(200);
        assert_eq!(log.iter().nth(1).unwrap().status, Some(200));
        let mut none = RequestLog::with_capacity(0);
        none.push(entry(1));
        assert_eq!(none.len(), 0);
        assert_eq!(none.dropped(), 1);
    }
}
