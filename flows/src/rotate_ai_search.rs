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
    /// The step that failed.
    pub step: RotationStep,
    /// Its error.
    pub error: Error,
    /// What the registration uses now, and what was done about the new token.
    pub state: RotationState,
}

/// In which state a failed rotation left the registration and the API tokens. Its `Display` is
/// the sentence for a person: what the registration uses, and what is left to do.
#[derive(Debug)]
#[non_exhaustive]
pub enum RotationState {
    /// Nothing was changed.
    Unchanged,
    /// The registration and the old API token are unchanged, but the new token's create lost
    /// its answer: a second API token of the same name may exist, whose value never reached
    /// us. Look for it and delete it.
    MaybeMinted,
    /// The new API token's answer carried no value: the registration and the old API token are
    /// unchanged. The new token, if its id was in the answer, was deleted (or could not be).
    MintedWithoutValue {
        /// What became of the new token, if its id was known.
        new_token: Option<Discarded>,
    },
    /// The registration still uses the old API token; the new one was deleted (or could not be).
    OldInUse {
        /// The API token the registration names.
        old_token_id: String,
        /// What became of the new one.
        new_token: Discarded,
    },
    /// The update's answer was lost: the registration may name either token, so both are kept.
    /// Run the rotation again once the registration can be read.
    EitherInUse {
        old_token_id: String,
        new_token_id: String,
    },
    /// After the update the registration names neither token: both are kept.
    NeitherInUse {
        /// The API token it names, if any.
        named: Option<String>,
        old_token_id: String,
        new_token_id: String,
    },
    /// The registration was updated to the new API token but could not be read back to check:
    /// the old one is kept.
    Unverified {
        old_token_id: String,
        new_token_id: String,
    },
    /// The registration uses the new API token; the old one could not be deleted, and is still
    /// there: delete it yourself.
    OldNotDeleted {
        old_token_id: String,
        new_token_id: String,
    },
}

/// What became of the new API token of a rotation that did not go through.
#[derive(Debug)]
#[non_exhaustive]
pub enum Discarded {
    /// It was deleted.
    Deleted {
        /// Its id.
        id: String,
    },
    /// It could not be deleted: delete it yourself.
    NotDeleted {
        /// Its id.
        id: String,
        /// Why.
        error: Error,
    },
}

impl fmt::Display for Discarded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Deleted { id } => write!(f, "the new API token {id} was deleted"),
            Self::NotDeleted { id, error } => write!(
                f,
                "the new API token {id} could not be deleted ({error}): delete it yourself"
            ),
        }
    }
}

impl fmt::Display for RotationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNCHANGED: &str = "the registration and the old API token are unchanged";
        match self {
            Self::Unchanged => f.write_str("nothing was changed"),
            Self::MaybeMinted => write!(
                f,
                "{UNCHANGED}; a new API token may have been created without its value reaching \
                 us: look for a second token of the same name and delete it"
            ),
            Self::MintedWithoutValue { new_token } => {
                f.write_str(UNCHANGED)?;
                match new_token {
                    Some(new_token) => write!(f, "; {new_token}"),
                    None => Ok(()),
                }
            }
            Self::OldInUse {
                old_token_id,
                new_token,
            } => write!(
                f,
                "the registration still uses API token {old_token_id}; {new_token}"
            ),
            Self::EitherInUse {
                old_token_id,
                new_token_id,
            } => write!(
                f,
                "the registration may name the old API token {old_token_id} or the new one \
                 {new_token_id}: both are kept; run the rotation again once `ai-search tokens \
                 get` answers"
            ),
            Self::NeitherInUse { named, .. } => write!(
                f,
                "the registration names API token {:?}, neither the old one nor the new one: \
                 both are kept",
                named.as_deref().unwrap_or_default()
            ),
            Self::Unverified {
                old_token_id,
                new_token_id,
            } => write!(
                f,
                "the registration was updated to API token {new_token_id} but could not be read \
                 back: the old API token {old_token_id} is kept"
            ),
            Self::OldNotDeleted {
                old_token_id,
                new_token_id,
            } => write!(
                f,
                "the registration uses the new API token {new_token_id}; the old one, \
                 {old_token_id}, is still there: delete it yourself"
            ),
        }
    }
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
/// already uses the new one. The error's [`state`](RotationError::state) says which of these
/// (and what was done about the new token).
pub async fn rotate_ai_search_token(
    client: &Client,
    account_id: &str,
    registration_id: &Uuid,
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
            Error::new(cloudflare_tokens_generated::ErrorKind::Decode, None)
                .with_detail("the registration names no API token"),
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
            let error = Error::new(cloudflare_tokens_generated::ErrorKind::Decode, None)
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
    if let Err(e) = client
        .ai_search_tokens_update(account_id, registration_id, &update)
        .await
    {
        let state = if e.is_outcome_unknown() {
            // The update may have landed: deleting the new token could break the instances.
            RotationState::EitherInUse {
                old_token_id: old_id,
                new_token_id: new_id,
            }
        } else {
            RotationState::OldInUse {
                new_token: discard(client, account_id, owner, new_id).await,
                old_token_id: old_id,
            }
        };
        return Err(fail(RotationStep::UpdateRegistration, e, state));
    }
    match client
        .ai_search_tokens_get(account_id, registration_id)
        .await
    {
        Ok(now) if now.result().cf_api_id.as_deref() == Some(new_id.as_str()) => {}
        Ok(now) => {
            let named = now.into_result().cf_api_id;
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
            let error = Error::new(cloudflare_tokens_generated::ErrorKind::Api, None)
                .with_detail("the registration does not name the new API token after the update");
            return Err(fail(RotationStep::Check, error, state));
        }
        Err(e) => {
            let state = RotationState::Unverified {
                old_token_id: old_id,
                new_token_id: new_id,
            };
            return Err(fail(RotationStep::Check, e, state));
        }
    }
    if let Err(e) = target::delete_token(client, account_id, owner, &old_id).await
        && e.http_status() != Some(StatusCode::NOT_FOUND)
    {
        let state = RotationState::OldNotDeleted {
            old_token_id: old_id,
            new_token_id: new_id,
        };
        return Err(fail(RotationStep::DeleteOld, e, state));
    }
    Ok(RotatedAiSearchToken {
        registration_id: *registration_id,
        owner,
        old_token_id: old_id,
        new_token_id: new_id,
        new_token_value: new_value,
    })
}

/// Deletes the new token of a rotation that did not go through; what became of it.
async fn discard(client: &Client, account_id: &str, owner: TokenOwner, id: String) -> Discarded {
    match target::delete_token(client, account_id, owner, &id).await {
        Ok(()) => Discarded::Deleted { id },
        Err(error) => Discarded::NotDeleted { id, error },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudflare_tokens_generated::ErrorKind;

    fn error() -> Error {
        Error::new(ErrorKind::Api, None).with_detail("refused")
    }

    fn ids() -> (String, String) {
        ("old1".to_string(), "new1".to_string())
    }

    #[test]
    fn each_state_says_what_the_registration_uses_and_what_is_left_to_do() {
        let e = error().to_string();
        let (old_token_id, new_token_id) = ids();
        let deleted = || Discarded::Deleted {
            id: new_token_id.clone(),
        };
        let cases = [
            (RotationState::Unchanged, "nothing was changed".to_string()),
            (
                RotationState::MaybeMinted,
                "the registration and the old API token are unchanged; a new API token may have \
                 been created without its value reaching us: look for a second token of the same \
                 name and delete it"
                    .to_string(),
            ),
            (
                RotationState::MintedWithoutValue { new_token: None },
                "the registration and the old API token are unchanged".to_string(),
            ),
            (
                RotationState::MintedWithoutValue {
                    new_token: Some(deleted()),
                },
                "the registration and the old API token are unchanged; the new API token new1 \
                 was deleted"
                    .to_string(),
            ),
            (
                RotationState::OldInUse {
                    old_token_id: old_token_id.clone(),
                    new_token: deleted(),
                },
                "the registration still uses API token old1; the new API token new1 was deleted"
                    .to_string(),
            ),
            (
                RotationState::OldInUse {
                    old_token_id: old_token_id.clone(),
                    new_token: Discarded::NotDeleted {
                        id: new_token_id.clone(),
                        error: error(),
                    },
                },
                format!(
                    "the registration still uses API token old1; the new API token new1 could \
                     not be deleted ({e}): delete it yourself"
                ),
            ),
            (
                RotationState::EitherInUse {
                    old_token_id: old_token_id.clone(),
                    new_token_id: new_token_id.clone(),
                },
                "the registration may name the old API token old1 or the new one new1: both are \
                 kept; run the rotation again once `ai-search tokens get` answers"
                    .to_string(),
            ),
            (
                RotationState::NeitherInUse {
                    named: Some("other".into()),
                    old_token_id: old_token_id.clone(),
                    new_token_id: new_token_id.clone(),
                },
                "the registration names API token \"other\", neither the old one nor the new \
                 one: both are kept"
                    .to_string(),
            ),
            (
                RotationState::NeitherInUse {
                    named: None,
                    old_token_id: old_token_id.clone(),
                    new_token_id: new_token_id.clone(),
                },
                "the registration names API token \"\", neither the old one nor the new one: \
                 both are kept"
                    .to_string(),
            ),
            (
                RotationState::Unverified {
                    old_token_id: old_token_id.clone(),
                    new_token_id: new_token_id.clone(),
                },
                "the registration was updated to API token new1 but could not be read back: the \
                 old API token old1 is kept"
                    .to_string(),
            ),
            (
                RotationState::OldNotDeleted {
                    old_token_id,
                    new_token_id: new_token_id.clone(),
                },
                "the registration uses the new API token new1; the old one, old1, is still \
                 there: delete it yourself"
                    .to_string(),
            ),
        ];
        for (state, sentence) in cases {
            assert_eq!(state.to_string(), sentence, "{state:?}");
        }
    }

    #[test]
    fn the_error_names_the_step_and_the_error_then_the_state() {
        let failed = RotationError {
            step: RotationStep::DeleteOld,
            error: error(),
            state: RotationState::Unchanged,
        };
        assert_eq!(
            failed.to_string(),
            format!(
                "step \"delete the old API token\" failed: {}\nnothing was changed",
                error()
            )
        );
    }
}
