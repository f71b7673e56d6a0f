//! Every operation of the spec, refused once: a 400 with Cloudflare's error envelope must become
//! an API error naming the operation, its status, Cloudflare's codes and the `cf-ray`
//! (`assert_api_error`). The areas' own modules add the refusals whose hints differ (403s,
//! 404s); this table is what makes sure no operation is left without one.
//!
//! One row per operation: its id, its method, its path as the spec's template with
//! [`placeholders`](super::placeholders) for the parameters, and the call's arguments. Each row
//! is a test of its own, named after the operation, and
//! `the_table_has_every_operation_of_the_spec_with_its_method_and_path` fails until an
//! operation added to `spec/openapi.json` gets its row.

use std::collections::BTreeMap;

use cloudflare_tokens::Scope;
use cloudflare_tokens::types;
use cloudflare_tokens_tests::ops::*;
use httpmock::prelude::*;

use super::placeholders::*;

/// For each row `operation(METHOD, "template", arguments…)`, a test that calls
/// `Client::operation(arguments…)` against a mock refusing `METHOD template`; and [`TABLE`],
/// the rows as data for the check against the spec. The method called is the row's id, so a
/// row cannot test another operation than the one it names.
macro_rules! refused_is_an_api_error {
    ($($operation:ident($method:ident, $template:literal $(, $arg:expr)* $(,)?)),* $(,)?) => {
        /// Each row: operation id, method, path template.
        pub(super) const TABLE: &[(&str, &str, &str)] =
            &[$((stringify!($operation), stringify!($method), $template)),*];

        $(
            #[tokio::test]
            async fn $operation() {
                let server = MockServer::start_async().await;
                let mock = refusing(&server, $method, &path($template), Auth::Token, 400).await;
                let cf = client(&server, Auth::Token);
                let error = cf.$operation($($arg),*).await.expect_err("a 400 fails");
                mock.assert_async().await;
                assert_api_error(&error, stringify!($operation), 400);
            }
        )*
    };
}

refused_is_an_api_error! {
    // User tokens and the permission group catalogue.
    user_tokens_verify(GET, "/user/tokens/verify"),
    user_tokens_list(GET, "/user/tokens", &Default::default()),
    user_tokens_create(POST, "/user/tokens", &types::UserTokenCreate::new("n", vec![policy()])),
    user_tokens_get(GET, "/user/tokens/{T}", TOKEN_ID),
    user_tokens_update(
        PUT,
        "/user/tokens/{T}",
        TOKEN_ID,
        &types::UserTokenUpdate::new("n", vec![policy()]),
    ),
    user_tokens_roll(PUT, "/user/tokens/{T}/value", TOKEN_ID),
    user_tokens_delete(DELETE, "/user/tokens/{T}", TOKEN_ID),
    permission_groups_list(GET, "/user/tokens/permission_groups", &Default::default()),

    // Account-owned tokens and the account's permission groups.
    account_permission_groups_list(
        GET,
        "/accounts/{A}/tokens/permission_groups",
        ACCOUNT_ID,
        &Default::default(),
    ),
    account_tokens_verify(GET, "/accounts/{A}/tokens/verify", ACCOUNT_ID),
    account_tokens_list(GET, "/accounts/{A}/tokens", ACCOUNT_ID, &Default::default()),
    account_tokens_create(
        POST,
        "/accounts/{A}/tokens",
        ACCOUNT_ID,
        &types::AccountTokenCreate::new("n", vec![policy()]),
    ),
    account_tokens_get(GET, "/accounts/{A}/tokens/{T}", ACCOUNT_ID, TOKEN_ID),
    account_tokens_update(
        PUT,
        "/accounts/{A}/tokens/{T}",
        ACCOUNT_ID,
        TOKEN_ID,
        &types::AccountTokenUpdate::new("n", vec![policy()]),
    ),
    account_tokens_roll(PUT, "/accounts/{A}/tokens/{T}/value", ACCOUNT_ID, TOKEN_ID),
    account_tokens_delete(DELETE, "/accounts/{A}/tokens/{T}", ACCOUNT_ID, TOKEN_ID),

    // Access service tokens, in the account scope (`access_service_tokens` has both scopes).
    access_service_tokens_list(
        GET,
        "/{S}/{A}/access/service_tokens",
        Scope::Account(ACCOUNT_ID),
        &Default::default(),
    ),
    access_service_tokens_create(
        POST,
        "/{S}/{A}/access/service_tokens",
        Scope::Account(ACCOUNT_ID),
        &types::ServiceTokenCreate::new("n"),
    ),
    access_service_tokens_get(
        GET,
        "/{S}/{A}/access/service_tokens/{U}",
        Scope::Account(ACCOUNT_ID),
        TOKEN_UUID,
    ),
    access_service_tokens_update(
        PUT,
        "/{S}/{A}/access/service_tokens/{U}",
        Scope::Account(ACCOUNT_ID),
        TOKEN_UUID,
        &types::ServiceTokenUpdate::default(),
    ),
    access_service_tokens_delete(
        DELETE,
        "/{S}/{A}/access/service_tokens/{U}",
        Scope::Account(ACCOUNT_ID),
        TOKEN_UUID,
    ),
    access_service_tokens_refresh(
        POST,
        "/accounts/{A}/access/service_tokens/{U}/refresh",
        ACCOUNT_ID,
        TOKEN_UUID,
    ),
    access_service_tokens_rotate(
        POST,
        "/accounts/{A}/access/service_tokens/{U}/rotate",
        ACCOUNT_ID,
        TOKEN_UUID,
        &types::ServiceTokenRotate::default(),
    ),

    // AI Search tokens.
    ai_search_tokens_list(GET, "/accounts/{A}/ai-search/tokens", ACCOUNT_ID, &Default::default()),
    ai_search_tokens_create(
        POST,
        "/accounts/{A}/ai-search/tokens",
        ACCOUNT_ID,
        &types::AiSearchTokenCreate::new(types::AiSearchTokenCreateRequired {
            cf_api_id: TOKEN_ID.into(),
            cf_api_key: "value".into(),
            name: "n".into(),
        }),
    ),
    ai_search_tokens_get(GET, "/accounts/{A}/ai-search/tokens/{U}", ACCOUNT_ID, &token_uuid()),
    ai_search_tokens_update(
        PUT,
        "/accounts/{A}/ai-search/tokens/{U}",
        ACCOUNT_ID,
        &token_uuid(),
        &types::AiSearchTokenUpdate::new(types::AiSearchTokenUpdateRequired {
            cf_api_id: TOKEN_ID.into(),
            cf_api_key: "value".into(),
            name: "n".into(),
        }),
    ),
    ai_search_tokens_delete(
        DELETE,
        "/accounts/{A}/ai-search/tokens/{U}",
        ACCOUNT_ID,
        &token_uuid(),
    ),

    // AI Search instances outside a namespace, their jobs, stats and search.
    ai_search_instances_list(
        GET,
        "/accounts/{A}/ai-search/instances",
        ACCOUNT_ID,
        &Default::default(),
    ),
    ai_search_instances_create(
        POST,
        "/accounts/{A}/ai-search/instances",
        ACCOUNT_ID,
        &types::AiSearchInstanceCreate::new(ID),
    ),
    ai_search_instances_get(GET, "/accounts/{A}/ai-search/instances/{I}", ACCOUNT_ID, ID),
    ai_search_instances_update(
        PUT,
        "/accounts/{A}/ai-search/instances/{I}",
        ACCOUNT_ID,
        ID,
        &types::AiSearchInstanceUpdate::default(),
    ),
    ai_search_instances_delete(DELETE, "/accounts/{A}/ai-search/instances/{I}", ACCOUNT_ID, ID),
    ai_search_jobs_list(
        GET,
        "/accounts/{A}/ai-search/instances/{I}/jobs",
        ACCOUNT_ID,
        ID,
        &Default::default(),
    ),
    ai_search_jobs_get(
        GET,
        "/accounts/{A}/ai-search/instances/{I}/jobs/{J}",
        ACCOUNT_ID,
        ID,
        JOB,
    ),
    ai_search_stats(GET, "/accounts/{A}/ai-search/instances/{I}/stats", ACCOUNT_ID, ID),
    ai_search_search(
        POST,
        "/accounts/{A}/ai-search/instances/{I}/search",
        ACCOUNT_ID,
        ID,
        &query(),
    ),

    // AI Search namespaces, and the instances, jobs, stats and search within one.
    ai_search_namespaces_list(
        GET,
        "/accounts/{A}/ai-search/namespaces",
        ACCOUNT_ID,
        &Default::default(),
    ),
    ai_search_namespaces_create(
        POST,
        "/accounts/{A}/ai-search/namespaces",
        ACCOUNT_ID,
        &types::AiSearchNamespaceCreate::new(NS),
    ),
    ai_search_namespaces_get(GET, "/accounts/{A}/ai-search/namespaces/{N}", ACCOUNT_ID, NS),
    ai_search_namespaces_update(
        PUT,
        "/accounts/{A}/ai-search/namespaces/{N}",
        ACCOUNT_ID,
        NS,
        &types::AiSearchNamespaceUpdate::default(),
    ),
    ai_search_namespaces_delete(DELETE, "/accounts/{A}/ai-search/namespaces/{N}", ACCOUNT_ID, NS),
    ai_search_namespace_instances_list(
        GET,
        "/accounts/{A}/ai-search/namespaces/{N}/instances",
        ACCOUNT_ID,
        NS,
        &Default::default(),
    ),
    ai_search_namespace_instances_create(
        POST,
        "/accounts/{A}/ai-search/namespaces/{N}/instances",
        ACCOUNT_ID,
        NS,
        &types::AiSearchInstanceCreate::new(ID),
    ),
    ai_search_namespace_instances_get(
        GET,
        "/accounts/{A}/ai-search/namespaces/{N}/instances/{I}",
        ACCOUNT_ID,
        NS,
        ID,
    ),
    ai_search_namespace_instances_update(
        PUT,
        "/accounts/{A}/ai-search/namespaces/{N}/instances/{I}",
        ACCOUNT_ID,
        NS,
        ID,
        &types::AiSearchInstanceUpdate::default(),
    ),
    ai_search_namespace_instances_delete(
        DELETE,
        "/accounts/{A}/ai-search/namespaces/{N}/instances/{I}",
        ACCOUNT_ID,
        NS,
        ID,
    ),
    ai_search_namespace_jobs_list(
        GET,
        "/accounts/{A}/ai-search/namespaces/{N}/instances/{I}/jobs",
        ACCOUNT_ID,
        NS,
        ID,
        &Default::default(),
    ),
    ai_search_namespace_jobs_get(
        GET,
        "/accounts/{A}/ai-search/namespaces/{N}/instances/{I}/jobs/{J}",
        ACCOUNT_ID,
        NS,
        ID,
        JOB,
    ),
    ai_search_namespace_stats(
        GET,
        "/accounts/{A}/ai-search/namespaces/{N}/instances/{I}/stats",
        ACCOUNT_ID,
        NS,
        ID,
    ),
    ai_search_namespace_search(
        POST,
        "/accounts/{A}/ai-search/namespaces/{N}/instances/{I}/search",
        ACCOUNT_ID,
        NS,
        ID,
        &query(),
    ),

    // R2 buckets.
    r2_buckets_create(
        POST,
        "/accounts/{A}/r2/buckets",
        ACCOUNT_ID,
        &types::R2BucketCreate::new(BUCKET),
    ),
    r2_buckets_get(GET, "/accounts/{A}/r2/buckets/{B}", ACCOUNT_ID, BUCKET),
    accounts_list(GET, "/accounts", &Default::default()),
    zones_list(GET, "/zones", &Default::default()),
}

/// A policy for the creates and updates that need one; the mock refuses before reading it.
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

fn token_uuid() -> uuid::Uuid {
    TOKEN_UUID.parse().expect("a UUID")
}

/// A path with each parameter, `{account_id}` or `{A}` alike, written `{}`: the table's
/// templates and the spec's compare as paths, whatever their parameters are called.
fn shape(template: &str) -> String {
    let mut out = String::new();
    let mut in_parameter = false;
    for c in template.chars() {
        match c {
            '{' => {
                in_parameter = true;
                out.push_str("{}");
            }
            '}' => in_parameter = false,
            _ if in_parameter => {}
            _ => out.push(c),
        }
    }
    out
}

/// Every operation of `spec/openapi.json`: id → (method, path template).
fn spec_operations() -> BTreeMap<String, (String, String)> {
    let spec = cloudflare_tokens_tests::repo::spec();
    let mut operations = BTreeMap::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            if !matches!(
                method.as_str(),
                "get" | "put" | "post" | "delete" | "patch" | "head" | "options" | "trace"
            ) {
                continue;
            }
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("an operation without operationId: {operation}"));
            operations.insert(id.to_string(), (method.to_uppercase(), path.clone()));
        }
    }
    operations
}

#[test]
fn the_table_has_every_operation_of_the_spec_with_its_method_and_path() {
    let spec = spec_operations();
    let table: BTreeMap<&str, (&str, &str)> = TABLE
        .iter()
        .map(|&(id, method, template)| (id, (method, template)))
        .collect();
    let mut wrong = Vec::new();
    for (id, (method, path)) in &spec {
        match table.get(id.as_str()) {
            None => wrong.push(format!(
                "{id}: no row; add `{id}({method}, \"<template>\", <arguments…>)`, for {path}"
            )),
            Some(&(row_method, template))
                if row_method != method || shape(template) != shape(path) =>
            {
                wrong.push(format!(
                    "{id}: the row says {row_method} {template}, the spec {method} {path}"
                ))
            }
            Some(_) => {}
        }
    }
    for id in table.keys().filter(|id| !spec.contains_key(**id)) {
        wrong.push(format!("{id}: not an operation of the spec"));
    }
    assert!(
        wrong.is_empty(),
        "the refusal table is off:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn shapes_ignore_parameter_names() {
    assert_eq!(
        shape("/accounts/{account_id}/tokens/{token_id}"),
        "/accounts/{}/tokens/{}"
    );
    assert_eq!(shape("/accounts/{A}/tokens/{T}"), "/accounts/{}/tokens/{}");
    assert_eq!(shape("/user/tokens/verify"), "/user/tokens/verify");
}
