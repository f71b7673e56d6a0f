//! Who a request is from, and whether that may call the operation.
//!
//! The fake knows three kinds of credentials: its bootstrap token, the current secret values of
//! the API tokens (user and account) created in it, and one email with its (global API) key.
//!
//! The bootstrap token and the email and key act as the account's owner: they may call every
//! operation their security scheme allows. An API token created in the fake may call an
//! operation only when the operation's permission groups ([`Operation::token_groups`], the
//! spec's `x-api-token-group`) include one that a policy of the token with effect `allow` grants;
//! otherwise the answer is 403 with code 10000 ("Authentication error"), as Cloudflare answers a
//! valid token that lacks the permission. Operations for which the spec names no group (verify,
//! every AI Search operation, `r2_buckets_get`, `access_service_tokens_rotate`) are open to any
//! valid token. A token that is disabled, expired or not yet valid is refused with 401 before
//! its permissions are looked at (verify still reports its status).
//!
//! Not modelled, so a token may call more than it could on Cloudflare:
//! - a policy's `resources`: a group granted on one account (or on the user) counts on every
//!   account, zone and user path;
//! - `deny` policies: they are stored and shown, and take nothing away;
//! - the owner of a token: an account token may call user operations and the other way round,
//!   given the group (on Cloudflare an account token reaches only its own account);
//! - the permissions behind a group (`x-cfPermissionsRequired`): only the group names are
//!   compared, so for AI Search, whose operations list no group, "AI Search Index Engine"
//!   grants nothing the fake checks;
//! - `condition` (request IP ranges).

use chrono::{DateTime, Utc};
use hyper::HeaderMap;

use crate::envelope::ApiError;
use crate::requests::AuthUsed;
use crate::resources::user_tokens::UserTokens;
use crate::routes::Operation;

/// The credentials configured when the server starts.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub bootstrap_token: String,
    /// The email and key `X-Auth-Email`/`X-Auth-Key` must carry; none turns that scheme off.
    pub email_key: Option<(String, String)>,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Whose credentials the request carries.
pub fn identify(headers: &HeaderMap, credentials: &Credentials, tokens: &UserTokens) -> AuthUsed {
    // A bearer token wins over an email and key when a request carries both.
    if let Some(authorization) = headers.get("authorization") {
        let bearer = authorization.to_str().ok().and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
        return match bearer {
            Some("") | None => AuthUsed::Malformed,
            Some(token) if token == credentials.bootstrap_token => AuthUsed::Bootstrap,
            Some(token) => match tokens.id_by_value(token) {
                Some(id) => AuthUsed::UserToken { id: id.to_owned() },
                None => AuthUsed::Invalid,
            },
        };
    }
    match (
        header(headers, "x-auth-email"),
        header(headers, "x-auth-key"),
    ) {
        (None, None) => AuthUsed::None,
        (Some(email), Some(key)) => match &credentials.email_key {
            Some((e, k)) if e.eq_ignore_ascii_case(email.trim()) && k == key.trim() => {
                AuthUsed::EmailKey { email: e.clone() }
            }
            _ => AuthUsed::Invalid,
        },
        _ => AuthUsed::Malformed,
    }
}

/// Whether `auth` may call `op` at `now`.
pub fn authorize(
    op: Operation,
    auth: &AuthUsed,
    tokens: &UserTokens,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let verify = op == Operation::UserTokensVerify;
    match auth {
        AuthUsed::None => Err(ApiError::unauthenticated()),
        AuthUsed::Malformed => Err(ApiError::malformed_auth()),
        AuthUsed::Invalid if verify => Err(ApiError::invalid_api_token()),
        AuthUsed::Invalid => Err(ApiError::unauthenticated()),
        AuthUsed::EmailKey { .. } if op.product().takes_only_api_tokens() => {
            Err(ApiError::token_only())
        }
        AuthUsed::EmailKey { .. } | AuthUsed::Bootstrap => Ok(()),
        // Verify reports a disabled, expired or not yet valid token's status; everything else
        // refuses such a token.
        AuthUsed::UserToken { .. } if verify => Ok(()),
        AuthUsed::UserToken { id } if !tokens.usable(id, now) => Err(ApiError::unauthenticated()),
        AuthUsed::UserToken { id } => {
            let needs = op.token_groups();
            if needs.is_empty() || tokens.grants(id, needs) {
                Ok(())
            } else {
                Err(ApiError::forbidden())
            }
        }
    }
}
