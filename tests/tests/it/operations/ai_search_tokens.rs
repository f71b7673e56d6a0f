//! The AI Search service token operations against a mock server: what each one sends (the
//! registered API key included, in clear, since AI Search needs it) and what it makes of
//! Cloudflare's answers.

use cloudflare_tokens::AiSearchTokensListQuery;
use cloudflare_tokens::types::{
    AiSearchTokenCreate, AiSearchTokenCreateRequired, AiSearchTokenUpdate,
    AiSearchTokenUpdateRequired,
};
use cloudflare_tokens_tests::ops::*;
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

const TOKEN_UUID: &str = "3f8a6c1e-9b2d-4e57-a0c4-7d1e5f9b2a63";
/// The id of the Cloudflare API token being registered (32 hex).
const CF_API_ID: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
/// Its secret value, which AI Search must receive to act with it.
const CF_API_KEY: &str = "Zt4uV8wX1yA5bC9dE3fG7hJ2kL6mN0pQ4rS8tU2v";
const USER_ID: &str = "7c5dae5552338874e5053f2534d2767a";

fn tokens_path() -> String {
    format!("/accounts/{ACCOUNT_ID}/ai-search/tokens")
}

fn token_path() -> String {
    format!("{}/{TOKEN_UUID}", tokens_path())
}

fn uuid() -> Uuid {
    TOKEN_UUID.parse().expect("a UUID")
}

/// A registered token as AI Search returns it: never with the key.
fn token_json(id: &str, name: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "cf_api_id": CF_API_ID,
        "enabled": true,
        "legacy": false,
        "created_at": "2026-01-20T11:03:27Z",
        "modified_at": "2026-02-02T09:15:00Z",
        "created_by": USER_ID,
        "modified_by": null,
    })
}

fn assert_token(token: &cloudflare_tokens::types::AiSearchToken, name: &str) {
    assert_eq!(token.id, Some(uuid()));
    assert_eq!(token.name.as_deref(), Some(name));
    assert_eq!(token.cf_api_id.as_deref(), Some(CF_API_ID));
    assert_eq!(token.enabled, Some(true));
    assert_eq!(token.legacy, Some(false));
    assert_eq!(token.created_at, Some(at("2026-01-20T11:03:27Z")));
    assert_eq!(token.modified_at, Some(at("2026-02-02T09:15:00Z")));
    assert_eq!(token.created_by.as_deref(), Some(USER_ID));
    assert_eq!(token.modified_by, None);
}

// ---- ai_search_tokens_list ----------------------------------------------------------------

#[tokio::test]
async fn list_sends_every_filter_it_is_given() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(GET), &tokens_path());
            let when = exact_query(
                when,
                &[
                    ("page", "2"),
                    ("per_page", "10"),
                    ("search", "docs indexer"),
                ],
            );
            authenticated(when, Auth::Token);
            respond(
                then,
                200,
                page(vec![token_json(TOKEN_UUID, "docs indexer")], 2, 10, 11),
            );
        })
        .await;
    let query = AiSearchTokensListQuery {
        page: Some(2),
        per_page: Some(10),
        search: Some("docs indexer".into()),
    };
    let listed = client(&server, Auth::Token)
        .ai_search_tokens_list(ACCOUNT_ID, &query)
        .await;
    mock.assert_async().await;
    let listed = listed.expect("the list succeeds");
    assert_eq!(listed.items().len(), 1);
    assert_token(&listed.items()[0], "docs indexer");
    assert_eq!(listed.total_pages(), Some(2));
    assert!(!listed.has_next());
    assert_meta(listed.cf_messages(), listed.cf_ray());
}

#[tokio::test]
async fn list_without_filters_sends_no_query() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(GET), &tokens_path());
            authenticated(exact_query(when, &[]), Auth::Key);
            // AI Search reports only the total count, not the number of pages.
            respond(
                then,
                200,
                json!({
                    "success": true,
                    "result": [token_json(TOKEN_UUID, "docs indexer")],
                    "result_info": {"count": 1, "page": 1, "per_page": 20, "total_count": 1},
                }),
            );
        })
        .await;
    let listed = client(&server, Auth::Key)
        .ai_search_tokens_list(ACCOUNT_ID, &AiSearchTokensListQuery::default())
        .await;
    mock.assert_async().await;
    let listed = listed.expect("the list succeeds");
    assert_eq!(listed.items().len(), 1);
    assert_eq!(listed.total_pages(), Some(1));
    assert!(!listed.has_next());
    // AI Search leaves out `errors` and `messages`: a success needs neither.
    assert!(listed.cf_messages().is_empty());
    assert_eq!(listed.cf_ray(), Some(CF_RAY));
}

#[tokio::test]
async fn list_all_reads_two_pages_with_two_requests() {
    let server = MockServer::start_async().await;
    let ids = [
        "0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b",
        "1f2a3b4c-5d6e-4f70-9bac-1d2e3f4a5b6c",
        "2a3b4c5d-6e7f-4081-acbd-2e3f4a5b6c7d",
    ];
    let mut pages = Vec::new();
    for (number, on_page) in [(1u64, &ids[..2]), (2, &ids[2..])] {
        let mock = server
            .mock_async(|when, then| {
                let when = raw_path(when.method(GET), &tokens_path());
                let page_number = number.to_string();
                let when = exact_query(when, &[("page", &page_number), ("per_page", "2")]);
                authenticated(when, Auth::Token);
                let items = on_page.iter().map(|id| token_json(id, "t")).collect();
                // Only the total count, as AI Search sends it: pages are worked out from it.
                let mut body = page(items, number, 2, 3);
                body["result_info"]
                    .as_object_mut()
                    .unwrap()
                    .remove("total_pages");
                respond(then, 200, body);
            })
            .await;
        pages.push(mock);
    }
    let cf = client(&server, Auth::Token);
    let query = AiSearchTokensListQuery {
        per_page: Some(2),
        ..Default::default()
    };
    let seen: Vec<Uuid> = cf
        .ai_search_tokens_list_all(ACCOUNT_ID, query)
        .map_ok(|t| t.id.expect("an id"))
        .try_collect()
        .await
        .expect("every page is read");
    let expected: Vec<Uuid> = ids.iter().map(|id| id.parse().unwrap()).collect();
    assert_eq!(seen, expected);
    // One request per page, and none past the last page.
    for mock in &pages {
        mock.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn list_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(&server, GET, &tokens_path(), Auth::Key, 400).await;
    let error = client(&server, Auth::Key)
        .ai_search_tokens_list(ACCOUNT_ID, &AiSearchTokensListQuery::default())
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_tokens_list", 400);
}

// ---- ai_search_tokens_create --------------------------------------------------------------

#[tokio::test]
async fn create_sends_the_api_key_in_clear() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(POST), &tokens_path());
            // `legacy` is left unset and must be absent.
            let when = json_request(
                when,
                json!({"cf_api_id": CF_API_ID, "cf_api_key": CF_API_KEY, "name": "docs indexer"}),
            );
            authenticated(exact_query(when, &[]), Auth::Token);
            respond(then, 201, success(token_json(TOKEN_UUID, "docs indexer")));
        })
        .await;
    let body = AiSearchTokenCreate::new(AiSearchTokenCreateRequired {
        cf_api_id: CF_API_ID.into(),
        cf_api_key: CF_API_KEY.into(),
        name: "docs indexer".into(),
    });
    let created = client(&server, Auth::Token)
        .ai_search_tokens_create(ACCOUNT_ID, &body)
        .await;
    mock.assert_async().await;
    let created = created.expect("create succeeds");
    assert_eq!(created.http_status().as_u16(), 201);
    assert_token(&created, "docs indexer");
    assert_meta(created.cf_messages(), created.cf_ray());
    // The body keeps the key out of debug output even though it sends it.
    assert!(!format!("{body:?}").contains(CF_API_KEY));
}

#[tokio::test]
async fn create_sends_legacy_when_set() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(POST), &tokens_path());
            let when = json_request(
                when,
                json!({
                    "cf_api_id": CF_API_ID,
                    "cf_api_key": CF_API_KEY,
                    "name": "docs indexer",
                    "legacy": true,
                }),
            );
            authenticated(when, Auth::Key);
            respond(then, 201, success(token_json(TOKEN_UUID, "docs indexer")));
        })
        .await;
    let body = AiSearchTokenCreate {
        legacy: Some(true),
        ..AiSearchTokenCreate::new(AiSearchTokenCreateRequired {
            cf_api_id: CF_API_ID.into(),
            cf_api_key: CF_API_KEY.into(),
            name: "docs indexer".into(),
        })
    };
    let created = client(&server, Auth::Key)
        .ai_search_tokens_create(ACCOUNT_ID, &body)
        .await;
    mock.assert_async().await;
    created.expect("create succeeds");
}

#[tokio::test]
async fn create_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(&server, POST, &tokens_path(), Auth::Key, 400).await;
    let body = AiSearchTokenCreate::new(AiSearchTokenCreateRequired {
        cf_api_id: CF_API_ID.into(),
        cf_api_key: CF_API_KEY.into(),
        name: "docs indexer".into(),
    });
    let error = client(&server, Auth::Key)
        .ai_search_tokens_create(ACCOUNT_ID, &body)
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_tokens_create", 400);
    assert!(!format!("{error} {error:?}").contains(CF_API_KEY));
}

#[tokio::test]
async fn create_forbidden_names_the_ai_search_permission() {
    // The spec declares no 403 for this operation; Cloudflare's refusal must still be read.
    let server = MockServer::start_async().await;
    let mock = refusing(&server, POST, &tokens_path(), Auth::Token, 403).await;
    let body = AiSearchTokenCreate::new(AiSearchTokenCreateRequired {
        cf_api_id: CF_API_ID.into(),
        cf_api_key: CF_API_KEY.into(),
        name: "docs indexer".into(),
    });
    let error = client(&server, Auth::Token)
        .ai_search_tokens_create(ACCOUNT_ID, &body)
        .await
        .expect_err("a 403 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_tokens_create", 403);
    assert_forbidden_hint(
        &error,
        "ai_search_tokens_create",
        Some("com.cloudflare.api.account.ai-search"),
    );
}

// ---- ai_search_tokens_get -----------------------------------------------------------------

#[tokio::test]
async fn get_puts_the_uuid_in_the_path() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(GET), &token_path());
            authenticated(exact_query(when, &[]), Auth::Key);
            respond(then, 200, success(token_json(TOKEN_UUID, "docs indexer")));
        })
        .await;
    let token = client(&server, Auth::Key)
        .ai_search_tokens_get(ACCOUNT_ID, &uuid())
        .await;
    mock.assert_async().await;
    let token = token.expect("get succeeds");
    assert_token(&token, "docs indexer");
    assert_meta(token.cf_messages(), token.cf_ray());
}

#[tokio::test]
async fn get_not_found_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(&server, GET, &token_path(), Auth::Token, 404).await;
    let error = client(&server, Auth::Token)
        .ai_search_tokens_get(ACCOUNT_ID, &uuid())
        .await
        .expect_err("a 404 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_tokens_get", 404);
}

// ---- ai_search_tokens_update --------------------------------------------------------------

#[tokio::test]
async fn update_sends_the_new_key_in_clear() {
    let server = MockServer::start_async().await;
    let new_key = "Hb7nM2qR5sT9vW3xY6zA0cD4eF8gJ1kL5mP9rS3u";
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(PUT), &token_path());
            let when = json_request(
                when,
                json!({"cf_api_id": CF_API_ID, "cf_api_key": new_key, "name": "docs indexer (rolled)"}),
            );
            authenticated(exact_query(when, &[]), Auth::Token);
            respond(
                then,
                200,
                success(token_json(TOKEN_UUID, "docs indexer (rolled)")),
            );
        })
        .await;
    let body = AiSearchTokenUpdate::new(AiSearchTokenUpdateRequired {
        cf_api_id: CF_API_ID.into(),
        cf_api_key: new_key.into(),
        name: "docs indexer (rolled)".into(),
    });
    let updated = client(&server, Auth::Token)
        .ai_search_tokens_update(ACCOUNT_ID, &uuid(), &body)
        .await;
    mock.assert_async().await;
    let updated = updated.expect("update succeeds");
    assert_token(&updated, "docs indexer (rolled)");
    assert_meta(updated.cf_messages(), updated.cf_ray());
}

#[tokio::test]
async fn update_not_found_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(&server, PUT, &token_path(), Auth::Key, 404).await;
    let body = AiSearchTokenUpdate::new(AiSearchTokenUpdateRequired {
        cf_api_id: CF_API_ID.into(),
        cf_api_key: CF_API_KEY.into(),
        name: "docs indexer".into(),
    });
    let error = client(&server, Auth::Key)
        .ai_search_tokens_update(ACCOUNT_ID, &uuid(), &body)
        .await
        .expect_err("a 404 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_tokens_update", 404);
}

// ---- ai_search_tokens_delete --------------------------------------------------------------

#[tokio::test]
async fn delete_returns_the_deleted_token() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(DELETE), &token_path()).body("");
            authenticated(exact_query(when, &[]), Auth::Key);
            respond(then, 200, success(token_json(TOKEN_UUID, "docs indexer")));
        })
        .await;
    let deleted = client(&server, Auth::Key)
        .ai_search_tokens_delete(ACCOUNT_ID, &uuid())
        .await;
    mock.assert_async().await;
    let deleted = deleted.expect("delete succeeds");
    assert_token(&deleted, "docs indexer");
    assert_meta(deleted.cf_messages(), deleted.cf_ray());
}

#[tokio::test]
async fn delete_in_use_is_an_api_error() {
    // 409: an instance still uses the token.
    let server = MockServer::start_async().await;
    let mock = refusing(&server, DELETE, &token_path(), Auth::Token, 409).await;
    let error = client(&server, Auth::Token)
        .ai_search_tokens_delete(ACCOUNT_ID, &uuid())
        .await
        .expect_err("a 409 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_tokens_delete", 409);
}

#[tokio::test]
async fn delete_forbidden_names_the_ai_search_permission() {
    let server = MockServer::start_async().await;
    let mock = refusing(&server, DELETE, &token_path(), Auth::Key, 403).await;
    let error = client(&server, Auth::Key)
        .ai_search_tokens_delete(ACCOUNT_ID, &uuid())
        .await
        .expect_err("a 403 fails");
    mock.assert_async().await;
    assert_api_error(&error, "ai_search_tokens_delete", 403);
    assert_forbidden_hint(
        &error,
        "ai_search_tokens_delete",
        Some("com.cloudflare.api.account.ai-search"),
    );
}
