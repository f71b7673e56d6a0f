//! `ai-search tokens …` and `ai-search instances …`.

use std::io::Write;

use cloudflare_tokens::flows;
use cloudflare_tokens::types::{AiSearchInstance, AiSearchToken};
use cloudflare_tokens::{AiSearchInstancesListQuery, AiSearchTokensListQuery};
use futures::TryStreamExt;

use crate::args::{AiSearchTokensCommand, InstancesCommand};
use crate::config::Context;
use crate::failure::{Doing, Failure};
use crate::lock;
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
        AiSearchTokensCommand::Rotate {
            id,
            show_secret,
            orphan_grace,
        } => {
            let grace = orphan_grace.unwrap_or(flows::ORPHAN_GRACE);
            // Held to the end of the run: another rotation of it on this machine waits.
            let path = lock::path(client.base_url(), &account, &format!("rotate-{id}"));
            let _lock = lock::acquire(path, &mut *context.err).await?;
            let rotated = flows::rotate_ai_search_token_with_grace(&client, &account, &id, grace)
                .await
                .map_err(|e| Failure::Rotation(Box::new(e)))?;
            for id in &rotated.leftovers_deleted {
                writeln!(
                    context.err,
                    "deleted API token {id}, left by an interrupted rotation (no registration names \
                     it)"
                )?;
            }
            for id in &rotated.leftovers_left {
                writeln!(
                    context.err,
                    "left API token {id}, of an interrupted rotation: the next rotation deletes it"
                )?;
            }
            // Exit 0 only if the registration, read back now, names an active API token.
            let held = flows::check_registration(&client, &account, rotated.owner, &id).await;
            let broken = held.err().map(|broken| {
                Failure::Unfinished(format!(
                    "the rotation ran, but the chain read back is broken: {}. Another run may \
                     have changed it meanwhile: run `ai-search setup` to repair it",
                    output::clean(&broken.to_string())
                ))
            });
            report_rotation(context, &id, &rotated, show_secret)?;
            broken.map_or(Ok(()), Err)
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

/// What a rotation did: on stdout, the new token's value only with `--show-secret`.
fn report_rotation(
    context: &mut Context<'_>,
    id: &uuid::Uuid,
    rotated: &flows::RotatedAiSearchToken,
    show_secret: bool,
) -> Result<(), Failure> {
    if context.json() {
        let value = show_secret.then(|| rotated.new_token_value.expose_secret());
        let report = serde_json::json!({
            "registration_id": rotated.registration_id,
            "owner": match rotated.owner {
                flows::TokenOwner::User => "user",
                flows::TokenOwner::Account => "account",
            },
            "old_token_id": rotated.old_token_id,
            "new_token_id": rotated.new_token_id,
            "new_token_value": value,
            "leftovers_deleted": rotated.leftovers_deleted,
            "leftovers_left": rotated.leftovers_left,
        });
        return Ok(output::json(context.out, &report)?);
    }
    let value = if show_secret {
        rotated.new_token_value.expose_secret().to_string()
    } else {
        "not shown (pass --show-secret to see it; AI Search has it, and it cannot be read \
                 again)"
            .to_string()
    };
    writeln!(
        context.out,
        "AI Search token {id} now uses API token {}; API token {} was deleted",
        rotated.new_token_id, rotated.old_token_id
    )?;
    Ok(output::fields(context.out, &[("token value", value)])?)
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
        InstancesCommand::List { namespace } => {
            let instances: Vec<AiSearchInstance> = match &namespace.namespace {
                None => {
                    client
                        .ai_search_instances_list_all(
                            &account,
                            AiSearchInstancesListQuery::default(),
                        )
                        .try_collect()
                        .await
                }
                Some(ns) => {
                    client
                        .ai_search_namespace_instances_list_all(&account, ns, Default::default())
                        .try_collect()
                        .await
                }
            }
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
        InstancesCommand::Get { id, namespace } => {
            let instance = match &namespace.namespace {
                None => client.ai_search_instances_get(&account, &id).await,
                Some(ns) => {
                    client
                        .ai_search_namespace_instances_get(&account, ns, &id)
                        .await
                }
            }
            .doing(format_args!("get AI Search instance {id}"))?
            .into_result();
            if context.json() {
                return Ok(output::json(context.out, &instance)?);
            }
            Ok(show_instance(context.out, &instance)?)
        }
        InstancesCommand::Delete { id, namespace } => {
            let instance = match &namespace.namespace {
                None => client.ai_search_instances_delete(&account, &id).await,
                Some(ns) => {
                    client
                        .ai_search_namespace_instances_delete(&account, ns, &id)
                        .await
                }
            }
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
