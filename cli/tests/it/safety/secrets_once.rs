//! One-time secrets are never lost silently: an answer without the secret it promised is an
//! error that says what exists and how to recover, and `--secret-file` keeps a secret out of
//! stdout, in a new file only its owner can read.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use fake_cloudflare::{AccessScope, Fault};

use crate::setup::{NAME, SETUP};
use test_support::cli::cf;
use test_support::fake::fake;
use test_support::{ACCOUNT, ZONE, str_field};

/// The file's text and its permission bits.
fn read_private(path: &Path) -> (String, u32) {
    let mode = path.metadata().unwrap().permissions().mode() & 0o777;
    (std::fs::read_to_string(path).unwrap(), mode)
}

#[tokio::test]
async fn a_create_whose_answer_lacks_the_client_secret_fails_and_says_how_to_recover() {
    let server = fake().await;
    server.inject(Fault::omit("access_service_tokens_create", "client_secret"));
    let run = cf(&server, &["access", "tokens", "create", "--name", "ci"]).await;
    run.expect(1);
    let tokens = server.service_tokens(AccessScope::Account, ACCOUNT);
    assert_eq!(tokens.len(), 1, "the token exists");
    let id = str_field(&tokens[0], "id");
    for part in [
        &format!("Cloudflare created Access service token {id}"),
        "carried no client secret",
        &format!("`cf-tokens access tokens rotate {id}`"),
        &format!("`cf-tokens access tokens delete {id}`"),
    ] {
        assert!(run.stderr.contains(part), "no {part:?}:\n{run}");
    }
    assert!(run.stdout.is_empty(), "no `client secret -`: {run}");

    // A zone's service tokens cannot be rotated: delete and create again.
    let zone = ZONE;
    server.inject(Fault::omit("access_service_tokens_create", "client_secret"));
    let run = cf(
        &server,
        &[
            "access",
            "tokens",
            "create",
            "--name",
            "ci",
            "--zone-id",
            zone,
        ],
    )
    .await;
    run.expect(1);
    let id = str_field(&server.service_tokens(AccessScope::Zone, zone)[0], "id").to_string();
    assert!(
        run.stderr.contains(&format!(
            "delete it (`cf-tokens access tokens delete {id} --zone-id {zone}`) and create it again"
        )),
        "{run}"
    );
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_says_the_secret_may_be_lost() {
    let server = fake().await;
    server.inject(Fault::drop_after("access_service_tokens_create"));
    let run = cf(&server, &["access", "tokens", "create", "--name", "ci"]).await;
    run.expect(1);
    assert!(
        run.stderr
            .contains("\"ci\" may have been created although the answer was lost"),
        "{run}"
    );
    assert!(
        run.stderr.contains("`cf-tokens access tokens list`"),
        "{run}"
    );
    assert_eq!(
        server.requests_for("access_service_tokens_create").len(),
        1,
        "never sent again"
    );
}

#[tokio::test]
async fn a_rotation_whose_answer_lacks_the_new_secret_fails_and_says_it_happened() {
    let server = fake().await;
    let seeded = server.create_service_token(AccessScope::Account, ACCOUNT, "ci");
    let id = str_field(&seeded, "id");
    server.inject(Fault::omit("access_service_tokens_rotate", "client_secret"));
    let run = cf(
        &server,
        &["access", "tokens", "rotate", id, "--grace", "1h"],
    )
    .await;
    run.expect(1);
    let stored = &server.service_tokens(AccessScope::Account, ACCOUNT)[0];
    assert_eq!(stored["client_secret_version"], 2, "it was rotated");
    for part in [
        &format!("Access service token {id} was rotated"),
        "the answer with its new client secret was lost",
        "the original secret keeps working until",
        // Rotating again ends that grace: the message says so and names the change it expects.
        "the original secret stops working at once",
        &format!("`cf-tokens access tokens rotate {id} --grace 1h --if-unchanged-since "),
    ] {
        assert!(run.stderr.contains(part), "no {part:?}:\n{run}");
    }
    assert_eq!(
        server.requests_for("access_service_tokens_rotate").len(),
        1,
        "never rotated again"
    );
    assert!(run.stdout.is_empty(), "{run}");
}

#[tokio::test]
async fn create_and_rotate_write_the_secret_to_a_private_new_file_and_not_to_stdout() {
    let server = fake().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ci.secret");
    let path = file.to_str().unwrap();
    let run = cf(
        &server,
        &[
            "access",
            "tokens",
            "create",
            "--name",
            "ci",
            "--secret-file",
            path,
        ],
    )
    .await;
    run.expect(0);
    let (secret, mode) = read_private(&file);
    assert_eq!(mode, 0o600);
    assert_eq!(secret.len(), 64, "the secret alone: {secret:?}");
    run.assert_hides(&secret);
    assert!(
        run.stdout
            .contains(&format!("client secret  written to {path}")),
        "{run}"
    );
    assert!(!run.stdout.contains("Store the client secret now"), "{run}");
    let id = str_field(
        &server.service_tokens(AccessScope::Account, ACCOUNT)[0],
        "id",
    )
    .to_string();

    // JSON: the file instead of the secret.
    let json_file = dir.path().join("ci-json.secret");
    let run = cf(
        &server,
        &[
            "access",
            "tokens",
            "create",
            "--name",
            "ci-2",
            "--json",
            "--secret-file",
            json_file.to_str().unwrap(),
        ],
    )
    .await;
    run.expect(0);
    let json = run.json();
    assert!(json.get("client_secret").is_none(), "{json}");
    assert_eq!(json["client_secret_file"], json_file.to_str().unwrap());
    run.assert_hides(&read_private(&json_file).0);

    let rotated = dir.path().join("rotated.secret");
    let run = cf(
        &server,
        &[
            "access",
            "tokens",
            "rotate",
            &id,
            "--json",
            "--secret-file",
            rotated.to_str().unwrap(),
        ],
    )
    .await;
    run.expect(0);
    let (new_secret, mode) = read_private(&rotated);
    assert_eq!(mode, 0o600);
    assert_ne!(new_secret, secret);
    run.assert_hides(&new_secret);
    let json = run.json();
    assert!(json.get("client_secret").is_none(), "{json}");
    assert_eq!(json["client_secret_file"], rotated.to_str().unwrap());
}

#[tokio::test]
async fn an_existing_secret_file_is_refused_before_any_request() {
    let server = fake().await;
    let seeded = server.create_service_token(AccessScope::Account, ACCOUNT, "ci");
    let dir = tempfile::tempdir().unwrap();
    let taken = dir.path().join("taken");
    std::fs::write(&taken, "precious").unwrap();
    let taken = taken.to_str().unwrap();
    let id = str_field(&seeded, "id");
    for args in [
        vec![
            "access",
            "tokens",
            "create",
            "--name",
            "ci",
            "--secret-file",
            taken,
        ],
        vec!["access", "tokens", "rotate", id, "--secret-file", taken],
        [SETUP, &["--secret-file", taken]].concat(),
        [SETUP, &["--dry-run", "--secret-file", taken]].concat(),
    ] {
        let run = cf(&server, &args).await;
        run.expect(2);
        assert!(
            run.stderr
                .contains(&format!("--secret-file {taken} exists already")),
            "{args:?}:\n{run}"
        );
        assert!(
            server.requests().is_empty(),
            "{args:?}: {:?}",
            server.requests()
        );
    }
    assert_eq!(std::fs::read_to_string(taken).unwrap(), "precious");

    let both = cf(
        &server,
        &[SETUP, &["--show-secret", "--secret-file", "x"]].concat(),
    )
    .await;
    both.expect(2);
    assert!(both.stderr.contains("cannot be used with"), "{both}");
}

#[tokio::test]
async fn a_failed_create_leaves_no_empty_secret_file() {
    let server = fake().await;
    server.inject(Fault::fail(
        "access_service_tokens_create",
        400,
        1001,
        "bad",
    ));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("never");
    let run = cf(
        &server,
        &[
            "access",
            "tokens",
            "create",
            "--name",
            "ci",
            "--secret-file",
            file.to_str().unwrap(),
        ],
    )
    .await;
    run.expect(1);
    assert!(!file.exists());
}

#[tokio::test]
async fn setup_writes_the_minted_value_to_the_secret_file() {
    let server = fake().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ai-search.token");
    let path = file.to_str().unwrap();
    let run = cf(&server, &[SETUP, &["--secret-file", path]].concat()).await;
    run.expect(0);
    let token = str_field(&server.user_tokens()[0], "id").to_string();
    let value = server.user_token_value(&token).unwrap();
    let (written, mode) = read_private(&file);
    assert_eq!(written, value);
    assert_eq!(mode, 0o600);
    run.assert_hides(&value);
    assert!(
        run.stdout
            .contains(&format!("token value      written to {path}")),
        "{run}"
    );

    // A run that mints nothing writes nothing, and leaves no empty file.
    let again = dir.path().join("again.token");
    let run = cf(
        &server,
        &[SETUP, &["--json", "--secret-file", again.to_str().unwrap()]].concat(),
    )
    .await;
    run.expect(0);
    assert!(!again.exists());
    assert!(run.stderr.contains("no API token was minted"), "{run}");
    assert!(run.json()["minted_token"].is_null());
    assert_eq!(server.user_tokens().len(), 1);
    assert_eq!(str_field(&server.user_tokens()[0], "name"), NAME);
}
