//! `ai-search setup`: the library's setup flow, with its progress on stderr and a summary (or
//! JSON) on stdout.

use std::io::Write;
use std::path::Path;

use cloudflare_tokens::Client;
use cloudflare_tokens::flows::{
    self, AiSearchSetup, Backoff, IndexingProgress, InstanceOutcome, InstanceRef, InstanceSource,
    SetupOutcome, TokenOutcome, TokenOwner, WaitOutcome,
};
use cloudflare_tokens::types::AiSearchInstance;
use serde::Serialize;
use uuid::Uuid;

use crate::args::{SetupArgs, TokenOwnerArg};
use crate::commands::ai_search::show_instance;
use crate::config::{Context, Terminal};
use crate::failure::{Doing, Failure};
use crate::lock;
use crate::output;
use crate::secret_file::SecretFile;

pub async fn run(context: &mut Context<'_>, args: SetupArgs) -> Result<(), Failure> {
    let account = context.account()?;
    let source = match (args.source.r2_bucket, args.source.website) {
        (Some(bucket), None) => InstanceSource::R2Bucket(bucket),
        (None, Some(domain)) => InstanceSource::Website(domain),
        // clap's group already insists on exactly one; this only keeps the match total.
        _ => {
            return Err(Failure::usage(
                "pass exactly one of --r2-bucket and --website",
            ));
        }
    };
    let client = context.client()?;
    let mut setup = AiSearchSetup::new(account, args.instance, source);
    if let Some(name) = args.token_name {
        setup.token_name = name;
    }
    setup.dry_run = args.dry_run;
    setup.namespace = args.namespace.clone();
    setup.token_owner = match args.token_owner {
        TokenOwnerArg::User => TokenOwner::User,
        TokenOwnerArg::Account => TokenOwner::Account,
    };
    setup.create_bucket = args.create_bucket;
    if let Some(grace) = args.orphan_grace {
        setup.orphan_grace = grace;
    }
    // Before any request: a secret minted without a place to go would be lost.
    let secret_file = match &args.secret_file {
        Some(path) if setup.dry_run => {
            SecretFile::check_absent(path)?;
            None
        }
        Some(path) => Some(SecretFile::reserve(path)?),
        None => None,
    };

    // Held to the end of the run: another setup of this name on this machine waits.
    let _lock = if setup.dry_run {
        None
    } else {
        let path = lock::path(client.base_url(), &setup.account_id, &setup.token_name);
        Some(lock::acquire(path, &mut *context.err).await?)
    };
    let err = &mut *context.err;
    // Progress is best effort: a closed stderr must not abort a setup half-way.
    let result = flows::setup_ai_search(&client, &setup, |event| {
        let _ = writeln!(err, "{}", output::clean(&event.to_string()));
    })
    .await;
    let outcome = result.map_err(|error| Failure::Setup {
        error: Box::new(error),
        token_name: setup.token_name.clone(),
    })?;

    let shown = match (secret_file, outcome.token.minted()) {
        (Some(file), Some(minted)) => {
            let path = file.path().to_path_buf();
            file.write(minted.value.expose_secret())
                .map_err(|e| Failure::SecretLost {
                    message: format!(
                        "could not write the value of API token {} to --secret-file {}: {e}. \
                         The token is registered with AI Search (AI Search token {}) and works; \
                         only your copy of its value is lost",
                        minted.id,
                        path.display(),
                        output::shown(outcome.token.registration()),
                    ),
                    error: None,
                })?;
            Secret::InFile(path)
        }
        (Some(file), None) => {
            // Dropping the reservation removes the empty file.
            let path = file.path().to_path_buf();
            drop(file);
            let _ = writeln!(
                context.err,
                "no API token was minted, so nothing was written to {}",
                path.display()
            );
            Secret::Hidden
        }
        (None, _) if args.show_secret => Secret::Shown,
        (None, _) => Secret::Hidden,
    };

    if context.json() {
        let report = Report::new(&setup, &outcome, &shown);
        output::json(context.out, &report)?;
    } else {
        summary(context.out, &setup, &outcome, &shown)?;
    }
    // Another run (here or elsewhere) may have changed the chain since this one built it:
    // exit 0 only if it holds now. An instance left untouched uses no registration of this
    // setup's name, so its chain is not this setup's to judge.
    if !setup.dry_run
        && !matches!(outcome.token, TokenOutcome::Untouched)
        && let Err(broken) = flows::check_chain(&client, &setup).await
    {
        return Err(Failure::Unfinished(format!(
            "the setup ran, but the chain read back is broken: {}. Another run of the same name \
             may have changed it meanwhile: run the setup again to repair it",
            output::clean(&broken.to_string())
        )));
    }
    if args.wait && !setup.dry_run {
        let timeout = args.wait_timeout.unwrap_or(DEFAULT_WAIT);
        wait(context, &client, &setup, timeout).await?;
    }
    if outcome.orphans_left.is_empty() {
        return Ok(());
    }
    Err(Failure::Unfinished(format!(
        "the instance is set up, but {} orphaned API token(s) named \"{}\" that no \
         registration names could not be deleted ({}): run the setup again to delete them",
        outcome.orphans_left.len(),
        setup.token_name,
        outcome.orphans_left.join(", ")
    )))
}

/// Where the minted token's value goes.
enum Secret {
    /// On stdout (`--show-secret`).
    Shown,
    /// Nowhere: it is registered with AI Search, and cannot be read again.
    Hidden,
    /// Into this file (`--secret-file`).
    InFile(std::path::PathBuf),
}

/// What `--json` prints. The minted token's value is in it only with `--show-secret`: the
/// library's `Secret` serializes in clear, so it is copied in here only on request.
#[derive(Serialize)]
struct Report<'a> {
    account_id: &'a str,
    instance_id: &'a str,
    token_name: &'a str,
    dry_run: bool,
    permission_group_id: &'a str,
    ai_search_token_id: Option<Uuid>,
    reused_token: bool,
    repaired_token: bool,
    minted_token: Option<Minted<'a>>,
    orphaned_tokens_deleted: &'a [String],
    orphaned_tokens_left: &'a [String],
    created_instance: bool,
    instance: Option<&'a AiSearchInstance>,
    plan: Vec<String>,
}

#[derive(Serialize)]
struct Minted<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_file: Option<&'a Path>,
}

impl<'a> Report<'a> {
    fn new(setup: &'a AiSearchSetup, outcome: &'a SetupOutcome, shown: &'a Secret) -> Self {
        Self {
            account_id: &setup.account_id,
            instance_id: &setup.instance_id,
            token_name: &setup.token_name,
            dry_run: setup.dry_run,
            permission_group_id: &outcome.permission_group_id,
            ai_search_token_id: outcome.token.registration(),
            reused_token: matches!(outcome.token, TokenOutcome::Reused { .. }),
            repaired_token: matches!(outcome.token, TokenOutcome::Repaired { .. }),
            minted_token: outcome.token.minted().map(|minted| Minted {
                id: &minted.id,
                value: matches!(shown, Secret::Shown).then(|| minted.value.expose_secret()),
                value_file: match shown {
                    Secret::InFile(path) => Some(path),
                    _ => None,
                },
            }),
            orphaned_tokens_deleted: &outcome.orphans_deleted,
            orphaned_tokens_left: &outcome.orphans_left,
            created_instance: matches!(outcome.instance, InstanceOutcome::Created(_)),
            instance: outcome.instance.instance(),
            plan: outcome.plan.iter().map(ToString::to_string).collect(),
        }
    }
}

fn summary(
    out: &mut dyn Write,
    setup: &AiSearchSetup,
    outcome: &SetupOutcome,
    shown: &Secret,
) -> std::io::Result<()> {
    if setup.dry_run {
        if outcome.plan.is_empty() {
            writeln!(
                out,
                "dry run: nothing was changed, and a real run has nothing to do"
            )?;
        } else {
            writeln!(out, "dry run: nothing was changed. A real run would:")?;
            for step in &outcome.plan {
                writeln!(out, "  - {}", output::clean(&step.to_string()))?;
            }
        }
        return Ok(());
    }
    let instance_state = match outcome.instance {
        InstanceOutcome::Created(_) => "created",
        InstanceOutcome::Existed(_) | InstanceOutcome::Planned => "exists already",
    };
    writeln!(
        out,
        "AI Search instance {} {instance_state}",
        output::clean(&setup.instance_id)
    )?;
    let token_state = match outcome.token {
        TokenOutcome::Repaired { .. } => "repaired now: its API token was gone or inactive",
        TokenOutcome::Minted { .. } => "registered now",
        TokenOutcome::Reused { .. } => "reused",
        TokenOutcome::Untouched => "none of this name registered",
    };
    let mut lines = vec![(
        "AI Search token",
        format!(
            "{} ({token_state})",
            output::shown(outcome.token.registration())
        ),
    )];
    if let Some(minted) = outcome.token.minted() {
        lines.push(("API token", format!("{} (minted now)", minted.id)));
        let value = match shown {
            Secret::Shown => minted.value.expose_secret().to_string(),
            Secret::InFile(path) => format!("written to {}", path.display()),
            Secret::Hidden => {
                "not shown (pass --show-secret or --secret-file to keep it; it cannot be read again)"
                    .to_string()
            }
        };
        lines.push(("token value", value));
    }
    if !outcome.orphans_deleted.is_empty() {
        lines.push((
            "orphans deleted",
            format!(
                "{} (API tokens of this name left by interrupted runs)",
                outcome.orphans_deleted.join(", ")
            ),
        ));
    }
    output::fields(out, &lines)?;
    if let Some(instance) = outcome.instance.instance() {
        writeln!(out)?;
        show_instance(out, instance)?;
    }
    Ok(())
}

/// How long `--wait` waits without `--wait-timeout`.
const DEFAULT_WAIT: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// Follows the first indexing run: a progress bar on a terminal, one line per change otherwise.
/// Running out of time fails (exit 1) with how far indexing got; the instance stays.
async fn wait(
    context: &mut Context<'_>,
    client: &Client,
    setup: &AiSearchSetup,
    timeout: std::time::Duration,
) -> Result<(), Failure> {
    let instance = InstanceRef {
        account_id: &setup.account_id,
        namespace: setup.namespace.as_deref(),
        instance_id: &setup.instance_id,
    };
    let mut display = Progress::new(context.take_terminal());
    let err = &mut *context.err;
    let _ = writeln!(err, "… wait for the first indexing run");
    let outcome = flows::wait_for_indexing(client, instance, timeout, Backoff::default(), |p| {
        display.show(err, p);
    })
    .await;
    display.finish();
    let outcome = outcome.doing(format_args!(
        "follow the indexing of AI Search instance {}",
        setup.instance_id
    ))?;
    match outcome {
        WaitOutcome::Done(progress) => {
            let _ = writeln!(context.err, "  indexing done: {progress}");
            Ok(())
        }
        WaitOutcome::TimedOut(progress) => {
            let got = match progress {
                Some(p) => format!("{p}"),
                None => "no stats arrived".to_string(),
            };
            Err(Failure::WaitTimedOut(format!(
                "indexing of AI Search instance {} did not finish within {}: {got}. The instance \
                 is set up and indexing goes on; `cf-tokens ai-search stats {}` shows how far it is",
                output::clean(&setup.instance_id),
                humantime::format_duration(timeout),
                output::clean(&setup.instance_id),
            )))
        }
    }
}

/// The progress display of `--wait`.
enum Progress {
    /// An `indicatif` bar on the terminal: items done of the total, and the latest reading for
    /// the counts beside it.
    Bar(
        indicatif::ProgressBar,
        std::sync::Arc<std::sync::Mutex<IndexingProgress>>,
    ),
    /// A line per reading that differs from the last one.
    Lines(Option<IndexingProgress>),
}

impl Progress {
    fn new(terminal: Option<Terminal>) -> Self {
        let Some(terminal) = terminal else {
            return Self::Lines(None);
        };
        let bar = indicatif::ProgressBar::with_draw_target(Some(0), terminal.draw_target());
        // The counts are a key of the style, read from the latest reading when the bar draws:
        // a reading then changes the bar in one update, never showing new numbers beside old.
        let latest = std::sync::Arc::new(std::sync::Mutex::new(IndexingProgress::default()));
        let reading = latest.clone();
        let counts = move |_: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            if let Ok(p) = reading.lock() {
                let _ = write!(w, "{} running, {} queued", p.running, p.queued);
            }
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "  indexing [{bar:30}] {pos}/{len} items ({counts})",
        ) {
            bar.set_style(style.with_key("counts", counts).progress_chars("=> "));
        }
        Self::Bar(bar, latest)
    }

    fn show(&mut self, err: &mut dyn Write, progress: &IndexingProgress) {
        match self {
            Self::Bar(bar, latest) => {
                if let Ok(mut latest) = latest.lock() {
                    *latest = *progress;
                }
                bar.update(|state| {
                    state.set_len(progress.total());
                    state.set_pos(progress.finished());
                });
            }
            Self::Lines(last) => {
                if last.as_ref() != Some(progress) {
                    let _ = writeln!(err, "  indexing: {progress}");
                    *last = Some(*progress);
                }
            }
        }
    }

    fn finish(&mut self) {
        if let Self::Bar(bar, _) = self {
            bar.finish_and_clear();
        }
    }
}
