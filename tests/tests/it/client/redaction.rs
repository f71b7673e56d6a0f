//! Errors never show a secret: not the credentials, not a secret the request carried, not a
//! secret the response carried, whatever shape the answer takes (JSON with escaped quotes or
//! escaped key names, a message echoing the request body, a truncated body, an HTML page), and
//! in nothing the error offers: `Display`, `Debug` and every accessor.

use std::error::Error as _;

use cloudflare_tokens::{Client, Credentials, Error, RetryPolicy, Secret, types};
use cloudflare_tokens_tests::ops::{ACCOUNT_ID, API_TOKEN, EMAIL, GLOBAL_API_KEY};
use test_support::adversary::{self, Reply, Server};

/// The secret the request body carries; the quote and `<` make its escaped forms differ.
const SENT_SECRET: &str = r#"sent"Secret<7Hq2Nw9Kd4Lp0Zr"#;
/// Secrets that only the server's answers carry.
const RECEIVED: &str = "recv-Secret-Xv5Bn8Mq3Wt1Yc6Rj";
const RECEIVED_2: &str = "recv2-Secret-Pa4Sd7Fg0Hj2Kl9Z";

fn client(server: &Server, credentials: Credentials) -> Client {
    Client::builder(credentials)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

fn token() -> Credentials {
    Credentials::ApiToken(Secret::new(API_TOKEN))
}

fn key() -> Credentials {
    Credentials::ApiKey {
        email: EMAIL.into(),
        key: Secret::new(GLOBAL_API_KEY),
    }
}

/// Everything an error shows, through every way it offers.
fn everything_shown(error: &Error) -> String {
    let mut parts = vec![
        format!("{error}"),
        format!("{error:?}"),
        format!("{error:#?}"),
        format!("{:?}", error.kind()),
        format!("{:?}", error.errors()),
        format!("{:?}", error.messages()),
        format!("{:?}", error.codes()),
        format!("{:?}", error.cf_ray()),
        format!("{:?}", error.redirect_location()),
        format!("{:?}", error.missing_permission_hint()),
        format!("{:?}", error.http_status()),
        format!("{:?}", error.operation()),
    ];
    for message in error.errors().iter().chain(error.messages()) {
        parts.push(message.to_string());
        parts.push(format!(
            "{:?} {:?}",
            message.documentation_url, message.pointer
        ));
    }
    let mut source = error.source();
    while let Some(cause) = source {
        parts.push(format!("{cause} {cause:?}"));
        source = cause.source();
    }
    parts.join("\n")
}

/// Every form a secret could take in an answer: as is, JSON-escaped, HTML-escaped.
fn forms(secret: &str) -> Vec<String> {
    let json = serde_json::to_string(secret).unwrap();
    let json = json.trim_matches('"').to_string();
    let html = secret
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    let mut forms = vec![secret.to_string(), json, html];
    // A tell-tale piece of the value, for a body cut in its middle.
    forms.push(secret[..12].to_string());
    forms
}

#[track_caller]
fn assert_hidden(shown: &str, secrets: &[&str]) {
    for secret in secrets {
        for form in forms(secret) {
            assert!(
                !shown.contains(&form),
                "`{form}` (a form of a secret) is shown:\n{shown}"
            );
        }
    }
}

/// Registers a token with AI Search (a POST whose body carries [`SENT_SECRET`]) against a
/// server answering `reply`.
async fn register(reply: Reply, credentials: Credentials) -> Error {
    let server = Server::always(reply).await;
    let body = types::AiSearchTokenCreate::new(types::AiSearchTokenCreateRequired {
        cf_api_id: "ed17574386854bf78a67040be0a770b0".into(),
        cf_api_key: SENT_SECRET.into(),
        name: "docs-indexer".into(),
    });
    let error = client(&server, credentials)
        .ai_search_tokens_create(ACCOUNT_ID, &body)
        .await
        .map(drop)
        .unwrap_err();
    // The request did carry the secret (so the test hides something real).
    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    assert!(
        String::from_utf8_lossy(&sent[0].body).contains(&forms(SENT_SECRET)[1]),
        "{:?}",
        sent[0]
    );
    error
}

fn text(status: u16, content_type: &str, body: &str) -> Reply {
    Reply::Raw(adversary::response(
        status,
        &[("content-type", content_type)],
        body.as_bytes(),
    ))
}

#[tokio::test]
async fn escaped_quotes_do_not_unmask_a_secret_field() {
    // The escaped quote in `name` used to throw the scanner off by one string.
    let body = format!(
        r#"{{"result":{{"name":"a\"b","value":"{RECEIVED}","cf_api_key":"x\"y{RECEIVED_2}"}}}}"#
    );
    let error = register(text(502, "application/json", &body), token()).await;
    let shown = everything_shown(&error);
    assert_hidden(&shown, &[RECEIVED, RECEIVED_2, SENT_SECRET, API_TOKEN]);
    assert!(
        error.to_string().contains(
            r#"body: {"result":{"name":"a\"b","value":"[REDACTED]","cf_api_key":"[REDACTED]"}}"#
        ),
        "{error}"
    );
}

#[tokio::test]
async fn escaped_key_names_are_read_as_their_names() {
    let body = format!(
        r#"{{"result":{{"id":"7","val\u0075e":"{RECEIVED}","client_s\u0065cret":"{RECEIVED_2}"}}}}"#
    );
    let error = register(text(500, "application/json", &body), key()).await;
    let shown = everything_shown(&error);
    assert_hidden(&shown, &[RECEIVED, RECEIVED_2, SENT_SECRET, GLOBAL_API_KEY]);
    assert!(
        error
            .to_string()
            .contains(r#""id":"7","val\u0075e":"[REDACTED]""#),
        "{error}"
    );
}

#[tokio::test]
async fn a_message_echoing_the_request_body_is_masked() {
    // Cloudflare's envelope, its message quoting the body it refused (and the credential).
    let echoed = serde_json::json!({
        "name": "docs-indexer",
        "cf_api_key": SENT_SECRET,
    })
    .to_string();
    let envelope = serde_json::json!({
        "success": false,
        "errors": [{
            "code": 1003,
            "message": format!("invalid body {echoed} sent with Bearer {API_TOKEN}"),
            "documentation_url": format!("https://example.com/?key={SENT_SECRET}"),
            "source": {"pointer": format!("/cf_api_key/{SENT_SECRET}")},
        }],
        "messages": [{"code": 1, "message": format!("raw echo: {SENT_SECRET}")}],
        "result": null,
    });
    let error = register(adversary::json(400, &envelope), token()).await;
    assert_eq!(error.codes(), vec![1003], "{error:?}");
    let shown = everything_shown(&error);
    assert_hidden(&shown, &[SENT_SECRET, API_TOKEN]);
    assert!(
        error.errors()[0].message.starts_with("invalid body {"),
        "{:?}",
        error.errors()
    );
    assert!(
        error.errors()[0]
            .message
            .ends_with("sent with Bearer [REDACTED]"),
        "{:?}",
        error.errors()
    );

    // The same echo in a plain-text answer.
    let raw = format!(
        "bad request body: {{\"cf_api_key\":{}}}",
        serde_json::to_string(SENT_SECRET).unwrap()
    );
    let error = register(text(502, "text/plain", &raw), token()).await;
    assert_hidden(&everything_shown(&error), &[SENT_SECRET]);
    assert!(
        error
            .to_string()
            .contains(r#"body: bad request body: {"cf_api_key":"[REDACTED]"}"#),
        "{error}"
    );
}

#[tokio::test]
async fn a_truncated_body_hides_the_secret_it_was_cut_in() {
    // A created token whose answer stops in the middle of its value.
    let body = format!(
        r#"{{"success":true,"result":{{"id":"ed17","value":"{}"#,
        &RECEIVED[..20]
    );
    let error = register(text(200, "application/json", &body), token()).await;
    assert_eq!(
        error.kind(),
        cloudflare_tokens::ErrorKind::Decode,
        "{error:?}"
    );
    assert!(error.is_outcome_unknown());
    let shown = everything_shown(&error);
    assert_hidden(&shown, &[RECEIVED, SENT_SECRET, API_TOKEN]);
    assert!(
        error
            .to_string()
            .contains(r#"body: {"success":true,"result":{"id":"ed17","value":"[REDACTED]"#),
        "{error}"
    );

    // Cut in the middle of a message that quotes the request's secret (JSON-escaped).
    let escaped = &forms(SENT_SECRET)[1];
    let body = format!(r#"{{"errors":[{{"message":"bad key {}"#, &escaped[..11]);
    let error = register(text(500, "application/json", &body), token()).await;
    let shown = everything_shown(&error);
    assert!(
        !shown.contains(&escaped[..11]) && !shown.contains(&SENT_SECRET[..10]),
        "{shown}"
    );
    assert!(
        error
            .to_string()
            .contains(r#"body: {"errors":[{"message":"bad key [REDACTED]"#),
        "{error}"
    );
}

#[tokio::test]
async fn an_html_page_echoing_secrets_is_masked() {
    let page = format!(
        "<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad gateway</h1>\
         <p>upstream rejected key {} for Bearer {API_TOKEN}</p>\
         <pre>{{&quot;cf_api_key&quot;:&quot;{}&quot;}}</pre></body></html>",
        SENT_SECRET.replace('"', "&quot;").replace('<', "&lt;"),
        SENT_SECRET.replace('"', "&quot;").replace('<', "&lt;"),
    );
    let error = register(text(502, "text/html", &page), token()).await;
    assert_eq!(
        error.kind(),
        cloudflare_tokens::ErrorKind::Http,
        "{error:?}"
    );
    let shown = everything_shown(&error);
    assert_hidden(&shown, &[SENT_SECRET, API_TOKEN]);
    assert!(
        error
            .to_string()
            .contains("upstream rejected key [REDACTED] for Bearer [REDACTED]"),
        "{error}"
    );
}

#[tokio::test]
async fn headers_echoing_a_credential_are_masked() {
    let reply = Reply::Raw(adversary::response(
        503,
        &[("cf-ray", GLOBAL_API_KEY), ("content-type", "text/plain")],
        b"down",
    ));
    let error = register(reply, key()).await;
    assert_eq!(error.cf_ray(), Some("[REDACTED]"));
    assert_hidden(&everything_shown(&error), &[GLOBAL_API_KEY, SENT_SECRET]);

    let server = Server::always(Reply::Raw(adversary::response(
        307,
        &[(
            "location",
            &format!("http://127.0.0.1:9/steal?t={API_TOKEN}"),
        )],
        b"",
    )))
    .await;
    let error = client(&server, token())
        .user_tokens_verify()
        .await
        .map(drop)
        .unwrap_err();
    assert_eq!(
        error.redirect_location(),
        Some("http://127.0.0.1:9/steal?t=[REDACTED]")
    );
    assert_hidden(&everything_shown(&error), &[API_TOKEN]);
}

#[tokio::test]
async fn a_decoder_complaint_quoting_a_secret_is_masked() {
    // A string where a list belongs: serde's complaint quotes the string, here the credential.
    let body = format!(
        r#"{{"success":true,"errors":[],"messages":[],"result":{{"id":"ed17","policies":"{API_TOKEN}"}}}}"#
    );
    let server = Server::always(text(200, "application/json", &body)).await;
    let error = client(&server, token())
        .user_tokens_get("ed17")
        .await
        .map(drop)
        .unwrap_err();
    assert_eq!(
        error.kind(),
        cloudflare_tokens::ErrorKind::Decode,
        "{error:?}"
    );
    let cause = error.source().expect("the decoder's complaint").to_string();
    assert!(
        cause.starts_with("invalid type: string \"[REDACTED]\""),
        "{cause}"
    );
    assert_hidden(&everything_shown(&error), &[API_TOKEN]);
}
