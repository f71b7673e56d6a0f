//! What an API token created in the fake may call: the operations whose permission groups (the
//! spec's `x-api-token-group`) one of its `allow` policies grants, and those that name none.

use reqwest::Method;
use serde_json::{Value, json};
use test_support::fake::http::*;

/// Cloudflare's answer to a valid token that lacks the permission.
fn forbidden() -> Value {
    json!({
        "success": false,
        "errors": [{ "code": 10000, "message": "Authentication error" }],
        "messages": [],
        "result": null,
    })
}

/// `method path` with `token` as the bearer token, and `body` if any.
async fn call_as(
    api: &Api,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Answer {
    let mut builder = api.http.request(method, api.url(path)).bearer_auth(token);
    if let Some(body) = body {
        builder = builder.json(&body);
    }
    Api::send(builder).await
}

fn assert_forbidden(answer: &Answer) {
    assert_eq!(answer.status, 403, "{}", answer.text);
    assert_eq!(answer.json, forbidden());
}

fn new_token() -> Value {
    json!({ "name": "made by a token", "policies": policy() })
}

#[tokio::test]
async fn an_ai_search_index_engine_token_may_not_create_tokens() {
    let api = Api::start().await;
    let (id, value) = api
        .create_token_granting("indexer", &["AI Search Index Engine"])
        .await;
    let answer = call_as(
        &api,
        &value,
        Method::POST,
        "/user/tokens",
        Some(new_token()),
    )
    .await;
    assert_forbidden(&answer);
    let ids: Vec<Value> = api
        .server
        .user_tokens()
        .iter()
        .map(|t| t["id"].clone())
        .collect();
    assert_eq!(ids, vec![json!(id)], "nothing was created");
    // The refusal is logged with its status and the token that was refused.
    let logged = api.server.requests_for("user_tokens_create");
    let last = logged.last().unwrap();
    assert_eq!(last.status, Some(403));
    assert_eq!(last.auth, fake_cloudflare::AuthUsed::UserToken { id });
}

#[tokio::test]
async fn an_ai_search_index_engine_token_may_not_list_access_service_tokens() {
    let api = Api::start().await;
    let (_, value) = api
        .create_token_granting("indexer", &["AI Search Index Engine"])
        .await;
    for scope in ["accounts", "zones"] {
        let path = format!("/{scope}/{ACCOUNT}/access/service_tokens");
        let answer = call_as(&api, &value, Method::GET, &path, None).await;
        assert_forbidden(&answer);
    }
}

#[tokio::test]
async fn an_ai_search_index_engine_token_may_call_ai_search_and_verify() {
    // The spec names no permission group for AI Search's operations nor for verify: any valid
    // token may call them.
    let api = Api::start().await;
    let (id, value) = api
        .create_token_granting("indexer", &["AI Search Index Engine"])
        .await;
    let tokens = format!("/accounts/{ACCOUNT}/ai-search/tokens");
    let answer = call_as(&api, &value, Method::GET, &tokens, None).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.result(), &json!([]));
    let body = json!({ "name": "self", "cf_api_id": id, "cf_api_key": value });
    let answer = call_as(&api, &value, Method::POST, &tokens, Some(body)).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    assert_eq!(answer.result()["cf_api_id"], id.as_str());
    let instances = format!("/accounts/{ACCOUNT}/ai-search/instances");
    let answer = call_as(&api, &value, Method::GET, &instances, None).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let answer = call_as(&api, &value, Method::GET, "/user/tokens/verify", None).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.result()["id"], id.as_str());
}

#[tokio::test]
async fn an_api_tokens_write_token_may_create_tokens() {
    let api = Api::start().await;
    let (_, value) = api
        .create_token_granting("admin", &["API Tokens Write"])
        .await;
    let answer = call_as(
        &api,
        &value,
        Method::POST,
        "/user/tokens",
        Some(new_token()),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.result()["name"], "made by a token");
    let made = answer.result()["id"].as_str().unwrap().to_owned();
    assert!(api.server.user_token(&made).is_some());
    // Write also allows what Read allows.
    let answer = call_as(&api, &value, Method::GET, "/user/tokens", None).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.result().as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn an_api_tokens_read_token_may_list_but_not_create() {
    let api = Api::start().await;
    let (id, value) = api
        .create_token_granting("reader", &["API Tokens Read"])
        .await;
    let answer = call_as(&api, &value, Method::GET, "/user/tokens", None).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let path = format!("/user/tokens/{id}");
    let answer = call_as(&api, &value, Method::GET, &path, None).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let answer = call_as(
        &api,
        &value,
        Method::POST,
        "/user/tokens",
        Some(new_token()),
    )
    .await;
    assert_forbidden(&answer);
    let answer = call_as(&api, &value, Method::DELETE, &path, None).await;
    assert_forbidden(&answer);
    assert!(api.server.user_token(&id).is_some());
}

#[tokio::test]
async fn access_groups_grant_their_operations_only() {
    let api = Api::start().await;
    let list = format!("/accounts/{ACCOUNT}/access/service_tokens");
    let body = json!({ "name": "ci" });
    let (_, reader) = api
        .create_token_granting("reader", &["Access: Service Tokens Read"])
        .await;
    let answer = call_as(&api, &reader, Method::GET, &list, None).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let answer = call_as(&api, &reader, Method::POST, &list, Some(body.clone())).await;
    assert_forbidden(&answer);
    let (_, writer) = api
        .create_token_granting("writer", &["Access: Service Tokens Write"])
        .await;
    let answer = call_as(&api, &writer, Method::POST, &list, Some(body)).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    assert_eq!(answer.result()["name"], "ci");
}

#[tokio::test]
async fn disabled_and_expired_tokens_get_401_even_when_granted() {
    let api = Api::start().await;
    let write = api.group_id("API Tokens Write").await;
    let granted = policy_granting(&[write]);
    let expired =
        json!({ "name": "old", "policies": granted, "expires_on": "2000-01-01T00:00:00Z" });
    let not_yet =
        json!({ "name": "later", "policies": granted, "not_before": "2999-01-01T00:00:00Z" });
    let disabled = json!({ "name": "off", "policies": granted, "status": "disabled" });
    for body in [expired, not_yet, disabled] {
        let created = api.post("/user/tokens", body).await;
        assert_eq!(created.status, 200, "{}", created.text);
        let value = created.result()["value"].as_str().unwrap();
        let answer = call_as(&api, value, Method::POST, "/user/tokens", Some(new_token())).await;
        assert_error(&answer, 401, 10000);
        assert_eq!(answer.json["errors"][0]["message"], "Authentication error");
    }
    // Without the group either, the answer is still 401: the status is checked first.
    let (id, value) = api.create_user_token("soon off").await;
    let off = json!({ "name": "soon off", "policies": policy(), "status": "disabled" });
    assert_eq!(
        api.put(&format!("/user/tokens/{id}"), off).await.status,
        200
    );
    let answer = call_as(
        &api,
        &value,
        Method::POST,
        "/user/tokens",
        Some(new_token()),
    )
    .await;
    assert_error(&answer, 401, 10000);
}

#[tokio::test]
async fn a_deny_policy_grants_nothing() {
    let api = Api::start().await;
    let write = api.group_id("API Tokens Write").await;
    let body = json!({
        "name": "denied",
        "policies": [{
            "effect": "deny",
            "permission_groups": [{ "id": write }],
            "resources": { format!("com.cloudflare.api.account.{ACCOUNT}"): "*" },
        }],
    });
    let created = api.post("/user/tokens", body).await;
    let value = created.result()["value"].as_str().unwrap();
    let answer = call_as(&api, value, Method::GET, "/user/tokens", None).await;
    assert_forbidden(&answer);
}

#[tokio::test]
async fn account_tokens_need_the_account_token_groups() {
    let api = Api::start().await;
    let tokens = format!("/accounts/{ACCOUNT}/tokens");
    let write = api.group_id("Account API Tokens Write").await;
    let body = json!({ "name": "account admin", "policies": policy_granting(&[write]) });
    let admin = api.post(&tokens, body).await;
    assert_eq!(admin.status, 200, "{}", admin.text);
    let admin = admin.result()["value"].as_str().unwrap().to_owned();
    let body = json!({ "name": "account indexer", "policies": policy() });
    let indexer = api.post(&tokens, body).await;
    let indexer = indexer.result()["value"].as_str().unwrap().to_owned();

    let answer = call_as(&api, &admin, Method::POST, &tokens, Some(new_token())).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let answer = call_as(&api, &indexer, Method::POST, &tokens, Some(new_token())).await;
    assert_forbidden(&answer);
    let answer = call_as(&api, &indexer, Method::GET, &tokens, None).await;
    assert_forbidden(&answer);
    // "Account API Tokens Write" is not "API Tokens Write".
    let answer = call_as(
        &api,
        &admin,
        Method::POST,
        "/user/tokens",
        Some(new_token()),
    )
    .await;
    assert_forbidden(&answer);
    // Verify names no group.
    let answer = call_as(
        &api,
        &indexer,
        Method::GET,
        &format!("{tokens}/verify"),
        None,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}

#[tokio::test]
async fn bootstrap_token_and_email_key_keep_full_access() {
    let api = Api::start().await;
    let answer = api.post("/user/tokens", new_token()).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let list = format!("/accounts/{ACCOUNT}/access/service_tokens");
    let answer = api.post(&list, json!({ "name": "ci" })).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    let answer = Api::send(
        api.http
            .post(api.url(&list))
            .header("X-Auth-Email", EMAIL)
            .header("X-Auth-Key", KEY)
            .json(&json!({ "name": "ci-2" })),
    )
    .await;
    assert_eq!(answer.status, 201, "{}", answer.text);
}
