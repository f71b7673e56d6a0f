//! One deadline per call, retries and their waits included: a server that never answers, one
//! that stalls in the middle of the body, and one that asks to retry for ever all end the call
//! with a typed error, and a create cut off by the deadline is outcome-unknown.

use std::time::Duration;

use cloudflare_tokens::{
    Client, Credentials, DEFAULT_DEADLINE, Error, ErrorKind, RetryPolicy, Secret, types,
};
use serde_json::json;
use test_support::adversary::{self, Reply, Server};

/// Retries that would go on far longer than any deadline here.
fn many_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 1000,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_secs(60),
    }
}

fn client(server: &Server, deadline: Duration) -> Client {
    Client::builder(Credentials::ApiToken(Secret::new("deadline-test-token")))
        .base_url(server.base_url())
        .retry_policy(many_retries())
        .deadline(deadline)
        .build()
        .unwrap()
}

fn policy() -> types::TokenPolicy {
    types::TokenPolicy::new(
        types::PolicyEffect::Allow,
        vec![types::PolicyPermissionGroup::new("perm")],
        Default::default(),
    )
}

async fn create(client: &Client) -> Error {
    client
        .user_tokens_create(&types::UserTokenCreate::new("ci", vec![policy()]))
        .await
        .map(drop)
        .unwrap_err()
}

#[track_caller]
fn assert_deadline(error: &Error, deadline: Duration) {
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error:?}");
    assert_eq!(error.deadline(), Some(deadline));
    let text = error.to_string();
    assert!(
        text.contains(&format!(
            "no answer within the call's deadline of {deadline:?}"
        )),
        "{text}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_ends_the_call_at_the_deadline() {
    let server = Server::always(Reply::Hang).await;
    let deadline = Duration::from_millis(600);

    let error = client(&server, deadline)
        .user_tokens_verify()
        .await
        .map(drop)
        .unwrap_err();
    assert_deadline(&error, deadline);
    // The attempt never ended, so there was no retry.
    assert_eq!(server.requests().len(), 1);
    assert_eq!(error.attempts(), 1);
    assert_eq!(error.http_status(), None);

    // A create cut off after it was sent may have been carried out.
    let error = create(&client(&server, deadline)).await;
    assert_deadline(&error, deadline);
    assert!(error.may_have_reached_server());
    assert!(error.is_outcome_unknown(), "{error}");
    assert!(error.to_string().contains("outcome unknown"), "{error}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_body_that_stalls_ends_the_call_at_the_deadline() {
    let mut stalled = adversary::head(
        200,
        &[
            ("content-type", "application/json"),
            ("content-length", "1000"),
        ],
    );
    stalled.extend_from_slice(br#"{"success":true,"result":{"value":"#);
    let server = Server::always(Reply::RawThenHang(stalled)).await;
    let deadline = Duration::from_millis(600);

    let error = create(&client(&server, deadline)).await;
    assert_deadline(&error, deadline);
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(200));
    assert!(error.is_outcome_unknown(), "{error}");
    assert_eq!(server.requests().len(), 1);
}

/// Answers 503 with `Retry-After: seconds`, for ever.
async fn unavailable(seconds: u64) -> Server {
    Server::always(Reply::Raw(adversary::response(
        503,
        &[
            ("content-type", "application/json"),
            ("retry-after", &seconds.to_string()),
        ],
        json!({"success": false, "errors": [{"code": 10013, "message": "unavailable"}]})
            .to_string()
            .as_bytes(),
    )))
    .await
}

#[tokio::test]
async fn retry_after_is_not_waited_for_past_the_deadline() {
    // Asked to wait 5 s with 2 s left: the call ends now, with the answer it got.
    let server = unavailable(5).await;
    let error = client(&server, Duration::from_secs(2))
        .user_tokens_verify()
        .await
        .map(drop)
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api, "{error:?}");
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.codes(), vec![10013]);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(5)));
    assert_eq!(server.requests().len(), 1);
    assert!(
        error
            .to_string()
            .contains("not retried: waiting 5s would pass the call's deadline of 2s"),
        "{error}"
    );
}

#[tokio::test]
async fn a_server_asking_to_retry_for_ever_is_retried_only_within_the_deadline() {
    // Retry-After: 1 with a 1.5 s deadline: one retry fits, a second would end past it.
    let server = unavailable(1).await;
    let error = client(&server, Duration::from_millis(1500))
        .user_tokens_verify()
        .await
        .map(drop)
        .unwrap_err();
    assert_eq!(
        error.http_status().map(|s| s.as_u16()),
        Some(503),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 2);
    assert_eq!(error.attempts(), 2);
    assert!(
        error.to_string().contains("would pass the call's deadline"),
        "{error}"
    );
}

#[tokio::test]
async fn without_a_reachable_deadline_nothing_overflows() {
    let server = Server::always(adversary::json(
        200,
        &json!({"success": true, "result": {"id": "ed17", "status": "active"}}),
    ))
    .await;
    let verified = client(&server, Duration::MAX)
        .user_tokens_verify()
        .await
        .unwrap();
    assert_eq!(verified.id.as_deref(), Some("ed17"));
    assert_eq!(DEFAULT_DEADLINE, Duration::from_secs(120));
}
