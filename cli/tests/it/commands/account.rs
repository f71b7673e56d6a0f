//! `cf-tokens account …` end to end against the fake: the account's API tokens listed, shown,
//! verified, deleted and rolled, and its permission groups; deleting or rolling a token that AI
//! Search still uses is refused, as `user tokens delete` refuses.

use std::collections::BTreeMap;

use cloudflare_tokens::{Client, Credentials, Secret, types};
use fake_cloudflare::{AI_SEARCH_INDEX_ENGINE, BOOTSTRAP_TOKEN_ID, FakeCloudflare};
use serde_json::{Value, json};
use test_support::adversary::{self, Server};
use test_support::cli::{Run, cf, env_for, run_with};
use test_support::fake::fake;
use test_support::{ACCOUNT, str_field};

/// Another account, whose tokens the test account's commands must not see.
const OTHER_ACCOUNT: &str = "99999999999999999999999999999999";

/// The policy the tests' tokens carry: AI Search Index Engine on the test account.
fn policy() -> types::TokenPolicy {
    types::TokenPolicy::new(
        types::PolicyEffect::Allow,
        vec![types::PolicyPermissionGroup::new(AI_SEARCH_INDEX_ENGINE)],
        BTreeMap::from([(
            format!("com.cloudflare.api.account.{ACCOUNT}"),
            types::PolicyResourceValue::String("*".into()),
        )]),
    )
}

/// Creates an API token owned by `account` through the API (the fake has no shortcut for
/// account tokens); returns its id and value.
async fn account_token(server: &FakeCloudflare, account: &str, name: &str) -> (String, String) {
    let client = Client::builder(Credentials::ApiToken(Secret::new(server.bootstrap_token())))
        .base_url(server.base_url())
        .build()
        .unwrap();
    let created = client
        .account_tokens_create(
            account,
            &types::AccountTokenCreate::new(name, vec![policy()]),
        )
        .await
        .expect("the fake creates the token")
        .into_result();
    let id = created.id.expect("an id");
    let value = created.value.expect("a value").expose_secret().to_string();
    // The request that made it is the test's, not the CLI's.
    server.clear_requests();
    (id, value)
}

/// The account-owned tokens the fake holds, each with its `account_id`.
fn account_tokens(server: &FakeCloudflare) -> Vec<Value> {
    server.state()["account_tokens"]
        .as_array()
        .expect("a list of account tokens")
        .clone()
}

/// The ids of the account-owned tokens the fake holds.
fn account_token_ids(server: &FakeCloudflare) -> Vec<String> {
    account_tokens(server)
        .iter()
        .map(|t| str_field(t, "id").to_string())
        .collect()
}

/// The environment of [`env_for`] with another API token.
fn env_with_token(server: &FakeCloudflare, token: &str) -> Vec<(&'static str, String)> {
    let mut env = env_for(server);
    for (name, value) in &mut env {
        if *name == "CLOUDFLARE_API_TOKEN" {
            *value = token.to_string();
        }
    }
    env
}

/// The environment of [`env_for`] without an account.
fn env_without_account(server: &FakeCloudflare) -> Vec<(&'static str, String)> {
    env_for(server)
        .into_iter()
        .filter(|(k, _)| *k != "CLOUDFLARE_ACCOUNT_ID")
        .collect()
}

/// Runs the setup that mints an account-owned token and registers it with AI Search for
/// instance `docs`; returns the token's id and the registration's id.
async fn registered_account_token(server: &FakeCloudflare) -> (String, String) {
    cf(
        server,
        &[
            "ai-search",
            "setup",
            "--instance",
            "docs",
            "--r2-bucket",
            "b",
            "--token-owner",
            "account",
        ],
    )
    .await
    .expect(0);
    let tokens = account_tokens(server);
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    let token_id = str_field(&tokens[0], "id").to_string();
    let registrations = server.ai_search_tokens(ACCOUNT);
    assert_eq!(registrations.len(), 1, "{registrations:?}");
    assert_eq!(str_field(&registrations[0], "cf_api_id"), token_id);
    let registration = str_field(&registrations[0], "id").to_string();
    server.clear_requests();
    (token_id, registration)
}

/// `stderr` of a refusal of `verb` ("delete", "roll") for the setup's token.
fn refusal(verb: &str, token_id: &str, registration: &str, ending: &str) -> String {
    format!(
        "error: refusing to {verb} API token {token_id}: it is registered with AI Search in \
         account {ACCOUNT}\n  AI Search token {registration} (\"ai-search-docs\"), used by \
         instance(s) docs\n{ending}\n"
    )
}

/// The usage error of an account command run without an account.
const NO_ACCOUNT: &str = "error: this command needs an account: pass --account-id or set \
                          CLOUDFLARE_ACCOUNT_ID\n\nFor more information, try '--help'.\n";

/// Table rows as `Table` prints them: columns padded to their widest cell, two spaces apart.
fn table(rows: &[Vec<&str>]) -> String {
    let columns = rows[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap())
        .collect();
    let mut text = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == columns {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<width$}  ", width = widths[c]));
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

#[tokio::test]
async fn list_shows_only_the_accounts_tokens_as_a_table_and_as_json() {
    let server = fake().await;
    let empty = cf(&server, &["account", "tokens", "list"]).await;
    empty.expect(0);
    assert_eq!(empty.stdout, "no API tokens in the account\n", "{empty}");

    let (reader, reader_value) = account_token(&server, ACCOUNT, "reader").await;
    let (writer, writer_value) = account_token(&server, ACCOUNT, "writer").await;
    account_token(&server, OTHER_ACCOUNT, "elsewhere").await;
    server.create_user_token("the user's own");

    let list = cf(&server, &["account", "tokens", "list"]).await;
    list.expect(0);
    assert_eq!(
        list.stdout,
        table(&[
            vec!["ID", "NAME", "STATUS", "EXPIRES", "LAST USED"],
            vec![&reader, "reader", "active", "-", "-"],
            vec![&writer, "writer", "active", "-", "-"],
        ]),
        "{list}"
    );
    assert_eq!(list.stderr, "");
    list.assert_hides(&reader_value);
    list.assert_hides(&writer_value);
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(
        requests[0].operation.as_deref(),
        Some("account_tokens_list")
    );
    assert_eq!(
        requests[0].path,
        format!("/client/v4/accounts/{ACCOUNT}/tokens")
    );

    let json = cf(&server, &["account", "tokens", "list", "--json"]).await;
    json.expect(0);
    let listed = json.json();
    let listed = listed.as_array().expect("a JSON list");
    assert_eq!(listed.len(), 2, "{json}");
    for (token, (id, name)) in listed
        .iter()
        .zip([(&reader, "reader"), (&writer, "writer")])
    {
        let keys: Vec<&str> = token
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "id",
                "issued_on",
                "modified_on",
                "name",
                "policies",
                "status"
            ],
            "{token}"
        );
        assert_eq!(token["id"], id.as_str());
        assert_eq!(token["name"], name);
        assert_eq!(token["status"], "active");
        let policies = token["policies"].as_array().unwrap();
        assert_eq!(policies.len(), 1, "{token}");
        assert_eq!(
            policies[0]["permission_groups"],
            json!([{ "id": AI_SEARCH_INDEX_ENGINE, "name": "AI Search Index Engine" }])
        );
        assert_eq!(
            policies[0]["resources"],
            json!({ format!("com.cloudflare.api.account.{ACCOUNT}"): "*" })
        );
    }
    json.assert_hides(&reader_value);
}

#[tokio::test]
async fn get_shows_one_token_with_its_policy_and_never_its_value() {
    let server = fake().await;
    let (id, value) = account_token(&server, ACCOUNT, "reader").await;
    let stored = &account_tokens(&server)[0];
    let issued = str_field(stored, "issued_on");
    let issued = chrono::DateTime::parse_from_rfc3339(issued)
        .unwrap()
        .to_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);

    let get = cf(&server, &["account", "tokens", "get", &id]).await;
    get.expect(0);
    assert_eq!(
        get.stdout,
        format!(
            "id          {id}\n\
             name        reader\n\
             status      active\n\
             issued      {issued}\n\
             modified    {issued}\n\
             not before  -\n\
             expires     -\n\
             last used   -\n\
             policy      allow AI Search Index Engine on com.cloudflare.api.account.{ACCOUNT}\n"
        ),
        "{get}"
    );
    get.assert_hides(&value);

    let json = cf(&server, &["account", "tokens", "get", &id, "--json"]).await;
    json.expect(0);
    assert_eq!(json.json()["id"], id.as_str());
    assert_eq!(json.json()["name"], "reader");
    assert_eq!(json.json().get("value"), None, "{json}");

    // A token of another account, or the user's, is not this account's to show.
    let (elsewhere, _) = account_token(&server, OTHER_ACCOUNT, "elsewhere").await;
    let user_token = server.create_user_token("mine");
    for other in [&elsewhere, &user_token.id] {
        let missing = cf(&server, &["account", "tokens", "get", other]).await;
        missing.expect(1);
        assert!(
            missing.stderr.starts_with(&format!(
                "error: could not get API token {other} of account {ACCOUNT}: "
            )),
            "{missing}"
        );
        assert!(missing.stderr.contains("404"), "{missing}");
        assert_eq!(missing.stdout, "");
    }
}

#[tokio::test]
async fn verify_names_the_token_the_cli_authenticates_with() {
    let server = fake().await;
    let verify = cf(&server, &["account", "tokens", "verify"]).await;
    verify.expect(0);
    assert_eq!(
        verify.stdout,
        format!(
            "id          {BOOTSTRAP_TOKEN_ID}\nstatus      active\nnot before  -\nexpires     -\n"
        ),
        "{verify}"
    );
    assert_eq!(
        server.requests()[0].path,
        format!("/client/v4/accounts/{ACCOUNT}/tokens/verify")
    );

    let (id, value) = account_token(&server, ACCOUNT, "ci").await;
    let own = run_with(
        &env_with_token(&server, &value),
        &["account", "tokens", "verify", "--json"],
    )
    .await;
    own.expect(0);
    assert_eq!(own.json(), json!({ "id": id, "status": "active" }));
}

#[tokio::test]
async fn delete_removes_a_token_no_registration_names() {
    let server = fake().await;
    let (free, _) = account_token(&server, ACCOUNT, "free").await;
    let (elsewhere, _) = account_token(&server, ACCOUNT, "registered elsewhere").await;
    let (kept, _) = account_token(&server, ACCOUNT, "kept").await;
    server.register_ai_search_token(OTHER_ACCOUNT, "elsewhere", &elsewhere);

    let deleted = cf(&server, &["account", "tokens", "delete", &free]).await;
    deleted.expect(0);
    assert_eq!(deleted.stdout, format!("deleted API token {free}\n"));
    assert_eq!(deleted.stderr, "");
    let json = cf(
        &server,
        &["account", "tokens", "delete", &elsewhere, "--json"],
    )
    .await;
    json.expect(0);
    assert_eq!(json.json(), json!({ "id": elsewhere }));
    assert_eq!(account_token_ids(&server), [kept]);
    // Each delete looked at the account's registrations first, then deleted.
    let operations: Vec<String> = server
        .requests()
        .into_iter()
        .map(|r| r.operation.unwrap_or_default())
        .collect();
    assert_eq!(
        operations,
        [
            "ai_search_tokens_list",
            "account_tokens_delete",
            "ai_search_tokens_list",
            "account_tokens_delete"
        ]
    );
}

#[tokio::test]
async fn deleting_a_token_ai_search_uses_needs_force() {
    let server = fake().await;
    let (token_id, registration) = registered_account_token(&server).await;

    let refused = cf(&server, &["account", "tokens", "delete", &token_id]).await;
    refused.expect(1);
    assert_eq!(
        refused.stderr,
        refusal(
            "delete",
            &token_id,
            &registration,
            "AI Search instances using it would stop working. Nothing was deleted; pass --force \
             to delete it anyway."
        ),
        "{refused}"
    );
    assert_eq!(refused.stdout, "");
    assert_eq!(account_token_ids(&server), std::slice::from_ref(&token_id));
    assert!(server.requests_for("account_tokens_delete").is_empty());

    let forced = cf(
        &server,
        &["account", "tokens", "delete", &token_id, "--force"],
    )
    .await;
    forced.expect(0);
    assert_eq!(forced.stdout, format!("deleted API token {token_id}\n"));
    assert!(account_tokens(&server).is_empty());
    // The refused run read the registrations and the instances; --force skips the check and
    // sends the delete alone.
    let operations: Vec<String> = server
        .requests()
        .into_iter()
        .map(|r| r.operation.unwrap_or_default())
        .collect();
    assert_eq!(
        operations,
        [
            "ai_search_tokens_list",
            "ai_search_instances_list",
            "account_tokens_delete"
        ]
    );
}

#[tokio::test]
async fn without_an_account_every_command_is_a_usage_error() {
    let server = fake().await;
    let (id, value) = account_token(&server, ACCOUNT, "t").await;
    let env = env_without_account(&server);
    for args in [
        &["account", "tokens", "delete", &id][..],
        &["account", "tokens", "delete", &id, "--force"],
        &["account", "tokens", "roll", &id],
        &["account", "tokens", "roll", &id, "--force"],
        &["account", "tokens", "list"],
        &["account", "tokens", "get", &id],
        &["account", "tokens", "verify"],
        &["account", "permission-groups"],
    ] {
        let run = run_with(&env, args).await;
        run.expect(2);
        assert_eq!(run.stderr, NO_ACCOUNT, "{args:?}");
        assert_eq!(run.stdout, "", "{args:?}");
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    assert_eq!(account_token_ids(&server), std::slice::from_ref(&id));
    assert_eq!(
        server.user_token_value(&id).as_deref(),
        Some(value.as_str())
    );
}

#[tokio::test]
async fn roll_prints_the_new_value_once_and_only_it_works_from_then_on() {
    let server = fake().await;
    let (id, old) = account_token(&server, ACCOUNT, "ci").await;
    let verify = ["account", "tokens", "verify", "--json"];
    run_with(&env_with_token(&server, &old), &verify)
        .await
        .expect(0);

    let rolled = cf(&server, &["account", "tokens", "roll", &id]).await;
    rolled.expect(0);
    let new = server
        .user_token_value(&id)
        .expect("the token is still there");
    assert_ne!(new, old);
    assert_eq!(
        rolled.stdout,
        format!(
            "rolled API token {id}\nvalue  {new}\nStore the value now: Cloudflare never shows it \
             again. The previous value no longer works.\n"
        ),
        "{rolled}"
    );
    assert_eq!(rolled.stdout.matches(&new).count(), 1);
    assert_eq!(rolled.stderr, "");
    let roll = &server.requests_for("account_tokens_roll")[0];
    assert_eq!(roll.method, "PUT");
    assert_eq!(
        roll.path,
        format!("/client/v4/accounts/{ACCOUNT}/tokens/{id}/value")
    );

    let with_old = run_with(&env_with_token(&server, &old), &verify).await;
    with_old.expect(1);
    assert!(
        with_old.stderr.starts_with(&format!(
            "error: could not verify the API token as a token of account {ACCOUNT}: "
        )),
        "{with_old}"
    );
    assert!(with_old.stderr.contains("401"), "{with_old}");
    let with_new = run_with(&env_with_token(&server, &new), &verify).await;
    with_new.expect(0);
    assert_eq!(with_new.json(), json!({ "id": id, "status": "active" }));

    // As JSON: the id and the new value.
    let json = cf(&server, &["account", "tokens", "roll", &id, "--json"]).await;
    json.expect(0);
    let newer = server.user_token_value(&id).unwrap();
    assert_ne!(newer, new);
    assert_eq!(json.json(), json!({ "id": id, "value": newer }));
}

#[tokio::test]
async fn roll_writes_the_new_value_to_a_secret_file_instead_of_stdout() {
    let server = fake().await;
    let (id, old) = account_token(&server, ACCOUNT, "ci").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token");
    let path_text = path.to_str().unwrap();

    let rolled = cf(
        &server,
        &["account", "tokens", "roll", &id, "--secret-file", path_text],
    )
    .await;
    rolled.expect(0);
    let new = server.user_token_value(&id).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), new);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(path.metadata().unwrap().permissions().mode() & 0o777, 0o600);
    }
    assert_eq!(
        rolled.stdout,
        format!(
            "rolled API token {id}\nvalue  written to {path_text}\nThe previous value no longer \
             works.\n"
        ),
        "{rolled}"
    );
    rolled.assert_hides(&new);
    rolled.assert_hides(&old);

    // An existing file is refused before anything is sent, and is left as it was.
    server.clear_requests();
    let again = cf(
        &server,
        &["account", "tokens", "roll", &id, "--secret-file", path_text],
    )
    .await;
    again.expect(2);
    assert_eq!(
        again.stderr,
        format!(
            "error: --secret-file {path_text} exists already: it is never overwritten; pass a \
             new path\n\nFor more information, try '--help'.\n"
        )
    );
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    assert_eq!(server.user_token_value(&id).unwrap(), new);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), new);

    // As JSON: the file instead of the value.
    let other = dir.path().join("token-2");
    let other_text = other.to_str().unwrap();
    let json = cf(
        &server,
        &[
            "account",
            "tokens",
            "roll",
            &id,
            "--secret-file",
            other_text,
            "--json",
        ],
    )
    .await;
    json.expect(0);
    let newest = server.user_token_value(&id).unwrap();
    assert_eq!(json.json(), json!({ "id": id, "value_file": other_text }));
    assert_eq!(std::fs::read_to_string(&other).unwrap(), newest);
    json.assert_hides(&newest);
}

#[tokio::test]
async fn rolling_a_token_ai_search_uses_needs_force_and_points_to_rotate() {
    let server = fake().await;
    let (token_id, registration) = registered_account_token(&server).await;
    let value = server.user_token_value(&token_id).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token");
    let path_text = path.to_str().unwrap();

    let refused = cf(
        &server,
        &[
            "account",
            "tokens",
            "roll",
            &token_id,
            "--secret-file",
            path_text,
        ],
    )
    .await;
    refused.expect(1);
    assert_eq!(
        refused.stderr,
        refusal(
            "roll",
            &token_id,
            &registration,
            &format!(
                "AI Search keeps the old value, so instances using it would stop working. \
                 Nothing was rolled; to renew the token without downtime, run `cf-tokens \
                 ai-search tokens rotate {registration}`, or pass --force to roll it anyway."
            )
        ),
        "{refused}"
    );
    assert_eq!(refused.stdout, "");
    assert!(server.requests_for("account_tokens_roll").is_empty());
    assert_eq!(server.user_token_value(&token_id).unwrap(), value);
    assert!(!path.exists(), "the reserved file is removed again");

    let forced = cf(
        &server,
        &["account", "tokens", "roll", &token_id, "--force"],
    )
    .await;
    forced.expect(0);
    let new = server.user_token_value(&token_id).unwrap();
    assert_ne!(new, value);
    assert!(
        forced
            .stdout
            .starts_with(&format!("rolled API token {token_id}\nvalue  {new}\n")),
        "{forced}"
    );
}

#[tokio::test]
async fn a_roll_whose_answer_carries_no_value_says_the_value_is_lost() {
    for result in [Value::Null, json!("")] {
        let server = Server::always(adversary::json(
            200,
            &json!({ "success": true, "errors": [], "messages": [], "result": result }),
        ))
        .await;
        let env = vec![
            ("CLOUDFLARE_API_TOKEN", "t".to_string()),
            ("CLOUDFLARE_BASE_URL", server.base_url()),
            ("CLOUDFLARE_ACCOUNT_ID", ACCOUNT.to_string()),
        ];
        let id = "ed17574386854bf78a67040be0a770b0";
        let run = run_with(&env, &["account", "tokens", "roll", id, "--force"]).await;
        run.expect(1);
        let lost = format!(
            "error: API token {id} was rolled, but Cloudflare's answer carried no new value: the \
             previous value no longer works, and the new one is lost: Cloudflare never shows it \
             again. To get a value that works, roll it again (`cf-tokens account tokens roll \
             {id}`), or delete it (`cf-tokens account tokens delete {id}`)\n"
        );
        assert!(run.stderr.starts_with(&lost), "{result}: {run}");
        assert_eq!(run.stdout, "", "{result}");
        let requests = server.requests();
        assert_eq!(requests.len(), 1, "{result}: {requests:?}");
        assert_eq!(requests[0].method, "PUT");
    }
}

#[tokio::test]
async fn permission_groups_list_the_catalog_or_the_one_named() {
    let server = fake().await;
    let all = cf(&server, &["account", "permission-groups"]).await;
    all.expect(0);
    let all_json = cf(&server, &["account", "permission-groups", "--json"]).await;
    all_json.expect(0);
    let groups = all_json.json();
    let groups = groups.as_array().expect("a JSON list");
    assert_eq!(groups.len(), 14, "the fake's catalog: {all_json}");
    let scopes: Vec<String> = groups
        .iter()
        .map(|g| {
            let scopes: Vec<&str> = g["scopes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect();
            scopes.join(", ")
        })
        .collect();
    let mut rows = vec![vec!["ID", "NAME", "SCOPES"]];
    for (group, scopes) in groups.iter().zip(&scopes) {
        rows.push(vec![
            str_field(group, "id"),
            str_field(group, "name"),
            scopes,
        ]);
    }
    assert_eq!(all.stdout, table(&rows), "{all}");
    assert_eq!(
        rows[1],
        [
            AI_SEARCH_INDEX_ENGINE,
            "AI Search Index Engine",
            "com.cloudflare.api.account"
        ]
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(
            request.operation.as_deref(),
            Some("account_permission_groups_list")
        );
        assert_eq!(
            request.path,
            format!("/client/v4/accounts/{ACCOUNT}/tokens/permission_groups")
        );
        assert_eq!(request.query, None);
    }
    server.clear_requests();

    let one = cf(
        &server,
        &[
            "account",
            "permission-groups",
            "--name",
            "AI Search Index Engine",
        ],
    )
    .await;
    one.expect(0);
    assert_eq!(
        server.requests()[0].query.as_deref(),
        Some("name=AI+Search+Index+Engine")
    );
    assert_eq!(
        one.stdout,
        table(&[
            vec!["ID", "NAME", "SCOPES"],
            vec![
                AI_SEARCH_INDEX_ENGINE,
                "AI Search Index Engine",
                "com.cloudflare.api.account"
            ],
        ])
    );
    let json = cf(
        &server,
        &[
            "account",
            "permission-groups",
            "--name",
            "AI Search Index Engine",
            "--json",
        ],
    )
    .await;
    json.expect(0);
    assert_eq!(
        json.json(),
        json!([{
            "category": "ai_and_machine_learning",
            "id": AI_SEARCH_INDEX_ENGINE,
            "name": "AI Search Index Engine",
            "scopes": ["com.cloudflare.api.account"],
        }])
    );
    let none = cf(&server, &["account", "permission-groups", "--name", "nope"]).await;
    none.expect(0);
    assert_eq!(none.stdout, "no permission groups\n");
}

/// Checks a run refused an argument that would change the request's path, naming `argument`.
#[track_caller]
fn assert_refused(run: &Run, argument: &str, parameter: &str) {
    run.expect(2);
    assert_eq!(run.stdout, "", "{run}");
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
        run.stderr
            .ends_with("\n\nFor more information, try '--help'.\n"),
        "{run}"
    );
}

#[tokio::test]
async fn ids_that_would_change_the_path_are_usage_errors() {
    let server = fake().await;
    let account = "--account-id (or CLOUDFLARE_ACCOUNT_ID)";
    for (args, argument, parameter) in [
        (&["account", "tokens", "get", ".."][..], "ID", "token_id"),
        (
            &["account", "tokens", "delete", "..", "--force"],
            "ID",
            "token_id",
        ),
        (
            &["account", "tokens", "roll", ".", "--force"],
            "ID",
            "token_id",
        ),
        (&["account", "tokens", "get", ""], "ID", "token_id"),
        (
            &["account", "tokens", "list", "--account-id", ".."],
            account,
            "account_id",
        ),
        (
            &["--account-id", "..", "account", "tokens", "verify"],
            account,
            "account_id",
        ),
        (
            &["account", "permission-groups", "--account-id", "."],
            account,
            "account_id",
        ),
        (
            &["account", "tokens", "delete", "x", "--account-id", ".."],
            account,
            "account_id",
        ),
    ] {
        let run = cf(&server, args).await;
        assert_refused(&run, argument, parameter);
    }
    // Without --force the id is checked before the check of AI Search's registrations (a
    // request about another path): nothing at all is sent.
    for verb in ["delete", "roll"] {
        let run = cf(&server, &["account", "tokens", verb, ".."]).await;
        assert_refused(&run, "ID", "token_id");
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test]
async fn names_from_the_server_are_escaped_for_people_and_exact_in_json() {
    let evil = "evil\u{1b}]0;pwned\u{7}\u{1b}[2J\rname";
    let shown = "evil\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\rname";
    let server = fake().await;
    let (id, _) = account_token(&server, ACCOUNT, evil).await;
    for args in [
        vec!["account", "tokens", "list"],
        vec!["account", "tokens", "get", &id],
    ] {
        let run = cf(&server, &args).await;
        run.expect(0);
        assert!(!run.stdout.contains('\u{1b}'), "{args:?}: {run:?}");
        assert!(!run.stdout.contains('\r'), "{args:?}: {run:?}");
        assert!(run.stdout.contains(shown), "{args:?}: {run}");
    }
    let json = cf(&server, &["account", "tokens", "list", "--json"]).await;
    json.expect(0);
    assert_eq!(json.json()[0]["name"], evil);
}

#[tokio::test]
async fn a_delete_answered_with_a_null_result_succeeds() {
    // As for a user's token: the answer to a delete may carry `"result": null`, and the token is
    // gone all the same.
    let server = Server::always(adversary::json(
        200,
        &json!({ "success": true, "errors": [], "messages": [], "result": null }),
    ))
    .await;
    let env = vec![
        ("CLOUDFLARE_API_TOKEN", "t".to_string()),
        ("CLOUDFLARE_BASE_URL", server.base_url()),
        ("CLOUDFLARE_ACCOUNT_ID", ACCOUNT.to_string()),
    ];
    let id = "ed17574386854bf78a67040be0a770b0";
    let run = run_with(&env, &["account", "tokens", "delete", "--force", id]).await;
    run.expect(0);
    assert_eq!(run.stdout, format!("deleted API token {id}\n"), "{run}");
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].method, "DELETE");
    assert_eq!(
        requests[0].target,
        format!("/client/v4/accounts/{ACCOUNT}/tokens/{id}")
    );
}
