//! AI Search: registered tokens (`/accounts/{account_id}/ai-search/tokens`) and instances
//! (`/accounts/{account_id}/ai-search/instances`).

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
}

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
}

/// The registered tokens and the instances of every account, each in creation order.
#[derive(Clone, Debug, Default)]
pub struct AiSearch {
    tokens: Vec<Token>,
    instances: Vec<Instance>,
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
        let search = call.query.get("search").map(str::to_lowercase);
        let items = self
            .tokens
            .iter()
            .filter(|t| t.account == call.params.owner)
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
        let body = token_body(call, user_tokens)?;
        let token = Token {
            account: call.params.owner.clone(),
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
        check_uuid(&call.params.id)?;
        let i = self.token_index(&call.params.owner, &call.params.id)?;
        Ok(Reply::ok(self.tokens[i].view()))
    }

    pub fn update_token(
        &mut self,
        call: &Call,
        user_tokens: &UserTokens,
    ) -> Result<Reply, ApiError> {
        check_uuid(&call.params.id)?;
        let i = self.token_index(&call.params.owner, &call.params.id)?;
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
        check_uuid(&call.params.id)?;
        let (account, id) = (&call.params.owner, &call.params.id);
        let i = self.token_index(account, id)?;
        let users: Vec<&str> = self
            .instances
            .iter()
            .filter(|inst| &inst.account == account && inst.str_field("token_id") == Some(id))
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
        let mut items: Vec<Value> = self
            .instances
            .iter()
            .filter(|i| i.account == call.params.owner)
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
        let account = &call.params.owner;
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
        if let Some(token_id) = token_id {
            fields.insert("token_id".into(), json!(token_id));
        }
        fields.insert("created_at".into(), now.clone());
        fields.insert("modified_at".into(), now);
        fields.insert("created_by".into(), actor.clone());
        fields.insert("modified_by".into(), actor);
        let instance = Instance {
            account: account.clone(),
            fields,
        };
        let view = instance_fields::single(&instance.fields);
        self.instances.push(instance);
        Ok(Reply::created(view))
    }

    pub fn get_instance(&self, call: &Call) -> Result<Reply, ApiError> {
        let i = self.instance_index(&call.params.owner, &call.params.id)?;
        Ok(Reply::ok(instance_fields::single(
            &self.instances[i].fields,
        )))
    }

    pub fn update_instance(&mut self, call: &Call) -> Result<Reply, ApiError> {
        let account = &call.params.owner;
        let i = self.instance_index(account, &call.params.id)?;
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
        let i = self.instance_index(&call.params.owner, &call.params.id)?;
        Ok(Reply::ok(instance_fields::single(
            &self.instances.remove(i).fields,
        )))
    }
}
