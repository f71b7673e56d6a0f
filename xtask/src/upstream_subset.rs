//! `cargo xtask upstream-subset`: Cloudflare's published spec cut down to exactly the operations
//! of our trimmed spec, with upstream's own schemas kept verbatim, for the conformance referees
//! (Prism validates requests and answers against it; see `conformance/`).
//!
//! It is built at test time and never committed. What it changes, and why:
//!
//! - Only our operations are kept: each operation of `spec/openapi.json` is matched, through its
//!   `operationId` and the overlay's `upstream = "METHOD /path"`, to upstream's operation, which
//!   is copied as it is (its `operationId` becomes ours; upstream's is kept as
//!   `x-upstream-operation-id`). Every component they reach (`$ref`s, and the security schemes
//!   they name) is copied verbatim; nothing else is.
//! - Paths are prefixed with `/client/v4`: Prism matches request paths literally, and the API
//!   lives under that prefix.
//! - `servers` is left out, so that Prism accepts requests on any loopback port.
//! - Nullable enums that list `null` themselves lose that `null` (or, when `null` is all they
//!   list, their `nullable` and `type`): Prism adds `null` to the enum of every nullable schema, and an enum
//!   that then lists `null` twice makes it skip validating the whole body without a word.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value, json};

use crate::load::Document;
use crate::overlay::Overlay;
use crate::pointer::Pointer;

/// Where the API lives under Cloudflare's host.
pub const PREFIX: &str = "/client/v4";

/// The file name of the subset inside its output directory.
pub const FILE: &str = "upstream-subset.json";

/// The HTTP methods a path item may hold operations for.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Builds the subset of `upstream` for the operations of `ours` (our trimmed spec), matched
/// through `overlay`.
pub fn build(ours: &Value, overlay: &Overlay, upstream: &Document) -> Result<Value> {
    let root = &upstream.root;
    let upstream_paths = root
        .get("paths")
        .and_then(Value::as_object)
        .with_context(|| {
            format!(
                "{}: the upstream spec has no `paths`",
                upstream.file.display()
            )
        })?;
    let our_paths = ours
        .get("paths")
        .and_then(Value::as_object)
        .context("our spec has no `paths`")?;

    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    let mut security_schemes = BTreeSet::new();
    let mut refs = Vec::new();
    for (our_path, item) in our_paths {
        for (method, op) in item.as_object().into_iter().flatten() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .with_context(|| {
                    format!(
                        "our spec: {} {our_path} has no operationId",
                        method.to_uppercase()
                    )
                })?;
            let entry = overlay
                .operations
                .iter()
                .find(|o| o.id == id)
                .with_context(|| format!("operation `{id}` of our spec is not in the overlay"))?;
            let (up_method, up_path) = entry
                .method_and_path()
                .with_context(|| format!("operation `{id}`: bad upstream `{}`", entry.upstream))?;
            if up_method != *method {
                bail!(
                    "operation `{id}`: our spec has {} but the overlay's upstream is `{}`",
                    method.to_uppercase(),
                    entry.upstream
                );
            }
            let at = Pointer::root().join("paths").join(up_path);
            let up_item = upstream_paths.get(up_path).with_context(|| {
                format!(
                    "operation `{id}`: {}{at} does not exist (upstream = \"{}\")",
                    upstream.file.display(),
                    entry.upstream
                )
            })?;
            let mut up_op = up_item
                .get(&up_method)
                .and_then(Value::as_object)
                .cloned()
                .with_context(|| {
                    format!(
                        "operation `{id}`: {}{} does not exist",
                        upstream.file.display(),
                        at.join(&up_method)
                    )
                })?;
            // The operation's own security, or the document's, named explicitly.
            if !up_op.contains_key("security")
                && let Some(global) = root.get("security")
            {
                up_op.insert("security".into(), global.clone());
            }
            for requirement in up_op
                .get("security")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                security_schemes.extend(
                    requirement
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, _)| k.clone()),
                );
            }
            if let Some(upstream_id) = up_op.insert("operationId".into(), json!(id)) {
                up_op.insert("x-upstream-operation-id".into(), upstream_id);
            }
            collect_refs(&Value::Object(up_op.clone()), &mut refs);
            let prefixed = format!("{PREFIX}{up_path}");
            let out_item = paths.entry(prefixed).or_default();
            if let Some(shared) = up_item.get("parameters") {
                collect_refs(shared, &mut refs);
                out_item.insert("parameters".into(), shared.clone());
            }
            out_item.insert(up_method, Value::Object(up_op));
        }
    }

    // Every component the operations reach, directly or through other components.
    let mut components: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    while let Some(reference) = refs.pop() {
        if !seen.insert(reference.clone()) {
            continue;
        }
        let pointer = Pointer::from_ref(&reference)
            .with_context(|| format!("`{reference}` is not a reference into the upstream spec"))?;
        let target = pointer.get(root).with_context(|| {
            format!(
                "{}: `$ref: {reference}` points at nothing",
                upstream.file.display()
            )
        })?;
        let (kind, name) = component_of(&reference).with_context(|| {
            format!("`{reference}` is not a reference to a component (#/components/KIND/NAME)")
        })?;
        collect_refs(target, &mut refs);
        components
            .entry(kind)
            .or_default()
            .insert(name, target.clone());
    }
    if !security_schemes.is_empty() {
        let schemes = root
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object);
        let out = components.entry("securitySchemes".into()).or_default();
        for name in security_schemes {
            let scheme = schemes.and_then(|s| s.get(&name)).with_context(|| {
                format!("the security scheme `{name}` is not in the upstream spec")
            })?;
            out.insert(name, scheme.clone());
        }
    }

    let mut spec = json!({
        "openapi": root.get("openapi").cloned().unwrap_or(json!("3.0.3")),
        "info": {
            "title": "Cloudflare's API, the operations of cloudflare-tokens only",
            "version": root.pointer("/info/version").cloned().unwrap_or(json!("unknown")),
        },
        "paths": paths,
        "components": components,
    });
    dedupe_nullable_enums(&mut spec);
    Ok(spec)
}

/// `#/components/schemas/a~1b` → (`schemas`, `a/b`).
fn component_of(reference: &str) -> Option<(String, String)> {
    let rest = reference.strip_prefix("#/components/")?;
    let (kind, name) = rest.split_once('/')?;
    if name.contains('/') {
        return None;
    }
    let unescape = |s: &str| s.replace("~1", "/").replace("~0", "~");
    Some((unescape(kind), unescape(name)))
}

/// Every `$ref` in `value`, appended to `out`.
fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("$ref", Value::String(reference)) => out.push(reference.clone()),
                    _ => collect_refs(inner, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Removes the `null` that nullable enums list themselves (Prism adds its own). An enum of
/// `null` alone (upstream writes `{type: object, nullable: true, enum: [null]}` for the `result`
/// of a failure) becomes `{enum: [null]}`, which says the same without `nullable`.
pub fn dedupe_nullable_enums(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let nullable = map.get("nullable") == Some(&Value::Bool(true));
            if nullable && let Some(Value::Array(values)) = map.get_mut("enum") {
                if values.iter().all(Value::is_null) {
                    // `null` and nothing else, whatever `type` says.
                    values.truncate(1);
                    map.remove("nullable");
                    map.remove("type");
                } else {
                    values.retain(|v| !v.is_null());
                }
            }
            map.values_mut().for_each(dedupe_nullable_enums);
        }
        Value::Array(items) => items.iter_mut().for_each(dedupe_nullable_enums),
        _ => {}
    }
}

/// The subset as written: pretty JSON with a final newline.
pub fn render(spec: &Value) -> String {
    let mut text = serde_json::to_string_pretty(spec).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlay(operations: &[(&str, &str)]) -> Overlay {
        let mut text = String::from("[info]\ntitle = \"t\"\n[areas]\na = \"a\"\n");
        for (id, upstream) in operations {
            text.push_str(&format!(
                "[[operation]]\nid = \"{id}\"\nupstream = \"{upstream}\"\narea = \"a\"\ndoc = \"d\"\nresult = \"R\"\n"
            ));
        }
        toml::from_str(&text).unwrap()
    }

    fn upstream() -> Document {
        Document {
            file: "up.json".into(),
            root: json!({
                "openapi": "3.0.3",
                "info": {"title": "Cloudflare", "version": "4.0.0"},
                "servers": [{"url": "https://api.cloudflare.com/client/v4"}],
                "security": [{"api_token": []}],
                "paths": {
                    "/things/{id}": {
                        "parameters": [{"$ref": "#/components/parameters/id"}],
                        "get": {
                            "operationId": "things-get",
                            "responses": {"200": {"$ref": "#/components/responses/thing"}}
                        },
                        "delete": {"operationId": "things-delete", "responses": {}}
                    },
                    "/other": {"get": {"operationId": "other", "responses": {}}}
                },
                "components": {
                    "parameters": {"id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}},
                    "responses": {"thing": {"description": "d", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/thing"}}}}},
                    "schemas": {
                        "thing": {"type": "object", "properties": {
                            "kind": {"type": "string", "nullable": true, "enum": ["a", "b", null]},
                            "gone": {"type": "object", "nullable": true, "enum": [null]},
                            "part": {"$ref": "#/components/schemas/part~1x"}
                        }},
                        "part/x": {"type": "string", "description": "kept verbatim"},
                        "unused": {"type": "integer"}
                    },
                    "securitySchemes": {
                        "api_token": {"type": "http", "scheme": "bearer"},
                        "api_key": {"type": "apiKey", "in": "header", "name": "X-Auth-Key"}
                    }
                }
            }),
        }
    }

    fn ours() -> Value {
        json!({"paths": {"/things/{id}": {"get": {"operationId": "things_get"}}}})
    }

    #[test]
    fn keeps_exactly_our_operations_under_the_prefix() {
        let spec = build(
            &ours(),
            &overlay(&[("things_get", "GET /things/{id}")]),
            &upstream(),
        )
        .unwrap();
        let paths = spec["paths"].as_object().unwrap();
        assert_eq!(paths.keys().collect::<Vec<_>>(), ["/client/v4/things/{id}"]);
        let item = paths["/client/v4/things/{id}"].as_object().unwrap();
        let mut keys: Vec<&String> = item.keys().collect();
        keys.sort();
        assert_eq!(keys, ["get", "parameters"]);
        assert_eq!(item["get"]["operationId"], "things_get");
        assert_eq!(item["get"]["x-upstream-operation-id"], "things-get");
        // The document's security, made the operation's own.
        assert_eq!(item["get"]["security"], json!([{"api_token": []}]));
        assert!(spec.get("servers").is_none());
    }

    #[test]
    fn copies_every_reached_component_verbatim_and_nothing_else() {
        let spec = build(
            &ours(),
            &overlay(&[("things_get", "GET /things/{id}")]),
            &upstream(),
        )
        .unwrap();
        let components = &spec["components"];
        assert_eq!(components["parameters"]["id"]["name"], "id");
        assert_eq!(components["responses"]["thing"]["description"], "d");
        assert_eq!(
            components["schemas"]["part/x"],
            json!({"type": "string", "description": "kept verbatim"})
        );
        assert!(components["schemas"].get("unused").is_none());
        assert_eq!(
            components["securitySchemes"],
            json!({"api_token": {"type": "http", "scheme": "bearer"}})
        );
    }

    #[test]
    fn nullable_enums_list_null_once() {
        let spec = build(
            &ours(),
            &overlay(&[("things_get", "GET /things/{id}")]),
            &upstream(),
        )
        .unwrap();
        let props = &spec["components"]["schemas"]["thing"]["properties"];
        assert_eq!(
            props["kind"],
            json!({"type": "string", "nullable": true, "enum": ["a", "b"]})
        );
        assert_eq!(props["gone"], json!({"enum": [null]}));
    }

    #[test]
    fn an_operation_missing_upstream_is_an_error_naming_it() {
        let err = build(
            &ours(),
            &overlay(&[("things_get", "GET /nowhere/{id}")]),
            &upstream(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "operation `things_get`: up.json#/paths/~1nowhere~1{id} does not exist (upstream = \"GET /nowhere/{id}\")"
        );
        let err = build(
            &ours(),
            &overlay(&[("things_get", "PUT /things/{id}")]),
            &upstream(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "operation `things_get`: our spec has GET but the overlay's upstream is `PUT /things/{id}`"
        );
    }

    #[test]
    fn an_operation_the_overlay_lacks_is_an_error() {
        let err = build(&ours(), &overlay(&[("other", "GET /other")]), &upstream()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "operation `things_get` of our spec is not in the overlay"
        );
    }

    #[test]
    fn a_dangling_reference_is_an_error() {
        let mut up = upstream();
        up.root["components"]["schemas"]
            .as_object_mut()
            .unwrap()
            .remove("part/x");
        let err = build(
            &ours(),
            &overlay(&[("things_get", "GET /things/{id}")]),
            &up,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "up.json: `$ref: #/components/schemas/part~1x` points at nothing"
        );
    }
}
