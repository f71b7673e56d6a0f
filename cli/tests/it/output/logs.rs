//! Logs a person can debug with: `-v` (repeatable) and `RUST_LOG` put the client's events on
//! stderr, and no log line, no output of any command, carries a credential or a secret (except
//! the stdout of the commands whose purpose is to hand over a new secret).

use std::sync::{Arc, Mutex};

use fake_cloudflare::{AccessScope, FakeCloudflare};

use crate::CF_TOKENS;
use crate::setup::SETUP;
use test_support::cli::{Run, env_for};
use test_support::fake::fake;
use test_support::{ACCOUNT, str_field};

/// Runs `cf-tokens ARGS` in-process, its logs captured: (the run, the logs).
async fn logged(
    server: &FakeCloudflare,
    extra_env: &[(&str, &str)],
    args: &[&str],
) -> (Run, String) {
    let mut env = env_for(server);
    env.extend(extra_env.iter().map(|(k, v)| (*k, v.to_string())));
    let lookup = |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
    let logs = Arc::new(Buffer::default());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let argv = std::iter::once("cf-tokens").chain(args.iter().copied());
    let code = cf_tokens::run_logging_to(argv, &lookup, &mut out, &mut err, logs.clone()).await;
    let run = Run {
        code: code.into(),
        stdout: String::from_utf8(out).unwrap(),
        stderr: String::from_utf8(err).unwrap(),
    };
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    (run, logs)
}

/// Where captured logs go: `Arc<Buffer>` is a `MakeWriter`.
#[derive(Default)]
struct Buffer(Mutex<Vec<u8>>);

impl std::io::Write for &Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn verbosity_raises_the_level_of_the_client_and_the_cli() {
    let server = fake().await;
    let verify = ["user", "tokens", "verify"];
    let (run, logs) = logged(&server, &[], &verify).await;
    run.expect(0);
    assert_eq!(logs, "", "quiet by default");

    let (_, logs) = logged(&server, &[], &[&verify[..], &["-v"]].concat()).await;
    assert!(!logs.contains("DEBUG"), "{logs}");

    let (_, logs) = logged(&server, &[], &[&verify[..], &["-vv"]].concat()).await;
    assert!(logs.contains("DEBUG"), "{logs}");
    assert!(
        logs.contains("user_tokens_verify"),
        "each attempt names its operation: {logs}"
    );
    assert!(!logs.contains("TRACE"), "{logs}");
}

#[tokio::test]
async fn rust_log_overrides_the_verbosity() {
    let server = fake().await;
    let verify = ["user", "tokens", "verify"];
    let (_, logs) = logged(&server, &[("RUST_LOG", "cloudflare_tokens=debug")], &verify).await;
    assert!(logs.contains("user_tokens_verify"), "{logs}");

    let (_, logs) = logged(
        &server,
        &[("RUST_LOG", "off")],
        &[&verify[..], &["-vvv"]].concat(),
    )
    .await;
    assert_eq!(logs, "");

    let (run, logs) = logged(
        &server,
        &[("RUST_LOG", "=!=")],
        &[&verify[..], &["-vv"]].concat(),
    )
    .await;
    run.expect(0);
    assert!(
        run.stderr
            .contains("warning: RUST_LOG=\"=!=\" is not a log filter"),
        "{run}"
    );
    assert!(logs.contains("DEBUG"), "-v applies instead: {logs}");
}

#[tokio::test]
async fn the_binary_logs_each_request_on_stderr_with_rust_log() {
    let server = fake().await;
    let mut env = env_for(&server);
    env.push(("RUST_LOG", "trace".to_string()));
    let run = CF_TOKENS
        .run(&env, &["user", "tokens", "verify", "--json"])
        .await;
    run.expect(0);
    assert!(run.stderr.contains("user_tokens_verify"), "{run}");
    // stdout stays the result alone.
    assert_eq!(run.json()["status"], "active");
}

type Env = Vec<(&'static str, String)>;

/// One run of the secrets test: its arguments and environment, and the secret its stdout is
/// there to hand over, if any.
struct Case {
    args: Vec<String>,
    env: Vec<(&'static str, String)>,
    hands_over: Option<String>,
    run: Run,
}

/// Every command at trace level, through the real binary, then every secret looked for in
/// everything each printed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_command_prints_a_secret_at_trace_level() {
    let server = fake().await;
    let dir = tempfile::tempdir().unwrap();
    let base = env_for(&server);
    let (email, api_key) = server.email_key().unwrap();
    let by_key = vec![
        ("CLOUDFLARE_EMAIL", email.to_string()),
        ("CLOUDFLARE_API_KEY", api_key.to_string()),
        ("CLOUDFLARE_BASE_URL", server.base_url()),
        ("CLOUDFLARE_ACCOUNT_ID", ACCOUNT.to_string()),
    ];
    let wrong = vec![
        (
            "CLOUDFLARE_API_TOKEN",
            "not-the-right-token-7f3a9c".to_string(),
        ),
        ("CLOUDFLARE_BASE_URL", server.base_url()),
        ("CLOUDFLARE_ACCOUNT_ID", ACCOUNT.to_string()),
    ];
    let mut secrets: Vec<String> = vec![
        server.bootstrap_token().to_string(),
        api_key.to_string(),
        "not-the-right-token-7f3a9c".to_string(),
    ];
    let mut cases: Vec<Case> = Vec::new();

    let secret_file = dir.path().join("site.token");
    let service = server.create_service_token(AccessScope::Account, ACCOUNT, "seeded");
    secrets.push(str_field(&service, "client_secret").to_string());
    let service_id = str_field(&service, "id").to_string();

    // An account-owned API token, registered with AI Search, for the `account` commands.
    let account_setup = [
        "ai-search",
        "setup",
        "--instance",
        "acct",
        "--website",
        "example.org",
        "--token-owner",
        "account",
    ];
    let (env, args, output) = run(&base, &account_setup, "RUST_LOG").await;
    output.expect(0);
    cases.push(Case {
        args,
        env,
        hands_over: None,
        run: output,
    });
    let account_token = server.state()["account_tokens"][0]["id"]
        .as_str()
        .expect("the setup minted an account token")
        .to_string();
    secrets.push(server.user_token_value(&account_token).unwrap());
    let rolled_file = dir.path().join("rolled.token");

    // (arguments, environment, verbosity, whether stdout hands over a new secret)
    let plan: Vec<(Vec<String>, Env, &str, bool)> = vec![
        (
            strings(&["user", "tokens", "verify"]),
            base.clone(),
            "RUST_LOG",
            false,
        ),
        (
            strings(&["user", "permission-groups"]),
            base.clone(),
            "-vvv",
            false,
        ),
        (
            strings(&[SETUP, &["--json", "--show-secret"]].concat()),
            base.clone(),
            "RUST_LOG",
            true,
        ),
        (strings(SETUP), base.clone(), "-vvv", false),
        (
            strings(&[
                "ai-search",
                "setup",
                "--instance",
                "site",
                "--website",
                "example.com",
                "--secret-file",
                secret_file.to_str().unwrap(),
            ]),
            base.clone(),
            "RUST_LOG",
            false,
        ),
        (
            strings(&["user", "tokens", "list"]),
            base.clone(),
            "RUST_LOG",
            false,
        ),
        (
            strings(&["ai-search", "tokens", "list", "--json"]),
            base.clone(),
            "RUST_LOG",
            false,
        ),
        (
            strings(&["ai-search", "instances", "list"]),
            base.clone(),
            "RUST_LOG",
            false,
        ),
        (
            strings(&["ai-search", "instances", "get", "docs"]),
            base.clone(),
            "-vvv",
            false,
        ),
        (
            strings(&["access", "tokens", "create", "--name", "ci", "--json"]),
            base.clone(),
            "RUST_LOG",
            true,
        ),
        (
            strings(&["access", "tokens", "list", "--json"]),
            base.clone(),
            "RUST_LOG",
            false,
        ),
        (
            strings(&["access", "tokens", "get", &service_id]),
            base.clone(),
            "RUST_LOG",
            false,
        ),
        (
            strings(&[
                "access",
                "tokens",
                "update",
                &service_id,
                "--name",
                "renamed",
            ]),
            base.clone(),
            "RUST_LOG",
            false,
        ),
        (
            strings(&["access", "tokens", "refresh", &service_id]),
            base.clone(),
            "-vvv",
            false,
        ),
        (
            strings(&[
                "access",
                "tokens",
                "rotate",
                &service_id,
                "--grace",
                "1h",
                "--json",
            ]),
            base.clone(),
            "RUST_LOG",
            true,
        ),
        (
            strings(&[
                "access",
                "tokens",
                "rotate",
                &service_id,
                "--secret-file",
                dir.path().join("rotated").to_str().unwrap(),
            ]),
            base.clone(),
            "RUST_LOG",
            false,
        ),
        (
            strings(&["user", "permission-groups"]),
            by_key.clone(),
            "RUST_LOG",
            false,
        ),
        (
            strings(&["ai-search", "tokens", "list"]),
            by_key.clone(),
            "RUST_LOG",
            false,
        ),
        (
            strings(&["user", "tokens", "list"]),
            wrong.clone(),
            "RUST_LOG",
            false,
        ),
        (
            strings(&["access", "tokens", "delete", &service_id]),
            base.clone(),
            "RUST_LOG",
            false,
        ),
        (
            strings(&["account", "tokens", "list", "--json"]),
            base.clone(),
            "RUST_LOG",
            false,
        ),
        (
            strings(&["account", "tokens", "get", &account_token]),
            base.clone(),
            "-vvv",
            false,
        ),
        (
            strings(&["account", "tokens", "verify"]),
            base.clone(),
            "RUST_LOG",
            false,
        ),
        (
            strings(&["account", "permission-groups"]),
            base.clone(),
            "RUST_LOG",
            false,
        ),
        // Refused: AI Search uses the token.
        (
            strings(&["account", "tokens", "roll", &account_token]),
            base.clone(),
            "RUST_LOG",
            false,
        ),
        (
            strings(&[
                "account",
                "tokens",
                "roll",
                &account_token,
                "--force",
                "--json",
            ]),
            base.clone(),
            "RUST_LOG",
            true,
        ),
        (
            strings(&[
                "account",
                "tokens",
                "roll",
                &account_token,
                "--force",
                "--secret-file",
                rolled_file.to_str().unwrap(),
            ]),
            base.clone(),
            "-vvv",
            false,
        ),
    ];
    for (mut args, env, verbosity, hands_over) in plan {
        // The table updates, refreshes and rotates one service token in a row: a rotation of a
        // token changed within the last day must name that change, read here just before.
        if args.starts_with(&strings(&["access", "tokens", "rotate"])) {
            let state = server.state();
            let token = state["access_service_tokens"]
                .as_array()
                .and_then(|tokens| tokens.iter().find(|t| t["id"] == args[3].as_str()))
                .expect("the rotated service token is in the fake");
            let updated_at = token["updated_at"].as_str().expect("its updated_at");
            args.extend(strings(&["--if-unchanged-since", updated_at]));
        }
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let (env, args, output) = run(&env, &argv, verbosity).await;
        let handed = if hands_over {
            let json = output.json();
            Some(
                json["minted_token"]["value"]
                    .as_str()
                    .or(json["client_secret"].as_str())
                    .or(json["value"].as_str())
                    .expect("the secret it hands over")
                    .to_string(),
            )
        } else {
            None
        };
        if let Some(secret) = &handed {
            secrets.push(secret.clone());
        }
        // Every minted token's value, and every registration's `cf_api_key` with it.
        for token in server.user_tokens() {
            if let Some(value) = server.user_token_value(str_field(&token, "id")) {
                secrets.push(value);
            }
        }
        cases.push(Case {
            args,
            env,
            hands_over: handed,
            run: output,
        });
    }
    secrets.push(std::fs::read_to_string(&secret_file).unwrap());
    secrets.push(std::fs::read_to_string(dir.path().join("rotated")).unwrap());
    secrets.push(std::fs::read_to_string(&rolled_file).unwrap());

    // The commands that need them: a setup's dead-token check, and deleting what it made.
    let site_token = server
        .user_tokens()
        .into_iter()
        .find(|t| t["name"] == "ai-search-site")
        .map(|t| str_field(&t, "id").to_string())
        .unwrap();
    let site_registration = server
        .ai_search_tokens(ACCOUNT)
        .into_iter()
        .find(|t| t["name"] == "ai-search-site")
        .map(|t| str_field(&t, "id").to_string())
        .unwrap();
    for args in [
        vec!["user", "tokens", "delete", site_token.as_str()],
        vec!["ai-search", "instances", "delete", "site"],
        vec!["ai-search", "tokens", "get", site_registration.as_str()],
        vec!["ai-search", "tokens", "delete", site_registration.as_str()],
        vec!["user", "tokens", "delete", site_token.as_str()],
    ] {
        let (env, args, output) = run(&base, &args, "RUST_LOG").await;
        cases.push(Case {
            args,
            env,
            hands_over: None,
            run: output,
        });
    }

    secrets.sort();
    secrets.dedup();
    // Three credentials (a token, a Global API key, a wrong token), three minted API token
    // values (each also registered as a `cf_api_key`: two user tokens, one account token), the
    // account token's two rolled values, four Access client secrets (seeded, created, rotated
    // twice).
    assert_eq!(secrets.len(), 12, "{secrets:?}");
    let refused_roll = strings(&["account", "tokens", "roll", &account_token]);
    let mut logged_lines = 0;
    for case in &cases {
        // Failures are part of the test: a wrong token, user token operations refused to a
        // Global API key, a delete or roll refused while AI Search uses the token.
        let has = |var: &(&str, String)| case.env.contains(var);
        let may_fail = has(&wrong[0])
            || (has(&by_key[0]) && case.args.starts_with(&strings(&["user"])))
            || case
                .args
                .starts_with(&strings(&["user", "tokens", "delete"]))
            || case.args == refused_roll;
        if case.args == refused_roll {
            assert!(
                case.run.code == 1 && case.run.stderr.contains("refusing to roll API token"),
                "the roll of a registered token is refused:\n{}",
                case.run
            );
        }
        assert!(
            case.run.code == 0 || (may_fail && case.run.code == 1),
            "{:?} failed:\n{}",
            case.args,
            case.run
        );
        logged_lines += case.run.stderr.lines().count();
        for secret in &secrets {
            assert!(
                !case.run.stderr.contains(secret.as_str()),
                "{:?}: stderr shows a secret:\n{}",
                case.args,
                case.run
            );
            if case.hands_over.as_ref() != Some(secret) {
                assert!(
                    !case.run.stdout.contains(secret.as_str()),
                    "{:?}: stdout shows a secret it is not there to hand over:\n{}",
                    case.args,
                    case.run
                );
            }
        }
    }
    assert!(logged_lines > 100, "the runs logged: {logged_lines} lines");
    eprintln!(
        "{} runs at trace level, {} secrets looked for, {logged_lines} lines of stderr",
        cases.len(),
        secrets.len()
    );
}

/// Runs the binary at trace level, by `RUST_LOG=trace` or by `-vvv`: the environment and the
/// arguments it ran with, and the run.
async fn run(
    env: &[(&'static str, String)],
    args: &[&str],
    verbosity: &str,
) -> (Vec<(&'static str, String)>, Vec<String>, Run) {
    let mut env = env.to_vec();
    let mut argv: Vec<&str> = args.to_vec();
    if verbosity == "-vvv" {
        argv.push("-vvv");
    } else {
        env.push(("RUST_LOG", "trace".to_string()));
    }
    let run = CF_TOKENS.run(&env, &argv).await;
    (env, strings(&argv), run)
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}
