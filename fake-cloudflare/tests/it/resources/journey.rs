//! What the documented journey needs beyond the first setup: account-owned tokens, R2 buckets,
//! namespaces and their instances, simulated indexing and search.

use serde_json::{Value, json};
use test_support::fake::http::*;

fn account(path: &str) -> String {
    format!("/accounts/{ACCOUNT}{path}")
}

#[tokio::test]
async fn account_tokens_are_the_accounts_own() {
    let api = Api::start().await;
    let created = api
        .post(
            &account("/tokens"),
            json!({ "name": "acct", "policies": policy() }),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let id = created.result()["id"].as_str().unwrap().to_owned();
    let value = created.result()["value"].as_str().unwrap().to_owned();

    // Listed and fetched on the account's path, never on the user's, nor another account's.
    let listed = api.get(&account("/tokens")).await;
    let ids: Vec<&Value> = listed
        .result()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["id"])
        .collect();
    assert_eq!(ids, [&json!(id)]);
    assert_eq!(api.get("/user/tokens").await.result(), &json!([]));
    assert_error(&api.get(&format!("/user/tokens/{id}")).await, 404, 7003);
    let other = "fedcba9876543210fedcba9876543210";
    assert_error(
        &api.get(&format!("/accounts/{other}/tokens/{id}")).await,
        404,
        7003,
    );

    // Its value authenticates, and verify on the account's path knows it; on the user's, not.
    let verify = api
        .http
        .get(api.url(&account("/tokens/verify")))
        .bearer_auth(&value);
    let verified = Api::send(verify).await;
    assert_eq!(verified.status, 200, "{}", verified.text);
    assert_eq!(verified.result()["id"], id.as_str());
    let user_verify = api
        .http
        .get(api.url("/user/tokens/verify"))
        .bearer_auth(&value);
    assert_error(&Api::send(user_verify).await, 401, 1000);

    // It can be registered with AI Search like a user token.
    let registered = api
        .post(
            &account("/ai-search/tokens"),
            json!({ "name": "acct", "cf_api_id": id, "cf_api_key": value }),
        )
        .await;
    assert_eq!(registered.status, 201, "{}", registered.text);

    let rolled = api
        .put(&account(&format!("/tokens/{id}/value")), json!({}))
        .await;
    assert_eq!(rolled.status, 200);
    assert_ne!(rolled.result(), &json!(value));
    let deleted = api.delete(&account(&format!("/tokens/{id}"))).await;
    assert_eq!(deleted.result(), &json!({ "id": id }));
    assert_eq!(api.server.state()["account_tokens"], json!([]));
}

#[tokio::test]
async fn r2_buckets_are_looked_up_and_created_once() {
    let api = Api::start().await;
    assert_error(&api.get(&account("/r2/buckets/docs")).await, 404, 10006);
    let created = api
        .post(&account("/r2/buckets"), json!({ "name": "docs" }))
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    assert_eq!(created.result()["name"], "docs");
    assert_eq!(created.json["messages"], json!([]));
    let got = api.get(&account("/r2/buckets/docs")).await;
    assert_eq!(got.result(), created.result());
    assert_error(
        &api.post(&account("/r2/buckets"), json!({ "name": "docs" }))
            .await,
        409,
        10004,
    );
    assert_error(
        &api.post(&account("/r2/buckets"), json!({ "name": "No_Caps" }))
            .await,
        400,
        10005,
    );
}

#[tokio::test]
async fn namespaces_hold_instances() {
    let api = Api::start().await;
    let ns = |path: &str| account(&format!("/ai-search/namespaces{path}"));
    // `default` always exists.
    let listed = api.get(&ns("")).await;
    let names: Vec<&Value> = listed
        .result()
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["name"])
        .collect();
    assert_eq!(names, [&json!("default")]);
    assert_error(&api.get(&ns("/docs")).await, 404, 7003);
    assert_error(&api.get(&ns("/docs/instances")).await, 404, 7003);

    let created = api
        .post(&ns(""), json!({ "name": "docs", "description": "guides" }))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.result()["description"], "guides");
    assert_error(
        &api.post(&ns(""), json!({ "name": "docs" })).await,
        400,
        1009,
    );

    let instance = api
        .post(
            &ns("/docs/instances"),
            json!({ "id": "guide", "type": "r2", "source": "b" }),
        )
        .await;
    assert_eq!(instance.status, 201, "{}", instance.text);
    assert_eq!(instance.result()["namespace"], "docs");
    // Seen in its namespace and on the flat paths, not in another namespace.
    assert_eq!(api.get(&ns("/docs/instances/guide")).await.status, 200);
    assert_eq!(
        api.get(&account("/ai-search/instances/guide")).await.status,
        200
    );
    assert_error(&api.get(&ns("/default/instances/guide")).await, 404, 7003);

    // A namespace with an instance in it is not deleted.
    assert_error(&api.delete(&ns("/docs")).await, 400, 1009);
    assert_eq!(api.delete(&ns("/docs/instances/guide")).await.status, 200);
    assert_eq!(api.delete(&ns("/docs")).await.status, 200);
    assert_error(&api.get(&ns("/docs")).await, 404, 7003);
}

/// Reads the stats once: (queued, running, completed).
async fn stats(api: &Api, path: &str) -> (i64, i64, i64) {
    let answer = api.get(path).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let r = answer.result();
    let n = |f: &str| r[f].as_i64().unwrap();
    (n("queued"), n("running"), n("completed"))
}

#[tokio::test]
async fn indexing_moves_on_with_each_read_and_then_search_finds_chunks() {
    let api = Api::start().await;
    api.server.set_indexing(4, 2);
    let created = api
        .post(
            &account("/ai-search/instances"),
            json!({ "id": "docs", "type": "r2", "source": "docs-bucket" }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let path = account("/ai-search/instances/docs/stats");
    // Nothing indexed yet: a search finds nothing.
    let search = account("/ai-search/instances/docs/search");
    let none = api.post(&search, json!({ "query": "setup" })).await;
    assert_eq!(none.result()["chunks"], json!([]));

    assert_eq!(stats(&api, &path).await, (2, 2, 0));
    assert_eq!(stats(&api, &path).await, (0, 0, 4));
    assert_eq!(stats(&api, &path).await, (0, 0, 4));

    let jobs = api.get(&account("/ai-search/instances/docs/jobs")).await;
    let job = &jobs.result()[0];
    assert_eq!(job["end_reason"], "completed");
    let job_id = job["id"].as_str().unwrap();
    let one = api
        .get(&account(&format!(
            "/ai-search/instances/docs/jobs/{job_id}"
        )))
        .await;
    assert_eq!(one.result(), job);
    assert_error(
        &api.get(&account("/ai-search/instances/docs/jobs/nope"))
            .await,
        404,
        7003,
    );

    let found = api
        .post(
            &search,
            json!({ "query": "setup", "ai_search_options": { "retrieval": { "max_num_results": 3 } } }),
        )
        .await;
    assert_eq!(found.status, 200, "{}", found.text);
    let chunks = found.result()["chunks"].as_array().unwrap();
    assert_eq!(chunks.len(), 3);
    assert_eq!(chunks[0]["item"]["key"], "docs-bucket/doc-1.md");
    assert_eq!(chunks[0]["text"], "Part 1 of docs-bucket, about setup.");
    assert_error(&api.post(&search, json!({})).await, 400, 1001);
    assert_error(
        &api.post(
            &search,
            json!({ "query": "x", "ai_search_options": { "retrieval": { "max_num_results": 0.5 } } }),
        )
        .await,
        400,
        1001,
    );
}

#[tokio::test]
async fn the_indexing_plan_survives_a_reset() {
    let api = Api::start().await;
    api.server.set_indexing(1, 0);
    api.server.reset();
    api.post(
        &account("/ai-search/instances"),
        json!({ "id": "docs", "type": "r2", "source": "b" }),
    )
    .await;
    // Zero polls: everything is indexed at the first read.
    assert_eq!(
        stats(&api, &account("/ai-search/instances/docs/stats")).await,
        (0, 0, 1)
    );
}
