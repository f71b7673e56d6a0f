//! The fake's state, one module per resource, and the dispatch from operation to handler.

pub mod access;
pub mod accounts;
pub mod ai_search;
mod instance_fields;
pub mod permission_groups;
pub mod r2;
pub mod user_tokens;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::envelope::{ApiError, Reply};
use crate::query::Query;
use crate::requests::AuthUsed;
use crate::routes::{Operation, Owner, PathParams};

/// What a handler gets to know about a request.
pub struct Call<'a> {
    pub params: &'a PathParams,
    pub query: &'a Query,
    /// The parsed JSON body, if the request had one.
    pub body: Option<&'a Value>,
    pub auth: &'a AuthUsed,
    pub now: DateTime<Utc>,
}

/// A parameter the handler's path has. The route table gives it to every operation whose
/// handler asks for it; were it ever missing, the path is answered as unknown, not with a panic.
fn required<T>(param: Option<T>) -> Result<T, ApiError> {
    param.ok_or_else(ApiError::no_route)
}

impl Call<'_> {
    /// The account or zone in the path.
    pub fn owner(&self) -> Result<&Owner, ApiError> {
        required(self.params.owner.as_ref())
    }

    /// The id of the account in the path.
    pub fn account(&self) -> Result<&str, ApiError> {
        Ok(&self.owner()?.id)
    }

    /// The id of the object in the path.
    pub fn id(&self) -> Result<&str, ApiError> {
        required(self.params.id.as_deref())
    }

    /// The AI Search namespace in the path.
    pub fn namespace(&self) -> Result<&str, ApiError> {
        required(self.params.namespace.as_deref())
    }

    /// The indexing job in the path.
    pub fn job(&self) -> Result<&str, ApiError> {
        required(self.params.job.as_deref())
    }

    /// Who to name in `created_by`/`modified_by`: the email, or the user token's id.
    pub fn actor(&self) -> Option<String> {
        match self.auth {
            AuthUsed::EmailKey { email } => Some(email.clone()),
            AuthUsed::UserToken { id } => Some(id.clone()),
            _ => None,
        }
    }
}

/// Everything the fake's API has created.
#[derive(Clone, Debug, Default)]
pub struct State {
    pub user_tokens: user_tokens::UserTokens,
    pub ai_search: ai_search::AiSearch,
    pub access: access::ServiceTokens,
    pub r2: r2::Buckets,
    pub directory: accounts::Directory,
}

/// `e` with a `path` (empty when it names no field) where `op`'s product shows one, and without
/// one elsewhere.
pub(crate) fn with_path_for(op: Operation, mut e: ApiError) -> ApiError {
    e.path = if op.product().errors_carry_a_path() {
        Some(e.path.unwrap_or_default())
    } else {
        None
    };
    e
}

impl State {
    /// Forgets every object; how indexing goes stays as configured.
    pub fn reset(&mut self) {
        let indexing = self.ai_search.indexing;
        *self = Self::default();
        self.ai_search.indexing = indexing;
    }

    /// Carries out `op`; its errors carry a `path` or not, as its product's do.
    pub fn dispatch(&mut self, op: Operation, call: &Call) -> Result<Reply, ApiError> {
        self.carry_out(op, call).map_err(|e| with_path_for(op, e))
    }

    fn carry_out(&mut self, op: Operation, call: &Call) -> Result<Reply, ApiError> {
        use Operation::*;
        match op {
            UserTokensList => self.user_tokens.list(call, false),
            UserTokensCreate => self.user_tokens.create(call, false),
            UserTokensGet => self.user_tokens.get(call, false),
            UserTokensUpdate => self.user_tokens.update(call, false),
            UserTokensDelete => self.user_tokens.delete(call, false),
            UserTokensRoll => self.user_tokens.roll(call, false),
            UserTokensVerify => self.user_tokens.verify(call, false),
            PermissionGroupsList | AccountPermissionGroupsList => permission_groups::list(call),
            AccountTokensList => self.user_tokens.list(call, true),
            AccountTokensCreate => self.user_tokens.create(call, true),
            AccountTokensGet => self.user_tokens.get(call, true),
            AccountTokensUpdate => self.user_tokens.update(call, true),
            AccountTokensDelete => self.user_tokens.delete(call, true),
            AccountTokensRoll => self.user_tokens.roll(call, true),
            AccountTokensVerify => self.user_tokens.verify(call, true),
            AiSearchTokensList => self.ai_search.list_tokens(call),
            AiSearchTokensCreate => self.ai_search.create_token(call, &self.user_tokens),
            AiSearchTokensGet => self.ai_search.get_token(call),
            AiSearchTokensUpdate => self.ai_search.update_token(call, &self.user_tokens),
            AiSearchTokensDelete => self.ai_search.delete_token(call),
            AiSearchInstancesList => self.ai_search.list_instances(call),
            AiSearchInstancesCreate => self.ai_search.create_instance(call),
            AiSearchInstancesGet => self.ai_search.get_instance(call),
            AiSearchInstancesUpdate => self.ai_search.update_instance(call),
            AiSearchInstancesDelete => self.ai_search.delete_instance(call),
            AiSearchNamespacesList => self.ai_search.list_namespaces(call),
            AiSearchNamespacesCreate => self.ai_search.create_namespace(call),
            AiSearchNamespacesGet => self.ai_search.get_namespace(call),
            AiSearchNamespacesUpdate => self.ai_search.update_namespace(call),
            AiSearchNamespacesDelete => self.ai_search.delete_namespace(call),
            AiSearchNamespaceInstancesList => self.ai_search.list_namespace_instances(call),
            AiSearchNamespaceInstancesCreate => self.ai_search.create_namespace_instance(call),
            AiSearchNamespaceInstancesGet => self.ai_search.get_namespace_instance(call),
            AiSearchNamespaceInstancesUpdate => self.ai_search.update_namespace_instance(call),
            AiSearchNamespaceInstancesDelete => self.ai_search.delete_namespace_instance(call),
            AiSearchJobsList | AiSearchNamespaceJobsList => self.ai_search.list_jobs(call),
            AiSearchJobsGet | AiSearchNamespaceJobsGet => self.ai_search.get_job(call),
            AiSearchStats | AiSearchNamespaceStats => self.ai_search.stats(call),
            AiSearchSearch | AiSearchNamespaceSearch => self.ai_search.search(call),
            R2BucketsGet => self.r2.get(call),
            R2BucketsCreate => self.r2.create(call),
            AccountsList => self.directory.list_accounts(call),
            ZonesList => self.directory.list_zones(call),
            AccessServiceTokensList => self.access.list(call),
            AccessServiceTokensCreate => self.access.create(call),
            AccessServiceTokensGet => self.access.get(call),
            AccessServiceTokensUpdate => self.access.update(call),
            AccessServiceTokensDelete => self.access.delete(call),
            AccessServiceTokensRefresh => self.access.refresh(call),
            AccessServiceTokensRotate => self.access.rotate(call),
        }
    }

    /// Everything, as the admin API's `GET /__fake/state` shows it (no secrets).
    pub fn dump(&self, now: DateTime<Utc>) -> Value {
        let (ai_search_tokens, ai_search_instances) = self.ai_search.dump();
        json!({
            "user_tokens": self.user_tokens.views(now),
            "ai_search_tokens": ai_search_tokens,
            "ai_search_instances": ai_search_instances,
            "access_service_tokens": self.access.dump(),
            "account_tokens": self.user_tokens.account_views(now),
            "ai_search_namespaces": self.ai_search.namespace_dump(),
            "r2_buckets": self.r2.dump(),
            "zones": self.directory.dump(),
        })
    }
}
