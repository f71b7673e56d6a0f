//! Rotating an Access service token's client secret with a grace period.

use std::time::Duration;

use chrono::{DateTime, Utc};

use cloudflare_tokens_generated::operations::ACCESS_SERVICE_TOKENS_ROTATE;
use cloudflare_tokens_generated::{Client, Error, ErrorKind, Result, Secret, types};

/// The service token's new credentials after [`rotate_access_token`].
#[derive(Clone, Debug)]
pub struct RotatedServiceToken {
    /// The service token's id.
    pub id: String,
    /// Its client id (`CF-Access-Client-Id`).
    pub client_id: String,
    /// Its new client secret (`CF-Access-Client-Secret`), shown by Cloudflare only once.
    pub client_secret: Secret,
    /// Until when the previous secret keeps working.
    pub previous_secret_expires_at: DateTime<Utc>,
}

/// Rotates an Access service token's client secret, keeping the previous secret valid for
/// `grace` so that clients can switch over.
///
/// A `grace` too long to end on a date is an [`ErrorKind::InvalidRequest`], before any request.
/// An answer without the new secret is an [`ErrorKind::Decode`] error with the answer's status:
/// the secret was rotated, and the new one is lost (rotate again, or delete the token).
pub async fn rotate_access_token(
    client: &Client,
    account_id: &str,
    token_id: &str,
    grace: Duration,
) -> Result<RotatedServiceToken> {
    let expires = chrono::Duration::from_std(grace)
        .ok()
        .and_then(|grace| Utc::now().checked_add_signed(grace))
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidRequest,
                Some(ACCESS_SERVICE_TOKENS_ROTATE),
            )
            .with_detail("the grace period is too long: it would end after the last date there is")
        })?;
    let body = types::ServiceTokenRotate {
        previous_client_secret_expires_at: Some(expires),
    };
    let rotated = client
        .access_service_tokens_rotate(account_id, token_id, &body)
        .await?;
    let status = rotated.http_status();
    let rotated = rotated.into_result();
    let missing = |what: &str| {
        Error::new(ErrorKind::Decode, Some(ACCESS_SERVICE_TOKENS_ROTATE))
            .with_detail(format!(
                "the secret was rotated, but the answer carries no {what}: the new secret is lost"
            ))
            .with_status(status)
    };
    let client_secret = rotated
        .client_secret
        .filter(|secret| !secret.is_empty())
        .ok_or_else(|| missing("client secret"))?;
    Ok(RotatedServiceToken {
        id: rotated.id.unwrap_or_else(|| token_id.to_string()),
        client_id: rotated.client_id.ok_or_else(|| missing("client id"))?,
        client_secret,
        previous_secret_expires_at: expires,
    })
}
