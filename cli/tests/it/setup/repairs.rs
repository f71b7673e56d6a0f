//! What a setup run repairs and what it never does, one case at a time: dead registrations,
//! lost answers, orphans, the order of a rollback, and a token whose value never arrived.

use fake_cloudflare::Fault;

use super::converges::{assert_converged, mint_like_the_setup};
use super::{NAME, SETUP};
use test_support::cli::{cf, run_with};
use test_support::fake::fake;
use test_support::{ACCOUNT, str_field};

/// The operation ids of the requests the fake received, in order.
fn operations(server: &fake_cloudflare::FakeCloudflare) -> Vec<String> {
    server
        .requests()
        .into_iter()
        .map(|r| r.operation.unwrap_or_default())
        .collect()
}

/// The last path segment of each request of `operation`: the ids a delete or get named.
fn ids_of(server: &fake_cloudflare::FakeCloudflare, operation: &str) -> Vec<String> {
    server
        .requests_for(operation)
        .iter()
        .map(|r| r.path.rsplit('/').next().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn an_instance_whose_token_was_deleted_gets_its_registration_repaired_not_reused() {
    let server = fake().await;
    cf(&server, SETUP).await.expect(0);
    let dead = str_field(&server.user_tokens()[0], "id").to_string();
    let registration = server.ai_search_tokens(ACCOUNT)[0]["id"].clone();
    cf(&server, &["user", "tokens", "delete", "--force", &dead])
        .await
        .expect(0);
    server.clear_requests();

    let run = cf(&server, SETUP).await;
    run.expect(0);
    assert_converged(&server, "after the repair");
    assert_eq!(
        server.ai_search_tokens(ACCOUNT)[0]["id"],
        registration,
        "the same registration, repaired"
    );
    let live = str_field(&server.user_tokens()[0], "id").to_string();
    // The dead token's health check, then the chain read back: the live one.
    assert_eq!(
        ids_of(&server, "user_tokens_get"),
        [dead.clone(), live.clone()]
    );
    let puts = server.requests_for("ai_search_tokens_update");
    assert_eq!(puts.len(), 1, "{run}");
    assert_eq!(puts[0].body.as_ref().unwrap()["cf_api_id"], live.as_str());
    assert!(
        run.stderr
            .contains(&format!("names API token {dead}, which is deleted")),
        "{run}"
    );
    assert!(
        run.stdout
            .contains("repaired now: its API token was gone or inactive"),
        "{run}"
    );
    assert_eq!(server.requests_for("ai_search_tokens_create").len(), 0);
}

#[tokio::test]
async fn a_registration_naming_a_disabled_token_is_repaired_and_the_old_token_deleted() {
    let server = fake().await;
    let old = mint_like_the_setup(&server, ACCOUNT).await;
    server.register_ai_search_token(ACCOUNT, NAME, &old);
    // Disable it through the API, as a person might.
    let token = server.user_token(&old).unwrap();
    let policies = token["policies"].clone();
    disable(&server, &old, policies).await;
    server.clear_requests();

    let run = cf(&server, SETUP).await;
    run.expect(0);
    assert!(run.stderr.contains("which is disabled"), "{run}");
    assert_converged(&server, "after repairing a disabled token");
    // The disabled token is named by no registration any more: an orphan, deleted.
    assert!(server.user_token(&old).is_none(), "{run}");
    assert!(
        run.stderr
            .contains("deleted 1 orphaned token from an interrupted run"),
        "{run}"
    );
}

/// Disables API token `id`, through the API.
async fn disable(server: &fake_cloudflare::FakeCloudflare, id: &str, policies: serde_json::Value) {
    use cloudflare_tokens::{Client, Credentials, Secret, types};
    let client = Client::builder(Credentials::ApiToken(Secret::new(server.bootstrap_token())))
        .base_url(server.base_url())
        .build()
        .unwrap();
    let policies: Vec<types::TokenPolicy> = serde_json::from_value(policies).unwrap();
    let body = types::UserTokenUpdate {
        status: Some(types::TokenStatus::Disabled),
        ..types::UserTokenUpdate::new(NAME, policies)
    };
    client.user_tokens_update(id, &body).await.unwrap();
}

#[tokio::test]
async fn a_registration_whose_answer_was_lost_is_found_by_listing_and_used() {
    let server = fake().await;
    server.inject(Fault::drop_after("ai_search_tokens_create"));
    let run = cf(&server, SETUP).await;
    run.expect(0);
    assert_converged(&server, "after a lost registration answer");
    assert_eq!(server.requests_for("ai_search_tokens_create").len(), 1);
    assert_eq!(server.requests_for("user_tokens_delete").len(), 0, "{run}");
    let ops = operations(&server);
    let post = ops
        .iter()
        .position(|o| o == "ai_search_tokens_create")
        .unwrap();
    assert_eq!(ops[post + 1], "ai_search_tokens_list", "{ops:?}");
    assert!(
        run.stderr
            .contains("the answer was lost, but the registration exists"),
        "{run}"
    );
}

#[tokio::test]
async fn a_token_create_whose_answer_was_lost_is_listed_deleted_and_minted_again() {
    let server = fake().await;
    // Carried out, then the connection closes: the token exists, but its value was never seen.
    server.inject(Fault::drop_after("user_tokens_create"));
    let run = cf(&server, SETUP).await;
    run.expect(0);
    assert_converged(&server, "after a lost token answer");
    let ops = operations(&server);
    let creates: Vec<usize> = (0..ops.len())
        .filter(|&i| ops[i] == "user_tokens_create")
        .collect();
    assert_eq!(creates.len(), 2, "{ops:?}");
    // Between the two: a listing (never a blind second create), then the delete of the first.
    assert_eq!(
        &ops[creates[0] + 1..creates[1]],
        ["user_tokens_list", "user_tokens_delete"],
        "{ops:?}"
    );
    assert!(run.stderr.contains("its value never reached us"), "{run}");
}

#[tokio::test]
async fn a_create_lost_before_it_was_carried_out_is_sent_again_after_looking() {
    let server = fake().await;
    server.inject(Fault::drop_connection("ai_search_instances_create"));
    let run = cf(&server, SETUP).await;
    run.expect(0);
    assert_converged(&server, "after a dropped instance create");
    let ops = operations(&server);
    let first = ops
        .iter()
        .position(|o| o == "ai_search_instances_create")
        .unwrap();
    assert_eq!(
        &ops[first..],
        [
            "ai_search_instances_create",
            "ai_search_instances_get",
            "ai_search_instances_create",
            // The chain read back before exiting 0.
            "ai_search_instances_get",
            "ai_search_tokens_get",
            "user_tokens_get",
        ]
    );
    assert!(run.stderr.contains("trying once more"), "{run}");
}

#[tokio::test]
async fn orphans_of_interrupted_runs_are_deleted_and_reported_and_nothing_else() {
    let server = fake().await;
    let orphan = mint_like_the_setup(&server, ACCOUNT).await;
    // The same name for another account: user tokens are not per account, so not ours.
    let elsewhere = mint_like_the_setup(&server, "0000000000000000000000000000beef").await;
    // The same name, named by a registration of another name: in use, kept.
    let used = mint_like_the_setup(&server, ACCOUNT).await;
    server.register_ai_search_token(ACCOUNT, "someone-else", &used);
    // A token of another name: never looked at.
    let other = server.create_user_token("unrelated").id;

    let run = cf(&server, SETUP).await;
    run.expect(0);
    assert!(
        run.stderr.contains(&format!(
            "deleted 1 orphaned token from an interrupted run ({orphan})"
        )),
        "{run}"
    );
    assert!(run.stdout.contains("orphans deleted"), "{run}");
    assert!(server.user_token(&orphan).is_none());
    for kept in [&elsewhere, &used, &other] {
        assert!(
            server.user_token(kept).is_some(),
            "{kept} was deleted:\n{run}"
        );
    }
    assert_eq!(ids_of(&server, "user_tokens_delete"), [orphan]);

    // JSON says it too.
    let server = fake().await;
    let orphan = mint_like_the_setup(&server, ACCOUNT).await;
    let json = cf(&server, &[SETUP, &["--json"]].concat()).await;
    json.expect(0);
    assert_eq!(
        json.json()["orphaned_tokens_deleted"],
        serde_json::json!([orphan])
    );
}

#[tokio::test]
async fn an_orphan_that_cannot_be_deleted_fails_the_run_after_the_setup() {
    let server = fake().await;
    let orphan = mint_like_the_setup(&server, ACCOUNT).await;
    server.inject(Fault::fail("user_tokens_delete", 403, 9109, "denied"));
    let run = cf(&server, SETUP).await;
    run.expect(1);
    assert!(
        run.stderr.contains(&format!(
            "could not be deleted ({orphan}): run the setup again"
        )),
        "{run}"
    );
    assert!(
        run.stdout.contains("AI Search instance docs created"),
        "{run}"
    );
    cf(&server, SETUP).await.expect(0);
    assert_converged(&server, "the next run");
}

#[tokio::test]
async fn a_dry_run_says_what_it_would_repair_and_delete() {
    let server = fake().await;
    let orphan = mint_like_the_setup(&server, ACCOUNT).await;
    let registration =
        server.register_ai_search_token(ACCOUNT, NAME, "0000000000000000000000000dead02");
    server.clear_requests();
    let run = cf(&server, &[SETUP, &["--dry-run"]].concat()).await;
    run.expect(0);
    for step in [
        format!(
            "repair AI Search token {} with it",
            str_field(&registration, "id")
        ),
        format!(
            "delete 1 orphaned API token(s) named \"{NAME}\" that no registration names ({orphan})"
        ),
        "create AI Search instance docs over R2 bucket docs-bucket".to_string(),
    ] {
        assert!(run.stdout.contains(&step), "no {step:?}:\n{run}");
    }
    let writes = server
        .requests()
        .iter()
        .filter(|r| r.method != "GET")
        .count();
    assert_eq!(writes, 0);
}

#[tokio::test]
async fn a_rollback_deletes_the_registration_before_the_token() {
    let server = fake().await;
    server.inject(Fault::fail(
        "ai_search_instances_create",
        400,
        1001,
        "bad source",
    ));
    let run = cf(&server, SETUP).await;
    run.expect(1);
    let ops = operations(&server);
    let failed = ops
        .iter()
        .position(|o| o == "ai_search_instances_create")
        .unwrap();
    assert_eq!(
        &ops[failed + 1..],
        [
            "ai_search_tokens_delete",
            // Checked afresh before a token is deleted: does any registration name it?
            "ai_search_tokens_list",
            "user_tokens_delete"
        ]
    );
    assert!(server.user_tokens().is_empty());
    assert!(server.ai_search_tokens(ACCOUNT).is_empty());
    assert!(
        run.stderr
            .contains("once the cause is fixed, run the same setup again"),
        "{run}"
    );
}

#[tokio::test]
async fn a_rollback_never_deletes_a_token_that_a_registration_still_names() {
    let server = fake().await;
    server.inject(Fault::fail(
        "ai_search_instances_create",
        400,
        1001,
        "bad source",
    ));
    server.inject(Fault::fail("ai_search_tokens_delete", 500, 10000, "stuck"));
    let run = cf(&server, SETUP).await;
    run.expect(1);
    assert!(
        server.requests_for("user_tokens_delete").is_empty(),
        "{run}"
    );
    let token = str_field(&server.user_tokens()[0], "id").to_string();
    let registration = str_field(&server.ai_search_tokens(ACCOUNT)[0], "id").to_string();
    assert!(
        run.stderr.contains(&format!(
            "left behind: API token {token} (registration {registration} still names it)"
        )),
        "{run}"
    );
    // The next run finds a registration whose token works, and uses it.
    let rerun = cf(&server, SETUP).await;
    rerun.expect(0);
    assert!(rerun.stderr.contains("reusing it"), "{rerun}");
    assert_converged(&server, "the next run");
}

#[tokio::test]
async fn a_rollback_keeps_the_namespace_while_an_instance_may_be_in_it() {
    let server = fake().await;
    // The first look-up finds no instance; the create lands but its answer is lost; looking
    // again is refused, and so is the delete: the instance may exist, in the namespace.
    let instances = "ai_search_namespace_instances";
    server.inject(Fault::fail(
        format!("{instances}_get"),
        404,
        7002,
        "not found",
    ));
    server.inject(Fault::fail(
        format!("{instances}_get"),
        403,
        10000,
        "denied",
    ));
    server.inject(Fault::drop_after(format!("{instances}_create")));
    server.inject(Fault::fail(
        format!("{instances}_delete"),
        403,
        10000,
        "denied",
    ));
    let mut args = SETUP.to_vec();
    args.extend(["--namespace", "docs"]);
    let run = cf(&server, &args).await;
    run.expect(1);
    let registration = str_field(&server.ai_search_tokens(ACCOUNT)[0], "id").to_string();
    for left in [
        "left behind: AI Search instance docs, if its create landed (".to_string(),
        format!(
            "left behind: AI Search token registration {registration} (instance docs may use it)"
        ),
        "left behind: AI Search namespace docs (an instance may be in it)".to_string(),
    ] {
        assert!(run.stderr.contains(&left), "{left}\n{run}");
    }
    assert!(
        server
            .requests_for("ai_search_namespaces_delete")
            .is_empty(),
        "{run}"
    );
    // The next run finds the instance in the namespace, using the registration.
    let rerun = cf(&server, &args).await;
    rerun.expect(0);
    assert!(rerun.stdout.contains("exists already"), "{rerun}");
}

#[tokio::test]
async fn a_token_whose_value_never_arrived_is_deleted_and_said_so() {
    let server = fake().await;
    server.inject(Fault::omit("user_tokens_create", "value"));
    let run = cf(&server, SETUP).await;
    run.expect(1);
    let deleted = ids_of(&server, "user_tokens_delete");
    assert_eq!(deleted.len(), 1, "{run}");
    assert!(server.user_tokens().is_empty());
    assert!(server.requests_for("ai_search_tokens_create").is_empty());
    assert!(
        run.stderr.contains(&format!(
            "rolled back: deleted API token {} (created, but its value never reached us)",
            deleted[0]
        )),
        "{run}"
    );
    assert!(run.stderr.contains("carried no value"), "{run}");
    assert!(!run.stderr.contains("nothing had been created"), "{run}");
}

#[tokio::test]
async fn credentials_that_cannot_read_tokens_reuse_the_registration_unchecked() {
    let server = fake().await;
    let (email, key) = server.email_key().unwrap();
    let token = server.create_user_token(NAME);
    server.register_ai_search_token(ACCOUNT, NAME, &token.id);
    let env = vec![
        ("CLOUDFLARE_EMAIL", email.to_string()),
        ("CLOUDFLARE_API_KEY", key.to_string()),
        ("CLOUDFLARE_BASE_URL", server.base_url()),
        ("CLOUDFLARE_ACCOUNT_ID", ACCOUNT.to_string()),
    ];
    let run = run_with(&env, SETUP).await;
    run.expect(0);
    assert!(
        run.stderr.contains("not permitted to read API tokens"),
        "{run}"
    );
    assert!(run.stderr.contains("reusing it unchecked"), "{run}");
    assert_eq!(server.ai_search_instances(ACCOUNT).len(), 1);
}

#[tokio::test]
async fn an_orphan_issued_minutes_ago_may_be_a_concurrent_runs_and_is_left_until_later() {
    let server = fake().await;
    let recent = mint_like_the_setup(&server, ACCOUNT).await;
    // The default grace: the token was issued just now, so it is left, and the run says so.
    let with_grace: Vec<&str> = SETUP[..SETUP.len() - 2].to_vec();
    assert!(!with_grace.contains(&"--orphan-grace"));
    let run = cf(&server, &with_grace).await;
    run.expect(0);
    assert!(
        run.stderr.contains(&format!(
            "left 1 token(s) of this name that no registration names ({recent}): issued in the \
             last few minutes, they may be a concurrent run's; a later run deletes them"
        )),
        "{run}"
    );
    assert!(server.user_token(&recent).is_some(), "{run}");
    assert!(ids_of(&server, "user_tokens_delete").is_empty());
    // Once older than the grace (here: no grace), a later run deletes it.
    let run = cf(&server, SETUP).await;
    run.expect(0);
    assert!(server.user_token(&recent).is_none(), "{run}");
    assert_converged(&server, "after the later run");
}
