//! What the setup reports as it goes: its steps and events, each one line for a person.

use std::fmt;

use uuid::Uuid;

use cloudflare_tokens_generated::types;

use super::PlannedStep;
use super::leftovers::{ObjectKind, RolledBack};
use crate::AI_SEARCH_INDEX_ENGINE;

/// A step of the setup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// Check that the R2 bucket exists.
    CheckBucket,
    /// Create the R2 bucket.
    CreateBucket,
    /// Create the namespace if it is missing.
    EnsureNamespace,
    /// Find the "AI Search Index Engine" permission group.
    FindPermissionGroup,
    /// Look for the registration, its API token, leftovers of earlier runs and the instance.
    LookUp,
    /// Create the user API token.
    CreateUserToken,
    /// Register it with AI Search.
    RegisterToken,
    /// Point a registration whose API token is gone or inactive at a new one.
    RepairRegistration,
    /// Delete API tokens that interrupted runs left unregistered.
    DeleteOrphans,
    /// Create the instance.
    CreateInstance,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CheckBucket => "check the R2 bucket",
            Self::CreateBucket => "create the R2 bucket",
            Self::EnsureNamespace => "find or create the AI Search namespace",
            Self::FindPermissionGroup => "find the permission group",
            Self::LookUp => "look up the registration, its API token and the instance",
            Self::CreateUserToken => "create the API token",
            Self::RegisterToken => "register the token with AI Search",
            Self::RepairRegistration => "repair the registration with the new token",
            Self::DeleteOrphans => "delete orphaned API tokens",
            Self::CreateInstance => "create the AI Search instance",
        })
    }
}

/// What is wrong with the API token a registration names, which makes the setup repair the
/// registration instead of reusing it. Its `Display` follows "which is": `deleted`, `disabled`…
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeadToken {
    /// The registration names no API token.
    Missing,
    /// The API token is gone.
    Deleted,
    /// Its validity ended (`expires_on` has passed).
    Expired,
    /// Its validity has not begun (`not_before` is ahead).
    NotYetValid,
    /// Its status is not `active`.
    Status(types::TokenStatus),
}

impl fmt::Display for DeadToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => f.write_str("missing"),
            Self::Deleted => f.write_str("deleted"),
            Self::Expired => f.write_str("expired"),
            Self::NotYetValid => f.write_str("not valid yet"),
            Self::Status(status) => write!(f, "{status}"),
        }
    }
}

/// What the setup reports as it goes. Its `Display` is one line for a person; it never
/// contains a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A step begins.
    Started(Step),
    /// The R2 bucket exists.
    BucketFound { name: String },
    /// The R2 bucket was created.
    BucketCreated { name: String },
    /// The namespace was created.
    NamespaceCreated { name: String },
    /// The permission group was found by name.
    PermissionGroupFound { id: String },
    /// Looking the group up was not permitted: the documented id is used.
    PermissionGroupAssumed { id: String },
    /// The credentials may not read API tokens: the registration's token cannot be checked,
    /// and leftovers of interrupted runs cannot be looked for.
    TokensUnreadable,
    /// A registration of the chosen name whose API token is active will be used.
    TokenReused { ai_search_token_id: Uuid },
    /// A registration of the chosen name will be used without checking its API token, which the
    /// credentials may not read.
    TokenReusedUnchecked { ai_search_token_id: Uuid },
    /// The registration of the chosen name names an API token that is gone or inactive: it is
    /// repaired with a new token instead of being reused.
    TokenDead {
        ai_search_token_id: Uuid,
        /// The API token it names, if any.
        user_token_id: Option<String>,
        /// What is wrong with it.
        why: DeadToken,
    },
    /// The instance exists already: nothing is created.
    InstanceExists { id: String },
    /// A dry run: what a real run would do now.
    WouldDo(PlannedStep),
    /// The user API token was created.
    UserTokenCreated { id: String },
    /// An API token was created although its answer was lost (or carried no value): its value
    /// was never seen, so it can never be registered, and it was deleted.
    UnseenTokenDeleted { id: String },
    /// A create's answer was lost, and looking found nothing of it that can be used: the
    /// create is sent once more.
    SendingAgain(Step),
    /// The token was registered with AI Search.
    TokenRegistered { ai_search_token_id: Uuid },
    /// The registration's answer was lost, but listing shows that it landed: it is kept and used.
    RegistrationLanded { ai_search_token_id: Uuid },
    /// The registration now names the API token this run minted.
    TokenRepaired {
        ai_search_token_id: Uuid,
        user_token_id: String,
    },
    /// API tokens of the chosen name that no registration names (left by interrupted runs) were
    /// deleted.
    OrphansDeleted { ids: Vec<String> },
    /// An orphaned API token could not be deleted; the next run tries again.
    OrphanNotDeleted { id: String },
    /// API tokens that look orphaned were left: issued within the grace, they may be a
    /// concurrent run's, about to be registered. A later run deletes them.
    OrphansTooRecent { ids: Vec<String> },
    /// The instance was created.
    InstanceCreated { id: String },
    /// The instance's answer was lost, but it exists: it is kept.
    InstanceLanded { id: String },
    /// A step failed; what this run created is being deleted.
    RollingBack(Step),
    /// Something this run created was deleted.
    RolledBack(RolledBack),
    /// An API token this run created is kept because a registration names it.
    Kept {
        /// The API token's id.
        id: String,
    },
    /// Something this run created could not be deleted.
    RollbackFailed {
        /// What it is.
        kind: ObjectKind,
        /// Its id (a namespace's: its name).
        id: String,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Started(step) => write!(f, "… {step}"),
            Self::BucketFound { name } => write!(f, "  R2 bucket {name} exists"),
            Self::BucketCreated { name } => write!(f, "  created R2 bucket {name}"),
            Self::NamespaceCreated { name } => write!(f, "  created namespace {name}"),
            Self::PermissionGroupFound { id } => {
                write!(f, "  permission group \"{AI_SEARCH_INDEX_ENGINE}\" is {id}")
            }
            Self::PermissionGroupAssumed { id } => write!(
                f,
                "  not permitted to list permission groups; using the documented id {id} for \"{AI_SEARCH_INDEX_ENGINE}\""
            ),
            Self::TokensUnreadable => f.write_str(
                "  not permitted to read API tokens: the registration's token is not checked, and \
                 tokens left by interrupted runs are not looked for",
            ),
            Self::TokenReused { ai_search_token_id } => write!(
                f,
                "  a token of this name is registered ({ai_search_token_id}) and its API token is active: reusing it"
            ),
            Self::TokenReusedUnchecked { ai_search_token_id } => write!(
                f,
                "  a token of this name is registered ({ai_search_token_id}): reusing it unchecked"
            ),
            Self::TokenDead {
                ai_search_token_id,
                user_token_id,
                why,
            } => {
                write!(f, "  AI Search token {ai_search_token_id} ")?;
                match user_token_id {
                    Some(id) => write!(f, "names API token {id}, which is {why}")?,
                    None => write!(f, "names no API token")?,
                }
                f.write_str(": repairing it with a new token")
            }
            Self::InstanceExists { id } => {
                write!(f, "  instance {id} exists already: nothing to create")
            }
            Self::WouldDo(what) => write!(f, "  dry run: would {what}"),
            Self::UserTokenCreated { id } => write!(f, "  created API token {id}"),
            Self::UnseenTokenDeleted { id } => write!(
                f,
                "  API token {id} was created but its value never reached us, so it could never be \
                 registered: deleted it"
            ),
            Self::SendingAgain(step) => write!(
                f,
                "  the answer was lost and nothing usable of it exists: trying once more to {step}"
            ),
            Self::TokenRegistered { ai_search_token_id } => {
                write!(f, "  registered as AI Search token {ai_search_token_id}")
            }
            Self::RegistrationLanded { ai_search_token_id } => write!(
                f,
                "  the answer was lost, but the registration exists ({ai_search_token_id}): using it"
            ),
            Self::TokenRepaired {
                ai_search_token_id,
                user_token_id,
            } => write!(
                f,
                "  repaired AI Search token {ai_search_token_id}: it now uses API token {user_token_id}"
            ),
            Self::OrphansTooRecent { ids } => write!(
                f,
                "  left {} token(s) of this name that no registration names ({}): issued in the \
                 last few minutes, they may be a concurrent run's; a later run deletes them",
                ids.len(),
                ids.join(", ")
            ),
            Self::OrphansDeleted { ids } => {
                if let [_] = ids.as_slice() {
                    write!(f, "  deleted 1 orphaned token from an interrupted run")?;
                } else {
                    write!(
                        f,
                        "  deleted {} orphaned tokens from interrupted runs",
                        ids.len()
                    )?;
                }
                write!(f, " ({})", ids.join(", "))
            }
            Self::OrphanNotDeleted { id } => write!(
                f,
                "  could not delete orphaned API token {id}: the next run tries again"
            ),
            Self::InstanceCreated { id } => write!(f, "  created instance {id}"),
            Self::InstanceLanded { id } => write!(
                f,
                "  the answer was lost, but instance {id} exists: keeping it"
            ),
            Self::RollingBack(step) => write!(f, "! {step} failed: deleting what this run created"),
            Self::RolledBack(what) => write!(f, "  deleted {what}"),
            Self::Kept { id } => write!(
                f,
                "  kept {} {id}: an AI Search registration names it",
                ObjectKind::ApiToken
            ),
            Self::RollbackFailed { kind, id } => write!(f, "  could NOT delete {kind} {id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::setup::leftovers::WhyDeleted;

    #[test]
    fn what_is_wrong_with_a_token_follows_which_is() {
        let cases = [
            (DeadToken::Missing, "missing"),
            (DeadToken::Deleted, "deleted"),
            (DeadToken::Expired, "expired"),
            (DeadToken::NotYetValid, "not valid yet"),
            (DeadToken::Status(types::TokenStatus::Disabled), "disabled"),
        ];
        for (why, words) in cases {
            assert_eq!(why.to_string(), words);
        }
    }

    #[test]
    fn the_events_of_typed_values_write_their_sentences() {
        let cases = [
            (
                Event::RolledBack(RolledBack::new(
                    ObjectKind::Namespace,
                    "docs",
                    WhyDeleted::Undone,
                )),
                "  deleted AI Search namespace docs",
            ),
            (
                Event::Kept { id: "t1".into() },
                "  kept API token t1: an AI Search registration names it",
            ),
            (
                Event::RollbackFailed {
                    kind: ObjectKind::Instance,
                    id: "docs".into(),
                },
                "  could NOT delete AI Search instance docs",
            ),
            (
                Event::TokenDead {
                    ai_search_token_id: Uuid::nil(),
                    user_token_id: Some("t1".into()),
                    why: DeadToken::Status(types::TokenStatus::Disabled),
                },
                "  AI Search token 00000000-0000-0000-0000-000000000000 names API token t1, which \
                 is disabled: repairing it with a new token",
            ),
            (
                Event::TokenDead {
                    ai_search_token_id: Uuid::nil(),
                    user_token_id: None,
                    why: DeadToken::Missing,
                },
                "  AI Search token 00000000-0000-0000-0000-000000000000 names no API token: \
                 repairing it with a new token",
            ),
            (
                Event::WouldDo(PlannedStep::CreateNamespace {
                    name: "docs".into(),
                }),
                "  dry run: would create AI Search namespace docs",
            ),
        ];
        for (event, line) in cases {
            assert_eq!(event.to_string(), line);
        }
    }
}
