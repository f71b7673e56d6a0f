//! An Access-protected application, for testing service tokens: `GET /__fake/access/protected`
//! admits a request whose `CF-Access-Client-Id` and `CF-Access-Client-Secret` are the
//! credentials of a service token of the fake, as Cloudflare Access documents it, and refuses
//! any other with 403. `?account=ID` or `?zone=ID` admits only that account's or zone's tokens.
//!
//! The secrets are compared in constant time and never logged or echoed: the answer names only
//! the admitted token's id.

use chrono::{DateTime, Utc};
use hyper::HeaderMap;
use serde_json::{Value, json};

use crate::query::Query;
use crate::resources::access::{AccessScope, ServiceTokens};

pub const CLIENT_ID: &str = "cf-access-client-id";
pub const CLIENT_SECRET: &str = "cf-access-client-secret";

/// 200 with the admitted token's id, or 403 saying only that the credentials were refused.
pub(crate) fn check(
    tokens: &ServiceTokens,
    headers: &HeaderMap,
    query: Option<&str>,
    now: DateTime<Utc>,
) -> (u16, Value) {
    let query = Query::parse(query);
    let owner = match (query.get("account"), query.get("zone")) {
        (Some(_), Some(_)) => {
            return (
                400,
                json!({ "error": "pass ?account= or ?zone=, not both" }),
            );
        }
        (Some(id), None) => Some((AccessScope::Account, id)),
        (None, Some(id)) => Some((AccessScope::Zone, id)),
        (None, None) => None,
    };
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let admitted = match (header(CLIENT_ID), header(CLIENT_SECRET)) {
        (Some(id), Some(secret)) => tokens.admit(owner, id.trim(), secret.trim(), now),
        _ => None,
    };
    match admitted {
        Some(id) => (200, json!({ "admitted": true, "service_token_id": id })),
        None => (
            403,
            json!({
                "admitted": false,
                "error": "Forbidden: the service token credentials were missing, unknown, expired or revoked",
            }),
        ),
    }
}
