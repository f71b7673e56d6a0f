//! The real `cf-tokens` binary, as a user's shell runs it: the environment, the streams and the
//! exit code all come from the process.

use fake_cloudflare::FakeCloudflare;
use tokio::process::Command;

const BINARY: &str = env!("CARGO_BIN_EXE_cf-tokens");

/// The binary with only the variables given, so the test's own environment cannot leak in.
fn cf_tokens(vars: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BINARY);
    command.env_clear().envs(vars.iter().copied());
    command
}

#[tokio::test]
async fn runs_against_the_api_named_in_the_environment() {
    let server = FakeCloudflare::start().await.unwrap();
    let base_url = server.base_url();
    let vars = [
        ("CLOUDFLARE_API_TOKEN", server.bootstrap_token()),
        ("CLOUDFLARE_BASE_URL", base_url.as_str()),
    ];
    let output = cf_tokens(&vars)
        .args(["user", "tokens", "verify", "--json"])
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let verified: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(verified["status"], "active");
    assert_eq!(server.requests_for("user_tokens_verify").len(), 1);
}

#[tokio::test]
async fn exit_codes_reach_the_shell() {
    let usage = cf_tokens(&[("CLOUDFLARE_API_TOKEN", "t")])
        .args(["ai-search", "tokens", "list"])
        .output()
        .await
        .unwrap();
    assert_eq!(usage.status.code(), Some(2), "{usage:?}");
    let stderr = String::from_utf8_lossy(&usage.stderr);
    assert!(stderr.contains("--account-id"), "{stderr}");
    assert!(usage.stdout.is_empty());

    let help = cf_tokens(&[]).arg("--help").output().await.unwrap();
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("Usage: cf-tokens"));

    let server = FakeCloudflare::start().await.unwrap();
    let base_url = server.base_url();
    let failed = cf_tokens(&[
        ("CLOUDFLARE_API_TOKEN", "not-a-known-token"),
        ("CLOUDFLARE_BASE_URL", &base_url),
    ])
    .args(["user", "tokens", "list"])
    .output()
    .await
    .unwrap();
    assert_eq!(failed.status.code(), Some(1), "{failed:?}");
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.contains("401") && stderr.contains("10000"),
        "{stderr}"
    );
}
