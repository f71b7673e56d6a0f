//! Renewing the API token behind an AI Search registration without downtime.

use std::fmt;

use reqwest::StatusCode;
use uuid::Uuid;

use super::setup::{TokenOwner, target};
use cloudflare_tokens_generated::{Client, Error, Secret, types};

/// What [`rotate_ai_search_token`] did.
#[derive(Clone, Debug)]
pub struct RotatedAiSearchToken {
    /// The registration (unchanged id).
    pub registration_id: Uuid,
    /// Who owns the API tokens, old and new.
    pub owner: TokenOwner,
    /// The API token the registration named before, now deleted.
    pub old_token_id: String,
    /// The API token it names now.
    pub new_token_id: String,
    /// The new API token's value, shown by Cloudflare only once.
    pub new_token_value: Secret,
}

/// The step of a rotation that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RotationStep {
    /// Read the registration and the API token it names.
    LookUp,
    /// Mint the new API token.
    Mint,
    /// Point the registration at it.
    UpdateRegistration,
    /// Check that the registration names it.
    Check,
    /// Delete the old API token.
    DeleteOld,
}

impl fmt::Display for RotationStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::LookUp => "look up the registration and its API token",
            Self::Mint => "create the new API token",
            Self::UpdateRegistration => "point the registration at the new API token",
            Self::Check => "check that the registration uses the new API token",
            Self::DeleteOld => "delete the old API token",
        })
    }
}

/// Why a rotation failed, and in which state it left things.
#[derive(Debug)]
pub struct RotationError {
    pub step: RotationStep,
    pub error: Error,
    /// What the registration uses now, and what was done about the new token, for a person.
    pub state: String,
}

impl fmt::Display for RotationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "step \"{}\" failed: {}\n{}",
            self.step, self.error, self.state
        )
    }
}

impl std::error::Error for RotationError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Renews the API token behind AI Search registration `registration_id` with no moment when
/// its instances have no working token: mints a new API token with the old one's name, policies
/// and owner (user or account), points the registration at it, checks that the registration
/// names it, and only then deletes the old token.
///
/// If minting or updating the registration fails, the new token (if any) is deleted and the
/// registration and the old token are as they were. If the check shows the old token still
/// named, the same. If the old token cannot be deleted, the error says so: the registration
/// already uses the new one.
pub async fn rotate_ai_search_token(
    client: &Client,
    account_id: &str,
    registration_id: &Uuid,
) -> Result<RotatedAiSearchToken, RotationError> {
    let fail = |step, error, state: &str| RotationError {
        step,
        error,
        state: state.to_string(),
    };
    let unchanged = "nothing was changed";
    let registration = client
        .ai_search_tokens_get(account_id, registration_id)
        .await
        .map_err(|e| fail(RotationStep::LookUp, e, unchanged))?
        .into_result();
    let old_id = registration.cf_api_id.clone().ok_or_else(|| {
        fail(
            RotationStep::LookUp,
            Error::new(cloudflare_tokens_generated::ErrorKind::Decode, None)
                .with_detail("the registration names no API token"),
            unchanged,
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
                .map_err(|e| fail(RotationStep::LookUp, e, unchanged))?;
            (TokenOwner::Account, token)
        }
        Err(e) => return Err(fail(RotationStep::LookUp, e, unchanged)),
    };
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
                "the registration and the old API token are unchanged; a new API token may have \
                 been created without its value reaching us: look for a second token of the \
                 same name and delete it"
            } else {
                unchanged
            };
            fail(RotationStep::Mint, e, state)
        })?;
    let (new_id, new_value) = match (created.id, created.value) {
        (Some(id), Some(value)) if !value.is_empty() => (id, value),
        (id, _) => {
            let mut state = "the registration and the old API token are unchanged".to_string();
            if let Some(id) = &id {
                state.push_str(&discard(client, account_id, owner, id).await);
            }
            let error = Error::new(cloudflare_tokens_generated::ErrorKind::Decode, None)
                .with_detail("the new API token's answer carried no value");
            return Err(fail(RotationStep::Mint, error, &state));
        }
    };
    let update = types::AiSearchTokenUpdate::new(types::AiSearchTokenUpdateRequired {
        cf_api_id: new_id.clone(),
        cf_api_key: new_value.clone(),
        name,
    });
    if let Err(e) = client
        .ai_search_tokens_update(account_id, registration_id, &update)
        .await
    {
        let state = if e.is_outcome_unknown() {
            // The update may have landed: deleting the new token could break the instances.
            format!(
                "the registration may name the old API token {old_id} or the new one {new_id}: \
                 both are kept; run the rotation again once `ai-search tokens get` answers"
            )
        } else {
            format!(
                "the registration still uses API token {old_id}{}",
                discard(client, account_id, owner, &new_id).await
            )
        };
        return Err(fail(RotationStep::UpdateRegistration, e, &state));
    }
    match client
        .ai_search_tokens_get(account_id, registration_id)
        .await
    {
        Ok(now) if now.result().cf_api_id.as_deref() == Some(new_id.as_str()) => {}
        Ok(now) => {
            let names = now.into_result().cf_api_id.unwrap_or_default();
            let state = if names == old_id {
                format!(
                    "the registration still uses API token {old_id}{}",
                    discard(client, account_id, owner, &new_id).await
                )
            } else {
                format!(
                    "the registration names API token {names:?}, neither the old one nor the new \
                     one: both are kept"
                )
            };
            let error = Error::new(cloudflare_tokens_generated::ErrorKind::Api, None)
                .with_detail("the registration does not name the new API token after the update");
            return Err(fail(RotationStep::Check, error, &state));
        }
        Err(e) => {
            let state = format!(
                "the registration was updated to API token {new_id} but could not be read back: \
                 the old API token {old_id} is kept"
            );
            return Err(fail(RotationStep::Check, e, &state));
        }
    }
    if let Err(e) = target::delete_token(client, account_id, owner, &old_id).await
        && e.http_status() != Some(StatusCode::NOT_FOUND)
    {
        let state = format!(
            "the registration uses the new API token {new_id}; the old one, {old_id}, is still \
             there: delete it yourself"
        );
        return Err(fail(RotationStep::DeleteOld, e, &state));
    }
    Ok(RotatedAiSearchToken {
        registration_id: *registration_id,
        owner,
        old_token_id: old_id,
        new_token_id: new_id,
        new_token_value: new_value,
    })
}

/// Deletes the new token of a rotation that did not go through; what became of it, as the end
/// of a sentence.
async fn discard(client: &Client, account_id: &str, owner: TokenOwner, id: &str) -> String {
    match target::delete_token(client, account_id, owner, id).await {
        Ok(()) => format!("; the new API token {id} was deleted"),
        Err(e) => {
            format!("; the new API token {id} could not be deleted ({e}): delete it yourself")
        }
    }
}
