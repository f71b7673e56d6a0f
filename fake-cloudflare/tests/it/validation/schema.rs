//! The tests' own reading of the spec's schemas: a minimal valid value of a schema, and the
//! fields that carry each kind of rule. Written apart from the fake's checker, so that a
//! misreading of one is not shared by the other.

use serde_json::{Map, Value, json};

use super::spec;

/// The kinds of rule a request can break.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    Required,
    Type,
    Enum,
    Format,
    Length,
    Range,
    Items,
}

pub const RULES: &[Rule] = &[
    Rule::Required,
    Rule::Type,
    Rule::Enum,
    Rule::Format,
    Rule::Length,
    Rule::Range,
    Rule::Items,
];

/// The schema itself, with its `$ref` followed and its `allOf` parts merged in (the spec
/// uses `allOf` of one `$ref` to add a `default` or `nullable`).
pub fn flat(schema: &Value) -> Map<String, Value> {
    let mut schema = schema.clone();
    while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/components/schemas/");
        schema = spec()["components"]["schemas"][name].clone();
    }
    let mut out = schema.as_object().cloned().unwrap_or_default();
    if let Some(parts) = out.remove("allOf") {
        for part in parts.as_array().into_iter().flatten() {
            for (k, v) in flat(part) {
                out.entry(k).or_insert(v);
            }
        }
    }
    out
}

/// A minimal value `schema` allows: required fields only, the first enum value, the first
/// form of a `oneOf`, the least length and number.
pub fn valid(schema: &Value) -> Value {
    value_of(schema, false)
}

/// A value `schema` allows with every field it can hold (but `readOnly` ones) filled in, one
/// item in each list: what the checks must take however much a client sends.
pub fn full(schema: &Value) -> Value {
    value_of(schema, true)
}

fn value_of(schema: &Value, all: bool) -> Value {
    let s = flat(schema);
    if let Some(first) = s.get("enum").and_then(|e| e.as_array()?.first()) {
        return first.clone();
    }
    if let Some(form) = s.get("oneOf").and_then(|f| f.as_array()?.first()) {
        return value_of(form, all);
    }
    let min = |key: &str| s.get(key).and_then(Value::as_u64).unwrap_or(0);
    match s.get("type").and_then(Value::as_str) {
        Some("string") => json!(match s.get("format").and_then(Value::as_str) {
            Some("date-time") => "2030-01-02T03:04:05Z".to_owned(),
            Some("uuid") => "6f1c0b8e-2f43-4c4e-9a3e-0e6f5b1d2c3a".to_owned(),
            Some("uri") => "https://example.com/sitemap.xml".to_owned(),
            _ => "a".repeat(min("minLength").max(1) as usize),
        }),
        Some("integer") | Some("number") => {
            json!(s.get("minimum").and_then(Value::as_i64).unwrap_or(1))
        }
        Some("boolean") => json!(true),
        Some("array") => {
            let item = s
                .get("items")
                .map(|i| value_of(i, all))
                .unwrap_or(json!("a"));
            Value::Array(vec![item; min("minItems").max(u64::from(all)) as usize])
        }
        _ => {
            let mut object = Map::new();
            let properties = s.get("properties").cloned().unwrap_or(json!({}));
            for name in s
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = name.as_str().expect("a name");
                object.insert(name.to_owned(), value_of(&properties[name], all));
            }
            for (name, child) in properties.as_object().into_iter().flatten().filter(|_| all) {
                if flat(child).get("readOnly") != Some(&json!(true)) {
                    object.insert(name.clone(), value_of(child, all));
                }
            }
            Value::Object(object)
        }
    }
}

/// A field of a body: its path (keys, and `0` for an array's first item) and schema.
#[derive(Clone, Debug)]
pub struct Field {
    pub path: Vec<String>,
    pub schema: Map<String, Value>,
}

/// Every field a body of `schema` can hold, shallowest first, each path once; `readOnly` ones
/// left out (they are the server's to set), and nothing below a `oneOf`.
pub fn fields(schema: &Value) -> Vec<Field> {
    let mut out = vec![Field {
        path: vec![],
        schema: flat(schema),
    }];
    let mut i = 0;
    while i < out.len() {
        let Field { path, schema } = out[i].clone();
        i += 1;
        // Deep enough for every field of the spec's bodies, and a stop should a schema ever
        // refer to itself.
        if path.len() > 6 {
            continue;
        }
        let mut push = |key: String, child: &Value| {
            let child = flat(child);
            if child.get("readOnly") != Some(&json!(true)) {
                let mut path = path.clone();
                path.push(key);
                out.push(Field {
                    path,
                    schema: child,
                });
            }
        };
        for (name, child) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            push(name.clone(), child);
        }
        if let Some(items) = schema.get("items") {
            push("0".to_owned(), items);
        }
    }
    out
}

/// The value at `path` of `body` set to `value`, creating what lies on the way with the least
/// its schema allows.
pub fn set(body: &mut Value, root: &Value, path: &[String], value: Value) {
    let Some((first, rest)) = path.split_first() else {
        *body = value;
        return;
    };
    let s = flat(root);
    match body {
        Value::Array(items) => {
            let item = &s["items"];
            if items.is_empty() {
                items.push(valid(item));
            }
            set(&mut items[0], item, rest, value);
        }
        Value::Object(object) => {
            let child = &s["properties"][first.as_str()];
            let slot = object.entry(first.clone()).or_insert_with(|| valid(child));
            set(slot, child, rest, value);
        }
        _ => panic!("no field {first} in {body}"),
    }
}

/// A value breaking `rule` at `field`, if its schema has such a rule: the value to put there
/// (`None` to remove the field), and the field the message must name.
pub fn breaking(rule: Rule, field: &Field) -> Option<(Vec<String>, Option<Value>)> {
    let s = &field.schema;
    let at = field.path.clone();
    let t = s.get("type").and_then(Value::as_str);
    match rule {
        Rule::Required => {
            let name = s.get("required")?.as_array()?.first()?.as_str()?;
            let mut at = at;
            at.push(name.to_owned());
            Some((at, None))
        }
        Rule::Type if !at.is_empty() => {
            let wrong = if t == Some("string") {
                json!(5)
            } else {
                json!("five")
            };
            t.map(|_| (at, Some(wrong)))
        }
        Rule::Type => None,
        Rule::Enum => {
            let allowed = s.get("enum")?.as_array()?;
            let bad = if t == Some("string") {
                json!("not-a-real-value")
            } else {
                json!(7)
            };
            (!allowed.contains(&bad)).then_some((at, Some(bad)))
        }
        Rule::Format => s.get("format").map(|_| (at, Some(json!("not-formatted")))),
        Rule::Length => {
            if let Some(max) = s.get("maxLength").and_then(Value::as_u64) {
                return Some((at, Some(json!("a".repeat(max as usize + 1)))));
            }
            let min = s
                .get("minLength")
                .and_then(Value::as_u64)
                .filter(|&m| m > 0)?;
            Some((at, Some(json!("a".repeat(min as usize - 1)))))
        }
        Rule::Range => {
            if let Some(max) = s.get("maximum").and_then(Value::as_f64) {
                return Some((at, Some(json!(max + 1.0))));
            }
            let min = s.get("minimum").and_then(Value::as_f64)?;
            Some((at, Some(json!(min - 1.0))))
        }
        Rule::Items => {
            let item = valid(s.get("items")?);
            if let Some(max) = s.get("maxItems").and_then(Value::as_u64) {
                return Some((at, Some(Value::Array(vec![item; max as usize + 1]))));
            }
            let min = s
                .get("minItems")
                .and_then(Value::as_u64)
                .filter(|&m| m > 0)?;
            Some((at, Some(Value::Array(vec![item; min as usize - 1]))))
        }
    }
}
