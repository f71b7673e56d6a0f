//! Query parameters: for every operation with some, each rule of each parameter broken (a
//! number that is not one, out of range, out of an enum, too long), and all of them valid.

use serde_json::Value;
use test_support::fake::http::Api;

use super::schema::flat;
use super::{assert_refused, operations};

/// The breaks of a parameter of schema `s`: the text to send, and what breaks.
fn breaks(s: &serde_json::Map<String, Value>) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    match s.get("type").and_then(Value::as_str) {
        Some("integer") => out.push(("twelve".to_owned(), "type")),
        Some("boolean") => out.push(("maybe".to_owned(), "type")),
        _ => {}
    }
    if let Some(max) = s.get("maximum").and_then(Value::as_i64) {
        out.push(((max + 1).to_string(), "maximum"));
    }
    if let Some(min) = s.get("minimum").and_then(Value::as_i64) {
        out.push(((min - 1).to_string(), "minimum"));
    }
    if s.contains_key("enum") {
        out.push(("sideways".to_owned(), "enum"));
    }
    if let Some(max) = s.get("maxLength").and_then(Value::as_u64) {
        out.push(("a".repeat(max as usize + 1), "maxLength"));
    }
    out
}

/// A valid text for a parameter of schema `s`.
fn valid(s: &serde_json::Map<String, Value>) -> String {
    if let Some(first) = s.get("enum").and_then(|e| e.as_array()?.first()?.as_str()) {
        return first.to_owned();
    }
    match s.get("type").and_then(Value::as_str) {
        Some("integer") => s
            .get("minimum")
            .and_then(Value::as_i64)
            .unwrap_or(1)
            .max(1)
            .to_string(),
        Some("boolean") => "true".to_owned(),
        _ => "a".to_owned(),
    }
}

fn parameters(operation: &Value) -> Vec<(String, serde_json::Map<String, Value>)> {
    let list = operation["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    list.iter()
        .filter(|p| p["in"] == "query")
        .map(|p| {
            (
                p["name"].as_str().expect("a name").to_owned(),
                flat(&p["schema"]),
            )
        })
        .collect()
}

#[tokio::test]
async fn each_rule_of_each_query_parameter_broken_is_refused_naming_it() {
    let api = Api::start().await;
    let mut broken = std::collections::BTreeSet::new();
    for op in operations() {
        for (name, schema) in parameters(&op.operation) {
            for (text, rule) in breaks(&schema) {
                let encoded: String = text.chars().collect();
                let path = format!("{}?{name}={encoded}", op.path);
                let answer = api.call(op.method.clone(), &path, None).await;
                let case = format!("{} {name} {rule} ({text})", op.id);
                let at = ["query".to_owned(), name.clone()];
                let at = op.ai_search.then_some(&at[..]);
                assert_refused(&answer, &format!("query parameter {name}: "), at, &case);
                broken.insert(rule);
            }
        }
    }
    let all = ["enum", "maxLength", "maximum", "minimum", "type"];
    assert_eq!(broken.into_iter().collect::<Vec<_>>(), all);
}

#[tokio::test]
async fn every_query_parameter_valid_at_once_gets_past_the_checks() {
    let api = Api::start().await;
    let mut lists = 0;
    for op in operations() {
        let parameters = parameters(&op.operation);
        if parameters.is_empty() {
            continue;
        }
        let query: Vec<String> = parameters
            .iter()
            .map(|(name, schema)| format!("{name}={}", valid(schema)))
            .collect();
        let path = format!("{}?{}", op.path, query.join("&"));
        let answer = api.call(op.method.clone(), &path, None).await;
        match answer.status {
            200 => assert_eq!(answer.json["success"], true, "{path}: {}", answer.text),
            404 => assert_eq!(answer.error_code(), 7003, "{path}: {}", answer.text),
            _ => panic!("{path}: {}", answer.text),
        }
        lists += 1;
    }
    assert!(lists >= 10, "{lists} operations with query parameters");
}
