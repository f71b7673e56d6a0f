//! Following `$ref`s and flattening `allOf`s into one schema, remembering where each part of it
//! is written upstream.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::Schemas;
use crate::load::SpecError;
use crate::pointer::Pointer;

impl<'a> Schemas<'a> {
    /// Follows `$ref` (also chains of them) to the value it designates. Used for parameters,
    /// request bodies and responses as well as schemas.
    pub fn deref<'v>(
        &self,
        at: &Pointer,
        value: &'v Value,
    ) -> Result<(Pointer, &'v Value), SpecError>
    where
        'a: 'v,
    {
        let mut at = at.clone();
        let mut value = value;
        let mut chain: Vec<Pointer> = Vec::new();
        while let Some(reference) = value.get("$ref") {
            let (target, resolved) = self.follow(&at.join("$ref"), reference, &chain)?;
            value = resolved;
            chain.push(target.clone());
            at = target;
        }
        Ok((at, value))
    }

    /// The target of the `$ref` at `ref_at`, and what it designates. A target in `visiting`
    /// (or being converted) is a cycle.
    fn follow(
        &self,
        ref_at: &Pointer,
        reference: &Value,
        visiting: &[Pointer],
    ) -> Result<(Pointer, &'a Value), SpecError> {
        let reference = reference
            .as_str()
            .ok_or_else(|| self.error(ref_at, "`$ref` must be a string"))?;
        let target = Pointer::from_ref(reference).ok_or_else(|| {
            self.error(
                ref_at,
                format!("only local references are supported, not `{reference}`"),
            )
        })?;
        if visiting.contains(&target) || self.active.contains(&target) {
            return Err(self.error(
                ref_at,
                format!("`$ref` cycle: `{reference}` refers back to a schema that contains it"),
            ));
        }
        let resolved = target.get(&self.doc.root).ok_or_else(|| {
            self.error(
                ref_at,
                format!("`$ref` to nothing: `{reference}` does not exist"),
            )
        })?;
        Ok((target, resolved))
    }

    /// Resolves `$ref`s and merges `allOf` parts (and siblings of `$ref`) into one schema,
    /// remembering where each part of it is written upstream.
    pub fn flatten(&self, at: &Pointer, schema: &Value) -> Result<Flat, SpecError> {
        let mut targets = Vec::new();
        let mut origins = Origins::default();
        let schema = self.flatten_into(at, schema, &mut targets, &mut origins)?;
        Ok(Flat {
            schema,
            origins,
            targets,
        })
    }

    fn flatten_into(
        &self,
        at: &Pointer,
        schema: &Value,
        targets: &mut Vec<Pointer>,
        origins: &mut Origins,
    ) -> Result<Map<String, Value>, SpecError> {
        let object = schema
            .as_object()
            .ok_or_else(|| self.error(at, "a schema must be an object"))?;
        let mut flat = Map::new();
        if let Some(reference) = object.get("$ref") {
            let (target, resolved) = self.follow(&at.join("$ref"), reference, targets)?;
            targets.push(target.clone());
            flat = self.flatten_into(&target, resolved, targets, origins)?;
        }
        if let Some(parts) = object.get("allOf") {
            let parts_at = at.join("allOf");
            let parts = parts
                .as_array()
                .ok_or_else(|| self.error(&parts_at, "`allOf` must be a list"))?;
            for (i, part) in parts.iter().enumerate() {
                let part_at = parts_at.join(i.to_string());
                let part = self.flatten_into(&part_at, part, targets, origins)?;
                merge_layer(&mut flat, part);
            }
        }
        let own: Map<String, Value> = object
            .iter()
            .filter(|(k, _)| *k != "$ref" && *k != "allOf")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        origins.note(at, &own);
        merge_layer(&mut flat, own);
        Ok(flat)
    }
}

/// A schema with its `$ref`s and `allOf`s resolved into one.
pub struct Flat {
    pub schema: Map<String, Value>,
    /// Where its parts are written upstream, for messages about them.
    pub origins: Origins,
    /// The `$ref` targets passed through, which count as being converted.
    pub targets: Vec<Pointer>,
}

/// Where the parts of a flattened schema are written upstream: after resolving `$ref`s and
/// merging `allOf`s, a property may live far from the place the schema is used.
#[derive(Clone, Debug, Default)]
pub struct Origins {
    properties: BTreeMap<String, Pointer>,
    items: Option<Pointer>,
    additional: Option<Pointer>,
    pub(super) variants: Option<Pointer>,
}

impl Origins {
    /// Records the parts `layer` (written at `at`) defines; later layers win, as in the merge.
    fn note(&mut self, at: &Pointer, layer: &Map<String, Value>) {
        if let Some(Value::Object(props)) = layer.get("properties") {
            for key in props.keys() {
                let place = at.join("properties").join(key);
                self.properties.insert(key.clone(), place);
            }
        }
        if layer.contains_key("items") {
            self.items = Some(at.join("items"));
        }
        if layer.contains_key("additionalProperties") {
            self.additional = Some(at.join("additionalProperties"));
        }
        for keyword in ["anyOf", "oneOf"] {
            if layer.contains_key(keyword) {
                self.variants = Some(at.join(keyword));
            }
        }
    }

    /// Where property `key` is written (or, if unknown, where it is used from `at`).
    pub fn property(&self, at: &Pointer, key: &str) -> Pointer {
        self.properties
            .get(key)
            .cloned()
            .unwrap_or_else(|| at.join("properties").join(key))
    }

    pub fn items(&self, at: &Pointer) -> Pointer {
        self.items.clone().unwrap_or_else(|| at.join("items"))
    }

    pub fn additional(&self, at: &Pointer) -> Pointer {
        self.additional
            .clone()
            .unwrap_or_else(|| at.join("additionalProperties"))
    }
}

/// Layers `top` over `base`: properties are united (a later definition of a property wins),
/// `required` lists are united, other keywords of `top` win.
fn merge_layer(base: &mut Map<String, Value>, top: Map<String, Value>) {
    for (key, value) in top {
        match (key.as_str(), base.get_mut(&key), value) {
            ("properties", Some(Value::Object(existing)), Value::Object(more)) => {
                existing.extend(more)
            }
            ("required", Some(Value::Array(existing)), Value::Array(more)) => {
                for r in more {
                    if !existing.contains(&r) {
                        existing.push(r);
                    }
                }
            }
            (_, _, value) => {
                base.insert(key, value);
            }
        }
    }
}
