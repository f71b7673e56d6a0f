//! Differences between two uses of a value (a field, a parameter, a response result) that fields
//! and parameters both care about: type, format, secrecy and inline enum values.

use std::fmt::Write;

use serde_json::Value;

use super::shape::{Ty, enum_values, list, sensitive};

/// Which aspect of a value changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aspect {
    Type,
    Format,
    Secrecy,
    EnumAdded,
    EnumRemoved,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    pub aspect: Aspect,
    pub breaking: bool,
    pub detail: String,
}

fn difference(aspect: Aspect, breaking: bool, detail: String) -> Difference {
    Difference {
        aspect,
        breaking,
        detail,
    }
}

/// What differs between the schemas `old` and `new` of the same value. A type change comes
/// alone: once the type differs, its format, secrecy and enum are not comparable.
pub fn differences(old: &Value, new: &Value) -> Vec<Difference> {
    let (old_ty, new_ty) = (Ty::of(old), Ty::of(new));
    if old_ty.erased() != new_ty.erased() {
        let detail = format!("type was {old_ty}, now {new_ty}");
        return vec![difference(Aspect::Type, true, detail)];
    }
    let mut out = Vec::new();
    if old_ty != new_ty {
        // Formats such as `uri` or `email` stay `String`; `date-time` or `uuid` do not.
        let breaking = old_ty.rust() != new_ty.rust();
        let effect = if breaking {
            "the Rust type changes"
        } else {
            "the Rust type stays the same"
        };
        let detail = format!("format changed: was {old_ty}, now {new_ty} ({effect})");
        out.push(difference(Aspect::Format, breaking, detail));
    }
    match (sensitive(old), sensitive(new)) {
        (false, true) => out.push(difference(
            Aspect::Secrecy,
            true,
            "now marked sensitive: its Rust type becomes the redacting Secret type".into(),
        )),
        (true, false) => out.push(difference(
            Aspect::Secrecy,
            true,
            "no longer marked sensitive: its Rust type is no longer the Secret type".into(),
        )),
        _ => {}
    }
    let enums = enum_differences(
        enum_values(old).map(Vec::as_slice),
        enum_values(new).map(Vec::as_slice),
    );
    if enums.iter().any(|d| d.aspect == Aspect::Type) {
        return enums;
    }
    out.extend(enums);
    out
}

/// Values added and removed between two enums. An enum on one side only is a type change:
/// typify generates an enum type for one and a plain `String` (or number) for the other.
pub fn enum_differences(old: Option<&[Value]>, new: Option<&[Value]>) -> Vec<Difference> {
    let (old, new) = match (old, new) {
        (Some(old), Some(new)) => (old, new),
        (None, None) => return Vec::new(),
        (Some(old), None) => {
            let values: Vec<String> = old.iter().map(show).collect();
            let detail = format!("was an enum of {}, now takes any value", list(&values));
            return vec![difference(Aspect::Type, true, detail)];
        }
        (None, Some(new)) => {
            let values: Vec<String> = new.iter().map(show).collect();
            let detail = format!("now an enum of {}", list(&values));
            return vec![difference(Aspect::Type, true, detail)];
        }
    };
    let added: Vec<String> = new.iter().filter(|v| !old.contains(v)).map(show).collect();
    let removed: Vec<String> = old.iter().filter(|v| !new.contains(v)).map(show).collect();
    let mut out = Vec::new();
    if !added.is_empty() {
        let detail = format!(
            "new enum {} {}: compatible, as clients decode values they do not know into the catch-all variant",
            plural(added.len(), "value", "values"),
            list(&added)
        );
        out.push(difference(Aspect::EnumAdded, false, detail));
    }
    if !removed.is_empty() {
        let detail = format!(
            "enum {} {} removed: code that names {} no longer compiles",
            plural(removed.len(), "value", "values"),
            list(&removed),
            plural(removed.len(), "it", "them")
        );
        out.push(difference(Aspect::EnumRemoved, true, detail));
    }
    out
}

/// An enum value as written in a detail: strings bare, anything else as JSON.
fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub fn plural<'w>(count: usize, one: &'w str, many: &'w str) -> &'w str {
    if count == 1 { one } else { many }
}

/// Keywords reported as changed limits: the limits, and the default.
fn limit_keywords() -> impl Iterator<Item = &'static str> {
    std::iter::once("default").chain(crate::keywords::LIMITS.iter().copied())
}
/// Changed limits and defaults, as `maximum 50 → 100`; empty if none changed. They are read on
/// the use itself and on its `allOf` part, where the trimmer puts them.
pub fn limit_changes(old: &Value, new: &Value) -> String {
    let get = |schema: &Value, key: &str| {
        schema
            .get(key)
            .or_else(|| super::shape::unwrap(schema).get(key))
            .cloned()
    };
    let mut out = String::new();
    for key in limit_keywords() {
        let (before, after) = (get(old, key), get(new, key));
        if before == after {
            continue;
        }
        let side = |v: Option<Value>| v.map_or_else(|| "none".to_string(), |v| v.to_string());
        if !out.is_empty() {
            out.push_str(", ");
        }
        let _ = write!(out, "{key} {} → {}", side(before), side(after));
    }
    out
}
