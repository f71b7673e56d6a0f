//! Every request's body and query parameters checked against the request schemas of
//! `spec/openapi.json`, before the operation is carried out: what Cloudflare refuses, the fake
//! refuses (400, code 1001, the message naming the field), so that a test passing on the fake
//! does not fail on Cloudflare because the fake accepted, and echoed back, a body upstream's
//! schema forbids.
//!
//! The spec is compiled in (`include_str!`) and read once, so the fake and the spec cannot
//! drift. The checker is our own, of exactly the keywords the spec uses ([`schema::KEYWORDS`];
//! a unit test fails on any other): OpenAPI 3.0 schemas are not JSON Schema (`nullable`,
//! `readOnly` in requests, `$ref` siblings ignored), the JSON Schema crates that would fit are
//! heavy to build for a dozen keywords, and none follows OpenAPI 3.0 exactly.

mod format;
mod schema;

use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::{Map, Value};

use crate::envelope::ApiError;
use crate::query::Query;
use crate::routes::Operation;

/// The spec as compiled in.
const SPEC_TEXT: &str = include_str!("../../../spec/openapi.json");

/// The spec, parsed once. `None` only if the committed spec were not JSON, which `build.rs`
/// already refuses (it reads the same file), so this never disables the checks in a build.
static SPEC: LazyLock<Option<Value>> = LazyLock::new(|| serde_json::from_str(SPEC_TEXT).ok());

/// What the spec says an operation's request may hold.
#[derive(Debug, Default)]
pub(crate) struct RequestSpec {
    /// The body's schema, and whether a body is required.
    pub body: Option<(&'static Value, bool)>,
    /// The query parameters: name, whether required, schema.
    pub query: Vec<(&'static str, bool, &'static Value)>,
}

static REQUESTS: LazyLock<HashMap<&'static str, RequestSpec>> = LazyLock::new(|| {
    let mut table = HashMap::new();
    let Some(paths) = SPEC
        .as_ref()
        .and_then(|spec| spec.get("paths"))
        .and_then(Value::as_object)
    else {
        return table;
    };
    for item in paths.values().filter_map(Value::as_object) {
        for operation in item.values().filter_map(Value::as_object) {
            if let Some(id) = operation.get("operationId").and_then(Value::as_str) {
                table.insert(id, request_spec(operation));
            }
        }
    }
    table
});

fn request_spec(operation: &'static Map<String, Value>) -> RequestSpec {
    let body = operation.get("requestBody").and_then(|body| {
        let schema = body.pointer("/content/application~1json/schema")?;
        let required = body.get("required").and_then(Value::as_bool) == Some(true);
        Some((schema, required))
    });
    let query = operation
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
        .filter_map(|p| {
            let name = p.get("name").and_then(Value::as_str)?;
            let required = p.get("required").and_then(Value::as_bool) == Some(true);
            Some((name, required, p.get("schema")?))
        })
        .collect();
    RequestSpec { body, query }
}

/// What the spec says operation `id`'s request may hold; `None` for an id not in the spec.
pub(crate) fn request_spec_of(id: &str) -> Option<&'static RequestSpec> {
    REQUESTS.get(id)
}

/// The components of the spec, where `$ref`s point.
fn components() -> Option<&'static Value> {
    SPEC.as_ref()?.pointer("/components/schemas")
}

/// Checks `op`'s query parameters, then its body (`None` when the request has none), against
/// the spec: the first rule broken, as a 400 naming the field.
pub(crate) fn check_request(
    op: Operation,
    query: &Query,
    body: Option<&Value>,
) -> Result<(), ApiError> {
    let Some(spec) = request_spec_of(op.id()) else {
        return Ok(());
    };
    for &(name, required, schema) in &spec.query {
        check_parameter(name, required, schema, query.get(name))?;
    }
    match (spec.body, body) {
        (None, _) | (Some((_, false)), None) => Ok(()),
        (Some((_, true)), None) => {
            Err(ApiError::invalid("request body is required").at_path(vec!["body".into()]))
        }
        (Some((schema, _)), Some(body)) => schema::check(schema, body).map_err(|v| {
            let mut path = vec!["body".to_owned()];
            path.extend(v.path.iter().map(ToString::to_string));
            ApiError::invalid(v.to_string()).at_path(path)
        }),
    }
}

/// One query parameter: its text read as the schema's type, then checked like a body field.
fn check_parameter(
    name: &str,
    required: bool,
    schema: &'static Value,
    text: Option<&str>,
) -> Result<(), ApiError> {
    let refuse = |message: String| {
        ApiError::invalid(format!("query parameter {message}"))
            .at_path(vec!["query".to_owned(), name.to_owned()])
    };
    let Some(text) = text else {
        return match required {
            true => Err(refuse(format!("{name} is required"))),
            false => Ok(()),
        };
    };
    let value = match schema::type_of(schema) {
        Some("integer") => text.parse::<i64>().map(Value::from).map_err(|_| {
            refuse(format!(
                "{name}: expected an integer, got {}",
                schema::shown(text)
            ))
        })?,
        Some("number") => text
            .parse::<f64>()
            .ok()
            .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number))
            .ok_or_else(|| {
                refuse(format!(
                    "{name}: expected a number, got {}",
                    schema::shown(text)
                ))
            })?,
        Some("boolean") => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => {
                return Err(refuse(format!(
                    "{name}: expected true or false, got {}",
                    schema::shown(text)
                )));
            }
        },
        _ => Value::String(text.to_owned()),
    };
    schema::check(schema, &value).map_err(|v| refuse(format!("{name}: {}", v.detail)))
}

#[cfg(test)]
mod tests;
