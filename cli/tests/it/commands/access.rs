//! `cf-tokens access tokens …` end to end against the fake: rotation with a grace period, the
//! other operations on accounts and zones, and where client secrets appear.

use chrono::{DateTime, Duration, Utc};
use fake_cloudflare::AccessScope;
use test_support::cli::cf;
use test_support::fake::fake;
use test_support::{ACCOUNT, ZONE, str_field};

fn time(value: &serde_json::Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().expect("a time"))
        .expect("RFC 3339")
        .to_utc()
}

#[track_caller]
fn assert_near(actual: DateTime<Utc>, expected: DateTime<Utc>) {
    let off = (actual - expected).num_seconds().abs();
    assert!(off <= 60, "{actual} is {off}s away from {expected}");
}

#[tokio::test]
async fn rotate_keeps_the_previous_secret_for_the_grace_period() {
    let server = fake().await;
    let seeded = server.create_service_token(AccessScope::Account, ACCOUNT, "ci");
    let id = str_field(&seeded, "id");
    let old_secret = str_field(&seeded, "client_secret");

    let run = cf(
        &server,
        &["access", "tokens", "rotate", id, "--grace", "1h"],
    )
    .await;
    run.expect(0);
    let stored = &server.service_tokens(AccessScope::Account, ACCOUNT)[0];
    assert_eq!(stored["client_secret_version"], 2);
    assert_near(
        time(&stored["previous_client_secret_expires_at"]),
        Utc::now() + Duration::hours(1),
    );
    assert!(run.stdout.contains("client secret"), "{run}");
    assert!(!run.stdout.contains(old_secret), "{run}");
    assert!(run.stdout.contains("keeps working until"), "{run}");

    // A second rotation ends the first one's grace at once (Cloudflare keeps one previous
    // secret), so a token changed within the last day is rotated again only when the caller
    // names the change it expects.
    let since = stored["updated_at"].as_str().unwrap().to_string();
    // --json carries the new secret: handing it over is what rotating is for.
    let args = ["access", "tokens", "rotate", id, "--grace", "30m", "--json"];
    let json = cf(
        &server,
        &[&args[..], &["--if-unchanged-since", &since]].concat(),
    )
    .await;
    json.expect(0);
    let rotated = json.json();
    assert_eq!(rotated["id"], id);
    assert_eq!(rotated["client_id"], seeded["client_id"]);
    let secret = str_field(&rotated, "client_secret");
    assert_eq!(secret.len(), 64);
    assert!(
        !run.stdout.contains(secret),
        "each rotation issues a new secret"
    );
    let promised = time(&rotated["previous_client_secret_expires_at"]);
    assert_near(promised, Utc::now() + Duration::minutes(30));
    let stored = &server.service_tokens(AccessScope::Account, ACCOUNT)[0];
    assert_near(time(&stored["previous_client_secret_expires_at"]), promised);
}

#[tokio::test]
async fn rotate_without_a_grace_period_ends_the_previous_secret_now() {
    let server = fake().await;
    let seeded = server.create_service_token(AccessScope::Account, ACCOUNT, "ci");
    let run = cf(
        &server,
        &["access", "tokens", "rotate", str_field(&seeded, "id")],
    )
    .await;
    run.expect(0);
    assert!(run.stdout.contains("stopped working now"), "{run}");
    let stored = &server.service_tokens(AccessScope::Account, ACCOUNT)[0];
    assert_near(
        time(&stored["previous_client_secret_expires_at"]),
        Utc::now(),
    );
}

#[tokio::test]
async fn the_client_secret_is_printed_by_create_and_nowhere_else() {
    let server = fake().await;
    let created = cf(
        &server,
        &[
            "access",
            "tokens",
            "create",
            "--name",
            "ci",
            "--duration",
            "24h",
        ],
    )
    .await;
    created.expect(0);
    let stored = &server.service_tokens(AccessScope::Account, ACCOUNT)[0];
    let id = str_field(stored, "id").to_string();
    assert_eq!(stored["duration"], "24h");
    assert!(created.stdout.contains(&id), "{created}");
    assert!(
        created.stdout.contains(str_field(stored, "client_id")),
        "{created}"
    );
    // The secret is the 64-hex value after "client secret".
    let secret = created
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("client secret"))
        .map(str::trim)
        .expect("a client secret line")
        .to_string();
    assert_eq!(secret.len(), 64, "{created}");

    for args in [
        vec!["access", "tokens", "list"],
        vec!["access", "tokens", "list", "--json"],
        vec!["access", "tokens", "get", &id],
        vec!["access", "tokens", "get", &id, "--json"],
        vec![
            "access",
            "tokens",
            "update",
            &id,
            "--name",
            "ci-2",
            "--enabled",
            "false",
        ],
        vec!["access", "tokens", "refresh", &id],
        vec!["access", "tokens", "refresh", &id, "--json"],
    ] {
        let run = cf(&server, &args).await;
        run.expect(0);
        run.assert_hides(&secret);
    }
    let stored = &server.service_tokens(AccessScope::Account, ACCOUNT)[0];
    assert_eq!(stored["name"], "ci-2");
    assert_eq!(stored["enabled"], false);
    assert_eq!(
        server.requests_for("access_service_tokens_refresh").len(),
        2
    );

    cf(&server, &["access", "tokens", "delete", &id])
        .await
        .expect(0);
    assert!(
        server
            .service_tokens(AccessScope::Account, ACCOUNT)
            .is_empty()
    );
}

#[tokio::test]
async fn zone_service_tokens_are_reached_with_zone_id() {
    let server = fake().await;
    let created = cf(
        &server,
        &[
            "access",
            "tokens",
            "create",
            "--name",
            "edge",
            "--zone-id",
            ZONE,
            "--json",
        ],
    )
    .await;
    created.expect(0);
    let id = str_field(&created.json(), "id").to_string();
    assert_eq!(server.service_tokens(AccessScope::Zone, ZONE).len(), 1);
    assert!(
        server
            .service_tokens(AccessScope::Account, ACCOUNT)
            .is_empty()
    );
    assert!(
        server.requests_for("access_service_tokens_create")[0]
            .path
            .contains(&format!("/zones/{ZONE}/"))
    );

    let list = cf(
        &server,
        &["access", "tokens", "list", "--zone-id", ZONE, "--json"],
    )
    .await;
    list.expect(0);
    assert_eq!(list.json().as_array().map(Vec::len), Some(1));
    cf(
        &server,
        &["access", "tokens", "get", &id, "--zone-id", ZONE],
    )
    .await
    .expect(0);
    cf(
        &server,
        &[
            "access",
            "tokens",
            "update",
            &id,
            "--zone-id",
            ZONE,
            "--duration",
            "48h",
        ],
    )
    .await
    .expect(0);
    assert_eq!(
        server.service_tokens(AccessScope::Zone, ZONE)[0]["duration"],
        "48h"
    );
    // The account's list does not see the zone's token.
    let account = cf(&server, &["access", "tokens", "list"]).await;
    account.expect(0);
    assert!(
        account.stdout.contains("no Access service tokens"),
        "{account}"
    );
    cf(
        &server,
        &["access", "tokens", "delete", &id, "--zone-id", ZONE],
    )
    .await
    .expect(0);
    assert!(server.service_tokens(AccessScope::Zone, ZONE).is_empty());
}

#[tokio::test]
async fn a_missing_service_token_fails_with_the_status_and_code() {
    let server = fake().await;
    let run = cf(&server, &["access", "tokens", "get", "nope"]).await;
    run.expect(1);
    assert!(
        run.stderr
            .contains("could not get Access service token nope"),
        "{run}"
    );
    assert!(
        run.stderr.contains("404") && run.stderr.contains("7003"),
        "{run}"
    );
    assert!(run.stdout.is_empty());
}

#[tokio::test]
async fn a_rotation_waits_for_the_change_it_expects_and_refuses_one_it_does_not() {
    let server = fake().await;
    let seeded = server.create_service_token(AccessScope::Account, ACCOUNT, "ci");
    let id = str_field(&seeded, "id");
    // A later second than the creation's, so that the refresh moves `updated_at`.
    server.advance_clock(std::time::Duration::from_secs(60));
    cf(&server, &["access", "tokens", "refresh", id])
        .await
        .expect(0);
    let since = str_field(
        &server.service_tokens(AccessScope::Account, ACCOUNT)[0],
        "updated_at",
    )
    .to_string();

    // Changed within the day: maybe a rotation whose grace is running, so not rotated.
    let refused = cf(
        &server,
        &["access", "tokens", "rotate", id, "--grace", "1h"],
    )
    .await;
    refused.expect(1);
    for part in [
        &format!("did not rotate Access service token {id}: it changed at {since}"),
        "stops working at once",
        &format!("`cf-tokens access tokens rotate {id} --grace 1h --if-unchanged-since {since}`"),
    ] {
        assert!(refused.stderr.contains(part), "no {part:?}:\n{refused}");
    }
    // Another time than the token's: refused too.
    let other = "2020-01-01T00:00:00Z";
    let stale = cf(
        &server,
        &[
            "access",
            "tokens",
            "rotate",
            id,
            "--if-unchanged-since",
            other,
        ],
    )
    .await;
    stale.expect(1);
    assert!(stale.stderr.contains("did not rotate"), "{stale}");
    assert!(
        server
            .requests_for("access_service_tokens_rotate")
            .is_empty()
    );

    // The change named: rotated, once.
    cf(
        &server,
        &[
            "access",
            "tokens",
            "rotate",
            id,
            "--grace",
            "1h",
            "--if-unchanged-since",
            &since,
        ],
    )
    .await
    .expect(0);
    let stored = &server.service_tokens(AccessScope::Account, ACCOUNT)[0];
    assert_eq!(stored["client_secret_version"], 2);
    assert_eq!(server.requests_for("access_service_tokens_rotate").len(), 1);
    // Not a time.
    cf(
        &server,
        &[
            "access",
            "tokens",
            "rotate",
            id,
            "--if-unchanged-since",
            "yesterday",
        ],
    )
    .await
    .expect(2);
}
