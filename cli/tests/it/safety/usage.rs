//! Usage errors exit 2 before any request is sent; `--help` and `--version` exit 0.

use fake_cloudflare::FakeCloudflare;
use test_support::ACCOUNT;
use test_support::cli::{Run, env_for, run_with};
use test_support::fake::fake;

/// The fake's environment without an account.
fn no_account(server: &FakeCloudflare) -> Vec<(&'static str, String)> {
    env_for(server)
        .into_iter()
        .filter(|(k, _)| *k != "CLOUDFLARE_ACCOUNT_ID")
        .collect()
}

/// Runs `args` without an account in the environment and checks it is a usage error that sent
/// nothing.
async fn usage_error(server: &FakeCloudflare, args: &[&str]) -> Run {
    let run = run_with(&no_account(server), args).await;
    run.expect(2);
    assert!(run.stdout.is_empty(), "{run}");
    assert!(run.stderr.starts_with("error: "), "{run}");
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    run
}

#[tokio::test]
async fn account_commands_need_an_account() {
    let server = fake().await;
    for args in [
        &["ai-search", "tokens", "list"][..],
        &["ai-search", "instances", "get", "docs"],
        &[
            "ai-search",
            "setup",
            "--instance",
            "docs",
            "--website",
            "example.com",
        ],
        &["access", "tokens", "list"],
        &["access", "tokens", "rotate", "some-id"],
    ] {
        let run = usage_error(&server, args).await;
        assert!(run.stderr.contains("--account-id"), "{args:?}: {run}");
        assert!(
            run.stderr.contains("CLOUDFLARE_ACCOUNT_ID"),
            "{args:?}: {run}"
        );
    }
}

#[tokio::test]
async fn setup_takes_exactly_one_source() {
    let server = fake().await;
    let both = &[
        "--account-id",
        ACCOUNT,
        "ai-search",
        "setup",
        "--instance",
        "docs",
        "--r2-bucket",
        "b",
        "--website",
        "example.com",
    ];
    let run = usage_error(&server, both).await;
    assert!(run.stderr.contains("cannot be used with"), "{run}");
    let neither = &[
        "--account-id",
        ACCOUNT,
        "ai-search",
        "setup",
        "--instance",
        "docs",
    ];
    usage_error(&server, neither).await;
}

#[tokio::test]
async fn refresh_and_rotate_refuse_a_zone() {
    let server = fake().await;
    for command in ["rotate", "refresh"] {
        let args = [
            "--account-id",
            ACCOUNT,
            "access",
            "tokens",
            command,
            "id",
            "--zone-id",
            "z",
        ];
        let run = usage_error(&server, &args).await;
        assert!(run.stderr.contains("--zone-id cannot be used"), "{run}");
        assert!(
            run.stderr.contains("only the service tokens of an account"),
            "{run}"
        );
    }
    // An explicit account next to a zone is ambiguous.
    let args = [
        "--account-id",
        ACCOUNT,
        "access",
        "tokens",
        "list",
        "--zone-id",
        "z",
    ];
    usage_error(&server, &args).await;
}

#[tokio::test]
async fn ai_search_token_ids_are_uuids() {
    let server = fake().await;
    for command in ["get", "delete"] {
        let args = [
            "--account-id",
            ACCOUNT,
            "ai-search",
            "tokens",
            command,
            "not-a-uuid",
        ];
        let run = usage_error(&server, &args).await;
        assert!(run.stderr.contains("UUID"), "{run}");
    }
}

#[tokio::test]
async fn bad_values_and_missing_arguments_are_usage_errors() {
    let server = fake().await;
    let account = ["--account-id", ACCOUNT];
    for args in [
        &["access", "tokens", "rotate", "id", "--grace", "soon"][..],
        &["access", "tokens", "update", "id", "--enabled", "maybe"],
        &["access", "tokens", "update", "id"],
        &["access", "tokens", "create"],
        &["user", "tokens", "get", "id"],
        &["nonsense"],
        &[],
    ] {
        let full: Vec<&str> = account.iter().chain(args).copied().collect();
        usage_error(&server, &full).await;
    }
}

#[tokio::test]
async fn missing_or_half_credentials_are_usage_errors() {
    let server = fake().await;
    let base = ("CLOUDFLARE_BASE_URL", server.base_url());
    let none = run_with(std::slice::from_ref(&base), &["user", "tokens", "verify"]).await;
    none.expect(2);
    assert!(none.stderr.contains("CLOUDFLARE_API_TOKEN"), "{none}");
    let half = run_with(
        &[base, ("CLOUDFLARE_EMAIL", "a@b.c".into())],
        &["user", "tokens", "verify"],
    )
    .await;
    half.expect(2);
    assert!(half.stderr.contains("CLOUDFLARE_API_KEY"), "{half}");
    let bad_url = run_with(
        &[("CLOUDFLARE_API_TOKEN", "t".into())],
        &["--base-url", "not a url", "user", "tokens", "verify"],
    )
    .await;
    bad_url.expect(2);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn help_and_version_go_to_stdout() {
    for args in [
        &["--help"][..],
        &["access", "tokens", "--help"],
        &["--version"],
    ] {
        let run = run_with(&[], args).await;
        run.expect(0);
        assert!(run.stdout.contains("cf-tokens"), "{run}");
        assert!(run.stderr.is_empty(), "{run}");
    }
}

#[tokio::test]
async fn an_unreachable_api_is_a_failure_not_a_usage_error() {
    // A port nothing listens on: bind one, then let it go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = [
        ("CLOUDFLARE_API_TOKEN", "t".to_string()),
        (
            "CLOUDFLARE_BASE_URL",
            format!("http://127.0.0.1:{port}/client/v4"),
        ),
    ];
    let run = run_with(&env, &["user", "tokens", "verify"]).await;
    run.expect(1);
    assert!(
        run.stderr.contains("could not verify the API token"),
        "{run}"
    );
    assert!(run.stderr.contains("no answer"), "{run}");
}
