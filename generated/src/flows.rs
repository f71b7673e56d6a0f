//! Multi-step tasks built from the operations: the documented AI Search setup in one call, safe
//! to run again and undone when it fails half-way, and Access service token rotation with a
//! grace period.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use cloudflare_tokens::Client;
//! use cloudflare_tokens::flows::{AiSearchSetup, InstanceSource, setup_ai_search};
//!
//! let cf = Client::from_env()?;
//! let setup = AiSearchSetup::new("account-id", "docs", InstanceSource::R2Bucket("docs-bucket".into()));
//! let outcome = setup_ai_search(&cf, &setup, |event| eprintln!("{event}")).await?;
//! println!("instance {} uses AI Search token {:?}", setup.instance_id, outcome.ai_search_token_id);
//! # Ok(()) }
//! ```

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use reqwest::StatusCode;

use crate::{
    AiSearchTokensListQuery, Client, Error, ErrorKind, PermissionGroupsListQuery, Result, Secret,
    types,
};

/// The name of the permission group AI Search needs on the account.
pub const AI_SEARCH_INDEX_ENGINE: &str = "AI Search Index Engine";

/// Its id, as Cloudflare documents it: used only when looking the group up is not permitted.
pub const AI_SEARCH_INDEX_ENGINE_ID: &str = "9e9b428a0bcd46fd80e580b46a69963c";

/// Where an AI Search instance's content comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstanceSource {
    /// An R2 bucket, by name.
    R2Bucket(String),
    /// A website, by domain.
    Website(String),
}

/// What [`setup_ai_search`] sets up.
#[derive(Clone, Debug)]
pub struct AiSearchSetup {
    /// The account the instance and its token belong to.
    pub account_id: String,
    /// The instance's id.
    pub instance_id: String,
    /// Its content.
    pub source: InstanceSource,
    /// The name of the API token minted for AI Search and of its registration. A registered,
    /// enabled token of this name is reused, so keep it stable across runs.
    pub token_name: String,
    /// Look everything up and report the plan, but change nothing.
    pub dry_run: bool,
}

impl AiSearchSetup {
    /// A setup with the token named `ai-search-<instance id>`, not a dry run.
    pub fn new(
        account_id: impl Into<String>,
        instance_id: impl Into<String>,
        source: InstanceSource,
    ) -> Self {
        let instance_id = instance_id.into();
        Self {
            account_id: account_id.into(),
            token_name: format!("ai-search-{instance_id}"),
            instance_id,
            source,
            dry_run: false,
        }
    }
}

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

/// A user API token this run minted.
#[derive(Clone, Debug)]
pub struct MintedToken {
    /// Its id.
    pub id: String,
    /// Its secret value, shown by Cloudflare only once.
    pub value: Secret,
}

/// What [`setup_ai_search`] did (or, in a dry run, found).
#[derive(Clone, Debug)]
pub struct SetupOutcome {
    /// The "AI Search Index Engine" permission group's id.
    pub permission_group_id: String,
    /// The registered AI Search token the instance uses (`None` in a dry run that would create it,
    /// or when the instance existed already and no token of the chosen name is registered).
    pub ai_search_token_id: Option<String>,
    /// Whether a registered token was reused.
    pub reused_token: bool,
    /// The API token this run minted, if it minted one.
    pub minted: Option<MintedToken>,
    /// The instance (`None` in a dry run that would create it).
    pub instance: Option<types::AiSearchInstance>,
    /// Whether this run created the instance.
    pub created_instance: bool,
    /// What a dry run would have done, in order.
    pub plan: Vec<String>,
}

/// Why a setup failed: the step, the error, and what was undone.
#[derive(Debug)]
pub struct SetupError {
    /// The step that failed.
    pub step: Step,
    /// Its error.
    pub error: Error,
    /// What this run created and then deleted again.
    pub rolled_back: Vec<String>,
    /// What this run created and could not delete.
    pub left_behind: Vec<String>,
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step \"{}\" failed: {}", self.step, self.error)?;
        for what in &self.rolled_back {
            write!(f, "\nrolled back: deleted {what}")?;
        }
        for what in &self.left_behind {
            write!(f, "\nleft behind (delete it by hand): {what}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SetupError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Cloudflare's documented AI Search setup as one call: find the permission group, mint an API
/// token with it (unless an enabled token of `setup.token_name` is registered already), register
/// the token with AI Search, and create the instance (unless it exists). Safe to run again. If a
/// step after minting the token fails, what this run created is deleted, and the error says so.
/// `on_event` hears about each step as it happens.
pub async fn setup_ai_search(
    client: &Client,
    setup: &AiSearchSetup,
    mut on_event: impl FnMut(&Event),
) -> std::result::Result<SetupOutcome, SetupError> {
    let fail = |step, error| SetupError {
        step,
        error,
        rolled_back: Vec::new(),
        left_behind: Vec::new(),
    };

    on_event(&Event::Started(Step::FindPermissionGroup));
    let permission_group_id = find_index_engine_group(client, &mut on_event)
        .await
        .map_err(|e| fail(Step::FindPermissionGroup, e))?;

    on_event(&Event::Started(Step::LookUp));
    let registered = find_registered_token(client, &setup.account_id, &setup.token_name)
        .await
        .map_err(|e| fail(Step::LookUp, e))?;
    let existing = find_instance(client, &setup.account_id, &setup.instance_id)
        .await
        .map_err(|e| fail(Step::LookUp, e))?;
    let mut outcome = SetupOutcome {
        permission_group_id: permission_group_id.clone(),
        ai_search_token_id: registered.clone(),
        reused_token: registered.is_some(),
        minted: None,
        instance: None,
        created_instance: false,
        plan: Vec::new(),
    };
    if let Some(id) = &registered {
        on_event(&Event::TokenReused {
            ai_search_token_id: id.clone(),
        });
    }
    if let Some(instance) = existing {
        on_event(&Event::InstanceExists {
            id: setup.instance_id.clone(),
        });
        outcome.instance = Some(instance);
        return Ok(outcome);
    }

    if setup.dry_run {
        if registered.is_none() {
            outcome.plan.push(format!(
                "create API token \"{}\" allowing \"{AI_SEARCH_INDEX_ENGINE}\" ({permission_group_id}) on account {}",
                setup.token_name, setup.account_id
            ));
            outcome.plan.push(format!(
                "register it with AI Search as \"{}\"",
                setup.token_name
            ));
        }
        outcome.plan.push(format!(
            "create AI Search instance {} over {}",
            setup.instance_id,
            describe(&setup.source)
        ));
        for step in &outcome.plan {
            on_event(&Event::WouldDo(step.clone()));
        }
        return Ok(outcome);
    }

    // From here on, what this run creates is undone if a later step fails.
    let mut created = Created::default();
    let token_id = match registered {
        Some(id) => id,
        None => {
            on_event(&Event::Started(Step::CreateUserToken));
            let minted = create_user_token(client, setup, &permission_group_id)
                .await
                .map_err(|e| fail(Step::CreateUserToken, e))?;
            on_event(&Event::UserTokenCreated {
                id: minted.id.clone(),
            });
            created.user_token = Some(minted.id.clone());
            outcome.minted = Some(minted.clone());

            on_event(&Event::Started(Step::RegisterToken));
            let body = types::AiSearchTokenCreate::new(
                minted.id.clone(),
                minted.value.clone(),
                setup.token_name.clone(),
            );
            match client
                .ai_search_tokens_create(&setup.account_id, &body)
                .await
            {
                Ok(registration) => {
                    let id = registration.id.map(|id| id.to_string()).unwrap_or_default();
                    on_event(&Event::TokenRegistered {
                        ai_search_token_id: id.clone(),
                    });
                    created.registration = registration.id;
                    id
                }
                Err(error) => {
                    return Err(created
                        .undo(client, setup, Step::RegisterToken, error, &mut on_event)
                        .await);
                }
            }
        }
    };
    outcome.ai_search_token_id = Some(token_id.clone());

    on_event(&Event::Started(Step::CreateInstance));
    let body = instance_body(setup, &token_id);
    match client
        .ai_search_instances_create(&setup.account_id, &body)
        .await
    {
        Ok(instance) => {
            on_event(&Event::InstanceCreated {
                id: setup.instance_id.clone(),
            });
            outcome.instance = Some(instance.into_result());
            outcome.created_instance = true;
            Ok(outcome)
        }
        Err(error) => Err(created
            .undo(client, setup, Step::CreateInstance, error, &mut on_event)
            .await),
    }
}

fn describe(source: &InstanceSource) -> String {
    match source {
        InstanceSource::R2Bucket(bucket) => format!("R2 bucket {bucket}"),
        InstanceSource::Website(domain) => format!("website {domain}"),
    }
}

/// What a setup run has created so far, to delete again if a later step fails.
#[derive(Default)]
struct Created {
    user_token: Option<String>,
    registration: Option<uuid::Uuid>,
}

impl Created {
    async fn undo(
        self,
        client: &Client,
        setup: &AiSearchSetup,
        step: Step,
        error: Error,
        on_event: &mut impl FnMut(&Event),
    ) -> SetupError {
        on_event(&Event::RollingBack(step));
        let mut rolled_back = Vec::new();
        let mut left_behind = Vec::new();
        let mut report = |what: String, result: Result<()>| match result {
            Ok(()) => {
                on_event(&Event::RolledBack(what.clone()));
                rolled_back.push(what);
            }
            Err(e) => {
                on_event(&Event::RollbackFailed(what.clone()));
                left_behind.push(format!("{what} ({e})"));
            }
        };
        if let Some(id) = self.registration {
            let result = client
                .ai_search_tokens_delete(&setup.account_id, &id)
                .await
                .map(drop);
            report(format!("AI Search token registration {id}"), result);
        }
        if let Some(id) = self.user_token {
            let result = client.user_tokens_delete(&id).await.map(drop);
            report(format!("API token {id}"), result);
        }
        if error.is_outcome_unknown() && step == Step::RegisterToken {
            // The registration may exist although its answer was lost; with its API token
            // deleted it can do nothing, but it should not linger unnoticed.
            left_behind.push(format!(
                "possibly an AI Search token registration named \"{}\" (the answer was lost)",
                setup.token_name
            ));
        }
        SetupError {
            step,
            error,
            rolled_back,
            left_behind,
        }
    }
}

async fn find_index_engine_group(
    client: &Client,
    on_event: &mut impl FnMut(&Event),
) -> Result<String> {
    let query = PermissionGroupsListQuery {
        name: Some(AI_SEARCH_INDEX_ENGINE.to_string()),
        ..Default::default()
    };
    match client.permission_groups_list(&query).await {
        Ok(page) => {
            let found = page
                .into_items()
                .into_iter()
                .find(|g| g.name.as_deref() == Some(AI_SEARCH_INDEX_ENGINE));
            let id = found.and_then(|g| g.id).ok_or_else(|| {
                Error::new(ErrorKind::Api, None).with_detail(format!(
                    "no permission group is named \"{AI_SEARCH_INDEX_ENGINE}\""
                ))
            })?;
            on_event(&Event::PermissionGroupFound { id: id.clone() });
            Ok(id)
        }
        Err(error) if error.status() == Some(StatusCode::FORBIDDEN) => {
            on_event(&Event::PermissionGroupAssumed {
                id: AI_SEARCH_INDEX_ENGINE_ID.to_string(),
            });
            Ok(AI_SEARCH_INDEX_ENGINE_ID.to_string())
        }
        Err(error) => Err(error),
    }
}

/// The id of an enabled AI Search token registered under `name`.
async fn find_registered_token(
    client: &Client,
    account_id: &str,
    name: &str,
) -> Result<Option<String>> {
    let query = AiSearchTokensListQuery {
        search: Some(name.to_string()),
        ..Default::default()
    };
    let tokens: Vec<types::AiSearchToken> = client
        .ai_search_tokens_list_all(account_id, query)
        .try_collect()
        .await?;
    Ok(tokens
        .into_iter()
        .find(|t| t.name.as_deref() == Some(name) && t.enabled != Some(false))
        .and_then(|t| t.id)
        .map(|id| id.to_string()))
}

async fn find_instance(
    client: &Client,
    account_id: &str,
    id: &str,
) -> Result<Option<types::AiSearchInstance>> {
    match client.ai_search_instances_get(account_id, id).await {
        Ok(instance) => Ok(Some(instance.into_result())),
        Err(error) if error.status() == Some(StatusCode::NOT_FOUND) => Ok(None),
        Err(error) => Err(error),
    }
}

async fn create_user_token(
    client: &Client,
    setup: &AiSearchSetup,
    group_id: &str,
) -> Result<MintedToken> {
    let resources = [(
        format!("com.cloudflare.api.account.{}", setup.account_id),
        types::PolicyResourceValue::String("*".to_string()),
    )];
    let policy = types::TokenPolicy::new(
        types::PolicyEffect::Allow,
        vec![types::PolicyPermissionGroup::new(group_id)],
        resources.into_iter().collect(),
    );
    let body = types::UserTokenCreate::new(setup.token_name.clone(), vec![policy]);
    let created = client.user_tokens_create(&body).await?;
    let missing = |what: &str| {
        Error::new(ErrorKind::Decode, None).with_detail(format!("the created token has no {what}"))
    };
    let id = created.id.clone().ok_or_else(|| missing("id"))?;
    let value = created.value.clone().ok_or_else(|| missing("value"))?;
    Ok(MintedToken { id, value })
}

fn instance_body(setup: &AiSearchSetup, token_id: &str) -> types::AiSearchInstanceCreate {
    let (kind, source) = match &setup.source {
        InstanceSource::R2Bucket(bucket) => (types::AiSearchSourceType::R2, bucket),
        InstanceSource::Website(domain) => (types::AiSearchSourceType::WebCrawler, domain),
    };
    types::AiSearchInstanceCreate {
        type_: Some(kind),
        source: Some(source.clone()),
        token_id: token_id.parse().ok(),
        ..types::AiSearchInstanceCreate::new(setup.instance_id.clone())
    }
}

/// The service token's new credentials after [`rotate_access_token`].
#[derive(Clone, Debug)]
pub struct RotatedServiceToken {
    /// The service token's id.
    pub id: String,
    /// Its client id (`CF-Access-Client-Id`).
    pub client_id: String,
    /// Its new client secret (`CF-Access-Client-Secret`), shown by Cloudflare only once.
    pub client_secret: Secret,
    /// Until when the previous secret keeps working.
    pub previous_secret_expires_at: DateTime<Utc>,
}

/// Rotates an Access service token's client secret, keeping the previous secret valid for
/// `grace` so that clients can switch over.
pub async fn rotate_access_token(
    client: &Client,
    account_id: &str,
    token_id: &str,
    grace: Duration,
) -> Result<RotatedServiceToken> {
    let grace = chrono::Duration::from_std(grace).map_err(|_| {
        Error::new(ErrorKind::InvalidRequest, None).with_detail("the grace period is too long")
    })?;
    let expires = Utc::now() + grace;
    let body = types::ServiceTokenRotate {
        previous_client_secret_expires_at: Some(expires),
    };
    let rotated = client
        .access_service_tokens_rotate(account_id, token_id, &body)
        .await?
        .into_result();
    let missing = |what: &str| {
        Error::new(ErrorKind::Decode, None).with_detail(format!("the rotated token has no {what}"))
    };
    Ok(RotatedServiceToken {
        id: rotated.id.unwrap_or_else(|| token_id.to_string()),
        client_id: rotated.client_id.ok_or_else(|| missing("client id"))?,
        client_secret: rotated
            .client_secret
            .ok_or_else(|| missing("client secret"))?,
        previous_secret_expires_at: expires,
    })
}

/// The AI Search token registrations in `account_id` that use the API token `user_token_id`:
/// deleting that API token would stop the instances that use them.
pub async fn ai_search_registrations_of(
    client: &Client,
    account_id: &str,
    user_token_id: &str,
) -> Result<Vec<types::AiSearchToken>> {
    let tokens: Vec<types::AiSearchToken> = client
        .ai_search_tokens_list_all(account_id, AiSearchTokensListQuery::default())
        .try_collect()
        .await?;
    Ok(tokens
        .into_iter()
        .filter(|t| t.cf_api_id.as_deref() == Some(user_token_id))
        .collect())
}
