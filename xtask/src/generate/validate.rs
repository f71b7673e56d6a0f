//! Checks of the spec before progenitor sees it. progenitor reports a broken spec with a panic
//! or a message that says neither the file nor the place; these checks name both, for the
//! mistakes a hand edit (or a bad merge) of `spec/openapi.json` makes.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::load::SpecError;
use crate::pointer::Pointer;

/// Fails at the first problem found, naming `file` and the JSON pointer.
pub fn check(file: &Path, spec: &Value) -> Result<(), SpecError> {
    references_resolve(file, spec, spec, &Pointer::root())?;
    let paths_at = Pointer::root().join("paths");
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| SpecError::at(file, &paths_at, "the spec has no `paths`"))?;
    let mut ids = BTreeSet::new();
    for (path, item) in paths {
        let item_at = paths_at.join(path);
        for (method, op) in item.as_object().into_iter().flatten() {
            let at = item_at.join(method);
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or_else(|| SpecError::at(file, &at, "an operation needs an `operationId`"))?;
            if !ids.insert(id.to_string()) {
                return Err(SpecError::at(
                    file,
                    &at.join("operationId"),
                    format!("operationId `{id}` is used twice"),
                ));
            }
            path_parameters_match(file, path, op, &at)?;
            bodies_are_plain_json(file, op, &at)?;
        }
    }
    Ok(())
}

/// Every `$ref` designates something.
fn references_resolve(
    file: &Path,
    spec: &Value,
    value: &Value,
    at: &Pointer,
) -> Result<(), SpecError> {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let inner_at = at.join(key);
                if key == "$ref" {
                    let target = inner.as_str().and_then(Pointer::from_ref);
                    if target.and_then(|t| t.get(spec).cloned()).is_none() {
                        return Err(SpecError::at(
                            file,
                            &inner_at,
                            format!("`$ref` to nothing: {inner}"),
                        ));
                    }
                } else {
                    references_resolve(file, spec, inner, &inner_at)?;
                }
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                references_resolve(file, spec, inner, &at.join(i.to_string()))?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The `{names}` of the path template and the operation's path parameters are the same set.
fn path_parameters_match(
    file: &Path,
    path: &str,
    op: &Value,
    at: &Pointer,
) -> Result<(), SpecError> {
    let in_template: BTreeSet<&str> = path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    let parameters_at = at.join("parameters");
    let mut declared = BTreeSet::new();
    for (i, parameter) in op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if parameter.get("in").and_then(Value::as_str) != Some("path") {
            continue;
        }
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !in_template.contains(name) {
            return Err(SpecError::at(
                file,
                &parameters_at.join(i.to_string()),
                format!("path parameter `{name}` is not in the path `{path}`"),
            ));
        }
        declared.insert(name);
    }
    if let Some(missing) = in_template.difference(&declared).next() {
        return Err(SpecError::at(
            file,
            &parameters_at,
            format!("the path `{path}` has `{{{missing}}}` but no parameter for it"),
        ));
    }
    Ok(())
}

/// The request body media types progenitor sends.
const SENDABLE: &[&str] = &[
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
];

/// Request bodies are of a type progenitor sends, without per-property `encoding` (which it
/// cannot generate).
fn bodies_are_plain_json(file: &Path, op: &Value, at: &Pointer) -> Result<(), SpecError> {
    let Some(content) = op
        .pointer("/requestBody/content")
        .and_then(Value::as_object)
    else {
        return Ok(());
    };
    let content_at = at.join("requestBody").join("content");
    for (media_type, body) in content {
        let body_at = content_at.join(media_type);
        if !SENDABLE.contains(&media_type.as_str()) {
            return Err(SpecError::at(
                file,
                &body_at,
                format!(
                    "request bodies of type `{media_type}` are not supported (only {SENDABLE:?})"
                ),
            ));
        }
        if body.get("encoding").is_some() {
            return Err(SpecError::at(
                file,
                &body_at.join("encoding"),
                "`encoding` is not supported for JSON bodies",
            ));
        }
    }
    Ok(())
}
