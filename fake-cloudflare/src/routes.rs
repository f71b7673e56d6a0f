//! Which of the spec's operations a method and path name, and the path's parameters.

use hyper::Method;

use crate::query::decode;

include!(concat!(env!("OUT_DIR"), "/token_groups.rs"));

/// Where the API lives on the server, as under `https://api.cloudflare.com`.
pub const API_PREFIX: &str = "/client/v4";

/// Declares [`Operation`] from one list of variants and operation ids, so that the enum, its
/// list of all variants and its ids cannot disagree.
macro_rules! operations {
    ($($variant:ident => $id:literal,)*) => {
        /// The operations of `spec/openapi.json`, by their operation ids.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Operation {
            $($variant,)*
        }

        impl Operation {
            /// Every operation, in the order declared.
            pub const ALL: &[Operation] = &[$(Operation::$variant,)*];

            /// The spec's `operationId`.
            pub fn id(self) -> &'static str {
                match self {
                    $(Operation::$variant => $id,)*
                }
            }
        }
    };
}

operations! {
    UserTokensList => "user_tokens_list",
    UserTokensCreate => "user_tokens_create",
    UserTokensGet => "user_tokens_get",
    UserTokensUpdate => "user_tokens_update",
    UserTokensDelete => "user_tokens_delete",
    UserTokensRoll => "user_tokens_roll",
    UserTokensVerify => "user_tokens_verify",
    PermissionGroupsList => "permission_groups_list",
    AiSearchTokensList => "ai_search_tokens_list",
    AiSearchTokensCreate => "ai_search_tokens_create",
    AiSearchTokensGet => "ai_search_tokens_get",
    AiSearchTokensUpdate => "ai_search_tokens_update",
    AiSearchTokensDelete => "ai_search_tokens_delete",
    AiSearchInstancesList => "ai_search_instances_list",
    AiSearchInstancesCreate => "ai_search_instances_create",
    AiSearchInstancesGet => "ai_search_instances_get",
    AiSearchInstancesUpdate => "ai_search_instances_update",
    AiSearchInstancesDelete => "ai_search_instances_delete",
    AccessServiceTokensList => "access_service_tokens_list",
    AccessServiceTokensCreate => "access_service_tokens_create",
    AccessServiceTokensGet => "access_service_tokens_get",
    AccessServiceTokensUpdate => "access_service_tokens_update",
    AccessServiceTokensDelete => "access_service_tokens_delete",
    AccessServiceTokensRefresh => "access_service_tokens_refresh",
    AccessServiceTokensRotate => "access_service_tokens_rotate",
    AccountTokensList => "account_tokens_list",
    AccountTokensCreate => "account_tokens_create",
    AccountTokensGet => "account_tokens_get",
    AccountTokensUpdate => "account_tokens_update",
    AccountTokensDelete => "account_tokens_delete",
    AccountTokensRoll => "account_tokens_roll",
    AccountTokensVerify => "account_tokens_verify",
    AccountPermissionGroupsList => "account_permission_groups_list",
    AiSearchNamespacesList => "ai_search_namespaces_list",
    AiSearchNamespacesCreate => "ai_search_namespaces_create",
    AiSearchNamespacesGet => "ai_search_namespaces_get",
    AiSearchNamespacesUpdate => "ai_search_namespaces_update",
    AiSearchNamespacesDelete => "ai_search_namespaces_delete",
    AiSearchNamespaceInstancesList => "ai_search_namespace_instances_list",
    AiSearchNamespaceInstancesCreate => "ai_search_namespace_instances_create",
    AiSearchNamespaceInstancesGet => "ai_search_namespace_instances_get",
    AiSearchNamespaceInstancesUpdate => "ai_search_namespace_instances_update",
    AiSearchNamespaceInstancesDelete => "ai_search_namespace_instances_delete",
    AiSearchJobsList => "ai_search_jobs_list",
    AiSearchJobsGet => "ai_search_jobs_get",
    AiSearchStats => "ai_search_stats",
    AiSearchSearch => "ai_search_search",
    AiSearchNamespaceJobsList => "ai_search_namespace_jobs_list",
    AiSearchNamespaceJobsGet => "ai_search_namespace_jobs_get",
    AiSearchNamespaceStats => "ai_search_namespace_stats",
    AiSearchNamespaceSearch => "ai_search_namespace_search",
    R2BucketsGet => "r2_buckets_get",
    R2BucketsCreate => "r2_buckets_create",
}

impl Operation {
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|op| op.id() == id)
    }

    /// The permission groups that allow this operation, by name: the spec's `x-api-token-group`
    /// (read from `spec/openapi.json` when the fake is built). An API token may call it only if
    /// one of its policies grants one of them; empty means the spec names none, and any valid
    /// token may call it.
    pub fn token_groups(self) -> &'static [&'static str] {
        SPEC_TOKEN_GROUPS
            .iter()
            .find(|(id, _)| *id == self.id())
            .map_or(&[], |(_, groups)| groups)
    }

    /// The user and account token operations, which the spec secures with API tokens only.
    pub fn takes_only_api_tokens(self) -> bool {
        self.id().starts_with("user_tokens_")
            || self.id().starts_with("account_tokens_")
            || matches!(
                self,
                Operation::PermissionGroupsList | Operation::AccountPermissionGroupsList
            )
    }
}

/// The parameters in an operation's path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PathParams {
    /// `accounts` or `zones` (Access), or `accounts` (AI Search); anything else as sent.
    pub scope: String,
    /// The account (or zone) id.
    pub owner: String,
    /// The id of the object the operation is about.
    pub id: String,
    /// The AI Search namespace in the path, if any.
    pub namespace: String,
    /// The id of the object under `id` (an indexing job), if any.
    pub job: String,
}

/// Why a path names no operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteError {
    /// No operation has this path.
    NotFound,
    /// Some operation has this path, with another method.
    MethodNotAllowed,
}

/// The operation `method` and `path` (including [`API_PREFIX`]) name.
pub fn route(method: &Method, path: &str) -> Result<(Operation, PathParams), RouteError> {
    let rest = path.strip_prefix(API_PREFIX).ok_or(RouteError::NotFound)?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let rest = rest.strip_prefix('/').ok_or(RouteError::NotFound)?;
    let segments: Vec<String> = rest.split('/').map(|s| decode(s, false)).collect();
    if segments.iter().any(String::is_empty) {
        return Err(RouteError::NotFound);
    }
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let p = |scope: &str, owner: &str, id: &str| PathParams {
        scope: scope.to_owned(),
        owner: owner.to_owned(),
        id: id.to_owned(),
        ..PathParams::default()
    };
    let ns = |acc: &str, namespace: &str, id: &str, job: &str| PathParams {
        scope: "accounts".to_owned(),
        owner: acc.to_owned(),
        id: id.to_owned(),
        namespace: namespace.to_owned(),
        job: job.to_owned(),
    };
    use Operation::*;
    // Each arm lists the operations of one path, by method.
    let (candidates, params): (&[(Method, Operation)], PathParams) = match s.as_slice() {
        ["user", "tokens"] => (
            &[
                (Method::GET, UserTokensList),
                (Method::POST, UserTokensCreate),
            ],
            p("", "", ""),
        ),
        ["user", "tokens", "verify"] => (&[(Method::GET, UserTokensVerify)], p("", "", "")),
        ["user", "tokens", "permission_groups"] => {
            (&[(Method::GET, PermissionGroupsList)], p("", "", ""))
        }
        ["user", "tokens", id] => (
            &[
                (Method::GET, UserTokensGet),
                (Method::PUT, UserTokensUpdate),
                (Method::DELETE, UserTokensDelete),
            ],
            p("", "", id),
        ),
        ["user", "tokens", id, "value"] => (&[(Method::PUT, UserTokensRoll)], p("", "", id)),
        ["accounts", acc, "ai-search", "tokens"] => (
            &[
                (Method::GET, AiSearchTokensList),
                (Method::POST, AiSearchTokensCreate),
            ],
            p("accounts", acc, ""),
        ),
        ["accounts", acc, "ai-search", "tokens", id] => (
            &[
                (Method::GET, AiSearchTokensGet),
                (Method::PUT, AiSearchTokensUpdate),
                (Method::DELETE, AiSearchTokensDelete),
            ],
            p("accounts", acc, id),
        ),
        ["accounts", acc, "ai-search", "instances"] => (
            &[
                (Method::GET, AiSearchInstancesList),
                (Method::POST, AiSearchInstancesCreate),
            ],
            p("accounts", acc, ""),
        ),
        ["accounts", acc, "ai-search", "instances", id] => (
            &[
                (Method::GET, AiSearchInstancesGet),
                (Method::PUT, AiSearchInstancesUpdate),
                (Method::DELETE, AiSearchInstancesDelete),
            ],
            p("accounts", acc, id),
        ),
        ["accounts", acc, "tokens"] => (
            &[
                (Method::GET, AccountTokensList),
                (Method::POST, AccountTokensCreate),
            ],
            p("accounts", acc, ""),
        ),
        ["accounts", acc, "tokens", "verify"] => (
            &[(Method::GET, AccountTokensVerify)],
            p("accounts", acc, ""),
        ),
        ["accounts", acc, "tokens", "permission_groups"] => (
            &[(Method::GET, AccountPermissionGroupsList)],
            p("accounts", acc, ""),
        ),
        ["accounts", acc, "tokens", id] => (
            &[
                (Method::GET, AccountTokensGet),
                (Method::PUT, AccountTokensUpdate),
                (Method::DELETE, AccountTokensDelete),
            ],
            p("accounts", acc, id),
        ),
        ["accounts", acc, "tokens", id, "value"] => {
            (&[(Method::PUT, AccountTokensRoll)], p("accounts", acc, id))
        }
        ["accounts", acc, "ai-search", "instances", id, "jobs"] => {
            (&[(Method::GET, AiSearchJobsList)], p("accounts", acc, id))
        }
        ["accounts", acc, "ai-search", "instances", id, "jobs", job] => {
            (&[(Method::GET, AiSearchJobsGet)], ns(acc, "", id, job))
        }
        ["accounts", acc, "ai-search", "instances", id, "stats"] => {
            (&[(Method::GET, AiSearchStats)], p("accounts", acc, id))
        }
        ["accounts", acc, "ai-search", "instances", id, "search"] => {
            (&[(Method::POST, AiSearchSearch)], p("accounts", acc, id))
        }
        ["accounts", acc, "ai-search", "namespaces"] => (
            &[
                (Method::GET, AiSearchNamespacesList),
                (Method::POST, AiSearchNamespacesCreate),
            ],
            p("accounts", acc, ""),
        ),
        ["accounts", acc, "ai-search", "namespaces", name] => (
            &[
                (Method::GET, AiSearchNamespacesGet),
                (Method::PUT, AiSearchNamespacesUpdate),
                (Method::DELETE, AiSearchNamespacesDelete),
            ],
            ns(acc, name, "", ""),
        ),
        [
            "accounts",
            acc,
            "ai-search",
            "namespaces",
            name,
            "instances",
        ] => (
            &[
                (Method::GET, AiSearchNamespaceInstancesList),
                (Method::POST, AiSearchNamespaceInstancesCreate),
            ],
            ns(acc, name, "", ""),
        ),
        [
            "accounts",
            acc,
            "ai-search",
            "namespaces",
            name,
            "instances",
            id,
        ] => (
            &[
                (Method::GET, AiSearchNamespaceInstancesGet),
                (Method::PUT, AiSearchNamespaceInstancesUpdate),
                (Method::DELETE, AiSearchNamespaceInstancesDelete),
            ],
            ns(acc, name, id, ""),
        ),
        [
            "accounts",
            acc,
            "ai-search",
            "namespaces",
            name,
            "instances",
            id,
            "jobs",
        ] => (
            &[(Method::GET, AiSearchNamespaceJobsList)],
            ns(acc, name, id, ""),
        ),
        [
            "accounts",
            acc,
            "ai-search",
            "namespaces",
            name,
            "instances",
            id,
            "jobs",
            job,
        ] => (
            &[(Method::GET, AiSearchNamespaceJobsGet)],
            ns(acc, name, id, job),
        ),
        [
            "accounts",
            acc,
            "ai-search",
            "namespaces",
            name,
            "instances",
            id,
            "stats",
        ] => (
            &[(Method::GET, AiSearchNamespaceStats)],
            ns(acc, name, id, ""),
        ),
        [
            "accounts",
            acc,
            "ai-search",
            "namespaces",
            name,
            "instances",
            id,
            "search",
        ] => (
            &[(Method::POST, AiSearchNamespaceSearch)],
            ns(acc, name, id, ""),
        ),
        ["accounts", acc, "r2", "buckets"] => {
            (&[(Method::POST, R2BucketsCreate)], p("accounts", acc, ""))
        }
        ["accounts", acc, "r2", "buckets", bucket] => {
            (&[(Method::GET, R2BucketsGet)], p("accounts", acc, bucket))
        }
        ["accounts", acc, "access", "service_tokens", id, "refresh"] => (
            &[(Method::POST, AccessServiceTokensRefresh)],
            p("accounts", acc, id),
        ),
        ["accounts", acc, "access", "service_tokens", id, "rotate"] => (
            &[(Method::POST, AccessServiceTokensRotate)],
            p("accounts", acc, id),
        ),
        // The scope is a path parameter in the spec, so any value routes here and the handler
        // answers 404 for values other than `accounts` and `zones`.
        [scope, owner, "access", "service_tokens"] => (
            &[
                (Method::GET, AccessServiceTokensList),
                (Method::POST, AccessServiceTokensCreate),
            ],
            p(scope, owner, ""),
        ),
        [scope, owner, "access", "service_tokens", id] => (
            &[
                (Method::GET, AccessServiceTokensGet),
                (Method::PUT, AccessServiceTokensUpdate),
                (Method::DELETE, AccessServiceTokensDelete),
            ],
            p(scope, owner, id),
        ),
        _ => return Err(RouteError::NotFound),
    };
    candidates
        .iter()
        .find(|(m, _)| m == method)
        .map(|(_, op)| (*op, params))
        .ok_or(RouteError::MethodNotAllowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_literal_segments_before_ids() {
        let (op, _) = route(&Method::GET, "/client/v4/user/tokens/verify").unwrap();
        assert_eq!(op, Operation::UserTokensVerify);
        let (op, params) = route(&Method::GET, "/client/v4/user/tokens/abc").unwrap();
        assert_eq!((op, params.id.as_str()), (Operation::UserTokensGet, "abc"));
    }

    #[test]
    fn access_scope_is_a_parameter() {
        let (op, params) =
            route(&Method::GET, "/client/v4/zones/z1/access/service_tokens").unwrap();
        assert_eq!(op, Operation::AccessServiceTokensList);
        assert_eq!(
            (params.scope.as_str(), params.owner.as_str()),
            ("zones", "z1")
        );
        assert_eq!(
            route(
                &Method::POST,
                "/client/v4/zones/z1/access/service_tokens/x/rotate"
            ),
            Err(RouteError::NotFound)
        );
    }

    #[test]
    fn wrong_method_and_unknown_paths() {
        assert_eq!(
            route(&Method::PATCH, "/client/v4/user/tokens"),
            Err(RouteError::MethodNotAllowed)
        );
        assert_eq!(
            route(&Method::GET, "/user/tokens"),
            Err(RouteError::NotFound)
        );
        assert_eq!(
            route(&Method::GET, "/client/v4/user//tokens"),
            Err(RouteError::NotFound)
        );
    }

    #[test]
    fn operation_ids_round_trip() {
        for &op in Operation::ALL {
            assert_eq!(Operation::from_id(op.id()), Some(op));
        }
    }
}
