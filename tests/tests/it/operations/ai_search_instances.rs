//! The AI Search instance operations against a mock server: what each one sends and what it
//! makes of Cloudflare's answers.

use cloudflare_tokens::AiSearchInstancesListQuery;
use cloudflare_tokens::types::{
    AiSearchInstance, AiSearchInstanceCreate, AiSearchInstanceUpdate, AiSearchModel,
    AiSearchSourceType, EmbeddingModel, IndexMethod, InstanceOrderBy, SortDirection, SourceParams,
};
use cloudflare_tokens_tests::ops::*;
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

const INSTANCE_ID: &str = "product-docs";
const TOKEN_UUID: &str = "3f8a6c1e-9b2d-4e57-a0c4-7d1e5f9b2a63";
const USER_ID: &str = "7c5dae5552338874e5053f2534d2767a";

fn instances_path() -> String {
    format!("/accounts/{ACCOUNT_ID}/ai-search/instances")
}

/// An instance id is free text to the client: [`AWKWARD_ID`] must travel as one segment.
fn awkward_instance_path() -> String {
    format!("{}/{AWKWARD_ID_ENCODED}", instances_path())
}

fn instance_path() -> String {
    format!("{}/{INSTANCE_ID}", instances_path())
}

fn token_uuid() -> Uuid {
    TOKEN_UUID.parse().expect("a UUID")
}

/// An instance as AI Search returns it.
fn instance_json(id: &str) -> Value {
    json!({
        "id": id,
        "type": "r2",
        "source": "docs-bucket",
        "source_params": {"prefix": "docs/", "include_items": ["**/*.md"]},
        "token_id": TOKEN_UUID,
        "namespace": "default",
        "status": "ready",
        "enable": true,
        "paused": false,
        "embedding_model": "@cf/baai/bge-m3",
        "ai_search_model": "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
        "index_method": {"keyword": true, "vector": true},
        "chunk": true,
        "chunk_size": 256,
        "chunk_overlap": 10,
        "max_num_results": 10,
        "score_threshold": 0.4,
        "sync_interval": 21600,
        "created_at": "2026-01-21T08:00:00Z",
        "modified_at": "2026-02-10T17:30:45Z",
        "last_activity": "2026-03-02T06:12:09Z",
        "created_by": USER_ID,
        "modified_by": USER_ID,
    })
}

fn assert_instance(instance: &AiSearchInstance, id: &str) {
    assert_eq!(instance.id, id);
    assert_eq!(instance.type_, Some(AiSearchSourceType::R2));
    assert_eq!(instance.source.as_deref(), Some("docs-bucket"));
    let params = instance.source_params.as_ref().expect("source params");
    assert_eq!(params.prefix.as_deref(), Some("docs/"));
    assert_eq!(params.include_items, ["**/*.md"]);
    assert_eq!(instance.token_id.as_deref(), Some(TOKEN_UUID));
    assert_eq!(instance.namespace.as_deref(), Some("default"));
    assert_eq!(instance.status.as_deref(), Some("ready"));
    assert_eq!(instance.enable, Some(true));
    assert_eq!(instance.paused, Some(false));
    assert_eq!(instance.embedding_model, Some(EmbeddingModel::CfBaaiBgeM3));
    assert_eq!(
        instance.ai_search_model,
        Some(AiSearchModel::CfMetaLlama3370bInstructFp8Fast)
    );
    let method = instance.index_method.as_ref().expect("index method");
    assert!(method.keyword && method.vector);
    assert_eq!(instance.chunk_size, Some(256));
    assert_eq!(instance.score_threshold, Some(0.4));
    assert_eq!(instance.sync_interval, Some(21600));
    assert_eq!(instance.created_at, Some(at("2026-01-21T08:00:00Z")));
    assert_eq!(instance.modified_at, Some(at("2026-02-10T17:30:45Z")));
    assert_eq!(instance.last_activity, Some(at("2026-03-02T06:12:09Z")));
    assert_eq!(instance.created_by.as_deref(), Some(USER_ID));
}

// ---- ai_search_instances_list -------------------------------------------------------------

#[tokio::test]
async fn list_sends_every_filter_it_is_given() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(GET), &instances_path());
            let when = exact_query(
                when,
                &[
                    ("namespace", "default"),
                    ("order_by", "created_at"),
                    ("order_by_direction", "asc"),
                    ("page", "1"),
                    ("per_page", "5"),
                    ("search", "docs"),
                ],
            );
            authenticated(when, Auth::Key);
            respond(then, 200, page(vec![instance_json(INSTANCE_ID)], 1, 5, 6));
        })
        .await;
    let query = AiSearchInstancesListQuery {
        namespace: Some("default".into()),
        order_by: Some(InstanceOrderBy::CreatedAt),
        order_by_direction: Some(SortDirection::Asc),
        page: Some(1),
        per_page: Some(5),
        search: Some("docs".into()),
    };
    let listed = client(&server, Auth::Key)
        .ai_search_instances_list(ACCOUNT_ID, &query)
        .await;
    mock.assert_async().await;
    let listed = listed.expect("the list succeeds");
    assert_eq!(listed.items().len(), 1);
    assert_instance(&listed.items()[0], INSTANCE_ID);
    assert_eq!(listed.total_pages(), Some(2));
    assert!(listed.has_next());
    assert_meta(listed.cf_messages(), listed.cf_ray());
}

#[tokio::test]
async fn list_without_filters_sends_no_query() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(GET), &instances_path());
            authenticated(exact_query(when, &[]), Auth::Token);
            respond(then, 200, page(vec![], 1, 20, 0));
        })
        .await;
    let listed = client(&server, Auth::Token)
        .ai_search_instances_list(ACCOUNT_ID, &AiSearchInstancesListQuery::default())
        .await;
    mock.assert_async().await;
    assert!(listed.expect("the list succeeds").items().is_empty());
}

#[tokio::test]
async fn a_listed_token_id_that_is_not_a_uuid_still_decodes() {
    // Request bodies say `token_id` is a UUID; list answers say only "a string", and older
    // instances carry ids of another form. The answer is read in the looser form.
    let mut legacy = instance_json("docs-old");
    legacy["token_id"] = json!("legacy-1");
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            let when = raw_path(when.method(GET), &instances_path());
            authenticated(exact_query(when, &[]), Auth::Token);
            respond(then, 200, page(vec![legacy], 1, 20, 1));
        })
        .await;
    let listed = client(&server, Auth::Token)
        .ai_search_instances_list(ACCOUNT_ID, &AiSearchInstancesListQuery::default())
        .await
        .expect("a legacy token id does not fail the list");
    assert_eq!(listed.items().len(), 1);
    assert_eq!(listed.items()[0].id, "docs-old");
    assert_eq!(listed.items()[0].token_id.as_deref(), Some("legacy-1"));
}

#[tokio::test]
async fn list_all_reads_two_pages_with_two_requests() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for (number, ids) in [(1u64, vec!["docs-en", "docs-fr"]), (2, vec!["docs-de"])] {
        let mock = server
            .mock_async(|when, then| {
                let when = raw_path(when.method(GET), &instances_path());
                let page_number = number.to_string();
                let when = exact_query(
                    when,
                    &[
                        ("namespace", "default"),
                        ("page", &page_number),
                        ("per_page", "2"),
                    ],
                );
                authenticated(when, Auth::Key);
                let items = ids.iter().map(|id| instance_json(id)).collect();
                respond(then, 200, page(items, number, 2, 3));
            })
            .await;
        pages.push(mock);
    }
    let cf = client(&server, Auth::Key);
    let query = AiSearchInstancesListQuery {
        namespace: Some("default".into()),
        per_page: Some(2),
        ..Default::default()
    };
    let ids: Vec<String> = cf
        .ai_search_instances_list_all(ACCOUNT_ID, query)
        .map_ok(|instance| instance.id)
        .try_collect()
        .await
        .expect("every page is read");
    assert_eq!(ids, ["docs-en", "docs-fr", "docs-de"]);
    // One request per page, and none past the last page.
    for mock in &pages {
        mock.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn list_forbidden_names_the_ai_search_permission() {
    // The spec declares only 400 for this operation; a 403 must still be read as Cloudflare's.
    let server = MockServer::start_async().await;
    let mock = refusing(&server, GET, &instances_path(), Auth::Token, 403).await;
    let error = client(&server, Auth::Token)
        .ai_search_instances_list(ACCOUNT_ID, &AiSearchInstancesListQuery::default())
        .await
        .expect_err("a 403 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_instances_list", 403);
    assert_forbidden_hint(
        &error,
        "ai_search_instances_list",
        Some("com.cloudflare.api.account.ai-search"),
    );
}

// ---- ai_search_instances_create -----------------------------------------------------------

#[tokio::test]
async fn create_sends_only_what_is_set() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(POST), &instances_path());
            let when = json_request(
                when,
                json!({
                    "id": INSTANCE_ID,
                    "type": "r2",
                    "source": "docs-bucket",
                    "source_params": {"prefix": "docs/", "include_items": ["**/*.md"]},
                    "token_id": TOKEN_UUID,
                    "embedding_model": "@cf/baai/bge-m3",
                    "index_method": {"keyword": true, "vector": true},
                    "chunk_size": 256,
                }),
            );
            authenticated(exact_query(when, &[]), Auth::Token);
            respond(then, 201, success(instance_json(INSTANCE_ID)));
        })
        .await;
    let body = AiSearchInstanceCreate {
        type_: Some(AiSearchSourceType::R2),
        source: Some("docs-bucket".into()),
        source_params: Some(SourceParams {
            prefix: Some("docs/".into()),
            include_items: vec!["**/*.md".into()],
            ..Default::default()
        }),
        token_id: Some(token_uuid()),
        embedding_model: Some(EmbeddingModel::CfBaaiBgeM3),
        index_method: Some(IndexMethod {
            keyword: true,
            vector: true,
        }),
        chunk_size: Some(256),
        ..AiSearchInstanceCreate::new(INSTANCE_ID)
    };
    let created = client(&server, Auth::Token)
        .ai_search_instances_create(ACCOUNT_ID, &body)
        .await;
    mock.assert_async().await;
    let created = created.expect("create succeeds");
    assert_eq!(created.http_status().as_u16(), 201);
    assert_instance(&created, INSTANCE_ID);
    assert_meta(created.cf_messages(), created.cf_ray());
}

#[tokio::test]
async fn create_with_only_an_id_sends_only_the_id() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(POST), &instances_path());
            let when = json_request(when, json!({"id": INSTANCE_ID}));
            authenticated(when, Auth::Key);
            respond(then, 201, success(instance_json(INSTANCE_ID)));
        })
        .await;
    let created = client(&server, Auth::Key)
        .ai_search_instances_create(ACCOUNT_ID, &AiSearchInstanceCreate::new(INSTANCE_ID))
        .await;
    mock.assert_async().await;
    created.expect("create succeeds");
}

#[tokio::test]
async fn create_forbidden_names_the_ai_search_permission() {
    let server = MockServer::start_async().await;
    let mock = refusing(&server, POST, &instances_path(), Auth::Key, 403).await;
    let error = client(&server, Auth::Key)
        .ai_search_instances_create(ACCOUNT_ID, &AiSearchInstanceCreate::new(INSTANCE_ID))
        .await
        .expect_err("a 403 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_instances_create", 403);
    assert_forbidden_hint(
        &error,
        "ai_search_instances_create",
        Some("com.cloudflare.api.account.ai-search"),
    );
}

#[tokio::test]
async fn create_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(&server, POST, &instances_path(), Auth::Token, 400).await;
    let error = client(&server, Auth::Token)
        .ai_search_instances_create(ACCOUNT_ID, &AiSearchInstanceCreate::new(INSTANCE_ID))
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_instances_create", 400);
}

// ---- ai_search_instances_get --------------------------------------------------------------

#[tokio::test]
async fn get_decodes_the_instance() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(GET), &instance_path());
            authenticated(exact_query(when, &[]), Auth::Token);
            respond(then, 200, success(instance_json(INSTANCE_ID)));
        })
        .await;
    let instance = client(&server, Auth::Token)
        .ai_search_instances_get(ACCOUNT_ID, INSTANCE_ID)
        .await;
    mock.assert_async().await;
    let instance = instance.expect("get succeeds");
    assert_instance(&instance, INSTANCE_ID);
    assert_meta(instance.cf_messages(), instance.cf_ray());
}

#[tokio::test]
async fn get_encodes_the_instance_id() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(GET), &awkward_instance_path());
            authenticated(exact_query(when, &[]), Auth::Key);
            respond(then, 200, success(instance_json(AWKWARD_ID)));
        })
        .await;
    let instance = client(&server, Auth::Key)
        .ai_search_instances_get(ACCOUNT_ID, AWKWARD_ID)
        .await;
    mock.assert_async().await;
    assert_eq!(instance.expect("get succeeds").id, AWKWARD_ID);
}

#[tokio::test]
async fn get_not_found_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(&server, GET, &instance_path(), Auth::Key, 404).await;
    let error = client(&server, Auth::Key)
        .ai_search_instances_get(ACCOUNT_ID, INSTANCE_ID)
        .await
        .expect_err("a 404 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_instances_get", 404);
}

// ---- ai_search_instances_update -----------------------------------------------------------

#[tokio::test]
async fn update_sends_only_what_changes() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(PUT), &instance_path());
            let when = json_request(
                when,
                json!({
                    "paused": true,
                    "max_num_results": 20,
                    "rewrite_query": true,
                    "summarization_model": "@cf/meta/llama-3.1-8b-instruct-fast",
                }),
            );
            authenticated(exact_query(when, &[]), Auth::Key);
            let mut updated = instance_json(INSTANCE_ID);
            updated["paused"] = json!(true);
            updated["max_num_results"] = json!(20);
            respond(then, 200, success(updated));
        })
        .await;
    let body = AiSearchInstanceUpdate {
        paused: Some(true),
        max_num_results: Some(20),
        rewrite_query: Some(true),
        summarization_model: Some(AiSearchModel::CfMetaLlama318bInstructFast),
        ..Default::default()
    };
    let updated = client(&server, Auth::Key)
        .ai_search_instances_update(ACCOUNT_ID, INSTANCE_ID, &body)
        .await;
    mock.assert_async().await;
    let updated = updated.expect("update succeeds");
    assert_eq!(updated.paused, Some(true));
    assert_eq!(updated.max_num_results, Some(20));
    assert_meta(updated.cf_messages(), updated.cf_ray());
}

#[tokio::test]
async fn update_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(&server, PUT, &instance_path(), Auth::Token, 400).await;
    let error = client(&server, Auth::Token)
        .ai_search_instances_update(ACCOUNT_ID, INSTANCE_ID, &AiSearchInstanceUpdate::default())
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_instances_update", 400);
}

// ---- ai_search_instances_delete -----------------------------------------------------------

#[tokio::test]
async fn delete_returns_the_deleted_instance() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(DELETE), &instance_path()).body("");
            authenticated(exact_query(when, &[]), Auth::Token);
            respond(then, 200, success(instance_json(INSTANCE_ID)));
        })
        .await;
    let deleted = client(&server, Auth::Token)
        .ai_search_instances_delete(ACCOUNT_ID, INSTANCE_ID)
        .await;
    mock.assert_async().await;
    let deleted = deleted.expect("delete succeeds");
    assert_instance(&deleted, INSTANCE_ID);
    assert_meta(deleted.cf_messages(), deleted.cf_ray());
}

#[tokio::test]
async fn delete_forbidden_names_the_ai_search_permission() {
    // The spec declares only 404 here; Cloudflare's 403 must still be read.
    let server = MockServer::start_async().await;
    let mock = refusing(&server, DELETE, &instance_path(), Auth::Key, 403).await;
    let error = client(&server, Auth::Key)
        .ai_search_instances_delete(ACCOUNT_ID, INSTANCE_ID)
        .await
        .expect_err("a 403 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_instances_delete", 403);
    assert_forbidden_hint(
        &error,
        "ai_search_instances_delete",
        Some("com.cloudflare.api.account.ai-search"),
    );
}
