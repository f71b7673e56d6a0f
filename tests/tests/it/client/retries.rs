//! Retries that cannot duplicate a credential, shown against a local Cloudflare with faults.

use std::time::{Duration, Instant};

use cloudflare_tokens::{
    Client, Credentials, ErrorKind, RetryPolicy, Secret, UserTokensListQuery, types,
};
use fake_cloudflare::{FakeCloudflare, Fault};
use test_support::ACCOUNT;

/// Quick retries, so the tests do not wait on backoff (Retry-After is still honoured).
fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_secs(60),
    }
}

fn client(server: &FakeCloudflare) -> Client {
    Client::builder(Credentials::ApiToken(Secret::new(server.bootstrap_token())))
        .base_url(server.base_url())
        .retry_policy(quick_retries())
        .build()
        .expect("client")
}

fn read_only_policy() -> types::TokenPolicy {
    let resources = [(
        format!("com.cloudflare.api.account.{ACCOUNT}"),
        types::PolicyResourceValue::String("*".into()),
    )];
    types::TokenPolicy::new(
        types::PolicyEffect::Allow,
        vec![types::PolicyPermissionGroup::new(
            fake_cloudflare::AI_SEARCH_INDEX_ENGINE,
        )],
        resources.into_iter().collect(),
    )
}

fn new_token() -> types::UserTokenCreate {
    types::UserTokenCreate::new("ci-deployer", vec![read_only_policy()])
}

#[tokio::test]
async fn a_create_whose_connection_drops_is_sent_once_and_reported_as_unknown() {
    let server = FakeCloudflare::start().await.unwrap();
    server.inject(Fault::drop_connection("user_tokens_create"));

    let error = client(&server)
        .user_tokens_create(&new_token())
        .await
        .unwrap_err();

    assert_eq!(
        server.requests_for("user_tokens_create").len(),
        1,
        "a POST must never be replayed"
    );
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert!(error.may_have_reached_server());
    assert!(error.is_outcome_unknown(), "{error}");
    assert_eq!(error.attempts(), 1);
    assert!(error.to_string().contains("outcome unknown"), "{error}");
}

#[tokio::test]
async fn a_create_that_gets_a_server_error_is_not_retried() {
    let server = FakeCloudflare::start().await.unwrap();
    server.inject(Fault::fail("user_tokens_create", 503, 10013, "service unavailable").forever());

    let error = client(&server)
        .user_tokens_create(&new_token())
        .await
        .unwrap_err();

    assert_eq!(server.requests_for("user_tokens_create").len(), 1);
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(503));
    assert!(error.is_outcome_unknown());
}

#[tokio::test]
async fn a_create_that_never_connected_is_retried() {
    // A port nobody listens on: the connection is refused, so the POST provably never left.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = Client::builder(Credentials::ApiToken(Secret::new("t")))
        .base_url(format!("http://127.0.0.1:{port}/client/v4"))
        .retry_policy(quick_retries())
        .build()
        .unwrap();

    let error = client.user_tokens_create(&new_token()).await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Transport);
    assert!(!error.may_have_reached_server());
    assert!(!error.is_outcome_unknown());
    assert_eq!(
        error.attempts(),
        3,
        "connect failures are safe to retry, even for a POST"
    );
}

#[tokio::test]
async fn a_read_rate_limited_once_waits_as_asked_and_succeeds() {
    let server = FakeCloudflare::start().await.unwrap();
    server.inject(Fault::rate_limit("user_tokens_list", 1));

    let started = Instant::now();
    let page = client(&server)
        .user_tokens_list(&UserTokensListQuery::default())
        .await
        .unwrap();

    assert_eq!(server.requests_for("user_tokens_list").len(), 2);
    assert!(page.items().is_empty());
    // Correctness, not speed: the client waited for the Retry-After it was given.
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_read_that_keeps_failing_gives_up_after_the_configured_attempts() {
    let server = FakeCloudflare::start().await.unwrap();
    server.inject(Fault::fail("user_tokens_verify", 503, 10013, "unavailable").forever());

    let error = client(&server).user_tokens_verify().await.unwrap_err();

    assert_eq!(
        server.requests_for("user_tokens_verify").len(),
        3,
        "one try and two retries"
    );
    assert_eq!(error.attempts(), 3);
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.codes(), vec![10013]);
    assert!(!error.is_outcome_unknown(), "a GET changes nothing");
}

#[tokio::test]
async fn retries_can_be_disabled() {
    let server = FakeCloudflare::start().await.unwrap();
    server.inject(Fault::fail("user_tokens_verify", 503, 10013, "unavailable").forever());
    let client = Client::builder(Credentials::ApiToken(Secret::new(server.bootstrap_token())))
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();

    client.user_tokens_verify().await.unwrap_err();

    assert_eq!(server.requests_for("user_tokens_verify").len(), 1);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_is_not_waited_for() {
    let server = FakeCloudflare::start().await.unwrap();
    server.inject(Fault::rate_limit("user_tokens_verify", 3600));

    let error = client(&server).user_tokens_verify().await.unwrap_err();

    assert_eq!(server.requests_for("user_tokens_verify").len(), 1);
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(429));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
}

#[tokio::test]
async fn a_read_whose_connection_drops_is_retried() {
    let server = FakeCloudflare::start().await.unwrap();
    server.inject(Fault::drop_connection("user_tokens_verify"));

    let verified = client(&server).user_tokens_verify().await.unwrap();

    assert_eq!(server.requests_for("user_tokens_verify").len(), 2);
    assert_eq!(verified.status, types::TokenStatus::Active);
}

#[tokio::test]
async fn an_idempotent_update_is_retried_after_a_gateway_error() {
    let server = FakeCloudflare::start().await.unwrap();
    let seeded = server.create_user_token("to-rename");
    server.inject(Fault::html_502("user_tokens_update"));
    let update = types::UserTokenUpdate::new("renamed", vec![read_only_policy()]);

    let updated = client(&server)
        .user_tokens_update(&seeded.id, &update)
        .await
        .unwrap();

    assert_eq!(server.requests_for("user_tokens_update").len(), 2);
    assert_eq!(updated.name.as_deref(), Some("renamed"));
}
