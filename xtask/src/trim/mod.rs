//! `cargo xtask trim`: Cloudflare's full OpenAPI description → our trimmed one.
//!
//! What is kept, what it is called and what is fixed comes from the overlay; this module only
//! applies it. The result keeps upstream's facts (paths, parameters, property names, types,
//! formats, required, nullable, enums, defaults, limits, security, permissions) and none of its
//! prose, and is rendered with sorted keys so that the same input gives the same bytes.

mod operation;
mod responses;
mod schema;
mod shared;

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

pub use operation::normalize_security;
pub use schema::{SCHEMAS, merge_models, pascal_case};
pub use shared::RESPONSE_MESSAGE_SOURCE;
pub use shared::{ERROR_ENVELOPE, RESPONSE_MESSAGE, RESULT_INFO};

use crate::load::{Document, SpecError, require_openapi_30};
use crate::overlay::Overlay;
use crate::pointer::Pointer;
use schema::{Component, Schemas};

/// The file name of the trimmed spec inside its directory.
pub const SPEC_FILE: &str = "openapi.json";

#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Skip (with a warning) allowlisted operations the upstream file does not have, as when
    /// trimming an older spec.
    pub allow_missing: bool,
    /// Document every model the overlay leaves undocumented with a placeholder instead of
    /// failing (for `cargo xtask sample`, whose operations have no prose of ours).
    pub placeholder_docs: bool,
}

/// A trimmed spec, and what the trimmer wants the maintainer to know.
#[derive(Debug)]
pub struct Trimmed {
    pub spec: Value,
    pub warnings: Vec<String>,
}

/// Trims `upstream` as `overlay` says.
pub fn trim(
    upstream: &Document,
    overlay: &Overlay,
    options: Options,
) -> Result<Trimmed, SpecError> {
    require_openapi_30(upstream)?;
    let paths_at = Pointer::root().join("paths");
    let upstream_paths = upstream
        .root
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            SpecError::at(
                &upstream.file,
                &paths_at,
                "an OpenAPI document needs `paths`",
            )
        })?;

    let mut schemas = Schemas::new(upstream, overlay);
    let mut warnings = Vec::new();
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    let mut missing = Vec::new();
    for op in &overlay.operations {
        let (method, path) = op
            .method_and_path()
            .expect("validated when the overlay was loaded");
        let item_at = paths_at.join(path);
        let found = upstream_paths
            .get(path)
            .and_then(|item| Some((item, item.get(&method)?)));
        let Some((path_item, upstream_op)) = found else {
            missing.push(format!("`{}` ({})", op.id, op.upstream));
            continue;
        };
        let converted =
            schemas.operation(op, path, &item_at.join(&method), upstream_op, path_item)?;
        paths
            .entry(path.to_string())
            .or_default()
            .insert(method, Value::Object(converted));
    }

    if !missing.is_empty() {
        let list = missing.join(", ");
        if !options.allow_missing {
            return Err(SpecError::at(
                &upstream.file,
                &paths_at,
                format!(
                    "{} allowlisted operation(s) are not in this spec: {list}; pass --allow-missing to skip them",
                    missing.len()
                ),
            ));
        }
        for op in missing {
            warnings.push(format!("skipped {op}: not in {}", upstream.file.display()));
        }
    }

    let mut paths = serde_json::to_value(paths).expect("maps of JSON values serialize");
    deduplicate(&mut schemas.components, &mut paths);
    let problems = unused_overlay_entries(&schemas, overlay);
    let (components, missing_docs) =
        documented(schemas.components, overlay, options.placeholder_docs);
    let mut problems = problems.into_iter().chain(missing_docs).collect::<Vec<_>>();
    if options.allow_missing {
        // An older spec lacks models the overlay describes; that is expected there.
        warnings.append(&mut problems);
    } else if !problems.is_empty() {
        return Err(SpecError::in_file(&overlay.file, problems.join("; ")));
    }

    let spec = json!({
        "openapi": "3.0.3",
        "info": info(upstream, overlay),
        "servers": servers(upstream),
        "tags": overlay
            .areas
            .iter()
            .map(|(name, doc)| json!({ "name": name, "description": doc.trim() }))
            .collect::<Vec<_>>(),
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": security_schemes(upstream),
        },
    });
    Ok(Trimmed {
        spec: canonical(&spec),
        warnings,
    })
}

fn info(upstream: &Document, overlay: &Overlay) -> Value {
    let mut info = json!({ "title": overlay.info.title });
    let upstream_info = upstream.root.get("info");
    if let Some(version) = upstream_info.and_then(|i| i.get("version")) {
        info["version"] = version.clone();
    } else {
        info["version"] = json!("unknown");
    }
    // The license under which upstream publishes its description travels with what we derive.
    if let Some(license) = upstream_info
        .and_then(|i| i.get("license"))
        .and_then(Value::as_object)
    {
        let kept: Map<String, Value> = license
            .iter()
            .filter(|(k, _)| *k == "name" || *k == "url")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        info["license"] = Value::Object(kept);
    }
    info
}

fn servers(upstream: &Document) -> Value {
    let servers: Vec<Value> = upstream
        .root
        .get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.get("url"))
        .map(|url| json!({ "url": url }))
        .collect();
    Value::Array(servers)
}

fn security_schemes(upstream: &Document) -> Value {
    let mut out = Map::new();
    let schemes = upstream
        .root
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object);
    for (name, scheme) in schemes.into_iter().flatten() {
        if !operation::SCHEMES.contains(&name.as_str()) {
            continue;
        }
        let kept: Map<String, Value> = scheme
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| {
                matches!(
                    k.as_str(),
                    "type" | "scheme" | "in" | "name" | "bearerFormat"
                )
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        out.insert(name.clone(), Value::Object(kept));
    }
    Value::Object(out)
}

/// Replaces positional models that are identical to another model by that model, until none
/// are left: an inline `source_params` in a request body becomes the response's model. The
/// model that stays is the overlay-named one, else the shortest name, else the first by name.
fn deduplicate(components: &mut BTreeMap<String, Component>, paths: &mut Value) {
    loop {
        let mut groups: BTreeMap<String, Vec<&String>> = BTreeMap::new();
        for (name, component) in components.iter() {
            let key = canonical(&Value::Object(component.schema.clone())).to_string();
            groups.entry(key).or_default().push(name);
        }
        let mut replace: BTreeMap<String, String> = BTreeMap::new();
        for names in groups.values().filter(|n| n.len() > 1) {
            let winner = names
                .iter()
                .min_by_key(|n| (!components[**n].explicit, n.len(), (**n).clone()))
                .expect("groups are not empty");
            for loser in names
                .iter()
                .filter(|n| *n != winner && !components[**n].explicit)
            {
                replace.insert((*loser).clone(), (*winner).clone());
            }
        }
        if replace.is_empty() {
            return;
        }
        for loser in replace.keys() {
            components.remove(loser);
        }
        let rename = |value: &mut Value| rewrite_refs(value, &replace);
        for component in components.values_mut() {
            let mut schema = Value::Object(std::mem::take(&mut component.schema));
            rename(&mut schema);
            component.schema = match schema {
                Value::Object(map) => map,
                _ => unreachable!("rewriting references keeps objects objects"),
            };
        }
        rename(paths);
    }
}

fn rewrite_refs(value: &mut Value, replace: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if key == "$ref" {
                    let target = inner.as_str().and_then(|r| r.strip_prefix(SCHEMAS));
                    if let Some(winner) = target.and_then(|name| replace.get(name)) {
                        *inner = json!(format!("{SCHEMAS}{winner}"));
                    }
                } else {
                    rewrite_refs(inner, replace);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, replace)),
        _ => {}
    }
}

/// Gives each model its documentation: the overlay's, else the positional description the
/// trimmer wrote. Returns the models and a complaint for each model without any.
fn documented(
    components: BTreeMap<String, Component>,
    overlay: &Overlay,
    placeholders: bool,
) -> (Map<String, Value>, Vec<String>) {
    let mut out = Map::new();
    let mut undocumented = Vec::new();
    for (name, component) in components {
        let mut schema = component.schema;
        match overlay
            .models
            .get(&name)
            .or(component.fallback_doc.as_ref())
        {
            Some(doc) => {
                schema.insert("description".into(), json!(doc.trim()));
            }
            None if placeholders => {
                schema.insert("description".into(), json!(format!("The `{name}` model.")));
            }
            None => undocumented.push(name.clone()),
        }
        out.insert(name, Value::Object(schema));
    }
    let mut problems = Vec::new();
    if !undocumented.is_empty() {
        problems.push(format!(
            "models without documentation (add them to [models]): {}",
            undocumented.join(", ")
        ));
    }
    let unknown: Vec<&String> = overlay
        .models
        .keys()
        .filter(|m| !out.contains_key(*m))
        .collect();
    if !unknown.is_empty() {
        problems.push(format!(
            "[models] documents models the trimmed spec does not have: {}",
            unknown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    (out, problems)
}

/// Overlay entries that matched nothing: a sign that upstream changed under them.
fn unused_overlay_entries(schemas: &Schemas<'_>, overlay: &Overlay) -> Vec<String> {
    let mut problems = Vec::new();
    for (fix, used) in overlay.fixes.iter().zip(&schemas.used_fixes) {
        if !used {
            problems.push(format!("the fix for {} matched nothing", fix.describe()));
        }
    }
    for (name, used) in &schemas.used_renames {
        if !used {
            problems.push(format!("[rename] `{name}` matched no model"));
        }
    }
    for name in overlay.parameters.keys() {
        if !schemas.used_roles.contains(name) {
            problems.push(format!("[parameters] `{name}` matched no parameter"));
        }
    }
    problems
}

/// The same value with every object's keys in sorted order (whatever map type serde_json uses).
pub fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), canonical(&map[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// The bytes of a spec as committed: sorted keys, two-space indentation, a final newline.
pub fn render(spec: &Value) -> String {
    let mut text = serde_json::to_string_pretty(&canonical(spec)).expect("JSON values serialize");
    text.push('\n');
    text
}
