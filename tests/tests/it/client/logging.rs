//! Each attempt is logged at debug level with what a person needs to debug a call (operation,
//! method, path, status, `cf-ray`, duration, the retry decision), and nothing of the call's
//! secrets reaches the log, even at trace level with every crate's events captured.

use std::time::Duration;

use cloudflare_tokens::{Client, Credentials, RetryPolicy, Secret, UserTokensListQuery, types};
use cloudflare_tokens_tests::ops::{ACCOUNT_ID, API_TOKEN, EMAIL, GLOBAL_API_KEY};
use serde_json::json;
use test_support::adversary::{self, Reply, Server};

use super::log_capture;

/// The secret the registration body carries.
const SENT_SECRET: &str = "sent-secret-Hq2Nw9Kd4Lp0ZrTq";
/// The rolled token value the server answers with.
const ROLLED: &str = "rolled-value-Vb7Mc3Xn5Lk8Jh1Gf";

fn client(server: &Server, credentials: Credentials) -> Client {
    Client::builder(credentials)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_secs(5),
        })
        .build()
        .unwrap()
}

/// The log lines about `operation`.
fn lines_of<'a>(logs: &'a str, operation: &str) -> Vec<&'a str> {
    logs.lines()
        .filter(|l| {
            l.contains(&format!("operation=\"{operation}\""))
                || l.contains(&format!("operation={operation} "))
        })
        .collect()
}

#[tokio::test]
async fn attempts_are_logged_without_any_secret() {
    let (captured, _guard) = log_capture::capture();

    // 1. A registration (a POST carrying a secret) answered 503, its body and cf-ray echoing
    //    the secrets: not retried.
    let echo = format!("upstream said no to {SENT_SECRET} with Bearer {API_TOKEN}");
    let server = Server::always(Reply::Raw(adversary::response(
        503,
        &[("content-type", "text/plain"), ("cf-ray", API_TOKEN)],
        echo.as_bytes(),
    )))
    .await;
    let body = types::AiSearchTokenCreate::new(types::AiSearchTokenCreateRequired {
        cf_api_id: "ed17".into(),
        cf_api_key: SENT_SECRET.into(),
        name: "docs-indexer".into(),
    });
    let error = client(&server, Credentials::ApiToken(Secret::new(API_TOKEN)))
        .ai_search_tokens_create(ACCOUNT_ID, &body)
        .await
        .unwrap_err();
    assert_eq!(error.attempts(), 1);

    // 2. A roll (a PUT) answered 503 with Retry-After: 0, then with the new value: retried.
    let roll_answer = json!({"success": true, "errors": [], "messages": [{"code": 1, "message": format!("rolled to {ROLLED}")}], "result": ROLLED});
    let server = Server::scripted(vec![
        Reply::Raw(adversary::response(
            503,
            &[("retry-after", "0"), ("cf-ray", "7a1b2c3d4e5f6a7b-AMS")],
            b"",
        )),
        adversary::json(200, &roll_answer),
    ])
    .await;
    let keyed = Credentials::ApiKey {
        email: EMAIL.into(),
        key: Secret::new(GLOBAL_API_KEY),
    };
    let rolled = client(&server, keyed)
        .user_tokens_roll("ed17574386854bf78a67040be0a770b0")
        .await
        .unwrap();
    assert_eq!(rolled.expose_secret(), ROLLED);
    assert_eq!(rolled.cf_messages()[0].message, "rolled to [REDACTED]");

    // 3. A list with a query, refused.
    let server = Server::always(adversary::json(
        400,
        &json!({"success": false, "errors": [{"code": 1003, "message": "bad"}]}),
    ))
    .await;
    let query = UserTokensListQuery {
        page: Some(2),
        per_page: Some(5),
        ..Default::default()
    };
    let _ = client(&server, Credentials::ApiToken(Secret::new(API_TOKEN)))
        .user_tokens_list(&query)
        .await
        .unwrap_err();

    // 4. A verify that never gets an answer before the deadline.
    let server = Server::always(Reply::Hang).await;
    let _ = Client::builder(Credentials::ApiToken(Secret::new(API_TOKEN)))
        .base_url(server.base_url())
        .deadline(Duration::from_millis(300))
        .build()
        .unwrap()
        .user_tokens_verify()
        .await
        .unwrap_err();

    let logs = captured.text();
    for secret in [API_TOKEN, GLOBAL_API_KEY, SENT_SECRET, ROLLED] {
        assert!(!logs.contains(secret), "`{secret}` was logged:\n{logs}");
    }
    assert!(!logs.contains(EMAIL), "the login email was logged:\n{logs}");

    let create = lines_of(&logs, "ai_search_tokens_create");
    assert_eq!(create.len(), 1, "{logs}");
    for field in [
        "DEBUG",
        "method=POST",
        &format!("path=/client/v4/accounts/{ACCOUNT_ID}/ai-search/tokens"),
        "attempt=1",
        "status=503",
        "cf_ray=[REDACTED]",
        "elapsed_ms=",
        "decision=not retried: a POST that may have reached the server",
    ] {
        assert!(create[0].contains(field), "no `{field}` in {}", create[0]);
    }

    let roll = lines_of(&logs, "user_tokens_roll");
    assert_eq!(roll.len(), 2, "{logs}");
    for field in [
        "method=PUT",
        "path=/client/v4/user/tokens/ed17574386854bf78a67040be0a770b0/value",
        "attempt=1",
        "status=503",
        "cf_ray=7a1b2c3d4e5f6a7b-AMS",
        "retry_in_ms=0",
        "decision=retrying after 0 ms",
    ] {
        assert!(roll[0].contains(field), "no `{field}` in {}", roll[0]);
    }
    for field in [
        "attempt=2",
        "status=200",
        "cf_ray=8f3b2c1d4e5a6b7c-LHR",
        "decision=done",
    ] {
        assert!(roll[1].contains(field), "no `{field}` in {}", roll[1]);
    }

    let verify = lines_of(&logs, "user_tokens_verify");
    assert_eq!(verify.len(), 1, "{logs}");
    for field in [
        "method=GET",
        "status=no answer before the deadline",
        "cf_ray=-",
        "decision=giving up: the call's deadline passed",
    ] {
        assert!(verify[0].contains(field), "no `{field}` in {}", verify[0]);
    }

    let list = lines_of(&logs, "user_tokens_list");
    assert_eq!(list.len(), 1, "{logs}");
    assert!(
        list[0].contains("path=/client/v4/user/tokens "),
        "{}",
        list[0]
    );
    assert!(
        !list[0].contains("per_page") && !list[0].contains('?'),
        "{}",
        list[0]
    );
    assert!(
        list[0].contains("status=400") && list[0].contains("decision=done"),
        "{}",
        list[0]
    );
}
