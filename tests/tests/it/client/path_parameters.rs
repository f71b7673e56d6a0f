//! Path parameters that would change the request's path (empty, `.`, `..`) or hold control
//! characters are refused before anything is sent, for every path parameter of every operation
//! of the spec.
//!
//! The operations and their path parameters come from `spec/openapi.json`. Calling an operation
//! needs its typed method, so [`call`] maps each operation id to its method by hand; a control
//! run with good values checks that it puts every value where the spec's path template says,
//! and an operation it does not know fails the test.

use cloudflare_tokens::{
    AccessServiceTokensListQuery, AiSearchInstancesListQuery, AiSearchTokensListQuery, Client,
    Credentials, Error, ErrorKind, RetryPolicy, Scope, Secret, types,
};
use futures::StreamExt;
use serde_json::{Value, json};
use test_support::adversary::{self, BASE_PATH, Server};

/// The values that must never reach a path.
const BAD: &[&str] = &[
    "",
    ".",
    "..",
    "line\nbreak",
    "\r",
    "tab\t",
    "nul\0",
    "\u{1b}[2J",
    "\u{7f}",
    "\u{9b}31m",
];

/// An operation of the spec and its path parameters.
struct SpecOperation {
    id: String,
    method: String,
    path: String,
    parameters: Vec<String>,
    /// The path parameters the spec types as UUIDs: their methods take a `Uuid`, which no bad
    /// value can be.
    uuids: Vec<String>,
}

fn spec_operations() -> Vec<SpecOperation> {
    let spec = cloudflare_tokens_tests::repo::spec();
    let resolve = |parameter: &Value| -> Value {
        match parameter["$ref"].as_str() {
            Some(pointer) => spec
                .pointer(pointer.trim_start_matches('#'))
                .cloned()
                .unwrap_or_else(|| panic!("unresolved {pointer}")),
            None => parameter.clone(),
        }
    };
    let mut operations = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        let shared: Vec<Value> = item["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(&resolve)
            .collect();
        for (method, operation) in item.as_object().expect("a path item") {
            if !matches!(method.as_str(), "get" | "put" | "post" | "delete" | "patch") {
                continue;
            }
            let own = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(&resolve);
            let in_path: Vec<Value> = shared
                .iter()
                .cloned()
                .chain(own)
                .filter(|p| p["in"] == "path")
                .collect();
            let name = |p: &Value| p["name"].as_str().expect("a parameter name").to_string();
            operations.push(SpecOperation {
                id: operation["operationId"]
                    .as_str()
                    .expect("an id")
                    .to_string(),
                method: method.to_uppercase(),
                path: path.clone(),
                parameters: in_path.iter().map(name).collect(),
                uuids: in_path
                    .iter()
                    .filter(|p| p["schema"]["format"] == "uuid")
                    .map(name)
                    .collect(),
            });
        }
    }
    // The reader sees the spec's path parameters, UUIDs told apart (so that the tests below
    // cannot pass on an empty list).
    let get = |id: &str| operations.iter().find(|o| o.id == id).expect(id);
    assert_eq!(get("user_tokens_get").parameters, ["token_id"]);
    assert_eq!(get("ai_search_tokens_get").parameters, ["account_id", "id"]);
    assert_eq!(get("ai_search_tokens_get").uuids, ["id"]);
    assert!(get("ai_search_instances_get").uuids.is_empty());
    operations
}

/// The values of one call's path parameters, by the spec's names.
struct Arguments {
    values: Vec<(String, String)>,
}

/// The UUID every UUID path parameter gets.
const GOOD_UUID: &str = "123e4567-e89b-12d3-a456-426614174000";

impl Arguments {
    fn uuid(&self, name: &str) -> uuid::Uuid {
        self.get(name).parse().expect("a UUID parameter")
    }

    fn get(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no value for the path parameter `{name}`"))
    }

    /// `accounts_or_zones` with `account_or_zone_id`.
    fn scope(&self) -> Scope<'_> {
        let id = self.get("account_or_zone_id");
        match self.get("accounts_or_zones") {
            "accounts" => Scope::Account(id),
            "zones" => Scope::Zone(id),
            other => panic!("accounts_or_zones is {other}"),
        }
    }
}

fn policy() -> types::TokenPolicy {
    types::TokenPolicy::new(
        types::PolicyEffect::Allow,
        vec![types::PolicyPermissionGroup::new("perm")],
        Default::default(),
    )
}

/// Calls operation `id` with these path parameters (and default bodies and queries).
async fn call(client: &Client, id: &str, args: &Arguments) -> Result<(), Error> {
    let a = |name: &str| args.get(name);
    match id {
        "access_service_tokens_create" => client
            .access_service_tokens_create(args.scope(), &types::ServiceTokenCreate::new("n"))
            .await
            .map(drop),
        "access_service_tokens_delete" => client
            .access_service_tokens_delete(args.scope(), a("service_token_id"))
            .await
            .map(drop),
        "access_service_tokens_get" => client
            .access_service_tokens_get(args.scope(), a("service_token_id"))
            .await
            .map(drop),
        "access_service_tokens_list" => client
            .access_service_tokens_list(args.scope(), &AccessServiceTokensListQuery::default())
            .await
            .map(drop),
        "access_service_tokens_refresh" => client
            .access_service_tokens_refresh(a("account_id"), a("service_token_id"))
            .await
            .map(drop),
        "access_service_tokens_rotate" => client
            .access_service_tokens_rotate(
                a("account_id"),
                a("service_token_id"),
                &types::ServiceTokenRotate::default(),
            )
            .await
            .map(drop),
        "access_service_tokens_update" => client
            .access_service_tokens_update(
                args.scope(),
                a("service_token_id"),
                &types::ServiceTokenUpdate::default(),
            )
            .await
            .map(drop),
        "ai_search_instances_create" => client
            .ai_search_instances_create(a("account_id"), &types::AiSearchInstanceCreate::new("i"))
            .await
            .map(drop),
        "ai_search_instances_delete" => client
            .ai_search_instances_delete(a("account_id"), a("id"))
            .await
            .map(drop),
        "ai_search_instances_get" => client
            .ai_search_instances_get(a("account_id"), a("id"))
            .await
            .map(drop),
        "ai_search_instances_list" => client
            .ai_search_instances_list(a("account_id"), &AiSearchInstancesListQuery::default())
            .await
            .map(drop),
        "ai_search_instances_update" => client
            .ai_search_instances_update(
                a("account_id"),
                a("id"),
                &types::AiSearchInstanceUpdate::default(),
            )
            .await
            .map(drop),
        "ai_search_tokens_create" => client
            .ai_search_tokens_create(
                a("account_id"),
                &types::AiSearchTokenCreate::new(types::AiSearchTokenCreateRequired {
                    cf_api_id: "i".into(),
                    cf_api_key: cloudflare_tokens::Secret::new("k"),
                    name: "n".into(),
                }),
            )
            .await
            .map(drop),
        "ai_search_tokens_delete" => client
            .ai_search_tokens_delete(a("account_id"), &args.uuid("id"))
            .await
            .map(drop),
        "ai_search_tokens_get" => client
            .ai_search_tokens_get(a("account_id"), &args.uuid("id"))
            .await
            .map(drop),
        "ai_search_tokens_list" => client
            .ai_search_tokens_list(a("account_id"), &AiSearchTokensListQuery::default())
            .await
            .map(drop),
        "ai_search_tokens_update" => client
            .ai_search_tokens_update(
                a("account_id"),
                &args.uuid("id"),
                &types::AiSearchTokenUpdate::new(types::AiSearchTokenUpdateRequired {
                    cf_api_id: "i".into(),
                    cf_api_key: cloudflare_tokens::Secret::new("k"),
                    name: "n".into(),
                }),
            )
            .await
            .map(drop),
        "user_tokens_delete" => client.user_tokens_delete(a("token_id")).await.map(drop),
        "user_tokens_get" => client.user_tokens_get(a("token_id")).await.map(drop),
        "user_tokens_roll" => client.user_tokens_roll(a("token_id")).await.map(drop),
        "user_tokens_update" => client
            .user_tokens_update(
                a("token_id"),
                &types::UserTokenUpdate::new("n", vec![policy()]),
            )
            .await
            .map(drop),
        "account_permission_groups_list" => client
            .account_permission_groups_list(a("account_id"), &Default::default())
            .await
            .map(drop),
        "account_tokens_create" => client
            .account_tokens_create(
                a("account_id"),
                &types::AccountTokenCreate::new("n", vec![policy()]),
            )
            .await
            .map(drop),
        "account_tokens_delete" => client
            .account_tokens_delete(a("account_id"), a("token_id"))
            .await
            .map(drop),
        "account_tokens_get" => client
            .account_tokens_get(a("account_id"), a("token_id"))
            .await
            .map(drop),
        "account_tokens_list" => client
            .account_tokens_list(a("account_id"), &Default::default())
            .await
            .map(drop),
        "account_tokens_roll" => client
            .account_tokens_roll(a("account_id"), a("token_id"))
            .await
            .map(drop),
        "account_tokens_update" => client
            .account_tokens_update(
                a("account_id"),
                a("token_id"),
                &types::AccountTokenUpdate::new("n", vec![policy()]),
            )
            .await
            .map(drop),
        "account_tokens_verify" => client
            .account_tokens_verify(a("account_id"))
            .await
            .map(drop),
        "ai_search_namespaces_list" => client
            .ai_search_namespaces_list(a("account_id"), &Default::default())
            .await
            .map(drop),
        "ai_search_namespaces_create" => client
            .ai_search_namespaces_create(a("account_id"), &types::AiSearchNamespaceCreate::new("n"))
            .await
            .map(drop),
        "ai_search_namespaces_get" => client
            .ai_search_namespaces_get(a("account_id"), a("name"))
            .await
            .map(drop),
        "ai_search_namespaces_update" => client
            .ai_search_namespaces_update(
                a("account_id"),
                a("name"),
                &types::AiSearchNamespaceUpdate::default(),
            )
            .await
            .map(drop),
        "ai_search_namespaces_delete" => client
            .ai_search_namespaces_delete(a("account_id"), a("name"))
            .await
            .map(drop),
        "ai_search_namespace_instances_list" => client
            .ai_search_namespace_instances_list(a("account_id"), a("name"), &Default::default())
            .await
            .map(drop),
        "ai_search_namespace_instances_create" => client
            .ai_search_namespace_instances_create(
                a("account_id"),
                a("name"),
                &types::AiSearchInstanceCreate::new("i"),
            )
            .await
            .map(drop),
        "ai_search_namespace_instances_get" => client
            .ai_search_namespace_instances_get(a("account_id"), a("name"), a("id"))
            .await
            .map(drop),
        "ai_search_namespace_instances_update" => client
            .ai_search_namespace_instances_update(
                a("account_id"),
                a("name"),
                a("id"),
                &types::AiSearchInstanceUpdate::default(),
            )
            .await
            .map(drop),
        "ai_search_namespace_instances_delete" => client
            .ai_search_namespace_instances_delete(a("account_id"), a("name"), a("id"))
            .await
            .map(drop),
        "ai_search_jobs_list" => client
            .ai_search_jobs_list(a("account_id"), a("id"), &Default::default())
            .await
            .map(drop),
        "ai_search_jobs_get" => client
            .ai_search_jobs_get(a("account_id"), a("id"), a("job_id"))
            .await
            .map(drop),
        "ai_search_stats" => client
            .ai_search_stats(a("account_id"), a("id"))
            .await
            .map(drop),
        "ai_search_search" => client
            .ai_search_search(a("account_id"), a("id"), &types::AiSearchQuery::default())
            .await
            .map(drop),
        "ai_search_namespace_jobs_list" => client
            .ai_search_namespace_jobs_list(a("account_id"), a("name"), a("id"), &Default::default())
            .await
            .map(drop),
        "ai_search_namespace_jobs_get" => client
            .ai_search_namespace_jobs_get(a("account_id"), a("name"), a("id"), a("job_id"))
            .await
            .map(drop),
        "ai_search_namespace_stats" => client
            .ai_search_namespace_stats(a("account_id"), a("name"), a("id"))
            .await
            .map(drop),
        "ai_search_namespace_search" => client
            .ai_search_namespace_search(
                a("account_id"),
                a("name"),
                a("id"),
                &types::AiSearchQuery::default(),
            )
            .await
            .map(drop),
        "r2_buckets_get" => client
            .r2_buckets_get(a("account_id"), a("bucket_name"))
            .await
            .map(drop),
        "r2_buckets_create" => client
            .r2_buckets_create(a("account_id"), &types::R2BucketCreate::new("b"))
            .await
            .map(drop),
        // The operations without path parameters are not called.
        other => panic!("the test does not know how to call {other}: add it to `call`"),
    }
}

fn client(server: &Server) -> Client {
    Client::builder(Credentials::ApiToken(Secret::new("path-test-token")))
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Good values for every path parameter of `operation`, with `accounts_or_zones` as given.
fn good_arguments(operation: &SpecOperation, kind: &str) -> Arguments {
    let values = operation
        .parameters
        .iter()
        .map(|name| {
            let value = match name.as_str() {
                "accounts_or_zones" => kind.to_string(),
                uuid if operation.uuids.iter().any(|u| u == uuid) => GOOD_UUID.to_string(),
                other => format!("good-{other}"),
            };
            (name.clone(), value)
        })
        .collect();
    Arguments { values }
}

/// The kinds of owner to try: both for the Access operations on accounts or zones.
fn kinds(operation: &SpecOperation) -> &'static [&'static str] {
    if operation
        .parameters
        .iter()
        .any(|p| p == "accounts_or_zones")
    {
        &["accounts", "zones"]
    } else {
        &["accounts"]
    }
}

/// The name an error gives a parameter: the spec's, except a scope's id, named for its kind.
fn reported_name(parameter: &str, kind: &str) -> String {
    match (parameter, kind) {
        ("account_or_zone_id", "accounts") => "account_id".into(),
        ("account_or_zone_id", "zones") => "zone_id".into(),
        (other, _) => other.into(),
    }
}

#[tokio::test]
async fn good_values_land_where_the_spec_says() {
    let server = Server::always(adversary::json(404, &json!({"success": false}))).await;
    let client = client(&server);
    let mut expected = Vec::new();
    for operation in spec_operations()
        .iter()
        .filter(|o| !o.parameters.is_empty())
    {
        for kind in kinds(operation) {
            let args = good_arguments(operation, kind);
            let _ = call(&client, &operation.id, &args).await;
            let mut path = operation.path.clone();
            for (name, value) in &args.values {
                path = path.replace(&format!("{{{name}}}"), value);
            }
            expected.push(format!("{} {BASE_PATH}{path}", operation.method));
        }
    }
    let sent: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.target.split('?').next().unwrap_or("")))
        .collect();
    assert_eq!(sent, expected);
}

#[tokio::test]
async fn bad_values_of_every_path_parameter_are_refused_before_sending() {
    let server = Server::always(adversary::json(200, &json!({"success": true}))).await;
    let client = client(&server);
    let mut checked = 0;
    for operation in spec_operations() {
        for kind in kinds(&operation) {
            for parameter in &operation.parameters {
                if parameter == "accounts_or_zones" || operation.uuids.contains(parameter) {
                    continue; // an enum or a `Uuid`: no bad value can be passed
                }
                for bad in BAD {
                    let mut args = good_arguments(&operation, kind);
                    for (name, value) in &mut args.values {
                        if name == parameter {
                            *value = bad.to_string();
                        }
                    }
                    let case = format!("{} {kind} {parameter}={bad:?}", operation.id);
                    let error = call(&client, &operation.id, &args).await.expect_err(&case);
                    assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{case}: {error:?}");
                    let name = reported_name(parameter, kind);
                    assert_eq!(error.invalid_parameter(), Some(name.as_str()), "{case}");
                    assert_eq!(error.attempts(), 0, "{case}");
                    assert!(!error.may_have_reached_server(), "{case}");
                    assert!(!error.is_outcome_unknown(), "{case}");
                    let text = error.to_string();
                    assert!(
                        text.starts_with(&format!("{} (", operation.id)),
                        "{case}: {text}"
                    );
                    assert!(
                        text.contains(&format!("path parameter `{name}` is \"")),
                        "{case}: {text}"
                    );
                    assert!(
                        !text.chars().any(char::is_control),
                        "{case}: a control character reaches the message: {text:?}"
                    );
                    checked += 1;
                }
            }
        }
    }
    // 53 operations; every path parameter but the enum and the UUIDs, the Access ones twice:
    // 37 in the first 25 operations, 58 in the journey's 28.
    assert_eq!(checked, 95 * BAD.len(), "path parameters checked");
    assert_eq!(server.connections(), 0, "{:?}", server.requests());
}

#[tokio::test]
async fn list_streams_refuse_them_too() {
    let server = Server::always(adversary::json(200, &json!({"success": true}))).await;
    let client = client(&server);
    let stream = client.ai_search_tokens_list_all("..", AiSearchTokensListQuery::default());
    let first = Box::pin(stream).next().await.expect("an item");
    let error = first.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error:?}");
    assert_eq!(error.invalid_parameter(), Some("account_id"));
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn ids_that_merely_look_like_dots_are_sent_encoded() {
    let server = Server::always(adversary::json(404, &json!({"success": false}))).await;
    let client = client(&server);
    for id in ["...", "%2e%2e", ".a", "a/../b"] {
        let _ = client.user_tokens_get(id).await;
    }
    let sent: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        sent,
        [
            "/client/v4/user/tokens/...",
            "/client/v4/user/tokens/%252e%252e",
            "/client/v4/user/tokens/.a",
            "/client/v4/user/tokens/a%2F..%2Fb",
        ]
    );
}
