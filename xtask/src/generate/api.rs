//! What the generator needs to know about the trimmed spec beyond what progenitor does: each
//! operation's area, parameters, result and permissions, and the area each model belongs to.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result};
use serde_json::Value;

use crate::overlay::Role;
use crate::trim::SCHEMAS;

/// The area of models used by operations of more than one area.
pub const SHARED: &str = "shared";

#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    pub location: String,
    pub required: bool,
    /// What the parameter is to the client, as the overlay declares it (`x-role`).
    pub role: Option<Role>,
    /// The largest value the spec allows, if it says.
    pub maximum: Option<u64>,
    /// Its schema, for its doc line.
    pub schema: Value,
    /// Its description in the spec, if any.
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub id: String,
    pub method: String,
    pub path: String,
    pub area: String,
    pub doc: String,
    /// In the order progenitor's method takes them: path parameters in path order, then query
    /// parameters by name, then headers by name.
    pub parameters: Vec<Parameter>,
    /// Whether the operation takes a request body (progenitor's last argument).
    pub has_body: bool,
    /// Whether that body is a model without fields (rolling a token's value): the client sends
    /// it without asking callers for it.
    pub body_is_empty: bool,
    /// The envelope model of the success response (empty when it is not an envelope around a
    /// result: see `answer`).
    pub envelope: String,
    /// What the success response carries.
    pub answer: super::shape::Answer,
    /// Whether `result` is a list.
    pub is_list: bool,
    pub permissions: Vec<String>,
    pub token_groups: Vec<String>,
}

impl Operation {
    /// The parameter that plays `role`, if any.
    pub fn with_role(&self, role: Role) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.role == Some(role))
    }

    /// Lists with a page number and a page size can be streamed page by page.
    pub fn is_paged(&self) -> bool {
        self.is_list
            && self.with_role(Role::Page).is_some()
            && self.with_role(Role::PerPage).is_some()
    }

    /// The largest page size the API accepts, for lists that page.
    pub fn max_per_page(&self) -> Option<u64> {
        self.with_role(Role::PerPage)?.maximum
    }

    /// The largest page number the API accepts, where the spec sets one.
    pub fn max_page(&self) -> Option<u64> {
        self.with_role(Role::Page)?.maximum
    }
}

pub struct Api {
    pub operations: Vec<Operation>,
    /// Model name (the spec's, and the Rust one) → area (or [`SHARED`]).
    pub model_areas: BTreeMap<String, String>,
    /// The areas: those of the operations, and [`SHARED`].
    pub areas: BTreeSet<String>,
}

impl Api {
    pub fn read(spec: &Value) -> Result<Self> {
        let schemas = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .context("the spec has no components/schemas")?;
        let paths = spec
            .get("paths")
            .and_then(Value::as_object)
            .context("the spec has no paths")?;
        let mut operations = Vec::new();
        // A model belongs to the area of the operations that reach it, or is shared.
        let mut reached: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (path, item) in paths {
            for (method, op) in item.as_object().into_iter().flatten() {
                let operation = read_operation(path, method, op, schemas)?;
                let mut seen = BTreeSet::new();
                collect_refs(op, schemas, &mut seen);
                for model in seen {
                    reached
                        .entry(model)
                        .or_default()
                        .insert(operation.area.clone());
                }
                operations.push(operation);
            }
        }
        operations.sort_by(|a, b| a.id.cmp(&b.id));

        // By the spec's name and by the Rust name typify gives it (they differ for names like
        // `SR2Bucket`, which becomes `Sr2Bucket`).
        let model_areas = schemas
            .keys()
            .flat_map(|name| {
                let areas = reached.get(name);
                let area = match areas {
                    Some(a) if a.len() == 1 => a.iter().next().cloned().unwrap_or_default(),
                    _ => SHARED.to_string(),
                };
                [(super::rust_name(name), area.clone()), (name.clone(), area)]
            })
            .collect();
        let mut areas: BTreeSet<String> = operations.iter().map(|o| o.area.clone()).collect();
        areas.insert(SHARED.to_string());
        Ok(Self {
            operations,
            model_areas,
            areas,
        })
    }
}

fn read_operation(
    path: &str,
    method: &str,
    op: &Value,
    schemas: &serde_json::Map<String, Value>,
) -> Result<Operation> {
    let id = op["operationId"]
        .as_str()
        .with_context(|| format!("{} {path} has no operationId", method.to_uppercase()))?
        .to_string();
    let area = op["tags"][0]
        .as_str()
        .with_context(|| format!("operation {id} has no area tag"))?
        .to_string();
    let mut parameters: Vec<Parameter> = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| Parameter {
            name: p["name"].as_str().unwrap_or_default().to_string(),
            location: p["in"].as_str().unwrap_or_default().to_string(),
            required: p["required"] == Value::Bool(true),
            role: Role::of(p),
            maximum: p["schema"]["maximum"].as_u64(),
            schema: p["schema"].clone(),
            description: p["description"].as_str().map(str::to_string),
        })
        .collect();
    // progenitor's order (its `sort_params`), so that its method's arguments line up with these.
    parameters.sort_by_key(|p| {
        let rank = match p.location.as_str() {
            "path" => 0,
            "query" => 1,
            _ => 2,
        };
        let position = match rank {
            0 => path.find(&format!("{{{}}}", p.name)).unwrap_or(usize::MAX),
            _ => 0,
        };
        (rank, position, p.name.clone())
    });
    let success = op["responses"]
        .as_object()
        .and_then(super::shape::primary_success)
        .map(|(_, r)| r);
    let answer = super::shape::Answer::of(&id, success, schemas)?;
    let (envelope, is_list) = match &answer {
        super::shape::Answer::Envelope { model, is_list } => (model.clone(), *is_list),
        _ => (String::new(), false),
    };
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    };
    let body_model = op
        .pointer("/requestBody/content/application~1json/schema/$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(SCHEMAS))
        .and_then(|name| schemas.get(name));
    // Only a plain object with nothing in it: a union, a map or an untyped schema has a form
    // the caller must choose (and typify gives it no `Default`).
    let body_is_empty = body_model.is_some_and(|model| {
        model.get("type").and_then(Value::as_str) == Some("object")
            && ["oneOf", "anyOf", "allOf"]
                .iter()
                .all(|keyword| model.get(*keyword).is_none())
            && model
                .get("additionalProperties")
                .is_none_or(|extra| extra == &Value::Bool(false))
            && model
                .get("properties")
                .and_then(Value::as_object)
                .is_none_or(|p| p.is_empty())
    });
    Ok(Operation {
        body_is_empty,
        doc: op["description"].as_str().unwrap_or_default().to_string(),
        method: method.to_uppercase(),
        path: path.to_string(),
        area,
        parameters,
        has_body: op.get("requestBody").is_some(),
        envelope,
        answer,
        is_list,
        permissions: strings(&op["x-cfPermissionsRequired"]["enum"]),
        token_groups: strings(&op["x-api-token-group"]),
        id,
    })
}

/// Every model `value` refers to, directly or through other models.
fn collect_refs(
    value: &Value,
    schemas: &serde_json::Map<String, Value>,
    seen: &mut BTreeSet<String>,
) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if key == "$ref" {
                    if let Some(name) = inner.as_str().and_then(|r| r.strip_prefix(SCHEMAS))
                        && seen.insert(name.to_string())
                        && let Some(schema) = schemas.get(name)
                    {
                        collect_refs(schema, schemas, seen);
                    }
                } else {
                    collect_refs(inner, schemas, seen);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, schemas, seen)),
        _ => {}
    }
}
