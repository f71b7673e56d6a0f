//! The request log: what the server received, with secrets redacted, and what it did about it.

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
    /// when empty.
    pub body: Option<Value>,
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

/// A request body as it is recorded.
pub(crate) fn recorded_body(bytes: &[u8]) -> Option<Value> {
    if bytes.is_empty() {
        return None;
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut json) => {
            redact(&mut json);
            Some(json)
        }
        Err(_) => Some(Value::String(String::from_utf8_lossy(bytes).into_owned())),
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
        let json = recorded_body(body).unwrap();
        assert_eq!(json["cf_api_key"], REDACTED);
        assert_eq!(json["nested"][0]["client_secret"], REDACTED);
        assert_eq!(json["name"], "n");
        assert_eq!(recorded_body(b"not json").unwrap(), "not json");
        assert_eq!(recorded_body(b""), None);
    }
}
