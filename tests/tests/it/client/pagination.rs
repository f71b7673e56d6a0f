//! Lists as streams: pages fetched lazily, and never one past the last.

use cloudflare_tokens::{
    AccessServiceTokensListQuery, AiSearchTokensListQuery, Client, Credentials, Scope, Secret,
};
use fake_cloudflare::{AccessScope, FakeCloudflare};
use futures::{StreamExt, TryStreamExt};

use test_support::ACCOUNT;

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
    let scope = Scope::Account(ACCOUNT);

    let query = AccessServiceTokensListQuery {
        per_page: Some(100),
        ..Default::default()
    };
    let all: Vec<_> = client(&server)
        .access_service_tokens_list_all(scope, query)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 250);
    assert_eq!(server.requests_for("access_service_tokens_list").len(), 3);

    // Without a page size the stream asks for the most the API allows: one request here.
    server.clear_requests();
    let all: Vec<_> = client(&server)
        .access_service_tokens_list_all(scope, AccessServiceTokensListQuery::default())
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
    let scope = Scope::Zone(ACCOUNT);
    let mut stream = Box::pin(client.access_service_tokens_list_all(scope, query));

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

// ---- termination, whatever the server says about its pages ---------------------------------

mod pager {
    //! A loopback server answering `GET …/ai-search/instances?page=N&per_page=M` with what a
    //! test's `answer(N, M)` says, recording the pages asked for.

    use std::sync::{Arc, Mutex};

    use serde_json::Value;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    pub struct Pager {
        pub base_url: String,
        pub pages: Arc<Mutex<Vec<u32>>>,
    }

    fn parameter(query: &str, name: &str) -> Option<u32> {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == name)
            .and_then(|(_, v)| v.parse().ok())
    }

    pub async fn start(answer: fn(u32, u32) -> Value) -> Pager {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}/client/v4", listener.local_addr().unwrap());
        let pages = Arc::new(Mutex::new(Vec::new()));
        let recorded = pages.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let recorded = recorded.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&head);
                    let target = head.split(' ').nth(1).unwrap_or_default();
                    let query = target.split_once('?').map_or("", |(_, q)| q);
                    let page = parameter(query, "page").unwrap_or(1);
                    let per_page = parameter(query, "per_page").unwrap_or(20);
                    recorded.lock().unwrap().push(page);
                    let body = answer(page, per_page).to_string();
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(response.as_bytes()).await;
                });
            }
        });
        Pager { base_url, pages }
    }

    /// Instances `first..first+count`, as a page's `result`.
    pub fn instances(first: u32, count: u32) -> Value {
        Value::Array(
            (first..first + count)
                .map(|i| serde_json::json!({ "id": format!("instance-{i}") }))
                .collect(),
        )
    }
}

fn pager_client(base_url: &str) -> Client {
    Client::builder(Credentials::ApiToken(Secret::new("t")))
        .base_url(base_url)
        .build()
        .unwrap()
}

/// Reads at most `limit` results of the instance stream (today's bugs would loop forever).
async fn read_instances(
    base_url: &str,
    per_page: u32,
    limit: usize,
) -> Vec<cloudflare_tokens::Result<String>> {
    let client = pager_client(base_url);
    let query = cloudflare_tokens::AiSearchInstancesListQuery {
        per_page: Some(per_page),
        ..Default::default()
    };
    client
        .ai_search_instances_list_all(ACCOUNT, query)
        .map(|r| r.map(|i| i.id))
        .take(limit)
        .collect()
        .await
}

fn ids(results: &[cloudflare_tokens::Result<String>]) -> Vec<String> {
    results
        .iter()
        .map(|r| r.as_ref().expect("an item").clone())
        .collect()
}

#[tokio::test]
async fn a_server_that_does_not_echo_the_page_is_read_to_total_pages() {
    // Three pages of two, always reported as page 1; past the end it repeats its last page.
    let pager = pager::start(|page, _| {
        let page = page.min(3);
        serde_json::json!({
            "success": true, "errors": [], "messages": [],
            "result": pager::instances((page - 1) * 2, 2),
            "result_info": {"page": 1, "per_page": 2, "count": 2, "total_pages": 3},
        })
    })
    .await;
    let results = read_instances(&pager.base_url, 2, 50).await;
    assert_eq!(
        ids(&results),
        (0..6).map(|i| format!("instance-{i}")).collect::<Vec<_>>()
    );
    assert_eq!(*pager.pages.lock().unwrap(), vec![1, 2, 3]);
}

#[tokio::test]
async fn a_server_that_does_not_echo_the_page_is_read_to_total_count() {
    // Full pages of two without `page` or `total_pages`, but a total of four.
    let pager = pager::start(|page, _| {
        serde_json::json!({
            "success": true, "errors": [], "messages": [],
            "result": pager::instances((page - 1) * 2, 2),
            "result_info": {"per_page": 2, "count": 2, "total_count": 4},
        })
    })
    .await;
    let results = read_instances(&pager.base_url, 2, 50).await;
    assert_eq!(
        ids(&results),
        ["instance-0", "instance-1", "instance-2", "instance-3"]
    );
    assert_eq!(*pager.pages.lock().unwrap(), vec![1, 2]);
}

#[tokio::test]
async fn a_short_page_ends_the_list_whatever_total_pages_promises() {
    // Like Prism's static mock: one item per page, and always one more page promised.
    let pager = pager::start(|page, _| {
        serde_json::json!({
            "success": true, "errors": [], "messages": [],
            "result": pager::instances(page, 1),
            "result_info": {"page": page, "per_page": 2, "count": 1, "total_pages": page + 1},
        })
    })
    .await;
    let results = read_instances(&pager.base_url, 2, 50).await;
    assert_eq!(ids(&results), ["instance-1"]);
    assert_eq!(*pager.pages.lock().unwrap(), vec![1]);
}

#[tokio::test]
async fn a_page_repeating_the_one_before_ends_the_stream_with_an_error() {
    // A server that ignores `page`: the same full page, with no totals, for ever.
    let pager = pager::start(|_, _| {
        serde_json::json!({
            "success": true, "errors": [], "messages": [],
            "result": pager::instances(0, 2),
            "result_info": {"per_page": 2, "count": 2},
        })
    })
    .await;
    let results = read_instances(&pager.base_url, 2, 50).await;
    assert_eq!(results.len(), 3, "two items, then the error");
    assert_eq!(ids(&results[..2]), ["instance-0", "instance-1"]);
    let error = results[2]
        .as_ref()
        .expect_err("a repeated page is an error");
    assert_eq!(error.kind(), cloudflare_tokens::ErrorKind::Pagination);
    assert_eq!(
        error.to_string(),
        "ai_search_instances_list (GET /accounts/{account_id}/ai-search/instances) failed: the list could not be read to its end: page 2 has the same items as page 1: the server is not paging"
    );
    assert_eq!(*pager.pages.lock().unwrap(), vec![1, 2]);
}

#[tokio::test]
async fn a_list_is_never_read_past_its_documented_last_page() {
    // AI Search token lists accept `page` up to 100: at one item a page, the 101st is beyond.
    let server = FakeCloudflare::start().await.unwrap();
    let user_token = server.create_user_token("indexer");
    for i in 0..101 {
        server.register_ai_search_token(ACCOUNT, &format!("token-{i:03}"), &user_token.id);
    }
    let query = AiSearchTokensListQuery {
        per_page: Some(1),
        ..Default::default()
    };
    let results: Vec<_> = client(&server)
        .ai_search_tokens_list_all(ACCOUNT, query)
        .take(200)
        .collect()
        .await;
    assert_eq!(results.len(), 101, "100 items, then the error");
    assert!(results[..100].iter().all(Result::is_ok));
    let error = results[100].as_ref().expect_err("items remain");
    assert_eq!(error.kind(), cloudflare_tokens::ErrorKind::Pagination);
    assert!(
        error
            .to_string()
            .ends_with("items remain after page 100, the last page the API serves: narrow the list with its filters"),
        "{error}"
    );
    let asked = server.requests_for("ai_search_tokens_list");
    assert_eq!(asked.len(), 100);
    assert!(
        asked
            .iter()
            .all(|r| !r.query.as_deref().unwrap_or_default().contains("page=101")),
        "page 101 was never asked for"
    );
}
