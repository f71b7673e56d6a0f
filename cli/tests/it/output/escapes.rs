//! Text from the server reaches a terminal with its control characters escaped: names in tables
//! and summaries, Cloudflare's error messages, refusals that quote a name. JSON stays exact.

use fake_cloudflare::{AccessScope, Fault};

use crate::CF_TOKENS;
use test_support::cli::{cf, env_for};
use test_support::fake::fake;
use test_support::{ACCOUNT, str_field};

/// A name that would retitle the window, clear the screen, ring the bell and overwrite the line.
const EVIL: &str = "evil\u{1b}]0;pwned\u{7}\u{1b}[2J\rname\u{9b}31m\u{202e}";
/// How it is shown instead.
const SHOWN: &str = "evil\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\rname\\u{9b}31m\\u{202e}";

/// Asserts that nothing a terminal would act on is in the text: no C0 control but newline, no
/// DEL, no C1 control, no bidirectional override.
#[track_caller]
fn assert_inert(text: &str, context: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| (c.is_control() && c != '\n') || c == '\u{202e}')
        .collect();
    assert!(bad.is_empty(), "{context}: {bad:?} in {text:?}");
}

#[tokio::test]
async fn names_in_tables_and_summaries_are_escaped() {
    let server = fake().await;
    let user_token = server.create_user_token(EVIL);
    let registration = server.register_ai_search_token(ACCOUNT, EVIL, &user_token.id);
    let service = server.create_service_token(AccessScope::Account, ACCOUNT, EVIL);
    let registration_id = str_field(&registration, "id");
    let service_id = str_field(&service, "id");
    for args in [
        vec!["user", "tokens", "list"],
        vec!["ai-search", "tokens", "list"],
        vec!["ai-search", "tokens", "get", registration_id],
        vec!["access", "tokens", "list"],
        vec!["access", "tokens", "get", service_id],
    ] {
        let run = cf(&server, &args).await;
        run.expect(0);
        assert_inert(&run.stdout, &format!("{args:?} stdout"));
        assert_inert(&run.stderr, &format!("{args:?} stderr"));
        assert!(run.stdout.contains(SHOWN), "{args:?}:\n{run}");
    }
}

#[tokio::test]
async fn json_output_keeps_the_exact_text() {
    let server = fake().await;
    server.create_user_token(EVIL);
    let run = cf(&server, &["user", "tokens", "list", "--json"]).await;
    run.expect(0);
    assert_eq!(run.json()[0]["name"], EVIL);
}

#[tokio::test]
async fn error_messages_quoting_the_server_are_escaped() {
    let server = fake().await;
    server.inject(Fault::fail("user_tokens_list", 400, 1001, EVIL));
    let run = cf(&server, &["user", "tokens", "list"]).await;
    run.expect(1);
    assert_inert(&run.stderr, "the error");
    assert!(
        run.stderr.contains(&format!("error 1001: {SHOWN}")),
        "{run}"
    );

    // Through the real binary's stderr as well.
    server.inject(Fault::fail("user_tokens_verify", 400, 1001, EVIL));
    let run = CF_TOKENS
        .run(&env_for(&server), &["user", "tokens", "verify"])
        .await;
    run.expect(1);
    assert_inert(&run.stderr, "the binary's error");
    assert!(run.stderr.contains(SHOWN), "{run}");
}

#[tokio::test]
async fn a_refusal_quoting_a_registration_name_is_escaped() {
    let server = fake().await;
    let token = server.create_user_token("plain");
    server.register_ai_search_token(ACCOUNT, EVIL, &token.id);
    let run = cf(&server, &["user", "tokens", "delete", &token.id]).await;
    run.expect(1);
    assert_inert(&run.stderr, "the refusal");
    assert!(run.stderr.contains(SHOWN), "{run}");
    assert!(server.user_token(&token.id).is_some());
}

#[tokio::test]
async fn setup_progress_and_summary_are_escaped() {
    let server = fake().await;
    // The setup's name is the user's, but what it reports back comes from the server.
    let run = cf(
        &server,
        &[
            "ai-search",
            "setup",
            "--instance",
            "docs",
            "--r2-bucket",
            "docs-bucket",
            "--token-name",
            EVIL,
        ],
    )
    .await;
    run.expect(0);
    assert_inert(&run.stdout, "stdout");
    assert_inert(&run.stderr, "stderr");
}
