//! Decoding what the real service sends: drift from the spec never fails a call, and a broken
//! answer becomes a typed error (never a panic) that keeps what can be known.

use cloudflare_tokens::{Client, Credentials, ErrorKind, RetryPolicy, Secret, types};
use httpmock::prelude::*;

use test_support::ACCOUNT;

fn client(server: &MockServer) -> Client {
    Client::builder(Credentials::ApiToken(Secret::new("test-token")))
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

async fn answer(server: &MockServer, path: &str, status: u16, body: &str) {
    let body = body.to_string();
    let path = path.to_string();
    server
        .mock_async(move |when, then| {
            when.path(path);
            then.status(status)
                .header("content-type", "application/json")
                .header("cf-ray", "8d1f2a3b4c5d6e7f-SJC")
                .body(body);
        })
        .await;
}

#[tokio::test]
async fn drift_in_a_response_does_not_fail_the_call() {
    let server = MockServer::start_async().await;
    let body = r#"{
        "success": true, "errors": null, "messages": ["plain string message"],
        "result": {
            "id": "docs-search",
            "type": "sharepoint",
            "ai_search_model": "@cf/some-vendor/model-from-next-year",
            "embedding_model": "",
            "custom_metadata": null,
            "public_endpoint_params": null,
            "created_at": "2025-04-10 10:00:00",
            "modified_at": "2025-04-10T10:05:00.123456789+00:00",
            "last_activity": null,
            "brand_new_field": {"nested": [1, 2, 3]},
            "paused": false
        }
    }"#;
    answer(
        &server,
        &format!("/accounts/{ACCOUNT}/ai-search/instances/docs-search"),
        200,
        body,
    )
    .await;

    let instance = client(&server)
        .ai_search_instances_get(ACCOUNT, "docs-search")
        .await
        .unwrap();

    assert_eq!(
        instance.type_,
        Some(types::AiSearchSourceType::Unknown("sharepoint".into()))
    );
    assert_eq!(
        instance.ai_search_model,
        Some(types::AiSearchModel::Unknown(
            "@cf/some-vendor/model-from-next-year".into()
        ))
    );
    assert_eq!(instance.embedding_model, Some(types::EmbeddingModel::Empty));
    assert!(instance.custom_metadata.is_none());
    assert_eq!(
        instance.created_at.unwrap().to_rfc3339(),
        "2025-04-10T10:00:00+00:00"
    );
    assert!(instance.last_activity.is_none());
    assert!(
        instance.namespace.is_none(),
        "missing optional fields are None"
    );
    assert_eq!(instance.cf_messages()[0].message, "plain string message");
    assert_eq!(instance.cf_ray(), Some("8d1f2a3b4c5d6e7f-SJC"));
    // Unknown values go back out as they came in.
    let json = serde_json::to_value(instance.result()).unwrap();
    assert_eq!(json["type"], "sharepoint");
}

#[tokio::test]
async fn a_new_token_status_decodes() {
    let server = MockServer::start_async().await;
    let body = r#"{"success":true,"errors":[],"messages":[],"result":{"id":"ed17574386854bf78a67040be0a770b0","status":"suspended","expires_on":"2014-01-01 05:20:00 +0000 UTC"}}"#;
    answer(&server, "/user/tokens/verify", 200, body).await;
    let verified = client(&server).user_tokens_verify().await.unwrap();
    assert_eq!(
        verified.status,
        types::TokenStatus::Unknown("suspended".into())
    );
    assert_eq!(verified.status.to_string(), "suspended");
    assert_eq!(
        verified.expires_on.unwrap().to_rfc3339(),
        "2014-01-01T05:20:00+00:00"
    );
}

#[tokio::test]
async fn success_false_with_a_2xx_status_is_an_error() {
    let server = MockServer::start_async().await;
    let body = r#"{"success":false,"errors":[{"code":1003,"message":"Invalid or missing zone id."}],"messages":[],"result":null}"#;
    answer(&server, "/user/tokens/verify", 200, body).await;
    let error = client(&server).user_tokens_verify().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.codes(), vec![1003]);
    assert_eq!(error.cf_ray(), Some("8d1f2a3b4c5d6e7f-SJC"));
    assert!(
        error
            .to_string()
            .contains("error 1003: Invalid or missing zone id."),
        "{error}"
    );
}

#[tokio::test]
async fn an_html_error_page_becomes_an_error_with_an_excerpt() {
    let server = MockServer::start_async().await;
    let page = "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head><body>cloudflare</body></html>";
    answer(&server, "/user/tokens/verify", 500, page).await;
    let error = client(&server).user_tokens_verify().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Http);
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(500));
    assert_eq!(error.cf_ray(), Some("8d1f2a3b4c5d6e7f-SJC"));
    let text = error.to_string();
    assert!(
        text.contains("500 Internal Server Error") && !text.contains('\n'),
        "{text}"
    );
}

#[tokio::test]
async fn an_empty_success_body_is_a_decode_error() {
    let server = MockServer::start_async().await;
    answer(&server, "/user/tokens/verify", 200, "").await;
    let error = client(&server).user_tokens_verify().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(200));
    assert!(error.to_string().contains("empty body"), "{error}");
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let server = MockServer::start_async().await;
    answer(
        &server,
        "/user/tokens/verify",
        200,
        r#"{"success":true,"errors":[],"result":{"id":"ed17574386854b"#,
    )
    .await;
    let error = client(&server).user_tokens_verify().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(
        error.to_string().contains("ed17574386854b"),
        "the excerpt shows what arrived: {error}"
    );
}

#[tokio::test]
async fn an_error_status_with_a_non_cloudflare_body_keeps_the_status() {
    let server = MockServer::start_async().await;
    answer(&server, "/user/tokens/verify", 404, "not found").await;
    let error = client(&server).user_tokens_verify().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Http);
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn a_403_names_the_permission_that_is_likely_missing() {
    let server = MockServer::start_async().await;
    let body = r#"{"success":false,"errors":[{"code":9109,"message":"Unauthorized to access requested resource"}],"messages":[],"result":null}"#;
    answer(&server, "/user/tokens", 403, body).await;
    let error = client(&server)
        .user_tokens_create(&types::UserTokenCreate::new("x", Vec::new()))
        .await
        .unwrap_err();
    let hint = error.missing_permission_hint().unwrap();
    assert!(
        hint.contains("com.cloudflare.api.token.create") && hint.contains("API Tokens Write"),
        "{hint}"
    );
    assert!(error.to_string().contains(&hint));
}
