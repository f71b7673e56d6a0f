//! Converting a flattened upstream schema into ours: facts kept, prose dropped, objects and
//! string enums hoisted into named components.

use std::ops::Bound;

use serde_json::{Map, Value, json};

use super::quirks;
use super::{
    Component, Direction, Flat, Merge, Naming, Origins, SCHEMAS, Schemas, is_fact, merge_models,
    pascal_case, split_use_site,
};
use crate::load::SpecError;
use crate::overlay::Site;
use crate::pointer::Pointer;

impl Schemas<'_> {
    /// Converts an upstream schema at `at` into ours: either an inline schema or a `$ref` to a
    /// component named after `naming`. `site` says which fixes apply.
    ///
    /// A schema written once upstream but reached from many places (through `$ref`s) is
    /// converted once: later uses get the first conversion's result, so models shared by a
    /// chain of `$ref` diamonds cost one conversion each instead of one per path to them (which
    /// grows exponentially with the depth). The models made that first time keep the names of
    /// that first use; later uses would have made models identical to them, under other names
    /// that deduplication would merge. A conversion is only reused where that holds: not under
    /// an overlay name, not where a fix applies or the overlay fixes or renames a model whose
    /// name the conversion could make, not when its first run was changed by a fix, a rename or
    /// a merge. Errors come from the first conversion, the one that runs, with its pointers.
    pub fn convert(
        &mut self,
        at: &Pointer,
        schema: &Value,
        naming: Naming,
        site: Option<Site<'_>>,
    ) -> Result<Value, SpecError> {
        if let Some(reference) = self.back_reference(schema) {
            return Ok(reference);
        }
        let reusable = self.reusable(&naming, site.as_ref());
        // A place is known by its pointer and what is written there (the pointer alone could
        // also be where the overlay put a schema of its own).
        if reusable
            && let Some((converted, result)) = self.converted.get(at)
            && converted == schema
        {
            return Ok(result.clone());
        }
        let before = self.site_dependent;
        let result = self.convert_fresh(at, schema, naming, site);
        if reusable
            && self.site_dependent == before
            && let Ok(value) = &result
        {
            self.converted
                .insert(at.clone(), (schema.clone(), value.clone()));
        }
        result
    }

    /// A `$ref` back to a schema being converted (a recursive schema: a filter node whose
    /// `filters` are filter nodes) becomes a reference to the model it is becoming.
    fn back_reference(&self, schema: &Value) -> Option<Value> {
        let object = schema.as_object()?;
        let target = Pointer::from_ref(object.get("$ref")?.as_str()?)?;
        // Only a plain reference: siblings that change what it means would be lost.
        let structural = [
            "allOf",
            "anyOf",
            "oneOf",
            "properties",
            "items",
            "additionalProperties",
        ];
        let plain = object
            .keys()
            .all(|k| k == "$ref" || !(is_fact(k) || structural.contains(&k.as_str())));
        if !plain {
            return None;
        }
        let (_, name) = self
            .active_models
            .iter()
            .rev()
            .find(|(t, _)| *t == target)?;
        Some(json!({ "$ref": format!("{SCHEMAS}{name}") }))
    }

    /// Whether a conversion under `naming` at `site` would be the same as any other of the
    /// same schema (up to the names of the models it makes), so that one may stand for the
    /// other.
    fn reusable(&self, naming: &Naming, site: Option<&Site<'_>>) -> bool {
        !naming.explicit
            && site.is_none_or(|site| !self.overlay.fixes.iter().any(|fix| fix.matches(site)))
            && !self.names_taken(&naming.name)
    }

    /// Whether a model named `prefix…` exists, or the overlay fixes or renames one: every model
    /// a conversion under the name `prefix` makes is named `prefix…` (unless renamed), and such
    /// a model would be merged, fixed or renamed, which a reused conversion would miss.
    fn names_taken(&self, prefix: &str) -> bool {
        let fixed = self
            .overlay
            .fixes
            .iter()
            .filter_map(|fix| fix.model.as_deref());
        let renamed = self.overlay.rename.keys().map(String::as_str);
        let existing = self
            .components
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .next()
            .map(|(name, _)| name.as_str());
        fixed
            .chain(renamed)
            .chain(existing)
            .any(|name| name.starts_with(prefix))
    }

    fn convert_fresh(
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
                    self.site_dependent += 1;
                }
            }
        }
        let depth = self.active.len();
        let models = self.active_models.len();
        // The model this schema becomes, if it becomes one under its name (an object with
        // properties or named by the overlay, a union): what a `$ref` back to it refers to.
        let is_model = flat.contains_key("properties")
            || flat.contains_key("anyOf")
            || flat.contains_key("oneOf")
            || (naming.explicit && flat.get("type") == Some(&json!("object")));
        if is_model {
            let name = self
                .overlay
                .rename
                .get(&naming.name)
                .cloned()
                .unwrap_or_else(|| naming.name.clone());
            for target in &targets {
                self.active_models.push((target.clone(), name.clone()));
            }
        }
        self.active.extend(targets);
        let result = self.convert_flat(at, &flat, &origins, naming);
        self.active.truncate(depth);
        self.active_models.truncate(models);
        result
    }

    fn convert_flat(
        &mut self,
        at: &Pointer,
        flat: &Map<String, Value>,
        origins: &Origins,
        naming: Naming,
    ) -> Result<Value, SpecError> {
        if let Some(object) = quirks::object_under_requirements(flat) {
            return self.convert_struct(at, &object, origins, naming);
        }
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
        let naming = self.renamed(naming);
        let name = naming.name.clone();
        let mut properties = Map::new();
        let mut read_only = Vec::new();
        if let Some(props) = flat.get("properties") {
            let props_at = at.join("properties");
            let props = props
                .as_object()
                .ok_or_else(|| self.error(&props_at, "`properties` must be an object"))?;
            let mut sorted: Vec<_> = props.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            for (key, schema) in quirks::one_spelling_per_field(sorted) {
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
        let naming = self.renamed(naming);
        let name = naming.name.clone();
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
        // Written as `oneOf` whatever upstream says: typify renders `anyOf` as a struct of
        // flattened optional fields, which cannot hold a variant that is not an object (a string,
        // a list), while `oneOf` becomes an untagged enum that decodes to the first variant that
        // fits, which is what a reader of an `anyOf` needs.
        let mut model = Map::new();
        model.insert("oneOf".into(), Value::Array(converted));
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

    /// `naming` after the overlay's renames. A renamed model is named by the overlay, as an
    /// explicit name is: deduplication never merges it away into a model of another name (which
    /// an operation added later could bring, changing the type of every field that used it).
    fn renamed(&mut self, naming: Naming) -> Naming {
        let name = self.final_name(&naming.name);
        let explicit = naming.explicit || name != naming.name;
        Naming {
            name,
            explicit,
            ..naming
        }
    }

    /// The name a positional name becomes after the overlay's renames.
    fn final_name(&mut self, name: &str) -> String {
        match self.overlay.rename.get(name) {
            Some(renamed) => {
                self.used_renames.insert(name.to_string(), true);
                self.site_dependent += 1;
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
                let read = existing.read || self.direction == Direction::Read;
                let rule = if read { Merge::Loose } else { Merge::Strict };
                let merged = merge_models(&existing.schema, &model, rule).map_err(|conflict| {
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
                existing.read = read;
                existing.explicit |= naming.explicit || renamed;
                self.site_dependent += 1;
            }
            None => {
                self.components.insert(
                    name.clone(),
                    Component {
                        schema: model,
                        read: self.direction == Direction::Read,
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
    quirks::strip_null_from_enum(&mut out);
    quirks::widen_enum_of_other_types(&mut out);
    quirks::drop_unknown_type(&mut out);
    out
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
