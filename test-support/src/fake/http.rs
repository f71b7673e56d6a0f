//! The fake spoken to over plain HTTP (`reqwest`), for the fake's own tests: they check the API
//! it serves, so they must not go through the client, which would hide what is on the wire.

use fake_cloudflare::FakeCloudflare;
use reqwest::Method;
use serde_json::{Value, json};

pub use crate::ACCOUNT;

/// The bootstrap token of [`Api::start`]'s fake.
pub const TOKEN: &str = "test-bootstrap";
/// The email and Global API key of [`Api::start`]'s fake.
pub const EMAIL: &str = "tester@example.com";
pub const KEY: &str = "test-key";

/// A policy that passes the fake's checks.
pub fn policy() -> Value {
    json!([{
        "effect": "allow",
        "permission_groups": [{ "id": fake_cloudflare::AI_SEARCH_INDEX_ENGINE }],
        "resources": { format!("com.cloudflare.api.account.{ACCOUNT}"): "*" },
    }])
}

/// One `allow` policy granting the permission groups `ids` on [`ACCOUNT`].
pub fn policy_granting(ids: &[String]) -> Value {
    let groups: Vec<Value> = ids.iter().map(|id| json!({ "id": id })).collect();
    json!([{
        "effect": "allow",
        "permission_groups": groups,
        "resources": { format!("com.cloudflare.api.account.{ACCOUNT}"): "*" },
    }])
}

/// A fake with known credentials ([`TOKEN`], [`EMAIL`] and [`KEY`]) and an HTTP client for it.
pub struct Api {
    pub server: FakeCloudflare,
    pub http: reqwest::Client,
}

/// An answer: status, headers and the body as JSON (`Value::Null` when it is not JSON).
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Answer {
    pub fn result(&self) -> &Value {
        &self.json["result"]
    }

    pub fn error_code(&self) -> i64 {
        self.json["errors"][0]["code"].as_i64().unwrap_or_default()
    }
}

impl Api {
    pub async fn start() -> Api {
        let server = FakeCloudflare::builder()
            .bootstrap_token(TOKEN)
            .email_key(EMAIL, KEY)
            .start()
            .await
            .expect("fake starts");
        Api {
            server,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url())
    }

    /// A request to `path` (below the base URL) with the bootstrap token.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, self.url(path)).bearer_auth(TOKEN)
    }

    pub async fn send(builder: reqwest::RequestBuilder) -> Answer {
        Self::send_response(builder.send().await.expect("request answered")).await
    }

    pub async fn send_response(response: reqwest::Response) -> Answer {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body read");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            text,
            json,
        }
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut builder = self.request(method, path);
        if let Some(body) = body {
            builder = builder.json(&body);
        }
        Self::send(builder).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Answer {
        self.call(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.call(Method::DELETE, path, None).await
    }

    /// Creates a user token through the API; returns its id and value.
    pub async fn create_user_token(&self, name: &str) -> (String, String) {
        let answer = self
            .post(
                "/user/tokens",
                json!({ "name": name, "policies": policy() }),
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let result = answer.result();
        (
            result["id"].as_str().unwrap().to_owned(),
            result["value"].as_str().unwrap().to_owned(),
        )
    }

    /// The id of the permission group named `name`, looked up as a client does.
    pub async fn group_id(&self, name: &str) -> String {
        let answer = self
            .http
            .get(self.url("/user/tokens/permission_groups"))
            .query(&[("name", name)])
            .bearer_auth(TOKEN);
        let answer = Self::send(answer).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let found = answer.result().as_array().unwrap();
        assert_eq!(found.len(), 1, "{name}: {}", answer.text);
        found[0]["id"].as_str().unwrap().to_owned()
    }

    /// Creates a user token through the API whose one policy grants the permission groups
    /// named `groups`; returns its id and value.
    pub async fn create_token_granting(&self, name: &str, groups: &[&str]) -> (String, String) {
        let mut ids = Vec::new();
        for group in groups {
            ids.push(self.group_id(group).await);
        }
        let body = json!({ "name": name, "policies": policy_granting(&ids) });
        let answer = self.post("/user/tokens", body).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let result = answer.result();
        (
            result["id"].as_str().unwrap().to_owned(),
            result["value"].as_str().unwrap().to_owned(),
        )
    }

    /// Registers an AI Search token through the API, backed by a new user token; returns its id.
    pub async fn create_ai_search_token(&self, name: &str) -> String {
        let (id, value) = self.create_user_token(name).await;
        let body = json!({ "name": name, "cf_api_id": id, "cf_api_key": value });
        let answer = self
            .post(&format!("/accounts/{ACCOUNT}/ai-search/tokens"), body)
            .await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        answer.result()["id"].as_str().unwrap().to_owned()
    }
}

/// Checks the success envelope around a result.
pub fn assert_success(answer: &Answer) {
    assert_eq!(answer.json["success"], true, "{}", answer.text);
    assert_eq!(answer.json["errors"], json!([]));
    assert_eq!(answer.json["messages"], json!([]));
}

/// Checks the error envelope and its status and code.
pub fn assert_error(answer: &Answer, status: u16, code: i64) {
    assert_eq!(answer.status, status, "{}", answer.text);
    assert_eq!(answer.json["success"], false, "{}", answer.text);
    assert_eq!(answer.json["result"], Value::Null);
    assert_eq!(answer.json["messages"], json!([]));
    assert_eq!(answer.error_code(), code, "{}", answer.text);
    assert!(
        answer.json["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
}
