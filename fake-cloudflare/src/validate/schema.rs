//! Checking one JSON value against one OpenAPI 3.0 schema of the spec, as a request: the
//! keywords in [`KEYWORDS`] and no others.

use serde_json::Value;

use super::components;
use super::format;

/// Every keyword the checker knows: the ones it enforces, and the annotations it deliberately
/// ignores. A unit test fails if a schema a request reaches uses any other, so that a keyword
/// added to the spec cannot go unchecked without anyone noticing.
#[cfg(test)]
pub(crate) const KEYWORDS: &[&str] = &[
    // Enforced.
    "$ref",
    "type",
    "nullable",
    "enum",
    "format",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "items",
    "properties",
    "required",
    "additionalProperties",
    "allOf",
    "oneOf",
    "anyOf",
    // A property the server sets: OpenAPI 3.0 says it should not be sent; one sent is ignored
    // (not checked), as Cloudflare ignores what it sets itself.
    "readOnly",
    // Annotations, nothing to check.
    "description",
    "default",
    "deprecated",
    "writeOnly",
    // Ours: a value never shown (in messages either).
    "x-sensitive",
];

/// The keywords that check nothing.
const ANNOTATIONS: &[&str] = &[
    "description",
    "default",
    "deprecated",
    "writeOnly",
    "readOnly",
    "x-sensitive",
];

/// One path segment inside the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

impl std::fmt::Display for Segment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Segment::Key(key) => f.write_str(key),
            Segment::Index(i) => write!(f, "{i}"),
        }
    }
}

/// The first rule a value breaks: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Violation {
    pub path: Vec<Segment>,
    pub detail: String,
}

impl Violation {
    /// The field's path as a person writes it: `policies[0].effect`; empty for the whole body.
    pub fn field(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            match segment {
                Segment::Key(key) if out.is_empty() => out.push_str(key),
                Segment::Key(key) => {
                    out.push('.');
                    out.push_str(key);
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.field().as_str() {
            "" => write!(f, "request body: {}", self.detail),
            field => write!(f, "{field}: {}", self.detail),
        }
    }
}

/// Checks `value` against `schema`: the first rule it breaks.
pub(crate) fn check(schema: &Value, value: &Value) -> Result<(), Violation> {
    let mut at = Vec::new();
    walk(schema, value, &mut at, false).map_err(|detail| Violation { path: at, detail })
}

/// The schema a `$ref` names (`#/components/schemas/X`); `schema` itself if it is no `$ref`.
/// OpenAPI 3.0 ignores a `$ref`'s siblings.
fn resolve(schema: &Value) -> Result<&Value, String> {
    match schema.get("$ref").and_then(Value::as_str) {
        None => Ok(schema),
        Some(reference) => reference
            .strip_prefix("#/components/schemas/")
            .and_then(|name| components()?.get(name))
            .ok_or_else(|| format!("the spec's {reference} names no schema")),
    }
}

/// The type a value of `schema` has, looking through `$ref`s and `allOf`s: what a query
/// parameter's text is read as.
pub(crate) fn type_of(schema: &Value) -> Option<&str> {
    let schema = resolve(schema).ok()?;
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        return Some(t);
    }
    schema.get("allOf")?.as_array()?.iter().find_map(type_of)
}

/// A text as shown in a message: quoted, and cut short.
pub(crate) fn shown(text: &str) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        None => format!("{text:?}"),
        Some((cut, _)) => format!("{:?}...", &text[..cut]),
    }
}

/// A value as shown in a message: scalars as JSON (strings cut short), the rest by kind; a
/// sensitive field's value never.
fn show(value: &Value, sensitive: bool) -> String {
    match value {
        _ if sensitive => "the value given (not shown: the field is secret)".to_owned(),
        Value::String(s) => shown(s),
        Value::Array(_) | Value::Object(_) => kind(value).to_owned(),
        other => other.to_string(),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Whether `value` has JSON type `name`; `10.0` is an integer, as in JSON Schema.
fn has_type(value: &Value, name: &str) -> bool {
    match (name, value) {
        ("string", Value::String(_))
        | ("boolean", Value::Bool(_))
        | ("number", Value::Number(_))
        | ("array", Value::Array(_))
        | ("object", Value::Object(_)) => true,
        ("integer", Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}

fn article(name: &str) -> &'static str {
    match name {
        "integer" | "array" | "object" => "an",
        _ => "a",
    }
}

/// JSON equality, with numbers compared by value (`600` is `600.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Checks `value` against `schema` at `at`, leaving `at` pointing at the failing value.
fn walk(schema: &Value, value: &Value, at: &mut Vec<Segment>, secret: bool) -> Result<(), String> {
    let schema = resolve(schema)?;
    let secret = secret || schema.get("x-sensitive").and_then(Value::as_bool) == Some(true);
    let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
    if value.is_null() && nullable {
        return Ok(());
    }
    // `{"nullable": true}` alone, as a form of a `oneOf` (a message's `content`: a string, a
    // list of parts, or null): OpenAPI 3.0.3 gives `nullable` no effect without a `type`, which
    // would make this form match anything and the `oneOf` refuse every string. It is read as
    // meant: null only.
    if nullable
        && schema.as_object().is_some_and(|s| {
            s.keys()
                .all(|k| ANNOTATIONS.contains(&k.as_str()) || k == "nullable")
        })
    {
        return Err(format!("expected null, got {}", kind(value)));
    }
    if let Some(name) = schema.get("type").and_then(Value::as_str)
        && !has_type(value, name)
    {
        return Err(format!(
            "expected {} {name}, got {}",
            article(name),
            kind(value)
        ));
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.iter().any(|a| same(a, value))
    {
        let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
        return Err(format!(
            "{} is not one of {}",
            show(value, secret),
            list.join(", ")
        ));
    }
    match value {
        Value::String(s) => string(schema, s, secret)?,
        Value::Number(n) => number(schema, n.as_f64().unwrap_or(f64::NAN))?,
        Value::Array(items) => array(schema, items, at, secret)?,
        Value::Object(fields) => object(schema, fields, at, secret)?,
        Value::Null | Value::Bool(_) => {}
    }
    composed(schema, value, at, secret)
}

fn string(schema: &Value, s: &str, secret: bool) -> Result<(), String> {
    let len = s.chars().count() as u64;
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
        && len < min
    {
        return Err(format!(
            "has {len} characters, fewer than the {min} required"
        ));
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
        && len > max
    {
        return Err(format!("has {len} characters, more than the {max} allowed"));
    }
    if let Some(name) = schema.get("format").and_then(Value::as_str)
        && !format::holds(name, s)
    {
        let shown = show(&Value::String(s.to_owned()), secret);
        return Err(format!("{shown} is not a valid {name}"));
    }
    Ok(())
}

fn number(schema: &Value, n: f64) -> Result<(), String> {
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
        && n < min
    {
        return Err(format!("{n} is less than the minimum {min}"));
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
        && n > max
    {
        return Err(format!("{n} is more than the maximum {max}"));
    }
    Ok(())
}

fn array(
    schema: &Value,
    items: &[Value],
    at: &mut Vec<Segment>,
    secret: bool,
) -> Result<(), String> {
    let len = items.len() as u64;
    if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
        && len < min
    {
        return Err(format!("has {len} items, fewer than the {min} required"));
    }
    if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
        && len > max
    {
        return Err(format!("has {len} items, more than the {max} allowed"));
    }
    if let Some(item_schema) = schema.get("items") {
        for (i, item) in items.iter().enumerate() {
            at.push(Segment::Index(i));
            walk(item_schema, item, at, secret)?;
            at.pop();
        }
    }
    Ok(())
}

fn object(
    schema: &Value,
    fields: &serde_json::Map<String, Value>,
    at: &mut Vec<Segment>,
    secret: bool,
) -> Result<(), String> {
    let properties = schema.get("properties").and_then(Value::as_object);
    let property = |name: &str| properties.and_then(|p| p.get(name));
    let read_only = |s: &Value| {
        resolve(s).is_ok_and(|s| s.get("readOnly").and_then(Value::as_bool) == Some(true))
    };
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(name) = name.as_str() else { continue };
        // A required readOnly property is required in answers only.
        if !fields.contains_key(name) && !property(name).is_some_and(read_only) {
            at.push(Segment::Key(name.to_owned()));
            return Err("is required".to_owned());
        }
    }
    for (name, value) in fields {
        let field_schema = match (property(name), schema.get("additionalProperties")) {
            (Some(s), _) if read_only(s) => continue,
            (Some(s), _) => s,
            (None, Some(Value::Bool(false))) => {
                at.push(Segment::Key(name.clone()));
                return Err("is not a field of this object".to_owned());
            }
            (None, Some(s @ Value::Object(_))) => s,
            (None, _) => continue,
        };
        at.push(Segment::Key(name.clone()));
        walk(field_schema, value, at, secret)?;
        at.pop();
    }
    Ok(())
}

/// `allOf`, `oneOf`, `anyOf`.
fn composed(
    schema: &Value,
    value: &Value,
    at: &mut Vec<Segment>,
    secret: bool,
) -> Result<(), String> {
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        walk(part, value, at, secret)?;
    }
    for (keyword, exactly_one) in [("oneOf", true), ("anyOf", false)] {
        let Some(forms) = schema.get(keyword).and_then(Value::as_array) else {
            continue;
        };
        let depth = at.len();
        let mut matching = 0;
        let mut first_failure: Option<(Vec<Segment>, String)> = None;
        for form in forms {
            let mut inner = at.clone();
            match walk(form, value, &mut inner, secret) {
                Ok(()) => matching += 1,
                // The failure of a form of the value's own type says the most.
                Err(detail) if first_failure.is_none() && form_takes(form, value) => {
                    first_failure = Some((inner, detail));
                }
                Err(_) => {}
            }
        }
        if matching == 0 {
            if let Some((path, detail)) = first_failure {
                *at = path;
                return Err(detail);
            }
            at.truncate(depth);
            return Err(format!("{} matches none of the forms allowed", kind(value)));
        }
        if exactly_one && matching > 1 {
            return Err(format!(
                "{} matches more than one of the forms allowed",
                kind(value)
            ));
        }
    }
    Ok(())
}

/// Whether `form` is of `value`'s JSON type.
fn form_takes(form: &Value, value: &Value) -> bool {
    type_of(form).is_some_and(|t| has_type(value, t))
}
