//! What the setup reports as it goes: its steps and events, each one line for a person.

use std::fmt;

use crate::flows::AI_SEARCH_INDEX_ENGINE;

/// A step of the setup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// Find the "AI Search Index Engine" permission group.
    FindPermissionGroup,
    /// Look for a registered token and an existing instance.
    LookUp,
    /// Create the user API token.
    CreateUserToken,
    /// Register it with AI Search.
    RegisterToken,
    /// Create the instance.
    CreateInstance,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::FindPermissionGroup => "find the permission group",
            Self::LookUp => "look up the registered token and the instance",
            Self::CreateUserToken => "create the API token",
            Self::RegisterToken => "register the token with AI Search",
            Self::CreateInstance => "create the AI Search instance",
        })
    }
}

/// What the setup reports as it goes. Its `Display` is one line for a person; it never
/// contains a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A step begins.
    Started(Step),
    /// The permission group was found by name.
    PermissionGroupFound { id: String },
    /// Looking the group up was not permitted: the documented id is used.
    PermissionGroupAssumed { id: String },
    /// An enabled token of the chosen name is registered already and will be used.
    TokenReused { ai_search_token_id: String },
    /// The instance exists already: nothing is created.
    InstanceExists { id: String },
    /// A dry run: what a real run would do now.
    WouldDo(String),
    /// The user API token was created.
    UserTokenCreated { id: String },
    /// The token was registered with AI Search.
    TokenRegistered { ai_search_token_id: String },
    /// The instance was created.
    InstanceCreated { id: String },
    /// A step failed; what this run created is being deleted.
    RollingBack(Step),
    /// Something this run created was deleted.
    RolledBack(String),
    /// Something this run created could not be deleted.
    RollbackFailed(String),
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Started(step) => write!(f, "… {step}"),
            Self::PermissionGroupFound { id } => {
                write!(f, "  permission group \"{AI_SEARCH_INDEX_ENGINE}\" is {id}")
            }
            Self::PermissionGroupAssumed { id } => write!(
                f,
                "  not permitted to list permission groups; using the documented id {id} for \"{AI_SEARCH_INDEX_ENGINE}\""
            ),
            Self::TokenReused { ai_search_token_id } => {
                write!(
                    f,
                    "  an enabled token of this name is registered already ({ai_search_token_id}): reusing it"
                )
            }
            Self::InstanceExists { id } => {
                write!(f, "  instance {id} exists already: nothing to create")
            }
            Self::WouldDo(what) => write!(f, "  dry run: would {what}"),
            Self::UserTokenCreated { id } => write!(f, "  created API token {id}"),
            Self::TokenRegistered { ai_search_token_id } => {
                write!(f, "  registered as AI Search token {ai_search_token_id}")
            }
            Self::InstanceCreated { id } => write!(f, "  created instance {id}"),
            Self::RollingBack(step) => write!(f, "! {step} failed: deleting what this run created"),
            Self::RolledBack(what) => write!(f, "  deleted {what}"),
            Self::RollbackFailed(what) => write!(f, "  could NOT delete {what}: delete it by hand"),
        }
    }
}
