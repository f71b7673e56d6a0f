//! Every command's `--json` output parses, with the shape of the decoded model(s); lists hold
//! every item and cost as few requests as the API's largest page size allows.

use fake_cloudflare::{AccessScope, BOOTSTRAP_TOKEN_ID, FakeCloudflare};
use serde_json::Value;
use test_support::cli::cf;
use test_support::fake::fake;
use test_support::{ACCOUNT, ZONE, str_field};

/// Runs a command with `--json`, expects success, and returns what it printed.
async fn json(server: &FakeCloudflare, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.push("--json");
    let run = cf(server, &args).await;
    run.expect(0);
    run.json()
}

#[track_caller]
fn array(value: &Value) -> &Vec<Value> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
}

#[tokio::test]
async fn ai_search_commands_print_their_models() {
    let server = fake().await;
    let setup = json(
        &server,
        &[
            "ai-search",
            "setup",
            "--instance",
            "docs",
            "--r2-bucket",
            "b",
        ],
    )
    .await;
    for key in [
        "account_id",
        "instance_id",
        "token_name",
        "dry_run",
        "permission_group_id",
        "ai_search_token_id",
        "reused_token",
        "minted_token",
        "created_instance",
        "instance",
        "plan",
    ] {
        assert!(setup.get(key).is_some(), "no {key} in {setup}");
    }
    assert_eq!(setup["account_id"], ACCOUNT);
    let registration = str_field(&setup, "ai_search_token_id").to_string();

    let tokens = json(&server, &["ai-search", "tokens", "list"]).await;
    assert_eq!(array(&tokens).len(), 1);
    assert_eq!(tokens[0]["id"], registration.as_str());
    assert_eq!(tokens[0]["name"], "ai-search-docs");
    assert!(tokens[0].get("cf_api_key").is_none());
    let token = json(&server, &["ai-search", "tokens", "get", &registration]).await;
    assert_eq!(token["id"], registration.as_str());
    assert_eq!(token["enabled"], true);

    let instances = json(&server, &["ai-search", "instances", "list"]).await;
    assert_eq!(array(&instances).len(), 1);
    assert_eq!(instances[0]["id"], "docs");
    let instance = json(&server, &["ai-search", "instances", "get", "docs"]).await;
    assert_eq!(instance["token_id"], registration.as_str());
    assert_eq!(instance["type"], "r2");

    let deleted = json(&server, &["ai-search", "instances", "delete", "docs"]).await;
    assert_eq!(deleted["id"], "docs");
    // AI Search answers a token delete with an empty result, and the CLI prints what it got.
    let deleted = json(&server, &["ai-search", "tokens", "delete", &registration]).await;
    assert_eq!(deleted, serde_json::json!({}));
    assert_eq!(
        json(&server, &["ai-search", "tokens", "list"]).await,
        Value::Array(vec![])
    );
    assert_eq!(
        json(&server, &["ai-search", "instances", "list"]).await,
        Value::Array(vec![])
    );
}

#[tokio::test]
async fn access_commands_print_their_models() {
    let server = fake().await;
    let created = json(&server, &["access", "tokens", "create", "--name", "ci"]).await;
    let id = str_field(&created, "id").to_string();
    for key in ["client_id", "client_secret", "name", "duration"] {
        assert!(created[key].is_string(), "no {key} in {created}");
    }

    let list = json(&server, &["access", "tokens", "list"]).await;
    assert_eq!(array(&list).len(), 1);
    assert_eq!(list[0]["id"], id.as_str());
    let got = json(&server, &["access", "tokens", "get", &id]).await;
    assert_eq!(got["client_id"], created["client_id"]);
    assert!(got.get("client_secret").is_none(), "{got}");
    let updated = json(
        &server,
        &["access", "tokens", "update", &id, "--enabled", "false"],
    )
    .await;
    assert_eq!(updated["enabled"], false);
    let refreshed = json(&server, &["access", "tokens", "refresh", &id]).await;
    assert!(refreshed["expires_at"].is_string(), "{refreshed}");
    assert!(refreshed.get("client_secret").is_none(), "{refreshed}");
    // The token changed a moment ago (update, refresh): the rotation names that change.
    let changed = refreshed["updated_at"]
        .as_str()
        .expect("the refresh's updated_at");
    let rotated = json(
        &server,
        &[
            "access",
            "tokens",
            "rotate",
            &id,
            "--grace",
            "1h",
            "--if-unchanged-since",
            changed,
        ],
    )
    .await;
    for key in [
        "id",
        "client_id",
        "client_secret",
        "previous_client_secret_expires_at",
    ] {
        assert!(rotated[key].is_string(), "no {key} in {rotated}");
    }
    assert_ne!(rotated["client_secret"], created["client_secret"]);
    let deleted = json(&server, &["access", "tokens", "delete", &id]).await;
    assert_eq!(deleted["id"], id.as_str());

    let zone = json(&server, &["access", "tokens", "list", "--zone-id", ZONE]).await;
    assert_eq!(zone, Value::Array(vec![]));
}

#[tokio::test]
async fn user_commands_print_their_models() {
    let server = fake().await;
    let seeded = server.create_user_token("reader");

    let verified = json(&server, &["user", "tokens", "verify"]).await;
    assert_eq!(verified["id"], BOOTSTRAP_TOKEN_ID);
    assert_eq!(verified["status"], "active");
    let list = json(&server, &["user", "tokens", "list"]).await;
    assert_eq!(array(&list).len(), 1);
    assert_eq!(list[0]["id"], seeded.id.as_str());
    assert_eq!(list[0]["status"], "active");
    assert!(list[0]["policies"].is_array());
    assert!(!list.to_string().contains(&seeded.value));

    let groups = json(&server, &["user", "permission-groups"]).await;
    assert_eq!(array(&groups).len(), 14, "the fake's catalog");
    assert!(
        groups
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["id"].is_string() && g["name"].is_string())
    );
    let one = json(
        &server,
        &[
            "user",
            "permission-groups",
            "--name",
            "AI Search Index Engine",
        ],
    )
    .await;
    assert_eq!(array(&one).len(), 1);
    assert_eq!(one[0]["id"], fake_cloudflare::AI_SEARCH_INDEX_ENGINE);

    let deleted = json(&server, &["user", "tokens", "delete", &seeded.id]).await;
    assert_eq!(deleted, serde_json::json!({ "id": seeded.id }));
}

/// The `per_page` of every request for `operation`.
fn page_sizes(server: &FakeCloudflare, operation: &str) -> Vec<String> {
    server
        .requests_for(operation)
        .iter()
        .map(|r| {
            let query = r.query.clone().unwrap_or_default();
            query
                .split('&')
                .find_map(|p| p.strip_prefix("per_page="))
                .unwrap_or("none")
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn lists_fetch_every_page_at_the_largest_size() {
    let server = fake().await;
    for i in 0..120 {
        let user = server.create_user_token(&format!("t{i}"));
        server.register_ai_search_token(ACCOUNT, &format!("r{i}"), &user.id);
    }
    for i in 0..3 {
        server.create_service_token(AccessScope::Account, ACCOUNT, &format!("s{i}"));
    }

    let registrations = json(&server, &["ai-search", "tokens", "list"]).await;
    assert_eq!(array(&registrations).len(), 120);
    assert_eq!(page_sizes(&server, "ai_search_tokens_list"), ["100", "100"]);

    let users = json(&server, &["user", "tokens", "list"]).await;
    assert_eq!(array(&users).len(), 120);
    assert_eq!(page_sizes(&server, "user_tokens_list"), ["50", "50", "50"]);

    let services = json(&server, &["access", "tokens", "list"]).await;
    assert_eq!(array(&services).len(), 3);
    assert_eq!(page_sizes(&server, "access_service_tokens_list"), ["1000"]);
}
