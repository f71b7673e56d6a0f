//! An operation's responses: what its success answers carry, and one error envelope for the
//! rest. A success answer is one of:
//!
//! - Cloudflare's envelope around a `result` (most of the API): `<Result>Envelope`, marked
//!   `x-envelope: success`;
//! - the envelope without a `result` (many deletes): marked the same, with no `result`;
//! - a bare JSON body (no envelope): the overlay's `result` model itself;
//! - a body that is not JSON (a file, a text): kept as binary, under upstream's media type;
//! - no body.
//!
//! An operation that documents no success gets `2XX` with a body that is not JSON.
//! Every error status answers our error envelope ([`super::ERROR_ENVELOPE`]); an operation that
//! documents no error gets it for `4XX`, since every Cloudflare error is one.

use serde_json::{Map, Value, json};

use super::operation::envelope_model;
use super::schema::{Naming, Schemas};
use crate::keywords::EnvelopePart;
use crate::load::{Limitation, SpecError};
use crate::overlay;
use crate::pointer::Pointer;

/// What the success answers of our operations say, as the generator reads them back.
pub const BARE: &str = "Success: the result itself, without an envelope.";
pub const NO_RESULT: &str = "Success: Cloudflare's envelope, without a result.";
pub const RAW: &str = "Success: a body that is not JSON.";
pub const EMPTY: &str = "Success, with no body.";

impl<'a> Schemas<'a> {
    pub(super) fn responses(
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
            if status == "101" {
                return Err(self
                    .error(
                        &at.join(status),
                        "answers `101`: it switches the connection to another protocol (a \
                     WebSocket), which a client of requests and responses cannot speak",
                    )
                    .limitation(Limitation::ProtocolUpgrade));
            }
            let (r_at, response) = self.deref(&at.join(status), response)?;
            if !status.starts_with('2') {
                let schema = self.error_envelope();
                out.insert(
                    status.clone(),
                    json!({
                        "description": "Failure: Cloudflare's envelope with the errors.",
                        "content": { "application/json": { "schema": schema } },
                    }),
                );
                continue;
            }
            let converted = self.success(op, &r_at, response)?;
            out.insert(status.clone(), converted);
        }
        if !out.keys().any(|status| status.starts_with('2')) {
            // Upstream documents only failures; whatever a success carries is read as bytes.
            out.insert(
                "2XX".into(),
                json!({ "description": RAW, "content": { "*/*": { "schema": { "type": "string", "format": "binary" } } } }),
            );
        }
        if !out.keys().any(|status| !status.starts_with('2')) {
            let schema = self.error_envelope();
            out.insert(
                "4XX".into(),
                json!({
                    "description": "Failure: Cloudflare's envelope with the errors.",
                    "content": { "application/json": { "schema": schema } },
                }),
            );
        }
        Ok(Value::Object(out))
    }

    fn success(
        &mut self,
        op: &overlay::Operation,
        at: &Pointer,
        response: &'a Value,
    ) -> Result<Value, SpecError> {
        let content = response.get("content").and_then(Value::as_object);
        let json_type = content.into_iter().flatten().find(|(media, _)| {
            *media == "application/json" || media.starts_with("application/json;")
        });
        if let Some((media, body)) = json_type
            && let Some(schema) = body.get("schema")
        {
            let schema_at = at.join("content").join(media).join("schema");
            let flat = self.flatten(&schema_at, schema)?;
            let props = flat.schema.get("properties").and_then(Value::as_object);
            let has = |key: &str| props.is_some_and(|p| p.contains_key(key));
            let (description, schema) = if has("result") {
                (
                    "Success: Cloudflare's envelope around the result.",
                    self.envelope(op, &schema_at, schema)?,
                )
            } else if has("success") && (has("errors") || has("messages")) {
                (
                    NO_RESULT,
                    self.envelope_without_result(op, &schema_at, &flat)?,
                )
            } else {
                let naming = Naming::explicit(op.result.as_str());
                (BARE, self.convert(&schema_at, schema, naming, None)?)
            };
            return Ok(json!({
                "description": description,
                "content": { "application/json": { "schema": schema } },
            }));
        }
        // A JSON media type without a schema says as little as any other body: bytes.
        if let Some((media, _)) = json_type.or_else(|| content.into_iter().flatten().next()) {
            return Ok(json!({
                "description": RAW,
                "content": { media.as_str(): { "schema": { "type": "string", "format": "binary" } } },
            }));
        }
        Ok(json!({ "description": EMPTY }))
    }

    fn envelope_without_result(
        &mut self,
        op: &overlay::Operation,
        at: &Pointer,
        envelope: &super::schema::Flat,
    ) -> Result<Value, SpecError> {
        let mut properties = Map::new();
        self.envelope_common(at, envelope, &mut properties)?;
        let naming = Naming {
            name: format!("{}Envelope", op.result),
            explicit: true,
            fallback_doc: Some("Cloudflare's response envelope, without a result.".into()),
        };
        let model = envelope_model(&envelope.schema, properties, EnvelopePart::Success);
        self.register_converted(at, model, &naming)
    }
}
