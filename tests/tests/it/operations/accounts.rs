//! `accounts_list` and `zones_list`: the query each sends (with `account.id` under its dotted
//! name), what each decodes, and every page read from the fake.

use cloudflare_tokens::{AccountsListQuery, Client, Credentials, Secret, ZonesListQuery, types};
use cloudflare_tokens_tests::ops::*;
use fake_cloudflare::FakeCloudflare;
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;

const OTHER_ACCOUNT: &str = "0123456789abcdef0123456789abcdef";

fn account_json(id: &str, name: &str) -> serde_json::Value {
    json!({ "id": id, "name": name, "type": "standard", "settings": { "enforce_twofactor": true } })
}

fn zone_json(id: &str, name: &str, account: &str) -> serde_json::Value {
    json!({
        "id": id,
        "name": name,
        "status": "active",
        "account": { "id": account, "name": "Platform" },
        "owner": { "id": account, "type": "organization" },
        "meta": { "step": 2 },
        "plan": { "id": "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "name": "Free Website" },
    })
}

fn fake_client(server: &FakeCloudflare) -> Client {
    Client::builder(Credentials::ApiToken(Secret::new(server.bootstrap_token())))
        .base_url(server.base_url())
        .build()
        .unwrap()
}

#[tokio::test]
async fn accounts_list_sends_its_filters_and_decodes_the_accounts() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = exact_query(
                when.method(GET).path("/accounts"),
                &[
                    ("name", "Platform"),
                    ("direction", "desc"),
                    ("page", "2"),
                    ("per_page", "5"),
                ],
            );
            authenticated(when, Auth::Key);
            respond(
                then,
                200,
                page(vec![account_json(ACCOUNT_ID, "Platform")], 2, 5, 6),
            );
        })
        .await;
    let query = AccountsListQuery {
        name: Some("Platform".into()),
        direction: Some(types::SortDirection::Desc),
        page: Some(2),
        per_page: Some(5),
    };
    let listed = client(&server, Auth::Key)
        .accounts_list(&query)
        .await
        .expect("the list succeeds");
    mock.assert_async().await;
    let account = &listed.items()[0];
    assert_eq!(account.id, ACCOUNT_ID);
    assert_eq!(account.name, "Platform");
    assert_eq!(account.type_, types::AccountType::Standard);
    let settings = account.settings.as_ref().expect("settings");
    assert_eq!(settings.enforce_twofactor, Some(true));
}

#[tokio::test]
async fn zones_list_sends_account_id_under_its_dotted_name() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = exact_query(
                when.method(GET).path("/zones"),
                &[
                    ("account.id", ACCOUNT_ID),
                    ("type", "full,partial"),
                    ("per_page", "50"),
                ],
            );
            authenticated(when, Auth::Token);
            respond(
                then,
                200,
                page(
                    vec![zone_json(ZONE_ID, "example.com", ACCOUNT_ID)],
                    1,
                    50,
                    1,
                ),
            );
        })
        .await;
    let query = ZonesListQuery {
        account_id: Some(ACCOUNT_ID.into()),
        type_: Some("full,partial".into()),
        per_page: Some(50),
        ..Default::default()
    };
    let listed = client(&server, Auth::Token)
        .zones_list(&query)
        .await
        .expect("the list succeeds");
    mock.assert_async().await;
    let zone = &listed.items()[0];
    assert_eq!(
        (zone.id.as_str(), zone.name.as_str()),
        (ZONE_ID, "example.com")
    );
    assert_eq!(zone.account.id.as_deref(), Some(ACCOUNT_ID));
    assert_eq!(zone.status, Some(types::ZoneStatus::Active));
}

#[tokio::test]
async fn accounts_list_all_reads_the_fakes_accounts() {
    let server = FakeCloudflare::start().await.unwrap();
    server.create_zone(OTHER_ACCOUNT, "other.example");
    let accounts: Vec<types::Account> = fake_client(&server)
        .accounts_list_all(AccountsListQuery::default())
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, [ACCOUNT_ID, OTHER_ACCOUNT]);
}

#[tokio::test]
async fn zones_list_all_reads_every_page_of_one_account() {
    let server = FakeCloudflare::start().await.unwrap();
    for i in 0..12 {
        server.create_zone(ACCOUNT_ID, &format!("z{i:02}.example"));
        server.create_zone(OTHER_ACCOUNT, &format!("other{i:02}.example"));
    }
    let query = ZonesListQuery {
        account_id: Some(ACCOUNT_ID.into()),
        per_page: Some(5),
        ..Default::default()
    };
    let zones: Vec<types::Zone> = fake_client(&server)
        .zones_list_all(query)
        .try_collect()
        .await
        .unwrap();
    let names: Vec<&str> = zones.iter().map(|z| z.name.as_str()).collect();
    let expected: Vec<String> = (0..12).map(|i| format!("z{i:02}.example")).collect();
    assert_eq!(names, expected);
    assert!(
        zones
            .iter()
            .all(|z| z.account.id.as_deref() == Some(ACCOUNT_ID))
    );
    assert_eq!(
        server.requests_for("zones_list").len(),
        3,
        "12 zones at 5 a page"
    );
}
