//! One overlay operation → one operation of ours: parameters, request body, the Cloudflare
//! response envelope, a single error schema, and the security requirements.

use serde_json::{Map, Value, json};

use super::schema::{Component, Direction, Flat, Naming, SCHEMAS, Schemas, pascal_case};
use super::shared::{self, ERROR_ENVELOPE, RESPONSE_MESSAGE, RESULT_INFO};
use crate::keywords::{ENVELOPE, EnvelopePart};
use crate::load::{Limitation, SpecError};
use crate::overlay::{self, Site};
use crate::pointer::Pointer;

/// Operation-level extensions worth keeping: the permissions an operation needs.
const KEPT_EXTENSIONS: &[&str] = &["x-cfPermissionsRequired", "x-api-token-group"];

/// The security schemes we keep (Origin CA keys and the like are not for these endpoints).
pub const SCHEMES: &[&str] = &["api_token", "api_email", "api_key"];

impl<'a> Schemas<'a> {
    /// Converts the upstream operation at `at` as the overlay describes it.
    pub fn operation(
        &mut self,
        op: &overlay::Operation,
        path: &str,
        at: &Pointer,
        upstream: &'a Value,
        path_item: &'a Value,
    ) -> Result<Map<String, Value>, SpecError> {
        let mut out = Map::new();
        out.insert("operationId".into(), json!(op.id));
        out.insert("description".into(), json!(op.doc.trim()));
        out.insert("tags".into(), json!([op.area]));
        self.direction = Direction::Sent;
        out.insert(
            "parameters".into(),
            Value::Array(self.parameters(op, path, at, upstream, path_item)?),
        );
        let body = match upstream.get("requestBody") {
            Some(body) => self.request_body(op, &at.join("requestBody"), body)?,
            None => None,
        };
        if let Some(body) = body {
            out.insert("requestBody".into(), body);
        }
        self.direction = Direction::Read;
        let responses = self.responses(op, &at.join("responses"), upstream);
        self.direction = Direction::Sent;
        out.insert("responses".into(), responses?);
        let security = upstream
            .get("security")
            .or_else(|| self.doc.root.get("security"))
            .map(normalize_security)
            .unwrap_or_default();
        out.insert("security".into(), Value::Array(security));
        for key in KEPT_EXTENSIONS {
            if let Some(value) = upstream.get(*key) {
                out.insert((*key).into(), value.clone());
            }
        }
        Ok(out)
    }

    fn parameters(
        &mut self,
        op: &overlay::Operation,
        path: &str,
        at: &Pointer,
        upstream: &'a Value,
        path_item: &'a Value,
    ) -> Result<Vec<Value>, SpecError> {
        // Path-item parameters apply unless the operation redefines them.
        let mut found: Vec<(Pointer, &'a Value)> = Vec::new();
        let item_at = at.parent();
        for (list_at, list) in [
            (item_at.join("parameters"), path_item.get("parameters")),
            (at.join("parameters"), upstream.get("parameters")),
        ] {
            let Some(list) = list.and_then(Value::as_array) else {
                continue;
            };
            for (i, parameter) in list.iter().enumerate() {
                let (p_at, parameter) = self.deref(&list_at.join(i.to_string()), parameter)?;
                let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
                found.retain(|(_, existing)| key(existing) != key(parameter));
                found.push((p_at, parameter));
            }
        }
        // A `{name}` of the path that upstream declares no parameter for is still one: a string.
        let declared: Vec<String> = found
            .iter()
            .filter(|(_, p)| p.get("in").and_then(Value::as_str) == Some("path"))
            .filter_map(|(_, p)| p.get("name").and_then(Value::as_str).map(str::to_string))
            .collect();
        let undeclared: Vec<Value> = path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .filter(|name| !declared.iter().any(|d| d == name))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        let mut found: Vec<(Pointer, &Value)> = found;
        for parameter in &undeclared {
            found.push((at.join("parameters"), parameter));
        }
        let mut converted = Vec::new();
        for (p_at, parameter) in found {
            let name = parameter
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| self.error(&p_at, "a parameter needs a `name`"))?;
            let location = parameter
                .get("in")
                .and_then(Value::as_str)
                .ok_or_else(|| self.error(&p_at, "a parameter needs `in`"))?;
            // An optional header parameter (R2's `cf-r2-jurisdiction`) is left out: the client
            // never sends one, so the server's default applies.
            if location == "header" && parameter.get("required") != Some(&json!(true)) {
                continue;
            }
            if location == "path" && !path.contains(&format!("{{{name}}}")) {
                // Upstream declares it, but the path has no place for it: it cannot be sent.
                continue;
            }
            let schema = parameter
                .get("schema")
                .ok_or_else(|| self.error(&p_at, "a parameter needs a `schema`"))?;
            let naming = Naming {
                name: format!("{}{}", pascal_case(&op.id), pascal_case(name)),
                explicit: false,
                fallback_doc: Some(format!("The `{name}` parameter of `{}`.", op.id)),
            };
            let site = Site::Parameter {
                operation: &op.id,
                parameter: name,
            };
            let mut schema = self.convert(&p_at.join("schema"), schema, naming, Some(site))?;
            if let Some(schema) = schema.as_object_mut() {
                // Read-only / write-only describe properties, not parameters.
                schema.remove("readOnly");
                schema.remove("writeOnly");
                // A path segment is never null (upstream marks some ids `nullable` because the
                // same schema describes a field), and a nullable one would make the argument an
                // `Option` that the path cannot hold.
                if location == "path" {
                    schema.remove("nullable");
                }
            }
            let required = location == "path" || parameter.get("required") == Some(&json!(true));
            let mut converted_parameter =
                json!({ "name": name, "in": location, "required": required, "schema": schema });
            if let Some(role) = self.overlay.parameters.get(name) {
                // A page or page size is a field of the query struct, which only optional
                // parameters have; a required one stays a plain argument. So is one that is not
                // a number (Page Shield's `page` is a string, for its "all"): the client could
                // not count pages with it, and it keeps upstream's type.
                let paging = matches!(role, overlay::Role::Page | overlay::Role::PerPage);
                let not_a_number = schema
                    .get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t != "integer" && t != "number");
                if !(paging && (required || not_a_number)) {
                    converted_parameter[overlay::Role::EXTENSION] = json!(role.as_str());
                }
                self.used_roles.insert(name.to_string());
            }
            converted.push(converted_parameter);
        }
        // Path parameters in the order of the path, then the others by name: a stable order no
        // matter how upstream lists them.
        converted.sort_by_key(|p| {
            let name = p["name"].as_str().unwrap_or_default().to_string();
            let in_path = p["in"] == json!("path");
            let position = path.find(&format!("{{{name}}}")).unwrap_or(usize::MAX);
            (
                !in_path,
                position,
                p["in"].as_str().unwrap_or_default().to_string(),
                name,
            )
        });
        Ok(converted)
    }

    /// The request body, or `None` when upstream declares one without a schema (the 2024 spec
    /// does, for a DELETE): such a body carries nothing a client could send.
    ///
    /// JSON bodies become the overlay's `body` model; binary (`application/octet-stream`) and
    /// text (`text/plain`) bodies are kept as progenitor takes them (bytes, a string); a form
    /// (`application/x-www-form-urlencoded`) is a model like JSON. When upstream offers several
    /// media types, JSON is chosen. Others (`multipart/form-data`, …) progenitor cannot send.
    fn request_body(
        &mut self,
        op: &overlay::Operation,
        at: &Pointer,
        body: &'a Value,
    ) -> Result<Option<Value>, SpecError> {
        let (body_at, body) = self.deref(at, body)?;
        let content = body.get("content").and_then(Value::as_object);
        let media_types: Vec<&String> = content.into_iter().flat_map(|c| c.keys()).collect();
        let essence = |media: &str| {
            media
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string()
        };
        let chosen = [
            "application/json",
            "application/x-www-form-urlencoded",
            "application/octet-stream",
            "text/plain",
        ]
        .into_iter()
        .find_map(|wanted| {
            media_types
                .iter()
                .find(|m| essence(m) == wanted)
                .map(|m| (wanted, *m))
        });
        let Some((kind, media)) = chosen else {
            let list: Vec<String> = media_types.iter().map(|m| format!("`{m}`")).collect();
            return Err(self
                .error(
                    &body_at,
                    format!(
                        "request body media type {} is not one progenitor can send",
                        if list.is_empty() {
                            "(none)".to_string()
                        } else {
                            list.join(", ")
                        }
                    ),
                )
                .limitation(Limitation::RequestBodyMediaType));
        };
        let required = body.get("required") == Some(&json!(true));
        let schema_at = body_at.join("content").join(media).join("schema");
        let Some(schema) = schema_at.get(&self.doc.root) else {
            return Ok(None);
        };
        let schema = match kind {
            "application/octet-stream" => json!({ "type": "string", "format": "binary" }),
            "text/plain" => json!({ "type": "string" }),
            _ => {
                let name = op.body.as_deref().ok_or_else(|| {
                    self.error(
                        &body_at,
                        format!("operation `{}` takes a request body: name its model with `body = \"...\"` in the overlay", op.id),
                    )
                })?;
                self.convert(&schema_at, schema, Naming::explicit(name), None)?
            }
        };
        Ok(Some(json!({
            "required": required,
            "content": { kind: { "schema": schema } },
        })))
    }

    /// A success envelope: `result` becomes the overlay's model (a list of them for lists).
    pub(super) fn envelope(
        &mut self,
        op: &overlay::Operation,
        at: &Pointer,
        schema: &'a Value,
    ) -> Result<Value, SpecError> {
        let envelope = self.flatten(at, schema)?;
        let flat = &envelope.schema;
        let props = flat.get("properties").and_then(Value::as_object);
        let result = props.and_then(|p| p.get("result")).ok_or_else(|| {
            self.error(
                at,
                format!(
                    "the success response of `{}` is not a Cloudflare envelope: it has no `result`",
                    op.id
                ),
            )
        })?;
        let result_at = envelope.origins.property(at, "result");
        let result_parts = self.flatten(&result_at, result)?;
        let result_flat = &result_parts.schema;
        let is_list =
            result_flat.get("type") == Some(&json!("array")) || result_flat.contains_key("items");
        let mut properties = Map::new();
        if is_list {
            let items = result_flat
                .get("items")
                .ok_or_else(|| self.error(&result_at, "a list result needs `items`"))?;
            let items_at = result_parts.origins.items(&result_at);
            let converted =
                self.convert(&items_at, items, Naming::explicit(op.result.as_str()), None)?;
            properties.insert(
                "result".into(),
                json!({ "type": "array", "items": converted }),
            );
        } else {
            let converted = self.convert(
                &result_at,
                result,
                Naming::explicit(op.result.as_str()),
                None,
            )?;
            properties.insert("result".into(), converted);
        }
        self.envelope_common(at, &envelope, &mut properties)?;
        let name = format!("{}{}Envelope", op.result, if is_list { "List" } else { "" });
        let what = if is_list {
            format!("a list of [`{}`]", op.result)
        } else {
            format!("[`{}`]", op.result)
        };
        let naming = Naming {
            name,
            explicit: true,
            fallback_doc: Some(format!("Cloudflare's response envelope around {what}.")),
        };
        let model = envelope_model(flat, properties, EnvelopePart::Success);
        self.register_converted(at, model, &naming)
    }

    /// The error envelope: one model of ours for every error of every operation, whatever
    /// upstream writes (its error schemas differ between products: a `result` object in one, an
    /// array in another). Adding an operation never changes it, and the client decodes every
    /// error the same way (`crate::Envelope<serde_json::Value>`, tolerant of all of them).
    pub(super) fn error_envelope(&mut self) -> Value {
        self.shared_models(&[
            ERROR_ENVELOPE,
            RESPONSE_MESSAGE,
            shared::RESPONSE_MESSAGE_SOURCE,
        ]);
        json!({ "$ref": format!("{SCHEMAS}{ERROR_ENVELOPE}") })
    }

    /// Adds the shared models `names` (see `shared.rs`), unless they are there.
    fn shared_models(&mut self, names: &[&str]) {
        for (name, schema, doc) in shared::models() {
            if !names.contains(&name) {
                continue;
            }
            self.components
                .entry(name.to_string())
                .or_insert_with(|| Component {
                    schema,
                    read: true,
                    explicit: true,
                    fallback_doc: doc.map(str::to_string),
                    origin: Pointer::root(),
                });
        }
    }

    /// `success`, `errors`, `messages` and `result_info`: the same models in every envelope.
    pub(super) fn envelope_common(
        &mut self,
        at: &Pointer,
        envelope: &Flat,
        properties: &mut Map<String, Value>,
    ) -> Result<(), SpecError> {
        let Some(props) = envelope.schema.get("properties").and_then(Value::as_object) else {
            return Ok(());
        };
        // Messages are ours too (see `error_envelope`): upstream's item schemas vary (R2's are
        // plain strings), and `crate::Message` reads every form.
        for key in ["errors", "messages"] {
            if props.contains_key(key) {
                self.shared_models(&[RESPONSE_MESSAGE, shared::RESPONSE_MESSAGE_SOURCE]);
                properties.insert(
                    key.into(),
                    json!({ "type": "array", "items": { "$ref": format!("{SCHEMAS}{RESPONSE_MESSAGE}") } }),
                );
            }
        }
        if props.contains_key("result_info") {
            self.shared_models(&[RESULT_INFO]);
            properties.insert(
                "result_info".into(),
                json!({ "$ref": format!("{SCHEMAS}{RESULT_INFO}") }),
            );
        }
        if let Some(success) = props.get("success") {
            let success = self.flatten(&envelope.origins.property(at, "success"), success)?;
            let mut kept = Map::new();
            for key in ["type", "enum"] {
                if let Some(v) = success.schema.get(key) {
                    kept.insert(key.into(), v.clone());
                }
            }
            properties.insert("success".into(), Value::Object(kept));
        }
        Ok(())
    }
}

/// An envelope's own schema, with its already-converted properties and its mark.
pub(super) fn envelope_model(
    flat: &Map<String, Value>,
    properties: Map<String, Value>,
    part: EnvelopePart,
) -> Map<String, Value> {
    let required: Vec<Value> = flat
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter(|k| k.as_str().is_some_and(|k| properties.contains_key(k)))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let mut model = Map::new();
    model.insert("type".into(), json!("object"));
    if !required.is_empty() {
        model.insert("required".into(), Value::Array(required));
    }
    model.insert("properties".into(), Value::Object(properties));
    model.insert(ENVELOPE.into(), json!(part.as_str()));
    model
}

/// Security requirement lists as upstream writes them sometimes demand a token *and* a key at
/// once; either one authenticates. Splits those, drops duplicates and schemes we don't keep.
pub fn normalize_security(security: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut push = |requirement: Value| {
        if !out.contains(&requirement) {
            out.push(requirement);
        }
    };
    for requirement in security.as_array().into_iter().flatten() {
        let Some(schemes) = requirement.as_object() else {
            continue;
        };
        if schemes.keys().any(|k| !SCHEMES.contains(&k.as_str())) || schemes.is_empty() {
            continue;
        }
        if schemes.contains_key("api_token") {
            push(json!({ "api_token": [] }));
        }
        if schemes.contains_key("api_email") || schemes.contains_key("api_key") {
            push(json!({ "api_email": [], "api_key": [] }));
        }
    }
    out.sort_by_key(|r| r.as_object().map(|o| o.len()).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_that_demands_everything_at_once_is_split() {
        let upstream = json!([{ "api_email": [], "api_key": [], "api_token": [] }]);
        assert_eq!(
            normalize_security(&upstream),
            vec![
                json!({ "api_token": [] }),
                json!({ "api_email": [], "api_key": [] })
            ]
        );
    }

    #[test]
    fn duplicates_and_foreign_schemes_are_dropped() {
        let upstream = json!([
            { "api_email": [], "api_key": [] },
            { "api_token": [] },
            { "api_email": [], "api_key": [] },
            { "user_service_key": [] }
        ]);
        assert_eq!(
            normalize_security(&upstream),
            vec![
                json!({ "api_token": [] }),
                json!({ "api_email": [], "api_key": [] })
            ]
        );
    }
}
