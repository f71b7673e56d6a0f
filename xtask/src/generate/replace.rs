//! Models of the spec that are not generated: Cloudflare's envelope and its parts, which the
//! hand-written layer defines once (generic over the result, and tolerant of what real responses
//! leave out), instead of one generated struct per operation.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::keywords::EnvelopePart;
use crate::trim::SCHEMAS;

/// Spec models replaced by hand-written types, with the Rust type each becomes: every model the
/// trimmer marked as a part of the envelope ([`crate::keywords::ENVELOPE`]).
pub fn replacements(spec: &Value) -> Vec<(String, String)> {
    models(spec)
        .filter_map(|(name, schema)| {
            let rust = match EnvelopePart::of(schema)? {
                EnvelopePart::Success | EnvelopePart::Error => {
                    let inner = schema.pointer("/properties/result").map(rust_type);
                    let inner = inner.unwrap_or_else(|| "::serde_json::Value".to_string());
                    format!("crate::Envelope<{inner}>")
                }
                EnvelopePart::Message => "crate::Message".to_string(),
                EnvelopePart::ResultInfo => "crate::ResultInfo".to_string(),
            };
            Some((name.clone(), rust))
        })
        .collect()
}

/// The models that get no generated type: the replaced ones, and those only they use (the
/// `source` of a message, say). The result types inside envelopes are generated.
pub fn not_generated(spec: &Value) -> BTreeSet<String> {
    let replaced: BTreeSet<String> = replacements(spec)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    let mut used = BTreeSet::new();
    let mut pending: Vec<&Value> = spec.get("paths").into_iter().collect();
    while let Some(value) = pending.pop() {
        for name in references(value) {
            if !used.insert(name.clone()) {
                continue;
            }
            let Some(schema) = spec.pointer(&format!("/components/schemas/{name}")) else {
                continue;
            };
            if is_envelope(schema) {
                // Only an envelope's result is a generated type.
                pending.extend(schema.pointer("/properties/result"));
            } else if !replaced.contains(&name) {
                pending.push(schema);
            }
        }
    }
    models(spec)
        .map(|(name, _)| name.clone())
        .filter(|name| replaced.contains(name) || !used.contains(name))
        .collect()
}

fn models(spec: &Value) -> impl Iterator<Item = (&String, &Value)> {
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

fn is_envelope(schema: &Value) -> bool {
    EnvelopePart::of(schema).is_some_and(EnvelopePart::is_envelope)
}

/// The models `value` refers to directly.
fn references(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    match (
                        key.as_str(),
                        inner.as_str().and_then(|r| r.strip_prefix(SCHEMAS)),
                    ) {
                        ("$ref", Some(name)) => out.push(name.to_string()),
                        _ => pending.push(inner),
                    }
                }
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    out
}

/// The Rust type of an envelope's `result` (a model, a list of models, a secret, a string).
fn rust_type(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return format!(
            "crate::types::{}",
            super::rust_name(reference.rsplit('/').next().unwrap_or_default())
        );
    }
    if let Some(first) = schema.get("allOf").and_then(|p| p.get(0)) {
        return rust_type(first);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => {
            let item = schema
                .get("items")
                .map(rust_type)
                .unwrap_or_else(|| "::serde_json::Value".into());
            format!("::std::vec::Vec<{item}>")
        }
        Some("string") if schema.get("x-sensitive") == Some(&Value::Bool(true)) => {
            "crate::Secret".into()
        }
        Some("string") => "::std::string::String".into(),
        _ => "::serde_json::Value".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_parts_are_not_generated_but_results_are() {
        let spec = serde_json::json!({
            "paths": {"/x": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingEnvelope"}}}}}}}},
            "components": {"schemas": {
                "ThingEnvelope": {"x-envelope": "success", "properties": {
                    "result": {"$ref": "#/components/schemas/Thing"},
                    "messages": {"items": {"$ref": "#/components/schemas/ResponseMessage"}}}},
                "Thing": {"properties": {
                    "kind": {"$ref": "#/components/schemas/ThingKind"},
                    "envelope": {"$ref": "#/components/schemas/PaperEnvelope"}}},
                "ThingKind": {"enum": ["a"]},
                // Named like an envelope, but not marked as one: an ordinary model.
                "PaperEnvelope": {"properties": {"stamp": {"type": "string"}}},
                "ResponseMessage": {"x-envelope": "message", "properties": {"source": {"$ref": "#/components/schemas/ResponseMessageSource"}}},
                "ResponseMessageSource": {"type": "object"}
            }}
        });
        let skipped: Vec<String> = not_generated(&spec).into_iter().collect();
        assert_eq!(
            skipped,
            ["ResponseMessage", "ResponseMessageSource", "ThingEnvelope"]
        );
        let replaced = replacements(&spec);
        assert!(replaced.contains(&(
            "ThingEnvelope".into(),
            "crate::Envelope<crate::types::Thing>".into()
        )));
        assert!(replaced.contains(&("ResponseMessage".into(), "crate::Message".into())));
        assert_eq!(replaced.len(), 2, "{replaced:?}");
    }
}
