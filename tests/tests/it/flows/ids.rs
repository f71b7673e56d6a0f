//! The setup's ids are typed end to end: an instance is created only with a registration's
//! UUID in hand, never from text parsed back with the failure dropped.

use cloudflare_tokens::flows::{AiSearchSetup, InstanceSource, setup_ai_search};
use cloudflare_tokens::{Client, Credentials, Secret};
use fake_cloudflare::{FakeCloudflare, Fault};

use test_support::ACCOUNT;

fn client(server: &FakeCloudflare) -> Client {
    Client::builder(Credentials::ApiToken(Secret::new(server.bootstrap_token())))
        .base_url(server.base_url())
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_registration_answered_without_its_id_is_looked_up_not_dropped() {
    let server = FakeCloudflare::start().await.unwrap();
    server.create_r2_bucket(ACCOUNT, "docs-bucket");
    // The registration lands, but its answer says no id.
    server.inject(Fault::omit("ai_search_tokens_create", "id"));
    let setup = AiSearchSetup::new(
        ACCOUNT,
        "docs",
        InstanceSource::R2Bucket("docs-bucket".into()),
    );

    let outcome = setup_ai_search(&client(&server), &setup, |_| {})
        .await
        .expect("the setup finds the registration by listing");

    let registrations = server.ai_search_tokens(ACCOUNT);
    assert_eq!(registrations.len(), 1, "registered once: {registrations:?}");
    let id = registrations[0]["id"].as_str().unwrap();
    assert_eq!(
        outcome
            .token
            .registration()
            .map(|u| u.to_string())
            .as_deref(),
        Some(id)
    );
    let instances = server.ai_search_instances(ACCOUNT);
    assert_eq!(instances.len(), 1);
    assert_eq!(instances[0]["token_id"].as_str(), Some(id));
    assert_eq!(server.requests_for("ai_search_tokens_create").len(), 1);
}
