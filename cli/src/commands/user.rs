//! `user tokens …` and `user permission-groups`.

use cloudflare_tokens::types::{PermissionGroup, UserToken};
use cloudflare_tokens::{PermissionGroupsListQuery, UserTokensListQuery};
use futures::TryStreamExt;

use super::api_tokens::{self, Change};
use crate::args::UserTokensCommand;
use crate::config::Context;
use crate::failure::{Doing, Failure};
use crate::output;

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
            Ok(api_tokens::print_verification(
                context.out,
                verified.id.as_deref(),
                &verified.status,
                verified.not_before,
                verified.expires_on,
            )?)
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
            Ok(api_tokens::print_tokens(
                context.out,
                tokens.iter().map(Into::into),
                "no API tokens",
            )?)
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
                api_tokens::refuse_if_registered(&client, &account, &id, Change::Delete).await?;
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
    Ok(api_tokens::print_groups(
        context.out,
        groups.iter().map(Into::into),
    )?)
}
