//! The fake refuses what the spec's request schemas forbid (400, code 1001, the message naming
//! the field), and takes what they allow. The cases are derived from `spec/openapi.json`, not
//! listed by hand: every operation with a body or query parameters, and every kind of rule its
//! schema has, so an operation added to the spec is covered by being there.

mod body;
mod query;
mod schema;

use serde_json::Value;
use test_support::fake::http::{ACCOUNT, Answer};

/// One operation of the spec, as the tests need it.
pub struct SpecOperation {
    pub id: String,
    pub method: reqwest::Method,
    /// Below the base URL, with sample values for the path's parameters.
    pub path: String,
    pub operation: Value,
    /// Whether its errors carry AI Search's `path`.
    pub ai_search: bool,
}

pub fn spec() -> &'static Value {
    static SPEC: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/openapi.json");
        serde_json::from_str(&std::fs::read_to_string(path).expect("spec readable"))
            .expect("spec is JSON")
    })
}

/// Every operation of the spec.
pub fn operations() -> Vec<SpecOperation> {
    let mut out = Vec::new();
    for (path, item) in spec()["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let (Ok(method), Some(id)) = (
                method.to_uppercase().parse::<reqwest::Method>(),
                operation["operationId"].as_str(),
            ) else {
                continue;
            };
            out.push(SpecOperation {
                id: id.to_owned(),
                method,
                path: sample(path),
                operation: operation.clone(),
                ai_search: path.contains("/ai-search/"),
            });
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// The spec's path with sample values for its parameters: any object, since the request is
/// checked before the fake looks it up.
fn sample(path: &str) -> String {
    path.replace("{accounts_or_zones}", "accounts")
        .replace("{account_id}", ACCOUNT)
        .replace("{account_or_zone_id}", ACCOUNT)
        .replace("{token_id}", "0123456789abcdef0123456789abcdef")
        .replace("{service_token_id}", "6f1c0b8e-2f43-4c4e-9a3e-0e6f5b1d2c3a")
        .replace("{id}", "6f1c0b8e-2f43-4c4e-9a3e-0e6f5b1d2c3a")
        .replace("{name}", "some-namespace")
        .replace("{job_id}", "some-job")
        .replace("{bucket_name}", "some-bucket")
}

/// The answer is the validation's refusal: 400, code 1001, Cloudflare's error envelope with
/// one error, whose message begins with `prefix` (the field), and, for AI Search, its `path`.
pub fn assert_refused(answer: &Answer, prefix: &str, path: Option<&[String]>, case: &str) {
    assert_eq!(answer.status, 400, "{case}: {}", answer.text);
    let body = &answer.json;
    let keys: Vec<&String> = body.as_object().expect("an object").keys().collect();
    assert_eq!(keys, ["errors", "messages", "result", "success"], "{case}");
    assert_eq!(body["success"], false, "{case}");
    assert_eq!(body["result"], Value::Null, "{case}");
    assert_eq!(body["messages"], serde_json::json!([]), "{case}");
    let errors = body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{case}: {}", answer.text);
    assert_eq!(errors[0]["code"], 1001, "{case}: {}", answer.text);
    let message = errors[0]["message"].as_str().expect("a message");
    assert!(
        message.starts_with(prefix),
        "{case}: {message:?} should begin with {prefix:?}"
    );
    match path {
        Some(path) => assert_eq!(errors[0]["path"], serde_json::json!(path), "{case}"),
        None => assert!(errors[0].get("path").is_none(), "{case}: {}", answer.text),
    }
}
