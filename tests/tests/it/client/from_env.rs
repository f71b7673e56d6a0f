//! `Client::from_env()`, end to end. The only test in its binary, because it changes the
//! process environment.

use cloudflare_tokens::{Client, DEFAULT_BASE_URL, ErrorKind};
use fake_cloudflare::FakeCloudflare;
use test_support::ACCOUNT;

const VARS: [&str; 4] = [
    "CLOUDFLARE_API_TOKEN",
    "CLOUDFLARE_EMAIL",
    "CLOUDFLARE_API_KEY",
    "CLOUDFLARE_BASE_URL",
];

fn set(vars: &[(&str, &str)]) {
    // SAFETY: this test binary runs one test, on one thread, and nothing else reads the
    // environment while it is changed.
    unsafe {
        for name in VARS {
            std::env::remove_var(name);
        }
        for (name, value) in vars {
            std::env::set_var(name, value);
        }
    }
}

#[test]
fn from_env_reads_credentials_and_base_url() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(FakeCloudflare::start()).unwrap();

    set(&[]);
    let error = Client::from_env().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(
        error.to_string().contains("CLOUDFLARE_API_TOKEN"),
        "{error}"
    );

    set(&[("CLOUDFLARE_API_TOKEN", "t")]);
    assert_eq!(Client::from_env().unwrap().base_url(), DEFAULT_BASE_URL);

    set(&[
        ("CLOUDFLARE_API_TOKEN", server.bootstrap_token()),
        ("CLOUDFLARE_BASE_URL", &server.base_url()),
    ]);
    let verified = runtime
        .block_on(Client::from_env().unwrap().user_tokens_verify())
        .unwrap();
    assert_eq!(
        verified.id.as_deref(),
        Some(fake_cloudflare::BOOTSTRAP_TOKEN_ID)
    );
    let request = &server.requests_for("user_tokens_verify")[0];
    // The fake's request log masks the token itself.
    assert_eq!(request.header("authorization"), Some("Bearer [redacted]"));

    let (email, key) = server.email_key().unwrap();
    set(&[
        ("CLOUDFLARE_EMAIL", email),
        ("CLOUDFLARE_API_KEY", key),
        ("CLOUDFLARE_BASE_URL", &server.base_url()),
    ]);
    let client = Client::from_env().unwrap();
    let page = runtime
        .block_on(client.ai_search_tokens_list(ACCOUNT, &Default::default()))
        .unwrap();
    assert!(page.items().is_empty());
    let request = &server.requests_for("ai_search_tokens_list")[0];
    assert_eq!(request.header("x-auth-email"), Some(email));

    set(&[("CLOUDFLARE_EMAIL", email)]);
    assert!(
        Client::from_env()
            .unwrap_err()
            .to_string()
            .contains("CLOUDFLARE_API_KEY")
    );
}
