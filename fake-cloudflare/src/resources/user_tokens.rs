//! API tokens: the user's (`/user/tokens`) and accounts' (`/accounts/{account_id}/tokens`).
//!
//! Both kinds live in one list, each token with its owner: a value of either kind authenticates
//! requests, and either kind can be registered with AI Search. The user operations see only the
//! user's tokens, an account's operations only that account's.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::{Call, permission_groups};
use crate::envelope::{ApiError, Reply};
use crate::fields::{self, Object};
use crate::ids::{self, timestamp};
use crate::pagination;
use crate::requests::AuthUsed;

/// The id `GET /user/tokens/verify` reports for the bootstrap token, which is not a user token
/// of the fake and so is never listed.
pub const BOOTSTRAP_TOKEN_ID: &str = "b0075712a9000000000000000000f4ce";

const STATUSES: &[&str] = &["active", "disabled", "expired"];

#[derive(Clone, Debug)]
struct UserToken {
    /// The account that owns it; `None` for the user's own tokens.
    owner: Option<String>,
    id: String,
    name: String,
    /// The current secret value; earlier values no longer authenticate.
    value: String,
    /// The status last set by a create or update; `active` can still read as expired.
    set_status: String,
    issued_on: DateTime<Utc>,
    modified_on: DateTime<Utc>,
    last_used_on: Option<DateTime<Utc>>,
    not_before: Option<DateTime<Utc>>,
    expires_on: Option<DateTime<Utc>>,
    policies: Vec<Value>,
    condition: Option<Value>,
}

impl UserToken {
    fn status(&self, now: DateTime<Utc>) -> &str {
        match self.set_status.as_str() {
            "active" if self.expires_on.is_some_and(|e| e <= now) => "expired",
            status => status,
        }
    }

    fn view(&self, now: DateTime<Utc>) -> Value {
        let mut v = json!({
            "id": self.id,
            "name": self.name,
            "status": self.status(now),
            "issued_on": timestamp(self.issued_on),
            "modified_on": timestamp(self.modified_on),
            "policies": self.policies,
        });
        let optional_times = [
            ("last_used_on", self.last_used_on),
            ("not_before", self.not_before),
            ("expires_on", self.expires_on),
        ];
        for (field, time) in optional_times {
            if let Some(t) = time {
                v[field] = json!(timestamp(t));
            }
        }
        if let Some(condition) = &self.condition {
            v["condition"] = condition.clone();
        }
        v
    }
}

/// The settable fields of a create or update body.
struct Fields {
    name: String,
    policies: Vec<Value>,
    condition: Option<Value>,
    not_before: Option<DateTime<Utc>>,
    expires_on: Option<DateTime<Utc>>,
    status: Option<String>,
}

fn parse_fields(obj: &Object) -> Result<Fields, ApiError> {
    let status = match fields::opt_str(obj, "status")? {
        Some(s) if STATUSES.contains(&s) => Some(s.to_owned()),
        Some(s) => {
            return Err(ApiError::invalid(format!(
                "status must be one of {STATUSES:?}, got {s:?}"
            )));
        }
        None => None,
    };
    Ok(Fields {
        name: fields::name(obj, "name", 120)?,
        policies: parse_policies(obj)?,
        condition: parse_condition(obj)?,
        not_before: fields::opt_time(obj, "not_before")?,
        expires_on: fields::opt_time(obj, "expires_on")?,
        status,
    })
}

fn parse_policies(obj: &Object) -> Result<Vec<Value>, ApiError> {
    let list = fields::opt_array(obj, "policies")?
        .ok_or_else(|| ApiError::invalid("field policies is required"))?;
    if list.is_empty() {
        return Err(ApiError::invalid("a token needs at least one policy"));
    }
    list.iter()
        .enumerate()
        .map(|(i, policy)| {
            parse_policy(policy)
                .map_err(|e| ApiError::invalid(format!("policies[{i}]: {}", e.message)))
        })
        .collect()
}

fn parse_policy(policy: &Value) -> Result<Value, ApiError> {
    let p = policy
        .as_object()
        .ok_or_else(|| ApiError::invalid("must be an object"))?;
    let effect = fields::req_str(p, "effect")?;
    if effect != "allow" && effect != "deny" {
        return Err(ApiError::invalid(format!(
            "effect must be allow or deny, got {effect:?}"
        )));
    }
    let groups = fields::opt_array(p, "permission_groups")?
        .filter(|g| !g.is_empty())
        .ok_or_else(|| ApiError::invalid("permission_groups must list at least one group"))?;
    let groups = groups
        .iter()
        .map(|g| {
            let g = g
                .as_object()
                .ok_or_else(|| ApiError::invalid("a permission group must be an object"))?;
            let id = fields::req_str(g, "id")?;
            let known = permission_groups::find(id)
                .ok_or_else(|| ApiError::invalid(format!("unknown permission group id {id:?}")))?;
            // The name is read-only: it always comes from the catalog.
            let mut out = json!({ "id": known.id, "name": known.name });
            if let Some(meta) = fields::opt_object(g, "meta")? {
                out["meta"] = Value::Object(meta.clone());
            }
            Ok(out)
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let resources = fields::opt_object(p, "resources")?
        .ok_or_else(|| ApiError::invalid("field resources is required"))?;
    for (key, value) in resources {
        let fine = match value {
            Value::String(_) => true,
            Value::Object(nested) => nested.values().all(Value::is_string),
            _ => false,
        };
        if !fine {
            return Err(ApiError::invalid(format!(
                "resource {key:?} must map to a string or to an object of strings"
            )));
        }
    }
    // A policy keeps its id across updates when the client sends it back.
    let id = fields::opt_str(p, "id")?.map_or_else(ids::hex_id, str::to_owned);
    Ok(json!({ "id": id, "effect": effect, "permission_groups": groups, "resources": resources }))
}

fn parse_condition(obj: &Object) -> Result<Option<Value>, ApiError> {
    let Some(condition) = fields::opt_object(obj, "condition")? else {
        return Ok(None);
    };
    if let Some(ip) = fields::opt_object(condition, "request_ip")? {
        for list in ["in", "not_in"] {
            let ok =
                fields::opt_array(ip, list)?.is_none_or(|items| items.iter().all(Value::is_string));
            if !ok {
                return Err(ApiError::invalid(format!(
                    "condition.request_ip.{list} must be a list of CIDR strings"
                )));
            }
        }
    }
    Ok(Some(Value::Object(condition.clone())))
}

/// The user tokens of the fake, in creation order.
#[derive(Clone, Debug, Default)]
pub struct UserTokens {
    tokens: Vec<UserToken>,
}

impl UserTokens {
    fn find(&self, id: &str) -> Option<&UserToken> {
        self.tokens.iter().find(|t| t.id == id)
    }

    fn find_owned(&self, owner: Option<&str>, id: &str) -> Result<&UserToken, ApiError> {
        self.tokens
            .iter()
            .find(|t| t.id == id && t.owner.as_deref() == owner)
            .ok_or_else(|| ApiError::not_found("API token", id))
    }

    fn find_mut(&mut self, owner: Option<&str>, id: &str) -> Result<&mut UserToken, ApiError> {
        self.tokens
            .iter_mut()
            .find(|t| t.id == id && t.owner.as_deref() == owner)
            .ok_or_else(|| ApiError::not_found("API token", id))
    }

    /// The id of the token whose current value is `value`.
    pub fn id_by_value(&self, value: &str) -> Option<&str> {
        self.tokens
            .iter()
            .find(|t| t.value == value)
            .map(|t| t.id.as_str())
    }

    /// The current secret value of token `id`.
    pub fn value(&self, id: &str) -> Option<&str> {
        self.find(id).map(|t| t.value.as_str())
    }

    /// Whether token `id` exists, is active and is past its `not_before`.
    pub fn usable(&self, id: &str, now: DateTime<Utc>) -> bool {
        self.find(id)
            .is_some_and(|t| t.status(now) == "active" && t.not_before.is_none_or(|nb| nb <= now))
    }

    /// Whether one of token `id`'s policies with effect `allow` grants one of `groups` (names of
    /// permission groups). A policy's group counts by its id, resolved to its name in the
    /// catalog, or else by the name it carries. Resources and `deny` policies are not looked at.
    pub fn grants(&self, id: &str, groups: &[&str]) -> bool {
        let Some(token) = self.find(id) else {
            return false;
        };
        let granted = |group: &Value| {
            let name = group["id"]
                .as_str()
                .and_then(permission_groups::find)
                .map(|known| known.name)
                .or_else(|| group["name"].as_str());
            name.is_some_and(|name| groups.contains(&name))
        };
        token.policies.iter().any(|policy| {
            policy["effect"] == "allow"
                && policy["permission_groups"]
                    .as_array()
                    .is_some_and(|list| list.iter().any(granted))
        })
    }

    /// Notes that token `id` authenticated a request.
    pub fn touch(&mut self, id: &str, now: DateTime<Utc>) {
        if let Some(t) = self.tokens.iter_mut().find(|t| t.id == id) {
            t.last_used_on = Some(now);
        }
    }

    /// The token as `GET /user/tokens/{id}` shows it.
    pub fn view(&self, id: &str, now: DateTime<Utc>) -> Option<Value> {
        self.find(id).map(|t| t.view(now))
    }

    /// The user's tokens, as listed.
    pub fn views(&self, now: DateTime<Utc>) -> Vec<Value> {
        self.tokens
            .iter()
            .filter(|t| t.owner.is_none())
            .map(|t| t.view(now))
            .collect()
    }

    /// The account-owned tokens, each with its `account_id`, for state dumps.
    pub fn account_views(&self, now: DateTime<Utc>) -> Vec<Value> {
        self.tokens
            .iter()
            .filter_map(|t| {
                let mut view = t.view(now);
                view["account_id"] = json!(t.owner.as_ref()?);
                Some(view)
            })
            .collect()
    }

    fn insert(&mut self, owner: Option<&str>, f: Fields, now: DateTime<Utc>) -> &UserToken {
        self.tokens.push(UserToken {
            owner: owner.map(str::to_owned),
            id: ids::hex_id(),
            name: f.name,
            value: ids::token_value(),
            set_status: f.status.unwrap_or_else(|| "active".to_owned()),
            issued_on: now,
            modified_on: now,
            last_used_on: None,
            not_before: f.not_before,
            expires_on: f.expires_on,
            policies: f.policies,
            condition: f.condition,
        });
        &self.tokens[self.tokens.len() - 1]
    }

    /// Creates a token without a request; its one policy grants "AI Search Index Engine" on
    /// every account. Returns its id and value.
    pub fn seed(&mut self, name: &str, now: DateTime<Utc>) -> (String, String) {
        let policy = json!({
            "id": ids::hex_id(),
            "effect": "allow",
            "permission_groups": [{ "id": permission_groups::AI_SEARCH_INDEX_ENGINE, "name": "AI Search Index Engine" }],
            "resources": { "com.cloudflare.api.account.*": "*" },
        });
        let fields = Fields {
            name: name.to_owned(),
            policies: vec![policy],
            condition: None,
            not_before: None,
            expires_on: None,
            status: None,
        };
        let t = self.insert(None, fields, now);
        (t.id.clone(), t.value.clone())
    }

    /// Whose tokens an operation is about: the user's, or the account's in its path.
    fn owner<'c>(call: &'c Call, account: bool) -> Result<Option<&'c str>, ApiError> {
        account.then(|| call.account()).transpose()
    }

    pub fn list(&self, call: &Call, account: bool) -> Result<Reply, ApiError> {
        let owner = Self::owner(call, account)?;
        let include_expired = call.query.boolean("include_expired")?.unwrap_or(false);
        let descending = call.query.one_of("direction", &["asc", "desc"])? == Some("desc");
        let mut items: Vec<Value> = self
            .tokens
            .iter()
            .filter(|t| t.owner.as_deref() == owner)
            .filter(|t| include_expired || t.status(call.now) != "expired")
            .map(|t| t.view(call.now))
            .collect();
        if descending {
            items.reverse();
        }
        pagination::page(items, call.query, pagination::USER_TOKENS)
    }

    pub fn create(&mut self, call: &Call, account: bool) -> Result<Reply, ApiError> {
        let fields = parse_fields(&fields::object(call.body, true)?)?;
        let token = self.insert(Self::owner(call, account)?, fields, call.now);
        let mut result = token.view(call.now);
        result["value"] = json!(token.value);
        Ok(Reply::ok(result))
    }

    pub fn get(&self, call: &Call, account: bool) -> Result<Reply, ApiError> {
        let token = self.find_owned(Self::owner(call, account)?, call.id()?)?;
        Ok(Reply::ok(token.view(call.now)))
    }

    pub fn update(&mut self, call: &Call, account: bool) -> Result<Reply, ApiError> {
        let fields = parse_fields(&fields::object(call.body, true)?)?;
        let token = self.find_mut(Self::owner(call, account)?, call.id()?)?;
        // A PUT replaces the token's state: optional fields left out are cleared, except the
        // status, which keeps its value unless given.
        token.name = fields.name;
        token.policies = fields.policies;
        token.condition = fields.condition;
        token.not_before = fields.not_before;
        token.expires_on = fields.expires_on;
        if let Some(status) = fields.status {
            token.set_status = status;
        }
        token.modified_on = call.now;
        Ok(Reply::ok(token.view(call.now)))
    }

    pub fn delete(&mut self, call: &Call, account: bool) -> Result<Reply, ApiError> {
        let id = call.id()?;
        let owner = Self::owner(call, account)?;
        let i = self
            .tokens
            .iter()
            .position(|t| t.id == id && t.owner.as_deref() == owner)
            .ok_or_else(|| ApiError::not_found("API token", id))?;
        let token = self.tokens.remove(i);
        Ok(Reply::ok(json!({ "id": token.id })))
    }

    pub fn roll(&mut self, call: &Call, account: bool) -> Result<Reply, ApiError> {
        // The spec's body is an empty object; a missing body is let through.
        fields::object(call.body, false)?;
        let token = self.find_mut(Self::owner(call, account)?, call.id()?)?;
        token.value = ids::token_value();
        token.modified_on = call.now;
        Ok(Reply::ok(json!(token.value)))
    }

    /// `verify` for the user's tokens, or (with `account`) for the account's: a token of another
    /// owner is not valid there.
    pub fn verify(&self, call: &Call, account: bool) -> Result<Reply, ApiError> {
        let owner = Self::owner(call, account)?;
        let token = match call.auth {
            AuthUsed::Bootstrap => {
                return Ok(Reply::ok(
                    json!({ "id": BOOTSTRAP_TOKEN_ID, "status": "active" }),
                ));
            }
            AuthUsed::UserToken { id } => self
                .find(id)
                .filter(|t| t.owner.as_deref() == owner)
                .ok_or_else(ApiError::invalid_api_token)?,
            _ => return Err(ApiError::invalid_api_token()),
        };
        let mut result = Map::new();
        result.insert("id".into(), json!(token.id));
        result.insert("status".into(), json!(token.status(call.now)));
        if let Some(t) = token.not_before {
            result.insert("not_before".into(), json!(timestamp(t)));
        }
        if let Some(t) = token.expires_on {
            result.insert("expires_on".into(), json!(timestamp(t)));
        }
        Ok(Reply::ok(Value::Object(result)))
    }
}
