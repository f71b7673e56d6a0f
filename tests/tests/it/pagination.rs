//! Lists as streams: pages fetched lazily, and never one past the last.

use cloudflare_tokens::{
    AccessServiceTokensListQuery, AiSearchTokensListQuery, Client, Credentials, Scope, Secret,
};
use fake_cloudflare::{AccessScope, FakeCloudflare};
use futures::{StreamExt, TryStreamExt};

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";

fn client(server: &FakeCloudflare) -> Client {
    Client::builder(Credentials::ApiToken(Secret::new(server.bootstrap_token())))
        .base_url(server.base_url())
        .build()
        .unwrap()
}

#[tokio::test]
async fn ai_search_lists_without_total_pages_stop_at_the_last_page() {
    let server = FakeCloudflare::start().await.unwrap();
    let user_token = server.create_user_token("indexer");
    for i in 0..250 {
        server.register_ai_search_token(ACCOUNT, &format!("token-{i:03}"), &user_token.id);
    }
    let query = AiSearchTokensListQuery {
        per_page: Some(100),
        ..Default::default()
    };

    let tokens: Vec<_> = client(&server)
        .ai_search_tokens_list_all(ACCOUNT, query)
        .try_collect()
        .await
        .unwrap();

    assert_eq!(tokens.len(), 250);
    let pages: Vec<String> = server
        .requests_for("ai_search_tokens_list")
        .iter()
        .map(|r| r.query.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        pages.len(),
        3,
        "250 items at 100 a page is 3 requests: {pages:?}"
    );
    assert!(
        pages.iter().all(|q| q.contains("per_page=100")),
        "{pages:?}"
    );
}

#[tokio::test]
async fn access_lists_stop_at_total_pages_and_default_to_the_largest_page() {
    let server = FakeCloudflare::start().await.unwrap();
    for i in 0..250 {
        server.create_service_token(AccessScope::Account, ACCOUNT, &format!("svc-{i:03}"));
    }
    let scope = Scope::Account(ACCOUNT.into());

    let query = AccessServiceTokensListQuery {
        per_page: Some(100),
        ..Default::default()
    };
    let all: Vec<_> = client(&server)
        .access_service_tokens_list_all(&scope, query)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 250);
    assert_eq!(server.requests_for("access_service_tokens_list").len(), 3);

    // Without a page size the stream asks for the most the API allows: one request here.
    server.clear_requests();
    let all: Vec<_> = client(&server)
        .access_service_tokens_list_all(&scope, AccessServiceTokensListQuery::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 250);
    let requests = server.requests_for("access_service_tokens_list");
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0]
            .query
            .as_deref()
            .unwrap_or_default()
            .contains("per_page=1000")
    );
}

#[tokio::test]
async fn pages_are_fetched_only_as_the_stream_is_read() {
    let server = FakeCloudflare::start().await.unwrap();
    for i in 0..250 {
        server.create_service_token(AccessScope::Zone, ACCOUNT, &format!("svc-{i:03}"));
    }
    let client = client(&server);
    let query = AccessServiceTokensListQuery {
        per_page: Some(100),
        ..Default::default()
    };
    let scope = Scope::Zone(ACCOUNT.into());
    let mut stream = Box::pin(client.access_service_tokens_list_all(&scope, query));

    let first: Vec<_> = stream.by_ref().take(100).collect().await;
    assert_eq!(first.len(), 100);
    assert_eq!(server.requests_for("access_service_tokens_list").len(), 1);

    stream.next().await.unwrap().unwrap();
    assert_eq!(server.requests_for("access_service_tokens_list").len(), 2);
}

#[tokio::test]
async fn an_empty_list_takes_one_request() {
    let server = FakeCloudflare::start().await.unwrap();
    let all: Vec<_> = client(&server)
        .ai_search_tokens_list_all(ACCOUNT, AiSearchTokensListQuery::default())
        .try_collect()
        .await
        .unwrap();
    assert!(all.is_empty());
    assert_eq!(server.requests_for("ai_search_tokens_list").len(), 1);
}

#[tokio::test]
async fn an_error_ends_the_stream() {
    let server = FakeCloudflare::start().await.unwrap();
    server.inject(fake_cloudflare::Fault::fail(
        "ai_search_tokens_list",
        403,
        9109,
        "forbidden",
    ));
    let results: Vec<_> = client(&server)
        .ai_search_tokens_list_all(ACCOUNT, AiSearchTokensListQuery::default())
        .collect()
        .await;
    assert_eq!(results.len(), 1);
    let error = results.into_iter().next().unwrap().unwrap_err();
    assert_eq!(error.codes(), vec![9109]);
    assert!(
        error
            .to_string()
            .contains("com.cloudflare.api.account.ai-search"),
        "{error}"
    );
}
