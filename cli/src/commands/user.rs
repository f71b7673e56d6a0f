//! `user tokens …` and `user permission-groups`.

use cloudflare_tokens::types::{AiSearchInstance, AiSearchToken, PermissionGroup, UserToken};
use cloudflare_tokens::{
    AiSearchInstancesListQuery, Client, PermissionGroupsListQuery, UserTokensListQuery, flows,
};
use futures::TryStreamExt;

use crate::args::UserTokensCommand;
use crate::config::Context;
use crate::failure::{Doing, Failure};
use crate::output::{self, Table};

pub async fn tokens(context: &mut Context<'_>, command: UserTokensCommand) -> Result<(), Failure> {
    match command {
        UserTokensCommand::Verify => {
            let verified = context
                .client()?
                .user_tokens_verify()
                .await
                .doing("verify the API token")?
                .into_result();
            if context.json() {
                return Ok(output::json(context.out, &verified)?);
            }
            output::fields(
                context.out,
                &[
                    ("id", output::text(verified.id.as_deref())),
                    ("status", verified.status.to_string()),
                    ("not before", output::time(verified.not_before)),
                    ("expires", output::time(verified.expires_on)),
                ],
            )?;
            Ok(())
        }
        UserTokensCommand::List => {
            let tokens: Vec<UserToken> = context
                .client()?
                .user_tokens_list_all(UserTokensListQuery::default())
                .try_collect()
                .await
                .doing("list the API tokens")?;
            if context.json() {
                return Ok(output::json(context.out, &tokens)?);
            }
            let mut table = Table::new(&["id", "name", "status", "expires", "last used"]);
            for token in &tokens {
                table.row(vec![
                    output::text(token.id.as_deref()),
                    output::text(token.name.as_deref()),
                    output::shown(token.status.as_ref()),
                    output::time(token.expires_on),
                    output::time(token.last_used_on),
                ]);
            }
            Ok(table.print(context.out, "no API tokens")?)
        }
        UserTokensCommand::Delete { id, force } => {
            let client = context.client()?;
            if !force {
                let Some(account) = context.account_if_given() else {
                    return Err(Failure::usage(
                        "deleting an API token first checks that AI Search in the account does not use it: \
                         pass --account-id (or set CLOUDFLARE_ACCOUNT_ID), or --force to delete it unchecked",
                    ));
                };
                refuse_if_registered(&client, &account, &id).await?;
            }
            let deleted = client
                .user_tokens_delete(&id)
                .await
                .doing(format_args!("delete API token {id}"))?
                .into_result();
            if context.json() {
                return Ok(output::json(context.out, &deleted)?);
            }
            Ok(writeln!(
                context.out,
                "deleted API token {}",
                deleted.id.as_deref().unwrap_or(&id)
            )?)
        }
    }
}

/// Fails if AI Search in `account` has `token_id` registered: its instances would lose the
/// credentials they index and search with, and nothing would say so until they fail.
async fn refuse_if_registered(
    client: &Client,
    account: &str,
    token_id: &str,
) -> Result<(), Failure> {
    let registrations = flows::ai_search_registrations_of(client, account, token_id)
        .await
        .doing(format_args!(
            "check whether AI Search uses API token {token_id} (pass --force to delete it unchecked)"
        ))?;
    if registrations.is_empty() {
        return Ok(());
    }
    // Naming the instances makes the consequence concrete; without them the refusal stands.
    let instances: Vec<AiSearchInstance> = client
        .ai_search_instances_list_all(account, AiSearchInstancesListQuery::default())
        .try_collect()
        .await
        .unwrap_or_default();
    Err(Failure::Refused(refusal(
        token_id,
        account,
        &registrations,
        &instances,
    )))
}

fn refusal(
    token_id: &str,
    account: &str,
    registrations: &[AiSearchToken],
    instances: &[AiSearchInstance],
) -> String {
    let mut message = format!(
        "refusing to delete API token {token_id}: it is registered with AI Search in account {account}"
    );
    for registration in registrations {
        let users: Vec<&str> = instances
            .iter()
            .filter(|i| {
                let uses = i
                    .token_id
                    .as_deref()
                    .and_then(|t| t.parse::<uuid::Uuid>().ok());
                uses.is_some() && uses == registration.id
            })
            .map(|i| i.id.as_str())
            .collect();
        message.push_str(&format!(
            "\n  AI Search token {} (\"{}\")",
            output::shown(registration.id),
            output::text(registration.name.as_deref()),
        ));
        if !users.is_empty() {
            message.push_str(&format!(", used by instance(s) {}", users.join(", ")));
        }
    }
    message.push_str(
        "\nAI Search instances using it would stop working. Nothing was deleted; \
         pass --force to delete it anyway.",
    );
    message
}

pub async fn permission_groups(
    context: &mut Context<'_>,
    name: Option<String>,
) -> Result<(), Failure> {
    let query = PermissionGroupsListQuery {
        name,
        ..PermissionGroupsListQuery::default()
    };
    // This list is not paged: one answer holds every group.
    let groups: Vec<PermissionGroup> = context
        .client()?
        .permission_groups_list(&query)
        .await
        .doing("list the permission groups")?
        .into_items();
    if context.json() {
        return Ok(output::json(context.out, &groups)?);
    }
    let mut table = Table::new(&["id", "name", "scopes"]);
    for group in &groups {
        let scopes: Vec<&str> = group.scopes.iter().map(|s| s.as_str()).collect();
        table.row(vec![
            output::text(group.id.as_deref()),
            output::text(group.name.as_deref()),
            scopes.join(", "),
        ]);
    }
    Ok(table.print(context.out, "no permission groups")?)
}
