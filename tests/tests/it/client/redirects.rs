//! Redirects are never followed: a 3xx from the API is a typed error naming the status and the
//! `Location`, and the place it points to receives nothing (no credentials, no body).

use std::time::Duration;

use cloudflare_tokens::{Client, Credentials, Error, ErrorKind, RetryPolicy, Secret, types};
use cloudflare_tokens_tests::ops::{ACCOUNT_ID, API_TOKEN, Auth, EMAIL, GLOBAL_API_KEY};
use serde_json::json;
use test_support::adversary::{self, Reply, Server};

/// The secret the registration body carries (a freshly minted token's value).
const MINTED_VALUE: &str = "minted-token-value-Zq8Lw2Rt6Yp0Xn4Vb7Mc";

fn client(base_url: &str, auth: Auth) -> Client {
    let credentials = match auth {
        Auth::Token => Credentials::ApiToken(Secret::new(API_TOKEN)),
        Auth::Key => Credentials::ApiKey {
            email: EMAIL.to_string(),
            key: Secret::new(GLOBAL_API_KEY),
        },
    };
    // Retries on, so that a retry of the redirect would show too.
    Client::builder(credentials)
        .base_url(base_url)
        .retry_policy(RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_secs(1),
        })
        .build()
        .unwrap()
}

#[derive(Clone, Copy, Debug)]
enum Request {
    /// `GET /user/tokens/verify`.
    Get,
    /// `POST /accounts/{id}/ai-search/tokens`, whose body carries a secret.
    Post,
}

async fn send(client: &Client, request: Request) -> Error {
    match request {
        Request::Get => client.user_tokens_verify().await.map(drop).unwrap_err(),
        Request::Post => {
            let body = types::AiSearchTokenCreate::new(types::AiSearchTokenCreateRequired {
                cf_api_id: "ed17574386854bf78a67040be0a770b0".into(),
                cf_api_key: MINTED_VALUE.into(),
                name: "docs-indexer".into(),
            });
            client
                .ai_search_tokens_create(ACCOUNT_ID, &body)
                .await
                .map(drop)
                .unwrap_err()
        }
    }
}

#[tokio::test]
async fn no_redirect_is_followed_and_the_target_receives_nothing() {
    for auth in [Auth::Token, Auth::Key] {
        for request in [Request::Get, Request::Post] {
            for status in [301u16, 302, 303, 307, 308] {
                let case = format!("{auth:?} {request:?} {status}");
                // Where the redirect points: it would answer anything with a success.
                let elsewhere = Server::always(adversary::json(
                    200,
                    &json!({"success": true, "errors": [], "messages": [], "result": {}}),
                ))
                .await;
                let location = format!("{}/client/v4/collect", elsewhere.origin());
                let target = location.clone();
                let origin = Server::start(move |_| {
                    Reply::Raw(adversary::response(status, &[("location", &target)], b""))
                })
                .await;

                let error = send(&client(&origin.base_url(), auth), request).await;

                assert_eq!(error.kind(), ErrorKind::Redirect, "{case}: {error:?}");
                assert_eq!(
                    error.http_status().map(|s| s.as_u16()),
                    Some(status),
                    "{case}"
                );
                assert_eq!(error.redirect_location(), Some(location.as_str()), "{case}");
                assert_eq!(error.attempts(), 1, "{case}: a redirect is not retried");
                let text = error.to_string();
                assert!(text.contains(&format!("HTTP {status}")), "{case}: {text}");
                assert!(text.contains(&location), "{case}: {text}");
                assert!(text.contains("never follows redirects"), "{case}: {text}");
                assert!(!text.contains(MINTED_VALUE), "{case}: {text}");
                // A create that was redirected may or may not have been carried out.
                assert_eq!(
                    error.is_outcome_unknown(),
                    matches!(request, Request::Post),
                    "{case}"
                );

                let sent = origin.requests();
                assert_eq!(sent.len(), 1, "{case}: {sent:?}");
                if matches!(request, Request::Post) {
                    assert!(
                        sent[0].text().contains(MINTED_VALUE),
                        "{case}: the origin gets the body"
                    );
                }
                assert_eq!(
                    elsewhere.connections(),
                    0,
                    "{case}: the redirect target was contacted: {:?}",
                    elsewhere.requests()
                );
            }
        }
    }
}

#[tokio::test]
async fn a_redirect_without_a_location_is_still_an_error() {
    let origin = Server::always(Reply::Raw(adversary::response(302, &[], b""))).await;
    let error = send(&client(&origin.base_url(), Auth::Token), Request::Get).await;
    assert_eq!(error.kind(), ErrorKind::Redirect, "{error:?}");
    assert_eq!(error.redirect_location(), None);
    assert!(error.to_string().contains("without a Location"), "{error}");
}
