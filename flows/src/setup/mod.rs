//! The documented AI Search setup as one call: find the "AI Search Index Engine" permission
//! group, mint an API token with it, register the token with AI Search and create the instance.
//! What a run repairs and what it never does is in [`setup_ai_search`]'s docs.

mod chain;
mod events;
mod leftovers;
pub(crate) mod lookup;
mod outcome;
mod rollback;
pub(crate) mod target;

use std::collections::HashSet;
use std::fmt;

use uuid::Uuid;

use cloudflare_tokens_generated::operations::{
    ACCOUNT_TOKENS_CREATE, AI_SEARCH_TOKENS_CREATE, R2_BUCKETS_GET, USER_TOKENS_CREATE,
};
use cloudflare_tokens_generated::{Client, Error, ErrorKind, Secret, types};

pub use chain::{Chain, ChainBreak, check_chain, check_registration};
pub use events::{DeadToken, Event, Step};
pub use leftovers::{Blocker, Leftover, ObjectKind, RolledBack, WhyDeleted, WhyLeft};
pub use lookup::ORPHAN_GRACE;
use lookup::{Found, Health};
pub use outcome::{InstanceOutcome, PlannedStep, Presence, TokenOutcome};
use rollback::{Created, Undone};

/// Where an AI Search instance's content comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstanceSource {
    /// An R2 bucket, by name.
    R2Bucket(String),
    /// A website, by domain.
    Website(String),
}

/// Who owns the API token the setup mints for AI Search.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TokenOwner {
    /// The user the credentials belong to (`POST /user/tokens`), as Cloudflare's guide does.
    #[default]
    User,
    /// The account (`POST /accounts/{account_id}/tokens`): it outlives any one user.
    Account,
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
    /// The name of the API token minted for AI Search and of its registration. A registration
    /// of this name is reused (or repaired), and API tokens of this name that no registration
    /// names are deleted as leftovers of interrupted runs, so keep it stable across runs and
    /// do not give it to tokens of your own.
    pub token_name: String,
    /// Look everything up and report the plan, but change nothing.
    pub dry_run: bool,
    /// The namespace the instance is in (created if missing); `None` for the flat paths of
    /// Cloudflare's guide.
    pub namespace: Option<String>,
    /// Who owns the minted API token.
    pub token_owner: TokenOwner,
    /// With an R2 source: create the bucket when it does not exist, instead of failing.
    pub create_bucket: bool,
    /// Orphaned API tokens issued less than this long ago are left alone (a concurrent run may
    /// be about to register them): [`ORPHAN_GRACE`] by default.
    pub orphan_grace: std::time::Duration,
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
            namespace: None,
            token_owner: TokenOwner::User,
            create_bucket: false,
            orphan_grace: ORPHAN_GRACE,
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
#[non_exhaustive]
pub struct SetupOutcome {
    /// The "AI Search Index Engine" permission group's id.
    pub permission_group_id: String,
    /// What became of the AI Search token: reused, repaired or minted (each with the
    /// registration the instance uses, [`TokenOutcome::registration`], and the API token minted,
    /// [`TokenOutcome::minted`]), or untouched (in a dry run that would mint one, or when the
    /// instance existed already and no token of the chosen name is registered).
    pub token: TokenOutcome,
    /// The instance: found, created, or (in a dry run) planned.
    pub instance: InstanceOutcome,
    /// The ids of the orphaned API tokens (left by interrupted runs) this run deleted.
    pub orphans_deleted: Vec<String>,
    /// The ids of orphaned API tokens this run could not delete: the setup is not finished
    /// until they are gone (the next run tries again).
    pub orphans_left: Vec<String>,
    /// The ids of API tokens that look orphaned but were issued within
    /// [`orphan_grace`](AiSearchSetup::orphan_grace): left, as a concurrent run may be about to
    /// register them; a later run deletes them.
    pub orphans_recent: Vec<String>,
    /// What a dry run would have done, in order (empty in a real run). Each step's `Display`
    /// is a sentence that follows "would".
    pub plan: Vec<PlannedStep>,
    /// The R2 bucket (`None` when the source is a website).
    pub bucket: Option<Presence>,
    /// The namespace (`None` without one).
    pub namespace: Option<Presence>,
}

/// Why a setup failed: the step, the error, and what was undone.
///
/// Its `Display` names the step and the error, then one line per object rolled back
/// (`rolled back: deleted API token …`) and per object left behind (`left behind: …`, with why
/// and what the next run does about it).
#[derive(Debug)]
pub struct SetupError {
    /// The step that failed.
    pub step: Step,
    /// Its error.
    pub error: Error,
    /// What this run created and then deleted again, in the order it was deleted.
    pub rolled_back: Vec<RolledBack>,
    /// What this run created and could not delete, each with why ([`WhyLeft`]).
    pub left_behind: Vec<Leftover>,
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step \"{}\" failed: {}", self.step, self.error)?;
        for what in &self.rolled_back {
            write!(f, "\nrolled back: deleted {what}")?;
        }
        for what in &self.left_behind {
            write!(f, "\nleft behind: {what}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SetupError {
    /// The cause of [`error`](Self::error): its `Display` is part of this one's already, so a
    /// report that walks the chain shows each cause once.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.error)
    }
}

/// Cloudflare's documented AI Search setup as one call: find the permission group, mint an API
/// token with it, register the token with AI Search, and create the instance (unless it
/// exists). `on_event` hears about each step as it happens.
///
/// It converges: a run after any failure or interruption finishes the job without duplicating
/// anything.
///
/// - A registration of the setup's name is reused only while the API token it names exists and
///   is active; otherwise it is repaired (pointed at a newly minted token).
/// - A create whose answer was lost is never sent again blindly: the setup looks first. A
///   registration or instance that landed is kept and used; an API token that landed is deleted
///   (its value was never seen, so it could never be registered). What did not land (or was
///   deleted) is created once more; a second loss fails the run.
/// - API tokens of the setup's name, made for this account, that no registration names are
///   leftovers of interrupted runs: the next run deletes them (those it could not delete are in
///   [`SetupOutcome::orphans_left`]).
/// - When a step fails, what this run created is deleted in dependency order (instance,
///   registration, API token), and an API token that a registration names is never deleted.
///
/// Two setups of the same `token_name` should not run at the same time. If they do, an orphan
/// issued within [`AiSearchSetup::orphan_grace`] is left alone (it may be the other run's,
/// about to be registered); read the chain back with [`check_chain`] before trusting the
/// result.
pub async fn setup_ai_search(
    client: &Client,
    setup: &AiSearchSetup,
    on_event: impl FnMut(&Event),
) -> std::result::Result<SetupOutcome, SetupError> {
    let mut run = Run {
        client,
        setup,
        on_event,
        created: Created::default(),
        cleaned: Undone::default(),
    };
    run.go().await
}

/// What [`setup_ai_search`] decided to do about the registration.
enum Plan {
    /// Use this registration: its API token is active (or cannot be checked).
    Reuse { id: Uuid },
    /// Mint a token and point this registration at it.
    Repair { id: Uuid },
    /// Mint a token and register it.
    Register,
    /// The instance exists and uses no registration of this name: leave it.
    Nothing,
}

type Outcome<T> = std::result::Result<T, SetupError>;

/// One run of the setup.
struct Run<'a, F> {
    client: &'a Client,
    setup: &'a AiSearchSetup,
    on_event: F,
    /// What to undo if a step fails.
    created: Created,
    /// What was deleted (or could not be) before any step failed: unseen tokens of lost creates.
    cleaned: Undone,
}

impl<F: FnMut(&Event)> Run<'_, F> {
    fn event(&mut self, event: Event) {
        (self.on_event)(&event);
    }

    async fn go(&mut self) -> Outcome<SetupOutcome> {
        let (client, setup) = (self.client, self.setup);
        let mut prepared = Vec::new();
        let bucket = self.check_bucket(&mut prepared).await?;
        let namespace = self.ensure_namespace(&mut prepared).await?;
        self.event(Event::Started(Step::FindPermissionGroup));
        let group = match lookup::find_index_engine_group(client, setup, &mut self.on_event).await {
            Ok(group) => group,
            Err(e) => return Err(self.abort(Step::FindPermissionGroup, e).await),
        };

        self.event(Event::Started(Step::LookUp));
        let mut found = match lookup::look_up(client, setup).await {
            Ok(found) => found,
            Err(e) => return Err(self.abort(Step::LookUp, e).await),
        };
        if found.tokens.is_none() {
            self.event(Event::TokensUnreadable);
        }
        let plan = match self.plan(&found).await {
            Ok(plan) => plan,
            Err(e) => return Err(self.abort(Step::LookUp, e).await),
        };
        let mut outcome = SetupOutcome {
            permission_group_id: group.clone(),
            token: TokenOutcome::Untouched,
            instance: match &found.instance {
                Some(instance) => InstanceOutcome::Existed(instance.clone()),
                None => InstanceOutcome::Planned,
            },
            orphans_deleted: Vec::new(),
            orphans_left: Vec::new(),
            orphans_recent: Vec::new(),
            plan: Vec::new(),
            bucket,
            namespace,
        };
        if found.instance.is_some() {
            self.event(Event::InstanceExists {
                id: setup.instance_id.clone(),
            });
        }
        if setup.dry_run {
            outcome.plan = prepared;
            outcome
                .plan
                .extend(dry_run(setup, &group, &plan, &mut found));
            if let Plan::Reuse { id } = plan {
                outcome.token = TokenOutcome::Reused { registration: id };
            }
            for step in &outcome.plan {
                self.event(Event::WouldDo(step.clone()));
            }
            return Ok(outcome);
        }

        // From here on, what this run creates is undone if a later step fails.
        let known: HashSet<String> = found
            .tokens
            .iter()
            .flatten()
            .filter_map(|t| t.id.clone())
            .collect();
        outcome.token = match plan {
            Plan::Reuse { id } => TokenOutcome::Reused { registration: id },
            Plan::Repair { id } => {
                let minted = self.mint(&group, &known).await?;
                self.repair(id, &minted).await?;
                // The registration names the new token now; the one it named is an orphan.
                for r in found.registrations.iter_mut().filter(|r| r.id == Some(id)) {
                    r.cf_api_id = Some(minted.id.clone());
                }
                TokenOutcome::Repaired {
                    registration: id,
                    minted,
                }
            }
            Plan::Register => {
                let minted = self.mint(&group, &known).await?;
                let id = self.register(&minted).await?;
                TokenOutcome::Minted {
                    registration: id,
                    minted,
                }
            }
            Plan::Nothing => TokenOutcome::Untouched,
        };

        if let Some(tokens) = &found.tokens {
            let (orphans, recent) =
                lookup::orphans(tokens, &found.registrations, setup.orphan_grace);
            if !recent.is_empty() {
                self.event(Event::OrphansTooRecent {
                    ids: recent.clone(),
                });
            }
            outcome.orphans_recent = recent;
            (outcome.orphans_deleted, outcome.orphans_left) = self.delete_orphans(orphans).await;
        }

        if found.instance.is_some() {
            return Ok(outcome);
        }
        let Some(registration) = outcome.token.registration() else {
            // Unreachable by the plan (no instance means a registration is reused, repaired or
            // made), but an instance is never created without one.
            let error = Error::new(ErrorKind::InvalidRequest, None)
                .with_detail("no AI Search token registration to create the instance with");
            return Err(self.abort(Step::CreateInstance, error).await);
        };
        let instance = self.create_instance(registration).await?;
        outcome.instance = InstanceOutcome::Created(instance);
        Ok(outcome)
    }

    /// Decides what to do about the registration, checking the API token of the one found.
    async fn plan(&mut self, found: &Found) -> cloudflare_tokens_generated::Result<Plan> {
        let Some((id, registration)) = lookup::setup_registration(found, self.setup) else {
            return Ok(match found.instance {
                Some(_) => Plan::Nothing,
                None => Plan::Register,
            });
        };
        let health = match found.tokens {
            None => Health::Unchecked,
            Some(_) => lookup::health(self.client, self.setup, &registration).await?,
        };
        Ok(match health {
            Health::Active => {
                self.event(Event::TokenReused {
                    ai_search_token_id: id,
                });
                Plan::Reuse { id }
            }
            Health::Unchecked => {
                self.event(Event::TokenReusedUnchecked {
                    ai_search_token_id: id,
                });
                Plan::Reuse { id }
            }
            Health::Dead(why) => {
                self.event(Event::TokenDead {
                    ai_search_token_id: id,
                    user_token_id: registration.cf_api_id.clone(),
                    why,
                });
                Plan::Repair { id }
            }
        })
    }

    /// Mints the API token. A create whose answer was lost is reconciled by listing: a token
    /// that landed is deleted (its value was never seen), then the create is sent once more.
    async fn mint(&mut self, group: &str, known: &HashSet<String>) -> Outcome<MintedToken> {
        self.event(Event::Started(Step::CreateUserToken));
        let body = lookup::user_token_body(self.setup, group);
        let mut again = false;
        loop {
            let created = target::create_token(
                self.client,
                &self.setup.account_id,
                self.setup.token_owner,
                &body,
            )
            .await;
            let error = match created {
                Ok(created) => {
                    let status = created.status;
                    match (created.id, created.value) {
                        (Some(id), Some(value)) if !value.is_empty() => {
                            self.event(Event::UserTokenCreated { id: id.clone() });
                            self.created.user_token = Some(id.clone());
                            return Ok(MintedToken { id, value });
                        }
                        (id, _) => {
                            self.discard_unseen(id, known).await;
                            let operation = match self.setup.token_owner {
                                TokenOwner::User => USER_TOKENS_CREATE,
                                TokenOwner::Account => ACCOUNT_TOKENS_CREATE,
                            };
                            let error = Error::new(ErrorKind::Decode, Some(operation))
                                .with_detail(
                                    "Cloudflare created the API token but its answer carried no \
                                     value, so it can never be registered",
                                )
                                .with_status(status);
                            return Err(self.abort(Step::CreateUserToken, error).await);
                        }
                    }
                }
                Err(error) => error,
            };
            if !error.is_outcome_unknown() {
                return Err(self.abort(Step::CreateUserToken, error).await);
            }
            let reconciled = self.discard_unseen(None, known).await;
            if again || !reconciled {
                return Err(self.abort(Step::CreateUserToken, error).await);
            }
            self.event(Event::SendingAgain(Step::CreateUserToken));
            again = true;
        }
    }

    /// Deletes the API token `id` whose value this run never saw, or, without an id, the
    /// tokens of the setup that were not there at the start. Whether that could be done.
    async fn discard_unseen(&mut self, id: Option<String>, known: &HashSet<String>) -> bool {
        let ids = match id {
            Some(id) => vec![id],
            None => match lookup::setup_tokens(self.client, self.setup).await {
                Ok(tokens) => tokens
                    .into_iter()
                    .filter_map(|t| t.id)
                    .filter(|id| !known.contains(id))
                    .collect(),
                Err(error) => {
                    self.cleaned.left_behind.push(Leftover {
                        kind: ObjectKind::ApiToken,
                        id: None,
                        why: WhyLeft::NotLookedFor {
                            name: self.setup.token_name.clone(),
                            error,
                        },
                    });
                    return false;
                }
            },
        };
        let mut all = true;
        let kind = ObjectKind::ApiToken;
        for id in ids {
            let setup = self.setup;
            match target::delete_token(self.client, &setup.account_id, setup.token_owner, &id).await
            {
                Ok(()) => {
                    self.event(Event::UnseenTokenDeleted { id: id.clone() });
                    self.cleaned.rolled_back.push(RolledBack::new(
                        kind,
                        id,
                        WhyDeleted::ValueNeverSeen,
                    ));
                }
                Err(e) => {
                    self.event(Event::RollbackFailed {
                        kind,
                        id: id.clone(),
                    });
                    self.cleaned.left_behind.push(Leftover::new(
                        kind,
                        id,
                        WhyLeft::ValueNeverSeen(e),
                    ));
                    all = false;
                }
            }
        }
        all
    }

    /// Registers the minted token. A lost answer is reconciled by listing: a registration of
    /// the token that landed is kept and used; if none did, the create is sent once more.
    async fn register(&mut self, minted: &MintedToken) -> Outcome<Uuid> {
        let setup = self.setup;
        self.event(Event::Started(Step::RegisterToken));
        let body = types::AiSearchTokenCreate::new(types::AiSearchTokenCreateRequired {
            cf_api_id: minted.id.clone(),
            cf_api_key: minted.value.clone(),
            name: setup.token_name.clone(),
        });
        let mut again = false;
        loop {
            let error = match self
                .client
                .ai_search_tokens_create(&setup.account_id, &body)
                .await
            {
                Ok(registration) => {
                    let status = registration.http_status();
                    if let Some(id) = registration.into_result().id {
                        self.event(Event::TokenRegistered {
                            ai_search_token_id: id,
                        });
                        self.created.registration = Some(id);
                        return Ok(id);
                    }
                    Error::new(ErrorKind::Decode, Some(AI_SEARCH_TOKENS_CREATE))
                        .with_detail("the registration's answer has no id")
                        .with_status(status)
                }
                Err(error) if error.is_outcome_unknown() => error,
                Err(error) => return Err(self.abort(Step::RegisterToken, error).await),
            };
            let registrations = lookup::all_registrations(self.client, &setup.account_id).await;
            let Ok(registrations) = registrations else {
                return Err(self.abort(Step::RegisterToken, error).await);
            };
            let landed = registrations.iter().find(|r| {
                r.cf_api_id.as_deref() == Some(minted.id.as_str())
                    && r.name.as_deref() == Some(setup.token_name.as_str())
            });
            if let Some(id) = landed.and_then(|r| r.id) {
                self.event(Event::RegistrationLanded {
                    ai_search_token_id: id,
                });
                self.created.registration = Some(id);
                return Ok(id);
            }
            if again {
                return Err(self.abort(Step::RegisterToken, error).await);
            }
            self.event(Event::SendingAgain(Step::RegisterToken));
            again = true;
        }
    }

    /// Points registration `id` at the minted token.
    async fn repair(&mut self, id: Uuid, minted: &MintedToken) -> Outcome<()> {
        let setup = self.setup;
        self.event(Event::Started(Step::RepairRegistration));
        let body = types::AiSearchTokenUpdate::new(types::AiSearchTokenUpdateRequired {
            cf_api_id: minted.id.clone(),
            cf_api_key: minted.value.clone(),
            name: setup.token_name.clone(),
        });
        match self
            .client
            .ai_search_tokens_update(&setup.account_id, &id, &body)
            .await
        {
            Ok(_) => {
                self.event(Event::TokenRepaired {
                    ai_search_token_id: id,
                    user_token_id: minted.id.clone(),
                });
                // Named by a registration this run did not create: never undone.
                self.created.user_token = None;
                Ok(())
            }
            Err(error) => Err(self.abort(Step::RepairRegistration, error).await),
        }
    }

    /// Deletes orphaned API tokens: those deleted, and those that could not be (reported, and
    /// left for the next run; the rest of the setup goes on).
    async fn delete_orphans(&mut self, orphans: Vec<String>) -> (Vec<String>, Vec<String>) {
        let (mut deleted, mut left) = (Vec::new(), Vec::new());
        if orphans.is_empty() {
            return (deleted, left);
        }
        self.event(Event::Started(Step::DeleteOrphans));
        let setup = self.setup;
        for id in orphans {
            match target::delete_token(self.client, &setup.account_id, setup.token_owner, &id).await
            {
                Ok(()) => deleted.push(id),
                Err(error) if error.http_status() == Some(reqwest::StatusCode::NOT_FOUND) => {}
                Err(_) => {
                    self.event(Event::OrphanNotDeleted { id: id.clone() });
                    left.push(id);
                }
            }
        }
        if !deleted.is_empty() {
            self.event(Event::OrphansDeleted {
                ids: deleted.clone(),
            });
        }
        (deleted, left)
    }

    /// Creates the instance. A lost answer is reconciled by looking the instance up: one that
    /// landed is kept; if it did not, the create is sent once more.
    async fn create_instance(&mut self, registration: Uuid) -> Outcome<types::AiSearchInstance> {
        let setup = self.setup;
        self.event(Event::Started(Step::CreateInstance));
        let body = lookup::instance_body(setup, registration);
        let mut again = false;
        loop {
            let error = match target::create_instance(self.client, setup, &body).await {
                Ok(instance) => {
                    self.event(Event::InstanceCreated {
                        id: setup.instance_id.clone(),
                    });
                    return Ok(instance);
                }
                Err(error) if error.is_outcome_unknown() => error,
                Err(error) => return Err(self.abort(Step::CreateInstance, error).await),
            };
            match lookup::find_instance(self.client, setup).await {
                Ok(Some(instance)) => {
                    self.event(Event::InstanceLanded {
                        id: setup.instance_id.clone(),
                    });
                    return Ok(instance);
                }
                Ok(None) if !again => {
                    self.event(Event::SendingAgain(Step::CreateInstance));
                    again = true;
                }
                Ok(None) => return Err(self.abort(Step::CreateInstance, error).await),
                Err(_) => {
                    self.created.maybe_instance = Some(setup.instance_id.clone());
                    return Err(self.abort(Step::CreateInstance, error).await);
                }
            }
        }
    }

    /// With an R2 source, checks that the bucket exists before anything is written; a missing
    /// one fails the run, unless the setup may create it. What became of it.
    async fn check_bucket(&mut self, plan: &mut Vec<PlannedStep>) -> Outcome<Option<Presence>> {
        let (client, setup) = (self.client, self.setup);
        let InstanceSource::R2Bucket(bucket) = &setup.source else {
            return Ok(None);
        };
        self.event(Event::Started(Step::CheckBucket));
        match client.r2_buckets_get(&setup.account_id, bucket).await {
            Ok(_) => {
                self.event(Event::BucketFound {
                    name: bucket.clone(),
                });
                return Ok(Some(Presence::Existed));
            }
            Err(error) if error.http_status() == Some(reqwest::StatusCode::NOT_FOUND) => {
                if !setup.create_bucket {
                    let missing = Error::new(ErrorKind::Api, Some(R2_BUCKETS_GET))
                        .with_detail(format!(
                            "R2 bucket \"{bucket}\" does not exist in account {}: create it first, \
                             or let the setup create it",
                            setup.account_id
                        ))
                        .with_status(reqwest::StatusCode::NOT_FOUND);
                    return Err(self.abort(Step::CheckBucket, missing).await);
                }
            }
            Err(error) => return Err(self.abort(Step::CheckBucket, error).await),
        }
        if setup.dry_run {
            plan.push(PlannedStep::CreateBucket {
                name: bucket.clone(),
                account_id: setup.account_id.clone(),
            });
            return Ok(Some(Presence::Planned));
        }
        self.event(Event::Started(Step::CreateBucket));
        let body = types::R2BucketCreate::new(bucket.clone());
        match client.r2_buckets_create(&setup.account_id, &body).await {
            Ok(_) => {}
            // A create whose answer was lost: look before failing.
            Err(error) if error.is_outcome_unknown() => {
                if client
                    .r2_buckets_get(&setup.account_id, bucket)
                    .await
                    .is_err()
                {
                    return Err(self.abort(Step::CreateBucket, error).await);
                }
            }
            // Created meanwhile (by a run whose answer was lost, or by someone else): fine.
            Err(error) if error.http_status() == Some(reqwest::StatusCode::CONFLICT) => {}
            Err(error) => return Err(self.abort(Step::CreateBucket, error).await),
        }
        self.event(Event::BucketCreated {
            name: bucket.clone(),
        });
        Ok(Some(Presence::Created))
    }

    /// With a namespace, creates it if it is missing. What became of it. A namespace holds
    /// nothing of value until the instance is in it, so a failed run deletes one it created.
    async fn ensure_namespace(&mut self, plan: &mut Vec<PlannedStep>) -> Outcome<Option<Presence>> {
        let (client, setup) = (self.client, self.setup);
        let Some(namespace) = &setup.namespace else {
            return Ok(None);
        };
        self.event(Event::Started(Step::EnsureNamespace));
        match client
            .ai_search_namespaces_get(&setup.account_id, namespace)
            .await
        {
            Ok(_) => return Ok(Some(Presence::Existed)),
            Err(error) if error.http_status() == Some(reqwest::StatusCode::NOT_FOUND) => {}
            Err(error) => return Err(self.abort(Step::EnsureNamespace, error).await),
        }
        if setup.dry_run {
            plan.push(PlannedStep::CreateNamespace {
                name: namespace.clone(),
            });
            return Ok(Some(Presence::Planned));
        }
        let body = types::AiSearchNamespaceCreate::new(namespace.clone());
        match client
            .ai_search_namespaces_create(&setup.account_id, &body)
            .await
        {
            Ok(_) => {}
            Err(error) if error.is_outcome_unknown() => {
                let landed = client
                    .ai_search_namespaces_get(&setup.account_id, namespace)
                    .await
                    .is_ok();
                if !landed {
                    return Err(self.abort(Step::EnsureNamespace, error).await);
                }
            }
            Err(error) => return Err(self.abort(Step::EnsureNamespace, error).await),
        }
        self.event(Event::NamespaceCreated {
            name: namespace.clone(),
        });
        self.created.namespace = Some(namespace.clone());
        Ok(Some(Presence::Created))
    }

    /// Undoes what this run created and builds the error for `step`.
    async fn abort(&mut self, step: Step, error: Error) -> SetupError {
        let created = std::mem::take(&mut self.created);
        let mut undone = std::mem::take(&mut self.cleaned);
        if !created.is_empty() {
            self.event(Event::RollingBack(step));
            let more = created
                .undo(self.client, self.setup, &mut self.on_event)
                .await;
            undone.rolled_back.extend(more.rolled_back);
            undone.left_behind.extend(more.left_behind);
        }
        SetupError {
            step,
            error,
            rolled_back: undone.rolled_back,
            left_behind: undone.left_behind,
        }
    }
}

/// What a real run would do now, in order.
fn dry_run(setup: &AiSearchSetup, group: &str, plan: &Plan, found: &mut Found) -> Vec<PlannedStep> {
    let mut steps = Vec::new();
    let mint = PlannedStep::MintToken {
        name: setup.token_name.clone(),
        permission_group_id: group.to_string(),
        account_id: setup.account_id.clone(),
    };
    match plan {
        Plan::Register => {
            steps.push(mint);
            steps.push(PlannedStep::RegisterToken {
                name: setup.token_name.clone(),
            });
        }
        Plan::Repair { id } => {
            steps.push(mint);
            steps.push(PlannedStep::RepairRegistration { registration: *id });
            for r in found.registrations.iter_mut().filter(|r| r.id == Some(*id)) {
                r.cf_api_id = None;
            }
        }
        Plan::Reuse { .. } | Plan::Nothing => {}
    }
    if let Some(tokens) = &found.tokens {
        let (orphans, _) = lookup::orphans(tokens, &found.registrations, setup.orphan_grace);
        if !orphans.is_empty() {
            steps.push(PlannedStep::DeleteOrphans {
                name: setup.token_name.clone(),
                ids: orphans,
            });
        }
    }
    if found.instance.is_none() {
        steps.push(PlannedStep::CreateInstance {
            id: setup.instance_id.clone(),
            source: setup.source.clone(),
        });
    }
    steps
}
