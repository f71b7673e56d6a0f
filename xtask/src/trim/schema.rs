//! Turning upstream schemas into ours: `$ref`s and `allOf`s flattened, prose dropped, every
//! object and string enum hoisted into a named component (named by overlay or by position),
//! and models that share a name merged.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::keywords::LIMITS;
use crate::load::{Document, SpecError};
use crate::overlay::{Overlay, Site};
use crate::pointer::Pointer;

/// Keywords that carry facts about a value (besides its limits, [`LIMITS`]); everything else
/// upstream (prose, examples, vendor extensions) is dropped.
const FACT_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "nullable",
    "enum",
    "default",
    "readOnly",
    "writeOnly",
    "deprecated",
    "x-sensitive",
];

fn is_fact(keyword: &str) -> bool {
    FACT_KEYWORDS.contains(&keyword) || LIMITS.contains(&keyword)
}

/// Keywords that describe a use of a named model rather than the model itself; they stay next to
/// the `$ref` (wrapped in `allOf`, as OpenAPI 3.0 ignores siblings of `$ref`).
const USE_SITE_KEYWORDS: &[&str] = &["nullable", "default", "readOnly", "writeOnly", "deprecated"];

pub const SCHEMAS: &str = "#/components/schemas/";

/// How to name a schema if it becomes a component.
#[derive(Clone, Debug)]
pub struct Naming {
    pub name: String,
    /// Named by the overlay (never merged away by deduplication).
    pub explicit: bool,
    /// Documentation to use when the overlay has none for this model.
    pub fallback_doc: Option<String>,
}

impl Naming {
    pub fn explicit(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            explicit: true,
            fallback_doc: None,
        }
    }

    pub fn positional(name: String, doc: String) -> Self {
        Self {
            name,
            explicit: false,
            fallback_doc: Some(doc),
        }
    }
}

/// A model of ours.
#[derive(Clone, Debug)]
pub struct Component {
    pub schema: Map<String, Value>,
    pub explicit: bool,
    pub fallback_doc: Option<String>,
    /// Where upstream the (first) schema of this name came from.
    pub origin: Pointer,
}

/// The converter: holds the upstream document, the overlay and the components built so far.
pub struct Schemas<'a> {
    pub doc: &'a Document,
    pub overlay: &'a Overlay,
    pub components: BTreeMap<String, Component>,
    /// `$ref` targets being converted right now, to detect recursion.
    active: Vec<Pointer>,
    pub used_fixes: Vec<bool>,
    pub used_renames: BTreeMap<String, bool>,
}

impl<'a> Schemas<'a> {
    pub fn new(doc: &'a Document, overlay: &'a Overlay) -> Self {
        Self {
            doc,
            overlay,
            components: BTreeMap::new(),
            active: Vec::new(),
            used_fixes: vec![false; overlay.fixes.len()],
            used_renames: overlay.rename.keys().map(|k| (k.clone(), false)).collect(),
        }
    }

    pub fn error(&self, at: &Pointer, message: impl Into<String>) -> SpecError {
        SpecError::at(&self.doc.file, at, message)
    }

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

    /// Converts an upstream schema at `at` into ours: either an inline schema or a `$ref` to a
    /// component named after `naming`. `site` says which fixes apply.
    pub fn convert(
        &mut self,
        at: &Pointer,
        schema: &Value,
        naming: Naming,
        site: Option<Site<'_>>,
    ) -> Result<Value, SpecError> {
        let Flat {
            schema: mut flat,
            mut origins,
            targets,
        } = self.flatten(at, schema)?;
        let mut naming = naming;
        if let Some(site) = &site {
            for (i, fix) in self.overlay.fixes.iter().enumerate() {
                if fix.matches(site) {
                    if fix.replace.is_some() {
                        // The overlay wrote this schema: its parts have no upstream place.
                        origins = Origins::default();
                    }
                    fix.apply(&mut flat);
                    if let Some(name) = &fix.name {
                        naming = Naming::explicit(name.clone());
                    }
                    self.used_fixes[i] = true;
                }
            }
        }
        let depth = self.active.len();
        self.active.extend(targets);
        let result = self.convert_flat(at, &flat, &origins, naming);
        self.active.truncate(depth);
        result
    }

    fn convert_flat(
        &mut self,
        at: &Pointer,
        flat: &Map<String, Value>,
        origins: &Origins,
        naming: Naming,
    ) -> Result<Value, SpecError> {
        if let Some(variants) = flat.get("anyOf").or_else(|| flat.get("oneOf")) {
            return self.convert_union(at, flat, origins, variants, naming);
        }
        let type_ = flat.get("type").and_then(Value::as_str);
        let is_object = type_ == Some("object") || flat.contains_key("properties");
        if is_object && (flat.contains_key("properties") || naming.explicit) {
            return self.convert_struct(at, flat, origins, naming);
        }
        if is_object {
            let mut out = facts(flat);
            if let Some(values) = typed_map_values(flat) {
                let name = format!("{}Value", naming.name);
                let doc = "One value of a map in [`{}`].".replace("{}", &naming.name);
                let value = self.convert(
                    &origins.additional(at),
                    values,
                    Naming::positional(name, doc),
                    None,
                )?;
                out.insert("additionalProperties".into(), value);
            }
            return Ok(Value::Object(out));
        }
        if type_ == Some("array") || flat.contains_key("items") {
            let mut out = facts(flat);
            out.insert("type".into(), json!("array"));
            if let Some(items) = flat.get("items") {
                let name = format!("{}Item", naming.name);
                let doc = naming
                    .fallback_doc
                    .clone()
                    .unwrap_or_else(|| format!("An entry of [`{}`].", naming.name))
                    .replacen("The ", "An entry of the ", 1);
                let items = self.convert(
                    &origins.items(at),
                    items,
                    Naming::positional(name, doc),
                    None,
                )?;
                out.insert("items".into(), items);
            }
            return Ok(Value::Object(out));
        }
        let out = facts(flat);
        let is_string_enum = out
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| !values.is_empty() && values.iter().all(Value::is_string));
        if is_string_enum {
            let (use_site, model) = split_use_site(out);
            let mut model = model;
            model.insert("type".into(), json!("string"));
            let reference = self.register(at, model, &naming)?;
            return Ok(use_of(reference, use_site));
        }
        Ok(Value::Object(out))
    }

    fn convert_struct(
        &mut self,
        at: &Pointer,
        flat: &Map<String, Value>,
        origins: &Origins,
        naming: Naming,
    ) -> Result<Value, SpecError> {
        let name = self.final_name(&naming.name);
        let mut properties = Map::new();
        let mut read_only = Vec::new();
        if let Some(props) = flat.get("properties") {
            let props_at = at.join("properties");
            let props = props
                .as_object()
                .ok_or_else(|| self.error(&props_at, "`properties` must be an object"))?;
            let mut sorted: Vec<_> = props.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            for (key, schema) in sorted {
                let child_at = origins.property(at, key);
                let child_naming = Naming::positional(
                    format!("{name}{}", pascal_case(key)),
                    format!("The `{key}` field of [`{name}`]."),
                );
                let site = Site::Property {
                    model: &name,
                    property: key,
                };
                let converted = self.convert(&child_at, schema, child_naming, Some(site))?;
                if converted.get("readOnly") == Some(&Value::Bool(true)) {
                    read_only.push(key.clone());
                }
                properties.insert(key.clone(), converted);
            }
        }
        let mut model = Map::new();
        model.insert("type".into(), json!("object"));
        if !properties.is_empty() {
            // A read-only property is never sent, so it cannot be required of a request body.
            let mut required: Vec<String> = string_list(flat.get("required"))
                .into_iter()
                .filter(|k| properties.contains_key(k) && !read_only.contains(k))
                .collect();
            required.sort();
            required.dedup();
            if !required.is_empty() {
                model.insert("required".into(), json!(required));
            }
            model.insert("properties".into(), Value::Object(properties));
        }
        if let Some(values) = typed_map_values(flat) {
            let value_naming = Naming::positional(
                format!("{name}Value"),
                format!("One value of a map in [`{name}`]."),
            );
            let value = self.convert(&origins.additional(at), values, value_naming, None)?;
            model.insert("additionalProperties".into(), value);
        }
        let (use_site, _) = split_use_site(facts(flat));
        let reference = self.register(at, model, &Naming { name, ..naming })?;
        Ok(use_of(reference, use_site))
    }

    fn convert_union(
        &mut self,
        at: &Pointer,
        flat: &Map<String, Value>,
        origins: &Origins,
        variants: &Value,
        naming: Naming,
    ) -> Result<Value, SpecError> {
        let keyword = if flat.contains_key("anyOf") {
            "anyOf"
        } else {
            "oneOf"
        };
        let variants_at = origins.variants.clone().unwrap_or_else(|| at.join(keyword));
        let list = variants
            .as_array()
            .ok_or_else(|| self.error(&variants_at, format!("`{keyword}` must be a list")))?;
        // A union of single numbers (`anyOf: [{enum: [600]}, {enum: [1800]}]`) is one number
        // with a set of allowed values; progenitor cannot type the union form.
        let mut numbers = Vec::new();
        for (i, variant) in list.iter().enumerate() {
            let variant = self
                .flatten(&variants_at.join(i.to_string()), variant)?
                .schema;
            match variant
                .get("enum")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
            {
                Some([n @ Value::Number(_)]) => numbers.push(n.clone()),
                _ => break,
            }
        }
        if !list.is_empty() && numbers.len() == list.len() {
            let integral = numbers.iter().all(|n| n.is_i64() || n.is_u64());
            let mut out = facts(flat);
            out.insert(
                "type".into(),
                json!(if integral { "integer" } else { "number" }),
            );
            out.insert("enum".into(), Value::Array(numbers));
            return Ok(Value::Object(out));
        }
        let name = self.final_name(&naming.name);
        let mut converted = Vec::new();
        for (i, variant) in list.iter().enumerate() {
            let variant_naming = Naming::positional(
                format!("{name}Variant{i}"),
                format!("One of the forms of [`{name}`]."),
            );
            converted.push(self.convert(
                &variants_at.join(i.to_string()),
                variant,
                variant_naming,
                None,
            )?);
        }
        let mut model = Map::new();
        model.insert(keyword.into(), Value::Array(converted));
        let (use_site, _) = split_use_site(facts(flat));
        let reference = self.register(at, model, &Naming { name, ..naming })?;
        Ok(use_of(reference, use_site))
    }

    /// Registers a model whose properties are already converted (envelopes built around them).
    pub fn register_converted(
        &mut self,
        at: &Pointer,
        model: Map<String, Value>,
        naming: &Naming,
    ) -> Result<Value, SpecError> {
        let reference = self.register(at, model, naming)?;
        Ok(use_of(reference, Map::new()))
    }

    /// The name a positional name becomes after the overlay's renames.
    fn final_name(&mut self, name: &str) -> String {
        match self.overlay.rename.get(name) {
            Some(renamed) => {
                self.used_renames.insert(name.to_string(), true);
                renamed.clone()
            }
            None => name.to_string(),
        }
    }

    /// Adds a component (merging it into one of the same name) and returns its reference.
    fn register(
        &mut self,
        at: &Pointer,
        model: Map<String, Value>,
        naming: &Naming,
    ) -> Result<String, SpecError> {
        let name = self.final_name(&naming.name);
        let renamed = name != naming.name;
        match self.components.get_mut(&name) {
            Some(existing) => {
                let merged = merge_models(&existing.schema, &model).map_err(|conflict| {
                    SpecError::at(
                        &self.doc.file,
                        at,
                        format!(
                            "cannot merge this schema into model `{name}` (first seen at {}): {conflict}; \
                             give one of them another name in the overlay",
                            existing.origin
                        ),
                    )
                })?;
                existing.schema = merged;
                existing.explicit |= naming.explicit || renamed;
            }
            None => {
                self.components.insert(
                    name.clone(),
                    Component {
                        schema: model,
                        explicit: naming.explicit || renamed,
                        fallback_doc: naming.fallback_doc.clone(),
                        origin: at.clone(),
                    },
                );
            }
        }
        Ok(format!("{SCHEMAS}{name}"))
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
    variants: Option<Pointer>,
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

/// The schema of a map's values, when `additionalProperties` is one. `true`, `{}` and the like
/// only say "other properties may appear", which every model of ours tolerates anyway.
fn typed_map_values(flat: &Map<String, Value>) -> Option<&Value> {
    let values = flat.get("additionalProperties")?;
    let facts = values
        .as_object()?
        .keys()
        .filter(|k| *k != "nullable" && is_fact(k))
        .count();
    let structural = [
        "properties",
        "items",
        "$ref",
        "allOf",
        "anyOf",
        "oneOf",
        "additionalProperties",
    ];
    let has_structure = structural.iter().any(|k| values.get(*k).is_some());
    (facts > 0 || has_structure).then_some(values)
}

/// The fact keywords of a schema.
fn facts(flat: &Map<String, Value>) -> Map<String, Value> {
    let mut out: Map<String, Value> = flat
        .iter()
        .filter(|(k, _)| is_fact(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    strip_null_from_enum(&mut out);
    out
}

/// `enum: [.., null]` is how upstream says "nullable"; progenitor turns a `null` value into `()`.
fn strip_null_from_enum(schema: &mut Map<String, Value>) {
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

/// Splits keywords that belong next to a reference from those of the model itself.
fn split_use_site(schema: Map<String, Value>) -> (Map<String, Value>, Map<String, Value>) {
    schema
        .into_iter()
        .partition(|(k, _)| USE_SITE_KEYWORDS.contains(&k.as_str()))
}

/// A reference to a component, with use-site keywords if there are any.
fn use_of(reference: String, use_site: Map<String, Value>) -> Value {
    let reference = json!({ "$ref": reference });
    if use_site.is_empty() {
        return reference;
    }
    let mut out = use_site;
    out.insert("allOf".into(), json!([reference]));
    Value::Object(out)
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `cf_api_id` → `CfApiId`, `ai-search` → `AiSearch`.
pub fn pascal_case(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first = chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .unwrap_or_default();
            std::iter::once(first).chain(chars).collect::<String>()
        })
        .collect()
}

// Upstream often states a limit (or a format) in one response schema and leaves it out of
// another; the merge keeps a limit that only one states, and drops one the two state
// differently (the looser choice).

/// Merges two definitions of the same model: the union of what either allows. Properties are
/// united, `required` intersected, enums united, other limits kept only where both agree;
/// `nullable` and `x-sensitive` hold if either says so, `readOnly` and friends if both do.
pub fn merge_models(
    a: &Map<String, Value>,
    b: &Map<String, Value>,
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
                            Some(existing) => merge_values(existing, schema)
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
                (Some(vx), Some(vy)) => Some(merge_values(vx, vy)?),
                _ => x.or(y).cloned(),
            },
            "default" => match (x, y) {
                (Some(vx), Some(vy)) => (vx == vy).then(|| vx.clone()),
                _ => x.or(y).cloned(),
            },
            k if k == "format" || LIMITS.contains(&k) => match (x, y) {
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
fn merge_values(a: &Value, b: &Value) -> Result<Value, String> {
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
            merge_models(&x, &y).map(Value::Object)
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
    fn pascal_case_names() {
        assert_eq!(pascal_case("cf_api_id"), "CfApiId");
        assert_eq!(pascal_case("ai-search"), "AiSearch");
        assert_eq!(pascal_case("accounts_or_zones"), "AccountsOrZones");
    }

    #[test]
    fn merging_unites_properties_and_intersects_required() {
        let a = json!({"type": "object", "required": ["id", "name"], "properties": {
            "id": {"type": "string"}, "name": {"type": "string"}}});
        let b = json!({"type": "object", "required": ["id"], "properties": {
            "id": {"type": "string"}, "extra": {"type": "boolean", "x-sensitive": true}}});
        let merged = merge_models(a.as_object().unwrap(), b.as_object().unwrap()).unwrap();
        assert_eq!(merged["required"], json!(["id"]));
        assert_eq!(merged["properties"].as_object().unwrap().len(), 3);
        assert_eq!(merged["properties"]["extra"]["x-sensitive"], json!(true));
    }

    #[test]
    fn merging_conflicting_types_fails() {
        let a = json!({"type": "object", "properties": {"id": {"type": "string"}}});
        let b = json!({"type": "object", "properties": {"id": {"type": "boolean"}}});
        let err = merge_models(a.as_object().unwrap(), b.as_object().unwrap()).unwrap_err();
        assert!(err.contains("property `id`"), "{err}");
    }

    #[test]
    fn nullable_references_merge_with_plain_ones() {
        let a = json!({"type": "object", "properties": {"k": {"$ref": "#/components/schemas/K"}}});
        let b = json!({"type": "object", "properties": {"k": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/K"}]}}});
        let merged = merge_models(a.as_object().unwrap(), b.as_object().unwrap()).unwrap();
        assert_eq!(
            merged["properties"]["k"],
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/K"}]})
        );
    }
}
