//! Every kind of injected fault, and how they are counted, queued and cleared.

use std::time::{Duration, Instant};

use fake_cloudflare::{Fault, FaultAction, Times};
use reqwest::Method;
use serde_json::json;
use test_support::fake::http::*;

fn create_body() -> serde_json::Value {
    json!({ "name": "faulty", "policies": policy() })
}

#[tokio::test]
async fn fail_answers_the_given_status_and_error() {
    let api = Api::start().await;
    api.server.inject(Fault::fail(
        "user_tokens_list",
        503,
        2001,
        "Service unavailable",
    ));
    let answer = api.get("/user/tokens").await;
    assert_error(&answer, 503, 2001);
    assert_eq!(answer.json["errors"][0]["message"], "Service unavailable");
    assert!(answer.headers.contains_key("cf-ray"));
    assert_eq!(
        api.get("/user/tokens").await.status,
        200,
        "used up after once"
    );
}

#[tokio::test]
async fn drop_closes_the_connection_without_carrying_out_the_request() {
    let api = Api::start().await;
    api.server
        .inject(Fault::drop_connection("user_tokens_create"));
    let result = api
        .request(Method::POST, "/user/tokens")
        .json(&create_body())
        .send()
        .await;
    let error = result.expect_err("no answer");
    assert!(!error.is_timeout(), "{error:?}");
    assert!(api.server.user_tokens().is_empty(), "nothing was created");
    let log = api.server.requests_for("user_tokens_create");
    assert_eq!(log.len(), 1, "the client sent it once and did not retry");
    assert_eq!(log[0].fault.as_deref(), Some("drop"));
    assert_eq!(log[0].status, None);
    assert_eq!(
        log[0].body.as_ref().unwrap()["name"],
        "faulty",
        "the request was read"
    );

    // The next request gets through.
    assert_eq!(api.post("/user/tokens", create_body()).await.status, 200);
}

#[tokio::test]
async fn drop_after_carries_out_the_request_then_closes() {
    let api = Api::start().await;
    api.server.inject(Fault::drop_after("user_tokens_create"));
    let result = api
        .request(Method::POST, "/user/tokens")
        .json(&create_body())
        .send()
        .await;
    assert!(result.is_err());
    assert_eq!(
        api.server.user_tokens().len(),
        1,
        "the token exists although no answer came"
    );
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let api = Api::start().await;
    api.server
        .inject(Fault::rate_limit("ai_search_tokens_list", 7));
    let answer = api
        .get(&format!("/accounts/{ACCOUNT}/ai-search/tokens"))
        .await;
    assert_error(&answer, 429, 971);
    assert_eq!(answer.headers["retry-after"], "7");
}

#[tokio::test]
async fn html_502_is_not_json() {
    let api = Api::start().await;
    api.server
        .inject(Fault::html_502("access_service_tokens_list"));
    let answer = api
        .get(&format!("/accounts/{ACCOUNT}/access/service_tokens"))
        .await;
    assert_eq!(answer.status, 502);
    assert!(
        answer.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(answer.text.starts_with("<!DOCTYPE html>"));
    assert!(serde_json::from_str::<serde_json::Value>(&answer.text).is_err());
}

#[tokio::test]
async fn truncate_answers_200_with_half_a_body_after_carrying_out_the_request() {
    let api = Api::start().await;
    api.server.inject(Fault::truncate("user_tokens_create"));
    let answer = Api::send(
        api.request(Method::POST, "/user/tokens")
            .json(&create_body()),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert!(answer.text.starts_with("{\""), "{}", answer.text);
    assert!(serde_json::from_str::<serde_json::Value>(&answer.text).is_err());
    assert_eq!(api.server.user_tokens().len(), 1);

    // A create that answers 201 keeps its status.
    api.server
        .inject(Fault::truncate("access_service_tokens_create"));
    let answer = api
        .post(
            &format!("/accounts/{ACCOUNT}/access/service_tokens"),
            json!({ "name": "n" }),
        )
        .await;
    assert_eq!(answer.status, 201);
    assert_eq!(answer.json, serde_json::Value::Null);
}

#[tokio::test]
async fn delay_waits_then_answers() {
    let api = Api::start().await;
    api.server.inject(Fault::delay(
        "user_tokens_verify",
        Duration::from_millis(300),
    ));
    let started = Instant::now();
    let answer = api.get("/user/tokens/verify").await;
    assert_eq!(answer.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let timed_out = api
        .request(Method::GET, "/user/tokens/verify")
        .timeout(Duration::from_millis(50))
        .send()
        .await;
    assert!(timed_out.is_ok(), "the delay was used up");
}

#[tokio::test]
async fn counts_queues_wildcards_and_forever() {
    let api = Api::start().await;
    api.server
        .inject(Fault::rate_limit("user_tokens_list", 1).times(2));
    api.server.inject(Fault::html_502("user_tokens_list"));
    let statuses = [
        api.get("/user/tokens").await.status,
        api.get("/user/tokens").await.status,
        api.get("/user/tokens").await.status,
        api.get("/user/tokens").await.status,
    ];
    assert_eq!(statuses, [429, 429, 502, 200]);
    assert!(api.server.faults().is_empty());

    api.server
        .inject(Fault::fail("*", 500, 10001, "everything fails").forever());
    assert_eq!(api.get("/user/tokens").await.status, 500);
    assert_eq!(
        api.get(&format!("/accounts/{ACCOUNT}/ai-search/tokens"))
            .await
            .status,
        500
    );
    assert_eq!(api.server.faults()[0].times, Times::Forever);
    api.server.clear_faults();
    assert_eq!(api.get("/user/tokens").await.status, 200);
}

#[tokio::test]
async fn faults_apply_before_auth() {
    let api = Api::start().await;
    api.server.inject(Fault::rate_limit("user_tokens_list", 1));
    let answer = Api::send(api.http.get(api.url("/user/tokens"))).await;
    assert_eq!(answer.status, 429);
}

#[tokio::test]
async fn faults_from_the_builder_and_the_admin_api() {
    let server = fake_cloudflare::FakeCloudflare::builder()
        .fault("user_tokens_verify=fail/418/1234/teapot:2".parse().unwrap())
        .start()
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let verify = format!("{}/user/tokens/verify", server.base_url());
    for _ in 0..2 {
        let response = http
            .get(&verify)
            .bearer_auth(server.bootstrap_token())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 418);
    }
    let response = http
        .get(&verify)
        .bearer_auth(server.bootstrap_token())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let faults = format!("{}/faults", server.admin_url());
    let body = json!([
        "user_tokens_verify=rate-limit/3",
        { "operation": "user_tokens_verify", "kind": "fail", "status": 500, "code": 1, "message": "m", "times": 1 },
    ]);
    let response = http.post(&faults).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let pending: Vec<Fault> = response.json().await.unwrap();
    assert_eq!(pending.len(), 2);
    assert_eq!(pending[0].action, FaultAction::RateLimit { retry_after: 3 });
    assert_eq!(server.faults(), pending);

    let response = http
        .post(&faults)
        .json(&json!("no_such_operation=drop"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let response = http
        .post(&faults)
        .json(&json!({ "operation": "nope", "kind": "drop" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);

    let response = http
        .get(&verify)
        .bearer_auth(server.bootstrap_token())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "3");
    let response = http.delete(&faults).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(server.faults().is_empty());
}

#[tokio::test]
#[should_panic(expected = "unknown operation id")]
async fn injecting_an_unknown_operation_panics() {
    let api = Api::start().await;
    api.server
        .inject(Fault::drop_connection("user_token_create"));
}

#[tokio::test]
async fn hold_carries_out_the_request_and_answers_only_when_released() {
    let api = Api::start().await;
    api.server.inject(Fault::hold("user_tokens_create"));
    let request = api
        .request(Method::POST, "/user/tokens")
        .json(&create_body())
        .send();
    let waiting = tokio::spawn(request);
    api.server.wait_for_held(1).await;
    assert_eq!(api.server.held(), 1);
    assert_eq!(
        api.server.user_tokens().len(),
        1,
        "carried out before the answer"
    );
    let log = api.server.requests_for("user_tokens_create");
    assert_eq!(log[0].fault.as_deref(), Some("hold"));
    assert_eq!(log[0].status, None, "no answer yet");
    assert!(!waiting.is_finished());

    // Other requests are answered meanwhile.
    assert_eq!(api.get("/user/tokens").await.status, 200);

    api.server.release_held();
    let answer = Api::send_response(waiting.await.unwrap().expect("answered")).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.result()["name"], "faulty");
    assert_eq!(
        answer.result()["id"],
        api.server.user_tokens()[0]["id"],
        "the real answer"
    );
    assert_eq!(api.server.held(), 0);
    assert_eq!(
        api.server.requests_for("user_tokens_create")[0].status,
        Some(200)
    );
}

#[tokio::test]
async fn one_release_answers_every_held_request() {
    let api = Api::start().await;
    api.server.inject(Fault::hold("user_tokens_list").times(2));
    let first = tokio::spawn(api.request(Method::GET, "/user/tokens").send());
    let second = tokio::spawn(api.request(Method::GET, "/user/tokens").send());
    api.server.wait_for_held(2).await;
    api.server.release_held();
    for waiting in [first, second] {
        let answer = Api::send_response(waiting.await.unwrap().expect("answered")).await;
        assert_eq!(answer.status, 200);
    }
    assert_eq!(api.server.held(), 0);
    // Used up: the next one is answered at once.
    assert_eq!(api.get("/user/tokens").await.status, 200);
}

#[tokio::test]
async fn the_admin_api_shows_and_releases_held_answers() {
    let api = Api::start().await;
    let admin = api.server.admin_url();
    let injected = api
        .http
        .post(format!("{admin}/faults"))
        .json(&json!("user_tokens_list=hold"))
        .send()
        .await
        .unwrap();
    assert_eq!(injected.status(), 200);
    let waiting = tokio::spawn(api.request(Method::GET, "/user/tokens").send());
    api.server.wait_for_held(1).await;
    let held: serde_json::Value = api
        .http
        .get(format!("{admin}/held"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(held, json!({ "held": 1 }));
    let released: serde_json::Value = api
        .http
        .post(format!("{admin}/release"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(released, json!({ "released": 1 }));
    let answer = Api::send_response(waiting.await.unwrap().expect("answered")).await;
    assert_eq!(answer.status, 200);
    let wrong = api
        .http
        .get(format!("{admin}/release"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 405);
}

#[tokio::test]
async fn omit_carries_out_the_request_and_leaves_the_field_out_of_the_answer() {
    let api = Api::start().await;
    api.server
        .inject(Fault::omit("user_tokens_create", "value"));
    let answer = api.post("/user/tokens", create_body()).await;
    assert_eq!(answer.status, 200);
    assert_success(&answer);
    let result = answer.result();
    assert!(result.get("value").is_none(), "{result}");
    assert_eq!(result["name"], "faulty");
    let tokens = api.server.user_tokens();
    assert_eq!(tokens.len(), 1, "the token was created");
    assert_eq!(result["id"], tokens[0]["id"]);
    assert_eq!(
        api.server.requests_for("user_tokens_create")[0]
            .fault
            .as_deref(),
        Some("omit/value")
    );
    // Used up: the next create shows its value.
    let again = api.post("/user/tokens", create_body()).await;
    assert!(again.result()["value"].is_string());
}
