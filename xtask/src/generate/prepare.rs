//! What progenitor is given: our trimmed spec, adjusted in memory for the Rust we want. The
//! committed spec keeps upstream's facts; these adjustments are choices about Rust types.
//!
//! - Defaults are dropped so that every optional field is an `Option`: a request leaves out what
//!   the caller did not set (the server applies its default), and a response field that is
//!   missing or `null` decodes as `None` instead of failing or inventing a value. The default
//!   goes into the field's documentation instead.
//! - Limits (lengths, ranges, patterns, item counts) are dropped: progenitor turns them into
//!   validating newtypes, which reject what a newer API sends and make every value awkward to
//!   build. Sets of allowed numbers are documented instead.
//! - `x-sensitive` strings become `cloudflare_tokens_runtime::Secret` (re-exported as `cloudflare_tokens::Secret`).
//! - Nullable properties are optional, so `null` and absence decode alike.
//! - `{allOf: [{$ref}]}` uses become plain references.
//! - An object model without properties becomes an empty struct rather than a map.
//! - Any 2xx status is a success, not only the one the spec documents.
//! - A parameter whose schema is a union is a string (it is text on the wire).
//! - A string enum whose values typify cannot name apart (`count` and `COUNT`, `>=` and `<=`)
//!   is a plain string.
//! - Models used only by the envelope parts the hand-written layer defines are left out.

use serde_json::{Map, Value, json};

use crate::keywords::LIMITS;

/// The path of the secret type, as typify's `x-rust-type` extension spells it.
pub const SECRET_CRATE: &str = "cloudflare-tokens-runtime";
pub const SECRET_PATH: &str = "cloudflare_tokens_runtime::Secret";

/// Returns the spec progenitor should see.
pub fn for_progenitor(spec: &Value) -> Value {
    let mut spec = with_rust_choices(spec);
    // Models that only the replaced envelope parts use would be generated for nothing.
    let replaced: Vec<String> = super::replace::replacements(&spec)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let unused: Vec<String> = super::replace::not_generated(&spec)
        .into_iter()
        .filter(|name| !replaced.contains(name))
        .collect();
    if let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.retain(|name, _| !unused.contains(name));
    }
    spec
}

/// The spec with the type choices above made, every model kept (for generating a bare crate
/// without the hand-written layer, as `cargo xtask bench` does).
pub fn with_rust_choices(spec: &Value) -> Value {
    let mut spec = spec.clone();
    if let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for schema in schemas.values_mut() {
            adjust_model(schema);
        }
    }
    let models = spec
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or_default();
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            for op in item
                .as_object_mut()
                .into_iter()
                .flat_map(|m| m.values_mut())
            {
                any_success_status(op);
                for parameter in op
                    .get_mut("parameters")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    if let Some(schema) = parameter.get_mut("schema") {
                        adjust_value(schema, None);
                    }
                    if let Some(schema) = parameter.get_mut("schema") {
                        union_as_string(schema, &models);
                    }
                }
            }
        }
    }
    spec
}

/// A parameter whose schema is a union (`anyOf: [uuid, string]`) is sent as text, and typify's
/// untagged enum for it cannot be written into a path or a query: the parameter is a string.
fn union_as_string(schema: &mut Value, models: &Value) {
    let resolved = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix(crate::trim::SCHEMAS)
            .and_then(|name| models.get(name)),
        None => Some(&*schema),
    };
    let is_union = resolved.is_some_and(|s| s.get("anyOf").is_some() || s.get("oneOf").is_some());
    if is_union {
        *schema = json!({ "type": "string" });
    }
}

/// The spec documents one success status per operation (201 for creates); any 2xx is a
/// success to the client, so an answer with another 2xx status is not thrown away (with, for a
/// create, the secret it carries).
fn any_success_status(op: &mut Value) {
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    let Some(primary) = super::shape::primary_success(responses).map(|(s, _)| s.clone()) else {
        return;
    };
    // One success type for progenitor (see `shape::primary_success`).
    responses.retain(|status, _| !status.starts_with('2') || *status == primary);
    if let Some(response) = responses.remove(&primary) {
        responses.insert("2XX".to_string(), response);
    }
}

fn adjust_model(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(values)) = object.get("enum") {
        let names: Vec<String> = values
            .iter()
            .filter_map(Value::as_str)
            .map(super::rust_name)
            .collect();
        let unique: std::collections::BTreeSet<&String> = names.iter().collect();
        if unique.len() != names.len() {
            object.remove("enum");
        }
    }
    // An object model without properties (an empty request body) should be an empty struct,
    // not a map of anything; typify makes one only when other properties are ruled out.
    let is_object = object.get("type") == Some(&json!("object"));
    if is_object
        && !object.contains_key("properties")
        && !object.contains_key("additionalProperties")
    {
        object.insert("properties".into(), json!({}));
        object.insert("additionalProperties".into(), json!(false));
    }
    let nullable: Vec<String> = object
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .filter(|(_, p)| p.get("nullable") == Some(&json!(true)))
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default();
    if let Some(Value::Array(required)) = object.get_mut("required") {
        required.retain(|r| !r.as_str().is_some_and(|r| nullable.iter().any(|n| n == r)));
        if required.is_empty() {
            object.remove("required");
        }
    }
    if let Some(props) = object.get_mut("properties").and_then(Value::as_object_mut) {
        for property in props.values_mut() {
            let doc = property_doc(property);
            adjust_value(property, doc);
        }
    }
    adjust_value(schema, None);
}

/// What the documentation of a property says beyond its type: its default, its allowed numbers.
fn property_doc(property: &Value) -> Option<String> {
    let mut notes = Vec::new();
    let is_number = matches!(
        property.get("type").and_then(Value::as_str),
        Some("integer" | "number")
    );
    if let (true, Some(Value::Array(values))) = (is_number, property.get("enum")) {
        let values: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        notes.push(format!("One of {}.", values.join(", ")));
    }
    if let Some(default) = property.get("default") {
        notes.push(format!("When left out, Cloudflare uses `{default}`."));
    }
    (!notes.is_empty()).then(|| notes.join(" "))
}

fn adjust_value(schema: &mut Value, doc: Option<String>) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    object.remove("default");
    for limit in LIMITS {
        object.remove(*limit);
    }
    let is_number = matches!(
        object.get("type").and_then(Value::as_str),
        Some("integer" | "number")
    );
    if is_number {
        object.remove("enum");
    }
    if object.get("x-sensitive") == Some(&json!(true))
        && object.get("type") == Some(&json!("string"))
    {
        object.insert(
            "x-rust-type".into(),
            json!({ "crate": SECRET_CRATE, "version": "*", "path": SECRET_PATH }),
        );
    }
    if let Some(Value::Array(parts)) = object.get("allOf")
        && let [only] = parts.as_slice()
        && let Some(reference) = only.get("$ref").cloned()
    {
        *object = Map::from_iter([("$ref".to_string(), reference)]);
    }
    if let Some(doc) = doc
        && !object.contains_key("$ref")
    {
        object.insert("description".into(), json!(doc));
    }
    for key in ["items", "additionalProperties"] {
        if let Some(inner) = object.get_mut(key) {
            adjust_value(inner, None);
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(variants)) = object.get_mut(key) {
            variants.iter_mut().for_each(|v| adjust_value(v, None));
        }
    }
}
