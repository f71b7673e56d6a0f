//! Doc lines for what the spec does not describe: every model field and every query parameter
//! gets one. The spec's own description comes first (the overlay's words, carried by the
//! trimmer); without one, the facts the schema states (type, format, allowed values, limits,
//! default, who sets it) are said as a sentence.

use serde_json::{Map, Value};
use syn::{Fields, Item};

use crate::trim::SCHEMAS;

/// The facts of `schema` as one sentence, such as "A whole number from 1 to 50; defaults to 20."
pub fn facts(schema: &Value, schemas: &Map<String, Value>) -> String {
    let mut sentence = what(schema, schemas);
    let mut extra = Vec::new();
    if let Some(default) = schema.get("default") {
        extra.push(format!("defaults to `{default}`"));
    }
    if schema.get("readOnly") == Some(&Value::Bool(true)) {
        extra.push("set by Cloudflare, never sent".to_string());
    }
    if schema.get("writeOnly") == Some(&Value::Bool(true)) {
        extra.push("sent, never returned".to_string());
    }
    if schema.get("x-sensitive") == Some(&Value::Bool(true)) {
        extra.push("a secret, redacted in `Debug` and `Display`".to_string());
    }
    if schema.get("nullable") == Some(&Value::Bool(true)) {
        extra.push("may be `null`".to_string());
    }
    for part in extra {
        sentence.push_str("; ");
        sentence.push_str(&part);
    }
    sentence.push('.');
    sentence
}

/// What a value of `schema` is, as the start of a sentence ("A string", "One of `a`, `b`").
fn what(schema: &Value, schemas: &Map<String, Value>) -> String {
    if let Some(name) = reference(schema) {
        let target = schemas.get(name);
        let article = match name.chars().next() {
            Some('A' | 'E' | 'I' | 'O' | 'U') => "An",
            _ => "A",
        };
        if let Some(values) = target.and_then(|t| t.get("enum")).and_then(Value::as_array) {
            return format!("{article} `{name}`: one of {}", list(values));
        }
        return match target
            .and_then(|t| t.get("description"))
            .and_then(Value::as_str)
        {
            Some(text) => {
                let text = text.trim().trim_end_matches('.');
                format!("{article} `{name}`: {}", sentence_inside(text))
            }
            None => format!("{article} `{name}`"),
        };
    }
    // OpenAPI 3.0 puts a reference beside `nullable` or `default` in a one-item `allOf`.
    if let Some([only]) = schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        return what(only, schemas);
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return format!("One of {}", list(values));
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let options: Vec<String> = options
                .iter()
                .map(|o| lowercase_first(&what(o, schemas)))
                .collect();
            return format!("Either {}", options.join(" or "));
        }
    }
    let mut text = match schema.get("type").and_then(Value::as_str) {
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => "A date and time".to_string(),
            Some("uuid") => "A UUID".to_string(),
            Some(format) => format!("A string ({format})"),
            None => "A string".to_string(),
        },
        Some("integer") => "A whole number".to_string(),
        Some("number") => "A number".to_string(),
        Some("boolean") => "`true` or `false`".to_string(),
        Some("array") => {
            let items = match schema.get("items") {
                Some(item) => match reference(item) {
                    Some(name) => format!("`{name}` values"),
                    None => plural(&what(item, schemas)),
                },
                None => "values".to_string(),
            };
            format!("A list of {items}")
        }
        Some("object") => match schema.get("additionalProperties") {
            Some(values @ Value::Object(_)) => match reference(values) {
                Some(name) => format!("A map from names to `{name}` values"),
                None => format!("A map from names to {}", plural(&what(values, schemas))),
            },
            _ => "An object".to_string(),
        },
        _ => "Any JSON value".to_string(),
    };
    let number = |key: &str| schema.get(key).filter(|v| v.is_number());
    match (number("minimum"), number("maximum")) {
        (Some(min), Some(max)) => text.push_str(&format!(" from {min} to {max}")),
        (Some(min), None) => text.push_str(&format!(" of at least {min}")),
        (None, Some(max)) => text.push_str(&format!(" of at most {max}")),
        (None, None) => {}
    }
    match (number("minLength"), number("maxLength")) {
        (Some(min), Some(max)) if min == max => {
            text.push_str(&format!(" of exactly {min} characters"))
        }
        (Some(min), Some(max)) => text.push_str(&format!(" of {min} to {max} characters")),
        (Some(min), None) => text.push_str(&format!(" of at least {min} characters")),
        (None, Some(max)) => text.push_str(&format!(" of at most {max} characters")),
        (None, None) => {}
    }
    match (number("minItems"), number("maxItems")) {
        (Some(min), Some(max)) => text.push_str(&format!(", {min} to {max} of them")),
        (Some(min), None) => text.push_str(&format!(", at least {min}")),
        (None, Some(max)) => text.push_str(&format!(", at most {max}")),
        (None, None) => {}
    }
    text
}

/// A sentence made part of another: "Conditions under which…" → "conditions under which…"
/// ("AI Search…" and "API token…" keep their capitals).
fn sentence_inside(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            first.to_lowercase().chain(text.chars().skip(1)).collect()
        }
        _ => text.to_string(),
    }
}

fn reference(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix(SCHEMAS)
}

fn list(values: &[Value]) -> String {
    let shown: Vec<String> = values
        .iter()
        .map(|v| match v {
            Value::String(s) => format!("`\"{s}\"`"),
            other => format!("`{other}`"),
        })
        .collect();
    shown.join(", ")
}

fn lowercase_first(text: &str) -> String {
    match text.strip_prefix("A ") {
        Some(rest) => format!("a {rest}"),
        None => match text.strip_prefix("An ") {
            Some(rest) => format!("an {rest}"),
            None => text.to_string(),
        },
    }
}

/// "A string" → "strings", "A `TokenPolicy`" → "`TokenPolicy` values".
fn plural(text: &str) -> String {
    let bare = text
        .strip_prefix("A ")
        .or_else(|| text.strip_prefix("An "))
        .unwrap_or(text);
    match bare {
        "string" | "whole number" | "number" | "UUID" | "date and time" | "object" => {
            format!("{bare}s")
        }
        _ if bare.starts_with('`') && !bare.contains(' ') => format!("{bare} values"),
        _ => format!("values: {}", lowercase_first(text)),
    }
}

/// Gives every field of the models in `items` that has no doc comment the facts of its schema.
pub fn document_fields(
    items: &mut [Item],
    spec: &Value,
    required_structs: &super::postprocess::RequiredStructs,
) {
    let Some(schemas) = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return;
    };
    for item in items {
        let Item::Struct(s) = item else { continue };
        document_any_of_forms(s);
        // A `ModelRequired` struct (see `postprocess`) has the fields of its model.
        let name = s.ident.to_string();
        let model = schemas.get(required_structs.get(&name).unwrap_or(&name));
        let Some(model) = model else {
            continue;
        };
        let Some(properties) = model.get("properties").and_then(Value::as_object) else {
            continue;
        };
        let Fields::Named(fields) = &mut s.fields else {
            continue;
        };
        for field in &mut fields.named {
            if field.attrs.iter().any(|a| a.path().is_ident("doc")) {
                continue;
            }
            let Some(ident) = &field.ident else { continue };
            let wire = super::postprocess::serde_rename(&field.attrs)
                .unwrap_or_else(|| ident.to_string().trim_end_matches('_').to_string());
            let Some(property) = properties.get(&wire) else {
                continue;
            };
            let doc = format!(" {}", facts(property, schemas));
            field.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
        }
    }
}

/// typify turns an inline `anyOf` into a struct of flattened optional fields named `subtype_N`,
/// one per form; such a struct is no model of the spec, so its fields are documented here.
fn document_any_of_forms(s: &mut syn::ItemStruct) {
    let Fields::Named(fields) = &mut s.fields else {
        return;
    };
    for field in &mut fields.named {
        let Some(ident) = &field.ident else { continue };
        let Some(form) = ident
            .to_string()
            .strip_prefix("subtype_")
            .map(str::to_owned)
        else {
            continue;
        };
        if form.parse::<u32>().is_err() || field.attrs.iter().any(|a| a.path().is_ident("doc")) {
            continue;
        }
        let doc = format!(
            " The value read as form {form} of those the spec allows (`anyOf`), when it is one."
        );
        field.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn say(schema: Value) -> String {
        let schemas = json!({
            "TokenStatus": { "type": "string", "enum": ["active", "disabled"] },
            "TokenPolicy": { "type": "object" }
        });
        facts(&schema, schemas.as_object().unwrap())
    }

    #[test]
    fn facts_are_sentences() {
        assert_eq!(
            say(json!({"type": "integer", "minimum": 1, "maximum": 50, "default": 20})),
            "A whole number from 1 to 50; defaults to `20`."
        );
        assert_eq!(
            say(json!({"type": "string", "format": "date-time", "readOnly": true})),
            "A date and time; set by Cloudflare, never sent."
        );
        assert_eq!(
            say(json!({"$ref": "#/components/schemas/TokenStatus"})),
            "A `TokenStatus`: one of `\"active\"`, `\"disabled\"`."
        );
        assert_eq!(
            say(json!({"type": "array", "items": {"$ref": "#/components/schemas/TokenPolicy"}})),
            "A list of `TokenPolicy` values."
        );
        assert_eq!(
            say(json!({"type": "array", "items": {"type": "string"}, "maxItems": 3})),
            "A list of strings, at most 3."
        );
        assert_eq!(
            say(json!({"type": "string", "writeOnly": true, "x-sensitive": true})),
            "A string; sent, never returned; a secret, redacted in `Debug` and `Display`."
        );
        assert_eq!(
            say(json!({"type": "string", "maxLength": 32})),
            "A string of at most 32 characters."
        );
    }
}
