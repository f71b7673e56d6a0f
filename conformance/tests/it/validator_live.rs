//! Prism's validator is live: requests that break upstream's schemas, sent raw, are refused,
//! while the same requests made valid pass. Without the subset's fix for nullable enums that
//! list `null` themselves, Prism would let the bad enum value through (checked here too).

use serde_json::{Value, json};

use crate::support::{self, ACCOUNT_ID, Prism, TOKEN};

/// Sends `body` to `path` with a bearer token; the status and Prism's `sl-violations` header.
async fn send(
    prism: &Prism,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, String) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", prism.base_url()))
        .bearer_auth(TOKEN);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("Prism answers");
    let violations = response
        .headers()
        .get("sl-violations")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (response.status().as_u16(), violations)
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_that_break_upstreams_schemas_are_refused() {
    let Some(tools) = support::tools("validator_live") else {
        return;
    };
    let prism = Prism::mock(&tools, "validator", &[]);
    let tokens = format!("/accounts/{ACCOUNT_ID}/ai-search/tokens");
    let instances = format!("/accounts/{ACCOUNT_ID}/ai-search/instances");
    let post = reqwest::Method::POST;

    let valid = json!({"name": "n", "cf_api_id": "i", "cf_api_key": "k"});
    assert_eq!(
        send(&prism, post.clone(), &tokens, Some(valid)).await,
        (201, String::new())
    );
    let (status, violations) = send(
        &prism,
        post.clone(),
        &tokens,
        Some(json!({"name": "n", "cf_api_id": "i"})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        violations.contains("must have required property 'cf_api_key'"),
        "{violations}"
    );

    // A nullable enum that lists null itself upstream (`type`): validated only thanks to the fix.
    let valid = json!({"id": "docs", "type": "r2", "source": "bucket"});
    assert_eq!(
        send(&prism, post.clone(), &instances, Some(valid)).await.0,
        201
    );
    let (status, violations) = send(
        &prism,
        post.clone(),
        &instances,
        Some(json!({"id": "docs", "type": "ftp"})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        violations.contains("request.body.type") || violations.contains("\"type\"]"),
        "{violations}"
    );
    assert!(
        violations.contains("must be equal to one of the allowed values"),
        "{violations}"
    );

    // A user token operation takes API tokens only: an email and key is refused.
    let response = reqwest::Client::new()
        .get(format!("{}/user/tokens/verify", prism.base_url()))
        .header("X-Auth-Email", support::EMAIL)
        .header("X-Auth-Key", support::KEY)
        .send()
        .await
        .unwrap();
    let violations = response
        .headers()
        .get("sl-violations")
        .map(|v| v.to_str().unwrap().to_string());
    assert!(
        violations
            .as_deref()
            .is_some_and(|v| v.contains("Invalid security scheme used")),
        "{violations:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_nullable_enum_fix_prism_would_skip_the_body() {
    let Some(tools) = support::tools("validator_live") else {
        return;
    };
    // The subset as upstream writes it: `null` listed in nullable enums.
    let subset: Value =
        serde_json::from_str(&std::fs::read_to_string(support::subset()).unwrap()).unwrap();
    let mut raw = subset.clone();
    let schema = raw
        .pointer_mut("/paths/~1client~1v4~1accounts~1{account_id}~1ai-search~1instances/post/requestBody/content/application~1json/schema/properties/type")
        .expect("the create body's `type`");
    schema["enum"].as_array_mut().unwrap().push(Value::Null);
    let file = support::work_dir().join("upstream-subset-with-null-enums.json");
    std::fs::write(&file, raw.to_string()).unwrap();
    let prism = Prism::mock_file(&tools, "null-enums", &file);
    let instances = format!("/accounts/{ACCOUNT_ID}/ai-search/instances");
    let (status, _) = send(
        &prism,
        reqwest::Method::POST,
        &instances,
        Some(json!({"type": "ftp"})),
    )
    .await;
    // Neither the bad enum value nor the missing `id` is noticed: the body went unvalidated.
    assert_eq!(status, 201);
}
