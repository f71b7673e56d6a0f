//! `Error`'s `Display` is one line about the call; what caused it is reachable only through
//! `source()`, so a report that walks the chain (`anyhow`'s `{:#}`) shows each cause once.

use std::error::Error as _;

use cloudflare_tokens::{Client, Credentials, ErrorKind, Secret};
use serde_json::json;
use test_support::adversary::{Server, json};

/// The `Display` of each error in `error`'s `source()` chain, outermost first.
fn causes(error: &cloudflare_tokens::Error) -> Vec<String> {
    let mut texts = Vec::new();
    let mut next = error.source();
    while let Some(cause) = next {
        texts.push(cause.to_string());
        next = cause.source();
    }
    texts
}

#[tokio::test]
async fn a_transport_error_shows_each_cause_once_under_anyhow() {
    // A port nothing listens on: the connection is refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = Client::builder(Credentials::ApiToken(Secret::new("t0ken")))
        .base_url(format!("http://127.0.0.1:{port}/client/v4"))
        .retry_policy(cloudflare_tokens::RetryPolicy {
            max_retries: 0,
            ..Default::default()
        })
        .build()
        .unwrap();

    let error = client.user_tokens_verify().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport);
    let line = error.to_string();
    assert_eq!(
        line,
        "user_tokens_verify (GET /user/tokens/verify) failed: no answer"
    );

    let causes = causes(&error);
    // reqwest's error, hyper's, the connector's, the operating system's.
    assert!(!causes.is_empty(), "a refused connection has a cause");
    assert!(
        causes.iter().any(|c| c.contains("Connection refused")),
        "{causes:?}"
    );
    let report = format!("{:#}", anyhow::Error::new(error));
    assert_eq!(report, format!("{line}: {}", causes.join(": ")));
    for cause in &causes {
        assert_eq!(
            report.matches(cause.as_str()).count(),
            1,
            "{cause} in {report}"
        );
    }
}

#[tokio::test]
async fn an_api_error_is_one_line_with_every_cloudflare_error() {
    let server = Server::always(json(
        403,
        &json!({
            "success": false,
            "errors": [
                {"code": 9109, "message": "Unauthorized to access requested resource"},
                {"code": 10000, "message": "Authentication error\nsecond line"}
            ],
            "messages": [],
            "result": null
        }),
    ))
    .await;
    let client = Client::builder(Credentials::ApiToken(Secret::new("t0ken")))
        .base_url(server.base_url())
        .build()
        .unwrap();

    let error = client.user_tokens_get("abc").await.unwrap_err();

    assert_eq!(
        error.to_string(),
        "user_tokens_get (GET /user/tokens/{token_id}) failed: Cloudflare refused the request \
         (HTTP 403 Forbidden) [cf-ray 8f3b2c1d4e5a6b7c-LHR]; error 9109: Unauthorized to access requested resource; \
         error 10000: Authentication error\\nsecond line; hint: user_tokens_get needs the \
         permission `com.cloudflare.api.token.read`, granted by an API token permission group \
         \"API Tokens Write\" or \"API Tokens Read\"; the credentials likely lack it"
    );
    assert!(
        error.source().is_none(),
        "Cloudflare's refusal has no cause"
    );
    assert_eq!(
        format!("{:#}", anyhow::Error::new(error)).lines().count(),
        1
    );
}
