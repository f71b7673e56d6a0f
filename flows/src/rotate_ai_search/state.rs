//! What a rotation did, or in which state a failed one left things: each a value whose
//! `Display` is the sentence a person reads.

use std::fmt;

use uuid::Uuid;

use crate::setup::TokenOwner;
use cloudflare_tokens_generated::{Error, Secret};

/// What [`rotate_ai_search_token`](super::rotate_ai_search_token) did.
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
    /// API tokens an interrupted rotation left (of the old token's name and resources, named by
    /// no registration), deleted by this one.
    pub leftovers_deleted: Vec<String>,
    /// Such leftovers this run left: issued too recently (a concurrent run may be about to
    /// register them), or their delete failed. The next rotation deletes them.
    pub leftovers_left: Vec<String>,
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
    /// us. No registration names it, so the next rotation (or setup) deletes it.
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
    /// The update's answer was lost and the registration could not be read back: it may name
    /// either token, so both are kept. The next rotation deletes the one it does not name.
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
    /// there. No registration names it, so the next rotation deletes it.
    OldNotDeleted {
        old_token_id: String,
        new_token_id: String,
    },
    /// The registration uses the new API token; the old one's delete lost its answer and the
    /// token could not be looked up: it may be gone. The next rotation deletes it if not.
    OldMaybeDeleted {
        old_token_id: String,
        new_token_id: String,
    },
    /// The registration uses the new API token; the old one is kept because another
    /// registration names it too (or the registrations could not be listed to check).
    OldStillNamed {
        old_token_id: String,
        new_token_id: String,
        /// The other registrations that name it (empty: they could not be listed).
        named_by: Vec<Uuid>,
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
    /// It could not be deleted. No registration names it, so the next rotation deletes it.
    NotDeleted {
        /// Its id.
        id: String,
        /// Why.
        error: Error,
    },
    /// Its delete lost its answer and it could not be looked up: it may be gone. The next
    /// rotation deletes it if not.
    MaybeDeleted {
        /// Its id.
        id: String,
    },
    /// Kept: a registration names it (or the registrations could not be listed to check), and
    /// an API token a registration names is never deleted.
    Named {
        /// Its id.
        id: String,
    },
}

impl fmt::Display for Discarded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Deleted { id } => write!(f, "the new API token {id} was deleted"),
            Self::NotDeleted { id, error } => write!(
                f,
                "the new API token {id} could not be deleted ({error}); the next rotation \
                 deletes it"
            ),
            Self::MaybeDeleted { id } => write!(
                f,
                "the new API token {id} may have been deleted (its delete lost its answer and it \
                 could not be looked up); the next rotation deletes it if not"
            ),
            Self::Named { id } => write!(
                f,
                "the new API token {id} is kept: a registration may name it"
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
                 us: no registration names it, so the next rotation deletes it"
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
                 {new_token_id} (the update's answer was lost and it could not be read back): \
                 both are kept; run the rotation again: it deletes the one not named"
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
                 {old_token_id}, is still there: the next rotation deletes it"
            ),
            Self::OldMaybeDeleted {
                old_token_id,
                new_token_id,
            } => write!(
                f,
                "the registration uses the new API token {new_token_id}; the old one, \
                 {old_token_id}, may have been deleted (its delete lost its answer and it could \
                 not be looked up): the next rotation deletes it if not"
            ),
            Self::OldStillNamed {
                old_token_id,
                new_token_id,
                named_by,
            } => {
                write!(
                    f,
                    "the registration uses the new API token {new_token_id}; the old one, \
                     {old_token_id}, is kept: "
                )?;
                if named_by.is_empty() {
                    f.write_str("the registrations could not be listed to check that none names it")
                } else {
                    let ids: Vec<String> = named_by.iter().map(Uuid::to_string).collect();
                    write!(f, "registration {} names it too", ids.join(", "))
                }
            }
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
                 been created without its value reaching us: no registration names it, so the \
                 next rotation deletes it"
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
                     not be deleted ({e}); the next rotation deletes it"
                ),
            ),
            (
                RotationState::EitherInUse {
                    old_token_id: old_token_id.clone(),
                    new_token_id: new_token_id.clone(),
                },
                "the registration may name the old API token old1 or the new one new1 (the \
                 update's answer was lost and it could not be read back): both are kept; run the \
                 rotation again: it deletes the one not named"
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
                    old_token_id: old_token_id.clone(),
                    new_token_id: new_token_id.clone(),
                },
                "the registration uses the new API token new1; the old one, old1, is still \
                 there: the next rotation deletes it"
                    .to_string(),
            ),
            (
                RotationState::OldMaybeDeleted {
                    old_token_id: old_token_id.clone(),
                    new_token_id: new_token_id.clone(),
                },
                "the registration uses the new API token new1; the old one, old1, may have been \
                 deleted (its delete lost its answer and it could not be looked up): the next \
                 rotation deletes it if not"
                    .to_string(),
            ),
            (
                RotationState::OldStillNamed {
                    old_token_id: old_token_id.clone(),
                    new_token_id: new_token_id.clone(),
                    named_by: vec![Uuid::nil()],
                },
                "the registration uses the new API token new1; the old one, old1, is kept: \
                 registration 00000000-0000-0000-0000-000000000000 names it too"
                    .to_string(),
            ),
            (
                RotationState::OldStillNamed {
                    old_token_id: old_token_id.clone(),
                    new_token_id: new_token_id.clone(),
                    named_by: Vec::new(),
                },
                "the registration uses the new API token new1; the old one, old1, is kept: the \
                 registrations could not be listed to check that none names it"
                    .to_string(),
            ),
            (
                RotationState::OldInUse {
                    old_token_id: old_token_id.clone(),
                    new_token: Discarded::MaybeDeleted {
                        id: new_token_id.clone(),
                    },
                },
                "the registration still uses API token old1; the new API token new1 may have been \
                 deleted (its delete lost its answer and it could not be looked up); the next \
                 rotation deletes it if not"
                    .to_string(),
            ),
            (
                RotationState::OldInUse {
                    old_token_id,
                    new_token: Discarded::Named {
                        id: new_token_id.clone(),
                    },
                },
                "the registration still uses API token old1; the new API token new1 is kept: a \
                 registration may name it"
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
