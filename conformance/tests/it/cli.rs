//! Referee 1 for the command line: every `cf-tokens` command (found by walking its `--help`, so a
//! new command cannot go unrefereed) runs against Prism's mock with `--errors`, with an API
//! token and, where every operation it calls allows it, with an email and key. A request Prism
//! finds invalid, or an answer the CLI cannot use, makes the command fail.

use std::collections::BTreeMap;

use crate::calls::{AI_SEARCH_TOKEN_ID, INSTANCE_ID, NAMESPACE, SERVICE_TOKEN_ID, USER_TOKEN_ID};
use crate::support::{self, ACCOUNT_ID, AuthStyle, EMAIL, KEY, Prism, TOKEN, ZONE_ID};

/// Runs `cf-tokens ARGS` in-process; the exit code, stdout and stderr.
async fn cf_tokens(args: &[&str], env: &BTreeMap<&str, String>) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut argv = vec!["cf-tokens"];
    argv.extend_from_slice(args);
    let lookup = |name: &str| env.get(name).cloned();
    let code = cf_tokens::run(argv, &lookup, &mut out, &mut err).await;
    (
        code,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

/// The subcommands `--help` lists under `path` (without `help`).
async fn subcommands(path: &[&str]) -> Vec<String> {
    let mut args = path.to_vec();
    args.push("--help");
    let (code, out, _) = cf_tokens(&args, &BTreeMap::new()).await;
    assert_eq!(code, 0, "cf-tokens {} --help", path.join(" "));
    let Some((_, commands)) = out.split_once("Commands:\n") else {
        return Vec::new();
    };
    commands
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

/// Every leaf command, as its words (`["access", "tokens", "list"]`).
async fn leaf_commands() -> Vec<Vec<String>> {
    let mut leaves = Vec::new();
    let mut todo: Vec<Vec<String>> = vec![Vec::new()];
    while let Some(path) = todo.pop() {
        let words: Vec<&str> = path.iter().map(String::as_str).collect();
        let children = subcommands(&words).await;
        if children.is_empty() {
            leaves.push(path);
            continue;
        }
        for child in children {
            let mut next = path.clone();
            next.push(child);
            todo.push(next);
        }
    }
    leaves.sort();
    leaves
}

/// The arguments each command is run with, after its words; `None` for a command this table
/// does not know (which fails the test).
fn arguments(command: &str) -> Option<Vec<Vec<&'static str>>> {
    Some(match command {
        "ai-search setup" => vec![
            vec!["--instance", INSTANCE_ID, "--r2-bucket", "docs-bucket"],
            vec![
                "--instance",
                INSTANCE_ID,
                "--website",
                "example.com",
                "--dry-run",
            ],
        ],
        "ai-search tokens list" | "ai-search instances list" => vec![vec![], vec!["--json"]],
        "ai-search tokens rotate" => vec![vec![AI_SEARCH_TOKEN_ID]],
        "ai-search namespaces list" => vec![vec![], vec!["--json"]],
        "ai-search namespaces get" | "ai-search namespaces delete" => vec![vec![NAMESPACE]],
        "ai-search namespaces create" => vec![vec![NAMESPACE, "--description", "guides"]],
        "ai-search search" => vec![
            vec![INSTANCE_ID, "how do I set up"],
            vec![
                INSTANCE_ID,
                "how do I set up",
                "--namespace",
                NAMESPACE,
                "--max-results",
                "3",
            ],
        ],
        "ai-search jobs list" | "ai-search stats" => {
            vec![
                vec![INSTANCE_ID],
                vec![INSTANCE_ID, "--namespace", NAMESPACE],
            ]
        }
        "ai-search tokens get" | "ai-search tokens delete" => vec![vec![AI_SEARCH_TOKEN_ID]],
        "ai-search instances get" | "ai-search instances delete" => {
            vec![
                vec![INSTANCE_ID],
                vec![INSTANCE_ID, "--namespace", NAMESPACE],
            ]
        }
        "access tokens list" => vec![vec![], vec!["--zone-id", ZONE_ID], vec!["--json"]],
        "access tokens get" | "access tokens delete" => {
            vec![
                vec![SERVICE_TOKEN_ID],
                vec![SERVICE_TOKEN_ID, "--zone-id", ZONE_ID],
            ]
        }
        "access tokens create" => vec![
            vec!["--name", "ci-runner", "--duration", "720h"],
            vec!["--name", "ci-runner", "--zone-id", ZONE_ID],
        ],
        "access tokens update" => vec![
            vec![SERVICE_TOKEN_ID, "--name", "renamed", "--enabled", "false"],
            vec![
                SERVICE_TOKEN_ID,
                "--duration",
                "forever",
                "--zone-id",
                ZONE_ID,
            ],
        ],
        "access tokens refresh" => vec![vec![SERVICE_TOKEN_ID]],
        "access tokens rotate" => vec![
            vec![SERVICE_TOKEN_ID],
            vec![SERVICE_TOKEN_ID, "--grace", "1h"],
        ],
        "user tokens verify" | "user tokens list" => vec![vec![], vec!["--json"]],
        "user tokens delete" => vec![vec![USER_TOKEN_ID], vec![USER_TOKEN_ID, "--force"]],
        "user permission-groups" => vec![vec![], vec!["--name", "AI Search Index Engine"]],
        "account tokens verify" | "account tokens list" => vec![vec![], vec!["--json"]],
        "account tokens get" => vec![vec![USER_TOKEN_ID], vec![USER_TOKEN_ID, "--json"]],
        "account tokens delete" | "account tokens roll" => {
            vec![vec![USER_TOKEN_ID], vec![USER_TOKEN_ID, "--force"]]
        }
        "account permission-groups" => vec![vec![], vec!["--name", "AI Search Index Engine"]],
        _ => return None,
    })
}

/// Commands that need state a stateless mock does not keep: (command, what its error must say,
/// why). They are run up to that point, with every request checked like the others'.
const NEEDS_STATE: &[(&str, &str, &str)] = &[
    (
        "ai-search setup",
        "step \"find the permission group\" failed: cloudflare-tokens: Cloudflare refused the request: no permission group is named \"AI Search Index Engine\"",
        "the setup looks the group up by name, and Prism's example group has another name; the whole \
     setup runs against fake-cloudflare in the CLI's own tests",
    ),
    (
        "ai-search tokens rotate",
        "step \"check that the registration uses the new API token\" failed",
        "a mock answers the registration's example after the update, which names another token; the \
     rotation runs against fake-cloudflare in the CLI's own tests",
    ),
];

/// Whether every operation `command` calls allows an email and key: the user and account token
/// operations (the `user` and `account` commands, and the token `ai-search setup` mints) take
/// API tokens only.
fn takes_email_and_key(command: &str) -> bool {
    !(command.starts_with("user ")
        || command.starts_with("account ")
        || command == "ai-search setup"
        || command == "ai-search tokens rotate")
}

#[tokio::test(flavor = "multi_thread")]
async fn every_command_against_prism() {
    let Some(tools) = support::tools("cli") else {
        return;
    };
    let prism = Prism::mock(&tools, "cli", &[]);
    let commands = leaf_commands().await;
    assert!(
        commands.len() >= 10,
        "the command tree was found: {commands:?}"
    );
    let mut failures = Vec::new();
    let (mut runs, mut allowed_runs) = (0, 0);
    for words in &commands {
        let command = words.join(" ");
        let Some(variants) = arguments(&command) else {
            failures.push(format!(
                "`cf-tokens {command}`: no arguments for it in conformance/tests/it/cli.rs"
            ));
            continue;
        };
        for style in [AuthStyle::Token, AuthStyle::EmailKey] {
            let mut env = BTreeMap::from([
                ("CLOUDFLARE_BASE_URL", prism.base_url()),
                ("CLOUDFLARE_ACCOUNT_ID", ACCOUNT_ID.to_string()),
            ]);
            match style {
                AuthStyle::Token => {
                    env.insert("CLOUDFLARE_API_TOKEN", TOKEN.to_string());
                }
                AuthStyle::EmailKey => {
                    env.insert("CLOUDFLARE_EMAIL", EMAIL.to_string());
                    env.insert("CLOUDFLARE_API_KEY", KEY.to_string());
                }
            }
            let allowed = style == AuthStyle::Token || takes_email_and_key(&command);
            for extra in &variants {
                let mut args: Vec<&str> = words.iter().map(String::as_str).collect();
                args.extend(extra.iter().copied());
                let (code, out, err) = cf_tokens(&args, &env).await;
                runs += 1;
                allowed_runs += usize::from(allowed);
                let line = format!("cf-tokens {} ({style:?})", args.join(" "));
                let stateful = NEEDS_STATE
                    .iter()
                    .find(|(c, says, _)| *c == command && err.contains(says));
                match (allowed, code) {
                    (true, 0) => {}
                    (true, 1) if stateful.is_some() => {}
                    (true, _) => failures.push(format!("{line}: exit {code}\n{err}{out}")),
                    // Prism refuses the email and key where the spec does: the CLI sent them.
                    (false, 1) if err.contains("401") => {}
                    (false, _) => failures.push(format!(
                        "{line}: expected Prism to refuse an email and key, got exit {code}\n{err}"
                    )),
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "commands failed against Prism:\n{}",
        failures.join("\n\n")
    );
    // Prism found nothing wrong with any request, but the email and key it was meant to refuse.
    let log = prism.log_text();
    let violations: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("Violation:") && !l.contains("Invalid security scheme used"))
        .collect();
    assert!(
        violations.is_empty(),
        "Prism found invalid requests:\n{}",
        violations.join("\n")
    );
    let validated = log
        .matches("The request passed the validation rules")
        .count();
    assert!(
        validated >= allowed_runs,
        "every allowed run sent at least one request Prism validated ({validated} for {allowed_runs})"
    );
    eprintln!(
        "cli: {} commands, {runs} runs against Prism, {validated} requests validated",
        commands.len()
    );
}
