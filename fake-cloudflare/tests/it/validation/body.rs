//! Request bodies: for every operation with one, a request breaking each kind of rule its
//! schema has, and the least valid body, which gets past the checks.

use serde_json::Value;
use test_support::fake::http::Api;

use super::schema::{RULES, Rule, breaking, fields, full, set, valid};
use super::{SpecOperation, assert_refused, operations};

/// The body schema of `op`, and whether the spec requires a body.
fn body_schema(op: &SpecOperation) -> Option<(Value, bool)> {
    let body = op.operation.get("requestBody")?;
    let schema = body["content"]["application/json"]["schema"].clone();
    Some((schema, body["required"] == true))
}

/// A path as the message names it: `policies[0].effect`.
fn dotted(path: &[String]) -> String {
    let mut out = String::new();
    for key in path {
        if key.parse::<usize>().is_ok() {
            out.push_str(&format!("[{key}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(key);
        }
    }
    out
}

fn error_path(op: &SpecOperation, at: &[String]) -> Option<Vec<String>> {
    op.ai_search.then(|| {
        let mut path = vec!["body".to_owned()];
        path.extend(at.iter().cloned());
        path
    })
}

#[tokio::test]
async fn each_kind_of_rule_broken_in_each_body_is_refused_naming_the_field() {
    let api = Api::start().await;
    let mut broken: Vec<(String, Rule)> = Vec::new();
    for op in operations() {
        let Some((schema, required)) = body_schema(&op) else {
            continue;
        };
        if required {
            let answer = api.call(op.method.clone(), &op.path, None).await;
            let case = format!("{} without a body", op.id);
            let path = error_path(&op, &[]);
            assert_refused(&answer, "request body is required", path.as_deref(), &case);
        }
        let candidates = fields(&schema);
        for &rule in RULES {
            let Some((at, value)) = candidates.iter().find_map(|f| breaking(rule, f)) else {
                continue;
            };
            let mut body = valid(&schema);
            match value {
                Some(value) => set(&mut body, &schema, &at, value),
                None => {
                    let (name, parent) = at.split_last().expect("a field");
                    let parent_schema = candidates
                        .iter()
                        .find(|f| f.path == parent)
                        .expect("the parent is a field");
                    let mut least = valid(&Value::Object(parent_schema.schema.clone()));
                    least.as_object_mut().expect("an object").remove(name);
                    set(&mut body, &schema, parent, least);
                }
            }
            let case = format!("{} {rule:?} at {} in {body}", op.id, dotted(&at));
            let answer = api.call(op.method.clone(), &op.path, Some(body)).await;
            let path = error_path(&op, &at);
            assert_refused(
                &answer,
                &format!("{}: ", dotted(&at)),
                path.as_deref(),
                &case,
            );
            broken.push((op.id.clone(), rule));
        }
    }
    let with_body = operations()
        .iter()
        .filter(|op| body_schema(op).is_some())
        .count();
    assert_eq!(with_body, 20, "operations with a body");
    // Every operation with a body broke at least one rule, and every kind was broken somewhere.
    for op in operations().iter().filter(|op| body_schema(op).is_some()) {
        let schema = body_schema(op).expect("a body").0;
        let has_rules = fields(&schema).len() > 1;
        let count = broken.iter().filter(|(id, _)| *id == op.id).count();
        assert_eq!(count > 0, has_rules, "{}: {count} rules broken", op.id);
    }
    for rule in RULES {
        assert!(
            broken.iter().any(|(_, r)| r == rule),
            "no body breaks {rule:?}"
        );
    }
}

/// The fake's refusals of bodies the schemas allow, for what the schemas cannot say: a token's
/// policies must grant a permission group that exists, an Access duration must read as one,
/// and AI Search tokens must be real ones. They come after the checks, so a body refused with
/// one of them got past them.
const BEYOND_THE_SCHEMA: &[(i64, &str)] = &[
    (1001, "a token needs at least one policy"),
    (1001, "policies[0]: unknown permission group id"),
    (1001, "duration must be like"),
    (7002, ""),
];

#[tokio::test]
async fn the_least_and_the_fullest_valid_bodies_get_past_the_checks() {
    let mut answered = std::collections::BTreeMap::new();
    for op in operations() {
        let Some((schema, _)) = body_schema(&op) else {
            continue;
        };
        for body in [valid(&schema), full(&schema)] {
            // A fake of its own for each, so that no create meets the one before.
            let api = Api::start().await;
            let answer = api
                .call(op.method.clone(), &op.path, Some(body.clone()))
                .await;
            let case = format!("{} {body}: {}", op.id, answer.text);
            let code = answer.error_code();
            let message = answer.json["errors"][0]["message"]
                .as_str()
                .unwrap_or_default();
            match answer.status {
                200 | 201 => assert_eq!(answer.json["success"], true, "{case}"),
                404 => assert_eq!(code, 7003, "{case}"),
                400 => assert!(
                    BEYOND_THE_SCHEMA
                        .iter()
                        .any(|(c, start)| *c == code && message.starts_with(start)),
                    "{case}"
                ),
                _ => panic!("{case}"),
            }
            *answered.entry(answer.status).or_insert(0) += 1;
        }
    }
    // Not all refused: the bodies reached the operations.
    assert!(answered.get(&201).is_some_and(|&n| n >= 3), "{answered:?}");
    assert!(answered.get(&404).is_some_and(|&n| n >= 10), "{answered:?}");
}

/// The case: an `ai_search_model` outside the spec's enum was taken (201) and echoed
/// back. Now refused, and nothing is created.
#[tokio::test]
async fn an_out_of_enum_model_creates_nothing_and_a_secret_is_never_echoed() {
    let api = Api::start().await;
    let instances = format!("/accounts/{}/ai-search/instances", test_support::ACCOUNT);
    let body = serde_json::json!({ "id": "docs", "ai_search_model": "@cf/made-up/model" });
    let answer = api.post(&instances, body).await;
    let path = ["body".to_owned(), "ai_search_model".to_owned()];
    let prefix = "ai_search_model: \"@cf/made-up/model\" is not one of \"@cf/meta/";
    assert_refused(&answer, prefix, Some(&path), "out-of-enum model");
    let listed = api.get(&instances).await;
    assert_eq!(listed.result(), &serde_json::json!([]), "{}", listed.text);

    let tokens = format!("/accounts/{}/ai-search/tokens", test_support::ACCOUNT);
    let secret = "s3cr3t-value-never-shown";
    let body = serde_json::json!({ "name": "t", "cf_api_id": "i", "cf_api_key": [secret] });
    let answer = api.post(&tokens, body).await;
    let path = ["body".to_owned(), "cf_api_key".to_owned()];
    assert_refused(
        &answer,
        "cf_api_key: expected a string",
        Some(&path),
        "secret",
    );
    assert!(!answer.text.contains(secret), "{}", answer.text);
}
