//! What a setup run did, or in a dry run would do: what became of its token, its instance, its
//! bucket and its namespace, and the steps of a dry run's plan.

use std::fmt;

use uuid::Uuid;

use cloudflare_tokens_generated::types;

use super::{InstanceSource, MintedToken};
use crate::AI_SEARCH_INDEX_ENGINE;

/// What a setup run did about the AI Search token the instance uses.
#[derive(Clone, Debug)]
pub enum TokenOutcome {
    /// A registration of the setup's name was reused: its API token is active (or the
    /// credentials may not read it). A dry run that finds one says so too.
    Reused {
        /// The registration.
        registration: Uuid,
    },
    /// A registration of the setup's name named an API token that was gone or inactive: it now
    /// names the API token this run minted.
    Repaired {
        /// The registration (its id is unchanged).
        registration: Uuid,
        /// The API token it names now.
        minted: MintedToken,
    },
    /// This run minted an API token and registered it.
    Minted {
        /// The new registration.
        registration: Uuid,
        /// The API token it names.
        minted: MintedToken,
    },
    /// No registration was used or changed: the instance exists and no registration of the
    /// setup's name is registered, or a dry run would mint a token (its plan says so).
    Untouched,
}

impl TokenOutcome {
    /// The registration the instance uses, unless [`Untouched`](Self::Untouched).
    pub fn registration(&self) -> Option<Uuid> {
        match self {
            Self::Reused { registration }
            | Self::Repaired { registration, .. }
            | Self::Minted { registration, .. } => Some(*registration),
            Self::Untouched => None,
        }
    }

    /// The API token this run minted, if it minted one.
    pub fn minted(&self) -> Option<&MintedToken> {
        match self {
            Self::Repaired { minted, .. } | Self::Minted { minted, .. } => Some(minted),
            Self::Reused { .. } | Self::Untouched => None,
        }
    }
}

/// The AI Search instance after a setup run.
#[derive(Clone, Debug)]
pub enum InstanceOutcome {
    /// It existed already: nothing was created.
    Existed(types::AiSearchInstance),
    /// This run created it.
    Created(types::AiSearchInstance),
    /// It does not exist: a dry run, whose plan creates it.
    Planned,
}

impl InstanceOutcome {
    /// The instance, unless [`Planned`](Self::Planned).
    pub fn instance(&self) -> Option<&types::AiSearchInstance> {
        match self {
            Self::Existed(instance) | Self::Created(instance) => Some(instance),
            Self::Planned => None,
        }
    }
}

/// Something the instance needs (its R2 bucket, its namespace) after a setup run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// It existed already.
    Existed,
    /// This run created it.
    Created,
    /// It does not exist: a dry run, whose plan creates it.
    Planned,
}

/// A step a dry run plans, in the words of its `Display`: what follows "would".
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlannedStep {
    /// Create the R2 bucket (`--create-bucket`).
    CreateBucket {
        /// The bucket's name.
        name: String,
        /// The account it goes in.
        account_id: String,
    },
    /// Create the AI Search namespace.
    CreateNamespace {
        /// The namespace's name.
        name: String,
    },
    /// Mint an API token allowing "AI Search Index Engine" on the account.
    MintToken {
        /// The token's name (the setup's token name).
        name: String,
        /// The permission group's id.
        permission_group_id: String,
        /// The account it grants on.
        account_id: String,
    },
    /// Register the minted token with AI Search.
    RegisterToken {
        /// The registration's name (the setup's token name).
        name: String,
    },
    /// Point this registration, whose API token is gone or inactive, at the minted token.
    RepairRegistration {
        /// The registration.
        registration: Uuid,
    },
    /// Delete API tokens of the setup's name that no registration names: leftovers of
    /// interrupted runs.
    DeleteOrphans {
        /// Their name (the setup's token name).
        name: String,
        /// Their ids.
        ids: Vec<String>,
    },
    /// Create the AI Search instance.
    CreateInstance {
        /// Its id.
        id: String,
        /// Its content.
        source: InstanceSource,
    },
}

impl fmt::Display for PlannedStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CreateBucket { name, account_id } => {
                write!(f, "create R2 bucket {name} in account {account_id}")
            }
            Self::CreateNamespace { name } => write!(f, "create AI Search namespace {name}"),
            Self::MintToken {
                name,
                permission_group_id,
                account_id,
            } => write!(
                f,
                "create API token \"{name}\" allowing \"{AI_SEARCH_INDEX_ENGINE}\" \
                 ({permission_group_id}) on account {account_id}"
            ),
            Self::RegisterToken { name } => write!(f, "register it with AI Search as \"{name}\""),
            Self::RepairRegistration { registration } => {
                write!(f, "repair AI Search token {registration} with it")
            }
            Self::DeleteOrphans { name, ids } => write!(
                f,
                "delete {} orphaned API token(s) named \"{name}\" that no registration names ({})",
                ids.len(),
                ids.join(", ")
            ),
            Self::CreateInstance { id, source } => {
                write!(f, "create AI Search instance {id} over ")?;
                match source {
                    InstanceSource::R2Bucket(bucket) => write!(f, "R2 bucket {bucket}"),
                    InstanceSource::Website(domain) => write!(f, "website {domain}"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudflare_tokens_generated::Secret;

    const REGISTRATION: &str = "8d1e6a34-2f4c-4c1e-9d55-1f0b9a0e7c21";

    fn registration() -> Uuid {
        Uuid::parse_str(REGISTRATION).unwrap()
    }

    fn minted() -> MintedToken {
        MintedToken {
            id: "t1".into(),
            value: Secret::new("value"),
        }
    }

    #[test]
    fn each_planned_step_says_what_a_real_run_would_do() {
        let cases = [
            (
                PlannedStep::CreateBucket {
                    name: "docs-bucket".into(),
                    account_id: "acc".into(),
                },
                "create R2 bucket docs-bucket in account acc".to_string(),
            ),
            (
                PlannedStep::CreateNamespace {
                    name: "docs".into(),
                },
                "create AI Search namespace docs".to_string(),
            ),
            (
                PlannedStep::MintToken {
                    name: "ai-search-docs".into(),
                    permission_group_id: "9e9b".into(),
                    account_id: "acc".into(),
                },
                "create API token \"ai-search-docs\" allowing \"AI Search Index Engine\" (9e9b) \
                 on account acc"
                    .to_string(),
            ),
            (
                PlannedStep::RegisterToken {
                    name: "ai-search-docs".into(),
                },
                "register it with AI Search as \"ai-search-docs\"".to_string(),
            ),
            (
                PlannedStep::RepairRegistration {
                    registration: registration(),
                },
                format!("repair AI Search token {REGISTRATION} with it"),
            ),
            (
                PlannedStep::DeleteOrphans {
                    name: "ai-search-docs".into(),
                    ids: vec!["t1".into(), "t2".into()],
                },
                "delete 2 orphaned API token(s) named \"ai-search-docs\" that no registration \
                 names (t1, t2)"
                    .to_string(),
            ),
            (
                PlannedStep::CreateInstance {
                    id: "docs".into(),
                    source: InstanceSource::R2Bucket("docs-bucket".into()),
                },
                "create AI Search instance docs over R2 bucket docs-bucket".to_string(),
            ),
            (
                PlannedStep::CreateInstance {
                    id: "docs".into(),
                    source: InstanceSource::Website("example.com".into()),
                },
                "create AI Search instance docs over website example.com".to_string(),
            ),
        ];
        for (step, sentence) in cases {
            assert_eq!(step.to_string(), sentence);
        }
    }

    #[test]
    fn a_token_outcome_names_its_registration_and_the_token_minted_for_it() {
        let id = registration();
        let reused = TokenOutcome::Reused { registration: id };
        assert_eq!(reused.registration(), Some(id));
        assert!(reused.minted().is_none());
        for outcome in [
            TokenOutcome::Repaired {
                registration: id,
                minted: minted(),
            },
            TokenOutcome::Minted {
                registration: id,
                minted: minted(),
            },
        ] {
            assert_eq!(outcome.registration(), Some(id));
            assert_eq!(outcome.minted().map(|m| m.id.as_str()), Some("t1"));
        }
        assert_eq!(TokenOutcome::Untouched.registration(), None);
        assert!(TokenOutcome::Untouched.minted().is_none());
    }
}
