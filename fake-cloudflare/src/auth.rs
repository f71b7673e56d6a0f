//! Who a request is from, and whether that may call the operation.
//!
//! The fake knows three kinds of credentials: its bootstrap token, the current secret values of
//! the user tokens created in it, and one email with its (global API) key. It checks identity
//! only: any known credential may call any operation its security scheme allows, whatever a user
//! token's policies say.

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
        AuthUsed::EmailKey { .. } if op.takes_only_api_tokens() => Err(ApiError::token_only()),
        AuthUsed::EmailKey { .. } | AuthUsed::Bootstrap => Ok(()),
        // Verify reports a disabled, expired or not yet valid token's status; everything else
        // refuses such a token.
        AuthUsed::UserToken { .. } if verify => Ok(()),
        AuthUsed::UserToken { id } if tokens.usable(id, now) => Ok(()),
        AuthUsed::UserToken { .. } => Err(ApiError::unauthenticated()),
    }
}
