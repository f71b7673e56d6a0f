//! Rotating an Access service token's client secret with a grace period.

use std::time::Duration;

use chrono::{DateTime, Utc};

use cloudflare_tokens_generated::operations::ACCESS_SERVICE_TOKENS_ROTATE;
use cloudflare_tokens_generated::{Client, Error, ErrorKind, Result, Scope, Secret, types};

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
/// the secret was rotated, and the new one is lost. Rotating again would end the grace period of
/// the original secret at once (Cloudflare keeps one previous secret):
/// [`rotate_access_token_guarded`] reads the token back and says what is safe.
pub async fn rotate_access_token(
    client: &Client,
    account_id: &str,
    token_id: &str,
    grace: Duration,
) -> Result<RotatedServiceToken> {
    let expires = grace_end(grace)?;
    rotate_until(client, account_id, token_id, expires).await
}

/// When a grace period of `grace` from now ends; an error when that is no date.
fn grace_end(grace: Duration) -> Result<DateTime<Utc>> {
    chrono::Duration::from_std(grace)
        .ok()
        .and_then(|grace| Utc::now().checked_add_signed(grace))
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidRequest,
                Some(ACCESS_SERVICE_TOKENS_ROTATE),
            )
            .with_detail("the grace period is too long: it would end after the last date there is")
        })
}

/// Rotates, the previous secret kept until `expires`.
async fn rotate_until(
    client: &Client,
    account_id: &str,
    token_id: &str,
    expires: DateTime<Utc>,
) -> Result<RotatedServiceToken> {
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

/// How recent a change to a service token must be for [`rotate_access_token_guarded`] to stop:
/// a rotation's grace period is not readable back, so a change this recent may be a rotation
/// whose grace is still running.
pub const RECENT_CHANGE: Duration = Duration::from_secs(24 * 3600);

/// Why [`rotate_access_token_guarded`] returned no new secret.
#[derive(Debug)]
pub enum AccessRotationError {
    /// Nothing was rotated: the grace period was invalid, the token could not be read, or
    /// Cloudflare refused the rotation.
    NotRotated(Error),
    /// Not rotated: the token changed at `updated_at`, within [`RECENT_CHANGE`] and after its
    /// creation (or not at the time the caller expected). It may have been a rotation whose
    /// answer was lost; rotating again now would replace the secret that rotation kept, ending
    /// its grace period at once.
    ChangedRecently { updated_at: DateTime<Utc> },
    /// The rotation's answer was lost (or carried no secret); what reading the token back found.
    AnswerLost {
        error: Error,
        found: ReadBack,
        /// The end of the grace period the lost rotation asked for.
        previous_secret_expires_at: DateTime<Utc>,
    },
}

/// What reading a service token back after a lost rotation answer found.
#[derive(Debug)]
pub enum ReadBack {
    /// The rotation was carried out: Cloudflare said so without the secret, or the token's
    /// `updated_at` moved from `before` to `now`. The new secret is lost; the one before it
    /// keeps working until the grace period the rotation asked for ends.
    Rotated {
        before: Option<DateTime<Utc>>,
        now: Option<DateTime<Utc>>,
    },
    /// The token reads back as before the rotation (`updated_at`): most likely not rotated.
    /// Not certain: Cloudflare's times are to the second, and a request whose answer was lost
    /// may still be carried out later.
    Unchanged { updated_at: Option<DateTime<Utc>> },
    /// The read-back failed too: nothing is known.
    Unknown(Error),
}

impl std::fmt::Display for AccessRotationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotRotated(error) => write!(f, "not rotated: {error}"),
            Self::ChangedRecently { updated_at } => write!(
                f,
                "not rotated: the service token changed at {updated_at}, maybe a rotation whose \
                 grace period is still running"
            ),
            Self::AnswerLost { error, found, .. } => {
                let found = match found {
                    ReadBack::Rotated { .. } => "it was rotated",
                    ReadBack::Unchanged { .. } => "it reads back unchanged",
                    ReadBack::Unknown(_) => "it could not be read back",
                };
                write!(f, "the rotation's answer was lost ({error}); {found}")
            }
        }
    }
}

impl std::error::Error for AccessRotationError {}

/// [`rotate_access_token`], made safe to re-run after a lost answer or an interrupted run: reads
/// the token first and does not rotate when it changed recently ([`RECENT_CHANGE`], since its
/// creation) unless `unchanged_since` names that change (its `updated_at`); when the rotation's
/// answer is lost, reads the token back to tell whether it was carried out, and never rotates
/// again by itself. Cloudflare keeps one previous secret, so a second rotation would end the
/// grace period the first one promised the original secret.
///
/// With `unchanged_since`, it rotates only if the token's `updated_at` is still that time.
pub async fn rotate_access_token_guarded(
    client: &Client,
    account_id: &str,
    token_id: &str,
    grace: Duration,
    unchanged_since: Option<DateTime<Utc>>,
) -> std::result::Result<RotatedServiceToken, AccessRotationError> {
    use AccessRotationError::*;
    let expires = grace_end(grace).map_err(NotRotated)?;
    let before = client
        .access_service_tokens_get(Scope::Account(account_id), token_id)
        .await
        .map_err(NotRotated)?
        .into_result();
    if let Some(updated_at) = before.updated_at {
        let changed = before.created_at.is_none_or(|created| updated_at > created);
        let recent = chrono::Duration::from_std(RECENT_CHANGE)
            .ok()
            .and_then(|window| Utc::now().checked_sub_signed(window))
            .is_none_or(|since| updated_at > since);
        let blocked = match unchanged_since {
            Some(expected) => expected != updated_at,
            None => changed && recent,
        };
        if blocked {
            return Err(ChangedRecently { updated_at });
        }
    } else if unchanged_since.is_some() {
        // Nothing to compare with: the condition cannot be checked, so it does not hold.
        return Err(NotRotated(
            Error::new(ErrorKind::Decode, Some(ACCESS_SERVICE_TOKENS_ROTATE))
                .with_detail("the service token reads back without `updated_at`"),
        ));
    }
    let error = match rotate_until(client, account_id, token_id, expires).await {
        Ok(rotated) => return Ok(rotated),
        Err(error) if error.is_outcome_unknown() || error.kind() == ErrorKind::Decode => error,
        Err(error) => return Err(NotRotated(error)),
    };
    let found = match client
        .access_service_tokens_get(Scope::Account(account_id), token_id)
        .await
    {
        Err(read) => ReadBack::Unknown(read),
        Ok(after) => {
            let now = after.into_result().updated_at;
            // A 2xx answer without the secret is a rotation carried out, whatever the times say.
            if error.kind() == ErrorKind::Decode && !error.is_outcome_unknown()
                || now != before.updated_at
            {
                ReadBack::Rotated {
                    before: before.updated_at,
                    now,
                }
            } else {
                ReadBack::Unchanged { updated_at: now }
            }
        }
    };
    Err(AnswerLost {
        error,
        found,
        previous_secret_expires_at: expires,
    })
}
