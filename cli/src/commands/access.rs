//! `access tokens …`: Access service tokens of an account, or of a zone where Cloudflare allows.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use cloudflare_tokens::types::{ServiceToken, ServiceTokenCreate, ServiceTokenUpdate};
use cloudflare_tokens::{AccessServiceTokensListQuery, Scope, flows};
use futures::TryStreamExt;
use serde::Serialize;

use crate::args::{AccessTokensCommand, AccountOnly};
use crate::config::Context;
use crate::failure::{Doing, Failure};
use crate::output::{self, Table};
use crate::secret_file::{SecretFile, SecretShown};
use cloudflare_tokens::flows::{AccessRotationError, ReadBack};

pub async fn tokens(
    context: &mut Context<'_>,
    command: AccessTokensCommand,
) -> Result<(), Failure> {
    match command {
        AccessTokensCommand::List { zone } => {
            let scope = context.scope(zone.zone_id)?;
            let client = context.client()?;
            let tokens: Vec<ServiceToken> = client
                .access_service_tokens_list_all(
                    scope.as_scope(),
                    AccessServiceTokensListQuery::default(),
                )
                .try_collect()
                .await
                .doing("list the Access service tokens")?;
            if context.json() {
                return Ok(output::json(context.out, &tokens)?);
            }
            let mut table = Table::new(&["id", "name", "client id", "enabled", "expires"]);
            for token in &tokens {
                table.row(vec![
                    output::text(token.id.as_deref()),
                    output::text(token.name.as_deref()),
                    output::text(token.client_id.as_deref()),
                    output::shown(token.enabled),
                    output::time(token.expires_at),
                ]);
            }
            Ok(table.print(context.out, "no Access service tokens")?)
        }
        AccessTokensCommand::Get { id, zone } => {
            let scope = context.scope(zone.zone_id)?;
            let token = context
                .client()?
                .access_service_tokens_get(scope.as_scope(), &id)
                .await
                .doing(format_args!("get Access service token {id}"))?
                .into_result();
            show(context, &token)
        }
        AccessTokensCommand::Create {
            name,
            duration,
            secret_file,
            zone,
        } => {
            let scope = context.scope(zone.zone_id)?;
            let client = context.client()?;
            // Before the request: a secret with nowhere to go would be lost.
            let file = secret_file
                .as_deref()
                .map(SecretFile::reserve)
                .transpose()?;
            let body = ServiceTokenCreate {
                duration,
                ..ServiceTokenCreate::new(name.clone())
            };
            let created = match client
                .access_service_tokens_create(scope.as_scope(), &body)
                .await
            {
                Ok(created) => created.into_result(),
                Err(error) if error.is_outcome_unknown() => {
                    return Err(Failure::SecretLost {
                        message: format!(
                            "the Access service token \"{name}\" may have been created although \
                             the answer was lost, and with it its client secret, which Cloudflare \
                             never shows again. Look for it with `cf-tokens access tokens list`; \
                             if it is there, {}",
                            recovery(scope.as_scope(), "<id>")
                        ),
                        error: Some(error),
                    });
                }
                Err(error) => {
                    return Err(Failure::Call {
                        doing: "create the Access service token".to_string(),
                        error,
                    });
                }
            };
            let id = output::text(created.id.as_deref());
            let Some(secret) = created.client_secret.as_ref().filter(|s| !s.is_empty()) else {
                return Err(Failure::SecretLost {
                    message: format!(
                        "Cloudflare created Access service token {id} (\"{name}\", client id {}) \
                         but its answer carried no client secret, which Cloudflare never shows \
                         again: the token exists, and nobody knows its secret. To recover, {}",
                        output::text(created.client_id.as_deref()),
                        recovery(scope.as_scope(), &id)
                    ),
                    error: None,
                });
            };
            let secret_shown = match file {
                Some(file) => {
                    let path = file.path().to_path_buf();
                    file.write(secret.expose_secret())
                        .map_err(|e| lost_to_file(&path, &id, scope.as_scope(), &e))?;
                    SecretShown::InFile(path)
                }
                None => SecretShown::Stdout,
            };
            if context.json() {
                let mut value = serde_json::to_value(&created).map_err(std::io::Error::other)?;
                if let (SecretShown::InFile(path), Some(fields)) =
                    (&secret_shown, value.as_object_mut())
                {
                    fields.remove("client_secret");
                    fields.insert(
                        "client_secret_file".to_string(),
                        path.display().to_string().into(),
                    );
                }
                return Ok(output::json(context.out, &value)?);
            }
            // The client secret is printed, JSON or not, unless it went to a file: Cloudflare
            // shows it only in this answer.
            writeln!(
                context.out,
                "created Access service token {}",
                output::clean(&id)
            )?;
            output::fields(
                context.out,
                &[
                    ("name", output::text(created.name.as_deref())),
                    ("duration", output::text(created.duration.as_deref())),
                    ("client id", output::text(created.client_id.as_deref())),
                    (
                        "client secret",
                        secret_shown.describe(secret.expose_secret()),
                    ),
                ],
            )?;
            if let SecretShown::Stdout = secret_shown {
                writeln!(
                    context.out,
                    "Store the client secret now: Cloudflare never shows it again."
                )?;
            }
            Ok(())
        }
        AccessTokensCommand::Update {
            id,
            name,
            duration,
            enabled,
            zone,
        } => {
            if name.is_none() && duration.is_none() && enabled.is_none() {
                return Err(Failure::usage(
                    "nothing to update: pass --name, --duration or --enabled",
                ));
            }
            let scope = context.scope(zone.zone_id)?;
            let body = ServiceTokenUpdate {
                name,
                duration,
                enabled,
                ..ServiceTokenUpdate::default()
            };
            let token = context
                .client()?
                .access_service_tokens_update(scope.as_scope(), &id, &body)
                .await
                .doing(format_args!("update Access service token {id}"))?
                .into_result();
            show(context, &token)
        }
        AccessTokensCommand::Delete { id, zone } => {
            let scope = context.scope(zone.zone_id)?;
            let token = context
                .client()?
                .access_service_tokens_delete(scope.as_scope(), &id)
                .await
                .doing(format_args!("delete Access service token {id}"))?
                .into_result();
            if context.json() {
                return Ok(output::json(context.out, &token)?);
            }
            Ok(writeln!(context.out, "deleted Access service token {id}")?)
        }
        AccessTokensCommand::Refresh { id, zone } => {
            let account = account_only(context, zone, "refresh")?;
            let token = context
                .client()?
                .access_service_tokens_refresh(&account, &id)
                .await
                .doing(format_args!("refresh Access service token {id}"))?
                .into_result();
            // A refresh keeps the credentials, so there is no secret to show: only the new expiry.
            if context.json() {
                return Ok(output::json(context.out, &token)?);
            }
            writeln!(
                context.out,
                "refreshed Access service token {id}: it now expires {}",
                output::time(token.expires_at)
            )?;
            show(context, &token)
        }
        AccessTokensCommand::Rotate {
            id,
            grace,
            secret_file,
            if_unchanged_since,
            zone,
        } => {
            let account = account_only(context, zone, "rotate")?;
            let client = context.client()?;
            let file = secret_file
                .as_deref()
                .map(SecretFile::reserve)
                .transpose()?;
            let grace = grace.unwrap_or_default();
            let rotated = flows::rotate_access_token_guarded(
                &client,
                &account,
                &id,
                grace,
                if_unchanged_since,
            )
            .await
            .map_err(|error| rotation_failure(&id, grace, error))?;
            let secret_shown = match file {
                Some(file) => {
                    let path = file.path().to_path_buf();
                    file.write(rotated.client_secret.expose_secret())
                        .map_err(|e| {
                            let grace = if grace.is_zero() {
                                "the previous secret stopped working at once".to_string()
                            } else {
                                format!(
                                    "the previous secret keeps working until {}, and rotating \
                                     again would end that at once (Cloudflare keeps one previous \
                                     secret)",
                                    stamp(rotated.previous_secret_expires_at)
                                )
                            };
                            Failure::SecretLost {
                                message: format!(
                                    "rotated Access service token {}, but could not write its \
                                     new client secret to --secret-file {}: {e}; the secret \
                                     cannot be read again, and {grace}",
                                    rotated.id,
                                    path.display()
                                ),
                                error: None,
                            }
                        })?;
                    SecretShown::InFile(path)
                }
                None => SecretShown::Stdout,
            };
            let report = Rotated {
                id: &rotated.id,
                client_id: &rotated.client_id,
                client_secret: secret_shown
                    .file()
                    .is_none()
                    .then(|| rotated.client_secret.expose_secret()),
                client_secret_file: secret_shown.file(),
                previous_client_secret_expires_at: rotated.previous_secret_expires_at,
            };
            if context.json() {
                return Ok(output::json(context.out, &report)?);
            }
            writeln!(
                context.out,
                "rotated the client secret of Access service token {}",
                output::clean(report.id)
            )?;
            let previous = if grace.is_zero() {
                "stopped working now".to_string()
            } else {
                format!(
                    "keeps working until {}",
                    output::time(Some(report.previous_client_secret_expires_at))
                )
            };
            output::fields(
                context.out,
                &[
                    ("client id", report.client_id.to_string()),
                    (
                        "client secret",
                        secret_shown.describe(rotated.client_secret.expose_secret()),
                    ),
                    ("previous secret", previous),
                ],
            )?;
            if let SecretShown::Stdout = secret_shown {
                writeln!(
                    context.out,
                    "Store the client secret now: Cloudflare never shows it again."
                )?;
            }
            Ok(())
        }
    }
}

/// The failure of `access tokens rotate ID`: what happened, and the next step that is safe for
/// clients still holding the secret from before.
fn rotation_failure(id: &str, grace: Duration, error: AccessRotationError) -> Failure {
    let again = |since: DateTime<Utc>| {
        format!(
            "`cf-tokens access tokens rotate {id}{} --if-unchanged-since {}`",
            if grace.is_zero() {
                String::new()
            } else {
                format!(" --grace {}", humantime::format_duration(grace))
            },
            stamp(since)
        )
    };
    // Cloudflare keeps one previous secret: what rotating again costs clients of the old one.
    let cost = "rotating again replaces the secret Cloudflare keeps for the grace period with \
                one nobody holds, so the original secret stops working at once";
    match error {
        AccessRotationError::NotRotated(error) => Failure::Call {
            doing: format!("rotate Access service token {id}"),
            error,
        },
        AccessRotationError::ChangedRecently { updated_at } => Failure::Refused(format!(
            "did not rotate Access service token {id}: it changed at {} (a rotation, refresh or \
             update; Cloudflare does not say which), less than a day ago. If that was a rotation \
             whose answer was lost or whose run was interrupted, the secret from before it still \
             works until the grace period it asked for ends, and {cost}. To keep clients \
             working, create another service token (`cf-tokens access tokens create --name \
             <name>`), allow it in the application's Access policy and move clients to it \
             first. To rotate anyway, accepting that, run {}",
            stamp(updated_at),
            again(updated_at)
        )),
        AccessRotationError::AnswerLost {
            error,
            found,
            previous_secret_expires_at,
        } => {
            let until = if grace.is_zero() {
                "the previous secret stopped working at once (no --grace)".to_string()
            } else {
                format!(
                    "the original secret keeps working until {} (the grace period asked for), \
                     and not after",
                    stamp(previous_secret_expires_at)
                )
            };
            let message = match found {
                ReadBack::Rotated { now, .. } => format!(
                    "Access service token {id} was rotated, but the answer with its new client \
                     secret was lost: nobody holds the new secret, and Cloudflare never shows it \
                     again. Reading the token back shows the rotation (updated {}); {until}. Do \
                     not rotate again before moving clients: {cost}. To keep clients working, \
                     create another service token (`cf-tokens access tokens create --name \
                     <name>`), allow it in the application's Access policy and move clients to it \
                     before then. Once clients can take a new secret at once, rotate with {}",
                    now.map_or_else(|| "at an unknown time".to_string(), stamp),
                    now.map_or_else(|| format!("`cf-tokens access tokens rotate {id}`"), again)
                ),
                ReadBack::Unchanged { updated_at } => format!(
                    "the answer to rotating Access service token {id} was lost. Reading the token \
                     back shows no change since before the rotation (updated {}), so it was most \
                     likely not rotated and the original secret is still its current one. A lost \
                     request may still be carried out later: check in a minute with `cf-tokens \
                     access tokens get {id}`; if its updated time is still the same, rotate with \
                     {} (it does nothing if the token changed meanwhile). If it changed, the \
                     rotation happened and its new secret is lost: {until}; {cost}",
                    updated_at.map_or_else(|| "at an unknown time".to_string(), stamp),
                    updated_at
                        .map_or_else(|| format!("`cf-tokens access tokens rotate {id}`"), again)
                ),
                ReadBack::Unknown(read) => format!(
                    "the answer to rotating Access service token {id} was lost, and reading the \
                     token back failed too ({read}): it may have been rotated, with its new \
                     secret lost. If it was, {until}; {cost}. Look with `cf-tokens access tokens \
                     get {id}` before doing anything: do not rotate again blindly"
                ),
            };
            Failure::SecretLost {
                message,
                error: Some(error),
            }
        }
    }
}

/// A time as `--if-unchanged-since` takes it.
fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// How to get a usable secret for a service token whose secret was lost.
fn recovery(scope: Scope<'_>, id: &str) -> String {
    match scope {
        Scope::Account(_) => format!(
            "rotate it to issue a new secret (`cf-tokens access tokens rotate {id}`), or delete \
             it (`cf-tokens access tokens delete {id}`)"
        ),
        // Rotation exists only for the service tokens of an account.
        Scope::Zone(zone) => format!(
            "delete it (`cf-tokens access tokens delete {id} --zone-id {zone}`) and create it again"
        ),
    }
}

fn lost_to_file(path: &Path, id: &str, scope: Scope<'_>, error: &std::io::Error) -> Failure {
    Failure::SecretLost {
        message: format!(
            "could not write the client secret of Access service token {id} to --secret-file {}: \
             {error}; the secret cannot be read again. To recover, {}",
            path.display(),
            recovery(scope, id)
        ),
        error: None,
    }
}

/// What `rotate --json` prints: the new credentials, which are the point of rotating.
#[derive(Serialize)]
struct Rotated<'a> {
    id: &'a str,
    client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret_file: Option<&'a Path>,
    previous_client_secret_expires_at: DateTime<Utc>,
}

/// Refresh and rotate exist only under `/accounts/…` in Cloudflare's API.
fn account_only(context: &Context<'_>, zone: AccountOnly, what: &str) -> Result<String, Failure> {
    if zone.zone_id.is_some() {
        return Err(Failure::usage(format_args!(
            "--zone-id cannot be used with `access tokens {what}`: Cloudflare can {what} only \
             the service tokens of an account (pass --account-id)"
        )));
    }
    context.account()
}

fn show(context: &mut Context<'_>, token: &ServiceToken) -> Result<(), Failure> {
    if context.json() {
        return Ok(output::json(context.out, token)?);
    }
    output::fields(
        context.out,
        &[
            ("id", output::text(token.id.as_deref())),
            ("name", output::text(token.name.as_deref())),
            ("client id", output::text(token.client_id.as_deref())),
            ("duration", output::text(token.duration.as_deref())),
            ("enabled", output::shown(token.enabled)),
            ("created", output::time(token.created_at)),
            ("updated", output::time(token.updated_at)),
            ("expires", output::time(token.expires_at)),
            ("last seen", output::time(token.last_seen_at)),
        ],
    )?;
    Ok(())
}
