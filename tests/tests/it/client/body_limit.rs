//! Response bodies are read no further than the client's limit: a body that never ends, one
//! just over the limit, one that declares more than the limit, and one that sends more than it
//! declares all end with a typed error (or the declared body) instead of unbounded memory.

use std::time::Duration;

use cloudflare_tokens::{
    Client, Credentials, DEFAULT_MAX_RESPONSE_BODY, Error, ErrorKind, RetryPolicy, Scope, Secret,
    types,
};
use cloudflare_tokens_tests::ops::ACCOUNT_ID;
use serde_json::json;
use test_support::adversary::{self, Reply, Server};

const LIMIT: u64 = 64 * 1024;

fn client(server: &Server, limit: u64) -> Client {
    Client::builder(Credentials::ApiToken(Secret::new("limit-test-token")))
        .base_url(server.base_url())
        .retry_policy(RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_secs(1),
        })
        .max_response_body(limit)
        // A backstop: were the body read without end, the call would stop here instead (and
        // the test fail on the kind).
        .deadline(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// A verify answer of exactly `size` bytes (padded with spaces, which JSON allows).
fn verify_body(size: usize) -> Vec<u8> {
    let mut body = json!({
        "success": true, "errors": [], "messages": [],
        "result": {"id": "ed17574386854bf78a67040be0a770b0", "status": "active"},
    })
    .to_string()
    .into_bytes();
    assert!(body.len() <= size);
    body.resize(size, b' ');
    body
}

async fn verify(server: &Server, limit: u64) -> Result<(), Error> {
    client(server, limit).user_tokens_verify().await.map(drop)
}

#[track_caller]
fn assert_too_large(error: &Error, limit: u64) {
    assert_eq!(error.kind(), ErrorKind::ResponseTooLarge, "{error:?}");
    assert_eq!(error.body_limit(), Some(limit));
    let text = error.to_string();
    assert!(
        text.contains(&format!("limit of 64 KiB ({limit} bytes)")),
        "{text}"
    );
    assert!(text.contains("ClientBuilder::max_response_body"), "{text}");
}

fn chunked_head() -> Vec<u8> {
    adversary::head(
        200,
        &[
            ("content-type", "application/json"),
            ("transfer-encoding", "chunked"),
        ],
    )
}

#[tokio::test]
async fn an_endless_chunked_body_stops_at_the_limit() {
    let server = Server::always(Reply::EndlessChunks {
        head: chunked_head(),
        chunk: 16 * 1024,
    })
    .await;
    let error = verify(&server, LIMIT).await.unwrap_err();
    assert_too_large(&error, LIMIT);
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(200));
    // Too large is not a reason to ask again.
    assert_eq!(server.requests().len(), 1);
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_read_and_one_byte_more_is_not() {
    let limit = LIMIT as usize;
    for (size, fits) in [(limit - 1, true), (limit, true), (limit + 1, false)] {
        // Declared with Content-Length, and sent chunked without one.
        let declared = Server::always(Reply::Raw(adversary::response(
            200,
            &[("content-type", "application/json")],
            &verify_body(size),
        )))
        .await;
        let body = verify_body(size);
        let mut chunked = chunked_head();
        for piece in body.chunks(10_000) {
            chunked.extend(format!("{:x}\r\n", piece.len()).into_bytes());
            chunked.extend_from_slice(piece);
            chunked.extend_from_slice(b"\r\n");
        }
        chunked.extend_from_slice(b"0\r\n\r\n");
        let streamed = Server::always(Reply::Raw(chunked)).await;
        for server in [&declared, &streamed] {
            let result = verify(server, LIMIT).await;
            match fits {
                true => assert!(result.is_ok(), "{size} bytes: {result:?}"),
                false => assert_too_large(&result.unwrap_err(), LIMIT),
            }
        }
    }
}

#[tokio::test]
async fn a_content_length_over_the_limit_is_refused_unread() {
    // It claims 10 GB and sends a few bytes: refused on the claim alone.
    let head = adversary::head(
        200,
        &[
            ("content-type", "application/json"),
            ("content-length", "10000000000"),
        ],
    );
    let server = Server::always(Reply::RawThenHang(head)).await;
    let error = verify(&server, LIMIT).await.unwrap_err();
    assert_too_large(&error, LIMIT);
}

#[tokio::test]
async fn a_body_longer_than_its_content_length_is_read_as_declared() {
    // It declares a small, valid answer, then keeps sending: only the declared bytes are read.
    let body = verify_body(300);
    let mut head = adversary::head(
        200,
        &[
            ("content-type", "application/json"),
            ("content-length", &body.len().to_string()),
        ],
    );
    head.extend_from_slice(&body);
    let server = Server::always(Reply::EndlessRaw {
        head,
        chunk: 16 * 1024,
    })
    .await;
    let verified = client(&server, LIMIT).user_tokens_verify().await.unwrap();
    assert_eq!(
        verified.id.as_deref(),
        Some("ed17574386854bf78a67040be0a770b0")
    );
}

#[tokio::test]
async fn a_create_whose_answer_is_too_large_is_outcome_unknown() {
    let server = Server::always(Reply::EndlessChunks {
        head: chunked_head(),
        chunk: 16 * 1024,
    })
    .await;
    let error = client(&server, LIMIT)
        .access_service_tokens_create(
            Scope::Account(ACCOUNT_ID),
            &types::ServiceTokenCreate::new("ci"),
        )
        .await
        .map(drop)
        .unwrap_err();
    assert_too_large(&error, LIMIT);
    assert!(error.is_outcome_unknown(), "{error}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn an_error_page_over_the_limit_is_not_read_either() {
    let head = adversary::head(
        502,
        &[
            ("content-type", "text/html"),
            ("transfer-encoding", "chunked"),
        ],
    );
    let server = Server::always(Reply::EndlessChunks {
        head,
        chunk: 16 * 1024,
    })
    .await;
    let error = verify(&server, LIMIT).await.unwrap_err();
    assert_too_large(&error, LIMIT);
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(502));
}

/// The largest answer of the API: a page of 1000 Access service tokens (the most a page holds),
/// every string at the longest the spec allows (or 64 characters where it sets no limit).
fn largest_page() -> Vec<u8> {
    let spec = cloudflare_tokens_tests::repo::spec();
    let schema = &spec["components"]["schemas"]["ServiceToken"]["properties"];
    let mut token = serde_json::Map::new();
    for (name, property) in schema.as_object().expect("ServiceToken's properties") {
        let value = match property["type"].as_str() {
            Some("string") if property["format"] == "date-time" => {
                json!("2026-12-31T23:59:59.999999999+00:00")
            }
            Some("string") => {
                let length = property["maxLength"].as_u64().unwrap_or(64) as usize;
                json!("x".repeat(length))
            }
            Some("boolean") => json!(false),
            Some("integer" | "number") => json!(1_000_000_000_000u64),
            _ => json!(null),
        };
        token.insert(name.clone(), value);
    }
    let items: Vec<_> = (0..1000)
        .map(|_| serde_json::Value::Object(token.clone()))
        .collect();
    serde_json::to_vec(&json!({
        "success": true, "errors": [], "messages": [],
        "result": items,
        "result_info": {"page": 1, "per_page": 1000, "count": 1000, "total_count": 1000, "total_pages": 1},
    }))
    .unwrap()
}

#[tokio::test]
async fn the_default_limit_holds_the_largest_page_with_room_to_spare() {
    let page = largest_page();
    let size = page.len() as u64;
    // Measured: 0.5 MiB. The default leaves several MiB above it.
    assert!(
        size + 4 * 1024 * 1024 < DEFAULT_MAX_RESPONSE_BODY,
        "the largest page is {size} bytes"
    );
    let server = Server::always(Reply::Raw(adversary::response(
        200,
        &[("content-type", "application/json")],
        &page,
    )))
    .await;
    let listed = Client::builder(Credentials::ApiToken(Secret::new("t")))
        .base_url(server.base_url())
        .build()
        .unwrap()
        .access_service_tokens_list(Scope::Account(ACCOUNT_ID), &Default::default())
        .await
        .unwrap();
    assert_eq!(listed.items().len(), 1000);
}
