use serde_json::json;

use super::format::FORMATS;
use super::schema::{KEYWORDS, check};
use super::*;

/// Every schema a request of the spec reaches (bodies and query parameters), each once.
fn request_schemas() -> Vec<(String, &'static Value)> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut stack: Vec<(String, &'static Value)> = Vec::new();
    for &op in Operation::ALL {
        let spec = request_spec_of(op.id()).expect("every operation is in the spec");
        if let Some((schema, _)) = spec.body {
            stack.push((format!("{} body", op.id()), schema));
        }
        for &(name, _, schema) in &spec.query {
            stack.push((format!("{} query {name}", op.id()), schema));
        }
    }
    while let Some((at, schema)) = stack.pop() {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            if seen.insert(reference.to_owned()) {
                let name = reference
                    .strip_prefix("#/components/schemas/")
                    .expect(reference);
                let target = components().and_then(|c| c.get(name));
                stack.push((reference.to_owned(), target.expect(reference)));
            }
            continue;
        }
        for key in ["items", "additionalProperties"] {
            if let Some(inner @ Value::Object(_)) = schema.get(key) {
                stack.push((format!("{at}/{key}"), inner));
            }
        }
        for (name, inner) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            stack.push((format!("{at}/properties/{name}"), inner));
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            for (i, inner) in schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                stack.push((format!("{at}/{key}/{i}"), inner));
            }
        }
        out.push((at, schema));
    }
    out
}

#[test]
fn the_spec_is_compiled_in_and_every_operation_has_its_request() {
    assert!(SPEC.is_some());
    for &op in Operation::ALL {
        assert!(request_spec_of(op.id()).is_some(), "{}", op.id());
    }
    let with_body = Operation::ALL
        .iter()
        .filter(|op| request_spec_of(op.id()).is_some_and(|s| s.body.is_some()))
        .count();
    assert_eq!(with_body, 20);
}

#[test]
fn request_schemas_use_only_keywords_and_formats_the_checker_knows() {
    let schemas = request_schemas();
    assert!(schemas.len() > 100, "{}", schemas.len());
    for (at, schema) in schemas {
        let object = schema
            .as_object()
            .unwrap_or_else(|| panic!("{at} is not an object"));
        for key in object.keys() {
            assert!(
                KEYWORDS.contains(&key.as_str()),
                "{at} uses {key}, which the checker does not know"
            );
        }
        if let Some(format) = object.get("format") {
            let format = format.as_str().unwrap_or_default();
            assert!(FORMATS.contains(&format), "{at} has format {format}");
        }
        if let Some(t) = object.get("type") {
            let t = t
                .as_str()
                .unwrap_or_else(|| panic!("{at}: a type that is not one name"));
            let types = ["string", "number", "integer", "boolean", "array", "object"];
            assert!(types.contains(&t), "{at} has type {t}");
        }
        if let Some(extra) = object.get("additionalProperties") {
            assert!(extra.is_object() || extra.is_boolean(), "{at}");
        }
    }
}

#[test]
fn query_parameters_are_read_as_a_type_the_checker_converts() {
    for &op in Operation::ALL {
        for &(name, _, schema) in &request_spec_of(op.id()).unwrap().query {
            let t = schema::type_of(schema);
            assert!(
                matches!(t, Some("string" | "integer" | "boolean" | "number")),
                "{} {name}: {t:?}",
                op.id()
            );
        }
    }
}

#[test]
fn formats() {
    assert!(format::holds("date-time", "2026-01-02T03:04:05Z"));
    assert!(format::holds("date-time", "2026-01-02T03:04:05.5+01:00"));
    assert!(!format::holds("date-time", "2026-01-02 03:04:05"));
    assert!(!format::holds("date-time", "tomorrow"));
    assert!(format::holds(
        "uuid",
        "6f1c0b8e-2f43-4c4e-9a3e-0e6f5b1d2c3a"
    ));
    assert!(!format::holds("uuid", "6f1c0b8e2f434c4e9a3e0e6f5b1d2c3a"));
    assert!(!format::holds("uuid", "not-a-uuid"));
    assert!(format::holds("uri", "https://example.com/sitemap.xml"));
    assert!(!format::holds("uri", "example.com/sitemap.xml"));
    assert!(!format::holds("uri", "https://exa mple.com"));
}

#[test]
fn nullable_integers_and_the_null_form_of_a_one_of() {
    let instance = json!({ "$ref": "#/components/schemas/AiSearchInstanceCreate" });
    assert_eq!(
        check(&instance, &json!({ "id": "a", "ai_search_model": null })),
        Ok(())
    );
    assert_eq!(
        check(&instance, &json!({ "id": "a", "chunk_size": 512.0 })),
        Ok(())
    );
    let fraction = check(&instance, &json!({ "id": "a", "chunk_size": 512.5 })).unwrap_err();
    assert_eq!(
        fraction.to_string(),
        "chunk_size: expected an integer, got a number"
    );
    let not_null = check(&instance, &json!({ "id": null })).unwrap_err();
    assert_eq!(not_null.to_string(), "id: expected a string, got null");
    let query = json!({ "$ref": "#/components/schemas/AiSearchQuery" });
    for content in [
        json!("hi"),
        json!(null),
        json!([{ "type": "text", "text": "hi" }]),
    ] {
        let body = json!({ "messages": [{ "role": "user", "content": content }] });
        assert_eq!(check(&query, &body), Ok(()), "{content}");
    }
    let bad = json!({ "messages": [{ "role": "user", "content": 5 }] });
    let e = check(&query, &bad).unwrap_err();
    assert_eq!(e.field(), "messages[0].content");
}

#[test]
fn messages_name_the_field_and_never_show_a_secret() {
    let instance = json!({ "$ref": "#/components/schemas/AiSearchInstanceCreate" });
    let e = check(&instance, &json!({ "id": "a", "ai_search_model": "x" })).unwrap_err();
    let message = e.to_string();
    assert!(
        message.starts_with("ai_search_model: \"x\" is not one of \"@cf/"),
        "{message}"
    );
    let e = check(&instance, &json!({})).unwrap_err();
    assert_eq!(e.to_string(), "id: is required");
    let secret = json!({
        "type": "object",
        "properties": { "key": { "type": "string", "x-sensitive": true, "enum": ["a"] } },
    });
    let e = check(&secret, &json!({ "key": "hunter2-secret" })).unwrap_err();
    assert!(!e.to_string().contains("hunter2"), "{e}");
    assert!(e.to_string().starts_with("key: "), "{e}");
}
