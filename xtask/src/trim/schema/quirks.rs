//! Upstream's ways of writing a schema that progenitor would read wrongly or not at all, each
//! rewritten into what upstream means. Every rule names the upstream schema that needed it.

use serde_json::{Map, Value, json};

/// An object whose `anyOf` (or `oneOf`) variants only say which of its properties are
/// required (Stream's webhook needs `notification_url` or `notificationUrl`): the variants
/// constrain the object, not its shape, so it is the object, with none of those required.
pub(super) fn object_under_requirements(flat: &Map<String, Value>) -> Option<Map<String, Value>> {
    let variants = flat.get("anyOf").or_else(|| flat.get("oneOf"))?;
    if !flat.contains_key("properties") || !only_requirements(variants) {
        return None;
    }
    let mut object = flat.clone();
    object.remove("anyOf");
    object.remove("oneOf");
    Some(object)
}

/// Whether every variant of a union only lists required properties.
fn only_requirements(variants: &Value) -> bool {
    let prose = ["required", "description", "title"];
    variants.as_array().is_some_and(|list| {
        !list.is_empty()
            && list.iter().all(|variant| {
                variant.as_object().is_some_and(|object| {
                    object.contains_key("required")
                        && object.keys().all(|k| prose.contains(&k.as_str()))
                })
            })
    })
}

/// Properties whose names are one Rust field (Stream's webhook takes `notification_url` or
/// `notificationUrl`), which typify would declare twice: the spelling that is already the
/// field's name stays, the others go (a request sends that spelling; an answer's other
/// spelling is ignored, as any unknown field is).
pub(super) fn one_spelling_per_field<'v>(
    properties: Vec<(&'v String, &'v Value)>,
) -> Vec<(&'v String, &'v Value)> {
    use heck::ToSnakeCase;
    let field = |key: &str| key.to_snake_case();
    let is_field_name = |key: &str| field(key) == key;
    properties
        .iter()
        .filter(|(key, _)| {
            is_field_name(key)
                || !properties
                    .iter()
                    .any(|(other, _)| other != key && field(other) == field(key))
        })
        .copied()
        .collect()
}

/// The types OpenAPI 3.0 knows.
const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// A `type` OpenAPI does not know (Workers KV's "any value" is `type: unknown`) says nothing
/// of the value: it is read as any JSON value, as a schema without `type` is.
pub(super) fn drop_unknown_type(schema: &mut Map<String, Value>) {
    let type_ = schema.get("type").and_then(Value::as_str);
    if type_.is_some_and(|type_| !TYPES.contains(&type_)) {
        schema.remove("type");
    }
}

/// An `enum` holding values its own `type` does not allow (Registrar's `privacy_mode`:
/// `type: string`, `enum: [false, "redaction"]`) contradicts itself: neither says what the
/// value is. It is read as any JSON value, so every value upstream lists decodes.
pub(super) fn widen_enum_of_other_types(schema: &mut Map<String, Value>) {
    let Some(type_) = schema.get("type").and_then(Value::as_str) else {
        return;
    };
    let of_type = |value: &Value| match type_ {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    };
    let contradicts = schema
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|values| !values.iter().all(of_type));
    if contradicts {
        schema.remove("type");
        schema.remove("enum");
    }
}

/// `enum: [.., null]` is how upstream says "nullable" (AI Search's models, among many);
/// progenitor would turn a `null` value into `()`.
pub(super) fn strip_null_from_enum(schema: &mut Map<String, Value>) {
    let Some(Value::Array(values)) = schema.get_mut("enum") else {
        return;
    };
    if values.iter().any(Value::is_null) {
        values.retain(|v| !v.is_null());
        schema.insert("nullable".into(), json!(true));
    }
    if schema
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
    {
        schema.remove("enum");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn an_enum_its_type_does_not_allow_and_an_unknown_type_become_any_value() {
        let mut mixed = object(json!({"type": "string", "enum": [false, "redaction"]}));
        widen_enum_of_other_types(&mut mixed);
        assert_eq!(Value::Object(mixed), json!({}));
        let mut fine = object(json!({"type": "integer", "enum": [1, 2]}));
        widen_enum_of_other_types(&mut fine);
        assert_eq!(
            Value::Object(fine),
            json!({"type": "integer", "enum": [1, 2]})
        );
        let mut unknown = object(json!({"type": "unknown", "description": "any"}));
        drop_unknown_type(&mut unknown);
        assert_eq!(Value::Object(unknown), json!({"description": "any"}));
    }

    #[test]
    fn only_the_spelling_that_is_the_field_name_stays() {
        let (url, camel, other) = (json!(1), json!(2), json!(3));
        let keys = ["notificationUrl", "notification_url", "otherField"].map(String::from);
        let properties = vec![(&keys[0], &camel), (&keys[1], &url), (&keys[2], &other)];
        let kept: Vec<&str> = one_spelling_per_field(properties)
            .into_iter()
            .map(|(key, _)| key.as_str())
            .collect();
        assert_eq!(kept, ["notification_url", "otherField"]);
    }

    #[test]
    fn requirements_alone_are_not_a_union_of_shapes() {
        let flat = object(json!({
            "properties": {"a": {}, "b": {}},
            "anyOf": [{"required": ["a"]}, {"required": ["b"]}],
        }));
        assert_eq!(
            object_under_requirements(&flat).map(Value::Object),
            Some(json!({"properties": {"a": {}, "b": {}}}))
        );
        let no_properties = object(json!({"anyOf": [{"required": ["a"]}]}));
        assert_eq!(object_under_requirements(&no_properties), None);
        assert!(only_requirements(
            &json!([{"required": ["a"]}, {"required": ["b"]}])
        ));
        assert!(!only_requirements(
            &json!([{"required": ["a"]}, {"type": "string"}])
        ));
        assert!(!only_requirements(&json!([])));
    }
}
