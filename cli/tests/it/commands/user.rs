//! `cf-tokens user …` end to end against the fake, above all the refusal to delete an API token
//! that AI Search still uses.

use test_support::adversary::{self, Server};
use test_support::cli::{cf, env_for, run_with};
use test_support::fake::fake;
use test_support::{ACCOUNT, str_field};

#[tokio::test]
async fn deleting_a_token_ai_search_uses_needs_force() {
    let server = fake().await;
    cf(
        &server,
        &[
            "ai-search",
            "setup",
            "--instance",
            "docs",
            "--r2-bucket",
            "b",
        ],
    )
    .await
    .expect(0);
    let token_id = str_field(&server.user_tokens()[0], "id").to_string();
    let registration = str_field(&server.ai_search_tokens(ACCOUNT)[0], "id").to_string();

    let refused = cf(&server, &["user", "tokens", "delete", &token_id]).await;
    refused.expect(1);
    assert!(
        refused.stderr.contains("refusing to delete API token"),
        "{refused}"
    );
    assert!(refused.stderr.contains(&registration), "{refused}");
    assert!(refused.stderr.contains("instance(s) docs"), "{refused}");
    assert!(refused.stderr.contains("--force"), "{refused}");
    assert!(server.user_token(&token_id).is_some());
    assert!(server.requests_for("user_tokens_delete").is_empty());

    let forced = cf(&server, &["user", "tokens", "delete", &token_id, "--force"]).await;
    forced.expect(0);
    assert!(
        forced
            .stdout
            .contains(&format!("deleted API token {token_id}")),
        "{forced}"
    );
    assert!(server.user_token(&token_id).is_none());
}

#[tokio::test]
async fn a_token_registered_in_another_account_or_nowhere_is_deleted() {
    let server = fake().await;
    let free = server.create_user_token("free");
    let elsewhere = server.create_user_token("elsewhere");
    server.register_ai_search_token("another-account", "elsewhere", &elsewhere.id);

    cf(&server, &["user", "tokens", "delete", &free.id])
        .await
        .expect(0);
    cf(&server, &["user", "tokens", "delete", &elsewhere.id])
        .await
        .expect(0);
    assert!(server.user_tokens().is_empty());
    // Each delete looked at the account's registrations first.
    assert_eq!(server.requests_for("ai_search_tokens_list").len(), 2);
}

#[tokio::test]
async fn without_an_account_the_check_cannot_be_made() {
    let server = fake().await;
    let token = server.create_user_token("t");
    let env: Vec<_> = env_for(&server)
        .into_iter()
        .filter(|(k, _)| *k != "CLOUDFLARE_ACCOUNT_ID")
        .collect();
    let run = run_with(&env, &["user", "tokens", "delete", &token.id]).await;
    run.expect(2);
    assert!(
        run.stderr.contains("--account-id") && run.stderr.contains("--force"),
        "{run}"
    );
    assert!(server.requests().is_empty());
    run_with(&env, &["user", "tokens", "delete", &token.id, "--force"])
        .await
        .expect(0);
    assert!(server.user_token(&token.id).is_none());
}

#[tokio::test]
async fn a_failed_check_deletes_nothing() {
    let server = fake().await;
    let token = server.create_user_token("t");
    server.inject(fake_cloudflare::Fault::fail(
        "ai_search_tokens_list",
        403,
        10000,
        "Authentication error",
    ));
    let run = cf(&server, &["user", "tokens", "delete", &token.id]).await;
    run.expect(1);
    assert!(
        run.stderr
            .contains("check whether AI Search uses API token"),
        "{run}"
    );
    assert!(
        run.stderr.contains("403") && run.stderr.contains("10000"),
        "{run}"
    );
    assert!(server.user_token(&token.id).is_some());
}

#[tokio::test]
async fn verify_list_and_permission_groups_read_like_tables() {
    let server = fake().await;
    let token = server.create_user_token("reader");

    let verify = cf(&server, &["user", "tokens", "verify"]).await;
    verify.expect(0);
    assert!(
        verify.stdout.contains(fake_cloudflare::BOOTSTRAP_TOKEN_ID),
        "{verify}"
    );
    assert!(verify.stdout.contains("active"), "{verify}");

    let list = cf(&server, &["user", "tokens", "list"]).await;
    list.expect(0);
    assert!(list.stdout.starts_with("ID "), "{list}");
    assert!(
        list.stdout.contains(&token.id) && list.stdout.contains("reader"),
        "{list}"
    );
    list.assert_hides(&token.value);

    let groups = cf(
        &server,
        &[
            "user",
            "permission-groups",
            "--name",
            "AI Search Index Engine",
        ],
    )
    .await;
    groups.expect(0);
    assert!(
        groups
            .stdout
            .contains(fake_cloudflare::AI_SEARCH_INDEX_ENGINE),
        "{groups}"
    );
    assert_eq!(
        groups.stdout.lines().count(),
        2,
        "a header and one group: {groups}"
    );
}

#[tokio::test]
async fn an_email_and_key_work_too() {
    let server = fake().await;
    let (email, key) = server.email_key().unwrap();
    let env = vec![
        ("CLOUDFLARE_EMAIL", email.to_string()),
        ("CLOUDFLARE_API_KEY", key.to_string()),
    ];
    // The base URL from the flag rather than the environment.
    let run = run_with(
        &env,
        &[
            "--base-url",
            &server.base_url(),
            "ai-search",
            "tokens",
            "list",
            "--account-id",
            ACCOUNT,
        ],
    )
    .await;
    run.expect(0);
    assert!(run.stdout.contains("no AI Search tokens"), "{run}");
    let request = &server.requests()[0];
    assert_eq!(request.header("x-auth-email"), Some(email));
}

#[tokio::test]
async fn a_delete_answered_with_a_null_result_succeeds() {
    // The spec lets the answer to a delete carry `"result": null`: the token is gone all the
    // same, and the command says so with the id it was given.
    let server = Server::always(adversary::json(
        200,
        &serde_json::json!({"success": true, "errors": [], "messages": [], "result": null}),
    ))
    .await;
    let env = vec![
        ("CLOUDFLARE_API_TOKEN", "null-result-test-token".to_string()),
        ("CLOUDFLARE_BASE_URL", server.base_url()),
    ];
    let id = "ed17574386854bf78a67040be0a770b0";
    let run = run_with(&env, &["user", "tokens", "delete", "--force", id]).await;
    run.expect(0);
    assert_eq!(run.stdout, format!("deleted API token {id}\n"), "{run}");
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].method, "DELETE");
    assert_eq!(requests[0].target, format!("/client/v4/user/tokens/{id}"));

    let run = run_with(&env, &["--json", "user", "tokens", "delete", "--force", id]).await;
    run.expect(0);
    assert_eq!(run.stdout.trim(), "{}", "{run}");
}
