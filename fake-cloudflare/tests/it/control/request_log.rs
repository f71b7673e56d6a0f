//! The request log, the admin API's state and reset, through the Rust API and over HTTP.

use fake_cloudflare::{AuthUsed, RecordedRequest};
use serde_json::{Value, json};
use test_support::fake::http::*;

#[tokio::test]
async fn records_each_request_once_with_operation_status_and_auth() {
    let api = Api::start().await;
    let (id, value) = api.create_user_token("logged").await;
    Api::send(
        api.http
            .get(api.url("/user/tokens?per_page=5"))
            .bearer_auth(&value),
    )
    .await;
    Api::send(api.http.get(api.url("/user/tokens"))).await;
    api.get("/nowhere").await;

    let creates = api.server.requests_for("user_tokens_create");
    assert_eq!(creates.len(), 1, "exactly one POST /user/tokens");
    let create = &creates[0];
    assert_eq!(create.method, "POST");
    assert_eq!(create.path, "/client/v4/user/tokens");
    assert_eq!(create.status, Some(200));
    assert_eq!(create.auth, AuthUsed::Bootstrap);
    assert_eq!(create.body.as_ref().unwrap()["name"], "logged");
    assert_eq!(create.header("Authorization"), Some("Bearer [redacted]"));
    assert_eq!(create.header("content-type"), Some("application/json"));

    let all = api.server.requests();
    assert_eq!(all.len(), 4);
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));
    let list = &all[1];
    assert_eq!(list.operation.as_deref(), Some("user_tokens_list"));
    assert_eq!(list.query.as_deref(), Some("per_page=5"));
    assert_eq!(list.auth, AuthUsed::UserToken { id });
    assert_eq!(all[2].auth, AuthUsed::None);
    assert_eq!(all[2].status, Some(401));
    assert_eq!(all[3].operation, None);
    assert_eq!(all[3].status, Some(404));

    api.server.clear_requests();
    assert!(api.server.requests().is_empty());
}

#[tokio::test]
async fn secrets_are_redacted() {
    let api = Api::start().await;
    let (user_id, value) = api.create_user_token("secret").await;
    let body = json!({ "name": "n", "cf_api_id": user_id, "cf_api_key": value });
    api.post(&format!("/accounts/{ACCOUNT}/ai-search/tokens"), body)
        .await;
    Api::send(
        api.http
            .get(api.url("/user/tokens"))
            .bearer_auth("wrong-but-secret"),
    )
    .await;
    let ai = format!("/accounts/{ACCOUNT}/ai-search/tokens");
    Api::send(
        api.http
            .get(api.url(&ai))
            .header("X-Auth-Email", EMAIL)
            .header("X-Auth-Key", KEY),
    )
    .await;

    let log = serde_json::to_string(&api.server.requests()).unwrap();
    for secret in [value.as_str(), TOKEN, KEY, "wrong-but-secret"] {
        assert!(!log.contains(secret), "{secret} leaked into the log");
    }
    let register = &api.server.requests_for("ai_search_tokens_create")[0];
    assert_eq!(register.body.as_ref().unwrap()["cf_api_key"], "[redacted]");
    assert_eq!(
        register.body.as_ref().unwrap()["cf_api_id"],
        user_id.as_str()
    );
    let lists = api.server.requests_for("ai_search_tokens_list");
    assert_eq!(lists[0].header("x-auth-email"), Some(EMAIL));
    assert_eq!(lists[0].header("x-auth-key"), Some("[redacted]"));
    assert_eq!(
        lists[0].auth,
        AuthUsed::EmailKey {
            email: EMAIL.to_owned()
        }
    );
    assert_eq!(
        api.server.requests_for("user_tokens_list")[0].auth,
        AuthUsed::Invalid
    );
}

#[tokio::test]
async fn admin_api_log_state_seeding_and_reset() {
    let api = Api::start().await;
    let admin = api.server.admin_url();
    let seeded: Value = api
        .http
        .post(format!("{admin}/user_tokens"))
        .json(&json!({ "name": "from admin" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let value = seeded["value"].as_str().unwrap();
    let verify = Api::send(
        api.http
            .get(api.url("/user/tokens/verify"))
            .bearer_auth(value),
    )
    .await;
    assert_eq!(verify.result()["id"], seeded["id"]);
    api.create_ai_search_token("t").await;

    let requests: Vec<RecordedRequest> = api
        .http
        .get(format!("{admin}/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        requests,
        api.server.requests(),
        "admin calls are not logged"
    );
    let creates: Vec<RecordedRequest> = api
        .http
        .get(format!(
            "{admin}/requests?operation=ai_search_tokens_create"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(creates.len(), 1);

    let state: Value = api
        .http
        .get(format!("{admin}/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["user_tokens"].as_array().unwrap().len(), 2);
    assert_eq!(state["ai_search_tokens"][0]["account_id"], ACCOUNT);
    assert!(!state.to_string().contains(value), "state shows no secrets");
    assert_eq!(state, api.server.state());

    let response = api
        .http
        .post(format!("{admin}/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(api.server.requests().is_empty());
    assert!(api.server.user_tokens().is_empty());
    let verify = Api::send(
        api.http
            .get(api.url("/user/tokens/verify"))
            .bearer_auth(value),
    )
    .await;
    assert_eq!(verify.status, 401, "the seeded token is gone");
    assert_eq!(
        api.get("/user/tokens/verify").await.status,
        200,
        "the bootstrap token stays"
    );

    let response = api
        .http
        .get(format!("{admin}/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let response = api.http.put(format!("{admin}/reset")).send().await.unwrap();
    assert_eq!(response.status(), 405);
}

#[tokio::test]
async fn reset_through_the_rust_api() {
    let api = Api::start().await;
    api.create_ai_search_token("t").await;
    api.server
        .inject(fake_cloudflare::Fault::html_502("user_tokens_list"));
    api.server.reset();
    assert!(api.server.ai_search_tokens(ACCOUNT).is_empty());
    assert!(api.server.faults().is_empty());
    assert!(api.server.requests().is_empty());
}
