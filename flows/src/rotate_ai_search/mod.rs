//! Renewing the API token behind an AI Search registration without downtime, and without ever
//! deleting an API token that a registration names.

mod state;

use std::collections::BTreeSet;

use reqwest::StatusCode;
use uuid::Uuid;

use crate::setup::{TokenOwner, lookup, target};
use cloudflare_tokens_generated::{Client, Error, ErrorKind, types};
pub use state::{Discarded, RotatedAiSearchToken, RotationError, RotationState, RotationStep};

/// Renews the API token behind AI Search registration `registration_id` with no moment when
/// its instances have no working token: mints a new API token with the old one's name, policies
/// and owner (user or account), points the registration at it, reads the registration back,
/// and only once it names the new token deletes the old one.
///
/// - An answer that did not arrive intact (timeout, dropped connection, truncated body, server
///   error) leaves the outcome unknown, for the update as for the create: the registration is
///   read back, and what it names decides which token is kept.
/// - An API token that a registration names is never deleted: the registrations are listed
///   before each delete. After a delete whose answer was lost, the token is looked up before
///   the outcome is reported.
/// - API tokens an interrupted rotation left (of the old token's name and resources, named by
///   no registration) are deleted first, as the setup deletes its orphans.
///
/// The error's [`state`](RotationError::state) says what the registration uses and what was
/// done about each token.
///
/// Leftovers issued within [`ORPHAN_GRACE`](crate::ORPHAN_GRACE) are left alone (a concurrent
/// run may be about to register them); [`rotate_ai_search_token_with_grace`] sets another grace.
pub async fn rotate_ai_search_token(
    client: &Client,
    account_id: &str,
    registration_id: &Uuid,
) -> Result<RotatedAiSearchToken, RotationError> {
    rotate_ai_search_token_with_grace(client, account_id, registration_id, lookup::ORPHAN_GRACE)
        .await
}

/// [`rotate_ai_search_token`], leaving alone the leftovers issued less than `grace` ago.
pub async fn rotate_ai_search_token_with_grace(
    client: &Client,
    account_id: &str,
    registration_id: &Uuid,
    grace: std::time::Duration,
) -> Result<RotatedAiSearchToken, RotationError> {
    let fail = |step, error, state| RotationError { step, error, state };
    let unchanged = || RotationState::Unchanged;
    let registration = client
        .ai_search_tokens_get(account_id, registration_id)
        .await
        .map_err(|e| fail(RotationStep::LookUp, e, unchanged()))?
        .into_result();
    let old_id = registration.cf_api_id.clone().ok_or_else(|| {
        fail(
            RotationStep::LookUp,
            Error::new(ErrorKind::Decode, None).with_detail("the registration names no API token"),
            unchanged(),
        )
    })?;
    let name = registration
        .name
        .clone()
        .unwrap_or_else(|| format!("ai-search-{registration_id}"));
    // The old token: the user's, else the account's.
    let (owner, old) = match target::get_token(client, account_id, TokenOwner::User, &old_id).await
    {
        Ok(token) => (TokenOwner::User, token),
        Err(e) if e.http_status() == Some(StatusCode::NOT_FOUND) => {
            let token = target::get_token(client, account_id, TokenOwner::Account, &old_id)
                .await
                .map_err(|e| fail(RotationStep::LookUp, e, unchanged()))?;
            (TokenOwner::Account, token)
        }
        Err(e) => return Err(fail(RotationStep::LookUp, e, unchanged())),
    };
    let (leftovers_deleted, leftovers_left) =
        delete_leftovers(client, account_id, owner, (&old, &old_id), grace).await;

    let policies = old
        .policies
        .iter()
        .map(|p| types::TokenPolicy {
            id: None,
            ..p.clone()
        })
        .collect();
    // The same name, policies and conditions; no validity window (the old one's may be ending).
    let mut body =
        types::UserTokenCreate::new(old.name.clone().unwrap_or_else(|| name.clone()), policies);
    body.condition = old.condition.clone();
    let created = target::create_token(client, account_id, owner, &body)
        .await
        .map_err(|e| {
            let state = if e.is_outcome_unknown() {
                RotationState::MaybeMinted
            } else {
                unchanged()
            };
            fail(RotationStep::Mint, e, state)
        })?;
    let (new_id, new_value) = match (created.id, created.value) {
        (Some(id), Some(value)) if !value.is_empty() => (id, value),
        (id, _) => {
            let new_token = match id {
                Some(id) => Some(discard(client, account_id, owner, id).await),
                None => None,
            };
            let error = Error::new(ErrorKind::Decode, None)
                .with_detail("the new API token's answer carried no value");
            let state = RotationState::MintedWithoutValue { new_token };
            return Err(fail(RotationStep::Mint, error, state));
        }
    };

    let update = types::AiSearchTokenUpdate::new(types::AiSearchTokenUpdateRequired {
        cf_api_id: new_id.clone(),
        cf_api_key: new_value.clone(),
        name,
    });
    // An update whose answer was lost may have landed: the read-back below decides.
    let lost_update = match client
        .ai_search_tokens_update(account_id, registration_id, &update)
        .await
    {
        Ok(_) => None,
        Err(e) if e.may_have_landed() => Some(e),
        Err(e) => {
            let state = RotationState::OldInUse {
                new_token: discard(client, account_id, owner, new_id).await,
                old_token_id: old_id,
            };
            return Err(fail(RotationStep::UpdateRegistration, e, state));
        }
    };
    let named = match client
        .ai_search_tokens_get(account_id, registration_id)
        .await
    {
        Ok(now) => now.into_result().cf_api_id,
        Err(e) => {
            // Both tokens are kept: the next rotation deletes the one not named.
            let (step, error, state) = match lost_update {
                Some(update_error) => (
                    RotationStep::UpdateRegistration,
                    update_error,
                    RotationState::EitherInUse {
                        old_token_id: old_id,
                        new_token_id: new_id,
                    },
                ),
                None => (
                    RotationStep::Check,
                    e,
                    RotationState::Unverified {
                        old_token_id: old_id,
                        new_token_id: new_id,
                    },
                ),
            };
            return Err(fail(step, error, state));
        }
    };
    if named.as_deref() != Some(new_id.as_str()) {
        let state = if named.as_deref() == Some(old_id.as_str()) {
            RotationState::OldInUse {
                new_token: discard(client, account_id, owner, new_id).await,
                old_token_id: old_id,
            }
        } else {
            RotationState::NeitherInUse {
                named,
                old_token_id: old_id,
                new_token_id: new_id,
            }
        };
        let (step, error) = match lost_update {
            Some(update_error) => (RotationStep::UpdateRegistration, update_error),
            None => (
                RotationStep::Check,
                Error::new(ErrorKind::Api, None).with_detail(
                    "the registration does not name the new API token after the update",
                ),
            ),
        };
        return Err(fail(step, error, state));
    }

    let still_named = |named_by| RotationState::OldStillNamed {
        old_token_id: old_id.clone(),
        new_token_id: new_id.clone(),
        named_by,
    };
    match lookup::all_registrations(client, account_id).await {
        Ok(all) => {
            let named_by: Vec<Uuid> = all
                .iter()
                .filter(|r| r.cf_api_id.as_deref() == Some(old_id.as_str()))
                .filter_map(|r| r.id)
                .collect();
            if !named_by.is_empty() {
                let error = Error::new(ErrorKind::Api, None)
                    .with_detail("another registration names the old API token");
                return Err(fail(RotationStep::DeleteOld, error, still_named(named_by)));
            }
        }
        Err(e) => return Err(fail(RotationStep::DeleteOld, e, still_named(Vec::new()))),
    }
    match delete_checked(client, account_id, owner, &old_id).await {
        Deletion::Deleted => {}
        Deletion::NotDeleted(e) => {
            let state = RotationState::OldNotDeleted {
                old_token_id: old_id,
                new_token_id: new_id,
            };
            return Err(fail(RotationStep::DeleteOld, e, state));
        }
        Deletion::Unknown(e) => {
            let state = RotationState::OldMaybeDeleted {
                old_token_id: old_id,
                new_token_id: new_id,
            };
            return Err(fail(RotationStep::DeleteOld, e, state));
        }
    }
    Ok(RotatedAiSearchToken {
        registration_id: *registration_id,
        owner,
        old_token_id: old_id,
        new_token_id: new_id,
        new_token_value: new_value,
        leftovers_deleted,
        leftovers_left,
    })
}

/// Deletes the API tokens an interrupted rotation of `old` left: of its owner, name and
/// resources, other than `old` itself, and named by no registration (as the setup finds its
/// orphans). Those deleted, and those left. A failed look-up only skips the clean-up: the
/// rotation does not depend on it, and the next one tries again.
async fn delete_leftovers(
    client: &Client,
    account_id: &str,
    owner: TokenOwner,
    (old, old_id): (&types::UserToken, &str),
    grace: std::time::Duration,
) -> (Vec<String>, Vec<String>) {
    let (mut deleted, mut left) = (Vec::new(), Vec::new());
    let Ok(tokens) = target::list_tokens(client, account_id, owner).await else {
        return (deleted, left);
    };
    let shape = shape(old);
    let alike: Vec<types::UserToken> = tokens
        .into_iter()
        .filter(|t| {
            t.id.as_deref() != Some(old_id) && t.name == old.name && self::shape(t) == shape
        })
        .collect();
    if alike.is_empty() {
        return (deleted, left);
    }
    let Ok(registrations) = lookup::all_registrations(client, account_id).await else {
        return (deleted, left);
    };
    let (orphans, recent) = lookup::orphans(&alike, &registrations, grace);
    left.extend(recent);
    for id in orphans {
        match delete_checked(client, account_id, owner, &id).await {
            Deletion::Deleted => deleted.push(id),
            Deletion::NotDeleted(_) | Deletion::Unknown(_) => left.push(id),
        }
    }
    (deleted, left)
}

/// What a token's policies grant, as a comparable value: a rotation's new token has its old
/// one's (so does a leftover of an interrupted rotation), a token made for another use not.
fn shape(token: &types::UserToken) -> BTreeSet<(BTreeSet<String>, BTreeSet<String>)> {
    token
        .policies
        .iter()
        .map(|p| {
            let groups = p.permission_groups.iter().map(|g| g.id.clone()).collect();
            let resources = p.resources.keys().cloned().collect();
            (groups, resources)
        })
        .collect()
}

/// How a delete ended, looked at when its answer was lost.
enum Deletion {
    /// It is gone (a 404 counts: gone is what was asked for).
    Deleted,
    /// It is still there.
    NotDeleted(Error),
    /// Its answer was lost, and it could not be looked up.
    Unknown(Error),
}

async fn delete_checked(
    client: &Client,
    account_id: &str,
    owner: TokenOwner,
    id: &str,
) -> Deletion {
    let error = match target::delete_token(client, account_id, owner, id).await {
        Ok(()) => return Deletion::Deleted,
        Err(e) if e.http_status() == Some(StatusCode::NOT_FOUND) => return Deletion::Deleted,
        Err(e) => e,
    };
    if !error.may_have_landed() {
        return Deletion::NotDeleted(error);
    }
    match target::get_token(client, account_id, owner, id).await {
        Err(e) if e.http_status() == Some(StatusCode::NOT_FOUND) => Deletion::Deleted,
        Ok(_) => Deletion::NotDeleted(error),
        Err(_) => Deletion::Unknown(error),
    }
}

/// Deletes the new token of a rotation that did not go through, unless a registration names it
/// (or the registrations cannot be listed to check); what became of it.
async fn discard(client: &Client, account_id: &str, owner: TokenOwner, id: String) -> Discarded {
    match lookup::all_registrations(client, account_id).await {
        Ok(all) if !lookup::named(&all, &id) => {}
        _ => return Discarded::Named { id },
    }
    match delete_checked(client, account_id, owner, &id).await {
        Deletion::Deleted => Discarded::Deleted { id },
        Deletion::NotDeleted(error) => Discarded::NotDeleted { id, error },
        Deletion::Unknown(_) => Discarded::MaybeDeleted { id },
    }
}
