//! `account tokens …` and `account permission-groups`: the API tokens an account owns, which
//! behave like a user's (`user.rs`) but live under `/accounts/{account_id}/tokens`.

use std::path::Path;

use cloudflare_tokens::types::{AccountPermissionGroup, AccountToken};
use cloudflare_tokens::{AccountPermissionGroupsListQuery, AccountTokensListQuery, ErrorKind};
use futures::TryStreamExt;
use serde::Serialize;

use super::api_tokens::{self, Change};
use crate::args::AccountTokensCommand;
use crate::config::Context;
use crate::failure::{Doing, Failure};
use crate::output;
use crate::secret_file::{SecretFile, SecretShown};

pub async fn tokens(
    context: &mut Context<'_>,
    command: AccountTokensCommand,
) -> Result<(), Failure> {
    let account = context.account()?;
    match command {
        AccountTokensCommand::Verify => {
            let verified = context
                .client()?
                .account_tokens_verify(&account)
                .await
                .doing(format_args!(
                    "verify the API token as a token of account {account}"
                ))?
                .into_result();
            if context.json() {
                return Ok(output::json(context.out, &verified)?);
            }
            Ok(api_tokens::print_verification(
                context.out,
                verified.id.as_deref(),
                &verified.status,
                verified.not_before,
                verified.expires_on,
            )?)
        }
        AccountTokensCommand::List => {
            let tokens: Vec<AccountToken> = context
                .client()?
                .account_tokens_list_all(&account, AccountTokensListQuery::default())
                .try_collect()
                .await
                .doing(format_args!("list the API tokens of account {account}"))?;
            if context.json() {
                return Ok(output::json(context.out, &tokens)?);
            }
            Ok(api_tokens::print_tokens(
                context.out,
                tokens.iter().map(Into::into),
                "no API tokens in the account",
            )?)
        }
        AccountTokensCommand::Get { id } => {
            let token = context
                .client()?
                .account_tokens_get(&account, &id)
                .await
                .doing(format_args!("get API token {id} of account {account}"))?
                .into_result();
            if context.json() {
                return Ok(output::json(context.out, &token)?);
            }
            show(context, &token)
        }
        AccountTokensCommand::Delete { id, force } => {
            let client = context.client()?;
            if !force {
                api_tokens::refuse_if_registered(&client, &account, &id, Change::Delete).await?;
            }
            let deleted = client
                .account_tokens_delete(&account, &id)
                .await
                .doing(format_args!("delete API token {id} of account {account}"))?
                .into_result();
            if context.json() {
                return Ok(output::json(context.out, &deleted)?);
            }
            Ok(writeln!(
                context.out,
                "deleted API token {}",
                output::clean(deleted.id.as_deref().unwrap_or(&id))
            )?)
        }
        AccountTokensCommand::Roll {
            id,
            force,
            secret_file,
        } => roll(context, &account, &id, force, secret_file.as_deref()).await,
    }
}

async fn roll(
    context: &mut Context<'_>,
    account: &str,
    id: &str,
    force: bool,
    secret_file: Option<&Path>,
) -> Result<(), Failure> {
    let client = context.client()?;
    // Before any request: a new value with nowhere to go would be lost.
    let file = secret_file.map(SecretFile::reserve).transpose()?;
    if !force {
        api_tokens::refuse_if_registered(&client, account, id, Change::Roll).await?;
    }
    let rolled = match client.account_tokens_roll(account, id).await {
        Ok(rolled) => Some(rolled.into_result()),
        // Cloudflare answered 2xx without a value it could give (or may have rolled the token
        // before the answer was lost): either way the old value may be gone, the new one is.
        Err(error) if error.is_outcome_unknown() || error.kind() == ErrorKind::Decode => {
            let happened = if error.is_outcome_unknown() {
                "may have been rolled although the answer was lost: the previous value may no longer work"
            } else {
                "was rolled, but Cloudflare's answer carried no new value: the previous value no \
                 longer works"
            };
            return Err(value_lost(id, happened, Some(error)));
        }
        Err(error) => {
            return Err(Failure::Call {
                doing: format!("roll API token {id} of account {account}"),
                error,
            });
        }
    };
    let Some(value) = rolled.filter(|v| !v.is_empty()) else {
        return Err(value_lost(
            id,
            "was rolled, but Cloudflare's answer carried no new value: the previous value no longer \
             works",
            None,
        ));
    };
    let shown = match file {
        Some(file) => {
            let path = file.path().to_path_buf();
            file.write(value.expose_secret()).map_err(|e| {
                value_lost(
                    id,
                    &format!(
                        "was rolled, but its new value could not be written to --secret-file {}: \
                         {e}; the previous value no longer works",
                        path.display()
                    ),
                    None,
                )
            })?;
            SecretShown::InFile(path)
        }
        None => SecretShown::Stdout,
    };
    if context.json() {
        let report = Rolled {
            id,
            value: shown.file().is_none().then(|| value.expose_secret()),
            value_file: shown.file(),
        };
        return Ok(output::json(context.out, &report)?);
    }
    writeln!(context.out, "rolled API token {}", output::clean(id))?;
    output::fields(
        context.out,
        &[("value", shown.describe(value.expose_secret()))],
    )?;
    let store = if shown.file().is_none() {
        "Store the value now: Cloudflare never shows it again. "
    } else {
        ""
    };
    Ok(writeln!(
        context.out,
        "{store}The previous value no longer works."
    )?)
}

/// The token was (or may have been) rolled and its new value did not reach anyone.
fn value_lost(id: &str, happened: &str, error: Option<cloudflare_tokens::Error>) -> Failure {
    Failure::SecretLost {
        message: format!(
            "API token {id} {happened}, and the new one is lost: Cloudflare never shows it again. \
             To get a value that works, roll it again \
             (`cf-tokens account tokens roll {id}`), or delete it (`cf-tokens account tokens \
             delete {id}`)"
        ),
        error,
    }
}

/// What `roll --json` prints: the new value, which is the point of rolling, or where it went.
#[derive(Serialize)]
struct Rolled<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_file: Option<&'a Path>,
}

fn show(context: &mut Context<'_>, token: &AccountToken) -> Result<(), Failure> {
    let mut fields = vec![
        ("id", output::text(token.id.as_deref())),
        ("name", output::text(token.name.as_deref())),
        ("status", output::shown(token.status.as_ref())),
        ("issued", output::time(token.issued_on)),
        ("modified", output::time(token.modified_on)),
        ("not before", output::time(token.not_before)),
        ("expires", output::time(token.expires_on)),
        ("last used", output::time(token.last_used_on)),
    ];
    if token.policies.is_empty() {
        fields.push(("policy", "-".to_string()));
    }
    for policy in &token.policies {
        fields.push(("policy", api_tokens::policy_line(policy)));
    }
    output::fields(context.out, &fields)?;
    Ok(())
}

pub async fn permission_groups(
    context: &mut Context<'_>,
    name: Option<String>,
) -> Result<(), Failure> {
    let account = context.account()?;
    let query = AccountPermissionGroupsListQuery {
        name,
        ..AccountPermissionGroupsListQuery::default()
    };
    // This list is not paged: one answer holds every group.
    let groups: Vec<AccountPermissionGroup> = context
        .client()?
        .account_permission_groups_list(&account, &query)
        .await
        .doing(format_args!(
            "list the permission groups of account {account}"
        ))?
        .into_items();
    if context.json() {
        return Ok(output::json(context.out, &groups)?);
    }
    Ok(api_tokens::print_groups(
        context.out,
        groups.iter().map(Into::into),
    )?)
}
