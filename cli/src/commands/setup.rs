//! `ai-search setup`: the library's setup flow, with its progress on stderr and a summary (or
//! JSON) on stdout.

use std::io::Write;

use cloudflare_tokens::flows::{self, AiSearchSetup, InstanceSource, SetupOutcome};
use cloudflare_tokens::types::AiSearchInstance;
use serde::Serialize;

use crate::args::SetupArgs;
use crate::commands::ai_search::show_instance;
use crate::config::Context;
use crate::failure::Failure;
use crate::output;

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

    let err = &mut *context.err;
    // Progress is best effort: a closed stderr must not abort a setup half-way.
    let result = flows::setup_ai_search(&client, &setup, |event| {
        let _ = writeln!(err, "{event}");
    })
    .await;
    let outcome = result.map_err(|error| Failure::Setup {
        error: Box::new(error),
        token_name: setup.token_name.clone(),
    })?;

    if context.json() {
        let report = Report::new(&setup, &outcome, args.show_secret);
        return Ok(output::json(context.out, &report)?);
    }
    Ok(summary(context.out, &setup, &outcome, args.show_secret)?)
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
    ai_search_token_id: Option<&'a str>,
    reused_token: bool,
    minted_token: Option<Minted<'a>>,
    created_instance: bool,
    instance: Option<&'a AiSearchInstance>,
    plan: &'a [String],
}

#[derive(Serialize)]
struct Minted<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
}

impl<'a> Report<'a> {
    fn new(setup: &'a AiSearchSetup, outcome: &'a SetupOutcome, show_secret: bool) -> Self {
        Self {
            account_id: &setup.account_id,
            instance_id: &setup.instance_id,
            token_name: &setup.token_name,
            dry_run: setup.dry_run,
            permission_group_id: &outcome.permission_group_id,
            ai_search_token_id: outcome.ai_search_token_id.as_deref(),
            reused_token: outcome.reused_token,
            minted_token: outcome.minted.as_ref().map(|minted| Minted {
                id: &minted.id,
                value: show_secret.then(|| minted.value.expose_secret()),
            }),
            created_instance: outcome.created_instance,
            instance: outcome.instance.as_ref(),
            plan: &outcome.plan,
        }
    }
}

fn summary(
    out: &mut dyn Write,
    setup: &AiSearchSetup,
    outcome: &SetupOutcome,
    show_secret: bool,
) -> std::io::Result<()> {
    if setup.dry_run && outcome.instance.is_none() {
        writeln!(out, "dry run: nothing was changed. A real run would:")?;
        for step in &outcome.plan {
            writeln!(out, "  - {step}")?;
        }
        return Ok(());
    }
    let instance_state = if outcome.created_instance {
        "created"
    } else {
        "exists already"
    };
    writeln!(
        out,
        "AI Search instance {} {instance_state}",
        setup.instance_id
    )?;
    let token_state = match (&outcome.minted, outcome.reused_token) {
        (Some(_), _) => "registered now",
        (None, true) => "reused",
        (None, false) => "none of this name registered",
    };
    let mut lines = vec![(
        "AI Search token",
        format!(
            "{} ({token_state})",
            output::text(outcome.ai_search_token_id.as_deref())
        ),
    )];
    if let Some(minted) = &outcome.minted {
        lines.push(("API token", format!("{} (minted now)", minted.id)));
        let value = if show_secret {
            minted.value.expose_secret().to_string()
        } else {
            "not shown (pass --show-secret to print it; it cannot be read again)".to_string()
        };
        lines.push(("token value", value));
    }
    output::fields(out, &lines)?;
    if let Some(instance) = &outcome.instance {
        writeln!(out)?;
        show_instance(out, instance)?;
    }
    Ok(())
}
