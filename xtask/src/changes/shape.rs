//! A schema reduced to what decides the generated Rust type, so that two schemas can be
//! compared by meaning rather than by bytes: references by model name, lists by their items,
//! maps by their values, scalars by type and format.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{Map, Value};

use crate::trim::SCHEMAS;

/// The model a `$ref` names, if it names one of ours.
pub fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix(SCHEMAS)
}

/// The trimmer writes a use of a model with use-site keywords as `{allOf: [{$ref}], nullable,
/// ...}`; for the type, only the single part counts.
pub fn unwrap(schema: &Value) -> &Value {
    match schema.get("allOf").and_then(Value::as_array) {
        Some(parts) if parts.len() == 1 => &parts[0],
        _ => schema,
    }
}

/// The innermost schema of a use: through the `allOf` wrapper, list items and map values. Its
/// enum, format and secrecy are those of the Rust type at the bottom of `Vec<...>`.
pub fn leaf(schema: &Value) -> &Value {
    let inner = unwrap(schema);
    if let Some(items) = inner.get("items") {
        return leaf(items);
    }
    if let Some(values) = inner.get("additionalProperties").filter(|v| v.is_object()) {
        return leaf(values);
    }
    inner
}

pub fn flag(schema: &Value, key: &str) -> bool {
    schema.get(key) == Some(&Value::Bool(true))
}

/// Whether the value is a secret (`x-sensitive`), which the generator turns into a Secret type.
pub fn sensitive(schema: &Value) -> bool {
    flag(schema, "x-sensitive")
        || flag(unwrap(schema), "x-sensitive")
        || flag(leaf(schema), "x-sensitive")
}

/// The enum values written at this use (not those of a referenced enum model, which is
/// compared as a model of its own).
pub fn enum_values(schema: &Value) -> Option<&Vec<Value>> {
    leaf(schema).get("enum").and_then(Value::as_array)
}

/// The type a schema stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    Model(String),
    List(Box<Ty>),
    Map(Box<Ty>),
    Scalar {
        name: String,
        format: Option<String>,
    },
    OneOf(Vec<Ty>),
    AllOf(Vec<Ty>),
    /// No type at all: any JSON value.
    Any,
}

impl Ty {
    pub fn of(schema: &Value) -> Ty {
        let schema = unwrap(schema);
        if let Some(name) = ref_name(schema) {
            return Ty::Model(name.to_string());
        }
        let parts = |key: &str| {
            schema
                .get(key)
                .and_then(Value::as_array)
                .map(|parts| parts.iter().map(Ty::of).collect::<Vec<_>>())
        };
        if let Some(variants) = parts("oneOf").or_else(|| parts("anyOf")) {
            return Ty::OneOf(variants);
        }
        if let Some(all) = parts("allOf") {
            return Ty::AllOf(all);
        }
        let name = match schema.get("type").and_then(Value::as_str) {
            Some(name) => name,
            None => return Ty::Any,
        };
        if name == "array" {
            let items = schema.get("items").map_or(Ty::Any, Ty::of);
            return Ty::List(Box::new(items));
        }
        if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
            return Ty::Map(Box::new(Ty::of(values)));
        }
        Ty::Scalar {
            name: name.to_string(),
            format: schema
                .get("format")
                .and_then(Value::as_str)
                .map(String::from),
        }
    }

    /// The same type with every format replaced by `f(type, format)`.
    fn map_formats(&self, f: &dyn Fn(&str, Option<&str>) -> Option<String>) -> Ty {
        match self {
            Ty::Scalar { name, format } => Ty::Scalar {
                name: name.clone(),
                format: f(name, format.as_deref()),
            },
            Ty::List(inner) => Ty::List(Box::new(inner.map_formats(f))),
            Ty::Map(inner) => Ty::Map(Box::new(inner.map_formats(f))),
            Ty::OneOf(parts) => Ty::OneOf(parts.iter().map(|p| p.map_formats(f)).collect()),
            Ty::AllOf(parts) => Ty::AllOf(parts.iter().map(|p| p.map_formats(f)).collect()),
            other => other.clone(),
        }
    }

    /// Without formats: two uses that differ only here differ in format, not in type.
    pub fn erased(&self) -> Ty {
        self.map_formats(&|_, _| None)
    }

    /// With only the formats that give a different Rust type: two uses equal here generate
    /// the same Rust type even if their formats differ.
    pub fn rust(&self) -> Ty {
        self.map_formats(&|name, format| rust_format(name, format).map(String::from))
    }
}

/// The formats typify turns into a type of their own; any other format stays a `String`, `i64`
/// or `f64`.
fn rust_format<'f>(name: &str, format: Option<&'f str>) -> Option<&'f str> {
    let format = format?;
    let special = match name {
        "string" => matches!(
            format,
            "date-time" | "date" | "uuid" | "ip" | "ipv4" | "ipv6"
        ),
        "integer" => matches!(
            format,
            "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64"
        ),
        "number" => format == "float",
        _ => false,
    };
    special.then_some(format)
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |f: &mut fmt::Formatter<'_>, parts: &[Ty], sep: &str| {
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    f.write_str(sep)?;
                }
                write!(f, "{part}")?;
            }
            Ok(())
        };
        match self {
            Ty::Model(name) => write!(f, "`{name}`"),
            Ty::List(inner) => write!(f, "list of {inner}"),
            Ty::Map(inner) => write!(f, "map of {inner}"),
            Ty::Scalar { name, format: None } => f.write_str(name),
            Ty::Scalar {
                name,
                format: Some(format),
            } => write!(f, "{name} ({format})"),
            Ty::OneOf(parts) => {
                f.write_str("one of ")?;
                join(f, parts, " | ")
            }
            Ty::AllOf(parts) => {
                f.write_str("all of ")?;
                join(f, parts, " & ")
            }
            Ty::Any => f.write_str("any JSON value"),
        }
    }
}

/// Every model a value refers to, directly.
pub fn refs_in(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match inner.as_str().and_then(|r| r.strip_prefix(SCHEMAS)) {
                    Some(name) if key == "$ref" => {
                        out.insert(name.to_string());
                    }
                    _ => refs_in(inner, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

/// The models reachable from `roots`, the roots included.
pub fn reachable(roots: BTreeSet<String>, models: &Map<String, Value>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.into_iter().collect();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let mut next = BTreeSet::new();
        if let Some(model) = models.get(&name) {
            refs_in(model, &mut next);
        }
        todo.extend(next.into_iter().filter(|n| !seen.contains(n)));
    }
    seen
}

/// `a, b and c`, each in backticks, for details.
pub fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}
