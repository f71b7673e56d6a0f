//! Durations and dates from the user never overflow into a panic: a value too large is a usage
//! error (exit 2) naming the option, found before any request, or the API's 400.

use std::time::Duration;

use cloudflare_tokens::{Client, Credentials, ErrorKind, Secret, flows};
use fake_cloudflare::AccessScope;

use crate::CF_TOKENS;
use test_support::cli::{cf, env_for};
use test_support::fake::fake;
use test_support::{ACCOUNT, str_field};

#[tokio::test]
async fn a_grace_period_too_long_for_a_date_is_a_usage_error_naming_the_option() {
    let server = fake().await;
    let seeded = server.create_service_token(AccessScope::Account, ACCOUNT, "ci");
    let id = str_field(&seeded, "id");
    for grace in [
        "300000years",
        "9999999999999999s",
        "99999999999999999999999s",
    ] {
        let run = cf(
            &server,
            &["access", "tokens", "rotate", id, "--grace", grace],
        )
        .await;
        run.expect(2);
        assert!(
            run.stderr.contains("--grace"),
            "{grace}: the option is named:\n{run}"
        );
        // And the real binary: an exit code, not a panic's 101.
        let run = CF_TOKENS
            .run(
                &env_for(&server),
                &["access", "tokens", "rotate", id, "--grace", grace],
            )
            .await;
        run.expect(2);
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test]
async fn the_rotation_flow_checks_its_date_arithmetic() {
    let server = fake().await;
    let seeded = server.create_service_token(AccessScope::Account, ACCOUNT, "ci");
    let client = Client::builder(Credentials::ApiToken(Secret::new(server.bootstrap_token())))
        .base_url(server.base_url())
        .build()
        .unwrap();
    let id = str_field(&seeded, "id");
    let years = |n: u64| Duration::from_secs(n * 365 * 24 * 3600);
    for grace in [Duration::MAX, years(300_000), years(1_000_000_000)] {
        let error = flows::rotate_access_token(&client, ACCOUNT, id, grace)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");
        assert!(
            error.to_string().contains("grace period is too long"),
            "{error}"
        );
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_duration_ending_after_the_last_date_is_refused_not_taken_as_forever() {
    let server = fake().await;
    let run = cf(
        &server,
        &[
            "access",
            "tokens",
            "create",
            "--name",
            "ci",
            "--duration",
            "2562047788015h",
        ],
    )
    .await;
    run.expect(1);
    assert!(
        run.stderr.contains("400") && run.stderr.contains("1001"),
        "{run}"
    );
    assert!(
        server
            .service_tokens(AccessScope::Account, ACCOUNT)
            .is_empty()
    );
}
