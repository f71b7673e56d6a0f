//! Cloudflare's response envelope, and the errors the fake answers with.
//!
//! Every answer of the API (not of the admin API) is a JSON object with `success`, `errors`,
//! `messages` and `result`; lists add `result_info`. The error codes are listed in the crate docs.

use serde_json::{Value, json};

/// A failed call: the HTTP status and the one error in the envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: i64,
    pub message: String,
    /// Where in the request the problem is, as AI Search's errors say (`["body", "name"]`);
    /// shown only by the operations whose errors carry a `path`.
    pub path: Option<Vec<String>>,
}

impl ApiError {
    pub fn new(status: u16, code: i64, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            path: None,
        }
    }

    /// The same error, about body field `field`.
    pub fn at_field(mut self, field: &str) -> Self {
        self.path = Some(vec!["body".to_owned(), field.to_owned()]);
        self
    }

    /// The same error, about the request's part at `path` (`["body", "policies", "0"]`).
    pub fn at_path(mut self, path: Vec<String>) -> Self {
        self.path = Some(path);
        self
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(400, 1001, message)
    }

    pub fn malformed_json(detail: impl std::fmt::Display) -> Self {
        Self::new(
            400,
            6007,
            format!("Malformed JSON in request body: {detail}"),
        )
    }

    pub fn unauthenticated() -> Self {
        Self::new(401, 10000, "Authentication error")
    }

    /// A valid API token without a permission the operation needs, as Cloudflare answers it.
    pub fn forbidden() -> Self {
        Self::new(403, 10000, "Authentication error")
    }

    /// Credential headers that cannot be read, as Cloudflare answers them.
    pub fn malformed_auth() -> Self {
        Self::new(400, 6003, "Invalid request headers")
    }

    pub fn invalid_api_token() -> Self {
        Self::new(401, 1000, "Invalid API Token")
    }

    pub fn token_only() -> Self {
        Self::new(
            403,
            9109,
            "Unauthorized to access requested resource: this operation takes an API token (Authorization: Bearer)",
        )
    }

    pub fn no_route() -> Self {
        Self::new(404, 7000, "No route for that URI")
    }

    pub fn not_found(what: &str, id: &str) -> Self {
        Self::new(404, 7003, format!("{what} {id:?} not found"))
    }

    pub fn method_not_allowed() -> Self {
        Self::new(405, 7001, "Method not allowed for this route")
    }

    /// A request body over the fake's limit.
    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(413, 6008, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(409, 1009, message)
    }

    /// The error envelope for this error.
    pub fn body(&self) -> Value {
        let mut body = error_body(self.code, &self.message);
        if let Some(path) = &self.path {
            body["errors"][0]["path"] = json!(path);
        }
        body
    }
}

/// A successful answer: its status and envelope.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    /// `200` around one result.
    pub fn ok(result: Value) -> Self {
        Self {
            status: 200,
            body: success(result),
        }
    }

    /// `201` around one result, for the creates whose spec says so.
    pub fn created(result: Value) -> Self {
        Self {
            status: 201,
            body: success(result),
        }
    }

    /// `200` around one page of a list.
    pub fn list(items: Vec<Value>, result_info: Value) -> Self {
        let mut body = success(Value::Array(items));
        body["result_info"] = result_info;
        Self { status: 200, body }
    }
}

/// The success envelope around `result`.
pub fn success(result: Value) -> Value {
    json!({ "success": true, "errors": [], "messages": [], "result": result })
}

/// The error envelope with one error.
pub fn error_body(code: i64, message: &str) -> Value {
    json!({
        "success": false,
        "errors": [{ "code": code, "message": message }],
        "messages": [],
        "result": null,
    })
}
