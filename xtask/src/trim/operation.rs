//! One overlay operation → one operation of ours: parameters, request body, the Cloudflare
//! response envelope, a single error schema, and the security requirements.

use serde_json::{Map, Value, json};

use super::schema::{Flat, Naming, Schemas, pascal_case};
use crate::keywords::{ENVELOPE, EnvelopePart};
use crate::load::SpecError;
use crate::overlay::{self, Site};
use crate::pointer::Pointer;

/// Names of the models every envelope shares.
pub const RESULT_INFO: &str = "ResultInfo";
pub const RESPONSE_MESSAGE: &str = "ResponseMessage";
pub const ERROR_ENVELOPE: &str = "ErrorEnvelope";

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
        out.insert(
            "responses".into(),
            self.responses(op, &at.join("responses"), upstream)?,
        );
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
            }
            let required = location == "path" || parameter.get("required") == Some(&json!(true));
            let mut converted_parameter =
                json!({ "name": name, "in": location, "required": required, "schema": schema });
            if let Some(role) = self.overlay.parameters.get(name) {
                converted_parameter[overlay::Role::EXTENSION] = json!(role.as_str());
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
    fn request_body(
        &mut self,
        op: &overlay::Operation,
        at: &Pointer,
        body: &'a Value,
    ) -> Result<Option<Value>, SpecError> {
        let (body_at, body) = self.deref(at, body)?;
        let json_at = body_at.join("content").join("application/json");
        if json_at.get(&self.doc.root).is_none() {
            return Err(self.error(
                &body_at,
                "only `application/json` request bodies are supported",
            ));
        }
        let schema_at = json_at.join("schema");
        let Some(schema) = schema_at.get(&self.doc.root) else {
            return Ok(None);
        };
        let name = op.body.as_deref().ok_or_else(|| {
            self.error(
                &body_at,
                format!("operation `{}` takes a request body: name its model with `body = \"...\"` in the overlay", op.id),
            )
        })?;
        let schema = self.convert(&schema_at, schema, Naming::explicit(name), None)?;
        Ok(Some(json!({
            "required": body.get("required") == Some(&json!(true)),
            "content": { "application/json": { "schema": schema } },
        })))
    }

    fn responses(
        &mut self,
        op: &overlay::Operation,
        at: &Pointer,
        upstream: &'a Value,
    ) -> Result<Value, SpecError> {
        let responses = upstream
            .get("responses")
            .and_then(Value::as_object)
            .ok_or_else(|| self.error(at, "an operation needs `responses`"))?;
        let mut out = Map::new();
        for (status, response) in responses {
            let (r_at, _) = self.deref(&at.join(status), response)?;
            let schema_at = r_at.join("content").join("application/json").join("schema");
            let success = status.starts_with('2');
            let Some(schema) = schema_at.get(&self.doc.root) else {
                let description = if success {
                    "Success, with no body."
                } else {
                    "Failure, with no body."
                };
                out.insert(status.clone(), json!({ "description": description }));
                continue;
            };
            let (description, schema) = if success {
                (
                    "Success: Cloudflare's envelope around the result.",
                    self.envelope(op, &schema_at, schema)?,
                )
            } else {
                (
                    "Failure: Cloudflare's envelope with the errors.",
                    self.error_envelope(&schema_at, schema)?,
                )
            };
            out.insert(
                status.clone(),
                json!({ "description": description, "content": { "application/json": { "schema": schema } } }),
            );
        }
        Ok(Value::Object(out))
    }

    /// A success envelope: `result` becomes the overlay's model (a list of them for lists).
    fn envelope(
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

    /// An error envelope: all operations share one model, so every error decodes the same way.
    fn error_envelope(&mut self, at: &Pointer, schema: &'a Value) -> Result<Value, SpecError> {
        let envelope = self.flatten(at, schema)?;
        let flat = &envelope.schema;
        let mut properties = Map::new();
        if let Some(result) = flat.get("properties").and_then(|p| p.get("result")) {
            let naming = Naming::positional(
                format!("{ERROR_ENVELOPE}Result"),
                "The `result` of a failed call.".into(),
            );
            let result_at = envelope.origins.property(at, "result");
            let converted = self.convert(&result_at, result, naming, None)?;
            properties.insert("result".into(), converted);
        }
        self.envelope_common(at, &envelope, &mut properties)?;
        let model = envelope_model(flat, properties, EnvelopePart::Error);
        self.register_converted(at, model, &Naming::explicit(ERROR_ENVELOPE))
    }

    /// `success`, `errors`, `messages` and `result_info`: the same models in every envelope.
    fn envelope_common(
        &mut self,
        at: &Pointer,
        envelope: &Flat,
        properties: &mut Map<String, Value>,
    ) -> Result<(), SpecError> {
        let Some(props) = envelope.schema.get("properties").and_then(Value::as_object) else {
            return Ok(());
        };
        for key in ["errors", "messages"] {
            let Some(list) = props.get(key) else { continue };
            let list_at = envelope.origins.property(at, key);
            let list = self.flatten(&list_at, list)?;
            let Some(items) = list.schema.get("items") else {
                continue;
            };
            let item = self.convert(
                &list.origins.items(&list_at),
                items,
                Naming::explicit(RESPONSE_MESSAGE),
                None,
            )?;
            self.mark(RESPONSE_MESSAGE, EnvelopePart::Message);
            properties.insert(key.into(), json!({ "type": "array", "items": item }));
        }
        if let Some(info) = props.get("result_info") {
            let info = self.convert(
                &envelope.origins.property(at, "result_info"),
                info,
                Naming::explicit(RESULT_INFO),
                None,
            )?;
            self.mark(RESULT_INFO, EnvelopePart::ResultInfo);
            properties.insert("result_info".into(), info);
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

    /// Marks the component `name` as a part of the envelope (see [`ENVELOPE`]).
    fn mark(&mut self, name: &str, part: EnvelopePart) {
        if let Some(component) = self.components.get_mut(name) {
            component
                .schema
                .insert(ENVELOPE.into(), json!(part.as_str()));
        }
    }
}

/// An envelope's own schema, with its already-converted properties and its mark.
fn envelope_model(
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
