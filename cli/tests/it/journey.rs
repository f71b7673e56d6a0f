//! The whole documented journey with the real binary against the fake: from an empty account to
//! an indexed instance in a namespace with an account-owned token, a first search, and the
//! service token renewed with the instance still answering.

use fake_cloudflare::{FakeCloudflare, Fault};
use serde_json::Value;

use crate::CF_TOKENS;
use test_support::cli::{cf, env_for};
use test_support::{ACCOUNT, str_field};

const JOURNEY: &[&str] = &[
    "ai-search",
    "setup",
    "--instance",
    "docs",
    "--namespace",
    "docs",
    "--r2-bucket",
    "docs-bucket",
    "--create-bucket",
    "--token-owner",
    "account",
    "--wait",
];

/// A fake with nothing in it, indexing 4 items over 2 reads of the stats.
async fn empty_account() -> FakeCloudflare {
    let server = FakeCloudflare::start().await.expect("the fake starts");
    server.set_indexing(4, 2);
    server
}

fn account_tokens(server: &FakeCloudflare) -> Vec<Value> {
    server.state()["account_tokens"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn from_an_empty_account_to_a_first_search_and_a_renewed_token() {
    let server = empty_account().await;
    let env = env_for(&server);

    let setup = CF_TOKENS.run(&env, JOURNEY).await;
    setup.expect(0);
    // Progress as plain lines (stderr is a pipe), from queued to done.
    assert!(
        setup.stderr.contains("created R2 bucket docs-bucket"),
        "{setup}"
    );
    assert!(setup.stderr.contains("created namespace docs"), "{setup}");
    assert!(
        setup
            .stderr
            .contains("indexing: 0 of 4 items indexed (2 running, 2 queued, 0 failed, 0 skipped)"),
        "{setup}"
    );
    assert!(
        setup.stderr.contains("indexing done: 4 of 4 items indexed"),
        "{setup}"
    );
    // The token is the account's, and no user token was made.
    assert_eq!(server.user_tokens(), Vec::<Value>::new());
    let tokens = account_tokens(&server);
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    let old_token = str_field(&tokens[0], "id").to_string();
    assert_eq!(tokens[0]["name"], "ai-search-docs");
    let old_value = server.user_token_value(&old_token).expect("a value");
    setup.assert_hides(&old_value);
    let instance = &server.ai_search_instances(ACCOUNT)[0];
    assert_eq!(instance["namespace"], "docs");
    assert_eq!(instance["source"], "docs-bucket");

    let search = CF_TOKENS
        .run(
            &env,
            &[
                "ai-search",
                "search",
                "docs",
                "how do I set up",
                "--namespace",
                "docs",
            ],
        )
        .await;
    search.expect(0);
    assert!(search.stdout.contains("docs-bucket/doc-1.md"), "{search}");
    assert!(
        search
            .stdout
            .contains("Part 1 of docs-bucket, about how do I set up."),
        "{search}"
    );
    assert_eq!(
        search.stdout.lines().count(),
        5,
        "a header and 4 chunks:\n{search}"
    );

    let registration = str_field(&server.ai_search_tokens(ACCOUNT)[0], "id").to_string();
    let rotate = CF_TOKENS
        .run(&env, &["ai-search", "tokens", "rotate", &registration])
        .await;
    rotate.expect(0);
    let tokens = account_tokens(&server);
    assert_eq!(tokens.len(), 1, "the old token is gone: {tokens:?}");
    let new_token = str_field(&tokens[0], "id").to_string();
    assert_ne!(new_token, old_token);
    assert_eq!(
        tokens[0]["policies"][0]["resources"],
        serde_json::json!({
            format!("com.cloudflare.api.account.{ACCOUNT}"): "*"
        })
    );
    assert_eq!(
        server.ai_search_tokens(ACCOUNT)[0]["cf_api_id"],
        new_token.as_str()
    );
    rotate.assert_hides(&server.user_token_value(&new_token).expect("a value"));
    assert!(rotate.stdout.contains(&new_token), "{rotate}");

    // The instance still answers, through the renewed registration.
    let after = CF_TOKENS
        .run(
            &env,
            &[
                "ai-search",
                "search",
                "docs",
                "again",
                "--namespace",
                "docs",
                "--json",
            ],
        )
        .await;
    after.expect(0);
    assert_eq!(after.json()["chunks"].as_array().map(Vec::len), Some(4));
    let got = CF_TOKENS
        .run(
            &env,
            &[
                "ai-search",
                "instances",
                "get",
                "docs",
                "--namespace",
                "docs",
                "--json",
            ],
        )
        .await;
    got.expect(0);
    assert_eq!(got.json()["token_id"], registration.as_str());
}

#[tokio::test]
async fn a_missing_bucket_stops_the_setup_before_anything_changes() {
    let server = empty_account().await;
    let run = cf(
        &server,
        &[
            "ai-search",
            "setup",
            "--instance",
            "docs",
            "--r2-bucket",
            "nowhere",
            "--namespace",
            "docs",
        ],
    )
    .await;
    run.expect(1);
    assert!(
        run.stderr.contains(&format!(
            "R2 bucket \"nowhere\" does not exist in account {ACCOUNT}"
        )),
        "{run}"
    );
    let changes: Vec<String> = server
        .requests()
        .iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(changes, Vec::<String>::new());
    assert_eq!(server.requests().len(), 1, "only the bucket was looked up");
}

#[tokio::test]
async fn the_wait_ends_at_its_timeout_with_how_far_indexing_got() {
    let server = empty_account().await;
    server.set_indexing(10, u32::MAX);
    server.create_r2_bucket(ACCOUNT, "docs-bucket");
    let run = cf(
        &server,
        &[
            "ai-search",
            "setup",
            "--instance",
            "docs",
            "--r2-bucket",
            "docs-bucket",
            "--wait",
            "--wait-timeout",
            "1s",
        ],
    )
    .await;
    run.expect(1);
    assert!(
        run.stderr.contains("did not finish within 1s: ")
            && run.stderr.contains(" of 10 items indexed"),
        "{run}"
    );
    // The instance stays.
    assert_eq!(server.ai_search_instances(ACCOUNT).len(), 1);
}

/// A finished flat setup with a user token; the registration's id.
async fn set_up(server: &FakeCloudflare) -> String {
    server.create_r2_bucket(ACCOUNT, "docs-bucket");
    cf(
        server,
        &[
            "ai-search",
            "setup",
            "--instance",
            "docs",
            "--r2-bucket",
            "docs-bucket",
        ],
    )
    .await
    .expect(0);
    str_field(&server.ai_search_tokens(ACCOUNT)[0], "id").to_string()
}

#[tokio::test]
async fn a_rotation_whose_update_fails_leaves_everything_as_it_was() {
    let server = empty_account().await;
    let registration = set_up(&server).await;
    let before = server.user_tokens();
    server.inject(Fault::fail("ai_search_tokens_update", 400, 7002, "refused"));
    let run = cf(&server, &["ai-search", "tokens", "rotate", &registration]).await;
    run.expect(1);
    assert!(
        run.stderr.contains("the registration still uses API token"),
        "{run}"
    );
    assert!(run.stderr.contains("was deleted"), "{run}");
    // The new token is gone again; the old one and the registration are untouched.
    let ids = |tokens: &[Value]| tokens.iter().map(|t| t["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&server.user_tokens()), ids(&before));
    assert_eq!(
        server.ai_search_tokens(ACCOUNT)[0]["cf_api_id"],
        before[0]["id"]
    );
}

#[tokio::test]
async fn a_rotation_that_cannot_delete_the_old_token_says_so() {
    let server = empty_account().await;
    let registration = set_up(&server).await;
    let old = str_field(&server.user_tokens()[0], "id").to_string();
    server.inject(Fault::fail("user_tokens_delete", 403, 9109, "denied"));
    let run = cf(
        &server,
        &[
            "ai-search",
            "tokens",
            "rotate",
            &registration,
            "--show-secret",
        ],
    )
    .await;
    run.expect(1);
    assert!(
        run.stderr
            .contains(&format!("the old one, {old}, is still there")),
        "{run}"
    );
    // The registration uses the new token, which works; both tokens exist.
    let tokens = server.user_tokens();
    assert_eq!(tokens.len(), 2);
    let named = server.ai_search_tokens(ACCOUNT)[0]["cf_api_id"].clone();
    assert_ne!(named, old.as_str());
}
