//! Shared pieces of the `operations_*` behaviour tests: credentials, clients pointed at an
//! httpmock server, expectations every request must meet, Cloudflare envelopes, and the checks
//! every error response gets.

use cloudflare_tokens::{Client, Credentials, Error, ErrorKind, RetryPolicy, Secret};
use httpmock::{MockServer, Then, When};
use serde_json::{Value, json};

/// An API token as Cloudflare issues them (40 characters).
pub const API_TOKEN: &str = "Kq7vN2xR9tB4mW6yH1cJ8dL3fP5sG0aZ2eU4iO7w";
/// The email of a Global API key login.
pub const EMAIL: &str = "platform-team@example.com";
/// A Global API key (37 hex characters).
pub const GLOBAL_API_KEY: &str = "c2547eb745079dac9320b638f5e225cf483cc5cfd";

/// The account and zone of every crate's tests.
pub const ACCOUNT_ID: &str = test_support::ACCOUNT;
pub const ZONE_ID: &str = test_support::ZONE;
/// What every mocked response carries in its `cf-ray` header.
pub const CF_RAY: &str = "8f3b2c1d4e5a6b7c-LHR";

/// A path parameter with every character that must not reach the path as is: a `/` would add a
/// segment, `?` would start the query, `#` the fragment, and a space is not allowed at all.
pub const AWKWARD_ID: &str = "a/b?c#d e";
/// [`AWKWARD_ID`] as it must appear on the wire: one percent-encoded path segment.
pub const AWKWARD_ID_ENCODED: &str = "a%2Fb%3Fc%23d%20e";

/// How a test client authenticates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization: Bearer <API_TOKEN>`.
    Token,
    /// `X-Auth-Email` and `X-Auth-Key`.
    Key,
}

/// A client for `server` with these credentials and no retries: a request that does not match
/// its mock must fail at once, not be sent again.
pub fn client(server: &MockServer, auth: Auth) -> Client {
    let credentials = match auth {
        Auth::Token => Credentials::ApiToken(Secret::new(API_TOKEN)),
        Auth::Key => Credentials::ApiKey {
            email: EMAIL.to_string(),
            key: Secret::new(GLOBAL_API_KEY),
        },
    };
    Client::builder(credentials)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client for the mock server")
}

/// What every request must carry: exactly one kind of credentials, and the crate's user agent;
/// and what none may: progenitor's `api-version` header, which Cloudflare's API does not define.
pub fn authenticated(when: When, auth: Auth) -> When {
    let when = match auth {
        Auth::Token => when
            .header("authorization", format!("Bearer {API_TOKEN}"))
            .header_missing("x-auth-email")
            .header_missing("x-auth-key"),
        Auth::Key => when
            .header("x-auth-email", EMAIL)
            .header("x-auth-key", GLOBAL_API_KEY)
            .header_missing("authorization"),
    };
    when.header_prefix("user-agent", "cloudflare-tokens/")
        .header_missing("api-version")
}

/// Requires the query string to hold exactly `expected` (decoded), in any order: the parameters
/// asked for are there, and nothing left unset is sent, not even empty.
pub fn exact_query(when: When, expected: &[(&str, &str)]) -> When {
    let mut when = when;
    for (name, value) in expected {
        when = when.query_param(*name, *value);
    }
    let mut wanted: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    wanted.sort();
    when.is_true(move |request| {
        let mut sent = request.query_params();
        sent.sort();
        sent == wanted
    })
}

/// Requires a JSON body equal to `body` (so a field left out must be absent) sent as JSON.
pub fn json_request(when: When, body: Value) -> When {
    when.header("content-type", "application/json")
        .json_body(body)
}

/// Requires the request path to be `raw_path` exactly. httpmock compares it with the path of the
/// request line as it arrived, still percent-encoded (`HttpMockRequest::uri().path()`), so an
/// encoded path parameter must be written encoded here.
pub fn raw_path(when: When, raw_path: &str) -> When {
    when.path(raw_path)
}

/// Answers with `body` as JSON, with this status and a `cf-ray` header.
pub fn respond(then: Then, status: u16, body: Value) -> Then {
    then.status(status)
        .header("content-type", "application/json")
        .header("cf-ray", CF_RAY)
        .json_body(body)
}

/// The informational message the success envelopes carry, to check `cf_messages()` is reachable.
pub fn info_message() -> Value {
    json!({"code": 10000, "message": "This API Token is valid and active"})
}

/// Cloudflare's envelope around a successful result, with one informational message.
pub fn success(result: Value) -> Value {
    json!({
        "success": true,
        "errors": [],
        "messages": [info_message()],
        "result": result,
    })
}

/// Cloudflare's envelope around one page of a list.
pub fn page(items: Vec<Value>, page: u64, per_page: u64, total_count: u64) -> Value {
    let count = items.len() as u64;
    json!({
        "success": true,
        "errors": [],
        "messages": [info_message()],
        "result": items,
        "result_info": {
            "page": page,
            "per_page": per_page,
            "count": count,
            "total_count": total_count,
            "total_pages": total_count.div_ceil(per_page),
        },
    })
}

/// The error code the failure envelopes carry.
pub const ERROR_CODE: i64 = 1003;
pub const ERROR_MESSAGE: &str = "Invalid or missing request parameter";

/// Cloudflare's envelope around a refusal.
pub fn failure() -> Value {
    json!({
        "success": false,
        "errors": [{"code": ERROR_CODE, "message": ERROR_MESSAGE}],
        "messages": [],
        "result": null,
    })
}

/// Checks what a call that succeeded carries besides its result.
pub fn assert_meta(messages: &[cloudflare_tokens::Message], request_id: Option<&str>) {
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0].code, 10000);
    assert_eq!(messages[0].message, "This API Token is valid and active");
    assert_eq!(request_id, Some(CF_RAY));
}

/// Checks that a refusal with [`failure`] and `status` became an API error of `operation` with
/// everything Cloudflare said.
pub fn assert_api_error(error: &Error, operation: &str, status: u16) {
    assert_eq!(error.kind(), ErrorKind::Api, "{error:?}");
    assert_eq!(
        error.http_status().map(|s| s.as_u16()),
        Some(status),
        "{error:?}"
    );
    assert_eq!(error.codes(), vec![ERROR_CODE], "{error:?}");
    assert_eq!(error.errors()[0].message, ERROR_MESSAGE);
    assert_eq!(error.cf_ray(), Some(CF_RAY), "{error:?}");
    assert_eq!(error.operation().map(|o| o.id), Some(operation));
    let text = error.to_string();
    assert!(text.starts_with(&format!("{operation} (")), "{text}");
    assert!(
        text.contains(&format!("error {ERROR_CODE}: {ERROR_MESSAGE}")),
        "{text}"
    );
    assert!(text.contains(CF_RAY), "{text}");
    // A 4xx is a definite refusal: nothing may have been carried out.
    assert!(!error.is_outcome_unknown(), "{error:?}");
}

/// Checks the permission hint of a 403: `needs` is what the hint must name (the permission, or
/// the token group when the spec lists no permission), `None` when the spec lists nothing.
pub fn assert_forbidden_hint(error: &Error, operation: &str, needs: Option<&str>) {
    assert_eq!(
        error.http_status().map(|s| s.as_u16()),
        Some(403),
        "{error:?}"
    );
    let text = error.to_string();
    match needs {
        Some(needed) => {
            let hint = error
                .missing_permission_hint()
                .unwrap_or_else(|| panic!("a 403 of {operation} has a hint: {error:?}"));
            assert!(hint.starts_with(&format!("{operation} needs ")), "{hint}");
            assert!(hint.contains(needed), "{hint}");
            assert!(text.contains(&format!("hint: {hint}")), "{text}");
        }
        None => {
            assert_eq!(error.missing_permission_hint(), None, "{error:?}");
            assert!(!text.contains("hint:"), "{text}");
        }
    }
}

/// A mock that refuses the request `method path` (raw path, with `auth`) with [`failure`] and
/// `status`, to check how each operation reports a refusal.
pub async fn refusing<'a>(
    server: &'a MockServer,
    method: httpmock::Method,
    path: &str,
    auth: Auth,
    status: u16,
) -> httpmock::Mock<'a> {
    server
        .mock_async(|when, then| {
            let when = raw_path(when.method(method), path);
            authenticated(when, auth);
            respond(then, status, failure());
        })
        .await
}

/// Parses an RFC 3339 timestamp of the test data.
pub fn at(timestamp: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(timestamp)
        .expect("an RFC 3339 timestamp")
        .with_timezone(&chrono::Utc)
}
