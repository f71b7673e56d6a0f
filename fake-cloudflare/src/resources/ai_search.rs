//! AI Search: registered tokens (`/accounts/{account_id}/ai-search/tokens`), instances
//! (`/accounts/{account_id}/ai-search/instances`), namespaces and the instances in them
//! (`…/ai-search/namespaces/{name}/instances`), and each instance's indexing and search.
//!
//! The flat instance paths act on an instance whatever its namespace (instance ids are unique in
//! an account); the namespaced ones only on the instances of that namespace. The namespace
//! `default` always exists, and instances created on the flat paths are in it.
//!
//! Indexing is simulated: a new instance has [`IndexingPlan::items`] items to index, all queued;
//! each read of its stats or jobs moves indexing one step on, a batch running then completed,
//! so that after [`IndexingPlan::polls`] reads everything is completed and its one job ended.
//! A search finds one chunk per completed item, named after the instance's source.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::user_tokens::UserTokens;
use super::{Call, instance_fields};
use crate::envelope::{ApiError, Reply};
use crate::fields::{self, Object};
use crate::ids::{self, ai_search_timestamp as timestamp};
use crate::pagination;

#[derive(Clone, Debug)]
struct Token {
    account: String,
    id: String,
    name: String,
    cf_api_id: String,
    legacy: bool,
    enabled: bool,
    created_at: DateTime<Utc>,
    modified_at: DateTime<Utc>,
    created_by: Option<String>,
    modified_by: Option<String>,
}

impl Token {
    fn view(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "cf_api_id": self.cf_api_id,
            "enabled": self.enabled,
            "legacy": self.legacy,
            "created_at": timestamp(self.created_at),
            "modified_at": timestamp(self.modified_at),
            "created_by": self.created_by,
            "modified_by": self.modified_by,
        })
    }
}

#[derive(Clone, Debug)]
struct Instance {
    account: String,
    /// Everything the instance shows, `id` and timestamps included.
    fields: Object,
    indexing: Indexing,
}

/// How indexing goes in the fake: how many items a new instance has, and over how many reads of
/// its stats (or jobs) they get indexed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexingPlan {
    pub items: u32,
    pub polls: u32,
}

impl Default for IndexingPlan {
    fn default() -> Self {
        Self { items: 6, polls: 3 }
    }
}

/// One instance's first indexing run.
#[derive(Clone, Debug)]
struct Indexing {
    plan: IndexingPlan,
    /// The reads of stats or jobs so far.
    polls: u32,
    job_id: String,
    started_at: DateTime<Utc>,
    ended_at: Option<DateTime<Utc>>,
}

/// Where indexing stands: items completed, running and queued.
struct Progress {
    completed: u32,
    running: u32,
    queued: u32,
}

impl Indexing {
    fn new(plan: IndexingPlan, now: DateTime<Utc>) -> Self {
        Self {
            plan,
            polls: 0,
            job_id: ids::hex_id(),
            started_at: now,
            ended_at: None,
        }
    }

    fn progress(&self) -> Progress {
        let IndexingPlan { items, polls } = self.plan;
        if self.polls >= polls.max(1) || items == 0 {
            return Progress {
                completed: items,
                running: 0,
                queued: 0,
            };
        }
        // Before the first read nothing has started; each read completes one batch and starts
        // the next.
        let batch = items.div_ceil(polls.max(1));
        let completed = (batch * self.polls.saturating_sub(1)).min(items);
        let running = if self.polls == 0 {
            0
        } else {
            batch.min(items - completed)
        };
        Progress {
            completed,
            running,
            queued: items - completed - running,
        }
    }

    /// One read of the stats or jobs: indexing moves on a step.
    fn advance(&mut self, now: DateTime<Utc>) {
        if self.ended_at.is_none() {
            self.polls = self.polls.saturating_add(1);
            if self.progress().completed == self.plan.items {
                self.ended_at = Some(now);
            }
        }
    }

    fn job_view(&self) -> Value {
        let mut view = json!({
            "id": self.job_id,
            "source": "user",
            "description": "first indexing run",
            "started_at": timestamp(self.started_at),
            "last_seen_at": timestamp(self.ended_at.unwrap_or(self.started_at)),
        });
        // Left out until the job ends: the spec's strings are not nullable.
        if let Some(ended) = self.ended_at {
            view["ended_at"] = json!(timestamp(ended));
            view["end_reason"] = json!("completed");
        }
        view
    }
}

/// A namespace: a named group of instances.
#[derive(Clone, Debug)]
struct Namespace {
    account: String,
    name: String,
    description: Option<String>,
    public_endpoint_params: Value,
    created_at: DateTime<Utc>,
}

impl Namespace {
    fn view(&self) -> Value {
        json!({
            "name": self.name,
            "description": self.description,
            "public_endpoint_params": self.public_endpoint_params,
            // Upstream says `date-time` here, and no guide shows another form.
            "created_at": ids::timestamp(self.created_at),
        })
    }
}

/// The namespace every account has, and the flat paths' instances are in.
const DEFAULT_NAMESPACE: &str = "default";

impl Instance {
    fn id(&self) -> &str {
        self.fields
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    fn str_field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(Value::as_str)
    }

    fn namespace(&self) -> &str {
        self.str_field("namespace").unwrap_or(DEFAULT_NAMESPACE)
    }
}

/// The registered tokens and the instances of every account, each in creation order.
#[derive(Clone, Debug, Default)]
pub struct AiSearch {
    tokens: Vec<Token>,
    instances: Vec<Instance>,
    namespaces: Vec<Namespace>,
    /// How the indexing of instances created from now on goes.
    pub indexing: IndexingPlan,
}

/// What a token create or update body says. The key is only checked, not kept: nothing in the
/// fake would read it again.
struct TokenBody {
    name: String,
    cf_api_id: String,
    legacy: bool,
}

/// Reads a token body and checks that its credentials are those of a usable user token.
fn token_body(call: &Call, user_tokens: &UserTokens) -> Result<TokenBody, ApiError> {
    let obj = fields::object(call.body, false)?;
    let name = fields::name(&obj, "name", 256)?;
    let cf_api_id = fields::req_str(&obj, "cf_api_id")?.to_owned();
    let cf_api_key = fields::req_str(&obj, "cf_api_key")?;
    let legacy = fields::opt_bool(&obj, "legacy")?.unwrap_or(true);
    let verified = user_tokens.value(&cf_api_id) == Some(cf_api_key)
        && user_tokens.usable(&cf_api_id, call.now);
    if !verified {
        return Err(ApiError::new(
            400,
            7002,
            "The API token could not be verified: cf_api_id must be an active API token and cf_api_key its current value",
        ));
    }
    Ok(TokenBody {
        name,
        cf_api_id,
        legacy,
    })
}

fn check_uuid(id: &str) -> Result<(), ApiError> {
    uuid::Uuid::parse_str(id)
        .map(|_| ())
        .map_err(|_| ApiError::invalid(format!("id must be a UUID, got {id:?}")))
}

fn check_instance_id(id: &str) -> Result<(), ApiError> {
    let fine = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if fine {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "id must be 1 to 64 letters, digits, '-' or '_', got {id:?}"
        )))
    }
}

impl AiSearch {
    fn token_index(&self, account: &str, id: &str) -> Result<usize, ApiError> {
        self.tokens
            .iter()
            .position(|t| t.account == account && t.id == id)
            .ok_or_else(|| ApiError::not_found("AI Search token", id))
    }

    fn instance_index(&self, account: &str, id: &str) -> Result<usize, ApiError> {
        self.instances
            .iter()
            .position(|i| i.account == account && i.id() == id)
            .ok_or_else(|| ApiError::not_found("AI Search instance", id))
    }

    fn check_token_ref(&self, account: &str, token_id: &str) -> Result<(), ApiError> {
        if self
            .tokens
            .iter()
            .any(|t| t.account == account && t.id == token_id)
        {
            Ok(())
        } else {
            Err(ApiError::new(
                400,
                7002,
                format!("token_id {token_id:?} is not an AI Search token of this account"),
            ))
        }
    }

    /// The registered tokens of `account`, as listed.
    pub fn token_views(&self, account: &str) -> Vec<Value> {
        self.tokens
            .iter()
            .filter(|t| t.account == account)
            .map(Token::view)
            .collect()
    }

    /// The instances of `account`, in creation order.
    pub fn instance_views(&self, account: &str) -> Vec<Value> {
        self.instances
            .iter()
            .filter(|i| i.account == account)
            .map(|i| Value::Object(i.fields.clone()))
            .collect()
    }

    /// Every token and instance, each with its `account_id`, for state dumps.
    pub fn dump(&self) -> (Vec<Value>, Vec<Value>) {
        let with_account = |mut v: Value, account: &str| {
            v["account_id"] = json!(account);
            v
        };
        let tokens = self
            .tokens
            .iter()
            .map(|t| with_account(t.view(), &t.account))
            .collect();
        let instances = self
            .instances
            .iter()
            .map(|i| with_account(Value::Object(i.fields.clone()), &i.account))
            .collect();
        (tokens, instances)
    }

    /// Registers a token without a request and without checking its credentials.
    pub fn seed_token(
        &mut self,
        account: &str,
        name: &str,
        cf_api_id: &str,
        now: DateTime<Utc>,
    ) -> Value {
        let token = Token {
            account: account.to_owned(),
            id: ids::uuid(),
            name: name.to_owned(),
            cf_api_id: cf_api_id.to_owned(),
            legacy: true,
            enabled: true,
            created_at: now,
            modified_at: now,
            created_by: None,
            modified_by: None,
        };
        let view = token.view();
        self.tokens.push(token);
        view
    }

    pub fn list_tokens(&self, call: &Call) -> Result<Reply, ApiError> {
        let account = call.account()?;
        let search = call.query.get("search").map(str::to_lowercase);
        let items = self
            .tokens
            .iter()
            .filter(|t| t.account == account)
            .filter(|t| {
                search
                    .as_ref()
                    .is_none_or(|s| t.name.to_lowercase().contains(s))
            })
            .map(Token::view)
            .collect();
        pagination::page(items, call.query, pagination::AI_SEARCH_TOKENS)
    }

    pub fn create_token(
        &mut self,
        call: &Call,
        user_tokens: &UserTokens,
    ) -> Result<Reply, ApiError> {
        let account = call.account()?;
        let body = token_body(call, user_tokens)?;
        let token = Token {
            account: account.to_owned(),
            id: ids::uuid(),
            name: body.name,
            cf_api_id: body.cf_api_id,
            legacy: body.legacy,
            enabled: true,
            created_at: call.now,
            modified_at: call.now,
            created_by: call.actor(),
            modified_by: call.actor(),
        };
        let view = token.view();
        self.tokens.push(token);
        Ok(Reply::created(view))
    }

    pub fn get_token(&self, call: &Call) -> Result<Reply, ApiError> {
        let id = call.id()?;
        check_uuid(id)?;
        let i = self.token_index(call.account()?, id)?;
        Ok(Reply::ok(self.tokens[i].view()))
    }

    pub fn update_token(
        &mut self,
        call: &Call,
        user_tokens: &UserTokens,
    ) -> Result<Reply, ApiError> {
        let id = call.id()?;
        check_uuid(id)?;
        let i = self.token_index(call.account()?, id)?;
        let body = token_body(call, user_tokens)?;
        let token = &mut self.tokens[i];
        token.name = body.name;
        token.cf_api_id = body.cf_api_id;
        token.legacy = body.legacy;
        token.modified_at = call.now;
        token.modified_by = call.actor();
        Ok(Reply::ok(token.view()))
    }

    pub fn delete_token(&mut self, call: &Call) -> Result<Reply, ApiError> {
        let id = call.id()?;
        check_uuid(id)?;
        let account = call.account()?;
        let i = self.token_index(account, id)?;
        let users: Vec<&str> = self
            .instances
            .iter()
            .filter(|inst| inst.account == account && inst.str_field("token_id") == Some(id))
            .map(Instance::id)
            .collect();
        if !users.is_empty() {
            return Err(ApiError::conflict(format!(
                "the token is still used by instances {users:?}"
            )));
        }
        self.tokens.remove(i);
        // AI Search answers a delete with an empty result (its schema allows nothing else).
        Ok(Reply::ok(json!({})))
    }

    pub fn list_instances(&self, call: &Call) -> Result<Reply, ApiError> {
        call.query.one_of("order_by", &["created_at"])?;
        let ascending = call.query.one_of("order_by_direction", &["asc", "desc"])? == Some("asc");
        let namespace = call.query.get("namespace");
        let search = call.query.get("search").map(str::to_lowercase);
        let account = call.account()?;
        let mut items: Vec<Value> = self
            .instances
            .iter()
            .filter(|i| i.account == account)
            .filter(|i| namespace.is_none_or(|n| i.str_field("namespace") == Some(n)))
            .filter(|i| {
                search
                    .as_ref()
                    .is_none_or(|s| i.id().to_lowercase().contains(s))
            })
            .map(|i| instance_fields::listed(&i.fields))
            .collect();
        // Creation order is the order of `created_at`; the spec's default direction is newest first.
        if !ascending {
            items.reverse();
        }
        pagination::page(items, call.query, pagination::AI_SEARCH_INSTANCES)
    }

    pub fn create_instance(&mut self, call: &Call) -> Result<Reply, ApiError> {
        self.create_instance_in(call, None)
    }

    fn create_instance_in(
        &mut self,
        call: &Call,
        namespace: Option<&str>,
    ) -> Result<Reply, ApiError> {
        let account = call.account()?;
        let body = fields::object(call.body, false)?;
        let id = fields::req_str(&body, "id")?;
        check_instance_id(id)?;
        // Optional: a website needs no token, and Cloudflare's guide leaves it out.
        let token_id = fields::opt_str(&body, "token_id")?;
        if let Some(token_id) = token_id {
            self.check_token_ref(account, token_id)?;
        }
        let settings = instance_fields::settings(&body, true)?;
        // The spec documents 400 (not 409) as the create's refusal.
        if self.instance_index(account, id).is_ok() {
            return Err(ApiError::new(
                400,
                1009,
                format!("an AI Search instance with id {id:?} already exists"),
            )
            .at_field("id"));
        }
        let mut fields = instance_fields::defaults();
        fields.extend(settings);
        let now = json!(timestamp(call.now));
        let actor = json!(call.actor());
        fields.insert("id".into(), json!(id));
        if let Some(namespace) = namespace {
            fields.insert("namespace".into(), json!(namespace));
        }
        if let Some(token_id) = token_id {
            fields.insert("token_id".into(), json!(token_id));
        }
        fields.insert("created_at".into(), now.clone());
        fields.insert("modified_at".into(), now);
        fields.insert("created_by".into(), actor.clone());
        fields.insert("modified_by".into(), actor);
        let instance = Instance {
            account: account.to_owned(),
            fields,
            indexing: Indexing::new(self.indexing, call.now),
        };
        let view = instance_fields::single(&instance.fields);
        self.instances.push(instance);
        Ok(Reply::created(view))
    }

    pub fn get_instance(&self, call: &Call) -> Result<Reply, ApiError> {
        let i = self.instance_index(call.account()?, call.id()?)?;
        Ok(Reply::ok(instance_fields::single(
            &self.instances[i].fields,
        )))
    }

    pub fn update_instance(&mut self, call: &Call) -> Result<Reply, ApiError> {
        let account = call.account()?;
        let i = self.instance_index(account, call.id()?)?;
        let body = fields::object(call.body, false)?;
        if let Some(token_id) = fields::opt_str(&body, "token_id")? {
            self.check_token_ref(account, token_id)?;
        }
        let mut settings = instance_fields::settings(&body, false)?;
        if let Some(token_id) = body.get("token_id").filter(|v| v.is_string()) {
            settings.insert("token_id".into(), token_id.clone());
        }
        let fields = &mut self.instances[i].fields;
        fields.extend(settings);
        fields.insert("modified_at".into(), json!(timestamp(call.now)));
        fields.insert("modified_by".into(), json!(call.actor()));
        Ok(Reply::ok(instance_fields::single(fields)))
    }

    pub fn delete_instance(&mut self, call: &Call) -> Result<Reply, ApiError> {
        let i = self.instance_index(call.account()?, call.id()?)?;
        Ok(Reply::ok(instance_fields::single(
            &self.instances.remove(i).fields,
        )))
    }

    // -----------------------------------------------------------------------------------------
    // Namespaces

    fn namespace_index(&self, account: &str, name: &str) -> Option<usize> {
        self.namespaces
            .iter()
            .position(|n| n.account == account && n.name == name)
    }

    /// Checks that the path's namespace exists (`default` always does).
    fn check_namespace(&self, call: &Call) -> Result<(), ApiError> {
        let name = call.namespace()?;
        if name == DEFAULT_NAMESPACE || self.namespace_index(call.account()?, name).is_some() {
            Ok(())
        } else {
            Err(ApiError::not_found("AI Search namespace", name))
        }
    }

    fn default_namespace(account: &str) -> Namespace {
        Namespace {
            account: account.to_owned(),
            name: DEFAULT_NAMESPACE.to_owned(),
            description: None,
            public_endpoint_params: json!({}),
            created_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    pub fn list_namespaces(&self, call: &Call) -> Result<Reply, ApiError> {
        let account = call.account()?;
        let mut items = vec![Self::default_namespace(account).view()];
        items.extend(
            self.namespaces
                .iter()
                .filter(|n| n.account == account)
                .map(Namespace::view),
        );
        pagination::page(items, call.query, pagination::AI_SEARCH_INSTANCES)
    }

    pub fn create_namespace(&mut self, call: &Call) -> Result<Reply, ApiError> {
        let account = call.account()?;
        let body = fields::object(call.body, true)?;
        let name = fields::req_str(&body, "name")?;
        check_instance_id(name).map_err(|e| e.at_field("name"))?;
        if name == DEFAULT_NAMESPACE || self.namespace_index(account, name).is_some() {
            return Err(ApiError::new(
                400,
                1009,
                format!("an AI Search namespace named {name:?} already exists"),
            )
            .at_field("name"));
        }
        let namespace = Namespace {
            account: account.to_owned(),
            name: name.to_owned(),
            description: fields::opt_str(&body, "description")?.map(str::to_owned),
            public_endpoint_params: fields::opt_object(&body, "public_endpoint_params")?
                .map_or_else(|| json!({}), |p| Value::Object(p.clone())),
            created_at: call.now,
        };
        let view = namespace.view();
        self.namespaces.push(namespace);
        // The spec documents 201 for this create.
        Ok(Reply::created(view))
    }

    pub fn get_namespace(&self, call: &Call) -> Result<Reply, ApiError> {
        let (account, name) = (call.account()?, call.namespace()?);
        if name == DEFAULT_NAMESPACE {
            return Ok(Reply::ok(Self::default_namespace(account).view()));
        }
        let i = self
            .namespace_index(account, name)
            .ok_or_else(|| ApiError::not_found("AI Search namespace", name))?;
        Ok(Reply::ok(self.namespaces[i].view()))
    }

    pub fn update_namespace(&mut self, call: &Call) -> Result<Reply, ApiError> {
        let (account, name) = (call.account()?, call.namespace()?);
        let i = self
            .namespace_index(account, name)
            .ok_or_else(|| ApiError::not_found("AI Search namespace", name))?;
        let body = fields::object(call.body, false)?;
        let namespace = &mut self.namespaces[i];
        if body.contains_key("description") {
            namespace.description = fields::opt_str(&body, "description")?.map(str::to_owned);
        }
        if let Some(params) = fields::opt_object(&body, "public_endpoint_params")? {
            namespace.public_endpoint_params = Value::Object(params.clone());
        }
        Ok(Reply::ok(namespace.view()))
    }

    pub fn delete_namespace(&mut self, call: &Call) -> Result<Reply, ApiError> {
        let (account, name) = (call.account()?, call.namespace()?);
        if name == DEFAULT_NAMESPACE {
            return Err(ApiError::invalid("the default namespace cannot be deleted"));
        }
        let i = self
            .namespace_index(account, name)
            .ok_or_else(|| ApiError::not_found("AI Search namespace", name))?;
        let inside: Vec<&str> = self
            .instances
            .iter()
            .filter(|inst| inst.account == account && inst.namespace() == name)
            .map(Instance::id)
            .collect();
        // The spec documents 400 (not 409) as the refusal of a namespace that is not empty.
        if !inside.is_empty() {
            return Err(ApiError::new(
                400,
                1009,
                format!("the namespace still holds instances {inside:?}"),
            ));
        }
        self.namespaces.remove(i);
        Ok(Reply::ok(json!({})))
    }

    /// The instance a namespaced path names: in that namespace, which must exist.
    fn namespaced_index(&self, call: &Call) -> Result<usize, ApiError> {
        self.check_namespace(call)?;
        let id = call.id()?;
        let i = self.instance_index(call.account()?, id)?;
        if self.instances[i].namespace() == call.namespace()? {
            Ok(i)
        } else {
            Err(ApiError::not_found("AI Search instance", id))
        }
    }

    /// The instance the path names, flat or namespaced.
    fn any_index(&self, call: &Call) -> Result<usize, ApiError> {
        if call.params.namespace.is_some() {
            self.namespaced_index(call)
        } else {
            self.instance_index(call.account()?, call.id()?)
        }
    }

    pub fn list_namespace_instances(&self, call: &Call) -> Result<Reply, ApiError> {
        self.check_namespace(call)?;
        let (account, namespace) = (call.account()?, call.namespace()?);
        let items: Vec<Value> = self
            .instances
            .iter()
            .filter(|i| i.account == account && i.namespace() == namespace)
            .map(|i| instance_fields::listed(&i.fields))
            .rev()
            .collect();
        pagination::page(items, call.query, pagination::AI_SEARCH_INSTANCES)
    }

    pub fn create_namespace_instance(&mut self, call: &Call) -> Result<Reply, ApiError> {
        self.check_namespace(call)?;
        self.create_instance_in(call, Some(call.namespace()?))
    }

    pub fn get_namespace_instance(&self, call: &Call) -> Result<Reply, ApiError> {
        let i = self.namespaced_index(call)?;
        Ok(Reply::ok(instance_fields::single(
            &self.instances[i].fields,
        )))
    }

    pub fn update_namespace_instance(&mut self, call: &Call) -> Result<Reply, ApiError> {
        self.namespaced_index(call)?;
        self.update_instance(call)
    }

    pub fn delete_namespace_instance(&mut self, call: &Call) -> Result<Reply, ApiError> {
        let i = self.namespaced_index(call)?;
        Ok(Reply::ok(instance_fields::single(
            &self.instances.remove(i).fields,
        )))
    }

    // -----------------------------------------------------------------------------------------
    // Indexing and search

    pub fn stats(&mut self, call: &Call) -> Result<Reply, ApiError> {
        let i = self.any_index(call)?;
        let indexing = &mut self.instances[i].indexing;
        indexing.advance(call.now);
        let progress = indexing.progress();
        let last_activity = indexing.ended_at.unwrap_or(indexing.started_at);
        Ok(Reply::ok(json!({
            "queued": progress.queued,
            "running": progress.running,
            "completed": progress.completed,
            "error": 0,
            "skipped": 0,
            "outdated": 0,
            "last_activity": ids::timestamp(last_activity),
        })))
    }

    pub fn list_jobs(&mut self, call: &Call) -> Result<Reply, ApiError> {
        let i = self.any_index(call)?;
        let indexing = &mut self.instances[i].indexing;
        indexing.advance(call.now);
        let items = vec![indexing.job_view()];
        pagination::page(items, call.query, pagination::AI_SEARCH_JOBS)
    }

    pub fn get_job(&self, call: &Call) -> Result<Reply, ApiError> {
        let i = self.any_index(call)?;
        let indexing = &self.instances[i].indexing;
        let job = call.job()?;
        if indexing.job_id != job {
            return Err(ApiError::not_found("indexing job", job));
        }
        Ok(Reply::ok(indexing.job_view()))
    }

    pub fn search(&self, call: &Call) -> Result<Reply, ApiError> {
        let i = self.any_index(call)?;
        let instance = &self.instances[i];
        let body = fields::object(call.body, true)?;
        let query = match fields::opt_str(&body, "query")? {
            Some(q) if !q.trim().is_empty() => q.to_owned(),
            Some(_) => {
                return Err(ApiError::invalid("field query must not be empty").at_field("query"));
            }
            None if body.contains_key("messages") => "the conversation".to_owned(),
            None => {
                return Err(
                    ApiError::invalid("field query or messages is required").at_field("query")
                );
            }
        };
        let options = fields::opt_object(&body, "ai_search_options")?;
        let retrieval = match options {
            Some(o) => fields::opt_object(o, "retrieval")?,
            None => None,
        };
        let max = match retrieval {
            Some(r) => fields::opt_number(r, "max_num_results")?,
            None => None,
        };
        let max = match max {
            None => 10,
            Some(n) if n.fract() == 0.0 && (1.0..=50.0).contains(&n) => n as u32,
            Some(n) => {
                return Err(ApiError::invalid(format!(
                    "max_num_results must be a whole number from 1 to 50, got {n}"
                )));
            }
        };
        let source = instance
            .str_field("source")
            .unwrap_or(instance.id())
            .to_owned();
        let found = instance.indexing.progress().completed.min(max);
        let chunks: Vec<Value> = (0..found)
            .map(|k| {
                let score = 0.9 - f64::from(k) * 0.1 / f64::from(found.max(1));
                json!({
                    "id": format!("chunk-{}-{k}", instance.id()),
                    "type": "text",
                    "score": (score * 1000.0).round() / 1000.0,
                    "text": format!("Part {} of {source}, about {query}.", k + 1),
                    "item": { "key": format!("{source}/doc-{}.md", k + 1), "metadata": {} },
                })
            })
            .collect();
        Ok(Reply::ok(json!({
            "search_query": query,
            "query_kind": "text",
            "chunks": chunks,
        })))
    }

    /// The namespaces of every account (the implicit `default` left out), for state dumps.
    pub fn namespace_dump(&self) -> Vec<Value> {
        self.namespaces
            .iter()
            .map(|n| {
                let mut v = n.view();
                v["account_id"] = json!(n.account);
                v
            })
            .collect()
    }
}
