//! The user API token operations against a mock server: what each one sends (method, raw
//! path, query, credentials, body) and what it makes of Cloudflare's success and error
//! envelopes.

use std::collections::BTreeMap;

use cloudflare_tokens::types::{
    PermissionGroupCategory, PermissionGroupScope, PolicyEffect, PolicyPermissionGroup,
    PolicyResourceValue, SortDirection, TokenCondition, TokenConditionRequestIp, TokenPolicy,
    TokenStatus, UserTokenCreate, UserTokenUpdate,
};
use cloudflare_tokens::{PermissionGroupsListQuery, UserTokensListQuery};
use cloudflare_tokens_tests::ops::*;
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::{Value, json};

const TOKEN_ID: &str = "ed17574386854bf78a67040be0a770b0";
const POLICY_ID: &str = "f267e341f3dd4697bd3b9f71dd96247f";
const ZONE_READ: &str = "c8fed203ed3043cba015a93ad1616f1f";
const DNS_WRITE: &str = "4755a26eedb94da69e1066d98aa820be";

fn zone_resource() -> String {
    format!("com.cloudflare.api.account.zone.{ZONE_ID}")
}

/// A user token as Cloudflare returns it (without its value).
fn token_json(id: &str, name: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "status": "active",
        "issued_on": "2025-11-03T14:22:05Z",
        "modified_on": "2025-11-04T08:01:44Z",
        "last_used_on": "2026-02-17T19:45:12Z",
        "not_before": "2025-11-03T00:00:00Z",
        "expires_on": "2026-11-03T00:00:00Z",
        "policies": [{
            "id": POLICY_ID,
            "effect": "allow",
            "resources": {zone_resource(): "*"},
            "permission_groups": [{"id": ZONE_READ, "name": "Zone Read"}],
        }],
        "condition": {"request_ip": {"in": ["192.0.2.0/24"], "not_in": ["192.0.2.7/32"]}},
    })
}

fn zone_read_policy() -> TokenPolicy {
    TokenPolicy::new(
        PolicyEffect::Allow,
        vec![PolicyPermissionGroup::new(ZONE_READ)],
        BTreeMap::from([(zone_resource(), PolicyResourceValue::String("*".into()))]),
    )
}

/// The policy of [`zone_read_policy`] as it must go on the wire: no `id`, no `meta`, no `name`.
fn zone_read_policy_json() -> Value {
    json!({
        "effect": "allow",
        "permission_groups": [{"id": ZONE_READ}],
        "resources": {zone_resource(): "*"},
    })
}

fn token_path() -> String {
    format!("/user/tokens/{AWKWARD_ID_ENCODED}")
}

// ---- user_tokens_verify -------------------------------------------------------------------

#[tokio::test]
async fn verify_sends_the_token_and_decodes_the_verification() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(GET), "/user/tokens/verify");
            authenticated(exact_query(when, &[]), Auth::Token);
            respond(
                then,
                200,
                success(json!({
                    "id": TOKEN_ID,
                    "status": "active",
                    "not_before": "2025-11-03T00:00:00Z",
                    "expires_on": "2026-11-03T00:00:00Z",
                })),
            );
        })
        .await;

    let verified = client(&server, Auth::Token).user_tokens_verify().await;
    mock.assert_async().await;
    let verified = verified.expect("verify succeeds");
    assert_eq!(verified.id.as_deref(), Some(TOKEN_ID));
    assert_eq!(verified.status, TokenStatus::Active);
    assert_eq!(verified.not_before, Some(at("2025-11-03T00:00:00Z")));
    assert_eq!(verified.expires_on, Some(at("2026-11-03T00:00:00Z")));
    assert_eq!(verified.http_status().as_u16(), 200);
    assert_meta(verified.cf_messages(), verified.cf_ray());
}

#[tokio::test]
async fn verify_refused_has_no_permission_hint() {
    let server = MockServer::start_async().await;
    let mock = refusing(&server, GET, "/user/tokens/verify", Auth::Token, 403).await;
    let error = client(&server, Auth::Token)
        .user_tokens_verify()
        .await
        .expect_err("a 403 fails");
    mock.assert_async().await;
    assert_api_error(&error, "user_tokens_verify", 403);
    // The spec lists no permission for verify: any valid token may call it.
    assert_forbidden_hint(&error, "user_tokens_verify", None);
}

// ---- user_tokens_list ---------------------------------------------------------------------

#[tokio::test]
async fn list_sends_every_filter_it_is_given() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(GET), "/user/tokens");
            let when = exact_query(
                when,
                &[
                    ("direction", "desc"),
                    ("include_expired", "true"),
                    ("page", "2"),
                    ("per_page", "20"),
                ],
            );
            authenticated(when, Auth::Key);
            respond(
                then,
                200,
                page(vec![token_json(TOKEN_ID, "ci-deploy")], 2, 20, 21),
            );
        })
        .await;

    let query = UserTokensListQuery {
        direction: Some(SortDirection::Desc),
        include_expired: Some(true),
        page: Some(2),
        per_page: Some(20),
    };
    let listed = client(&server, Auth::Key).user_tokens_list(&query).await;
    mock.assert_async().await;
    let listed = listed.expect("list succeeds");
    assert_eq!(listed.items().len(), 1);
    let token = &listed.items()[0];
    assert_eq!(token.id.as_deref(), Some(TOKEN_ID));
    assert_eq!(token.name.as_deref(), Some("ci-deploy"));
    assert_eq!(token.status, Some(TokenStatus::Active));
    assert_eq!(token.issued_on, Some(at("2025-11-03T14:22:05Z")));
    assert_eq!(token.modified_on, Some(at("2025-11-04T08:01:44Z")));
    assert_eq!(token.last_used_on, Some(at("2026-02-17T19:45:12Z")));
    assert_eq!(token.policies.len(), 1);
    let policy = &token.policies[0];
    assert_eq!(policy.id.as_deref(), Some(POLICY_ID));
    assert_eq!(policy.effect, PolicyEffect::Allow);
    assert_eq!(policy.permission_groups[0].id, ZONE_READ);
    assert_eq!(
        policy.permission_groups[0].name.as_deref(),
        Some("Zone Read")
    );
    assert!(matches!(
        policy.resources.get(&zone_resource()),
        Some(PolicyResourceValue::String(all)) if all == "*"
    ));
    let ip = token.condition.as_ref().and_then(|c| c.request_ip.as_ref());
    assert_eq!(
        ip.map(|ip| ip.in_.clone()),
        Some(vec!["192.0.2.0/24".into()])
    );
    assert_eq!(
        ip.map(|ip| ip.not_in.clone()),
        Some(vec!["192.0.2.7/32".into()])
    );
    let info = listed.result_info();
    assert_eq!(
        (info.page, info.per_page, info.count, info.total_count),
        (Some(2), Some(20), Some(1), Some(21))
    );
    assert_eq!(listed.total_pages(), Some(2));
    assert!(!listed.has_next());
    assert_meta(listed.cf_messages(), listed.cf_ray());
}

#[tokio::test]
async fn list_without_filters_sends_no_query() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(GET), "/user/tokens");
            authenticated(exact_query(when, &[]), Auth::Token);
            respond(then, 200, page(vec![], 1, 20, 0));
        })
        .await;
    let listed = client(&server, Auth::Token)
        .user_tokens_list(&UserTokensListQuery::default())
        .await;
    mock.assert_async().await;
    let listed = listed.expect("list succeeds");
    assert!(listed.items().is_empty());
    assert!(!listed.has_next());
}

#[tokio::test]
async fn list_all_reads_two_pages_with_two_requests() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(GET), "/user/tokens");
            let when = exact_query(
                when,
                &[
                    ("include_expired", "true"),
                    ("page", "1"),
                    ("per_page", "2"),
                ],
            );
            authenticated(when, Auth::Token);
            respond(
                then,
                200,
                page(
                    vec![
                        token_json("0b6c1f1dbd1c4a6fa3c1cbe0e0e8d1a1", "one"),
                        token_json("1c7d2e2ece2d4b7fb4d2dcf1f1f9e2b2", "two"),
                    ],
                    1,
                    2,
                    3,
                ),
            );
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(GET), "/user/tokens");
            let when = exact_query(
                when,
                &[
                    ("include_expired", "true"),
                    ("page", "2"),
                    ("per_page", "2"),
                ],
            );
            authenticated(when, Auth::Token);
            respond(
                then,
                200,
                page(
                    vec![token_json("2d8e3f3fdf3e4c8ac5e3ed0202a0f3c3", "three")],
                    2,
                    2,
                    3,
                ),
            );
        })
        .await;

    let cf = client(&server, Auth::Token);
    let query = UserTokensListQuery {
        include_expired: Some(true),
        per_page: Some(2),
        ..Default::default()
    };
    let names: Vec<String> = cf
        .user_tokens_list_all(query)
        .map_ok(|t| t.name.unwrap_or_default())
        .try_collect()
        .await
        .expect("every page is read");
    assert_eq!(names, ["one", "two", "three"]);
    // One request per page, and none past the last page.
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
}

#[tokio::test]
async fn list_forbidden_names_the_list_permission() {
    let server = MockServer::start_async().await;
    let mock = refusing(&server, GET, "/user/tokens", Auth::Key, 403).await;
    let error = client(&server, Auth::Key)
        .user_tokens_list(&UserTokensListQuery::default())
        .await
        .expect_err("a 403 fails");
    mock.assert_async().await;
    assert_api_error(&error, "user_tokens_list", 403);
    assert_forbidden_hint(
        &error,
        "user_tokens_list",
        Some("com.cloudflare.api.token.list"),
    );
}

// ---- permission_groups_list ---------------------------------------------------------------

#[tokio::test]
async fn permission_groups_list_filters_by_name_and_scope() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(GET), "/user/tokens/permission_groups");
            let when = exact_query(
                when,
                &[
                    ("name", "DNS Write"),
                    ("scope", "com.cloudflare.api.account.zone"),
                ],
            );
            authenticated(when, Auth::Token);
            respond(
                then,
                200,
                json!({
                    "success": true,
                    "errors": [],
                    "messages": [info_message()],
                    "result": [{
                        "id": DNS_WRITE,
                        "name": "DNS Write",
                        "category": "dns_and_zones",
                        "scopes": ["com.cloudflare.api.account.zone"],
                    }],
                }),
            );
        })
        .await;
    let query = PermissionGroupsListQuery {
        name: Some("DNS Write".into()),
        scope: Some("com.cloudflare.api.account.zone".into()),
    };
    let groups = client(&server, Auth::Token)
        .permission_groups_list(&query)
        .await;
    mock.assert_async().await;
    let groups = groups.expect("the list succeeds");
    assert_eq!(groups.items().len(), 1);
    let group = &groups.items()[0];
    assert_eq!(group.id.as_deref(), Some(DNS_WRITE));
    assert_eq!(group.name.as_deref(), Some("DNS Write"));
    assert_eq!(group.category, Some(PermissionGroupCategory::DnsAndZones));
    assert_eq!(
        group.scopes,
        [PermissionGroupScope::ComCloudflareApiAccountZone]
    );
    assert_meta(groups.cf_messages(), groups.cf_ray());
}

#[tokio::test]
async fn permission_groups_list_is_a_single_page() {
    // The operation takes no page parameters, so its one response is the whole list: there is
    // nothing to fetch next, though no page size was requested or reported to tell.
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(GET), "/user/tokens/permission_groups");
            authenticated(exact_query(when, &[]), Auth::Token);
            respond(
                then,
                200,
                success(json!([{"id": DNS_WRITE, "name": "DNS Write"}])),
            );
        })
        .await;
    let groups = client(&server, Auth::Token)
        .permission_groups_list(&PermissionGroupsListQuery::default())
        .await;
    mock.assert_async().await;
    let groups = groups.expect("the list succeeds");
    assert_eq!(groups.items().len(), 1);
    assert!(!groups.has_next(), "a list without pages has no next page");
}

#[tokio::test]
async fn permission_groups_list_without_filters_sends_no_query() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(GET), "/user/tokens/permission_groups");
            authenticated(exact_query(when, &[]), Auth::Key);
            respond(then, 200, success(json!([])));
        })
        .await;
    let groups = client(&server, Auth::Key)
        .permission_groups_list(&PermissionGroupsListQuery::default())
        .await;
    mock.assert_async().await;
    assert!(groups.expect("the list succeeds").items().is_empty());
}

#[tokio::test]
async fn permission_groups_list_forbidden_names_the_read_permission() {
    let server = MockServer::start_async().await;
    let mock = refusing(
        &server,
        GET,
        "/user/tokens/permission_groups",
        Auth::Token,
        403,
    )
    .await;
    let error = client(&server, Auth::Token)
        .permission_groups_list(&PermissionGroupsListQuery::default())
        .await
        .expect_err("a 403 fails");
    mock.assert_async().await;
    assert_api_error(&error, "permission_groups_list", 403);
    assert_forbidden_hint(
        &error,
        "permission_groups_list",
        Some("com.cloudflare.api.token.read"),
    );
}

// ---- user_tokens_create -------------------------------------------------------------------

#[tokio::test]
async fn create_sends_the_token_and_returns_its_value() {
    let server = MockServer::start_async().await;
    let value = "8M7wS6hCpXVc-DoRZPOwcGhHJf2bWuVUy7H4hSGu";
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(POST), "/user/tokens");
            // `not_before` is left unset and must not be sent, not even as null.
            let when = json_request(
                when,
                json!({
                    "name": "ci-deploy",
                    "policies": [zone_read_policy_json()],
                    "condition": {"request_ip": {"in": ["192.0.2.0/24", "2001:db8::/32"]}},
                    "expires_on": "2026-11-03T00:00:00Z",
                }),
            );
            authenticated(exact_query(when, &[]), Auth::Token);
            let mut created = token_json(TOKEN_ID, "ci-deploy");
            created["value"] = json!(value);
            respond(then, 200, success(created));
        })
        .await;

    let body = UserTokenCreate {
        condition: Some(TokenCondition {
            request_ip: Some(TokenConditionRequestIp {
                in_: vec!["192.0.2.0/24".into(), "2001:db8::/32".into()],
                not_in: vec![],
            }),
        }),
        expires_on: Some(at("2026-11-03T00:00:00Z")),
        ..UserTokenCreate::new("ci-deploy", vec![zone_read_policy()])
    };
    let created = client(&server, Auth::Token).user_tokens_create(&body).await;
    mock.assert_async().await;
    let created = created.expect("create succeeds");
    assert_eq!(created.id.as_deref(), Some(TOKEN_ID));
    assert_eq!(created.name.as_deref(), Some("ci-deploy"));
    assert_eq!(
        created.value.as_ref().map(|v| v.expose_secret()),
        Some(value)
    );
    assert_eq!(created.policies[0].permission_groups[0].id, ZONE_READ);
    assert_eq!(created.expires_on, Some(at("2026-11-03T00:00:00Z")));
    assert_meta(created.cf_messages(), created.cf_ray());
    // The value never shows in debug output.
    assert!(!format!("{:?}", *created).contains(value));
}

#[tokio::test]
async fn create_refused_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(&server, POST, "/user/tokens", Auth::Key, 400).await;
    let body = UserTokenCreate::new("ci-deploy", vec![zone_read_policy()]);
    let error = client(&server, Auth::Key)
        .user_tokens_create(&body)
        .await
        .expect_err("a 400 fails");
    mock.assert_async().await;
    assert_api_error(&error, "user_tokens_create", 400);
    assert_eq!(error.missing_permission_hint(), None);
}

#[tokio::test]
async fn create_forbidden_names_the_create_permission() {
    let server = MockServer::start_async().await;
    let mock = refusing(&server, POST, "/user/tokens", Auth::Token, 403).await;
    let body = UserTokenCreate::new("ci-deploy", vec![zone_read_policy()]);
    let error = client(&server, Auth::Token)
        .user_tokens_create(&body)
        .await
        .expect_err("a 403 fails");
    mock.assert_async().await;
    assert_api_error(&error, "user_tokens_create", 403);
    assert_forbidden_hint(
        &error,
        "user_tokens_create",
        Some("com.cloudflare.api.token.create"),
    );
}

// ---- user_tokens_get ----------------------------------------------------------------------

#[tokio::test]
async fn get_encodes_the_token_id_as_one_segment() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(GET), &token_path());
            authenticated(exact_query(when, &[]), Auth::Key);
            respond(then, 200, success(token_json(TOKEN_ID, "ci-deploy")));
        })
        .await;
    let token = client(&server, Auth::Key).user_tokens_get(AWKWARD_ID).await;
    mock.assert_async().await;
    let token = token.expect("get succeeds");
    assert_eq!(token.id.as_deref(), Some(TOKEN_ID));
    assert_eq!(token.not_before, Some(at("2025-11-03T00:00:00Z")));
    assert_meta(token.cf_messages(), token.cf_ray());
}

#[tokio::test]
async fn the_mock_server_sees_the_path_still_encoded() {
    // httpmock compares `path` with the request's raw path; a decoy on the decoded form proves
    // the encoded one is what was sent (the decoded form would split into more segments).
    let server = MockServer::start_async().await;
    let decoy = server
        .mock_async(|when, then| {
            when.path_prefix("/user/tokens/a/");
            respond(then, 200, success(token_json(TOKEN_ID, "decoy")));
        })
        .await;
    let mock = server
        .mock_async(|when, then| {
            // What httpmock recorded of the request line: the whole id in one encoded segment,
            // and no query or fragment split off by a raw `?` or `#`.
            let when = when.method(GET).is_true(|request| {
                let uri = request.uri();
                uri.path() == format!("/user/tokens/{AWKWARD_ID_ENCODED}") && uri.query().is_none()
            });
            authenticated(when, Auth::Token);
            respond(then, 200, success(token_json(TOKEN_ID, "ci-deploy")));
        })
        .await;
    let token = client(&server, Auth::Token)
        .user_tokens_get(AWKWARD_ID)
        .await
        .expect("get succeeds");
    assert_eq!(token.name.as_deref(), Some("ci-deploy"));
    mock.assert_calls_async(1).await;
    decoy.assert_calls_async(0).await;
}

#[tokio::test]
async fn get_not_found_is_an_api_error() {
    let server = MockServer::start_async().await;
    let mock = refusing(&server, GET, &token_path(), Auth::Token, 404).await;
    let error = client(&server, Auth::Token)
        .user_tokens_get(AWKWARD_ID)
        .await
        .expect_err("a 404 fails");
    mock.assert_async().await;
    assert_api_error(&error, "user_tokens_get", 404);
    assert_eq!(error.missing_permission_hint(), None);
}

#[tokio::test]
async fn get_forbidden_names_the_read_permission() {
    let server = MockServer::start_async().await;
    let mock = refusing(&server, GET, &token_path(), Auth::Key, 403).await;
    let error = client(&server, Auth::Key)
        .user_tokens_get(AWKWARD_ID)
        .await
        .expect_err("a 403 fails");
    mock.assert_async().await;
    assert_api_error(&error, "user_tokens_get", 403);
    assert_forbidden_hint(
        &error,
        "user_tokens_get",
        Some("com.cloudflare.api.token.read"),
    );
}

// ---- user_tokens_update -------------------------------------------------------------------

#[tokio::test]
async fn update_puts_the_whole_token() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(PUT), &token_path());
            let when = json_request(
                when,
                json!({
                    "name": "ci-deploy (disabled)",
                    "policies": [zone_read_policy_json()],
                    "status": "disabled",
                    "not_before": "2025-12-01T00:00:00Z",
                }),
            );
            authenticated(exact_query(when, &[]), Auth::Token);
            let mut updated = token_json(TOKEN_ID, "ci-deploy (disabled)");
            updated["status"] = json!("disabled");
            respond(then, 200, success(updated));
        })
        .await;
    let body = UserTokenUpdate {
        status: Some(TokenStatus::Disabled),
        not_before: Some(at("2025-12-01T00:00:00Z")),
        ..UserTokenUpdate::new("ci-deploy (disabled)", vec![zone_read_policy()])
    };
    let updated = client(&server, Auth::Token)
        .user_tokens_update(AWKWARD_ID, &body)
        .await;
    mock.assert_async().await;
    let updated = updated.expect("update succeeds");
    assert_eq!(updated.status, Some(TokenStatus::Disabled));
    assert_eq!(updated.name.as_deref(), Some("ci-deploy (disabled)"));
    assert_meta(updated.cf_messages(), updated.cf_ray());
}

#[tokio::test]
async fn update_forbidden_names_the_update_permission() {
    let server = MockServer::start_async().await;
    let mock = refusing(&server, PUT, &token_path(), Auth::Key, 403).await;
    let body = UserTokenUpdate::new("ci-deploy", vec![zone_read_policy()]);
    let error = client(&server, Auth::Key)
        .user_tokens_update(AWKWARD_ID, &body)
        .await
        .expect_err("a 403 fails");
    mock.assert_async().await;
    assert_api_error(&error, "user_tokens_update", 403);
    assert_forbidden_hint(
        &error,
        "user_tokens_update",
        Some("com.cloudflare.api.token.update"),
    );
}

// ---- user_tokens_roll ---------------------------------------------------------------------

#[tokio::test]
async fn roll_sends_an_empty_object_and_returns_the_new_value() {
    let server = MockServer::start_async().await;
    let value = "nW2kT8qZ4xV6bN0mL3jH5gF7dS9aP1oI3uY5tR7e";
    let path = format!("{}/value", token_path());
    let mock = server
        .mock_async(|when, then| {
            let when = json_request(raw_path(when.method(PUT), &path), json!({}));
            authenticated(exact_query(when, &[]), Auth::Key);
            respond(then, 200, success(json!(value)));
        })
        .await;
    let rolled = client(&server, Auth::Key)
        .user_tokens_roll(AWKWARD_ID)
        .await;
    mock.assert_async().await;
    let rolled = rolled.expect("roll succeeds");
    assert_eq!(rolled.expose_secret(), value);
    assert_meta(rolled.cf_messages(), rolled.cf_ray());
}

#[tokio::test]
async fn roll_forbidden_names_the_update_permission() {
    let server = MockServer::start_async().await;
    let path = format!("{}/value", token_path());
    let mock = refusing(&server, PUT, &path, Auth::Token, 403).await;
    let error = client(&server, Auth::Token)
        .user_tokens_roll(AWKWARD_ID)
        .await
        .expect_err("a 403 fails");
    mock.assert_async().await;
    assert_api_error(&error, "user_tokens_roll", 403);
    assert_forbidden_hint(
        &error,
        "user_tokens_roll",
        Some("com.cloudflare.api.token.update"),
    );
}

// ---- user_tokens_delete -------------------------------------------------------------------

#[tokio::test]
async fn delete_returns_the_deleted_id() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = raw_path(when.method(DELETE), &token_path());
            // A delete carries no body.
            let when = when.body("");
            authenticated(exact_query(when, &[]), Auth::Token);
            respond(then, 200, success(json!({"id": TOKEN_ID})));
        })
        .await;
    let deleted = client(&server, Auth::Token)
        .user_tokens_delete(AWKWARD_ID)
        .await;
    mock.assert_async().await;
    let deleted = deleted.expect("delete succeeds");
    assert_eq!(deleted.id.as_deref(), Some(TOKEN_ID));
    assert_meta(deleted.cf_messages(), deleted.cf_ray());
}

#[tokio::test]
async fn delete_forbidden_names_the_delete_permission() {
    let server = MockServer::start_async().await;
    let mock = refusing(&server, DELETE, &token_path(), Auth::Key, 403).await;
    let error = client(&server, Auth::Key)
        .user_tokens_delete(AWKWARD_ID)
        .await
        .expect_err("a 403 fails");
    mock.assert_async().await;
    assert_api_error(&error, "user_tokens_delete", 403);
    assert_forbidden_hint(
        &error,
        "user_tokens_delete",
        Some("com.cloudflare.api.token.delete"),
    );
}
