//! The documented AI Search setup as one call: find the "AI Search Index Engine" permission
//! group, mint an API token with it, register the token with AI Search and create the instance,
//! reusing what a previous run left and undoing what this run created when a later step fails.

mod events;
mod lookup;
mod rollback;

use std::fmt;

use crate::{Client, Error, Secret, types};

pub use events::{Event, Step};
use lookup::{
    create_user_token, find_index_engine_group, find_instance, find_registered_token, instance_body,
};
use rollback::Created;

use super::AI_SEARCH_INDEX_ENGINE;

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
