//! One call of every operation through the Rust client, with arguments and bodies a careful
//! user would send. The referees iterate over the operations of `spec/openapi.json`; an
//! operation without an arm here fails them with [`Called::NoCall`], so an operation added to
//! the spec cannot go unrefereed.

use std::collections::BTreeMap;

use cloudflare_tokens::types::{
    AccountTokenCreate, AccountTokenUpdate, AiSearchInstanceCreate, AiSearchInstanceUpdate,
    AiSearchNamespaceCreate, AiSearchNamespaceUpdate, AiSearchQuery, AiSearchSourceType,
    AiSearchTokenCreate, AiSearchTokenCreateRequired, AiSearchTokenUpdate,
    AiSearchTokenUpdateRequired, PolicyEffect, PolicyPermissionGroup, PolicyResourceValue,
    R2BucketCreate, ServiceTokenCreate, ServiceTokenRotate, ServiceTokenUpdate, TokenPolicy,
    UserTokenCreate, UserTokenUpdate,
};
use cloudflare_tokens::{Client, Scope, ZonesListQuery};

use crate::support::{ACCOUNT_ID, ZONE_ID};

/// Ids in the formats the spec gives them (a stateless mock accepts any such id).
pub const USER_TOKEN_ID: &str = "ed17574386854bf78a67040be0a770b0";
pub const AI_SEARCH_TOKEN_ID: &str = "4f6e3c2a-8b1d-4e5f-9a7c-0d2b6e8f1a3c";
pub const INSTANCE_ID: &str = "docs-search";
pub const SERVICE_TOKEN_ID: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
pub const PERMISSION_GROUP_ID: &str = "c8fed203ed3043cba015a93ad1616f1f";
pub const NAMESPACE: &str = "docs";
pub const JOB_ID: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
pub const BUCKET: &str = "docs-bucket";

/// What calling an operation gave.
pub enum Called {
    /// The call succeeded and its answer decoded.
    Ok,
    /// The client returned an error.
    Failed(cloudflare_tokens::Error),
    /// No call is written for this operation.
    NoCall,
}

impl<T> From<cloudflare_tokens::Result<T>> for Called {
    fn from(result: cloudflare_tokens::Result<T>) -> Self {
        match result {
            Ok(_) => Called::Ok,
            Err(e) => Called::Failed(e),
        }
    }
}

fn policy() -> TokenPolicy {
    TokenPolicy::new(
        PolicyEffect::Allow,
        vec![PolicyPermissionGroup::new(PERMISSION_GROUP_ID)],
        BTreeMap::from([(
            format!("com.cloudflare.api.account.{ACCOUNT_ID}"),
            PolicyResourceValue::String("*".into()),
        )]),
    )
}

fn query() -> AiSearchQuery {
    AiSearchQuery {
        query: Some("how do I set up".into()),
        ..Default::default()
    }
}

/// Calls operation `id` once. Access operations offered on accounts and zones are called on
/// `scope`.
pub async fn call(client: &Client, id: &str, scope: Scope<'_>) -> Called {
    let uuid = |s: &str| uuid::Uuid::parse_str(s).expect("a UUID");
    match id {
        "user_tokens_list" => client.user_tokens_list(&Default::default()).await.into(),
        "user_tokens_create" => client
            .user_tokens_create(&UserTokenCreate::new("conformance", vec![policy()]))
            .await
            .into(),
        "user_tokens_get" => client.user_tokens_get(USER_TOKEN_ID).await.into(),
        "user_tokens_update" => client
            .user_tokens_update(
                USER_TOKEN_ID,
                &UserTokenUpdate::new("conformance", vec![policy()]),
            )
            .await
            .into(),
        "user_tokens_delete" => client.user_tokens_delete(USER_TOKEN_ID).await.into(),
        "user_tokens_roll" => client.user_tokens_roll(USER_TOKEN_ID).await.into(),
        "user_tokens_verify" => client.user_tokens_verify().await.into(),
        "permission_groups_list" => client
            .permission_groups_list(&Default::default())
            .await
            .into(),
        "ai_search_tokens_list" => client
            .ai_search_tokens_list(ACCOUNT_ID, &Default::default())
            .await
            .into(),
        "ai_search_tokens_create" => client
            .ai_search_tokens_create(
                ACCOUNT_ID,
                &AiSearchTokenCreate::new(AiSearchTokenCreateRequired {
                    cf_api_id: USER_TOKEN_ID.into(),
                    cf_api_key: cloudflare_tokens::Secret::new("token-value"),
                    name: "conformance".into(),
                }),
            )
            .await
            .into(),
        "ai_search_tokens_get" => client
            .ai_search_tokens_get(ACCOUNT_ID, &uuid(AI_SEARCH_TOKEN_ID))
            .await
            .into(),
        "ai_search_tokens_update" => client
            .ai_search_tokens_update(
                ACCOUNT_ID,
                &uuid(AI_SEARCH_TOKEN_ID),
                &AiSearchTokenUpdate::new(AiSearchTokenUpdateRequired {
                    cf_api_id: USER_TOKEN_ID.into(),
                    cf_api_key: cloudflare_tokens::Secret::new("token-value"),
                    name: "conformance".into(),
                }),
            )
            .await
            .into(),
        "ai_search_tokens_delete" => client
            .ai_search_tokens_delete(ACCOUNT_ID, &uuid(AI_SEARCH_TOKEN_ID))
            .await
            .into(),
        "ai_search_instances_list" => client
            .ai_search_instances_list(ACCOUNT_ID, &Default::default())
            .await
            .into(),
        "ai_search_instances_create" => {
            let body = AiSearchInstanceCreate {
                source: Some("docs-bucket".into()),
                type_: Some(AiSearchSourceType::R2),
                token_id: Some(uuid(AI_SEARCH_TOKEN_ID)),
                ..AiSearchInstanceCreate::new(INSTANCE_ID)
            };
            client
                .ai_search_instances_create(ACCOUNT_ID, &body)
                .await
                .into()
        }
        "ai_search_instances_get" => client
            .ai_search_instances_get(ACCOUNT_ID, INSTANCE_ID)
            .await
            .into(),
        "ai_search_instances_update" => {
            let body = AiSearchInstanceUpdate {
                paused: Some(true),
                ..Default::default()
            };
            client
                .ai_search_instances_update(ACCOUNT_ID, INSTANCE_ID, &body)
                .await
                .into()
        }
        "ai_search_instances_delete" => client
            .ai_search_instances_delete(ACCOUNT_ID, INSTANCE_ID)
            .await
            .into(),
        "access_service_tokens_list" => client
            .access_service_tokens_list(scope, &Default::default())
            .await
            .into(),
        "access_service_tokens_create" => {
            let body = ServiceTokenCreate {
                duration: Some("8760h".into()),
                ..ServiceTokenCreate::new("conformance")
            };
            client
                .access_service_tokens_create(scope, &body)
                .await
                .into()
        }
        "access_service_tokens_get" => client
            .access_service_tokens_get(scope, SERVICE_TOKEN_ID)
            .await
            .into(),
        "access_service_tokens_update" => {
            let body = ServiceTokenUpdate {
                name: Some("conformance-renamed".into()),
                ..Default::default()
            };
            client
                .access_service_tokens_update(scope, SERVICE_TOKEN_ID, &body)
                .await
                .into()
        }
        "access_service_tokens_delete" => client
            .access_service_tokens_delete(scope, SERVICE_TOKEN_ID)
            .await
            .into(),
        "access_service_tokens_refresh" => client
            .access_service_tokens_refresh(ACCOUNT_ID, SERVICE_TOKEN_ID)
            .await
            .into(),
        "access_service_tokens_rotate" => client
            .access_service_tokens_rotate(
                ACCOUNT_ID,
                SERVICE_TOKEN_ID,
                &ServiceTokenRotate::default(),
            )
            .await
            .into(),
        "account_tokens_list" => client
            .account_tokens_list(ACCOUNT_ID, &Default::default())
            .await
            .into(),
        "account_tokens_create" => client
            .account_tokens_create(
                ACCOUNT_ID,
                &AccountTokenCreate::new("conformance", vec![policy()]),
            )
            .await
            .into(),
        "account_tokens_get" => client
            .account_tokens_get(ACCOUNT_ID, USER_TOKEN_ID)
            .await
            .into(),
        "account_tokens_update" => client
            .account_tokens_update(
                ACCOUNT_ID,
                USER_TOKEN_ID,
                &AccountTokenUpdate::new("conformance", vec![policy()]),
            )
            .await
            .into(),
        "account_tokens_delete" => client
            .account_tokens_delete(ACCOUNT_ID, USER_TOKEN_ID)
            .await
            .into(),
        "account_tokens_roll" => client
            .account_tokens_roll(ACCOUNT_ID, USER_TOKEN_ID)
            .await
            .into(),
        "account_tokens_verify" => client.account_tokens_verify(ACCOUNT_ID).await.into(),
        "account_permission_groups_list" => client
            .account_permission_groups_list(ACCOUNT_ID, &Default::default())
            .await
            .into(),
        "ai_search_namespaces_list" => client
            .ai_search_namespaces_list(ACCOUNT_ID, &Default::default())
            .await
            .into(),
        "ai_search_namespaces_create" => client
            .ai_search_namespaces_create(ACCOUNT_ID, &AiSearchNamespaceCreate::new(NAMESPACE))
            .await
            .into(),
        "ai_search_namespaces_get" => client
            .ai_search_namespaces_get(ACCOUNT_ID, NAMESPACE)
            .await
            .into(),
        "ai_search_namespaces_update" => {
            let body = AiSearchNamespaceUpdate {
                description: Some("guides".into()),
                ..Default::default()
            };
            client
                .ai_search_namespaces_update(ACCOUNT_ID, NAMESPACE, &body)
                .await
                .into()
        }
        "ai_search_namespaces_delete" => client
            .ai_search_namespaces_delete(ACCOUNT_ID, NAMESPACE)
            .await
            .into(),
        "ai_search_namespace_instances_list" => client
            .ai_search_namespace_instances_list(ACCOUNT_ID, NAMESPACE, &Default::default())
            .await
            .into(),
        "ai_search_namespace_instances_create" => {
            let body = AiSearchInstanceCreate {
                source: Some(BUCKET.into()),
                type_: Some(AiSearchSourceType::R2),
                token_id: Some(uuid(AI_SEARCH_TOKEN_ID)),
                ..AiSearchInstanceCreate::new(INSTANCE_ID)
            };
            client
                .ai_search_namespace_instances_create(ACCOUNT_ID, NAMESPACE, &body)
                .await
                .into()
        }
        "ai_search_namespace_instances_get" => client
            .ai_search_namespace_instances_get(ACCOUNT_ID, NAMESPACE, INSTANCE_ID)
            .await
            .into(),
        "ai_search_namespace_instances_update" => {
            let body = AiSearchInstanceUpdate {
                paused: Some(true),
                ..Default::default()
            };
            client
                .ai_search_namespace_instances_update(ACCOUNT_ID, NAMESPACE, INSTANCE_ID, &body)
                .await
                .into()
        }
        "ai_search_namespace_instances_delete" => client
            .ai_search_namespace_instances_delete(ACCOUNT_ID, NAMESPACE, INSTANCE_ID)
            .await
            .into(),
        "ai_search_jobs_list" => client
            .ai_search_jobs_list(ACCOUNT_ID, INSTANCE_ID, &Default::default())
            .await
            .into(),
        "ai_search_jobs_get" => client
            .ai_search_jobs_get(ACCOUNT_ID, INSTANCE_ID, JOB_ID)
            .await
            .into(),
        "ai_search_stats" => client.ai_search_stats(ACCOUNT_ID, INSTANCE_ID).await.into(),
        "ai_search_search" => client
            .ai_search_search(ACCOUNT_ID, INSTANCE_ID, &query())
            .await
            .into(),
        "ai_search_namespace_jobs_list" => client
            .ai_search_namespace_jobs_list(ACCOUNT_ID, NAMESPACE, INSTANCE_ID, &Default::default())
            .await
            .into(),
        "ai_search_namespace_jobs_get" => client
            .ai_search_namespace_jobs_get(ACCOUNT_ID, NAMESPACE, INSTANCE_ID, JOB_ID)
            .await
            .into(),
        "ai_search_namespace_stats" => client
            .ai_search_namespace_stats(ACCOUNT_ID, NAMESPACE, INSTANCE_ID)
            .await
            .into(),
        "ai_search_namespace_search" => client
            .ai_search_namespace_search(ACCOUNT_ID, NAMESPACE, INSTANCE_ID, &query())
            .await
            .into(),
        "r2_buckets_get" => client.r2_buckets_get(ACCOUNT_ID, BUCKET).await.into(),
        "r2_buckets_create" => client
            .r2_buckets_create(ACCOUNT_ID, &R2BucketCreate::new(BUCKET))
            .await
            .into(),
        "accounts_list" => client.accounts_list(&Default::default()).await.into(),
        "zones_list" => client
            .zones_list(&ZonesListQuery {
                account_id: Some(ACCOUNT_ID.into()),
                ..Default::default()
            })
            .await
            .into(),
        _ => Called::NoCall,
    }
}

/// The scopes an operation is called on: both, where its path has `{accounts_or_zones}`.
pub fn scopes(path: &str) -> Vec<Scope<'static>> {
    if path.contains("{accounts_or_zones}") {
        vec![Scope::Account(ACCOUNT_ID), Scope::Zone(ZONE_ID)]
    } else {
        vec![Scope::Account(ACCOUNT_ID)]
    }
}
