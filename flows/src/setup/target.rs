//! Where the setup's objects live: whose API tokens it mints (the user's or the account's), and
//! whether its instance is in a namespace. Each function here is one operation, picked by that.

use reqwest::StatusCode;

use super::{AiSearchSetup, TokenOwner};
use cloudflare_tokens_generated::{
    AccountPermissionGroupsListQuery, AccountTokensListQuery, Client, PermissionGroupsListQuery,
    Result, Secret, UserTokensListQuery, types,
};
use futures::TryStreamExt;

/// An account-owned token as a user token: the two models have the same fields.
pub(crate) fn as_user_token(t: types::AccountToken) -> types::UserToken {
    types::UserToken {
        condition: t.condition,
        expires_on: t.expires_on,
        id: t.id,
        issued_on: t.issued_on,
        last_used_on: t.last_used_on,
        modified_on: t.modified_on,
        name: t.name,
        not_before: t.not_before,
        policies: t.policies,
        status: t.status,
    }
}

/// What a token create answered: the HTTP status, the new token's id and its value.
pub(crate) struct CreatedToken {
    pub status: StatusCode,
    pub id: Option<String>,
    pub value: Option<Secret>,
}

/// Mints an API token of `owner` with `body`'s name and policies.
pub(crate) async fn create_token(
    client: &Client,
    account_id: &str,
    owner: TokenOwner,
    body: &types::UserTokenCreate,
) -> Result<CreatedToken> {
    match owner {
        TokenOwner::User => {
            let created = client.user_tokens_create(body).await?;
            let status = created.http_status();
            let created = created.into_result();
            Ok(CreatedToken {
                status,
                id: created.id,
                value: created.value,
            })
        }
        TokenOwner::Account => {
            let body = types::AccountTokenCreate {
                condition: body.condition.clone(),
                expires_on: body.expires_on,
                name: body.name.clone(),
                not_before: body.not_before,
                policies: body.policies.clone(),
            };
            let created = client.account_tokens_create(account_id, &body).await?;
            let status = created.http_status();
            let created = created.into_result();
            Ok(CreatedToken {
                status,
                id: created.id,
                value: created.value,
            })
        }
    }
}

/// Every API token of `owner` (expired ones included).
pub(crate) async fn list_tokens(
    client: &Client,
    account_id: &str,
    owner: TokenOwner,
) -> Result<Vec<types::UserToken>> {
    match owner {
        TokenOwner::User => {
            let query = UserTokensListQuery {
                include_expired: Some(true),
                ..Default::default()
            };
            client.user_tokens_list_all(query).try_collect().await
        }
        TokenOwner::Account => {
            let query = AccountTokensListQuery {
                include_expired: Some(true),
                ..Default::default()
            };
            let tokens: Vec<types::AccountToken> = client
                .account_tokens_list_all(account_id, query)
                .try_collect()
                .await?;
            Ok(tokens.into_iter().map(as_user_token).collect())
        }
    }
}

pub(crate) async fn get_token(
    client: &Client,
    account_id: &str,
    owner: TokenOwner,
    id: &str,
) -> Result<types::UserToken> {
    match owner {
        TokenOwner::User => Ok(client.user_tokens_get(id).await?.into_result()),
        TokenOwner::Account => Ok(as_user_token(
            client
                .account_tokens_get(account_id, id)
                .await?
                .into_result(),
        )),
    }
}

pub(crate) async fn delete_token(
    client: &Client,
    account_id: &str,
    owner: TokenOwner,
    id: &str,
) -> Result<()> {
    match owner {
        TokenOwner::User => client.user_tokens_delete(id).await.map(drop),
        TokenOwner::Account => client.account_tokens_delete(account_id, id).await.map(drop),
    }
}

/// The permission groups of `name` that a token of `owner` may be granted.
pub(crate) async fn permission_groups(
    client: &Client,
    account_id: &str,
    owner: TokenOwner,
    name: &str,
) -> Result<Vec<(Option<String>, Option<String>)>> {
    Ok(match owner {
        TokenOwner::User => {
            let query = PermissionGroupsListQuery {
                name: Some(name.to_string()),
                ..Default::default()
            };
            let page = client.permission_groups_list(&query).await?;
            page.into_items()
                .into_iter()
                .map(|g| (g.id, g.name))
                .collect()
        }
        TokenOwner::Account => {
            let query = AccountPermissionGroupsListQuery {
                name: Some(name.to_string()),
                ..Default::default()
            };
            let page = client
                .account_permission_groups_list(account_id, &query)
                .await?;
            page.into_items()
                .into_iter()
                .map(|g| (g.id, g.name))
                .collect()
        }
    })
}

/// The instance of the setup, flat or in its namespace.
pub(crate) async fn get_instance(
    client: &Client,
    setup: &AiSearchSetup,
) -> Result<types::AiSearchInstance> {
    let (account, id) = (&setup.account_id, &setup.instance_id);
    Ok(match &setup.namespace {
        None => client.ai_search_instances_get(account, id).await?,
        Some(ns) => {
            client
                .ai_search_namespace_instances_get(account, ns, id)
                .await?
        }
    }
    .into_result())
}

pub(crate) async fn create_instance(
    client: &Client,
    setup: &AiSearchSetup,
    body: &types::AiSearchInstanceCreate,
) -> Result<types::AiSearchInstance> {
    let account = &setup.account_id;
    Ok(match &setup.namespace {
        None => client.ai_search_instances_create(account, body).await?,
        Some(ns) => {
            client
                .ai_search_namespace_instances_create(account, ns, body)
                .await?
        }
    }
    .into_result())
}

pub(crate) async fn delete_instance(
    client: &Client,
    setup: &AiSearchSetup,
    id: &str,
) -> Result<()> {
    let account = &setup.account_id;
    match &setup.namespace {
        None => client
            .ai_search_instances_delete(account, id)
            .await
            .map(drop),
        Some(ns) => client
            .ai_search_namespace_instances_delete(account, ns, id)
            .await
            .map(drop),
    }
}
