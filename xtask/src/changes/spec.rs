//! A trimmed spec as the comparison sees it: operations by id, models by name, and which
//! models requests and responses use.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use serde_json::{Map, Value};

use super::shape::{reachable, ref_name, refs_in};
use crate::keywords::EnvelopePart;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// Whether model `name` is Cloudflare's response framing (marked by the trimmer), which the
/// generator replaces by its own generic envelope: only its `result` matters to the client.
pub fn is_envelope(models: &Map<String, Value>, name: &str) -> bool {
    models
        .get(name)
        .and_then(EnvelopePart::of)
        .is_some_and(EnvelopePart::is_envelope)
}

pub struct Operation<'a> {
    /// Upper case, as in `POST /user/tokens`.
    pub method: String,
    pub path: &'a str,
    pub value: &'a Value,
}

impl<'a> Operation<'a> {
    pub fn route(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    pub fn parameters(&self) -> BTreeMap<&'a str, &'a Value> {
        let list = self.value.get("parameters").and_then(Value::as_array);
        list.into_iter()
            .flatten()
            .filter_map(|p| Some((p.get("name")?.as_str()?, p)))
            .collect()
    }

    /// The JSON schema of the request body, if the operation takes one.
    pub fn body(&self) -> Option<&'a Value> {
        self.value
            .get("requestBody")?
            .pointer("/content/application~1json/schema")
    }

    /// The JSON schema of the first success response with a body.
    fn success_schema(&self) -> Option<&'a Value> {
        let responses = self.value.get("responses")?.as_object()?;
        responses
            .iter()
            .filter(|(status, _)| status.starts_with('2'))
            .find_map(|(_, r)| r.pointer("/content/application~1json/schema"))
    }

    /// What a successful call gives the caller: the envelope's `result` if the response is an
    /// envelope, else the response schema itself. `None` when there is nothing: no body, or an
    /// envelope without `result`.
    pub fn result(&self, models: &'a Map<String, Value>) -> Option<&'a Value> {
        let schema = self.success_schema()?;
        match ref_name(schema).filter(|n| is_envelope(models, n)) {
            Some(envelope) => models.get(envelope)?.pointer("/properties/result"),
            None => Some(schema),
        }
    }
}

pub struct Spec<'a> {
    pub operations: BTreeMap<String, Operation<'a>>,
    pub models: &'a Map<String, Value>,
    /// Models that requests use (bodies and parameters), directly or through other models.
    pub request_models: BTreeSet<String>,
    /// Models that anything uses, requests or responses.
    pub used_models: BTreeSet<String>,
}

/// The models of a spec that has none.
static NO_MODELS: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);

impl<'a> Spec<'a> {
    pub fn read(spec: &'a Value) -> Self {
        let models = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or(&NO_MODELS);
        let mut operations = BTreeMap::new();
        let paths = spec.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flatten() {
            for method in METHODS {
                let Some(value) = item.get(*method) else {
                    continue;
                };
                let method = method.to_ascii_uppercase();
                // Without an operationId the route is the only name there is.
                let id = value
                    .get("operationId")
                    .and_then(Value::as_str)
                    .map_or_else(|| format!("{method} {path}"), String::from);
                operations.insert(
                    id,
                    Operation {
                        method,
                        path,
                        value,
                    },
                );
            }
        }
        let mut request_roots = BTreeSet::new();
        let mut all_roots = BTreeSet::new();
        for op in operations.values() {
            if let Some(body) = op.value.get("requestBody") {
                refs_in(body, &mut request_roots);
            }
            if let Some(parameters) = op.value.get("parameters") {
                refs_in(parameters, &mut request_roots);
            }
            refs_in(op.value, &mut all_roots);
        }
        Spec {
            operations,
            models,
            request_models: reachable(request_roots, models),
            used_models: reachable(all_roots, models),
        }
    }
}
