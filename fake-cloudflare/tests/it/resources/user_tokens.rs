//! User API tokens and permission groups.

use serde_json::json;
use test_support::fake::http::*;

fn is_hex32(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[tokio::test]
async fn create_get_list_update_roll_delete() {
    let api = Api::start().await;
    let body = json!({
        "name": "ci",
        "policies": policy(),
        "condition": { "request_ip": { "in": ["192.0.2.0/24"] } },
        "expires_on": "2999-01-01T00:00:00Z",
    });
    let created = api.post("/user/tokens", body).await;
    assert_eq!(created.status, 200, "{}", created.text);
    assert_success(&created);
    let token = created.result();
    let id = token["id"].as_str().unwrap().to_owned();
    assert!(is_hex32(&id), "{id}");
    assert_eq!(token["value"].as_str().unwrap().len(), 40);
    assert_eq!(token["name"], "ci");
    assert_eq!(token["status"], "active");
    assert_eq!(token["expires_on"], "2999-01-01T00:00:00Z");
    assert_eq!(token["condition"]["request_ip"]["in"][0], "192.0.2.0/24");
    let first = &token["policies"][0];
    assert!(is_hex32(first["id"].as_str().unwrap()));
    assert_eq!(
        first["permission_groups"][0]["name"],
        "AI Search Index Engine"
    );
    assert!(token["issued_on"].is_string() && token["modified_on"].is_string());

    let got = api.get(&format!("/user/tokens/{id}")).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.result()["id"], id.as_str());
    assert!(
        got.result().get("value").is_none(),
        "value is shown only on create"
    );

    let listed = api.get("/user/tokens").await;
    assert_eq!(listed.result().as_array().unwrap().len(), 1);
    assert!(listed.result()[0].get("value").is_none());

    let update = json!({ "name": "ci renamed", "policies": policy(), "status": "disabled" });
    let updated = api.put(&format!("/user/tokens/{id}"), update).await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.result()["name"], "ci renamed");
    assert_eq!(updated.result()["status"], "disabled");
    assert!(
        updated.result().get("expires_on").is_none(),
        "a PUT replaces the whole token"
    );

    let rolled = api
        .put(&format!("/user/tokens/{id}/value"), json!({}))
        .await;
    assert_eq!(rolled.status, 200);
    let value = rolled.result().as_str().unwrap();
    assert_eq!(value.len(), 40);
    assert_eq!(api.server.user_token_value(&id).as_deref(), Some(value));

    let deleted = api.delete(&format!("/user/tokens/{id}")).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(deleted.result(), &json!({ "id": id }));
    assert_error(&api.get(&format!("/user/tokens/{id}")).await, 404, 7003);
    assert_error(&api.delete(&format!("/user/tokens/{id}")).await, 404, 7003);
    assert_error(
        &api.put(&format!("/user/tokens/{id}/value"), json!({}))
            .await,
        404,
        7003,
    );
}

#[tokio::test]
async fn bad_bodies_are_400() {
    let api = Api::start().await;
    assert_error(
        &api.post("/user/tokens", json!({ "name": "x" })).await,
        400,
        1001,
    );
    assert_error(
        &api.post("/user/tokens", json!({ "policies": policy() }))
            .await,
        400,
        1001,
    );
    assert_error(
        &api.post("/user/tokens", json!({ "name": "x", "policies": [] }))
            .await,
        400,
        1001,
    );
    let unknown_group =
        json!([{ "effect": "allow", "permission_groups": [{ "id": "nope" }], "resources": {} }]);
    assert_error(
        &api.post(
            "/user/tokens",
            json!({ "name": "x", "policies": unknown_group }),
        )
        .await,
        400,
        1001,
    );
    let bad_effect = json!([{ "effect": "maybe", "permission_groups": [{ "id": fake_cloudflare::AI_SEARCH_INDEX_ENGINE }], "resources": {} }]);
    assert_error(
        &api.post(
            "/user/tokens",
            json!({ "name": "x", "policies": bad_effect }),
        )
        .await,
        400,
        1001,
    );
    let bad_time = json!({ "name": "x", "policies": policy(), "not_before": "tomorrow" });
    assert_error(&api.post("/user/tokens", bad_time).await, 400, 1001);
    assert_error(
        &api.post(
            "/user/tokens",
            json!({ "name": "x".repeat(121), "policies": policy() }),
        )
        .await,
        400,
        1001,
    );
    assert_error(&api.post("/user/tokens", json!([1, 2])).await, 400, 1001);

    let malformed = api
        .request(reqwest::Method::POST, "/user/tokens")
        .body("{\"name\": ");
    assert_error(&Api::send(malformed).await, 400, 6007);
    let empty = api.request(reqwest::Method::POST, "/user/tokens");
    assert_error(&Api::send(empty).await, 400, 1001);
    assert!(api.server.user_tokens().is_empty());
}

#[tokio::test]
async fn expired_tokens_are_listed_only_on_request() {
    let api = Api::start().await;
    api.create_user_token("live").await;
    let body = json!({ "name": "old", "policies": policy(), "expires_on": "2000-01-01T00:00:00Z" });
    let created = api.post("/user/tokens", body).await;
    assert_eq!(created.result()["status"], "expired");

    let listed = api.get("/user/tokens").await;
    let names: Vec<_> = listed
        .result()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].clone())
        .collect();
    assert_eq!(names, vec![json!("live")]);
    let listed = api
        .get("/user/tokens?include_expired=true&direction=desc")
        .await;
    let names: Vec<_> = listed
        .result()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].clone())
        .collect();
    assert_eq!(names, vec![json!("old"), json!("live")]);

    // An expired token no longer authenticates.
    let value = created.result()["value"].as_str().unwrap();
    let answer = Api::send(api.http.get(api.url("/user/tokens")).bearer_auth(value)).await;
    assert_error(&answer, 401, 10000);
}

#[tokio::test]
async fn permission_groups_are_seeded_and_filterable() {
    let api = Api::start().await;
    let all = api.get("/user/tokens/permission_groups").await;
    assert_eq!(all.status, 200);
    assert_success(&all);
    let groups = all.result().as_array().unwrap();
    // The catalog: three AI Search groups, two each for user and account API tokens, two for
    // Access, two for zones, two for R2.
    assert_eq!(groups.len(), 14);
    assert_eq!(all.json["result_info"]["total_count"], groups.len());

    let by_name = api
        .get("/user/tokens/permission_groups?name=AI%20Search%20Index%20Engine")
        .await;
    assert_eq!(
        by_name.result(),
        &json!([{
            "id": "9e9b428a0bcd46fd80e580b46a69963c",
            "name": "AI Search Index Engine",
            "category": "ai_and_machine_learning",
            "scopes": ["com.cloudflare.api.account"],
        }])
    );
    let by_scope = api
        .get("/user/tokens/permission_groups?scope=com.cloudflare.api.user")
        .await;
    let scoped = by_scope.result().as_array().unwrap();
    let names: Vec<&str> = scoped.iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["API Tokens Read", "API Tokens Write"]);
    assert!(scoped.iter().all(|g| {
        g["scopes"]
            .as_array()
            .unwrap()
            .contains(&json!("com.cloudflare.api.user"))
    }));
    let none = api.get("/user/tokens/permission_groups?name=Nothing").await;
    assert_eq!(none.result(), &json!([]));
}

#[tokio::test]
async fn unknown_paths_and_methods() {
    let api = Api::start().await;
    assert_error(&api.get("/user/nothing").await, 404, 7000);
    assert_error(
        &api.call(reqwest::Method::PATCH, "/user/tokens", None).await,
        405,
        7001,
    );
    let outside = Api::send(
        api.http
            .get(format!("http://{}/user/tokens", api.server.addr()))
            .bearer_auth(TOKEN),
    )
    .await;
    assert_error(&outside, 404, 7000);
}
