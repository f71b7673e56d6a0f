//! The setup's look-ups, what it decides from them, and the bodies of what it creates.

use futures::TryStreamExt;
use reqwest::StatusCode;
use uuid::Uuid;

use super::{AiSearchSetup, DeadToken, Event, InstanceSource, TokenOwner, target};
use crate::{AI_SEARCH_INDEX_ENGINE, AI_SEARCH_INDEX_ENGINE_ID};
use cloudflare_tokens_generated::{
    AiSearchTokensListQuery, Client, Error, ErrorKind, Result, types,
};

pub(super) async fn find_index_engine_group(
    client: &Client,
    setup: &AiSearchSetup,
    on_event: &mut impl FnMut(&Event),
) -> Result<String> {
    let groups = target::permission_groups(
        client,
        &setup.account_id,
        setup.token_owner,
        AI_SEARCH_INDEX_ENGINE,
    )
    .await;
    match groups {
        Ok(groups) => {
            let found = groups
                .into_iter()
                .find(|(_, name)| name.as_deref() == Some(AI_SEARCH_INDEX_ENGINE));
            let id = found.and_then(|(id, _)| id).ok_or_else(|| {
                Error::new(ErrorKind::Api, None).with_detail(format!(
                    "no permission group is named \"{AI_SEARCH_INDEX_ENGINE}\""
                ))
            })?;
            on_event(&Event::PermissionGroupFound { id: id.clone() });
            Ok(id)
        }
        Err(error) if error.http_status() == Some(StatusCode::FORBIDDEN) => {
            on_event(&Event::PermissionGroupAssumed {
                id: AI_SEARCH_INDEX_ENGINE_ID.to_string(),
            });
            Ok(AI_SEARCH_INDEX_ENGINE_ID.to_string())
        }
        Err(error) => Err(error),
    }
}

/// What the account holds when the setup starts.
pub(super) struct Found {
    /// Every AI Search token registration of the account, whatever its name: a token any of
    /// them names is never deleted.
    pub registrations: Vec<types::AiSearchToken>,
    /// The API tokens this setup could have minted (see [`minted_by_setup`]); `None` when the
    /// credentials may not read API tokens.
    pub tokens: Option<Vec<types::UserToken>>,
    /// The instance, if it exists.
    pub instance: Option<types::AiSearchInstance>,
}

pub(super) async fn look_up(client: &Client, setup: &AiSearchSetup) -> Result<Found> {
    let registrations = all_registrations(client, &setup.account_id).await?;
    let tokens = match setup_tokens(client, setup).await {
        Ok(tokens) => Some(tokens),
        Err(error) if error.http_status() == Some(StatusCode::FORBIDDEN) => None,
        Err(error) => return Err(error),
    };
    let instance = find_instance(client, setup).await?;
    Ok(Found {
        registrations,
        tokens,
        instance,
    })
}

pub(crate) async fn all_registrations(
    client: &Client,
    account_id: &str,
) -> Result<Vec<types::AiSearchToken>> {
    client
        .ai_search_tokens_list_all(account_id, AiSearchTokensListQuery::default())
        .try_collect()
        .await
}

/// The API tokens that look like the ones this setup mints: named `setup.token_name`, and
/// granting only on this account. A token of the same name made for another account (user
/// tokens are not per account, registrations are) is not this setup's to delete.
pub(super) async fn setup_tokens(
    client: &Client,
    setup: &AiSearchSetup,
) -> Result<Vec<types::UserToken>> {
    let tokens = target::list_tokens(client, &setup.account_id, setup.token_owner).await?;
    Ok(tokens
        .into_iter()
        .filter(|t| minted_by_setup(t, setup))
        .collect())
}

fn minted_by_setup(token: &types::UserToken, setup: &AiSearchSetup) -> bool {
    let resource = account_resource(&setup.account_id);
    token.name.as_deref() == Some(setup.token_name.as_str())
        && token.id.is_some()
        && !token.policies.is_empty()
        && token
            .policies
            .iter()
            .all(|p| p.resources.len() == 1 && p.resources.contains_key(&resource))
}

fn account_resource(account_id: &str) -> String {
    format!("com.cloudflare.api.account.{account_id}")
}

pub(crate) async fn find_instance(
    client: &Client,
    setup: &AiSearchSetup,
) -> Result<Option<types::AiSearchInstance>> {
    match target::get_instance(client, setup).await {
        Ok(instance) => Ok(Some(instance)),
        Err(error) if error.http_status() == Some(StatusCode::NOT_FOUND) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Whether `instance` uses the registration `id`. The instance's `token_id` is text (lists
/// answer any string); a registration's id is a UUID, so the two are compared as UUIDs, in any
/// of the forms a UUID is written in. A `token_id` that is not a UUID names no registration.
pub(crate) fn uses_registration(instance: &types::AiSearchInstance, id: Uuid) -> bool {
    instance
        .token_id
        .as_deref()
        .is_some_and(|token_id| Uuid::parse_str(token_id).is_ok_and(|named| named == id))
}

/// The registration of the setup: of its name, the one the instance uses if it does, else the
/// first enabled one.
pub(super) fn setup_registration(
    found: &Found,
    setup: &AiSearchSetup,
) -> Option<(Uuid, types::AiSearchToken)> {
    let ours = |r: &&types::AiSearchToken| r.name.as_deref() == Some(setup.token_name.as_str());
    let with_id = |r: &types::AiSearchToken| r.id.map(|id| (id, r.clone()));
    let used = found.instance.as_ref().and_then(|instance| {
        found
            .registrations
            .iter()
            .filter(ours)
            .find(|r| r.id.is_some_and(|id| uses_registration(instance, id)))
    });
    used.or_else(|| {
        found
            .registrations
            .iter()
            .filter(ours)
            .find(|r| r.id.is_some() && r.enabled != Some(false))
    })
    .and_then(with_id)
}

/// Whether a registration's API token can still do its work.
pub(crate) enum Health {
    Active,
    /// Gone or unusable, and why.
    Dead(DeadToken),
    /// The credentials may not read API tokens.
    Unchecked,
}

pub(super) async fn health(
    client: &Client,
    setup: &AiSearchSetup,
    registration: &types::AiSearchToken,
) -> Result<Health> {
    let token_id = registration.cf_api_id.as_deref();
    token_health(client, &setup.account_id, setup.token_owner, token_id).await
}

/// Whether API token `token_id` of `owner` can do a registration's work.
pub(crate) async fn token_health(
    client: &Client,
    account_id: &str,
    owner: TokenOwner,
    token_id: Option<&str>,
) -> Result<Health> {
    let Some(token_id) = token_id else {
        return Ok(Health::Dead(DeadToken::Missing));
    };
    match target::get_token(client, account_id, owner, token_id).await {
        Ok(token) => {
            let expired = token.expires_on.is_some_and(|t| t <= chrono::Utc::now());
            let not_yet = token.not_before.is_some_and(|t| t > chrono::Utc::now());
            Ok(match token.status {
                _ if expired => Health::Dead(DeadToken::Expired),
                _ if not_yet => Health::Dead(DeadToken::NotYetValid),
                None | Some(types::TokenStatus::Active) => Health::Active,
                Some(status) => Health::Dead(DeadToken::Status(status)),
            })
        }
        Err(error) if error.http_status() == Some(StatusCode::NOT_FOUND) => {
            Ok(Health::Dead(DeadToken::Deleted))
        }
        Err(error) if error.http_status() == Some(StatusCode::FORBIDDEN) => Ok(Health::Unchecked),
        Err(error) => Err(error),
    }
}

/// How long an API token that no registration names is left alone after it was issued: a
/// concurrent run (on another machine, or one that ignores the lock file) may have minted it
/// and be about to register it. A run takes seconds from mint to register, and a few more for
/// each retry of a slow answer; five minutes covers that many times over, and a later run
/// deletes the token once it is older.
pub const ORPHAN_GRACE: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// The API tokens of `tokens` that no registration names, left by runs that were interrupted
/// after minting them: those issued more than `grace` ago (to delete), and those issued since
/// (left: a concurrent run may be about to register them).
pub(crate) fn orphans(
    tokens: &[types::UserToken],
    registrations: &[types::AiSearchToken],
    grace: std::time::Duration,
) -> (Vec<String>, Vec<String>) {
    let since = chrono::TimeDelta::from_std(grace)
        .ok()
        .and_then(|grace| chrono::Utc::now().checked_sub_signed(grace));
    let recent = |t: &types::UserToken| match (t.issued_on, since) {
        (Some(issued), Some(since)) => issued > since,
        // A grace too long to compute keeps every token; one of unknown age is not kept.
        (_, None) => true,
        (None, Some(_)) => false,
    };
    let (recent, old): (Vec<&types::UserToken>, Vec<&types::UserToken>) = tokens
        .iter()
        .filter(|t| t.id.as_deref().is_some_and(|id| !named(registrations, id)))
        .partition(|t| recent(t));
    let ids =
        |tokens: Vec<&types::UserToken>| tokens.into_iter().filter_map(|t| t.id.clone()).collect();
    (ids(old), ids(recent))
}

/// Whether a registration names API token `id`.
pub(crate) fn named(registrations: &[types::AiSearchToken], id: &str) -> bool {
    registrations
        .iter()
        .any(|r| r.cf_api_id.as_deref() == Some(id))
}

pub(super) fn user_token_body(setup: &AiSearchSetup, group_id: &str) -> types::UserTokenCreate {
    let resources = [(
        account_resource(&setup.account_id),
        types::PolicyResourceValue::String("*".to_string()),
    )];
    let policy = types::TokenPolicy::new(
        types::PolicyEffect::Allow,
        vec![types::PolicyPermissionGroup::new(group_id)],
        resources.into_iter().collect(),
    );
    types::UserTokenCreate::new(setup.token_name.clone(), vec![policy])
}

/// The instance to create, using `registration`: an id, not an `Option`, so an instance can
/// never be created without a registration.
pub(super) fn instance_body(
    setup: &AiSearchSetup,
    registration: Uuid,
) -> types::AiSearchInstanceCreate {
    let (kind, source) = match &setup.source {
        InstanceSource::R2Bucket(bucket) => (types::AiSearchSourceType::R2, bucket),
        InstanceSource::Website(domain) => (types::AiSearchSourceType::WebCrawler, domain),
    };
    types::AiSearchInstanceCreate {
        type_: Some(kind),
        source: Some(source.clone()),
        token_id: Some(registration),
        ..types::AiSearchInstanceCreate::new(setup.instance_id.clone())
    }
}
