//! The route table: each operation of the spec with its method, path and product; and which
//! operation a method and path name, with the path's parameters.

use hyper::Method;

use crate::query::decode;

include!(concat!(env!("OUT_DIR"), "/token_groups.rs"));

/// Where the API lives on the server, as under `https://api.cloudflare.com`.
pub const API_PREFIX: &str = "/client/v4";

/// The Cloudflare product an operation belongs to (its tags in the spec). What differs from one
/// product to another is decided by this, never by the operation's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Product {
    /// The user's API tokens and their permission groups, under `/user/tokens`.
    UserTokens,
    /// An account's API tokens and their permission groups, under `/accounts/{id}/tokens`.
    AccountTokens,
    /// AI Search tokens, instances, namespaces, indexing and search.
    AiSearch,
    /// Access service tokens, of an account or a zone.
    Access,
    /// R2 buckets.
    R2,
    /// The accounts and zones the credential reaches, under `/accounts` and `/zones`.
    Accounts,
}

impl Product {
    /// Whether an email and key are refused (403, code 9109): the spec secures the user and
    /// account token operations with API tokens only.
    pub fn takes_only_api_tokens(self) -> bool {
        matches!(self, Product::UserTokens | Product::AccountTokens)
    }

    /// Whether errors carry a `path` (empty when the problem is not one field's), as AI
    /// Search's do; the others have Cloudflare's classic shape, without one.
    pub fn errors_carry_a_path(self) -> bool {
        self == Product::AiSearch
    }
}

/// One segment of a route's path (under [`API_PREFIX`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    /// This text.
    Literal(&'static str),
    /// Any text: the scope of the owner that follows. The spec makes Access's `accounts` or
    /// `zones` a parameter, so any value routes and the handler answers 404 for others.
    Scope,
    /// The id of the account (or zone) the segment before names.
    Owner,
    /// The id of the object the operation is about.
    Id,
    /// An AI Search namespace.
    Namespace,
    /// An indexing job of the object.
    Job,
}

/// One entry of the route table.
#[derive(Clone, Debug)]
pub struct Route {
    pub operation: Operation,
    /// The spec's `operationId`.
    pub id: &'static str,
    pub method: Method,
    pub path: &'static [Segment],
    pub product: Product,
}

macro_rules! segment {
    (scope) => {
        Segment::Scope
    };
    (owner) => {
        Segment::Owner
    };
    (id) => {
        Segment::Id
    };
    (namespace) => {
        Segment::Namespace
    };
    (job) => {
        Segment::Job
    };
    ($literal:literal) => {
        Segment::Literal($literal)
    };
}

/// Declares [`Operation`] and [`ROUTES`] from one list, so that an operation cannot lack its
/// entry, nor the enum and the table disagree on the order.
macro_rules! routes {
    ($($variant:ident => $id:literal, $product:ident, $method:ident [$($segment:tt),*];)*) => {
        /// The operations of `spec/openapi.json`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Operation {
            $($variant,)*
        }

        impl Operation {
            /// Every operation, in the order declared.
            pub const ALL: &[Operation] = &[$(Operation::$variant,)*];
        }

        /// Every operation's entry, in the order of [`Operation::ALL`].
        pub const ROUTES: &[Route] = &[$(Route {
            operation: Operation::$variant,
            id: $id,
            method: Method::$method,
            path: &[$(segment!($segment)),*],
            product: Product::$product,
        },)*];
    };
}

routes! {
    UserTokensList => "user_tokens_list", UserTokens, GET ["user", "tokens"];
    UserTokensCreate => "user_tokens_create", UserTokens, POST ["user", "tokens"];
    UserTokensGet => "user_tokens_get", UserTokens, GET ["user", "tokens", id];
    UserTokensUpdate => "user_tokens_update", UserTokens, PUT ["user", "tokens", id];
    UserTokensDelete => "user_tokens_delete", UserTokens, DELETE ["user", "tokens", id];
    UserTokensRoll => "user_tokens_roll", UserTokens, PUT ["user", "tokens", id, "value"];
    UserTokensVerify => "user_tokens_verify", UserTokens, GET ["user", "tokens", "verify"];
    PermissionGroupsList => "permission_groups_list", UserTokens, GET
        ["user", "tokens", "permission_groups"];
    AiSearchTokensList => "ai_search_tokens_list", AiSearch, GET
        ["accounts", owner, "ai-search", "tokens"];
    AiSearchTokensCreate => "ai_search_tokens_create", AiSearch, POST
        ["accounts", owner, "ai-search", "tokens"];
    AiSearchTokensGet => "ai_search_tokens_get", AiSearch, GET
        ["accounts", owner, "ai-search", "tokens", id];
    AiSearchTokensUpdate => "ai_search_tokens_update", AiSearch, PUT
        ["accounts", owner, "ai-search", "tokens", id];
    AiSearchTokensDelete => "ai_search_tokens_delete", AiSearch, DELETE
        ["accounts", owner, "ai-search", "tokens", id];
    AiSearchInstancesList => "ai_search_instances_list", AiSearch, GET
        ["accounts", owner, "ai-search", "instances"];
    AiSearchInstancesCreate => "ai_search_instances_create", AiSearch, POST
        ["accounts", owner, "ai-search", "instances"];
    AiSearchInstancesGet => "ai_search_instances_get", AiSearch, GET
        ["accounts", owner, "ai-search", "instances", id];
    AiSearchInstancesUpdate => "ai_search_instances_update", AiSearch, PUT
        ["accounts", owner, "ai-search", "instances", id];
    AiSearchInstancesDelete => "ai_search_instances_delete", AiSearch, DELETE
        ["accounts", owner, "ai-search", "instances", id];
    AccessServiceTokensList => "access_service_tokens_list", Access, GET
        [scope, owner, "access", "service_tokens"];
    AccessServiceTokensCreate => "access_service_tokens_create", Access, POST
        [scope, owner, "access", "service_tokens"];
    AccessServiceTokensGet => "access_service_tokens_get", Access, GET
        [scope, owner, "access", "service_tokens", id];
    AccessServiceTokensUpdate => "access_service_tokens_update", Access, PUT
        [scope, owner, "access", "service_tokens", id];
    AccessServiceTokensDelete => "access_service_tokens_delete", Access, DELETE
        [scope, owner, "access", "service_tokens", id];
    AccessServiceTokensRefresh => "access_service_tokens_refresh", Access, POST
        ["accounts", owner, "access", "service_tokens", id, "refresh"];
    AccessServiceTokensRotate => "access_service_tokens_rotate", Access, POST
        ["accounts", owner, "access", "service_tokens", id, "rotate"];
    AccountTokensList => "account_tokens_list", AccountTokens, GET ["accounts", owner, "tokens"];
    AccountTokensCreate => "account_tokens_create", AccountTokens, POST
        ["accounts", owner, "tokens"];
    AccountTokensGet => "account_tokens_get", AccountTokens, GET
        ["accounts", owner, "tokens", id];
    AccountTokensUpdate => "account_tokens_update", AccountTokens, PUT
        ["accounts", owner, "tokens", id];
    AccountTokensDelete => "account_tokens_delete", AccountTokens, DELETE
        ["accounts", owner, "tokens", id];
    AccountTokensRoll => "account_tokens_roll", AccountTokens, PUT
        ["accounts", owner, "tokens", id, "value"];
    AccountTokensVerify => "account_tokens_verify", AccountTokens, GET
        ["accounts", owner, "tokens", "verify"];
    AccountPermissionGroupsList => "account_permission_groups_list", AccountTokens, GET
        ["accounts", owner, "tokens", "permission_groups"];
    AiSearchNamespacesList => "ai_search_namespaces_list", AiSearch, GET
        ["accounts", owner, "ai-search", "namespaces"];
    AiSearchNamespacesCreate => "ai_search_namespaces_create", AiSearch, POST
        ["accounts", owner, "ai-search", "namespaces"];
    AiSearchNamespacesGet => "ai_search_namespaces_get", AiSearch, GET
        ["accounts", owner, "ai-search", "namespaces", namespace];
    AiSearchNamespacesUpdate => "ai_search_namespaces_update", AiSearch, PUT
        ["accounts", owner, "ai-search", "namespaces", namespace];
    AiSearchNamespacesDelete => "ai_search_namespaces_delete", AiSearch, DELETE
        ["accounts", owner, "ai-search", "namespaces", namespace];
    AiSearchNamespaceInstancesList => "ai_search_namespace_instances_list", AiSearch, GET
        ["accounts", owner, "ai-search", "namespaces", namespace, "instances"];
    AiSearchNamespaceInstancesCreate => "ai_search_namespace_instances_create", AiSearch, POST
        ["accounts", owner, "ai-search", "namespaces", namespace, "instances"];
    AiSearchNamespaceInstancesGet => "ai_search_namespace_instances_get", AiSearch, GET
        ["accounts", owner, "ai-search", "namespaces", namespace, "instances", id];
    AiSearchNamespaceInstancesUpdate => "ai_search_namespace_instances_update", AiSearch, PUT
        ["accounts", owner, "ai-search", "namespaces", namespace, "instances", id];
    AiSearchNamespaceInstancesDelete => "ai_search_namespace_instances_delete", AiSearch, DELETE
        ["accounts", owner, "ai-search", "namespaces", namespace, "instances", id];
    AiSearchJobsList => "ai_search_jobs_list", AiSearch, GET
        ["accounts", owner, "ai-search", "instances", id, "jobs"];
    AiSearchJobsGet => "ai_search_jobs_get", AiSearch, GET
        ["accounts", owner, "ai-search", "instances", id, "jobs", job];
    AiSearchStats => "ai_search_stats", AiSearch, GET
        ["accounts", owner, "ai-search", "instances", id, "stats"];
    AiSearchSearch => "ai_search_search", AiSearch, POST
        ["accounts", owner, "ai-search", "instances", id, "search"];
    AiSearchNamespaceJobsList => "ai_search_namespace_jobs_list", AiSearch, GET
        ["accounts", owner, "ai-search", "namespaces", namespace, "instances", id, "jobs"];
    AiSearchNamespaceJobsGet => "ai_search_namespace_jobs_get", AiSearch, GET
        ["accounts", owner, "ai-search", "namespaces", namespace, "instances", id, "jobs", job];
    AiSearchNamespaceStats => "ai_search_namespace_stats", AiSearch, GET
        ["accounts", owner, "ai-search", "namespaces", namespace, "instances", id, "stats"];
    AiSearchNamespaceSearch => "ai_search_namespace_search", AiSearch, POST
        ["accounts", owner, "ai-search", "namespaces", namespace, "instances", id, "search"];
    R2BucketsGet => "r2_buckets_get", R2, GET ["accounts", owner, "r2", "buckets", id];
    R2BucketsCreate => "r2_buckets_create", R2, POST ["accounts", owner, "r2", "buckets"];
    AccountsList => "accounts_list", Accounts, GET ["accounts"];
    ZonesList => "zones_list", Accounts, GET ["zones"];
}

impl Operation {
    /// This operation's entry in [`ROUTES`].
    pub fn route(self) -> &'static Route {
        // The macro writes `ROUTES` in the order of the variants.
        &ROUTES[self as usize]
    }

    /// The spec's `operationId`.
    pub fn id(self) -> &'static str {
        self.route().id
    }

    pub fn product(self) -> Product {
        self.route().product
    }

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
}

/// The account (or zone) a path names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    /// The segment before the id: `accounts`, or for Access `zones` or anything else as sent.
    pub scope: String,
    pub id: String,
}

/// The parameters in an operation's path: each is there only if the route's path has it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PathParams {
    /// None on the user's paths (`/user/...`).
    pub owner: Option<Owner>,
    /// The id of the object the operation is about.
    pub id: Option<String>,
    /// The AI Search namespace.
    pub namespace: Option<String>,
    /// An indexing job of the object.
    pub job: Option<String>,
}

impl Route {
    /// The parameters of `segments`, if they are this route's path.
    fn captures(&self, segments: &[String]) -> Option<PathParams> {
        if segments.len() != self.path.len() {
            return None;
        }
        let mut params = PathParams::default();
        let mut previous: Option<&String> = None;
        for (segment, text) in self.path.iter().zip(segments) {
            match segment {
                Segment::Literal(literal) if text != literal => return None,
                Segment::Literal(_) | Segment::Scope => {}
                Segment::Owner => {
                    params.owner = previous.map(|scope| Owner {
                        scope: scope.clone(),
                        id: text.clone(),
                    });
                }
                Segment::Id => params.id = Some(text.clone()),
                Segment::Namespace => params.namespace = Some(text.clone()),
                Segment::Job => params.job = Some(text.clone()),
            }
            previous = Some(text);
        }
        Some(params)
    }

    /// Which segments are literal, from the first: of two paths that both match, the one with
    /// a literal where the other has a parameter wins (`/user/tokens/verify` is not the token
    /// `verify`), as OpenAPI matches concrete paths before templated ones.
    fn literals(&self) -> Vec<bool> {
        let literal = |segment: &Segment| matches!(segment, Segment::Literal(_));
        self.path.iter().map(literal).collect()
    }
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
    let matching: Vec<(&Route, PathParams)> = ROUTES
        .iter()
        .filter_map(|route| Some((route, route.captures(&segments)?)))
        .collect();
    let best = matching
        .iter()
        .map(|(route, _)| route.literals())
        .max()
        .ok_or(RouteError::NotFound)?;
    matching
        .into_iter()
        .filter(|(route, _)| route.literals() == best)
        .find(|(route, _)| route.method == *method)
        .map(|(route, params)| (route.operation, params))
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
        assert_eq!(op, Operation::UserTokensGet);
        assert_eq!(params.id.as_deref(), Some("abc"));
        assert_eq!(params.owner, None);
    }

    #[test]
    fn access_scope_is_a_parameter() {
        let (op, params) =
            route(&Method::GET, "/client/v4/zones/z1/access/service_tokens").unwrap();
        assert_eq!(op, Operation::AccessServiceTokensList);
        let owner = params.owner.unwrap();
        assert_eq!((owner.scope.as_str(), owner.id.as_str()), ("zones", "z1"));
        assert_eq!(params.id, None);
        assert_eq!(
            route(
                &Method::POST,
                "/client/v4/zones/z1/access/service_tokens/x/rotate"
            ),
            Err(RouteError::NotFound)
        );
    }

    #[test]
    fn each_parameter_is_captured_and_only_those_of_the_path() {
        let path = "/client/v4/accounts/a1/ai-search/namespaces/n1/instances/i1/jobs/j1";
        let (op, params) = route(&Method::GET, path).unwrap();
        assert_eq!(op, Operation::AiSearchNamespaceJobsGet);
        let owner = Owner {
            scope: "accounts".into(),
            id: "a1".into(),
        };
        let expected = PathParams {
            owner: Some(owner.clone()),
            id: Some("i1".into()),
            namespace: Some("n1".into()),
            job: Some("j1".into()),
        };
        assert_eq!(params, expected);
        let (_, params) =
            route(&Method::GET, "/client/v4/accounts/a1/ai-search/instances").unwrap();
        let expected = PathParams {
            owner: Some(owner),
            ..PathParams::default()
        };
        assert_eq!(params, expected);
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
