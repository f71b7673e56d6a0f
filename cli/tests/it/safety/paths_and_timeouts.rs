//! What the client refuses, as the command line reports it: ids that would change the request's
//! path are usage errors naming the argument (exit 2, nothing sent), and `--timeout` bounds each
//! call (a bad value is a usage error naming the option).

use test_support::ACCOUNT;
use test_support::adversary::{Reply, Server};
use test_support::cli::{Run, cf, env_for, run_with};
use test_support::fake::fake;

/// Checks a run refused before sending anything, naming `argument`.
#[track_caller]
fn assert_refused(run: &Run, argument: &str, parameter: &str) {
    run.expect(2);
    assert!(run.stdout.is_empty(), "{run}");
    assert!(
        run.stderr
            .starts_with(&format!("error: invalid {argument}: ")),
        "{run}"
    );
    assert!(
        run.stderr
            .contains(&format!("path parameter `{parameter}`")),
        "{run}"
    );
    assert!(
        run.stderr.contains("For more information, try '--help'."),
        "{run}"
    );
}

#[tokio::test]
async fn ids_that_would_change_the_path_are_usage_errors() {
    let server = fake().await;
    for (args, argument, parameter) in [
        (
            &["user", "tokens", "delete", "--force", ".."][..],
            "ID",
            "token_id",
        ),
        (
            &["user", "tokens", "delete", "--force", ""],
            "ID",
            "token_id",
        ),
        (&["user", "tokens", "delete", ".."], "ID", "token_id"),
        (
            &["access", "tokens", "rotate", "."],
            "ID",
            "service_token_id",
        ),
        (
            &["access", "tokens", "refresh", ".."],
            "ID",
            "service_token_id",
        ),
        (
            &["access", "tokens", "get", "a\u{1b}[2Jb"],
            "ID",
            "service_token_id",
        ),
        (&["ai-search", "instances", "delete", ".."], "ID", "id"),
        (
            &["access", "tokens", "list", "--account-id", ".."],
            "--account-id (or CLOUDFLARE_ACCOUNT_ID)",
            "account_id",
        ),
        (
            &["--account-id", "..", "ai-search", "tokens", "list"],
            "--account-id (or CLOUDFLARE_ACCOUNT_ID)",
            "account_id",
        ),
        (
            &["access", "tokens", "list", "--zone-id", "."],
            "--zone-id",
            "zone_id",
        ),
    ] {
        let run = cf(&server, args).await;
        assert_refused(&run, argument, parameter);
        // The escape sequence is shown escaped, never sent to the terminal.
        assert!(!run.stderr.contains('\u{1b}'), "{args:?}: {run}");
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test]
async fn an_account_from_the_environment_is_checked_too() {
    let server = fake().await;
    let mut env = env_for(&server);
    for (name, value) in &mut env {
        if *name == "CLOUDFLARE_ACCOUNT_ID" {
            *value = "..".into();
        }
    }
    let run = run_with(&env, &["ai-search", "instances", "list"]).await;
    assert_refused(
        &run,
        "--account-id (or CLOUDFLARE_ACCOUNT_ID)",
        "account_id",
    );
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test]
async fn a_bad_timeout_is_a_usage_error_naming_the_option() {
    let server = fake().await;
    for bad in ["soon", "0s", "-1s", "5", "1 fortnight"] {
        let option = format!("--timeout={bad}");
        let run = cf(&server, &[&option, "user", "tokens", "verify"]).await;
        run.expect(2);
        assert!(run.stderr.contains("--timeout <DURATION>"), "{bad}: {run}");
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn the_timeout_bounds_each_call() {
    let hanging = Server::always(Reply::Hang).await;
    let env = vec![
        ("CLOUDFLARE_API_TOKEN", "timeout-test-token".to_string()),
        ("CLOUDFLARE_BASE_URL", hanging.base_url()),
        ("CLOUDFLARE_ACCOUNT_ID", ACCOUNT.to_string()),
    ];
    let run = run_with(&env, &["user", "tokens", "verify", "--timeout", "500ms"]).await;
    run.expect(1);
    assert!(
        run.stderr.contains("deadline passed")
            && run
                .stderr
                .contains("no answer within the call's deadline of 500ms"),
        "{run}"
    );
    assert!(
        run.stderr
            .contains("hint: give calls longer with --timeout"),
        "{run}"
    );
    assert_eq!(hanging.requests().len(), 1);

    // A generous timeout lets a call through.
    let server = fake().await;
    let run = cf(&server, &["--timeout", "1m", "user", "tokens", "verify"]).await;
    run.expect(0);
}
