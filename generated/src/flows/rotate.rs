//! Rotating an Access service token's client secret with a grace period.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::{Client, Error, ErrorKind, Result, Secret, types};

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
pub async fn rotate_access_token(
    client: &Client,
    account_id: &str,
    token_id: &str,
    grace: Duration,
) -> Result<RotatedServiceToken> {
    let grace = chrono::Duration::from_std(grace).map_err(|_| {
        Error::new(ErrorKind::InvalidRequest, None).with_detail("the grace period is too long")
    })?;
    let expires = Utc::now() + grace;
    let body = types::ServiceTokenRotate {
        previous_client_secret_expires_at: Some(expires),
    };
    let rotated = client
        .access_service_tokens_rotate(account_id, token_id, &body)
        .await?
        .into_result();
    let missing = |what: &str| {
        Error::new(ErrorKind::Decode, None).with_detail(format!("the rotated token has no {what}"))
    };
    Ok(RotatedServiceToken {
        id: rotated.id.unwrap_or_else(|| token_id.to_string()),
        client_id: rotated.client_id.ok_or_else(|| missing("client id"))?,
        client_secret: rotated
            .client_secret
            .ok_or_else(|| missing("client secret"))?,
        previous_secret_expires_at: expires,
    })
}
