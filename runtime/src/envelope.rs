//! Cloudflare's response envelope, and what the client hands back instead of it.
//!
//! Every response is `{"success", "errors", "messages", "result", "result_info"?}`. The generated
//! code decodes into [`Envelope`]; the methods of the client (`cloudflare_tokens::Client`) return the `result`
//! as a [`Response`](crate::Response) (one model) or a [`Page`](crate::Page) (a list and where
//! it sits), with the rest of the envelope still reachable (see `response.rs`).

use serde::{Deserialize, Deserializer, Serialize};

/// The envelope around every response body, tolerant of what real responses leave out.
///
/// You meet it when mocking the API (feature `mock`): [`Envelope::success`] and friends build
/// the bodies Cloudflare would send.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// Whether the call succeeded. A `false` here fails the call, whatever the HTTP status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    /// Why the call failed.
    #[serde(default, deserialize_with = "crate::tolerant::null_as_default")]
    pub errors: Vec<Message>,
    /// Informational messages.
    #[serde(default, deserialize_with = "crate::tolerant::null_as_default")]
    pub messages: Vec<Message>,
    /// The operation's result.
    #[serde(default = "none")]
    pub result: Option<T>,
    /// Where a page of a list sits in the whole list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_info: Option<ResultInfo>,
}

fn none<T>() -> Option<T> {
    None
}

impl<T> Envelope<T> {
    /// A successful response around `result`.
    pub fn success(result: T) -> Self {
        Self {
            success: Some(true),
            errors: Vec::new(),
            messages: Vec::new(),
            result: Some(result),
            result_info: None,
        }
    }

    /// A failed response with one error.
    pub fn failure(code: i64, message: impl Into<String>) -> Self {
        Self {
            success: Some(false),
            errors: vec![Message::new(code, message)],
            messages: Vec::new(),
            result: None,
            result_info: None,
        }
    }
}

impl<T> Envelope<Vec<T>> {
    /// A successful response with one page of a list.
    pub fn page(items: Vec<T>, info: ResultInfo) -> Self {
        Self {
            result_info: Some(info),
            ..Self::success(items)
        }
    }
}

/// An error or informational message from Cloudflare.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Message {
    /// Cloudflare's code for the condition (0 when the API sent none).
    pub code: i64,
    /// What happened, in Cloudflare's words.
    pub message: String,
    /// Where Cloudflare documents the condition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documentation_url: Option<String>,
    /// The part of the request the message is about, as a JSON pointer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

impl Message {
    /// A message with a code and text.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            ..Self::default()
        }
    }
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl<'de> Deserialize<'de> for Message {
    /// Accepts Cloudflare's `{code, message, documentation_url, source: {pointer}}`, AI Search's
    /// `{code, message, path}`, a code sent as a string, and a message that is only a string.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        Ok(match value {
            serde_json::Value::String(text) => Message::new(0, text),
            serde_json::Value::Object(map) => {
                let code = match map.get("code") {
                    Some(serde_json::Value::Number(n)) => {
                        n.as_i64().or_else(|| n.as_f64().map(|f| f as i64))
                    }
                    Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
                    _ => None,
                };
                let text = |key: &str| map.get(key).and_then(|v| v.as_str()).map(str::to_string);
                let pointer = map
                    .get("source")
                    .and_then(|s| s.get("pointer"))
                    .and_then(|p| p.as_str());
                let path = map.get("path").and_then(|p| p.as_array()).map(|parts| {
                    let parts: Vec<String> = parts
                        .iter()
                        .map(|p| {
                            p.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| p.to_string())
                        })
                        .collect();
                    format!("/{}", parts.join("/"))
                });
                Message {
                    code: code.unwrap_or_default(),
                    message: text("message").unwrap_or_default(),
                    documentation_url: text("documentation_url"),
                    pointer: pointer.map(str::to_string).or(path),
                }
            }
            other => Message::new(0, other.to_string()),
        })
    }
}

/// Where a page sits in a list, as Cloudflare reports it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultInfo {
    /// The page number, from 1.
    #[serde(
        default,
        deserialize_with = "crate::tolerant::option_count",
        skip_serializing_if = "Option::is_none"
    )]
    pub page: Option<u64>,
    /// How many items a page holds.
    #[serde(
        default,
        deserialize_with = "crate::tolerant::option_count",
        skip_serializing_if = "Option::is_none"
    )]
    pub per_page: Option<u64>,
    /// How many items this page holds.
    #[serde(
        default,
        deserialize_with = "crate::tolerant::option_count",
        skip_serializing_if = "Option::is_none"
    )]
    pub count: Option<u64>,
    /// How many items the whole list holds.
    #[serde(
        default,
        deserialize_with = "crate::tolerant::option_count",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_count: Option<u64>,
    /// How many pages the whole list has.
    #[serde(
        default,
        deserialize_with = "crate::tolerant::option_count",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_pages: Option<u64>,
}

impl ResultInfo {
    /// The number of pages: as reported, or computed from `total_count` and the page size (AI
    /// Search reports only the count).
    pub fn pages(&self, requested_per_page: u64) -> Option<u64> {
        if let Some(pages) = self.total_pages {
            return Some(pages);
        }
        let per_page = self
            .per_page
            .filter(|p| *p > 0)
            .unwrap_or(requested_per_page)
            .max(1);
        self.total_count.map(|total| total.div_ceil(per_page))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_in_every_shape_decode() {
        let messages: Vec<Message> = serde_json::from_str(
            r#"[{"code": 1000, "message": "a", "documentation_url": "u", "source": {"pointer": "/name"}},
                {"code": "7003", "message": "b", "path": ["body", "name"]},
                "plain text", {"message": "no code"}]"#,
        )
        .unwrap();
        assert_eq!(messages[0].pointer.as_deref(), Some("/name"));
        assert_eq!(messages[1].code, 7003);
        assert_eq!(messages[1].pointer.as_deref(), Some("/body/name"));
        assert_eq!(messages[2].message, "plain text");
        assert_eq!(messages[3].code, 0);
    }

    #[test]
    fn envelopes_tolerate_missing_and_null_parts() {
        let e: Envelope<u32> = serde_json::from_str(r#"{"result": 5, "errors": null}"#).unwrap();
        assert_eq!((e.success, e.result, e.errors.len()), (None, Some(5), 0));
        let e: Envelope<u32> =
            serde_json::from_str(r#"{"success": false, "result": null}"#).unwrap();
        assert_eq!(e.result, None);
    }

    #[test]
    fn pages_are_computed_from_the_total_count() {
        let info = ResultInfo {
            page: Some(1),
            per_page: Some(100),
            count: Some(100),
            total_count: Some(250),
            total_pages: None,
        };
        assert_eq!(info.pages(100), Some(3));
        let info: ResultInfo =
            serde_json::from_str(r#"{"page": 1.0, "per_page": "20", "total_count": 40}"#).unwrap();
        assert_eq!(info.pages(20), Some(2));
    }
}
