//! Reading typed fields out of JSON request bodies, with Cloudflare-style 400s for bad ones.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::envelope::ApiError;
use crate::ids::parse_timestamp;

pub type Object = Map<String, Value>;

/// The body as a JSON object. A missing body counts as `{}` unless the spec requires one.
pub fn object(body: Option<&Value>, required: bool) -> Result<Object, ApiError> {
    match body {
        Some(Value::Object(map)) => Ok(map.clone()),
        Some(_) => Err(ApiError::invalid("request body must be a JSON object")),
        None if required => Err(ApiError::invalid("request body is required")),
        None => Ok(Object::new()),
    }
}

/// Field `name` of `obj`, treating `null` as absent.
fn present<'a>(obj: &'a Object, name: &str) -> Option<&'a Value> {
    obj.get(name).filter(|v| !v.is_null())
}

fn wrong_type(name: &str, expected: &str) -> ApiError {
    ApiError::invalid(format!("field {name} must be {expected}")).at_field(name)
}

pub fn opt_str<'a>(obj: &'a Object, name: &str) -> Result<Option<&'a str>, ApiError> {
    present(obj, name)
        .map(|v| v.as_str().ok_or_else(|| wrong_type(name, "a string")))
        .transpose()
}

pub fn req_str<'a>(obj: &'a Object, name: &str) -> Result<&'a str, ApiError> {
    opt_str(obj, name)?
        .ok_or_else(|| ApiError::invalid(format!("field {name} is required")).at_field(name))
}

/// A required string that is neither empty nor longer than `max` characters.
pub fn name(obj: &Object, field: &str, max: usize) -> Result<String, ApiError> {
    let value = req_str(obj, field)?;
    let len = value.chars().count();
    if len == 0 || len > max {
        return Err(
            ApiError::invalid(format!("field {field} must have 1 to {max} characters"))
                .at_field(field),
        );
    }
    Ok(value.to_owned())
}

pub fn opt_bool(obj: &Object, name: &str) -> Result<Option<bool>, ApiError> {
    present(obj, name)
        .map(|v| v.as_bool().ok_or_else(|| wrong_type(name, "true or false")))
        .transpose()
}

pub fn opt_number(obj: &Object, name: &str) -> Result<Option<f64>, ApiError> {
    present(obj, name)
        .map(|v| v.as_f64().ok_or_else(|| wrong_type(name, "a number")))
        .transpose()
}

pub fn opt_time(obj: &Object, name: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    opt_str(obj, name)?
        .map(|s| parse_timestamp(s).ok_or_else(|| wrong_type(name, "an RFC 3339 date-time")))
        .transpose()
}

pub fn opt_object<'a>(obj: &'a Object, name: &str) -> Result<Option<&'a Object>, ApiError> {
    present(obj, name)
        .map(|v| v.as_object().ok_or_else(|| wrong_type(name, "an object")))
        .transpose()
}

pub fn opt_array<'a>(obj: &'a Object, name: &str) -> Result<Option<&'a Vec<Value>>, ApiError> {
    present(obj, name)
        .map(|v| v.as_array().ok_or_else(|| wrong_type(name, "an array")))
        .transpose()
}
