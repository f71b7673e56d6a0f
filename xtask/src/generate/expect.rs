//! What post-processing must find in progenitor's output, counted from the spec progenitor was
//! given. Each of `postprocess`'s edits rewrites items that match a shape (a unit-variant enum, a
//! date-time field, a closed struct); were progenitor to change that shape, the edit would match
//! nothing and do nothing. Counting the targets in the spec first makes that a generation error.

use std::collections::BTreeSet;

use anyhow::{Result, bail};
use serde_json::Value;

/// The targets the spec promises.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Targets {
    /// Models that are string enums: each must become a tolerant enum.
    pub string_enums: BTreeSet<String>,
    /// Model properties that are date-times: each must decode through `crate::runtime::tolerant`.
    pub date_times: usize,
    /// Models without properties that are closed (`additionalProperties: false`, the only way to
    /// get an empty struct from typify): each must lose `deny_unknown_fields`.
    pub closed_models: BTreeSet<String>,
}

/// What post-processing found and rewrote.
#[derive(Debug, Default)]
pub struct Found {
    pub string_enums: BTreeSet<String>,
    pub date_times: usize,
    pub closed_models: BTreeSet<String>,
    /// typify's `error` module (its `ConversionError`, used only by the conversions replaced).
    pub error_module: bool,
}

impl Targets {
    /// The targets in the component models of `spec` (the spec as progenitor gets it).
    pub fn of(spec: &Value) -> Self {
        let mut targets = Self::default();
        let models = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object);
        for (name, schema) in models.into_iter().flatten() {
            let is =
                |key: &str, value: &str| schema.get(key).and_then(Value::as_str) == Some(value);
            if is("type", "string") && schema.get("enum").is_some() {
                targets.string_enums.insert(super::rust_name(name));
            }
            if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
                targets.closed_models.insert(super::rust_name(name));
            }
            let properties = schema.get("properties").and_then(Value::as_object);
            targets.date_times += properties
                .into_iter()
                .flat_map(|p| p.values())
                .filter(|p| p.get("format").and_then(Value::as_str) == Some("date-time"))
                .count();
        }
        targets
    }

    /// Fails, naming what is missing, unless post-processing found every target.
    pub fn check(&self, found: &Found) -> Result<()> {
        let mut problems = Vec::new();
        let missing: Vec<&String> = self.string_enums.difference(&found.string_enums).collect();
        if !missing.is_empty() {
            problems.push(format!(
                "string enums progenitor did not generate as unit-variant enums: {missing:?}"
            ));
        }
        let open: Vec<&String> = self
            .closed_models
            .difference(&found.closed_models)
            .collect();
        if !open.is_empty() {
            problems.push(format!(
                "closed models without `#[serde(deny_unknown_fields)]` to remove: {open:?}"
            ));
        }
        if found.date_times != self.date_times {
            problems.push(format!(
                "the spec has {} date-time properties, but {} fields of type \
                 `DateTime<Utc>` (or its `Option`) were made tolerant",
                self.date_times, found.date_times
            ));
        }
        if !found.error_module {
            problems.push("typify's `types::error` module was not found to remove".to_string());
        }
        if !problems.is_empty() {
            bail!(
                "progenitor's output no longer has the shape post-processing rewrites ({}); \
                 update xtask/src/generate/postprocess.rs",
                problems.join("; ")
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn targets_are_counted_and_each_missing_one_is_named() {
        let spec = json!({"components": {"schemas": {
            "Kind": {"type": "string", "enum": ["a", "b"]},
            "Empty": {"type": "object", "properties": {}, "additionalProperties": false},
            "Thing": {"type": "object", "properties": {
                "at": {"type": "string", "format": "date-time"},
                "seen": {"type": "string", "format": "date-time", "nullable": true},
                "day": {"type": "string", "format": "date"},
            }},
        }}});
        let targets = Targets::of(&spec);
        assert_eq!(targets.string_enums, BTreeSet::from(["Kind".to_string()]));
        assert_eq!(targets.closed_models, BTreeSet::from(["Empty".to_string()]));
        assert_eq!(targets.date_times, 2);

        let all = Found {
            string_enums: targets.string_enums.clone(),
            date_times: 2,
            closed_models: targets.closed_models.clone(),
            error_module: true,
        };
        targets.check(&all).unwrap();
        let none = Found::default();
        let message = targets.check(&none).unwrap_err().to_string();
        for expected in [
            "\"Kind\"",
            "\"Empty\"",
            "2 date-time properties, but 0",
            "types::error",
        ] {
            assert!(
                message.contains(expected),
                "{expected} is not in: {message}"
            );
        }
    }
}
