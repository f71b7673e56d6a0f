//! The envelope models every operation shares, defined here rather than converted from
//! upstream: Cloudflare's products describe their errors and messages in many variants (an error
//! `result` that is an object in one product and an array in another, messages that are objects
//! or plain strings), and a model made from whichever variant came first would change shape, or
//! fail to merge, as operations are added. These are one model per spec, ours.

use serde_json::{Map, Value, json};

use super::schema::SCHEMAS;
use crate::keywords::{ENVELOPE, EnvelopePart};

/// The name of the model of a paginated list's `result_info`.
pub const RESULT_INFO: &str = "ResultInfo";
/// The name of the model of one error or message.
pub const RESPONSE_MESSAGE: &str = "ResponseMessage";
/// The name of the model of every error answer.
pub const ERROR_ENVELOPE: &str = "ErrorEnvelope";
/// The name of the model of a message's `source`.
pub const RESPONSE_MESSAGE_SOURCE: &str = "ResponseMessageSource";

/// Each shared model: its name, its schema and its documentation when the overlay has none.
/// `ResultInfo` says what the hand-written `crate::ResultInfo` reads (counts are whole numbers;
/// upstream says `number` in places).
pub fn models() -> Vec<(&'static str, Map<String, Value>, Option<&'static str>)> {
    let message = json!({ "$ref": format!("{SCHEMAS}{RESPONSE_MESSAGE}") });
    let error = json!({
        "type": "object",
        "required": ["success", "errors"],
        "properties": {
            "errors": { "type": "array", "items": message },
            "messages": { "type": "array", "items": message },
            "result": { "nullable": true, "type": "object" },
            "success": { "enum": [false], "type": "boolean" },
        },
        ENVELOPE: EnvelopePart::Error.as_str(),
    });
    let response_message = json!({
        "type": "object",
        "required": ["code", "message"],
        "properties": {
            "code": { "minimum": 1000, "type": "integer" },
            "documentation_url": { "type": "string" },
            "message": { "type": "string" },
            "path": { "items": { "type": "string" }, "type": "array" },
            "source": { "$ref": format!("{SCHEMAS}{RESPONSE_MESSAGE_SOURCE}") },
        },
        ENVELOPE: EnvelopePart::Message.as_str(),
    });
    let source = json!({
        "type": "object",
        "properties": { "pointer": { "type": "string" } },
    });
    let count = json!({ "type": "integer" });
    let result_info = json!({
        "type": "object",
        "properties": {
            "count": count, "page": count, "per_page": count, "total_count": count, "total_pages": count,
        },
        ENVELOPE: EnvelopePart::ResultInfo.as_str(),
    });
    let object = |v: Value| match v {
        Value::Object(map) => map,
        _ => unreachable!("the shared models are objects"),
    };
    vec![
        (ERROR_ENVELOPE, object(error), None),
        (RESPONSE_MESSAGE, object(response_message), None),
        (RESULT_INFO, object(result_info), None),
        (
            RESPONSE_MESSAGE_SOURCE,
            object(source),
            Some("The `source` field of [`ResponseMessage`]."),
        ),
    ]
}
