//! `ai-search namespaces …`, `ai-search search`, `ai-search jobs list`, `ai-search stats`.

use cloudflare_tokens::flows::{IndexingProgress, InstanceRef};
use cloudflare_tokens::types::{self, AiSearchNamespace};
use futures::TryStreamExt;

use crate::args::{JobsCommand, NamespacesCommand, SearchArgs};
use crate::config::Context;
use crate::failure::{Doing, Failure};
use crate::output::{self, Table};

pub async fn namespaces(
    context: &mut Context<'_>,
    command: NamespacesCommand,
) -> Result<(), Failure> {
    let account = context.account()?;
    let client = context.client()?;
    match command {
        NamespacesCommand::List => {
            let namespaces: Vec<AiSearchNamespace> = client
                .ai_search_namespaces_list_all(&account, Default::default())
                .try_collect()
                .await
                .doing("list the AI Search namespaces")?;
            if context.json() {
                return Ok(output::json(context.out, &namespaces)?);
            }
            let mut table = Table::new(&["name", "description", "created"]);
            for namespace in &namespaces {
                table.row(vec![
                    namespace.name.clone(),
                    output::text(namespace.description.as_deref()),
                    output::time(namespace.created_at),
                ]);
            }
            Ok(table.print(context.out, "no AI Search namespaces")?)
        }
        NamespacesCommand::Get { name } => {
            let namespace = client
                .ai_search_namespaces_get(&account, &name)
                .await
                .doing(format_args!("get AI Search namespace {name}"))?
                .into_result();
            show_namespace(context, &namespace)
        }
        NamespacesCommand::Create { name, description } => {
            let body = types::AiSearchNamespaceCreate {
                description,
                ..types::AiSearchNamespaceCreate::new(name.clone())
            };
            let namespace = client
                .ai_search_namespaces_create(&account, &body)
                .await
                .doing(format_args!("create AI Search namespace {name}"))?
                .into_result();
            show_namespace(context, &namespace)
        }
        NamespacesCommand::Delete { name } => {
            let deleted = client
                .ai_search_namespaces_delete(&account, &name)
                .await
                .doing(format_args!("delete AI Search namespace {name}"))?
                .into_result();
            if context.json() {
                return Ok(output::json(context.out, &deleted)?);
            }
            Ok(writeln!(context.out, "deleted AI Search namespace {name}")?)
        }
    }
}

fn show_namespace(context: &mut Context<'_>, namespace: &AiSearchNamespace) -> Result<(), Failure> {
    if context.json() {
        return Ok(output::json(context.out, namespace)?);
    }
    Ok(output::fields(
        context.out,
        &[
            ("name", namespace.name.clone()),
            (
                "description",
                output::text(namespace.description.as_deref()),
            ),
            ("created", output::time(namespace.created_at)),
        ],
    )?)
}

/// The longest excerpt of a chunk's text the human output shows, in characters.
const EXCERPT: usize = 120;

/// `text` on one line, cut at `max` characters with an ellipsis.
fn excerpt(text: &str, max: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

pub async fn search(context: &mut Context<'_>, args: SearchArgs) -> Result<(), Failure> {
    let account = context.account()?;
    let client = context.client()?;
    if args.query.trim().is_empty() {
        return Err(Failure::usage("QUERY must not be empty"));
    }
    let instance = InstanceRef {
        account_id: &account,
        namespace: args.namespace.namespace.as_deref(),
        instance_id: &args.id,
    };
    let mut query = types::AiSearchQuery {
        query: Some(args.query.clone()),
        ..Default::default()
    };
    if let Some(max) = args.max_results {
        query.ai_search_options = Some(types::AiSearchQueryAiSearchOptions {
            retrieval: Some(types::AiSearchQueryAiSearchOptionsRetrieval {
                max_num_results: Some(max.into()),
                ..Default::default()
            }),
            ..Default::default()
        });
    }
    let results = instance
        .search(&client, &query)
        .await
        .doing(format_args!("search AI Search instance {}", args.id))?;
    if context.json() {
        return Ok(output::json(context.out, &results)?);
    }
    if results.chunks.is_empty() {
        writeln!(context.out, "no chunks match")?;
        return Ok(());
    }
    let mut table = Table::new(&["score", "item", "text"]);
    for chunk in &results.chunks {
        table.row(vec![
            format!("{:.3}", chunk.score),
            output::text(chunk.item.as_ref().map(|item| item.key.as_str())),
            excerpt(&chunk.text, EXCERPT),
        ]);
    }
    Ok(table.print(context.out, "no chunks match")?)
}

pub async fn jobs(context: &mut Context<'_>, command: JobsCommand) -> Result<(), Failure> {
    let account = context.account()?;
    let client = context.client()?;
    let JobsCommand::List { id, namespace } = command;
    let jobs: Vec<types::AiSearchJob> = match &namespace.namespace {
        None => {
            client
                .ai_search_jobs_list_all(&account, &id, Default::default())
                .try_collect()
                .await
        }
        Some(ns) => {
            client
                .ai_search_namespace_jobs_list_all(&account, ns, &id, Default::default())
                .try_collect()
                .await
        }
    }
    .doing(format_args!(
        "list the indexing jobs of AI Search instance {id}"
    ))?;
    if context.json() {
        return Ok(output::json(context.out, &jobs)?);
    }
    let mut table = Table::new(&["id", "source", "started", "ended", "end reason"]);
    for job in &jobs {
        table.row(vec![
            job.id.clone(),
            job.source.to_string(),
            output::text(job.started_at.as_deref()),
            output::text(job.ended_at.as_deref()),
            output::text(job.end_reason.as_deref()),
        ]);
    }
    Ok(table.print(context.out, "no indexing jobs")?)
}

pub async fn stats(
    context: &mut Context<'_>,
    id: String,
    namespace: Option<String>,
) -> Result<(), Failure> {
    let account = context.account()?;
    let client = context.client()?;
    let instance = InstanceRef {
        account_id: &account,
        namespace: namespace.as_deref(),
        instance_id: &id,
    };
    let stats = instance
        .stats(&client)
        .await
        .doing(format_args!("get the stats of AI Search instance {id}"))?;
    if context.json() {
        return Ok(output::json(context.out, &stats)?);
    }
    let progress = IndexingProgress::from_stats(&stats);
    Ok(output::fields(
        context.out,
        &[
            ("completed", progress.completed.to_string()),
            ("running", progress.running.to_string()),
            ("queued", progress.queued.to_string()),
            ("failed", progress.errors.to_string()),
            ("skipped", progress.skipped.to_string()),
            ("last activity", output::time(stats.last_activity)),
        ],
    )?)
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn excerpts_are_one_line_and_cut_with_an_ellipsis() {
        assert_eq!(excerpt("a\n b\tc", 10), "a b c");
        assert_eq!(excerpt("abcdefghij", 10), "abcdefghij");
        assert_eq!(excerpt("abcdefghijk", 10), "abcdefghi…");
        assert_eq!(excerpt("ééééé", 3), "éé…");
    }
}
