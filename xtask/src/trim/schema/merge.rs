//! Merging two definitions of the same model.

use serde_json::{Map, Value, json};

use super::split_use_site;
use crate::keywords::LIMITS;

/// How to merge a limit or a format that one definition states and the other leaves out.
///
/// Upstream often states one (`format: uuid`, a `maxLength`) in one schema and not in another:
/// AI Search's instance `token_id` is a UUID in request bodies and any string in list answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Merge {
    /// Every definition merged so far is sent (a request body or parameter): keep it, the
    /// stricter choice, so that a value is refused before it is sent rather than after.
    Strict,
    /// Some definition is read from a response: drop it, the looser choice, so that an answer
    /// one endpoint gives never fails to decode because another endpoint's schema says more.
    Loose,
}

/// Merges two definitions of the same model: the union of what either allows. Properties are
/// united, `required` intersected, enums united; a limit (or format) both state is kept where
/// they agree and dropped where they differ, one only one states follows `rule`; `nullable`
/// and `x-sensitive` hold if either says so, `readOnly` and friends if both do.
pub fn merge_models(
    a: &Map<String, Value>,
    b: &Map<String, Value>,
    rule: Merge,
) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for key in keys {
        let (x, y) = (a.get(key), b.get(key));
        let merged = match key.as_str() {
            "properties" => match (x, y) {
                (Some(Value::Object(pa)), Some(Value::Object(pb))) => {
                    let mut props = pa.clone();
                    for (name, schema) in pb {
                        let merged = match props.get(name) {
                            Some(existing) => merge_values(existing, schema, rule)
                                .map_err(|e| format!("property `{name}`: {e}"))?,
                            None => schema.clone(),
                        };
                        props.insert(name.clone(), merged);
                    }
                    Some(Value::Object(props))
                }
                _ => x.or(y).cloned(),
            },
            "required" => match (x, y) {
                (Some(Value::Array(ra)), Some(Value::Array(rb))) => {
                    let both: Vec<Value> = ra.iter().filter(|r| rb.contains(r)).cloned().collect();
                    (!both.is_empty()).then_some(Value::Array(both))
                }
                _ => None,
            },
            "enum" => match (x, y) {
                (Some(Value::Array(ea)), Some(Value::Array(eb))) => {
                    let mut values = ea.clone();
                    values.extend(eb.iter().filter(|v| !ea.contains(v)).cloned());
                    Some(Value::Array(values))
                }
                // One side allows any value: so does the merge.
                _ => None,
            },
            "nullable" | "x-sensitive" => {
                (x == Some(&json!(true)) || y == Some(&json!(true))).then_some(json!(true))
            }
            "readOnly" | "writeOnly" | "deprecated" => {
                (x == Some(&json!(true)) && y == Some(&json!(true))).then_some(json!(true))
            }
            "type" => match (x, y) {
                (Some(tx), Some(ty)) if tx != ty => match (tx.as_str(), ty.as_str()) {
                    (Some("integer"), Some("number")) | (Some("number"), Some("integer")) => {
                        Some(json!("number"))
                    }
                    _ => return Err(format!("`type` is {tx} in one and {ty} in the other")),
                },
                _ => x.or(y).cloned(),
            },
            "allOf" | "anyOf" | "oneOf" => match (x, y) {
                (Some(vx), Some(vy)) if vx != vy => {
                    return Err(format!("it refers to different models ({vx} and {vy})"));
                }
                _ => x.or(y).cloned(),
            },
            "items" | "additionalProperties" => match (x, y) {
                (Some(vx), Some(vy)) => Some(merge_values(vx, vy, rule)?),
                _ => x.or(y).cloned(),
            },
            "default" => match (x, y) {
                (Some(vx), Some(vy)) => (vx == vy).then(|| vx.clone()),
                _ => x.or(y).cloned(),
            },
            "format" => match (x, y) {
                (Some(vx), Some(vy)) => (vx == vy).then(|| vx.clone()),
                _ if rule == Merge::Loose => None,
                _ => x.or(y).cloned(),
            },
            // A limit only documents a field (the client never refuses an answer for breaking
            // one, and Cloudflare checks what it is sent), so one only one definition states is
            // kept whichever way the data travels.
            k if LIMITS.contains(&k) => match (x, y) {
                (Some(vx), Some(vy)) => (vx == vy).then(|| vx.clone()),
                _ => x.or(y).cloned(),
            },
            _ => match (x, y) {
                (Some(vx), Some(vy)) => (vx == vy).then(|| vx.clone()),
                _ => x.or(y).cloned(),
            },
        };
        if let Some(value) = merged {
            out.insert(key.clone(), value);
        }
    }
    Ok(out)
}

/// Merges two property schemas (inline schemas or references).
fn merge_values(a: &Value, b: &Value, rule: Merge) -> Result<Value, String> {
    if a == b {
        return Ok(a.clone());
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            // `{$ref}` and `{allOf: [{$ref}], nullable}` are two uses of one model.
            let (x, y) = (as_allof_use(x), as_allof_use(y));
            // One definition names a model (an enum, say) where another has a plain value of
            // the same kind: keep the model, which says more, and the use-site keywords.
            let (x, y) = match (x.contains_key("allOf"), y.contains_key("allOf")) {
                (true, false) => (x, use_site_only(y)),
                (false, true) => (use_site_only(x), y),
                _ => (x, y),
            };
            merge_models(&x, &y, rule).map(Value::Object)
        }
        _ => Err(format!("{a} and {b} differ")),
    }
}

fn use_site_only(schema: Map<String, Value>) -> Map<String, Value> {
    split_use_site(schema).0
}

fn as_allof_use(schema: &Map<String, Value>) -> Map<String, Value> {
    match schema.get("$ref") {
        Some(reference) => {
            let mut out = Map::new();
            out.insert("allOf".into(), json!([{ "$ref": reference }]));
            out
        }
        None => schema.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_unites_properties_and_intersects_required() {
        let a = json!({"type": "object", "required": ["id", "name"], "properties": {
            "id": {"type": "string"}, "name": {"type": "string"}}});
        let b = json!({"type": "object", "required": ["id"], "properties": {
            "id": {"type": "string"}, "extra": {"type": "boolean", "x-sensitive": true}}});
        let merged =
            merge_models(a.as_object().unwrap(), b.as_object().unwrap(), Merge::Loose).unwrap();
        assert_eq!(merged["required"], json!(["id"]));
        assert_eq!(merged["properties"].as_object().unwrap().len(), 3);
        assert_eq!(merged["properties"]["extra"]["x-sensitive"], json!(true));
    }

    #[test]
    fn merging_conflicting_types_fails() {
        let a = json!({"type": "object", "properties": {"id": {"type": "string"}}});
        let b = json!({"type": "object", "properties": {"id": {"type": "boolean"}}});
        let err =
            merge_models(a.as_object().unwrap(), b.as_object().unwrap(), Merge::Loose).unwrap_err();
        assert!(err.contains("property `id`"), "{err}");
    }

    #[test]
    fn a_format_one_definition_leaves_out_is_kept_for_sending_and_dropped_for_reading() {
        let sent = json!({"type": "object", "properties": {
            "token_id": {"type": "string", "format": "uuid"},
            "name": {"type": "string", "maxLength": 32}}});
        let other = json!({"type": "object", "properties": {
            "token_id": {"type": "string"}, "name": {"type": "string", "maxLength": 32}}});
        let (a, b) = (sent.as_object().unwrap(), other.as_object().unwrap());
        let strict = merge_models(a, b, Merge::Strict).unwrap();
        assert_eq!(
            strict["properties"]["token_id"],
            json!({"type": "string", "format": "uuid"})
        );
        let loose = merge_models(a, b, Merge::Loose).unwrap();
        assert_eq!(loose["properties"]["token_id"], json!({"type": "string"}));
        // What both state stays, either way.
        assert_eq!(
            loose["properties"]["name"],
            json!({"type": "string", "maxLength": 32})
        );
        assert_eq!(strict["properties"]["name"], loose["properties"]["name"]);
    }

    #[test]
    fn nullable_references_merge_with_plain_ones() {
        let a = json!({"type": "object", "properties": {"k": {"$ref": "#/components/schemas/K"}}});
        let b = json!({"type": "object", "properties": {"k": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/K"}]}}});
        let merged =
            merge_models(a.as_object().unwrap(), b.as_object().unwrap(), Merge::Loose).unwrap();
        assert_eq!(
            merged["properties"]["k"],
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/K"}]})
        );
    }
}
