//! The setup's look-ups and the bodies of what it creates.

use futures::TryStreamExt;
use reqwest::StatusCode;

use super::{AiSearchSetup, Event, InstanceSource, MintedToken};
use crate::flows::{AI_SEARCH_INDEX_ENGINE, AI_SEARCH_INDEX_ENGINE_ID};
use crate::{
    AiSearchTokensListQuery, Client, Error, ErrorKind, PermissionGroupsListQuery, Result, types,
};

pub(super) async fn find_index_engine_group(
    client: &Client,
    on_event: &mut impl FnMut(&Event),
) -> Result<String> {
    let query = PermissionGroupsListQuery {
        name: Some(AI_SEARCH_INDEX_ENGINE.to_string()),
        ..Default::default()
    };
    match client.permission_groups_list(&query).await {
        Ok(page) => {
            let found = page
                .into_items()
                .into_iter()
                .find(|g| g.name.as_deref() == Some(AI_SEARCH_INDEX_ENGINE));
            let id = found.and_then(|g| g.id).ok_or_else(|| {
                Error::new(ErrorKind::Api, None).with_detail(format!(
                    "no permission group is named \"{AI_SEARCH_INDEX_ENGINE}\""
                ))
            })?;
            on_event(&Event::PermissionGroupFound { id: id.clone() });
            Ok(id)
        }
        Err(error) if error.status() == Some(StatusCode::FORBIDDEN) => {
            on_event(&Event::PermissionGroupAssumed {
                id: AI_SEARCH_INDEX_ENGINE_ID.to_string(),
            });
            Ok(AI_SEARCH_INDEX_ENGINE_ID.to_string())
        }
        Err(error) => Err(error),
    }
}

/// The id of an enabled AI Search token registered under `name`.
pub(super) async fn find_registered_token(
    client: &Client,
    account_id: &str,
    name: &str,
) -> Result<Option<String>> {
    let query = AiSearchTokensListQuery {
        search: Some(name.to_string()),
        ..Default::default()
    };
    let tokens: Vec<types::AiSearchToken> = client
        .ai_search_tokens_list_all(account_id, query)
        .try_collect()
        .await?;
    Ok(tokens
        .into_iter()
        .find(|t| t.name.as_deref() == Some(name) && t.enabled != Some(false))
        .and_then(|t| t.id)
        .map(|id| id.to_string()))
}

pub(super) async fn find_instance(
    client: &Client,
    account_id: &str,
    id: &str,
) -> Result<Option<types::AiSearchInstance>> {
    match client.ai_search_instances_get(account_id, id).await {
        Ok(instance) => Ok(Some(instance.into_result())),
        Err(error) if error.status() == Some(StatusCode::NOT_FOUND) => Ok(None),
        Err(error) => Err(error),
    }
}

pub(super) async fn create_user_token(
    client: &Client,
    setup: &AiSearchSetup,
    group_id: &str,
) -> Result<MintedToken> {
    let resources = [(
        format!("com.cloudflare.api.account.{}", setup.account_id),
        types::PolicyResourceValue::String("*".to_string()),
    )];
    let policy = types::TokenPolicy::new(
        types::PolicyEffect::Allow,
        vec![types::PolicyPermissionGroup::new(group_id)],
        resources.into_iter().collect(),
    );
    let body = types::UserTokenCreate::new(setup.token_name.clone(), vec![policy]);
    let created = client.user_tokens_create(&body).await?;
    let missing = |what: &str| {
        Error::new(ErrorKind::Decode, None).with_detail(format!("the created token has no {what}"))
    };
    let id = created.id.clone().ok_or_else(|| missing("id"))?;
    let value = created.value.clone().ok_or_else(|| missing("value"))?;
    Ok(MintedToken { id, value })
}

pub(super) fn instance_body(
    setup: &AiSearchSetup,
    token_id: &str,
) -> types::AiSearchInstanceCreate {
    let (kind, source) = match &setup.source {
        InstanceSource::R2Bucket(bucket) => (types::AiSearchSourceType::R2, bucket),
        InstanceSource::Website(domain) => (types::AiSearchSourceType::WebCrawler, domain),
    };
    types::AiSearchInstanceCreate {
        type_: Some(kind),
        source: Some(source.clone()),
        token_id: token_id.parse().ok(),
        ..types::AiSearchInstanceCreate::new(setup.instance_id.clone())
    }
}
