//! `cf-tokens ai-search setup` end to end against the fake: the full setup, reruns, rollback,
//! a lost create, dry runs, and where the minted secret may and may not appear.

use fake_cloudflare::{AI_SEARCH_INDEX_ENGINE, Fault};
use test_support::cli::cf;
use test_support::fake::{fake, writes};
use test_support::{ACCOUNT, str_field};

const SETUP: &[&str] = &[
    "ai-search",
    "setup",
    "--instance",
    "docs",
    "--r2-bucket",
    "docs-bucket",
];

fn with(extra: &[&'static str]) -> Vec<&'static str> {
    SETUP.iter().chain(extra).copied().collect()
}

#[tokio::test]
async fn full_setup_mints_registers_and_creates_without_showing_the_secret() {
    let server = fake().await;
    let run = cf(&server, SETUP).await;
    run.expect(0);

    let tokens = server.user_tokens();
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    let token = &tokens[0];
    let token_id = str_field(token, "id");
    assert_eq!(str_field(token, "name"), "ai-search-docs");
    let policy = &token["policies"][0];
    assert_eq!(policy["effect"], "allow");
    assert_eq!(
        policy["permission_groups"][0]["id"], AI_SEARCH_INDEX_ENGINE,
        "{policy}"
    );
    let resource = format!("com.cloudflare.api.account.{ACCOUNT}");
    assert_eq!(policy["resources"][&resource], "*", "{policy}");

    let registrations = server.ai_search_tokens(ACCOUNT);
    assert_eq!(registrations.len(), 1);
    assert_eq!(str_field(&registrations[0], "cf_api_id"), token_id);
    assert_eq!(str_field(&registrations[0], "name"), "ai-search-docs");
    let instances = server.ai_search_instances(ACCOUNT);
    assert_eq!(instances.len(), 1);
    let instance = &instances[0];
    assert_eq!(str_field(instance, "id"), "docs");
    assert_eq!(str_field(instance, "type"), "r2");
    assert_eq!(str_field(instance, "source"), "docs-bucket");
    assert_eq!(instance["token_id"], registrations[0]["id"]);

    // Each step is reported on stderr as it happens; the summary goes to stdout.
    for line in [
        "… create the API token",
        &format!("created API token {token_id}"),
        "registered as AI Search token",
        "created instance docs",
    ] {
        assert!(run.stderr.contains(line), "no {line:?}:\n{run}");
    }
    assert!(
        run.stdout.contains("AI Search instance docs created"),
        "{run}"
    );
    assert!(run.stdout.contains("--show-secret"), "{run}");
    let value = server.user_token_value(token_id).unwrap();
    run.assert_hides(&value);
}

#[tokio::test]
async fn show_secret_prints_the_minted_value_on_stdout_only() {
    let server = fake().await;
    let run = cf(&server, &with(&["--show-secret"])).await;
    run.expect(0);
    let token_id = str_field(&server.user_tokens()[0], "id").to_string();
    let value = server.user_token_value(&token_id).unwrap();
    assert!(run.stdout.contains(&value), "{run}");
    assert!(!run.stderr.contains(&value), "{run}");
}

#[tokio::test]
async fn json_output_carries_the_value_only_with_show_secret() {
    let server = fake().await;
    let hidden = cf(&server, &with(&["--json"])).await;
    hidden.expect(0);
    let report = hidden.json();
    let token_id = str_field(&report["minted_token"], "id");
    let value = server.user_token_value(token_id).unwrap();
    hidden.assert_hides(&value);
    assert!(report["minted_token"].get("value").is_none(), "{report}");
    assert_eq!(report["created_instance"], true);
    assert_eq!(report["reused_token"], false);
    assert_eq!(report["dry_run"], false);
    assert_eq!(report["instance"]["id"], "docs");
    assert_eq!(report["permission_group_id"], AI_SEARCH_INDEX_ENGINE);
    assert_eq!(
        report["ai_search_token_id"],
        server.ai_search_tokens(ACCOUNT)[0]["id"]
    );

    let shown = cf(
        &server,
        &[
            "ai-search",
            "setup",
            "--instance",
            "site",
            "--website",
            "example.com",
            "--json",
            "--show-secret",
        ],
    )
    .await;
    shown.expect(0);
    let report = shown.json();
    let token_id = str_field(&report["minted_token"], "id");
    assert_eq!(
        report["minted_token"]["value"].as_str(),
        server.user_token_value(token_id).as_deref()
    );
    assert_eq!(report["instance"]["type"], "web-crawler");
}

#[tokio::test]
async fn a_rerun_reuses_the_registered_token() {
    let server = fake().await;
    cf(&server, SETUP).await.expect(0);

    // The same setup again: everything exists, nothing is created.
    let again = cf(&server, SETUP).await;
    again.expect(0);
    assert!(again.stdout.contains("exists already"), "{again}");
    assert!(again.stderr.contains("reusing it"), "{again}");

    // Another instance under the same token name gets the registered token, not a new one.
    let other = cf(
        &server,
        &[
            "ai-search",
            "setup",
            "--instance",
            "docs-2",
            "--r2-bucket",
            "more-docs",
            "--token-name",
            "ai-search-docs",
        ],
    )
    .await;
    other.expect(0);
    assert!(other.stdout.contains("(reused)"), "{other}");

    assert_eq!(server.requests_for("user_tokens_create").len(), 1);
    assert_eq!(server.requests_for("ai_search_tokens_create").len(), 1);
    assert_eq!(server.user_tokens().len(), 1);
    let registration = server.ai_search_tokens(ACCOUNT)[0]["id"].clone();
    let instances = server.ai_search_instances(ACCOUNT);
    assert_eq!(instances.len(), 2);
    assert!(instances.iter().all(|i| i["token_id"] == registration));
}

#[tokio::test]
async fn a_failed_registration_deletes_the_minted_token() {
    let server = fake().await;
    server.inject(Fault::fail(
        "ai_search_tokens_create",
        403,
        9109,
        "Unauthorized to access requested resource",
    ));
    let run = cf(&server, SETUP).await;
    run.expect(1);

    let deletes = server.requests_for("user_tokens_delete");
    assert_eq!(deletes.len(), 1, "{run}");
    let token_id = deletes[0].path.rsplit('/').next().unwrap().to_string();
    assert!(
        server.user_tokens().is_empty(),
        "{:?}",
        server.user_tokens()
    );
    assert!(server.ai_search_tokens(ACCOUNT).is_empty());
    assert!(server.ai_search_instances(ACCOUNT).is_empty());

    for part in [
        "register the token with AI Search",
        "403",
        "9109",
        &format!("rolled back: deleted API token {token_id}"),
    ] {
        assert!(run.stderr.contains(part), "no {part:?}:\n{run}");
    }
    // The progress lines say it as it happens, too.
    assert!(
        run.stderr
            .contains(&format!("  deleted API token {token_id}")),
        "{run}"
    );
    assert!(run.stdout.is_empty(), "{run}");
}

#[tokio::test]
async fn a_dropped_create_is_looked_for_before_it_is_sent_again() {
    let server = fake().await;
    server.inject(Fault::drop_connection("user_tokens_create"));
    let run = cf(&server, SETUP).await;
    run.expect(0);
    // Never a blind second create: the tokens are listed between the two.
    let ops: Vec<String> = server
        .requests()
        .into_iter()
        .filter_map(|r| r.operation)
        .collect();
    let creates: Vec<usize> = (0..ops.len())
        .filter(|&i| ops[i] == "user_tokens_create")
        .collect();
    assert_eq!(creates.len(), 2, "{ops:?}");
    assert_eq!(&ops[creates[0] + 1..creates[1]], ["user_tokens_list"]);
    assert!(run.stderr.contains("trying once more"), "{run}");
    assert_eq!(server.user_tokens().len(), 1);
    assert_eq!(server.ai_search_tokens(ACCOUNT).len(), 1);
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_leaves_exactly_the_one_token() {
    let server = fake().await;
    // Carried out, then the connection closes: the token exists, but nobody saw its value. It
    // is deleted (it could never be registered) and a new one minted.
    server.inject(Fault::drop_after("user_tokens_create"));
    let run = cf(&server, SETUP).await;
    run.expect(0);
    let tokens = server.user_tokens();
    assert_eq!(tokens.len(), 1);
    assert_eq!(server.requests_for("user_tokens_create").len(), 2);
    assert_eq!(server.requests_for("user_tokens_delete").len(), 1);
    assert_eq!(
        server.ai_search_tokens(ACCOUNT)[0]["cf_api_id"],
        tokens[0]["id"]
    );
    assert!(run.stderr.contains("its value never reached us"), "{run}");
}

#[tokio::test]
async fn a_dry_run_writes_nothing() {
    let server = fake().await;
    let run = cf(&server, &with(&["--dry-run"])).await;
    run.expect(0);
    assert_eq!(writes(&server), 0, "{:?}", server.requests());
    assert!(run.stdout.contains("nothing was changed"), "{run}");
    assert!(
        run.stdout.contains("create AI Search instance docs"),
        "{run}"
    );
    assert!(run.stderr.contains("dry run: would"), "{run}");
    assert!(server.user_tokens().is_empty());

    let json = cf(&server, &with(&["--dry-run", "--json"])).await;
    json.expect(0);
    let report = json.json();
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["plan"].as_array().map(Vec::len), Some(3), "{report}");
    assert!(report["minted_token"].is_null() && report["instance"].is_null());
    assert_eq!(writes(&server), 0);
}

#[tokio::test]
async fn a_failed_instance_create_rolls_back_the_registration_too() {
    let server = fake().await;
    server.inject(Fault::fail(
        "ai_search_instances_create",
        400,
        1001,
        "bad source",
    ));
    let run = cf(&server, SETUP).await;
    run.expect(1);
    assert!(
        run.stderr.contains("create the AI Search instance"),
        "{run}"
    );
    assert!(
        run.stderr.contains("400") && run.stderr.contains("1001"),
        "{run}"
    );
    assert!(
        run.stderr
            .contains("rolled back: deleted AI Search token registration"),
        "{run}"
    );
    assert!(server.ai_search_tokens(ACCOUNT).is_empty());
    assert!(server.user_tokens().is_empty());
}
