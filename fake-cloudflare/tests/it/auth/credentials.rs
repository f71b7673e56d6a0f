//! Credentials: the bootstrap token, user token values, email and key, and their absence.

use fake_cloudflare::{BOOTSTRAP_TOKEN_ID, FakeCloudflare};
use reqwest::Method;
use serde_json::json;
use test_support::fake::http::*;

#[tokio::test]
async fn bootstrap_bearer_token_is_accepted_and_verifies() {
    let api = Api::start().await;
    let answer = api.get("/user/tokens/verify").await;
    assert_eq!(answer.status, 200);
    assert_success(&answer);
    assert_eq!(answer.result()["id"], BOOTSTRAP_TOKEN_ID);
    assert_eq!(answer.result()["status"], "active");
}

#[tokio::test]
async fn missing_credentials_are_401_with_a_cf_ray() {
    let api = Api::start().await;
    for path in [
        "/user/tokens",
        &format!("/accounts/{ACCOUNT}/ai-search/tokens"),
    ] {
        let answer = Api::send(api.http.get(api.url(path))).await;
        assert_error(&answer, 401, 10000);
        assert_eq!(answer.json["errors"][0]["message"], "Authentication error");
        let ray = answer.headers["cf-ray"].to_str().unwrap();
        assert!(ray.ends_with("-FAKE"), "{ray}");
    }
}

#[tokio::test]
async fn every_answer_has_a_distinct_cf_ray() {
    let api = Api::start().await;
    let a = api.get("/user/tokens").await;
    let b = api.get("/nowhere").await;
    assert_eq!(b.status, 404);
    assert_ne!(a.headers["cf-ray"], b.headers["cf-ray"]);
}

#[tokio::test]
async fn unknown_bearer_token_is_401_and_verify_says_invalid_token() {
    let api = Api::start().await;
    let answer = Api::send(api.http.get(api.url("/user/tokens")).bearer_auth("nope")).await;
    assert_error(&answer, 401, 10000);
    let answer = Api::send(
        api.http
            .get(api.url("/user/tokens/verify"))
            .bearer_auth("nope"),
    )
    .await;
    assert_error(&answer, 401, 1000);
    let answer = Api::send(
        api.http
            .get(api.url("/user/tokens"))
            .header("authorization", "Basic abc"),
    )
    .await;
    assert_error(&answer, 400, 6003);
}

#[tokio::test]
async fn email_and_key_work_where_the_spec_allows_them() {
    let api = Api::start().await;
    let ai = api.url(&format!("/accounts/{ACCOUNT}/ai-search/tokens"));
    let answer = Api::send(
        api.http
            .get(&ai)
            .header("X-Auth-Email", EMAIL)
            .header("X-Auth-Key", KEY),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let access = api.url(&format!("/zones/{ACCOUNT}/access/service_tokens"));
    let answer = Api::send(
        api.http
            .get(&access)
            .header("X-Auth-Email", EMAIL)
            .header("X-Auth-Key", KEY),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);

    let answer = Api::send(
        api.http
            .get(&ai)
            .header("X-Auth-Email", EMAIL)
            .header("X-Auth-Key", "wrong"),
    )
    .await;
    assert_error(&answer, 401, 10000);
    let answer = Api::send(api.http.get(&ai).header("X-Auth-Email", EMAIL)).await;
    assert_error(&answer, 400, 6003);
}

#[tokio::test]
async fn user_token_operations_refuse_email_and_key() {
    let api = Api::start().await;
    let builder = api
        .http
        .get(api.url("/user/tokens"))
        .header("X-Auth-Email", EMAIL)
        .header("X-Auth-Key", KEY);
    let answer = Api::send(builder).await;
    assert_error(&answer, 403, 9109);
}

#[tokio::test]
async fn created_token_values_authenticate_until_rolled_or_deleted() {
    let api = Api::start().await;
    // It lists and deletes user tokens, so it needs "API Tokens Write".
    let (id, value) = api
        .create_token_granting("worker", &["AI Search Index Engine", "API Tokens Write"])
        .await;

    let answer = Api::send(
        api.http
            .get(api.url("/user/tokens/verify"))
            .bearer_auth(&value),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.result()["id"], id.as_str());
    assert_eq!(answer.result()["status"], "active");
    let answer = Api::send(
        api.http
            .get(api.url(&format!("/accounts/{ACCOUNT}/ai-search/instances")))
            .bearer_auth(&value),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert!(api.server.user_token(&id).unwrap()["last_used_on"].is_string());

    let rolled = api
        .put(&format!("/user/tokens/{id}/value"), json!({}))
        .await;
    let new_value = rolled.result().as_str().unwrap().to_owned();
    assert_ne!(new_value, value);
    let answer = Api::send(api.http.get(api.url("/user/tokens")).bearer_auth(&value)).await;
    assert_error(&answer, 401, 10000);
    let answer = Api::send(
        api.http
            .get(api.url("/user/tokens"))
            .bearer_auth(&new_value),
    )
    .await;
    assert_eq!(answer.status, 200);

    // A token may delete itself; after that it no longer authenticates.
    let answer = Api::send(
        api.http
            .delete(api.url(&format!("/user/tokens/{id}")))
            .bearer_auth(&new_value),
    )
    .await;
    assert_eq!(answer.status, 200);
    let answer = Api::send(
        api.http
            .get(api.url("/user/tokens"))
            .bearer_auth(&new_value),
    )
    .await;
    assert_error(&answer, 401, 10000);
}

#[tokio::test]
async fn disabled_tokens_are_refused_but_verify_reports_them() {
    let api = Api::start().await;
    let (id, value) = api.create_user_token("soon disabled").await;
    let body = json!({ "name": "soon disabled", "policies": policy(), "status": "disabled" });
    assert_eq!(
        api.put(&format!("/user/tokens/{id}"), body).await.status,
        200
    );
    let answer = Api::send(api.http.get(api.url("/user/tokens")).bearer_auth(&value)).await;
    assert_error(&answer, 401, 10000);
    let answer = Api::send(
        api.http
            .get(api.url("/user/tokens/verify"))
            .bearer_auth(&value),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.result()["status"], "disabled");
}

#[tokio::test]
async fn seeded_tokens_authenticate() {
    let api = Api::start().await;
    let seeded = api.server.create_user_token("seeded");
    assert_eq!(seeded.value.len(), 40);
    let answer = Api::send(
        api.http
            .request(Method::GET, api.url("/user/tokens/verify"))
            .bearer_auth(&seeded.value),
    )
    .await;
    assert_eq!(answer.result()["id"], seeded.id.as_str());
}

#[tokio::test]
async fn defaults_and_turning_email_key_off() {
    let server = FakeCloudflare::start().await.unwrap();
    assert_eq!(
        server.bootstrap_token(),
        fake_cloudflare::DEFAULT_BOOTSTRAP_TOKEN
    );
    assert_eq!(
        server.email_key(),
        Some((
            fake_cloudflare::DEFAULT_EMAIL,
            fake_cloudflare::DEFAULT_API_KEY
        ))
    );
    assert!(server.base_url().starts_with("http://127.0.0.1:"));
    assert!(server.base_url().ends_with("/client/v4"));

    let server = FakeCloudflare::builder()
        .without_email_key()
        .start()
        .await
        .unwrap();
    let url = format!("{}/accounts/{ACCOUNT}/ai-search/tokens", server.base_url());
    let client = reqwest::Client::new();
    let response = client
        .get(&url)
        .header("X-Auth-Email", fake_cloudflare::DEFAULT_EMAIL)
        .header("X-Auth-Key", fake_cloudflare::DEFAULT_API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}
