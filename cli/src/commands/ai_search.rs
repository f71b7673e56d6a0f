//! `ai-search tokens …` and `ai-search instances …`.

use std::io::Write;

use cloudflare_tokens::types::{AiSearchInstance, AiSearchToken};
use cloudflare_tokens::{AiSearchInstancesListQuery, AiSearchTokensListQuery};
use futures::TryStreamExt;

use crate::args::{AiSearchTokensCommand, InstancesCommand};
use crate::config::Context;
use crate::failure::{Doing, Failure};
use crate::output::{self, Table};

pub async fn tokens(
    context: &mut Context<'_>,
    command: AiSearchTokensCommand,
) -> Result<(), Failure> {
    let account = context.account()?;
    let client = context.client()?;
    match command {
        AiSearchTokensCommand::List => {
            // The stream asks for the largest pages the API allows.
            let tokens: Vec<AiSearchToken> = client
                .ai_search_tokens_list_all(&account, AiSearchTokensListQuery::default())
                .try_collect()
                .await
                .doing("list the AI Search tokens")?;
            if context.json() {
                return Ok(output::json(context.out, &tokens)?);
            }
            let mut table = Table::new(&["id", "name", "api token", "enabled"]);
            for token in &tokens {
                table.row(vec![
                    output::shown(token.id),
                    output::text(token.name.as_deref()),
                    output::text(token.cf_api_id.as_deref()),
                    output::shown(token.enabled),
                ]);
            }
            Ok(table.print(context.out, "no AI Search tokens")?)
        }
        AiSearchTokensCommand::Get { id } => {
            let token = client
                .ai_search_tokens_get(&account, &id)
                .await
                .doing(format_args!("get AI Search token {id}"))?
                .into_result();
            show_token(context, &token)
        }
        AiSearchTokensCommand::Delete { id } => {
            let token = client
                .ai_search_tokens_delete(&account, &id)
                .await
                .doing(format_args!("delete AI Search token {id}"))?
                .into_result();
            if context.json() {
                return Ok(output::json(context.out, &token)?);
            }
            Ok(writeln!(context.out, "deleted AI Search token {id}")?)
        }
    }
}

fn show_token(context: &mut Context<'_>, token: &AiSearchToken) -> Result<(), Failure> {
    if context.json() {
        return Ok(output::json(context.out, token)?);
    }
    output::fields(
        context.out,
        &[
            ("id", output::shown(token.id)),
            ("name", output::text(token.name.as_deref())),
            ("api token", output::text(token.cf_api_id.as_deref())),
            ("enabled", output::shown(token.enabled)),
            ("legacy", output::shown(token.legacy)),
            ("created", output::time(token.created_at)),
            ("modified", output::time(token.modified_at)),
        ],
    )?;
    Ok(())
}

pub async fn instances(
    context: &mut Context<'_>,
    command: InstancesCommand,
) -> Result<(), Failure> {
    let account = context.account()?;
    let client = context.client()?;
    match command {
        InstancesCommand::List => {
            let instances: Vec<AiSearchInstance> = client
                .ai_search_instances_list_all(&account, AiSearchInstancesListQuery::default())
                .try_collect()
                .await
                .doing("list the AI Search instances")?;
            if context.json() {
                return Ok(output::json(context.out, &instances)?);
            }
            let mut table = Table::new(&["id", "type", "source", "status", "token"]);
            for instance in &instances {
                table.row(vec![
                    instance.id.clone(),
                    output::shown(instance.type_.as_ref()),
                    output::text(instance.source.as_deref()),
                    output::text(instance.status.as_deref()),
                    output::shown(instance.token_id.as_ref()),
                ]);
            }
            Ok(table.print(context.out, "no AI Search instances")?)
        }
        InstancesCommand::Get { id } => {
            let instance = client
                .ai_search_instances_get(&account, &id)
                .await
                .doing(format_args!("get AI Search instance {id}"))?
                .into_result();
            if context.json() {
                return Ok(output::json(context.out, &instance)?);
            }
            Ok(show_instance(context.out, &instance)?)
        }
        InstancesCommand::Delete { id } => {
            let instance = client
                .ai_search_instances_delete(&account, &id)
                .await
                .doing(format_args!("delete AI Search instance {id}"))?
                .into_result();
            if context.json() {
                return Ok(output::json(context.out, &instance)?);
            }
            Ok(writeln!(context.out, "deleted AI Search instance {id}")?)
        }
    }
}

/// The settings people look at first; `--json` has all of them.
pub fn show_instance(out: &mut dyn Write, instance: &AiSearchInstance) -> std::io::Result<()> {
    output::fields(
        out,
        &[
            ("id", instance.id.clone()),
            ("type", output::shown(instance.type_.as_ref())),
            ("source", output::text(instance.source.as_deref())),
            ("status", output::text(instance.status.as_deref())),
            ("token", output::shown(instance.token_id.as_ref())),
            ("created", output::time(instance.created_at)),
            ("modified", output::time(instance.modified_at)),
        ],
    )
}
