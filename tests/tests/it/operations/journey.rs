//! The journey's operations against a mock server: account-owned tokens, AI Search namespaces
//! and their instances, indexing jobs, stats and search (flat and namespaced), R2 buckets. Each
//! is refused once (the error names it, its status and Cloudflare's codes); the paged lists are
//! read through their streams; the answers the journey relies on decode.

use std::collections::BTreeMap;

use cloudflare_tokens::types;
use cloudflare_tokens_tests::ops::*;
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;

const TOKEN_ID: &str = "ed17574386854bf78a67040be0a770b0";
const NS: &str = "docs";
const ID: &str = "docs-search";
const JOB: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const BUCKET: &str = "docs-bucket";

fn path(template: &str) -> String {
    template
        .replace("{A}", ACCOUNT_ID)
        .replace("{T}", TOKEN_ID)
        .replace("{N}", NS)
        .replace("{I}", ID)
        .replace("{J}", JOB)
        .replace("{B}", BUCKET)
}

fn policy() -> types::TokenPolicy {
    types::TokenPolicy::new(
        types::PolicyEffect::Allow,
        vec![types::PolicyPermissionGroup::new(
            "9e9b428a0bcd46fd80e580b46a69963c",
        )],
        BTreeMap::from([(
            format!("com.cloudflare.api.account.{ACCOUNT_ID}"),
            types::PolicyResourceValue::String("*".into()),
        )]),
    )
}

fn query() -> types::AiSearchQuery {
    types::AiSearchQuery {
        query: Some("how do I set up".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn account_permission_groups_list_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        GET,
        &path("/accounts/{A}/tokens/permission_groups"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .account_permission_groups_list(ACCOUNT_ID, &Default::default())
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "account_permission_groups_list", 400);
}

#[tokio::test]
async fn account_tokens_create_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        POST,
        &path("/accounts/{A}/tokens"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .account_tokens_create(
            ACCOUNT_ID,
            &types::AccountTokenCreate::new("n", vec![policy()]),
        )
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "account_tokens_create", 400);
}

#[tokio::test]
async fn account_tokens_delete_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        DELETE,
        &path("/accounts/{A}/tokens/{T}"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .account_tokens_delete(ACCOUNT_ID, TOKEN_ID)
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "account_tokens_delete", 400);
}

#[tokio::test]
async fn account_tokens_get_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        GET,
        &path("/accounts/{A}/tokens/{T}"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .account_tokens_get(ACCOUNT_ID, TOKEN_ID)
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "account_tokens_get", 400);
}

#[tokio::test]
async fn account_tokens_list_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        GET,
        &path("/accounts/{A}/tokens"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .account_tokens_list(ACCOUNT_ID, &Default::default())
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "account_tokens_list", 400);
}

#[tokio::test]
async fn account_tokens_roll_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        PUT,
        &path("/accounts/{A}/tokens/{T}/value"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .account_tokens_roll(ACCOUNT_ID, TOKEN_ID)
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "account_tokens_roll", 400);
}

#[tokio::test]
async fn account_tokens_update_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        PUT,
        &path("/accounts/{A}/tokens/{T}"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .account_tokens_update(
            ACCOUNT_ID,
            TOKEN_ID,
            &types::AccountTokenUpdate::new("n", vec![policy()]),
        )
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "account_tokens_update", 400);
}

#[tokio::test]
async fn account_tokens_verify_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        GET,
        &path("/accounts/{A}/tokens/verify"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .account_tokens_verify(ACCOUNT_ID)
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "account_tokens_verify", 400);
}

#[tokio::test]
async fn ai_search_namespaces_list_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        GET,
        &path("/accounts/{A}/ai-search/namespaces"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .ai_search_namespaces_list(ACCOUNT_ID, &Default::default())
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_namespaces_list", 400);
}

#[tokio::test]
async fn ai_search_namespaces_create_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        POST,
        &path("/accounts/{A}/ai-search/namespaces"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .ai_search_namespaces_create(ACCOUNT_ID, &types::AiSearchNamespaceCreate::new(NS))
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_namespaces_create", 400);
}

#[tokio::test]
async fn ai_search_namespaces_get_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        GET,
        &path("/accounts/{A}/ai-search/namespaces/{N}"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .ai_search_namespaces_get(ACCOUNT_ID, NS)
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_namespaces_get", 400);
}

#[tokio::test]
async fn ai_search_namespaces_update_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        PUT,
        &path("/accounts/{A}/ai-search/namespaces/{N}"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .ai_search_namespaces_update(ACCOUNT_ID, NS, &types::AiSearchNamespaceUpdate::default())
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_namespaces_update", 400);
}

#[tokio::test]
async fn ai_search_namespaces_delete_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        DELETE,
        &path("/accounts/{A}/ai-search/namespaces/{N}"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .ai_search_namespaces_delete(ACCOUNT_ID, NS)
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_namespaces_delete", 400);
}

#[tokio::test]
async fn ai_search_namespace_instances_list_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        GET,
        &path("/accounts/{A}/ai-search/namespaces/{N}/instances"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .ai_search_namespace_instances_list(ACCOUNT_ID, NS, &Default::default())
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_namespace_instances_list", 400);
}

#[tokio::test]
async fn ai_search_namespace_instances_create_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        POST,
        &path("/accounts/{A}/ai-search/namespaces/{N}/instances"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .ai_search_namespace_instances_create(
            ACCOUNT_ID,
            NS,
            &types::AiSearchInstanceCreate::new(ID),
        )
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_namespace_instances_create", 400);
}

#[tokio::test]
async fn ai_search_namespace_instances_get_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        GET,
        &path("/accounts/{A}/ai-search/namespaces/{N}/instances/{I}"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .ai_search_namespace_instances_get(ACCOUNT_ID, NS, ID)
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_namespace_instances_get", 400);
}

#[tokio::test]
async fn ai_search_namespace_instances_update_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        PUT,
        &path("/accounts/{A}/ai-search/namespaces/{N}/instances/{I}"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .ai_search_namespace_instances_update(
            ACCOUNT_ID,
            NS,
            ID,
            &types::AiSearchInstanceUpdate::default(),
        )
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_namespace_instances_update", 400);
}

#[tokio::test]
async fn ai_search_namespace_instances_delete_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        DELETE,
        &path("/accounts/{A}/ai-search/namespaces/{N}/instances/{I}"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .ai_search_namespace_instances_delete(ACCOUNT_ID, NS, ID)
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_namespace_instances_delete", 400);
}

#[tokio::test]
async fn ai_search_jobs_list_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        GET,
        &path("/accounts/{A}/ai-search/instances/{I}/jobs"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .ai_search_jobs_list(ACCOUNT_ID, ID, &Default::default())
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_jobs_list", 400);
}

#[tokio::test]
async fn ai_search_jobs_get_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        GET,
        &path("/accounts/{A}/ai-search/instances/{I}/jobs/{J}"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .ai_search_jobs_get(ACCOUNT_ID, ID, JOB)
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_jobs_get", 400);
}

#[tokio::test]
async fn ai_search_stats_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        GET,
        &path("/accounts/{A}/ai-search/instances/{I}/stats"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .ai_search_stats(ACCOUNT_ID, ID)
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_stats", 400);
}

#[tokio::test]
async fn ai_search_search_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        POST,
        &path("/accounts/{A}/ai-search/instances/{I}/search"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .ai_search_search(ACCOUNT_ID, ID, &query())
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_search", 400);
}

#[tokio::test]
async fn ai_search_namespace_jobs_list_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        GET,
        &path("/accounts/{A}/ai-search/namespaces/{N}/instances/{I}/jobs"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .ai_search_namespace_jobs_list(ACCOUNT_ID, NS, ID, &Default::default())
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_namespace_jobs_list", 400);
}

#[tokio::test]
async fn ai_search_namespace_jobs_get_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        GET,
        &path("/accounts/{A}/ai-search/namespaces/{N}/instances/{I}/jobs/{J}"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .ai_search_namespace_jobs_get(ACCOUNT_ID, NS, ID, JOB)
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_namespace_jobs_get", 400);
}

#[tokio::test]
async fn ai_search_namespace_stats_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        GET,
        &path("/accounts/{A}/ai-search/namespaces/{N}/instances/{I}/stats"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .ai_search_namespace_stats(ACCOUNT_ID, NS, ID)
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_namespace_stats", 400);
}

#[tokio::test]
async fn ai_search_namespace_search_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        POST,
        &path("/accounts/{A}/ai-search/namespaces/{N}/instances/{I}/search"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .ai_search_namespace_search(ACCOUNT_ID, NS, ID, &query())
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_namespace_search", 400);
}

#[tokio::test]
async fn r2_buckets_get_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        GET,
        &path("/accounts/{A}/r2/buckets/{B}"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .r2_buckets_get(ACCOUNT_ID, BUCKET)
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "r2_buckets_get", 400);
}

#[tokio::test]
async fn r2_buckets_create_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        POST,
        &path("/accounts/{A}/r2/buckets"),
        Auth::Token,
        400,
    )
    .await;
    let cf = client(&server, Auth::Token);
    let error = cf
        .r2_buckets_create(ACCOUNT_ID, &types::R2BucketCreate::new(BUCKET))
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "r2_buckets_create", 400);
}

#[tokio::test]
async fn the_paged_lists_are_read_through_their_streams() {
    let server = MockServer::start_async().await;
    let mut mocks = Vec::new();
    let lists = [
        (
            "/accounts/{A}/tokens",
            json!({ "id": TOKEN_ID, "name": "n", "policies": [] }),
        ),
        ("/accounts/{A}/ai-search/namespaces", json!({ "name": NS })),
        (
            "/accounts/{A}/ai-search/namespaces/{N}/instances",
            json!({ "id": ID }),
        ),
        (
            "/accounts/{A}/ai-search/instances/{I}/jobs",
            json!({ "id": JOB, "source": "user" }),
        ),
        (
            "/accounts/{A}/ai-search/namespaces/{N}/instances/{I}/jobs",
            json!({ "id": JOB, "source": "schedule" }),
        ),
    ];
    for (template, item) in &lists {
        let mock = server
            .mock_async(|when, then| {
                let when = raw_path(when.method(GET), &path(template));
                authenticated(when, Auth::Token);
                respond(then, 200, page(vec![item.clone()], 1, 50, 1));
            })
            .await;
        mocks.push(mock);
    }
    let cf = client(&server, Auth::Token);
    let tokens: Vec<types::AccountToken> = cf
        .account_tokens_list_all(ACCOUNT_ID, Default::default())
        .try_collect()
        .await
        .expect("account tokens");
    assert_eq!(tokens[0].id.as_deref(), Some(TOKEN_ID));
    let namespaces: Vec<types::AiSearchNamespace> = cf
        .ai_search_namespaces_list_all(ACCOUNT_ID, Default::default())
        .try_collect()
        .await
        .expect("namespaces");
    assert_eq!(namespaces[0].name, NS);
    let instances: Vec<types::AiSearchInstance> = cf
        .ai_search_namespace_instances_list_all(ACCOUNT_ID, NS, Default::default())
        .try_collect()
        .await
        .expect("instances");
    assert_eq!(instances[0].id, ID);
    let jobs: Vec<types::AiSearchJob> = cf
        .ai_search_jobs_list_all(ACCOUNT_ID, ID, Default::default())
        .try_collect()
        .await
        .expect("jobs");
    assert_eq!(jobs[0].source, types::AiSearchJobSource::User);
    let jobs: Vec<types::AiSearchJob> = cf
        .ai_search_namespace_jobs_list_all(ACCOUNT_ID, NS, ID, Default::default())
        .try_collect()
        .await
        .expect("namespaced jobs");
    assert_eq!(jobs[0].source, types::AiSearchJobSource::Schedule);
    for mock in mocks {
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn search_stats_and_buckets_decode_as_cloudflare_sends_them() {
    let server = MockServer::start_async().await;
    let search = server
        .mock_async(|when, then| {
            let when = raw_path(
                when.method(POST),
                &path("/accounts/{A}/ai-search/instances/{I}/search"),
            );
            let when = json_request(when, json!({ "query": "how do I set up" }));
            authenticated(when, Auth::Token);
            respond(
                then,
                200,
                json!({ "success": true, "result": {
                    "query_kind": "text",
                    "search_query": "how do I set up",
                    "chunks": [{ "id": "c1", "type": "text", "score": 0.9, "text": "Part 1",
                                 "item": { "key": "docs/a.md" } }],
                } }),
            );
        })
        .await;
    let stats = server
        .mock_async(|when, then| {
            let when = raw_path(
                when.method(GET),
                &path("/accounts/{A}/ai-search/instances/{I}/stats"),
            );
            authenticated(when, Auth::Token);
            respond(
                then,
                200,
                json!({ "success": true, "result": { "queued": 2, "running": 1, "completed": 3 } }),
            );
        })
        .await;
    // R2's envelope carries its messages as plain strings.
    let bucket = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(GET), &path("/accounts/{A}/r2/buckets/{B}"));
            authenticated(when, Auth::Token);
            respond(
                then,
                200,
                json!({ "success": true, "errors": [], "messages": ["fine"],
                        "result": { "name": BUCKET, "location": "enam" } }),
            );
        })
        .await;
    let cf = client(&server, Auth::Token);
    let found = cf
        .ai_search_search(ACCOUNT_ID, ID, &query())
        .await
        .expect("a search")
        .into_result();
    assert_eq!(found.chunks.len(), 1);
    assert_eq!(
        found.chunks[0].item.as_ref().map(|i| i.key.as_str()),
        Some("docs/a.md")
    );
    let counts = cf
        .ai_search_stats(ACCOUNT_ID, ID)
        .await
        .expect("stats")
        .into_result();
    assert_eq!(
        (counts.queued, counts.running, counts.completed),
        (Some(2), Some(1), Some(3))
    );
    let got = cf
        .r2_buckets_get(ACCOUNT_ID, BUCKET)
        .await
        .expect("a bucket")
        .into_result();
    assert_eq!(got.name.as_deref(), Some(BUCKET));
    for mock in [search, stats, bucket] {
        mock.assert_async().await;
    }
}
