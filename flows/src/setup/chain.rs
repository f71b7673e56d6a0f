//! Reading back the chain a working AI Search instance needs: the instance, the registration it
//! names, and the API token that registration names, existing and active. A run reads it back
//! before it reports success: another run (on this machine or another) may have changed it
//! meanwhile.

use std::fmt;

use reqwest::StatusCode;
use uuid::Uuid;

use super::lookup::{self, Health};
use super::{AiSearchSetup, DeadToken, TokenOwner};
use cloudflare_tokens_generated::{Client, Error};

/// The chain, read back whole.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Chain {
    /// The registration the instance uses (or the one checked).
    pub registration: Uuid,
    /// The API token it names.
    pub token_id: String,
    /// Whether the API token was read: `false` when the credentials may not read API tokens
    /// (the chain is then taken to hold as far as it could be read).
    pub token_checked: bool,
}

/// The first link of the chain that does not hold. Its `Display` is the sentence for a person.
#[derive(Debug)]
#[non_exhaustive]
pub enum ChainBreak {
    /// The instance does not exist.
    NoInstance {
        /// Its id.
        instance: String,
    },
    /// The instance names no registration (or a `token_id` that is not one).
    NoRegistration {
        /// Its id.
        instance: String,
    },
    /// The registration named does not exist.
    RegistrationGone {
        /// Its id.
        registration: Uuid,
    },
    /// The registration's API token cannot do its work.
    TokenDead {
        /// The registration.
        registration: Uuid,
        /// The API token it names, if any.
        token_id: Option<String>,
        /// Why not.
        why: DeadToken,
    },
    /// A link could not be read.
    Unreadable {
        /// What could not be read.
        what: String,
        /// Why.
        error: Error,
    },
}

impl fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoInstance { instance } => {
                write!(f, "AI Search instance {instance} does not exist")
            }
            Self::NoRegistration { instance } => write!(
                f,
                "AI Search instance {instance} uses no AI Search token registration"
            ),
            Self::RegistrationGone { registration } => write!(
                f,
                "the instance's AI Search token registration {registration} does not exist"
            ),
            Self::TokenDead {
                registration,
                token_id: Some(token_id),
                why,
            } => write!(
                f,
                "AI Search token registration {registration} names API token {token_id}, which \
                 is {why}"
            ),
            Self::TokenDead {
                registration,
                token_id: None,
                ..
            } => write!(
                f,
                "AI Search token registration {registration} names no API token"
            ),
            Self::Unreadable { what, error } => write!(f, "could not read {what} back: {error}"),
        }
    }
}

impl std::error::Error for ChainBreak {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Unreadable { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Reads back the chain of `setup`'s instance: the instance exists, names a registration that
/// exists, which names an API token of `setup.token_owner` that exists and is active (not
/// expired, already valid). The first link that does not hold is the error.
pub async fn check_chain(client: &Client, setup: &AiSearchSetup) -> Result<Chain, ChainBreak> {
    let instance = match lookup::find_instance(client, setup).await {
        Ok(Some(instance)) => instance,
        Ok(None) => {
            return Err(ChainBreak::NoInstance {
                instance: setup.instance_id.clone(),
            });
        }
        Err(error) => {
            return Err(ChainBreak::Unreadable {
                what: format!("AI Search instance {}", setup.instance_id),
                error,
            });
        }
    };
    let registration = instance
        .token_id
        .as_deref()
        .and_then(|id| Uuid::parse_str(id).ok())
        .ok_or_else(|| ChainBreak::NoRegistration {
            instance: setup.instance_id.clone(),
        })?;
    check_registration(client, &setup.account_id, setup.token_owner, &registration).await
}

/// Reads back the tail of the chain: registration `registration` exists and names an API token
/// of `owner` that exists and is active.
pub async fn check_registration(
    client: &Client,
    account_id: &str,
    owner: TokenOwner,
    registration: &Uuid,
) -> Result<Chain, ChainBreak> {
    let found = match client.ai_search_tokens_get(account_id, registration).await {
        Ok(found) => found.into_result(),
        Err(error) if error.http_status() == Some(StatusCode::NOT_FOUND) => {
            return Err(ChainBreak::RegistrationGone {
                registration: *registration,
            });
        }
        Err(error) => {
            return Err(ChainBreak::Unreadable {
                what: format!("AI Search token registration {registration}"),
                error,
            });
        }
    };
    let token_id = found.cf_api_id;
    let health = lookup::token_health(client, account_id, owner, token_id.as_deref()).await;
    let dead = |why| ChainBreak::TokenDead {
        registration: *registration,
        token_id: token_id.clone(),
        why,
    };
    let token_checked = match health {
        Ok(Health::Active) => true,
        Ok(Health::Unchecked) => false,
        Ok(Health::Dead(why)) => return Err(dead(why)),
        Err(error) => {
            return Err(ChainBreak::Unreadable {
                what: format!("the API token of registration {registration}"),
                error,
            });
        }
    };
    Ok(Chain {
        registration: *registration,
        token_id: token_id.unwrap_or_default(),
        token_checked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudflare_tokens_generated::ErrorKind;

    #[test]
    fn each_break_names_the_link_that_does_not_hold() {
        let id = Uuid::nil();
        let cases = [
            (
                ChainBreak::NoInstance {
                    instance: "docs".into(),
                },
                "AI Search instance docs does not exist".to_string(),
            ),
            (
                ChainBreak::NoRegistration {
                    instance: "docs".into(),
                },
                "AI Search instance docs uses no AI Search token registration".to_string(),
            ),
            (
                ChainBreak::RegistrationGone { registration: id },
                format!("the instance's AI Search token registration {id} does not exist"),
            ),
            (
                ChainBreak::TokenDead {
                    registration: id,
                    token_id: Some("t1".into()),
                    why: DeadToken::Deleted,
                },
                format!("AI Search token registration {id} names API token t1, which is deleted"),
            ),
            (
                ChainBreak::TokenDead {
                    registration: id,
                    token_id: None,
                    why: DeadToken::Missing,
                },
                format!("AI Search token registration {id} names no API token"),
            ),
            (
                ChainBreak::Unreadable {
                    what: "AI Search instance docs".into(),
                    error: Error::new(ErrorKind::Api, None).with_detail("refused"),
                },
                format!(
                    "could not read AI Search instance docs back: {}",
                    Error::new(ErrorKind::Api, None).with_detail("refused")
                ),
            ),
        ];
        for (broken, sentence) in cases {
            assert_eq!(broken.to_string(), sentence, "{broken:?}");
        }
    }
}
