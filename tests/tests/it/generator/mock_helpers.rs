//! Programs that use `cloudflare-tokens` can test their own code with typed mocks: the crate's
//! `mock` feature carries progenitor's httpmock helpers, one per operation. This is such a test,
//! written as a user of the crate would write it.

use cloudflare_tokens::mock::MockServerExt;
use cloudflare_tokens::{Client, Credentials, Envelope, RetryPolicy, Secret, types};
use httpmock::MockServer;

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";

/// The user's code under test: which registered token an instance uses, if the instance exists.
async fn token_of(cf: &Client, instance: &str) -> cloudflare_tokens::Result<Option<String>> {
    match cf.ai_search_instances_get(ACCOUNT, instance).await {
        Ok(found) => Ok(found.into_result().token_id),
        Err(e) if e.http_status().is_some_and(|s| s.as_u16() == 404) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The user's code under test: a service token for a CI runner, with a one-day duration.
async fn create_runner_token(cf: &Client, runner: &str) -> cloudflare_tokens::Result<Secret> {
    let body = types::ServiceTokenCreate {
        duration: Some("24h".into()),
        ..types::ServiceTokenCreate::new(format!("ci-runner-{runner}"))
    };
    let scope = cloudflare_tokens::Scope::Account(ACCOUNT);
    let created = cf.access_service_tokens_create(scope, &body).await?;
    Ok(created.into_result().client_secret.unwrap_or_default())
}

fn client(server: &MockServer) -> Client {
    // The typed mocks match paths from the server's root: point the client there.
    Client::builder(Credentials::ApiToken(Secret::new("test-token")))
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn typed_mocks_answer_for_an_operation() {
    let server = MockServer::start_async().await;
    let token = "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b".to_string();
    let instance = types::AiSearchInstance {
        token_id: Some(token.clone()),
        ..types::AiSearchInstance::new("docs")
    };
    let found = server.ai_search_instances_get(|when, then| {
        when.account_id(ACCOUNT).id("docs");
        then.success(200, &Envelope::success(instance));
    });
    let missing = server.ai_search_instances_get(|when, then| {
        when.account_id(ACCOUNT).id("gone");
        then.not_found(&Envelope::failure(
            7003,
            "Could not find AI Search instance",
        ));
    });

    let cf = client(&server);
    assert_eq!(token_of(&cf, "docs").await.unwrap(), Some(token));
    assert_eq!(token_of(&cf, "gone").await.unwrap(), None);
    found.assert();
    missing.assert();
}

#[tokio::test]
async fn typed_mocks_match_the_request_body() {
    let server = MockServer::start_async().await;
    let expected = types::ServiceTokenCreate {
        duration: Some("24h".into()),
        ..types::ServiceTokenCreate::new("ci-runner-7")
    };
    let created = types::ServiceTokenWithSecret {
        client_secret: Some(Secret::new(
            "9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a49382716f5e4d3c2b1a0",
        )),
        ..Default::default()
    };
    let mock = server.access_service_tokens_create(|when, then| {
        when.accounts_or_zones(types::AccountsOrZones::Accounts)
            .body(&expected);
        then.success(201, &Envelope::success(created));
    });

    let secret = create_runner_token(&client(&server), "7").await.unwrap();

    assert!(secret.expose_secret().starts_with("9f8e7d6c"));
    mock.assert();
}
