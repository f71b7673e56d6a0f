//! The `…_all` streams own what they need (a clone of the client, their arguments): they
//! outlive the client and the arguments they were made from, and can be spawned.

use cloudflare_tokens::{
    AccessServiceTokensListQuery, Client, Credentials, Scope, Secret, UserTokensListQuery,
};
use fake_cloudflare::{AccessScope, FakeCloudflare};
use futures::TryStreamExt;

use test_support::ACCOUNT;

fn client(server: &FakeCloudflare) -> Client {
    Client::builder(Credentials::ApiToken(Secret::new(server.bootstrap_token())))
        .base_url(server.base_url())
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_stream_is_spawned_after_its_client_and_arguments_are_gone() {
    let server = FakeCloudflare::start().await.unwrap();
    for name in ["one", "two", "three"] {
        server.create_service_token(AccessScope::Account, ACCOUNT, name);
    }
    let cf = client(&server);
    let account = String::from(ACCOUNT);
    let query = AccessServiceTokensListQuery {
        per_page: Some(2),
        ..Default::default()
    };
    let stream = cf.access_service_tokens_list_all(Scope::Account(&account), query);
    drop(account);
    drop(cf);

    let names = tokio::spawn(async move {
        stream
            .map_ok(|t| t.name.unwrap_or_default())
            .try_collect::<Vec<String>>()
            .await
    })
    .await
    .expect("the task ran")
    .expect("every page is read");

    assert_eq!(names, ["one", "two", "three"]);
    assert_eq!(server.requests_for("access_service_tokens_list").len(), 2);
}

#[tokio::test]
async fn streams_of_other_lists_are_spawned_too() {
    let server = FakeCloudflare::start().await.unwrap();
    let seeded = server.create_user_token("ci");
    let cf = client(&server);
    let tokens = tokio::spawn(
        cf.user_tokens_list_all(UserTokensListQuery::default())
            .try_collect::<Vec<_>>(),
    );
    let account = ACCOUNT.to_string();
    let registrations = tokio::spawn(
        cf.ai_search_tokens_list_all(&account, Default::default())
            .try_collect::<Vec<_>>(),
    );
    drop(account);
    let tokens = tokens.await.unwrap().unwrap();
    let ids: Vec<Option<String>> = tokens.into_iter().map(|t| t.id).collect();
    assert_eq!(ids, [Some(seeded.id)]);
    assert_eq!(registrations.await.unwrap().unwrap().len(), 0);
}
