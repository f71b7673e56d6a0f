//! The real `cf-tokens` binary, as a user's shell runs it: the environment, the streams and the
//! exit code all come from the process.

use fake_cloudflare::FakeCloudflare;

use crate::CF_TOKENS;

/// `vars` as the binary's whole environment.
fn env(vars: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    vars.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

#[tokio::test]
async fn runs_against_the_api_named_in_the_environment() {
    let server = FakeCloudflare::start().await.unwrap();
    let base_url = server.base_url();
    let vars = env(&[
        ("CLOUDFLARE_API_TOKEN", server.bootstrap_token()),
        ("CLOUDFLARE_BASE_URL", base_url.as_str()),
    ]);
    let run = CF_TOKENS
        .run(&vars, &["user", "tokens", "verify", "--json"])
        .await;
    run.expect(0);
    let verified: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(verified["status"], "active");
    assert_eq!(server.requests_for("user_tokens_verify").len(), 1);
}

#[tokio::test]
async fn exit_codes_reach_the_shell() {
    let usage = CF_TOKENS
        .run(
            &env(&[("CLOUDFLARE_API_TOKEN", "t")]),
            &["ai-search", "tokens", "list"],
        )
        .await;
    usage.expect(2);
    assert!(usage.stderr.contains("--account-id"), "{usage}");
    assert!(usage.stdout.is_empty());

    let help = CF_TOKENS.run(&[], &["--help"]).await;
    help.expect(0);
    assert!(help.stdout.contains("Usage: cf-tokens"));

    let server = FakeCloudflare::start().await.unwrap();
    let base_url = server.base_url();
    let failed = CF_TOKENS
        .run(
            &env(&[
                ("CLOUDFLARE_API_TOKEN", "not-a-known-token"),
                ("CLOUDFLARE_BASE_URL", &base_url),
            ]),
            &["user", "tokens", "list"],
        )
        .await;
    failed.expect(1);
    assert!(
        failed.stderr.contains("401") && failed.stderr.contains("10000"),
        "{failed}"
    );
}
