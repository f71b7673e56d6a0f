//! The fake routes exactly the operations of `spec/openapi.json`, by path, method and id, and
//! its route table gives each the spec's method, path and product.

use fake_cloudflare::Operation;
use fake_cloudflare::routes::{API_PREFIX, Product, Segment, route};
use hyper::Method;
use serde_json::Value;

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/openapi.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("spec readable"))
        .expect("spec is JSON")
}

/// The spec's path with sample values for its parameters.
fn sample(path: &str) -> String {
    path.replace("{accounts_or_zones}", "accounts")
        .replace("{account_id}", "acc")
        .replace("{account_or_zone_id}", "acc")
        .replace("{token_id}", "0123456789abcdef0123456789abcdef")
        .replace("{service_token_id}", "tok")
        .replace("{id}", "some-id")
        .replace("{name}", "some-namespace")
        .replace("{job_id}", "some-job")
        .replace("{bucket_name}", "some-bucket")
}

#[test]
fn every_spec_operation_routes_to_its_id() {
    let spec = spec();
    let mut ids = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let Some(id) = operation["operationId"].as_str() else {
                continue;
            };
            let url = format!("{API_PREFIX}{}", sample(path));
            let (routed, _) =
                route(&method, &url).unwrap_or_else(|e| panic!("{method} {url}: {e:?}"));
            assert_eq!(routed.id(), id, "{method} {path}");
            ids.push(id.to_owned());
        }
    }
    ids.sort();
    let mut ours: Vec<String> = Operation::ALL.iter().map(|op| op.id().to_owned()).collect();
    ours.sort();
    assert_eq!(ids, ours);
}

#[test]
fn every_operation_needs_the_token_groups_the_spec_lists() {
    let spec = spec();
    let mut checked = 0;
    for item in spec["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            let Some(id) = operation["operationId"].as_str() else {
                continue;
            };
            let listed: Vec<&str> = match &operation["x-api-token-group"] {
                Value::Null => Vec::new(),
                groups => groups
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|g| g.as_str().unwrap())
                    .collect(),
            };
            let op = Operation::from_id(id).unwrap_or_else(|| panic!("{id} is not routed"));
            assert_eq!(op.token_groups(), listed.as_slice(), "{id}");
            checked += 1;
        }
    }
    assert_eq!(checked, Operation::ALL.len());
    // The spec does list groups for some operations: the table is not empty by mistake.
    assert_eq!(
        Operation::UserTokensCreate.token_groups(),
        ["API Tokens Write"]
    );
    assert_eq!(
        Operation::AccessServiceTokensList.token_groups(),
        [
            "Access: Service Tokens Write",
            "Access: Service Tokens Read"
        ]
    );
    assert!(Operation::UserTokensVerify.token_groups().is_empty());
}

/// The product of an operation the spec tags `tag`.
fn product(tag: &str) -> Product {
    match tag {
        "user_tokens" => Product::UserTokens,
        "account_tokens" => Product::AccountTokens,
        "ai_search_tokens"
        | "ai_search_instances"
        | "ai_search_namespaces"
        | "ai_search_indexing" => Product::AiSearch,
        "access_service_tokens" => Product::Access,
        "r2_buckets" => Product::R2,
        "accounts" | "zones" => Product::Accounts,
        _ => panic!("the spec's tag {tag:?} belongs to no product of the fake"),
    }
}

/// A path with `{}` for each parameter, whatever its name.
fn shape<'a>(segments: impl Iterator<Item = Option<&'a str>>) -> String {
    segments
        .map(|s| format!("/{}", s.unwrap_or("{}")))
        .collect()
}

#[test]
fn every_route_entry_has_the_spec_method_path_and_product() {
    let spec = spec();
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(id) = operation["operationId"].as_str() else {
                continue;
            };
            let entry = Operation::from_id(id).unwrap().route();
            assert_eq!(entry.method.as_str(), method.to_uppercase(), "{id}");
            let spec_path = path.split('/').skip(1).map(|s| {
                let parameter = s.starts_with('{') && s.ends_with('}');
                (!parameter).then_some(s)
            });
            let our_path = entry.path.iter().map(|s| match s {
                Segment::Literal(text) => Some(*text),
                _ => None,
            });
            assert_eq!(shape(our_path), shape(spec_path), "{id}");
            let tags = operation["tags"].as_array().unwrap();
            for tag in tags {
                assert_eq!(entry.product, product(tag.as_str().unwrap()), "{id}");
            }
            assert!(!tags.is_empty(), "{id} has no tag");
            checked += 1;
        }
    }
    assert_eq!(checked, Operation::ALL.len());
}
