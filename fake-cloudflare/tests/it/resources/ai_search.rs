//! AI Search tokens and instances.

use serde_json::json;
use test_support::fake::http::*;

fn tokens() -> String {
    format!("/accounts/{ACCOUNT}/ai-search/tokens")
}

fn instances() -> String {
    format!("/accounts/{ACCOUNT}/ai-search/instances")
}

#[tokio::test]
async fn token_crud_never_shows_the_key() {
    let api = Api::start().await;
    let (user_id, value) = api.create_user_token("indexer").await;
    let created = api
        .post(
            &tokens(),
            json!({ "name": "indexer", "cf_api_id": user_id, "cf_api_key": value }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_success(&created);
    let token = created.result().clone();
    let id = token["id"].as_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    assert_eq!(token["cf_api_id"], user_id.as_str());
    assert_eq!(token["enabled"], true);
    assert_eq!(token["legacy"], true);
    assert!(!created.text.contains(&value), "the key never comes back");
    assert!(token.get("cf_api_key").is_none());

    let got = api.get(&format!("{}/{id}", tokens())).await;
    assert_eq!(got.result(), &token);
    let listed = api.get(&tokens()).await;
    assert_eq!(listed.result(), &json!([token]));
    assert!(!listed.text.contains(&value));

    // Update: new name and credentials, checked like a create's.
    let (other_id, other_value) = api.create_user_token("other").await;
    let update = json!({ "name": "renamed", "cf_api_id": other_id, "cf_api_key": other_value, "legacy": false });
    let updated = api.put(&format!("{}/{id}", tokens()), update).await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.result()["name"], "renamed");
    assert_eq!(updated.result()["cf_api_id"], other_id.as_str());
    assert_eq!(updated.result()["legacy"], false);
    let stale = json!({ "name": "renamed", "cf_api_id": other_id, "cf_api_key": value });
    assert_error(
        &api.put(&format!("{}/{id}", tokens()), stale).await,
        400,
        7002,
    );

    let deleted = api.delete(&format!("{}/{id}", tokens())).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(
        deleted.result(),
        &json!({}),
        "AI Search answers a delete with {{}}"
    );
    assert_error(&api.get(&format!("{}/{id}", tokens())).await, 404, 7003);
    assert!(api.server.ai_search_tokens(ACCOUNT).is_empty());
}

#[tokio::test]
async fn token_create_checks_the_credentials() {
    let api = Api::start().await;
    let (user_id, value) = api.create_user_token("indexer").await;
    let cases = [
        json!({ "name": "x", "cf_api_id": user_id, "cf_api_key": "wrong" }),
        json!({ "name": "x", "cf_api_id": "0".repeat(32), "cf_api_key": value }),
    ];
    for body in cases {
        assert_error(&api.post(&tokens(), body).await, 400, 7002);
    }
    let missing_key = json!({ "name": "x", "cf_api_id": user_id });
    assert_error(&api.post(&tokens(), missing_key).await, 400, 1001);

    // A rolled token's old value no longer registers.
    api.put(&format!("/user/tokens/{user_id}/value"), json!({}))
        .await;
    let old = json!({ "name": "x", "cf_api_id": user_id, "cf_api_key": value });
    assert_error(&api.post(&tokens(), old).await, 400, 7002);
    let current = api.server.user_token_value(&user_id).unwrap();
    let ok = json!({ "name": "x", "cf_api_id": user_id, "cf_api_key": current });
    assert_eq!(api.post(&tokens(), ok).await.status, 201);
}

#[tokio::test]
async fn token_ids_are_uuids_and_accounts_are_separate() {
    let api = Api::start().await;
    let id = api.create_ai_search_token("t").await;
    assert_error(
        &api.get(&format!("{}/not-a-uuid", tokens())).await,
        400,
        1001,
    );
    assert_error(
        &api.get(&format!("/accounts/other/ai-search/tokens/{id}"))
            .await,
        404,
        7003,
    );
    let other = api.get("/accounts/other/ai-search/tokens").await;
    assert_eq!(other.result(), &json!([]));
}

#[tokio::test]
async fn instance_crud() {
    let api = Api::start().await;
    let token_id = api.create_ai_search_token("t").await;
    let body = json!({
        "id": "docs",
        "token_id": token_id,
        "type": "r2",
        "source": "my-bucket",
        "max_num_results": 20,
        "source_params": { "prefix": "docs/" },
        "unknown_field": 1,
    });
    let created = api.post(&instances(), body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_success(&created);
    let instance = created.result().clone();
    assert_eq!(instance["id"], "docs");
    assert_eq!(instance["token_id"], token_id.as_str());
    assert_eq!(instance["type"], "r2");
    assert_eq!(instance["max_num_results"], 20);
    assert_eq!(instance["source_params"]["prefix"], "docs/");
    // The spec's defaults fill what the body leaves out.
    assert_eq!(instance["cache"], true);
    assert_eq!(instance["sync_interval"], 21600);
    assert_eq!(
        instance["index_method"],
        json!({ "keyword": false, "vector": true })
    );
    assert!(instance["created_at"].is_string() && instance["modified_at"].is_string());
    assert!(instance.get("unknown_field").is_none());

    assert_eq!(
        api.get(&format!("{}/docs", instances())).await.result(),
        &instance
    );

    let duplicate = api
        .post(&instances(), json!({ "id": "docs", "token_id": token_id }))
        .await;
    assert_error(&duplicate, 400, 1009);

    let updated = api
        .put(
            &format!("{}/docs", instances()),
            json!({ "paused": true, "max_num_results": 5 }),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.result()["paused"], true);
    assert_eq!(updated.result()["max_num_results"], 5);
    assert_eq!(
        updated.result()["source"],
        "my-bucket",
        "fields left out keep their values"
    );

    let deleted = api.delete(&format!("{}/docs", instances())).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(deleted.result()["id"], "docs");
    assert_error(&api.get(&format!("{}/docs", instances())).await, 404, 7003);
    assert_error(
        &api.delete(&format!("{}/docs", instances())).await,
        404,
        7003,
    );
}

#[tokio::test]
async fn instance_create_takes_only_a_token_of_the_account() {
    let api = Api::start().await;
    let token_id = api.create_ai_search_token("t").await;
    // Without a token (a website needs none): created, and listed with `token_id: null`.
    let website = json!({ "id": "web", "type": "web-crawler", "source": "example.com" });
    let created = api.post(&instances(), website).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert!(created.result().get("token_id").is_none());
    let listed = api.get(&instances()).await;
    assert_eq!(listed.result()[0]["token_id"], serde_json::Value::Null);
    let unknown = json!({ "id": "a", "token_id": uuid::Uuid::nil().to_string() });
    assert_error(&api.post(&instances(), unknown).await, 400, 7002);
    let elsewhere = api
        .post(
            "/accounts/other/ai-search/instances",
            json!({ "id": "a", "token_id": token_id }),
        )
        .await;
    assert_error(&elsewhere, 400, 7002);
    assert_error(
        &api.post(&instances(), json!({ "token_id": token_id }))
            .await,
        400,
        1001,
    );
    assert_error(
        &api.post(
            &instances(),
            json!({ "id": "no/slash", "token_id": token_id }),
        )
        .await,
        400,
        1001,
    );
    let bad_setting = json!({ "id": "a", "token_id": token_id, "sync_interval": 5 });
    assert_error(&api.post(&instances(), bad_setting).await, 400, 1001);
    let bad_type = json!({ "id": "a", "token_id": token_id, "cache": "yes" });
    assert_error(&api.post(&instances(), bad_type).await, 400, 1001);
    let ids: Vec<_> = api
        .server
        .ai_search_instances(ACCOUNT)
        .iter()
        .map(|i| i["id"].clone())
        .collect();
    assert_eq!(ids, [json!("web")], "only the website instance was created");
}

#[tokio::test]
async fn tokens_in_use_cannot_be_deleted() {
    let api = Api::start().await;
    let token_id = api.create_ai_search_token("t").await;
    api.post(&instances(), json!({ "id": "a", "token_id": token_id }))
        .await;
    assert_error(
        &api.delete(&format!("{}/{token_id}", tokens())).await,
        409,
        1009,
    );
    api.delete(&format!("{}/a", instances())).await;
    assert_eq!(
        api.delete(&format!("{}/{token_id}", tokens())).await.status,
        200
    );
}

#[tokio::test]
async fn instance_list_order_and_filters() {
    let api = Api::start().await;
    let token_id = api.create_ai_search_token("t").await;
    for (id, namespace) in [("alpha", "x"), ("beta", "y"), ("alphabet", "x")] {
        let body = json!({ "id": id, "token_id": token_id, "namespace": namespace });
        assert_eq!(api.post(&instances(), body).await.status, 201);
    }
    let ids = |answer: &Answer| -> Vec<String> {
        answer
            .result()
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        ids(&api.get(&instances()).await),
        ["alphabet", "beta", "alpha"],
        "newest first by default"
    );
    let ascending = api
        .get(&format!(
            "{}?order_by=created_at&order_by_direction=asc",
            instances()
        ))
        .await;
    assert_eq!(ids(&ascending), ["alpha", "beta", "alphabet"]);
    assert_eq!(
        ids(&api.get(&format!("{}?search=alpha", instances())).await),
        ["alphabet", "alpha"]
    );
    assert_eq!(
        ids(&api.get(&format!("{}?namespace=y", instances())).await),
        ["beta"]
    );
    assert_error(
        &api.get(&format!("{}?order_by=name", instances())).await,
        400,
        1001,
    );
}

#[tokio::test]
async fn ai_search_answers_as_its_guides_and_schemas_show() {
    let api = Api::start().await;
    let token_id = api.create_ai_search_token("t").await;
    let created = api
        .post(&instances(), json!({ "id": "docs", "token_id": token_id }))
        .await;
    // Timestamps like `2025-12-25 01:52:28`: a space, no zone.
    let at = created.result()["created_at"].as_str().unwrap().to_string();
    assert_eq!(at.len(), 19, "{at}");
    assert!(
        chrono::NaiveDateTime::parse_from_str(&at, "%Y-%m-%d %H:%M:%S").is_ok(),
        "{at}"
    );
    // A list item has every field the list's schema requires, null where unset.
    let listed = api.get(&instances()).await;
    let item = listed.result()[0].as_object().unwrap();
    for field in [
        "namespace",
        "embedding_model",
        "public_endpoint_id",
        "source",
        "type",
    ] {
        assert!(item.contains_key(field), "{field} is listed");
    }
    assert_eq!(item["public_endpoint_id"], serde_json::Value::Null);
    // Errors carry a `path`: the field's, or empty.
    let missing = api.post(&instances(), json!({})).await;
    assert_error(&missing, 400, 1001);
    assert_eq!(missing.json["errors"][0]["path"], json!(["body", "id"]));
    let unknown = api.get(&format!("{}/nope", instances())).await;
    assert_error(&unknown, 404, 7003);
    assert_eq!(unknown.json["errors"][0]["path"], json!([]));
}
