//! A token without the permission an operation needs, against fake-cloudflare: the client turns
//! Cloudflare's 403 (code 10000) into its API error, with the status, the code and the hint
//! naming what was needed.

use std::collections::BTreeMap;

use cloudflare_tokens::{
    AccessServiceTokensListQuery, AiSearchTokensListQuery, Client, Credentials, ErrorKind,
    PermissionGroupsListQuery, Scope, Secret, types,
};
use fake_cloudflare::FakeCloudflare;

use test_support::ACCOUNT;

fn client(server: &FakeCloudflare, token: &str) -> Client {
    Client::builder(Credentials::ApiToken(Secret::new(token)))
        .base_url(server.base_url())
        .build()
        .expect("client")
}

/// Mints, with the bootstrap token, a user token granting only "AI Search Index Engine" on the
/// account, as `ai-search setup` does; returns its value.
async fn mint_index_engine_token(server: &FakeCloudflare) -> String {
    let admin = client(server, server.bootstrap_token());
    let query = PermissionGroupsListQuery {
        name: Some("AI Search Index Engine".into()),
        ..Default::default()
    };
    let groups = admin.permission_groups_list(&query).await.unwrap();
    let group = groups.items()[0].id.clone().unwrap();
    let policy = types::TokenPolicy::new(
        types::PolicyEffect::Allow,
        vec![types::PolicyPermissionGroup::new(group)],
        BTreeMap::from([(
            format!("com.cloudflare.api.account.{ACCOUNT}"),
            types::PolicyResourceValue::String("*".into()),
        )]),
    );
    let created = admin
        .user_tokens_create(&types::UserTokenCreate::new("indexer", vec![policy]))
        .await
        .unwrap()
        .into_result();
    created.value.unwrap().expose_secret().to_owned()
}

#[tokio::test]
async fn a_token_without_the_group_gets_the_typed_403() {
    let server = FakeCloudflare::start().await.unwrap();
    let minted = client(&server, &mint_index_engine_token(&server).await);

    let body = types::UserTokenCreate::new("more", Vec::new());
    let error = minted.user_tokens_create(&body).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api, "{error:?}");
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(403));
    assert_eq!(error.codes(), vec![10000]);
    assert_eq!(error.errors()[0].message, "Authentication error");
    assert_eq!(error.operation().map(|o| o.id), Some("user_tokens_create"));
    assert!(!error.is_outcome_unknown(), "{error:?}");
    let ray = error.cf_ray().unwrap();
    assert!(ray.ends_with("-FAKE"), "{ray}");
    assert_eq!(
        error.missing_permission_hint().as_deref(),
        Some(
            "user_tokens_create needs the permission `com.cloudflare.api.token.create`, \
             granted by an API token permission group \"API Tokens Write\"; the credentials \
             likely lack it"
        )
    );
    assert_eq!(
        server.user_tokens().len(),
        1,
        "only the minted token exists"
    );

    let error = minted
        .access_service_tokens_list(
            Scope::Account(ACCOUNT),
            &AccessServiceTokensListQuery::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api, "{error:?}");
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(403));
    assert_eq!(error.codes(), vec![10000]);
    assert_eq!(
        error.missing_permission_hint().as_deref(),
        Some(
            "access_service_tokens_list needs an API token permission group \
             \"Access: Service Tokens Write\" or \"Access: Service Tokens Read\"; the \
             credentials likely lack it"
        )
    );
}

#[tokio::test]
async fn the_same_token_may_call_what_needs_no_group() {
    let server = FakeCloudflare::start().await.unwrap();
    let minted = client(&server, &mint_index_engine_token(&server).await);
    let me = minted.user_tokens_verify().await.unwrap().into_result();
    assert_eq!(me.id.as_deref(), server.user_tokens()[0]["id"].as_str());
    let page = minted
        .ai_search_tokens_list(ACCOUNT, &AiSearchTokensListQuery::default())
        .await
        .unwrap();
    assert_eq!(page.items().len(), 0);
}
