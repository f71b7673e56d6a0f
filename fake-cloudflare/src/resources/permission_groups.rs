//! The permission groups token policies can grant: a fixed catalog.
//!
//! "AI Search Index Engine" carries its real id, because clients look it up by name and then use
//! that id; the other groups have made-up ids. The catalog holds every group the spec's
//! `x-api-token-group` names (a test checks it), so that a token can be given any permission an
//! operation needs, and a few more so that filters have something to filter.

use serde_json::{Value, json};

use super::Call;
use crate::envelope::{ApiError, Reply};
use crate::pagination;

/// One entry of the catalog.
#[derive(Clone, Copy, Debug)]
pub struct PermissionGroup {
    pub id: &'static str,
    pub name: &'static str,
    pub category: &'static str,
    pub scopes: &'static [&'static str],
}

const ACCOUNT: &str = "com.cloudflare.api.account";
const ZONE: &str = "com.cloudflare.api.account.zone";
const USER: &str = "com.cloudflare.api.user";
const BUCKET: &str = "com.cloudflare.edge.r2.bucket";

/// The id of the "AI Search Index Engine" group.
pub const AI_SEARCH_INDEX_ENGINE: &str = "9e9b428a0bcd46fd80e580b46a69963c";

pub const CATALOG: &[PermissionGroup] = &[
    PermissionGroup {
        id: AI_SEARCH_INDEX_ENGINE,
        name: "AI Search Index Engine",
        category: "ai_and_machine_learning",
        scopes: &[ACCOUNT],
    },
    PermissionGroup {
        id: "f0a1e2d3c4b5a69788796a5b4c3d2e1f",
        name: "AI Search Read",
        category: "ai_and_machine_learning",
        scopes: &[ACCOUNT],
    },
    PermissionGroup {
        id: "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        name: "AI Search Edit",
        category: "ai_and_machine_learning",
        scopes: &[ACCOUNT],
    },
    PermissionGroup {
        id: "1a2b3c4d5e6f708192a3b4c5d6e7f801",
        name: "API Tokens Read",
        category: "account_and_billing",
        scopes: &[USER],
    },
    PermissionGroup {
        id: "2b3c4d5e6f708192a3b4c5d6e7f80912",
        name: "API Tokens Write",
        category: "account_and_billing",
        scopes: &[USER],
    },
    PermissionGroup {
        id: "8192a3b4c5d6e7f8091a2b3c4d5e6f78",
        name: "Account API Tokens Read",
        category: "account_and_billing",
        scopes: &[ACCOUNT],
    },
    PermissionGroup {
        id: "92a3b4c5d6e7f8091a2b3c4d5e6f7089",
        name: "Account API Tokens Write",
        category: "account_and_billing",
        scopes: &[ACCOUNT],
    },
    PermissionGroup {
        id: "3c4d5e6f708192a3b4c5d6e7f8091a23",
        name: "Access: Service Tokens Read",
        category: "cloudflare_one_and_zero_trust",
        scopes: &[ACCOUNT, ZONE],
    },
    PermissionGroup {
        id: "4d5e6f708192a3b4c5d6e7f8091a2b34",
        name: "Access: Service Tokens Write",
        category: "cloudflare_one_and_zero_trust",
        scopes: &[ACCOUNT, ZONE],
    },
    PermissionGroup {
        id: "5e6f708192a3b4c5d6e7f8091a2b3c45",
        name: "Zone Read",
        category: "dns_and_zones",
        scopes: &[ZONE],
    },
    PermissionGroup {
        id: "7a8b9c0d1e2f30415263748596a7b8c9",
        name: "Zone Zone Read",
        category: "dns_and_zones",
        scopes: &[ACCOUNT, ZONE],
    },
    PermissionGroup {
        id: "6f708192a3b4c5d6e7f8091a2b3c4d56",
        name: "DNS Write",
        category: "dns_and_zones",
        scopes: &[ZONE],
    },
    PermissionGroup {
        id: "708192a3b4c5d6e7f8091a2b3c4d5e67",
        name: "Workers R2 Storage Bucket Item Read",
        category: "developer_platform",
        scopes: &[BUCKET],
    },
    PermissionGroup {
        id: "a3b4c5d6e7f8091a2b3c4d5e6f708192",
        name: "Workers R2 Storage Write",
        category: "developer_platform",
        scopes: &[ACCOUNT],
    },
];

pub fn find(id: &str) -> Option<&'static PermissionGroup> {
    CATALOG.iter().find(|g| g.id == id)
}

impl PermissionGroup {
    fn view(&self) -> Value {
        json!({ "id": self.id, "name": self.name, "category": self.category, "scopes": self.scopes })
    }
}

/// `permission_groups_list`: the catalog, filtered by exact name (ignoring case) and by scope.
pub fn list(call: &Call) -> Result<Reply, ApiError> {
    let name = call.query.get("name");
    let scope = call.query.get("scope");
    let items = CATALOG
        .iter()
        .filter(|g| name.is_none_or(|n| g.name.eq_ignore_ascii_case(n)))
        .filter(|g| scope.is_none_or(|s| g.scopes.contains(&s)))
        .map(PermissionGroup::view)
        .collect();
    Ok(pagination::whole(items))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::Operation;

    #[test]
    fn every_group_an_operation_needs_can_be_granted() {
        for &op in Operation::ALL {
            for group in op.token_groups() {
                assert!(
                    CATALOG.iter().any(|g| g.name == *group),
                    "{} needs {group:?}, which the catalog lacks",
                    op.id()
                );
            }
        }
    }

    #[test]
    fn ids_and_names_are_unique() {
        for (i, a) in CATALOG.iter().enumerate() {
            for b in &CATALOG[i + 1..] {
                assert_ne!(a.id, b.id);
                assert_ne!(a.name, b.name);
            }
        }
    }
}
