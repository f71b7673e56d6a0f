//! JSON round trips of every model, with payloads shaped like what Cloudflare sends and accepts.
//!
//! Each model is decoded from JSON, encoded, decoded again and encoded again; the JSON must come
//! back the same (numbers compared as numbers, date-times as instants). What is tried for each
//! model is read from `spec/openapi.json`, so a property added to the spec is exercised without
//! editing this file:
//!
//! - the full payload (`tests/fixtures/models/<Model>.json`, which must set every property);
//! - every optional property left out, and every optional property `null`;
//! - every property the spec requires, left out (decoding must fail);
//! - fields the client does not know (ignored);
//! - every date-time property in each form Cloudflare is known to send;
//! - every enum-valued property with a value added after this client was generated (kept as
//!   `Unknown(…)` and sent back unchanged), and every string enum with each of its values;
//! - every secret property (`x-sensitive`): sent and received verbatim, never in `Debug`.
//!
//! The table in `models!` binds names to Rust types; `every_model_of_the_spec_is_covered` fails
//! when the spec gains a model the table lacks.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use cloudflare_tokens::types;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use cloudflare_tokens_tests::repo::spec;

// ---------------------------------------------------------------------------------------------
// The models.

/// What a decode → encode → decode → encode cycle of one payload gives.
struct Cycled {
    /// The JSON the decoded value encodes to.
    encoded: Value,
    /// The decoded value's `{:?}` and `{:#?}`.
    debug: String,
    pretty_debug: String,
}

fn cycle<T: DeserializeOwned + Serialize + Debug>(input: &Value) -> Result<Cycled, String> {
    let first: T = serde_json::from_value(input.clone()).map_err(|e| format!("decoding: {e}"))?;
    let encoded = serde_json::to_value(&first).map_err(|e| format!("encoding: {e}"))?;
    let second: T = serde_json::from_value(encoded.clone())
        .map_err(|e| format!("decoding its own output {encoded}: {e}"))?;
    let again = serde_json::to_value(&second).map_err(|e| format!("encoding again: {e}"))?;
    if again != encoded {
        return Err(format!(
            "the second round trip changed the JSON:\n  {encoded}\n  {again}"
        ));
    }
    Ok(Cycled {
        encoded,
        debug: format!("{first:?}"),
        pretty_debug: format!("{first:#?}"),
    })
}

struct Model {
    name: &'static str,
    cycle: fn(&Value) -> Result<Cycled, String>,
}

macro_rules! models {
    ($($name:ident),* $(,)?) => {
        /// Every model of the crate, by the name the spec gives it.
        const MODELS: &[Model] = &[
            $(Model { name: stringify!($name), cycle: cycle::<types::$name> },)*
        ];
    };
}

models! {
    Account,
    AccountManagedBy,
    AccountPermissionGroup,
    AccountSettings,
    AccountToken,
    AccountTokenCreate,
    AccountTokenRoll,
    AccountTokenUpdate,
    AccountTokenVerification,
    AccountTokenWithValue,
    AccountType,
    AccountsOrZones,
    AiSearchInstance,
    AiSearchInstanceCreate,
    AiSearchInstanceMetadata,
    AiSearchInstanceUpdate,
    AiSearchJob,
    AiSearchJobSource,
    AiSearchModel,
    AiSearchNamespace,
    AiSearchNamespaceCreate,
    AiSearchNamespacePublicEndpointParams,
    AiSearchNamespaceUpdate,
    AiSearchQuery,
    AiSearchQueryAiSearchOptions,
    AiSearchQueryAiSearchOptionsCache,
    AiSearchQueryAiSearchOptionsQueryRewrite,
    AiSearchQueryAiSearchOptionsQueryRewriteModel,
    AiSearchQueryAiSearchOptionsQueryRewriteModelVariant0,
    AiSearchQueryAiSearchOptionsReranking,
    AiSearchQueryAiSearchOptionsRerankingModel,
    AiSearchQueryAiSearchOptionsRerankingModelVariant0,
    AiSearchQueryAiSearchOptionsRerankingModelVariant1,
    AiSearchQueryAiSearchOptionsRetrieval,
    AiSearchQueryAiSearchOptionsRetrievalRetrievalType,
    AiSearchQueryMessagesItem,
    AiSearchQueryMessagesItemContent,
    AiSearchQueryMessagesItemContentVariant1Item,
    AiSearchQueryMessagesItemContentVariant1ItemVariant0,
    AiSearchQueryMessagesItemContentVariant1ItemVariant0Type,
    AiSearchQueryMessagesItemContentVariant1ItemVariant1,
    AiSearchQueryMessagesItemContentVariant1ItemVariant1ImageUrl,
    AiSearchQueryMessagesItemContentVariant1ItemVariant1Type,
    AiSearchQueryMessagesItemContentVariant1ItemVariant2,
    AiSearchQueryMessagesItemContentVariant1ItemVariant2File,
    AiSearchQueryMessagesItemContentVariant1ItemVariant2Type,
    AiSearchQueryMessagesItemRole,
    AiSearchResults,
    AiSearchResultsChunksItem,
    AiSearchResultsChunksItemItem,
    AiSearchResultsChunksItemScoringDetails,
    AiSearchResultsChunksItemScoringDetailsFusionMethod,
    AiSearchResultsQueryKind,
    AiSearchSourceType,
    AiSearchStats,
    AiSearchStatsEngine,
    AiSearchStatsEngineR2,
    AiSearchStatsEngineVectorize,
    AiSearchToken,
    AiSearchTokenCreate,
    AiSearchTokenUpdate,
    BoostBy,
    BoostByDataType,
    BoostByRequest,
    BoostDirection,
    CacheThreshold,
    ContentSelector,
    CustomMetadataField,
    CustomMetadataType,
    DeletedAccountToken,
    DeletedAiSearchNamespace,
    DeletedUserToken,
    DiscoverSource,
    EmbeddingModel,
    EndpointToggle,
    FusionMethod,
    IndexMethod,
    IndexingOptions,
    InstanceOrderBy,
    KeywordMatchMode,
    KeywordTokenizer,
    McpEndpoint,
    PermissionGroup,
    PermissionGroupCategory,
    PermissionGroupScope,
    PolicyEffect,
    PolicyPermissionGroup,
    PolicyPermissionGroupMeta,
    PolicyResourceValue,
    PublicEndpointParams,
    PublicEndpointRateLimit,
    R2Bucket,
    R2BucketCreate,
    R2BucketJurisdiction,
    R2BucketLocation,
    R2BucketStorageClass,
    RateLimitTechnique,
    RerankingModel,
    RetrievalOptions,
    RetrievalOptionsRequest,
    ServiceToken,
    ServiceTokenCreate,
    ServiceTokenRotate,
    ServiceTokenUpdate,
    ServiceTokenWithSecret,
    SortDirection,
    SourceParams,
    TokenCondition,
    TokenConditionRequestIp,
    TokenPolicy,
    TokenStatus,
    TokenVerification,
    UserToken,
    UserTokenCreate,
    UserTokenRoll,
    UserTokenUpdate,
    UserTokenWithValue,
    WebCrawlerDiscoverOptions,
    WebCrawlerOptions,
    WebCrawlerParseOptions,
    WebCrawlerParseType,
    Zone,
    ZoneFilterMatch,
    ZoneMeta,
    ZoneOrderBy,
    ZoneOwner,
    ZoneParentRef,
    ZonePlan,
    ZoneStatus,
    ZoneTenantUnit,
    ZoneType,
}

// ---------------------------------------------------------------------------------------------
// The spec.

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/models")
}

/// The models the crate should have: every schema except the envelope and its parts, which the
/// hand-written layer defines (asked of the generator itself, so the rule cannot drift).
fn spec_models(spec: &Value) -> BTreeSet<String> {
    let replaced: BTreeSet<String> = xtask::generate::not_generated(spec);
    schemas(spec)
        .keys()
        .filter(|name| !replaced.contains(*name))
        .cloned()
        .collect()
}

fn schemas(spec: &Value) -> &Map<String, Value> {
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .expect("the spec has components/schemas")
}

/// A schema with `$ref` and single-element `allOf` wrappers followed.
fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return resolve(spec, &schemas(spec)[name]);
    }
    if let Some([only]) = schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        return resolve(spec, only);
    }
    schema
}

/// The values of a string enum schema.
fn string_enum(schema: &Value) -> Option<Vec<String>> {
    if schema.get("type").and_then(Value::as_str) != Some("string") {
        return None;
    }
    let values = schema.get("enum")?.as_array()?;
    Some(
        values
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
    )
}

/// A model's shape, as far as these tests care.
enum Shape {
    /// A string enum: its values.
    Enum(Vec<String>),
    /// An object with properties.
    Object(ObjectSchema),
    /// Anything else (a map, a string-or-map): exercised with its fixture only.
    Other,
}

struct ObjectSchema {
    properties: Map<String, Value>,
    required: BTreeSet<String>,
}

impl ObjectSchema {
    fn is_nullable(&self, property: &str) -> bool {
        self.properties[property].get("nullable") == Some(&Value::Bool(true))
    }

    fn optional(&self) -> impl Iterator<Item = &String> {
        self.properties
            .keys()
            .filter(|name| !self.required.contains(*name))
    }
}

fn shape(spec: &Value, name: &str) -> Shape {
    let schema = &schemas(spec)[name];
    if let Some(values) = string_enum(schema) {
        return Shape::Enum(values);
    }
    match schema.get("properties").and_then(Value::as_object) {
        Some(properties) if !properties.is_empty() => Shape::Object(ObjectSchema {
            properties: properties.clone(),
            required: schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        }),
        _ => Shape::Other,
    }
}

fn fixture(name: &str) -> Result<Value, String> {
    let path = fixtures_dir().join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "no fixture {} ({e}): write a realistic payload setting every property",
            path.display()
        )
    })?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))
}

/// Every model with its spec shape and, unless it is a string enum, its full payload.
fn cases() -> Vec<(&'static Model, Shape, Option<Value>)> {
    let spec = spec();
    MODELS
        .iter()
        .map(|model| {
            let shape = shape(&spec, model.name);
            let payload = match shape {
                Shape::Enum(_) => None,
                _ => Some(fixture(model.name).unwrap_or_else(|e| panic!("{}: {e}", model.name))),
            };
            (model, shape, payload)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Comparing JSON.

/// JSON as a reader of it would compare it: numbers as numbers (`10` and `10.0` alike, since a
/// model may hold an integer the spec calls a number), and date-times as instants in one
/// spelling. Nulls stay: a model must not send `null` where it was given nothing.
fn normalise(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), normalise(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(normalise).collect()),
        Value::Number(n) => json!(n.as_f64()),
        Value::String(s) => match DateTime::parse_from_rfc3339(s) {
            Ok(t) => Value::String(
                t.with_timezone(&Utc)
                    .to_rfc3339_opts(SecondsFormat::Nanos, true),
            ),
            Err(_) => value.clone(),
        },
        other => other.clone(),
    }
}

/// Checks that `input` survives the cycle as `expected`.
fn round_trips_as(model: &Model, input: &Value, expected: &Value) -> Result<Cycled, String> {
    let cycled = (model.cycle)(input)?;
    if normalise(&cycled.encoded) != normalise(expected) {
        return Err(format!(
            "the JSON changed:\n  sent     {input}\n  expected {expected}\n  got      {}",
            cycled.encoded
        ));
    }
    Ok(cycled)
}

fn with(payload: &Value, property: &str, value: Value) -> Value {
    let mut changed = payload.clone();
    changed[property] = value;
    changed
}

fn without(payload: &Value, properties: &[&String]) -> Value {
    let mut changed = payload.clone();
    let object = changed.as_object_mut().expect("an object payload");
    for property in properties {
        object.remove(property.as_str());
    }
    changed
}

/// Fails the test with every problem found, one per line.
fn report(what: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{what}: {} problem(s)\n{}",
        problems.len(),
        problems.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Coverage.

#[test]
fn every_model_of_the_spec_is_covered() {
    let spec = spec();
    let expected = spec_models(&spec);
    let covered: BTreeSet<String> = MODELS.iter().map(|m| m.name.to_string()).collect();
    assert_eq!(covered.len(), MODELS.len(), "a model is listed twice");
    let missing: Vec<&String> = expected.difference(&covered).collect();
    let extra: Vec<&String> = covered.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "models in the spec without a round-trip test (add them to `models!` and write \
         tests/fixtures/models/<Model>.json unless they are string enums): {missing:?}; \
         listed but not in the spec: {extra:?}"
    );
}

#[test]
fn fixtures_set_every_property_and_belong_to_a_model() {
    let spec = spec();
    let mut problems = Vec::new();
    for (model, shape, payload) in cases() {
        if let (Shape::Object(schema), Some(payload)) = (&shape, &payload) {
            let Some(object) = payload.as_object() else {
                problems.push(format!("{}: the fixture is not an object", model.name));
                continue;
            };
            let given: BTreeSet<&String> = object.keys().collect();
            let declared: BTreeSet<&String> = schema.properties.keys().collect();
            let unset: Vec<&&String> = declared.difference(&given).collect();
            let unknown: Vec<&&String> = given.difference(&declared).collect();
            if !unset.is_empty() || !unknown.is_empty() {
                problems.push(format!(
                    "{}: the fixture leaves out {unset:?} and sets undeclared {unknown:?}",
                    model.name
                ));
            }
            if let Some((property, _)) = object.iter().find(|(_, v)| v.is_null()) {
                problems.push(format!(
                    "{}: the fixture sets {property} to null; the full payload sets values",
                    model.name
                ));
            }
        }
    }
    let models = spec_models(&spec);
    for entry in std::fs::read_dir(fixtures_dir()).expect("the fixtures directory") {
        let file = entry.expect("a directory entry").file_name();
        let file = file.to_string_lossy();
        let model = file.strip_suffix(".json").unwrap_or(&file);
        if !models.contains(model) {
            problems.push(format!("{file}: no model of that name in the spec"));
        } else if matches!(shape(&spec, model), Shape::Enum(_)) {
            problems.push(format!(
                "{file}: {model} is a string enum; its values come from the spec"
            ));
        }
    }
    report("fixtures", problems);
}

// ---------------------------------------------------------------------------------------------
// Round trips.

#[test]
fn full_payloads_round_trip() {
    let mut problems = Vec::new();
    for (model, _, payload) in cases() {
        if let Some(payload) = payload
            && let Err(e) = round_trips_as(model, &payload, &payload)
        {
            problems.push(format!("{}: {e}", model.name));
        }
    }
    report("full payloads", problems);
}

#[test]
fn optional_properties_can_be_left_out() {
    let mut problems = Vec::new();
    for (model, shape, payload) in cases() {
        if let (Shape::Object(schema), Some(payload)) = (shape, payload) {
            let optional: Vec<&String> = schema.optional().collect();
            let minimal = without(&payload, &optional);
            if let Err(e) = round_trips_as(model, &minimal, &minimal) {
                problems.push(format!(
                    "{} with only {:?}: {e}",
                    model.name, schema.required
                ));
            }
        }
    }
    report("optional properties left out", problems);
}

#[test]
fn optional_properties_can_be_null() {
    let mut problems = Vec::new();
    for (model, shape, payload) in cases() {
        if let (Shape::Object(schema), Some(payload)) = (shape, payload) {
            let optional: Vec<&String> = schema.optional().collect();
            let mut nulls = payload.clone();
            for property in &optional {
                nulls[property.as_str()] = Value::Null;
            }
            // `null` means "not set": it comes back left out, not as `null`.
            let expected = without(&payload, &optional);
            if let Err(e) = round_trips_as(model, &nulls, &expected) {
                problems.push(format!("{}: {e}", model.name));
            }
        }
    }
    report("optional properties null", problems);
}

#[test]
fn properties_the_spec_requires_are_required() {
    let mut problems = Vec::new();
    for (model, shape, payload) in cases() {
        if let (Shape::Object(schema), Some(payload)) = (shape, payload) {
            // A nullable property may be absent whatever `required` says (the generator makes
            // it optional, and so does Cloudflare in practice).
            for property in schema.required.iter().filter(|p| !schema.is_nullable(p)) {
                let input = without(&payload, &[property]);
                if (model.cycle)(&input).is_ok() {
                    problems.push(format!(
                        "{}: decodes without the required {property}",
                        model.name
                    ));
                }
            }
        }
    }
    report("required properties", problems);
}

#[test]
fn properties_the_client_does_not_know_are_ignored() {
    let mut problems = Vec::new();
    for (model, shape, payload) in cases() {
        if let (Shape::Object(_), Some(payload)) = (shape, payload) {
            let mut newer = payload.clone();
            let object = newer.as_object_mut().expect("an object payload");
            object.insert(
                "zero_trust_posture".into(),
                json!({"device_checks": ["disk_encryption", "firewall"], "required": true}),
            );
            object.insert("beta_features".into(), json!(["early-access"]));
            object.insert("revision".into(), json!(7));
            if let Err(e) = round_trips_as(model, &newer, &payload) {
                problems.push(format!("{}: {e}", model.name));
            }
        }
    }
    report("unknown properties", problems);
}

// ---------------------------------------------------------------------------------------------
// Date-times.

/// Date-times in the forms Cloudflare's services and documentation use, with the instant each
/// means (see `generated/src/tolerant.rs`).
const DATE_TIMES: &[(&str, &str)] = &[
    (r#""2026-03-01T12:00:00Z""#, "2026-03-01T12:00:00Z"),
    (
        r#""2014-01-01T05:20:00.12345Z""#,
        "2014-01-01T05:20:00.12345Z",
    ),
    (
        r#""2025-08-12T20:32:52.469144957+00:00""#,
        "2025-08-12T20:32:52.469144957Z",
    ),
    (
        r#""2019-10-24T17:09:42.883908+01:00""#,
        "2019-10-24T16:09:42.883908Z",
    ),
    (r#""2026-03-01T04:00:00-08:00""#, "2026-03-01T12:00:00Z"),
    (r#""2023-07-16 15:00:00+00""#, "2023-07-16T15:00:00Z"),
    (r#""2023-07-16T17:00:00+0200""#, "2023-07-16T15:00:00Z"),
    (r#""2014-01-01 05:20:00 +0000 UTC""#, "2014-01-01T05:20:00Z"),
    (r#""2021-09-17T20:34:01.000000""#, "2021-09-17T20:34:01Z"),
    (r#""2024-06-03 14:00:00""#, "2024-06-03T14:00:00Z"),
    (r#""2022-03-02""#, "2022-03-02T00:00:00Z"),
    (r#""0001-01-01T00:00:00Z""#, "0001-01-01T00:00:00Z"),
    ("1700000000", "2023-11-14T22:13:20Z"),
    ("1700000000.25", "2023-11-14T22:13:20.25Z"),
];

fn date_time_properties<'a>(spec: &'a Value, schema: &'a ObjectSchema) -> Vec<&'a String> {
    schema
        .properties
        .iter()
        .filter(|(_, p)| {
            resolve(spec, p).get("format").and_then(Value::as_str) == Some("date-time")
        })
        .map(|(name, _)| name)
        .collect()
}

#[test]
fn date_times_are_read_in_every_form_cloudflare_uses() {
    let spec = spec();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (model, shape, payload) in cases() {
        let (Shape::Object(schema), Some(payload)) = (shape, payload) else {
            continue;
        };
        for property in date_time_properties(&spec, &schema) {
            for (text, instant) in DATE_TIMES {
                checked += 1;
                let sent: Value = serde_json::from_str(text).expect("a JSON literal");
                let expected: DateTime<Utc> = instant.parse().expect("an RFC 3339 instant");
                let got = (model.cycle)(&with(&payload, property, sent)).and_then(|cycled| {
                    let encoded = cycled.encoded[property.as_str()].clone();
                    encoded
                        .as_str()
                        .and_then(|s| s.parse::<DateTime<Utc>>().ok())
                        .ok_or_else(|| format!("encoded as {encoded}, not an RFC 3339 string"))
                });
                match got {
                    Ok(t) if t == expected => {}
                    Ok(t) => problems.push(format!(
                        "{}.{property} = {text}: read as {t}, not {expected}",
                        model.name
                    )),
                    Err(e) => problems.push(format!("{}.{property} = {text}: {e}", model.name)),
                }
            }
            // Something that is no date-time is an error, not a silent `None`.
            if (model.cycle)(&with(&payload, property, json!("next tuesday"))).is_ok() {
                problems.push(format!(
                    "{}.{property}: accepts \"next tuesday\" as a date-time",
                    model.name
                ));
            }
        }
    }
    assert!(
        checked > 0,
        "the spec has no date-time properties any more?"
    );
    report("date-times", problems);
}

// ---------------------------------------------------------------------------------------------
// Enums.

/// A value Cloudflare might add to any enum after this client was generated.
const NEW_VALUE: &str = "added_in_2027";

#[test]
fn string_enums_read_and_write_every_value_and_keep_unknown_ones() {
    let mut problems = Vec::new();
    for (model, shape, _) in cases() {
        let Shape::Enum(values) = shape else {
            continue;
        };
        let mut variants = BTreeMap::new();
        for value in &values {
            match round_trips_as(model, &json!(value), &json!(value)) {
                Ok(cycled) if cycled.debug.starts_with("Unknown(") => problems.push(format!(
                    "{}: the documented value {value:?} decodes as {}",
                    model.name, cycled.debug
                )),
                Ok(cycled) => {
                    if let Some(other) = variants.insert(cycled.debug.clone(), value) {
                        problems.push(format!(
                            "{}: {value:?} and {other:?} both decode as {}",
                            model.name, cycled.debug
                        ));
                    }
                }
                Err(e) => problems.push(format!("{} {value:?}: {e}", model.name)),
            }
        }
        match round_trips_as(model, &json!(NEW_VALUE), &json!(NEW_VALUE)) {
            Ok(cycled) if cycled.debug == format!("Unknown({NEW_VALUE:?})") => {}
            Ok(cycled) => problems.push(format!(
                "{}: a new value decodes as {}, not Unknown",
                model.name, cycled.debug
            )),
            Err(e) => problems.push(format!("{} {NEW_VALUE:?}: {e}", model.name)),
        }
    }
    report("string enums", problems);
}

#[test]
fn enum_properties_keep_values_added_later() {
    let spec = spec();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (model, shape, payload) in cases() {
        let (Shape::Object(schema), Some(payload)) = (shape, payload) else {
            continue;
        };
        for (property, declared) in &schema.properties {
            let declared = resolve(&spec, declared);
            let newer = if string_enum(declared).is_some() {
                json!(NEW_VALUE)
            } else if declared.get("type").and_then(Value::as_str) == Some("array")
                && let Some(values) = string_enum(resolve(&spec, &declared["items"]))
            {
                json!([values[0], NEW_VALUE])
            } else {
                continue;
            };
            checked += 1;
            let input = with(&payload, property, newer);
            match round_trips_as(model, &input, &input) {
                Ok(cycled) if cycled.debug.contains(&format!("Unknown({NEW_VALUE:?})")) => {}
                Ok(cycled) => problems.push(format!(
                    "{}.{property}: the new value is not kept as Unknown: {}",
                    model.name, cycled.debug
                )),
                Err(e) => problems.push(format!("{}.{property}: {e}", model.name)),
            }
        }
    }
    assert!(checked > 0, "the spec has no enum properties any more?");
    report("enum properties", problems);
}

#[test]
fn policy_resources_are_a_wildcard_or_a_nested_map() {
    let model = MODELS
        .iter()
        .find(|m| m.name == "PolicyResourceValue")
        .expect("listed");
    let wildcard = round_trips_as(model, &json!("*"), &json!("*")).expect("a wildcard");
    assert_eq!(wildcard.debug, r#"String("*")"#);
    let zones = fixture("PolicyResourceValue").expect("the fixture");
    let nested = round_trips_as(model, &zones, &zones).expect("a map of zones");
    assert!(nested.debug.starts_with("Object("), "{}", nested.debug);
}

#[test]
fn the_roll_body_is_an_empty_object() {
    // Rolling a token takes an empty JSON object; the model has nothing to set.
    let body = types::UserTokenRoll::default();
    assert_eq!(serde_json::to_string(&body).unwrap(), "{}");
    let model = MODELS
        .iter()
        .find(|m| m.name == "UserTokenRoll")
        .expect("listed");
    round_trips_as(model, &json!({}), &json!({})).expect("an empty object");
}

// ---------------------------------------------------------------------------------------------
// Secrets.

/// Every `(model, property)` the spec marks `x-sensitive`.
fn sensitive_properties(spec: &Value) -> BTreeSet<(String, String)> {
    let models = spec_models(spec);
    let mut found = BTreeSet::new();
    for (name, schema) in schemas(spec) {
        if !models.contains(name) {
            continue;
        }
        for (property, declared) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if declared.get("x-sensitive") == Some(&Value::Bool(true)) {
                found.insert((name.clone(), property.clone()));
            }
        }
    }
    found
}

#[test]
fn secrets_travel_verbatim_but_never_print() {
    let spec = spec();
    let sensitive = sensitive_properties(&spec);
    // The secrets users handle: if the spec stops marking one, it would print in logs.
    for (model, property) in [
        ("UserTokenWithValue", "value"),
        ("ServiceTokenWithSecret", "client_secret"),
        ("AiSearchTokenCreate", "cf_api_key"),
        ("AiSearchTokenUpdate", "cf_api_key"),
    ] {
        assert!(
            sensitive.contains(&(model.to_string(), property.to_string())),
            "{model}.{property} is no longer marked x-sensitive in the spec"
        );
    }
    // Every secret of every fixture: none may show in any model's Debug, nested or not.
    let secrets: BTreeSet<String> = sensitive
        .iter()
        .filter_map(|(model, property)| {
            let payload = fixture(model).unwrap_or_else(|e| panic!("{model}: {e}"));
            payload.get(property)?.as_str().map(str::to_string)
        })
        .collect();
    assert!(!secrets.is_empty(), "the fixtures set no secrets");
    let mut problems = Vec::new();
    for (model, _, payload) in cases() {
        let Some(payload) = payload else { continue };
        let cycled = match (model.cycle)(&payload) {
            Ok(cycled) => cycled,
            Err(e) => {
                problems.push(format!("{}: {e}", model.name));
                continue;
            }
        };
        for (owner, property) in &sensitive {
            if owner == model.name {
                // On the wire the secret is the plain string it was.
                if cycled.encoded.get(property) != payload.get(property) {
                    problems.push(format!(
                        "{}.{property}: sent as {:?}, not as received",
                        model.name,
                        cycled.encoded.get(property)
                    ));
                }
                if !cycled.debug.contains("[REDACTED]") {
                    problems.push(format!("{}: Debug shows no redacted secret", model.name));
                }
            }
        }
        for secret in &secrets {
            if cycled.debug.contains(secret.as_str())
                || cycled.pretty_debug.contains(secret.as_str())
            {
                problems.push(format!("{}: Debug shows the secret {secret:?}", model.name));
            }
        }
    }
    report("secrets", problems);
}

#[test]
fn a_rolled_token_value_never_prints() {
    // `user_tokens_roll` answers with the new value as the whole `result`: the generator gives
    // that envelope the type `Envelope<Secret>`.
    let value = "Qw8Er5Ty2Ui9Op3As6Df1Gh4Jk7Lz0Xc5Vb8Nm2P";
    let body = json!({"success": true, "errors": [], "messages": [], "result": value});
    let envelope: cloudflare_tokens::Envelope<cloudflare_tokens::Secret> =
        serde_json::from_value(body).expect("the roll response decodes");
    let secret = envelope.result.as_ref().expect("a result");
    assert_eq!(secret.expose_secret(), value);
    for text in [
        format!("{envelope:?}"),
        format!("{envelope:#?}"),
        format!("{secret}"),
    ] {
        assert!(!text.contains(value), "{text}");
    }
    let encoded = serde_json::to_value(&envelope).unwrap();
    assert_eq!(encoded["result"], json!(value));
}
