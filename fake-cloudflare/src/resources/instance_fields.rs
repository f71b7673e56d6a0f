//! The settings of an AI Search instance a create or update body may carry, with the checks the
//! spec states for each, and the values a new instance starts from.

use serde_json::{Value, json};

use crate::envelope::ApiError;
use crate::fields::Object;

/// What a setting's value must look like.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Str,
    Bool,
    Object,
    Array { max: usize },
    OneOf(&'static [&'static str]),
    IntIn(&'static [i64]),
    Int { min: i64, max: i64 },
    Num { min: f64, max: f64 },
}

/// In which bodies a setting may appear.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum In {
    Both,
    Create,
    Update,
}

struct Setting {
    name: &'static str,
    kind: Kind,
    nullable: bool,
    allowed_in: In,
}

const fn s(name: &'static str, kind: Kind, nullable: bool, allowed_in: In) -> Setting {
    Setting {
        name,
        kind,
        nullable,
        allowed_in,
    }
}

const CACHE_TTLS: &[i64] = &[
    600, 1800, 3600, 7200, 21600, 43200, 86400, 172800, 259200, 518400,
];
const SYNC_INTERVALS: &[i64] = &[900, 1800, 3600, 7200, 14400, 21600, 43200, 86400];

// `id` and `token_id` are checked by the handlers, which know the other instances and tokens.
// `namespace` is not in the spec's create body; the fake takes it so that the list's
// `namespace` filter has something to match.
const SETTINGS: &[Setting] = &[
    s("ai_gateway_id", Kind::Str, true, In::Both),
    s("ai_search_model", Kind::Str, true, In::Both),
    s("cache", Kind::Bool, false, In::Both),
    s(
        "cache_threshold",
        Kind::OneOf(&[
            "super_strict_match",
            "close_enough",
            "flexible_friend",
            "anything_goes",
        ]),
        false,
        In::Both,
    ),
    s("cache_ttl", Kind::IntIn(CACHE_TTLS), false, In::Both),
    s("chunk", Kind::Bool, false, In::Both),
    s(
        "chunk_overlap",
        Kind::Int { min: 0, max: 30 },
        false,
        In::Both,
    ),
    s(
        "chunk_size",
        Kind::Int {
            min: 64,
            max: i64::MAX,
        },
        false,
        In::Both,
    ),
    s("custom_metadata", Kind::Array { max: 5 }, false, In::Both),
    s("embedding_model", Kind::Str, true, In::Both),
    s(
        "fusion_method",
        Kind::OneOf(&["max", "rrf"]),
        false,
        In::Both,
    ),
    s("hybrid_search_enabled", Kind::Bool, false, In::Create),
    s("index_method", Kind::Object, false, In::Both),
    s("indexing_options", Kind::Object, true, In::Both),
    s(
        "max_num_results",
        Kind::Int { min: 1, max: 50 },
        false,
        In::Both,
    ),
    s("metadata", Kind::Object, false, In::Both),
    s("namespace", Kind::Str, true, In::Create),
    s("paused", Kind::Bool, false, In::Update),
    s("public_endpoint_params", Kind::Object, false, In::Both),
    s("reranking", Kind::Bool, false, In::Both),
    s("reranking_model", Kind::Str, true, In::Both),
    s("retrieval_options", Kind::Object, true, In::Both),
    s("rewrite_model", Kind::Str, true, In::Both),
    s("rewrite_query", Kind::Bool, false, In::Both),
    s(
        "score_threshold",
        Kind::Num { min: 0.0, max: 1.0 },
        false,
        In::Both,
    ),
    s("source", Kind::Str, true, In::Both),
    s("source_params", Kind::Object, true, In::Both),
    s("summarization", Kind::Bool, false, In::Update),
    s("summarization_model", Kind::Str, true, In::Update),
    s(
        "sync_interval",
        Kind::IntIn(SYNC_INTERVALS),
        false,
        In::Both,
    ),
    s("system_prompt_ai_search", Kind::Str, true, In::Update),
    s(
        "system_prompt_index_summarization",
        Kind::Str,
        true,
        In::Update,
    ),
    s("system_prompt_rewrite_query", Kind::Str, true, In::Update),
    s(
        "type",
        Kind::OneOf(&["r2", "web-crawler"]),
        true,
        In::Create,
    ),
];

fn check(setting: &Setting, value: &Value) -> Result<(), String> {
    if value.is_null() {
        return if setting.nullable {
            Ok(())
        } else {
            Err("must not be null".to_owned())
        };
    }
    let ok = match setting.kind {
        Kind::Str => value.is_string(),
        Kind::Bool => value.is_boolean(),
        Kind::Object => value.is_object(),
        Kind::Array { max } => match value.as_array() {
            Some(items) if items.len() > max => {
                return Err(format!("must have at most {max} items"));
            }
            Some(_) => true,
            None => false,
        },
        Kind::OneOf(allowed) => match value.as_str() {
            Some(v) if allowed.contains(&v) => true,
            _ => return Err(format!("must be one of {allowed:?}")),
        },
        Kind::IntIn(allowed) => match value.as_i64() {
            Some(v) if allowed.contains(&v) => true,
            _ => return Err(format!("must be one of {allowed:?}")),
        },
        Kind::Int { min, max } => match value.as_i64() {
            Some(v) if (min..=max).contains(&v) => true,
            Some(_) if max == i64::MAX => return Err(format!("must be at least {min}")),
            Some(_) => return Err(format!("must be between {min} and {max}")),
            None => false,
        },
        Kind::Num { min, max } => match value.as_f64() {
            Some(v) if (min..=max).contains(&v) => true,
            Some(_) => return Err(format!("must be between {min} and {max}")),
            None => false,
        },
    };
    if ok {
        Ok(())
    } else {
        Err(format!("has the wrong type ({:?} expected)", setting.kind))
    }
}

/// The settings of `body` a create (`creating`) or an update may carry, checked. Fields the
/// operation does not know are left out, as the real API drops them.
pub fn settings(body: &Object, creating: bool) -> Result<Object, ApiError> {
    let mut out = Object::new();
    for setting in SETTINGS {
        let allowed = match setting.allowed_in {
            In::Both => true,
            In::Create => creating,
            In::Update => !creating,
        };
        if let (true, Some(value)) = (allowed, body.get(setting.name)) {
            check(setting, value)
                .map_err(|why| ApiError::invalid(format!("field {} {why}", setting.name)))?;
            out.insert(setting.name.to_owned(), value.clone());
        }
    }
    Ok(out)
}

/// What a new instance has before its create body is applied: the spec's defaults.
pub fn defaults() -> Object {
    let v = json!({
        "cache": true,
        "cache_threshold": "close_enough",
        "cache_ttl": 172800,
        "chunk": true,
        "chunk_overlap": 10,
        "chunk_size": 256,
        "custom_metadata": [],
        "metadata": {},
        "namespace": "default",
        "public_endpoint_params": {},
        "enable": true,
        "engine_version": 3,
        "fusion_method": "rrf",
        "hybrid_search_enabled": false,
        "index_method": { "keyword": false, "vector": true },
        "max_num_results": 10,
        "paused": false,
        "reranking": false,
        "rewrite_query": false,
        "score_threshold": 0.4,
        "status": "waiting",
        "summarization": false,
        "sync_interval": 21600,
        "last_activity": null,
    });
    match v {
        Value::Object(map) => map,
        _ => Object::new(),
    }
}

/// The fields the list's schema requires although they may be null: an instance that has none
/// is listed with `null` for each (the single-instance answers leave them out).
const LISTED_NULLABLE: &[&str] = &[
    "ai_gateway_id",
    "ai_search_model",
    "cache_threshold",
    "created_by",
    "embedding_model",
    "indexing_options",
    "last_activity",
    "modified_by",
    "public_endpoint_id",
    "reranking_model",
    "retrieval_options",
    "rewrite_model",
    "source",
    "source_params",
    "summarization_model",
    "system_prompt_ai_search",
    "system_prompt_index_summarization",
    "system_prompt_rewrite_query",
    "token_id",
    "type",
];

/// Fields the single-instance answers' schemas do not let be null: left out when null.
const NEVER_NULL_IN_ONE: &[&str] = &[
    "token_id",
    "cache_threshold",
    "chunk_size",
    "chunk_overlap",
    "score_threshold",
    "max_num_results",
    "public_endpoint_params",
    "metadata",
    "custom_metadata",
];

/// An instance as the list shows it: every field the list's schema requires.
pub fn listed(fields: &Object) -> Value {
    let mut out = fields.clone();
    for name in LISTED_NULLABLE {
        out.entry(name.to_string()).or_insert(Value::Null);
    }
    Value::Object(out)
}

/// An instance as get, create, update and delete show it.
pub fn single(fields: &Object) -> Value {
    let mut out = fields.clone();
    out.retain(|name, value| !(value.is_null() && NEVER_NULL_IN_ONE.contains(&name.as_str())));
    Value::Object(out)
}
