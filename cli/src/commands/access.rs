//! `access tokens …`: Access service tokens of an account, or of a zone where Cloudflare allows.

use chrono::{DateTime, Utc};
use cloudflare_tokens::types::{ServiceToken, ServiceTokenCreate, ServiceTokenUpdate};
use cloudflare_tokens::{AccessServiceTokensListQuery, flows};
use futures::TryStreamExt;
use serde::Serialize;

use crate::args::{AccessTokensCommand, AccountOnly};
use crate::config::Context;
use crate::failure::{Doing, Failure};
use crate::output::{self, Table};

pub async fn tokens(
    context: &mut Context<'_>,
    command: AccessTokensCommand,
) -> Result<(), Failure> {
    match command {
        AccessTokensCommand::List { zone } => {
            let scope = context.scope(zone.zone_id)?;
            let client = context.client()?;
            let tokens: Vec<ServiceToken> = client
                .access_service_tokens_list_all(&scope, AccessServiceTokensListQuery::default())
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
                .access_service_tokens_get(&scope, &id)
                .await
                .doing(format_args!("get Access service token {id}"))?
                .into_result();
            show(context, &token)
        }
        AccessTokensCommand::Create {
            name,
            duration,
            zone,
        } => {
            let scope = context.scope(zone.zone_id)?;
            let body = ServiceTokenCreate {
                duration,
                ..ServiceTokenCreate::new(name)
            };
            let created = context
                .client()?
                .access_service_tokens_create(&scope, &body)
                .await
                .doing("create the Access service token")?
                .into_result();
            // The client secret is printed, JSON or not: Cloudflare shows it only in this answer.
            if context.json() {
                return Ok(output::json(context.out, &created)?);
            }
            writeln!(
                context.out,
                "created Access service token {}",
                output::text(created.id.as_deref())
            )?;
            output::fields(
                context.out,
                &[
                    ("name", output::text(created.name.as_deref())),
                    ("duration", output::text(created.duration.as_deref())),
                    ("client id", output::text(created.client_id.as_deref())),
                    (
                        "client secret",
                        output::text(created.client_secret.as_ref().map(|s| s.expose_secret())),
                    ),
                ],
            )?;
            Ok(writeln!(
                context.out,
                "Store the client secret now: Cloudflare never shows it again."
            )?)
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
                .access_service_tokens_update(&scope, &id, &body)
                .await
                .doing(format_args!("update Access service token {id}"))?
                .into_result();
            show(context, &token)
        }
        AccessTokensCommand::Delete { id, zone } => {
            let scope = context.scope(zone.zone_id)?;
            let token = context
                .client()?
                .access_service_tokens_delete(&scope, &id)
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
        AccessTokensCommand::Rotate { id, grace, zone } => {
            let account = account_only(context, zone, "rotate")?;
            let grace = grace.unwrap_or_default();
            let rotated = flows::rotate_access_token(&context.client()?, &account, &id, grace)
                .await
                .doing(format_args!("rotate Access service token {id}"))?;
            let report = Rotated {
                id: &rotated.id,
                client_id: &rotated.client_id,
                client_secret: rotated.client_secret.expose_secret(),
                previous_client_secret_expires_at: rotated.previous_secret_expires_at,
            };
            if context.json() {
                return Ok(output::json(context.out, &report)?);
            }
            writeln!(
                context.out,
                "rotated the client secret of Access service token {}",
                report.id
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
                    ("client secret", report.client_secret.to_string()),
                    ("previous secret", previous),
                ],
            )?;
            Ok(writeln!(
                context.out,
                "Store the client secret now: Cloudflare never shows it again."
            )?)
        }
    }
}

/// What `rotate --json` prints: the new credentials, which are the point of rotating.
#[derive(Serialize)]
struct Rotated<'a> {
    id: &'a str,
    client_id: &'a str,
    client_secret: &'a str,
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
