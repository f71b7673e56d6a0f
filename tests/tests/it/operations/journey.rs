//! The journey's operations against a mock server, beyond their refusals (in `refusals`): the
//! paged lists (account-owned tokens, AI Search namespaces, their instances, indexing jobs flat
//! and namespaced) are read through their streams, and the answers the journey relies on
//! (search, stats, R2 buckets) decode.

use cloudflare_tokens::types;
use cloudflare_tokens_tests::ops::*;
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;

use super::placeholders::*;

fn query() -> types::AiSearchQuery {
    types::AiSearchQuery {
        query: Some("how do I set up".into()),
        ..Default::default()
    }
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
