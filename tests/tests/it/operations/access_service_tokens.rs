//! The Zero Trust Access service token operations against a mock server, for an account and
//! for a zone wherever the API offers both: what each one sends and what it makes of
//! Cloudflare's answers.

use cloudflare_tokens::types::{ServiceTokenCreate, ServiceTokenRotate, ServiceTokenUpdate};
use cloudflare_tokens::{AccessServiceTokensListQuery, Scope};
use cloudflare_tokens_tests::ops::*;
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::{Value, json};

const TOKEN_ID: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
const CLIENT_ID: &str = "88bf3b6d86161464f6509f7219099e57.access";
const CLIENT_SECRET: &str = "bdd31cbc4dec990953e39163fbbb194c93313ca9f0a6e420346af9d326b1d2a5";

/// Both scopes, each with the credentials its test uses, so that both kinds of credentials
/// meet every scoped operation.
fn scopes() -> [(Scope<'static>, Auth); 2] {
    [
        (Scope::Account(ACCOUNT_ID), Auth::Token),
        (Scope::Zone(ZONE_ID), Auth::Key),
    ]
}

/// The collection path of a scope, as it must be sent.
fn collection(scope: &Scope) -> String {
    match scope {
        Scope::Account(id) => format!("/accounts/{id}/access/service_tokens"),
        Scope::Zone(id) => format!("/zones/{id}/access/service_tokens"),
    }
}

/// The path of [`AWKWARD_ID`] in a scope, encoded as it must be sent.
fn item(scope: &Scope) -> String {
    format!("{}/{AWKWARD_ID_ENCODED}", collection(scope))
}

fn account_item(action: &str) -> String {
    format!("/accounts/{ACCOUNT_ID}/access/service_tokens/{AWKWARD_ID_ENCODED}/{action}")
}

/// A service token as Cloudflare returns it (without its secret).
fn token_json(id: &str, name: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "client_id": CLIENT_ID,
        "duration": "8760h",
        "enabled": true,
        "created_at": "2025-09-14T10:12:31Z",
        "updated_at": "2026-01-02T16:40:07Z",
        "expires_at": "2026-09-14T10:12:31Z",
        "last_seen_at": "2026-03-01T07:55:20Z",
    })
}

fn token_with_secret_json(name: &str) -> Value {
    json!({
        "id": TOKEN_ID,
        "name": name,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "duration": "8760h",
        "enabled": true,
        "created_at": "2025-09-14T10:12:31Z",
        "updated_at": "2025-09-14T10:12:31Z",
    })
}

fn assert_token(token: &cloudflare_tokens::types::ServiceToken, name: &str) {
    assert_eq!(token.id.as_deref(), Some(TOKEN_ID));
    assert_eq!(token.name.as_deref(), Some(name));
    assert_eq!(token.client_id.as_deref(), Some(CLIENT_ID));
    assert_eq!(token.duration.as_deref(), Some("8760h"));
    assert_eq!(token.enabled, Some(true));
    assert_eq!(token.created_at, Some(at("2025-09-14T10:12:31Z")));
    assert_eq!(token.updated_at, Some(at("2026-01-02T16:40:07Z")));
    assert_eq!(token.expires_at, Some(at("2026-09-14T10:12:31Z")));
    assert_eq!(token.last_seen_at, Some(at("2026-03-01T07:55:20Z")));
}

// ---- access_service_tokens_list -----------------------------------------------------------

#[tokio::test]
async fn list_sends_every_filter_in_both_scopes() {
    for (scope, auth) in scopes() {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                let when = raw_path(when.method(GET), &collection(&scope));
                let when = exact_query(
                    when,
                    &[
                        ("name", "ci runner"),
                        ("search", "ci&deploy"),
                        ("page", "3"),
                        ("per_page", "25"),
                    ],
                );
                authenticated(when, auth);
                respond(
                    then,
                    200,
                    page(vec![token_json(TOKEN_ID, "ci runner")], 3, 25, 51),
                );
            })
            .await;
        let query = AccessServiceTokensListQuery {
            name: Some("ci runner".into()),
            search: Some("ci&deploy".into()),
            page: Some(3),
            per_page: Some(25),
        };
        let listed = client(&server, auth)
            .access_service_tokens_list(scope, &query)
            .await;
        mock.assert_async().await;
        let listed = listed.unwrap_or_else(|e| panic!("{scope:?}: {e}"));
        assert_eq!(listed.items().len(), 1);
        assert_token(&listed.items()[0], "ci runner");
        assert_eq!(listed.result_info().total_count, Some(51));
        assert_eq!(listed.total_pages(), Some(3));
        assert!(!listed.has_next());
        assert_meta(listed.cf_messages(), listed.cf_ray());
    }
}

#[tokio::test]
async fn list_without_filters_sends_no_query_in_both_scopes() {
    for (scope, auth) in scopes() {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                let when = raw_path(when.method(GET), &collection(&scope));
                authenticated(exact_query(when, &[]), auth);
                respond(then, 200, page(vec![], 1, 1000, 0));
            })
            .await;
        let listed = client(&server, auth)
            .access_service_tokens_list(scope, &AccessServiceTokensListQuery::default())
            .await;
        mock.assert_async().await;
        assert!(listed.expect("the list succeeds").items().is_empty());
    }
}

#[tokio::test]
async fn list_all_reads_two_pages_with_two_requests() {
    let scope = Scope::Zone(ZONE_ID);
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for (number, names) in [(1u64, vec!["one", "two"]), (2, vec!["three"])] {
        let mock = server
            .mock_async(|when, then| {
                let when = raw_path(when.method(GET), &collection(&scope));
                let number = number.to_string();
                let when = exact_query(
                    when,
                    &[("search", "ci"), ("page", &number), ("per_page", "2")],
                );
                authenticated(when, Auth::Key);
                let items = names.iter().map(|n| token_json(TOKEN_ID, n)).collect();
                respond(then, 200, page(items, number.parse().unwrap(), 2, 3));
            })
            .await;
        pages.push(mock);
    }
    let cf = client(&server, Auth::Key);
    let query = AccessServiceTokensListQuery {
        search: Some("ci".into()),
        per_page: Some(2),
        ..Default::default()
    };
    let names: Vec<String> = cf
        .access_service_tokens_list_all(scope, query)
        .map_ok(|t| t.name.unwrap_or_default())
        .try_collect()
        .await
        .expect("every page is read");
    assert_eq!(names, ["one", "two", "three"]);
    // One request per page, and none past the last page.
    for mock in &pages {
        mock.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn list_forbidden_names_the_token_groups() {
    for (scope, auth) in scopes() {
        let server = MockServer::start_async().await;
        let mock = refusing(&server, GET, &collection(&scope), auth, 403).await;
        let error = client(&server, auth)
            .access_service_tokens_list(scope, &AccessServiceTokensListQuery::default())
            .await
            .expect_err("a 403 fails");
        mock.assert_async().await;
        assert_api_error(&error, "access_service_tokens_list", 403);
        // The spec names no permission for Access, only the token permission groups.
        assert_forbidden_hint(
            &error,
            "access_service_tokens_list",
            Some("\"Access: Service Tokens Write\" or \"Access: Service Tokens Read\""),
        );
    }
}

// ---- access_service_tokens_create ---------------------------------------------------------

#[tokio::test]
async fn create_sends_only_what_is_set_and_returns_the_secret() {
    for (scope, auth) in scopes() {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                let when = raw_path(when.method(POST), &collection(&scope));
                let when = json_request(when, json!({"name": "ci runner", "duration": "8760h"}));
                authenticated(exact_query(when, &[]), auth);
                respond(then, 201, success(token_with_secret_json("ci runner")));
            })
            .await;
        let body = ServiceTokenCreate {
            duration: Some("8760h".into()),
            ..ServiceTokenCreate::new("ci runner")
        };
        let created = client(&server, auth)
            .access_service_tokens_create(scope, &body)
            .await;
        mock.assert_async().await;
        let created = created.unwrap_or_else(|e| panic!("{scope:?}: {e}"));
        assert_eq!(created.http_status().as_u16(), 201);
        assert_eq!(created.id.as_deref(), Some(TOKEN_ID));
        assert_eq!(created.client_id.as_deref(), Some(CLIENT_ID));
        assert_eq!(
            created.client_secret.as_ref().map(|s| s.expose_secret()),
            Some(CLIENT_SECRET)
        );
        assert_eq!(created.created_at, Some(at("2025-09-14T10:12:31Z")));
        assert_meta(created.cf_messages(), created.cf_ray());
    }
}

#[tokio::test]
async fn create_sends_every_optional_field_when_set() {
    let scope = Scope::Account(ACCOUNT_ID);
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(POST), &collection(&scope));
            let when = json_request(
                when,
                json!({
                    "name": "ci runner",
                    "duration": "forever",
                    "enabled": false,
                    "client_secret_version": 2.0,
                    "previous_client_secret_expires_at": "2026-04-01T00:00:00Z",
                }),
            );
            authenticated(when, Auth::Key);
            respond(then, 201, success(token_with_secret_json("ci runner")));
        })
        .await;
    let body = ServiceTokenCreate {
        duration: Some("forever".into()),
        enabled: Some(false),
        client_secret_version: Some(2.0),
        previous_client_secret_expires_at: Some(at("2026-04-01T00:00:00Z")),
        ..ServiceTokenCreate::new("ci runner")
    };
    let created = client(&server, Auth::Key)
        .access_service_tokens_create(scope, &body)
        .await;
    mock.assert_async().await;
    created.expect("create succeeds");
}

#[tokio::test]
async fn create_refused_is_an_api_error_in_both_scopes() {
    for (scope, auth) in scopes() {
        let server = MockServer::start_async().await;
        let mock = refusing(&server, POST, &collection(&scope), auth, 403).await;
        let error = client(&server, auth)
            .access_service_tokens_create(scope, &ServiceTokenCreate::new("ci runner"))
            .await
            .expect_err("a 403 fails");
        mock.assert_async().await;
        assert_api_error(&error, "access_service_tokens_create", 403);
        assert_forbidden_hint(
            &error,
            "access_service_tokens_create",
            Some("\"Access: Service Tokens Write\""),
        );
    }
}

// ---- access_service_tokens_get ------------------------------------------------------------

#[tokio::test]
async fn get_encodes_the_id_in_both_scopes() {
    for (scope, auth) in scopes() {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                let when = raw_path(when.method(GET), &item(&scope));
                authenticated(exact_query(when, &[]), auth);
                respond(then, 200, success(token_json(TOKEN_ID, "ci runner")));
            })
            .await;
        let token = client(&server, auth)
            .access_service_tokens_get(scope, AWKWARD_ID)
            .await;
        mock.assert_async().await;
        let token = token.unwrap_or_else(|e| panic!("{scope:?}: {e}"));
        assert_token(&token, "ci runner");
        assert_meta(token.cf_messages(), token.cf_ray());
    }
}

#[tokio::test]
async fn get_not_found_is_an_api_error_in_both_scopes() {
    for (scope, auth) in scopes() {
        let server = MockServer::start_async().await;
        let mock = refusing(&server, GET, &item(&scope), auth, 404).await;
        let error = client(&server, auth)
            .access_service_tokens_get(scope, AWKWARD_ID)
            .await
            .expect_err("a 404 fails");
        mock.assert_async().await;
        assert_api_error(&error, "access_service_tokens_get", 404);
        assert_eq!(error.missing_permission_hint(), None);
    }
}

// ---- access_service_tokens_update ---------------------------------------------------------

#[tokio::test]
async fn update_sends_only_what_changes_in_both_scopes() {
    for (scope, auth) in scopes() {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                let when = raw_path(when.method(PUT), &item(&scope));
                let when = json_request(when, json!({"name": "ci runner v2", "enabled": false}));
                authenticated(exact_query(when, &[]), auth);
                let mut updated = token_json(TOKEN_ID, "ci runner v2");
                updated["enabled"] = json!(false);
                respond(then, 200, success(updated));
            })
            .await;
        let body = ServiceTokenUpdate {
            name: Some("ci runner v2".into()),
            enabled: Some(false),
            ..Default::default()
        };
        let updated = client(&server, auth)
            .access_service_tokens_update(scope, AWKWARD_ID, &body)
            .await;
        mock.assert_async().await;
        let updated = updated.unwrap_or_else(|e| panic!("{scope:?}: {e}"));
        assert_eq!(updated.name.as_deref(), Some("ci runner v2"));
        assert_eq!(updated.enabled, Some(false));
        assert_meta(updated.cf_messages(), updated.cf_ray());
    }
}

#[tokio::test]
async fn update_refused_is_an_api_error_in_both_scopes() {
    for (scope, auth) in scopes() {
        let server = MockServer::start_async().await;
        let mock = refusing(&server, PUT, &item(&scope), auth, 400).await;
        let error = client(&server, auth)
            .access_service_tokens_update(scope, AWKWARD_ID, &ServiceTokenUpdate::default())
            .await
            .expect_err("a 400 fails");
        mock.assert_async().await;
        assert_api_error(&error, "access_service_tokens_update", 400);
    }
}

#[tokio::test]
async fn update_forbidden_names_the_write_group() {
    let scope = Scope::Zone(ZONE_ID);
    let server = MockServer::start_async().await;
    let mock = refusing(&server, PUT, &item(&scope), Auth::Token, 403).await;
    let error = client(&server, Auth::Token)
        .access_service_tokens_update(scope, AWKWARD_ID, &ServiceTokenUpdate::default())
        .await
        .expect_err("a 403 fails");
    mock.assert_async().await;
    assert_api_error(&error, "access_service_tokens_update", 403);
    assert_forbidden_hint(
        &error,
        "access_service_tokens_update",
        Some("\"Access: Service Tokens Write\""),
    );
}

// ---- access_service_tokens_delete ---------------------------------------------------------

#[tokio::test]
async fn delete_returns_the_deleted_token_in_both_scopes() {
    for (scope, auth) in scopes() {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                let when = raw_path(when.method(DELETE), &item(&scope)).body("");
                authenticated(exact_query(when, &[]), auth);
                respond(then, 200, success(token_json(TOKEN_ID, "ci runner")));
            })
            .await;
        let deleted = client(&server, auth)
            .access_service_tokens_delete(scope, AWKWARD_ID)
            .await;
        mock.assert_async().await;
        let deleted = deleted.unwrap_or_else(|e| panic!("{scope:?}: {e}"));
        assert_token(&deleted, "ci runner");
        assert_meta(deleted.cf_messages(), deleted.cf_ray());
    }
}

#[tokio::test]
async fn delete_forbidden_names_the_write_group_in_both_scopes() {
    for (scope, auth) in scopes() {
        let server = MockServer::start_async().await;
        let mock = refusing(&server, DELETE, &item(&scope), auth, 403).await;
        let error = client(&server, auth)
            .access_service_tokens_delete(scope, AWKWARD_ID)
            .await
            .expect_err("a 403 fails");
        mock.assert_async().await;
        assert_api_error(&error, "access_service_tokens_delete", 403);
        assert_forbidden_hint(
            &error,
            "access_service_tokens_delete",
            Some("\"Access: Service Tokens Write\""),
        );
    }
}

// ---- access_service_tokens_refresh --------------------------------------------------------

#[tokio::test]
async fn refresh_posts_nothing_to_the_account_path() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(POST), &account_item("refresh")).body("");
            authenticated(exact_query(when, &[]), Auth::Token);
            let mut refreshed = token_json(TOKEN_ID, "ci runner");
            refreshed["expires_at"] = json!("2027-03-01T07:55:20Z");
            respond(then, 200, success(refreshed));
        })
        .await;
    let refreshed = client(&server, Auth::Token)
        .access_service_tokens_refresh(ACCOUNT_ID, AWKWARD_ID)
        .await;
    mock.assert_async().await;
    let refreshed = refreshed.expect("refresh succeeds");
    assert_eq!(refreshed.id.as_deref(), Some(TOKEN_ID));
    assert_eq!(refreshed.expires_at, Some(at("2027-03-01T07:55:20Z")));
    assert_meta(refreshed.cf_messages(), refreshed.cf_ray());
}

#[tokio::test]
async fn refresh_forbidden_names_the_write_group() {
    let server = MockServer::start_async().await;
    let mock = refusing(&server, POST, &account_item("refresh"), Auth::Key, 403).await;
    let error = client(&server, Auth::Key)
        .access_service_tokens_refresh(ACCOUNT_ID, AWKWARD_ID)
        .await
        .expect_err("a 403 fails");
    mock.assert_async().await;
    assert_api_error(&error, "access_service_tokens_refresh", 403);
    assert_forbidden_hint(
        &error,
        "access_service_tokens_refresh",
        Some("\"Access: Service Tokens Write\""),
    );
}

// ---- access_service_tokens_rotate ---------------------------------------------------------

#[tokio::test]
async fn rotate_sends_the_grace_period_and_returns_the_new_secret() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(POST), &account_item("rotate"));
            let when = json_request(
                when,
                json!({"previous_client_secret_expires_at": "2026-04-01T12:00:00Z"}),
            );
            authenticated(exact_query(when, &[]), Auth::Key);
            respond(then, 200, success(token_with_secret_json("ci runner")));
        })
        .await;
    let body = ServiceTokenRotate {
        previous_client_secret_expires_at: Some(at("2026-04-01T12:00:00Z")),
    };
    let rotated = client(&server, Auth::Key)
        .access_service_tokens_rotate(ACCOUNT_ID, AWKWARD_ID, &body)
        .await;
    mock.assert_async().await;
    let rotated = rotated.expect("rotate succeeds");
    assert_eq!(
        rotated.client_secret.as_ref().map(|s| s.expose_secret()),
        Some(CLIENT_SECRET)
    );
    assert_meta(rotated.cf_messages(), rotated.cf_ray());
}

#[tokio::test]
async fn rotate_without_a_grace_period_sends_an_empty_object() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = json_request(
                raw_path(when.method(POST), &account_item("rotate")),
                json!({}),
            );
            authenticated(when, Auth::Token);
            respond(then, 200, success(token_with_secret_json("ci runner")));
        })
        .await;
    let rotated = client(&server, Auth::Token)
        .access_service_tokens_rotate(ACCOUNT_ID, AWKWARD_ID, &ServiceTokenRotate::default())
        .await;
    mock.assert_async().await;
    rotated.expect("rotate succeeds");
}

#[tokio::test]
async fn rotate_forbidden_has_no_hint() {
    let server = MockServer::start_async().await;
    let mock = refusing(&server, POST, &account_item("rotate"), Auth::Token, 403).await;
    let error = client(&server, Auth::Token)
        .access_service_tokens_rotate(ACCOUNT_ID, AWKWARD_ID, &ServiceTokenRotate::default())
        .await
        .expect_err("a 403 fails");
    mock.assert_async().await;
    assert_api_error(&error, "access_service_tokens_rotate", 403);
    // The spec names neither a permission nor a token group for rotate.
    assert_forbidden_hint(&error, "access_service_tokens_rotate", None);
}
